"""Who owns which account, read from Zoho (the Account Owner) and trusted for a short while, and who may see
and decide what: the owner sees their accounts, an admin (Zoho profile Administrator, or ``SERGAS_ADMINS``)
sees all. Every page and every action asks here; nothing is taken from the form.

A failed read from Zoho fails closed: ``OwnershipUnavailable`` (the page says Zoho could not be asked).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Protocol

from pydantic import BaseModel

from integrations.zoho.errors import ZohoError
from integrations.zoho.models import Account, CrmRecord, Module
from web.timed_cache import TimedCache

BATCH = 100  # ids per GET /Accounts?ids=... (Zoho's limit)
REFRESH_AHEAD = 0.25  # of the TTL: owners this close to expiry are read again in the background


class RecordReader(Protocol):
    async def get_records(self, module: Module, ids: Sequence[str]) -> list[CrmRecord]: ...


class AccountOwner(BaseModel):
    account_id: str
    name: str | None = None  # None when Zoho does not know the account (deleted)
    owner_id: str | None = None
    owner_name: str | None = None
    owner_email: str | None = None

    @property
    def exists(self) -> bool:
        return self.name is not None


class OwnershipUnavailable(Exception):
    """Zoho could not be asked who owns the accounts: nothing is shown or decided until it can."""

    def __init__(self, error: ZohoError) -> None:
        super().__init__(f"Zoho could not be asked who owns these accounts: {error.message}. {error.hint}")
        self.error = error


class OwnerDirectory:
    def __init__(
        self, reader: RecordReader, *, ttl_seconds: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._reader = reader
        self._ttl = ttl_seconds
        self._cache: TimedCache[str, AccountOwner] = TimedCache(ttl_seconds, clock=clock)
        self._lock = asyncio.Lock()
        self._ahead: asyncio.Task[None] | None = None

    async def owners(self, account_ids: Iterable[str]) -> dict[str, AccountOwner]:
        """Each account's owner, never older than the TTL. Raises ``OwnershipUnavailable``.

        Owners close to expiry are read again in the background, so a person who keeps working does not
        wait for the re-read; nothing past the TTL is ever used."""
        wanted = list(dict.fromkeys(str(a) for a in account_ids))
        if self._cache.stale(wanted):
            async with self._lock:
                await self._refresh(self._cache.stale(wanted))  # again: another request may have just read them
        aging = self._cache.stale(wanted, margin=self._ttl * REFRESH_AHEAD)
        if aging and (self._ahead is None or self._ahead.done()):
            self._ahead = asyncio.get_running_loop().create_task(self._refresh_quietly(aging))
        return {a: self._cache.get(a) or AccountOwner(account_id=a) for a in wanted}

    async def _refresh_quietly(self, ids: list[str]) -> None:
        async with self._lock:
            with contextlib.suppress(OwnershipUnavailable):  # the next request reads them, or says Zoho is down
                await self._refresh(self._cache.stale(ids, margin=self._ttl * REFRESH_AHEAD))

    async def aclose(self) -> None:
        if self._ahead is not None and not self._ahead.done():
            self._ahead.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._ahead

    async def owner(self, account_id: str) -> AccountOwner:
        return (await self.owners([account_id]))[account_id]

    async def _refresh(self, ids: list[str]) -> None:
        if not ids:
            return
        chunks = [ids[i : i + BATCH] for i in range(0, len(ids), BATCH)]
        try:  # Zoho reads 100 ids a call: the calls go out together (within the edition's concurrency)
            pages = await asyncio.gather(*(self._reader.get_records("Accounts", chunk) for chunk in chunks))
        except ZohoError as exc:
            raise OwnershipUnavailable(exc) from None
        records = [record for page in pages for record in page]
        found: dict[str, AccountOwner] = {}
        for record in records:
            if isinstance(record, Account):
                owner = record.owner
                found[record.id] = AccountOwner(
                    account_id=record.id,
                    name=record.name,
                    owner_id=owner.id if owner else None,
                    owner_name=owner.name if owner else None,
                    owner_email=owner.email if owner else None,
                )
        self._cache.put({a: found.get(a, AccountOwner(account_id=a)) for a in ids})

    def known_name(self, account_id: str) -> str | None:
        """The account's name when it was read already (no call to Zoho)."""
        owner = self._cache.get(account_id)
        return owner.name if owner else None

    def forget(self) -> None:
        self._cache.clear()


def may_see(viewer: Any, owner: AccountOwner) -> bool:
    """The rule: admins see everything; others the accounts Zoho says they own."""
    if viewer.is_admin:
        return True
    return owner.owner_id is not None and owner.owner_id == viewer.user_id
