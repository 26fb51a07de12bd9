"""An account reference (a Zoho id or a name) to one account, or the candidates when it is ambiguous."""

from __future__ import annotations

import re

from integrations.zoho.errors import ZohoNotFoundError
from integrations.zoho.gateway import ZohoGateway
from integrations.zoho.models import Account

_ZOHO_ID = re.compile(r"^\d{6,}$")


class AccountRefError(LookupError):
    """The reference does not name exactly one account."""


class AccountNotFound(AccountRefError):
    def __init__(self, ref: str) -> None:
        self.ref = ref
        super().__init__(f"No account matches {ref!r}. Try part of its name, or its Zoho id.")


class AmbiguousAccount(AccountRefError):
    def __init__(self, ref: str, candidates: list[Account]) -> None:
        self.ref = ref
        self.candidates = candidates
        names = "; ".join(f"{a.name} ({a.id})" for a in candidates[:10])
        super().__init__(f"{len(candidates)} accounts match {ref!r}: {names}. Give the exact name or the id.")


def looks_like_id(ref: str) -> bool:
    return bool(_ZOHO_ID.match(ref.strip()))


async def resolve_account(gateway: ZohoGateway, ref: str, *, limit: int = 10) -> Account:
    """The one account ``ref`` names: an id is looked up, a name searched (an exact, case-insensitive
    name match wins over partial ones). Raises ``AccountNotFound`` / ``AmbiguousAccount``."""
    ref = ref.strip()
    if not ref:
        raise AccountNotFound(ref)
    if looks_like_id(ref):
        try:
            return (await gateway.get_account_360(ref)).account
        except ZohoNotFoundError:
            pass  # maybe a name made of digits: search below
    found = await gateway.search_accounts(ref, limit=limit)
    if not found:
        raise AccountNotFound(ref)
    exact = [a for a in found if a.name.strip().lower() == ref.lower()]
    if len(exact) == 1:
        return exact[0]
    if len(found) == 1:
        return found[0]
    raise AmbiguousAccount(ref, exact or found)
