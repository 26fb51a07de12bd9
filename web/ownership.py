"""Who owns which account, read from Zoho (the Account Owner) and trusted for a short while, and who may see
and decide what: the owner sees their accounts, an admin (Zoho profile Administrator, or ``SERGAS_ADMINS``)
sees all. Every page and every action asks here; nothing is taken from the form.

A failed read from Zoho fails closed: ``OwnershipUnavailable`` (the page says Zoho could not be asked).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Protocol

from pydantic import BaseModel

from integrations.zoho.errors import ZohoError
from integrations.zoho.models import Account, CrmRecord, Module
from web.timed_cache import TimedCache


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
        self._cache: TimedCache[str, AccountOwner] = TimedCache(ttl_seconds, clock=clock)
        self._lock = asyncio.Lock()

    async def owners(self, account_ids: Iterable[str]) -> dict[str, AccountOwner]:
        """Each account's owner (fresh within the TTL). Raises ``OwnershipUnavailable``."""
        wanted = list(dict.fromkeys(str(a) for a in account_ids))
        stale = self._cache.stale(wanted)
        if stale:
            async with self._lock:
                await self._refresh(stale)
        return {a: self._cache.get(a) or AccountOwner(account_id=a) for a in wanted}

    async def owner(self, account_id: str) -> AccountOwner:
        return (await self.owners([account_id]))[account_id]

    async def _refresh(self, ids: list[str]) -> None:
        try:
            records = await self._reader.get_records("Accounts", ids)
        except ZohoError as exc:
            raise OwnershipUnavailable(exc) from None
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
