"""Finding the account a user means: by Zoho id, exact name, or an unambiguous part of the name."""

from __future__ import annotations

import re

from pydantic import BaseModel, Field

from integrations.zoho.errors import ZohoError, ZohoNotFoundError
from integrations.zoho.gateway import ZohoGateway
from integrations.zoho.models import Account

_ZOHO_ID = re.compile(r"^\d{6,}$")
_PHRASE = re.compile(r"\b[A-Z][\w&.'-]*(?:\s+[A-Z][\w&.'-]*)*")
_STOP = {"What", "Who", "When", "Where", "Why", "How", "Which", "Should", "Can", "Could", "Do", "Does", "Is",
         "Are", "Tell", "Show", "Give", "Any", "The", "I", "We", "Please", "Prepare", "Brief", "Help"}


class AccountMatch(BaseModel):
    account: Account | None = None
    candidates: list[Account] = Field(default_factory=list)  # when the name was ambiguous

    @property
    def found(self) -> bool:
        return self.account is not None


async def find_account(gateway: ZohoGateway, ref: str) -> AccountMatch:
    """The account ``ref`` names (Zoho id or name); several candidates when the name is ambiguous."""
    ref = ref.strip()
    if not ref:
        return AccountMatch()
    if _ZOHO_ID.match(ref):
        try:
            return AccountMatch(account=(await gateway.get_account_360(ref)).account)
        except ZohoNotFoundError:
            return AccountMatch()
    matches = await gateway.search_accounts(ref, limit=10)
    exact = [a for a in matches if a.name.lower() == ref.lower()]
    if exact:
        return AccountMatch(account=exact[0], candidates=matches)
    if len(matches) == 1:
        return AccountMatch(account=matches[0], candidates=matches)
    return AccountMatch(candidates=matches)


async def guess_account(gateway: ZohoGateway, question: str, *, max_searches: int = 4) -> Account | None:
    """An account a free-text question names (capitalised phrases tried as names), or None."""
    phrases: list[str] = []
    for found in _PHRASE.findall(question):
        words = [w for w in found.split() if w.strip(".'") not in _STOP]
        phrase = " ".join(words).strip(" .'?")
        if len(phrase) >= 3 and phrase not in phrases:
            phrases.append(phrase)
    for phrase in phrases[:max_searches]:
        try:
            match = await find_account(gateway, phrase)
        except ZohoError:
            return None
        if match.account is not None:
            return match.account
        if match.candidates:
            return match.candidates[0]
    return None


__all__ = ["AccountMatch", "find_account", "guess_account"]
