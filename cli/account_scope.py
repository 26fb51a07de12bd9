"""Which accounts a command's ``--account`` / ``--owner`` mean, and the names of the accounts it shows.

``AccountScope.resolve`` turns what the user typed into ids through ``briefs.resolve`` (a Zoho id is taken
as it is, without a call; a name or an owner's email is looked up); ``AccountDirectory`` fetches the names
and owners of the accounts on screen from Zoho, 100 ids a call, once per session. Without Zoho the names
are missing (``problem`` says why) and views fall back to the ids.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field

from briefs.resolve import looks_like_id, resolve_account, resolve_owner
from domain.safe_text import safe_inline
from integrations.zoho.errors import ZohoError
from integrations.zoho.gateway import ZohoGateway
from integrations.zoho.models import Account, UserRef

GetGateway = Callable[[], Awaitable[ZohoGateway]]


@dataclass
class AccountDirectory:
    """Account id → name and owner id, as far as Zoho told us."""

    names: dict[str, str] = field(default_factory=dict)
    owners: dict[str, str | None] = field(default_factory=dict)
    problem: str | None = None  # why some names could not be fetched

    def remember(self, account: Account) -> None:
        self.names[account.id] = account.name
        self.owners[account.id] = account.owner.id if account.owner else None

    async def learn(self, gateway: GetGateway, account_ids: Iterable[str]) -> bool:
        """Fetch the accounts not known yet. False (and ``problem`` set) when Zoho could not say."""
        missing = [i for i in dict.fromkeys(account_ids) if i not in self.names]
        if not missing:
            return True
        try:
            records = await (await gateway()).get_records("Accounts", missing)
        except ZohoError as exc:
            self.problem = f"{exc} — {exc.hint}"
            return False
        for record in records:
            if isinstance(record, Account):
                self.remember(record)
        for gone in set(missing) - set(self.names):  # deleted in Zoho since: say so rather than fetch again
            self.names[gone], self.owners[gone] = "(not in Zoho any more)", None
        return True

    def name(self, account_id: str) -> str | None:
        return self.names.get(account_id)

    def label(self, account_id: str, *, with_id: bool = True) -> str:
        """``Lumen Retail Corp. (6421…01)`` — the name (made safe to print), with the id when wanted or unknown."""
        name = self.names.get(account_id)
        if name is None:
            return f"account {account_id}"
        return f"{safe_inline(name)} ({account_id})" if with_id else safe_inline(name)


@dataclass
class AccountScope:
    """The accounts a command works on: one account, one owner's, or all."""

    account_id: str | None = None
    owner: UserRef | None = None

    @classmethod
    async def resolve(
        cls,
        gateway: GetGateway,
        directory: AccountDirectory,
        *,
        account: str | None,
        owner: str | None,
        known_id: Callable[[str], bool] = lambda ref: False,
    ) -> AccountScope:
        """``account`` is taken as an id when it looks like one or ``known_id`` says so (no Zoho call), else
        resolved as a name. Raises ``briefs.resolve.ResolveError`` (no such account / owner), ``ZohoError``."""
        scope = cls()
        if account and account.strip():
            if looks_like_id(account) or known_id(account.strip()):
                scope.account_id = account.strip()
            else:
                found = await resolve_account(await gateway(), account)
                directory.remember(found)
                scope.account_id = found.id
        if owner and owner.strip():
            scope.owner = await resolve_owner(await gateway(), owner)
        return scope

    @property
    def narrowed(self) -> bool:
        return self.account_id is not None or self.owner is not None

    def keeps(self, account_id: str, directory: AccountDirectory) -> bool:
        if self.account_id is not None and account_id != self.account_id:
            return False
        return self.owner is None or directory.owners.get(account_id) == self.owner.id

    def describe(self, directory: AccountDirectory) -> str:
        parts = []
        if self.account_id is not None:
            parts.append(f"for {directory.label(self.account_id)}")
        if self.owner is not None:
            parts.append(f"of accounts owned by {safe_inline(self.owner.name or self.owner.email or self.owner.id)}")
        return " ".join(parts)


__all__ = ["AccountDirectory", "AccountScope", "GetGateway"]
