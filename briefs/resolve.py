"""What a person typed, to the one account or owner it means: the resolver every command uses.

    account = await resolve_account(gateway, "riverside logistics gmbh")   # a name, part of one, or a Zoho id
    account = await account_in_text(gateway, "What about Riverside Logistics GmbH this week?")
    owner = await resolve_owner(gateway, "james.okafor@example.com")      # an email, a user id or a full name

Rules, in order: a Zoho id is looked up (an unknown id is a plain "no account has the id"); an exact name
(case, spacing and punctuation aside) wins over partial matches; a single account whose name contains what was
typed is that account; several are ``AmbiguousAccount`` with how many matched in all (not only the ones listed);
nothing is ``AccountNotFound`` with the closest names ("did you mean"). In a question, the longest account name
written in it wins over names that only share a word with it.

Errors (``LookupError``; ``lines()`` gives the message and the candidates, one per line, for any front end):

    ResolveError
    ├── AccountRefError        the reference names no single account (``candidates``, ``total``)
    │   ├── AccountNotFound    nothing matches; ``candidates`` are suggestions (closest names)
    │   └── AmbiguousAccount   several match; ``candidates`` are the first of ``total``
    └── OwnerRefError          the owner reference names no single user that owns accounts
        ├── OwnerNotFound      no Zoho user has that email, id or name; ``suggestions`` are close ones
        └── OwnerHasNoAccounts the user exists but owns no account (``owner``)

Zoho failures (``ZohoError``) pass through unchanged.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

from integrations.zoho.errors import ZohoNotFoundError, ZohoValidationError
from integrations.zoho.gateway import ZohoGateway
from integrations.zoho.models import Account, UserRef

SHOWN = 10  # candidates listed in a message
SEARCH_LIMIT = 200  # one search page: how many matches are counted before "or more"
MAX_LOOKUPS = 6  # searches one reference may cost
_ZOHO_ID = re.compile(r"^\d{6,}$")
_NOT_WORD = re.compile(r"[^\w&]+")
_RUN = re.compile(r"[A-Z0-9][\w&'.-]*(?:\s+(?:[A-Z0-9&][\w&'.-]*|of|and|de|du|la|von|van|der|y|e))*")
_WORD = re.compile(r"[A-Za-z0-9][\w&.'-]{2,}")
_STOP_WORDS = """what when where which who why how should would could the this that about with from week month
today tomorrow account accounts deal deals do does for and are is my our their next last meeting call brief status
tell me give show any all risk risks can we you they them it its was were has have had please there here"""
_STOP = frozenset(_STOP_WORDS.split())


class ResolveError(LookupError):
    """The base of every resolver error: ``lines()`` is what to show, one line each."""

    def __init__(self, message: str, listed: list[str]) -> None:
        super().__init__(message)
        self.message = message
        self.listed = listed

    def lines(self) -> list[str]:
        return [self.message, *(f"  {line}" for line in self.listed)]


class AccountRefError(ResolveError):
    """The reference does not name exactly one account."""

    def __init__(self, ref: str, message: str, candidates: list[Account], total: int) -> None:
        super().__init__(message, [f"{a.name}  (id {a.id})" for a in candidates[:SHOWN]])
        self.ref = ref
        self.candidates = candidates
        self.total = total


class AccountNotFound(AccountRefError):
    def __init__(self, ref: str, suggestions: list[Account] | None = None, *, by_id: bool = False) -> None:
        suggestions = suggestions or []
        if not ref:
            message = "Give an account name (or part of it) or its Zoho id."
        elif by_id:
            message = f"No account has the Zoho id {ref}. Check the id, or give the account's name."
        elif suggestions:
            message = f"No account is named {ref!r}. Did you mean:"
        else:
            message = f"No account matches {ref!r}. Try part of its name, or its Zoho id."
        super().__init__(ref, message, suggestions, 0)


class AmbiguousAccount(AccountRefError):
    def __init__(self, ref: str, candidates: list[Account], total: int | None = None, *, more: bool = False) -> None:
        total = len(candidates) if total is None else total
        count = f"{total} or more" if more else str(total)
        shown = f" (the first {SHOWN} listed)" if total > SHOWN else ""
        message = f"{count} accounts match {ref!r}{shown}. Give the exact name or the Zoho id:"
        super().__init__(ref, message, candidates, total)


class OwnerRefError(ResolveError):
    """The owner reference names no user who owns accounts."""


class OwnerNotFound(OwnerRefError):
    def __init__(self, ref: str, suggestions: list[UserRef]) -> None:
        hint = "Did you mean:" if suggestions else "Give the owner's email or Zoho user id."
        super().__init__(f"No Zoho user has the email, id or name {ref!r}. {hint}", [_user(u) for u in suggestions])
        self.ref = ref
        self.suggestions = suggestions


class OwnerHasNoAccounts(OwnerRefError):
    def __init__(self, owner: UserRef) -> None:
        super().__init__(f"{_user(owner)} owns no account in Zoho: there is nothing of theirs to show.", [])
        self.owner = owner


def _user(user: UserRef) -> str:
    return " ".join(p for p in (user.name, f"<{user.email}>" if user.email else None, f"(id {user.id})") if p)


def looks_like_id(ref: str) -> bool:
    return bool(_ZOHO_ID.match(ref.strip()))


def normalized(text: str) -> str:
    """Lower case, punctuation and spacing aside: ``"Lumen Retail Corp."`` ≡ ``"lumen  retail corp"``."""
    return " ".join(_NOT_WORD.sub(" ", text.lower()).split())


# --- accounts by name or id ------------------------------------------------------------------------
async def resolve_account(gateway: ZohoGateway, ref: str) -> Account:
    """The one account ``ref`` names (a Zoho id, an exact name, or a part of one name).

    Raises ``AccountNotFound`` (with "did you mean" suggestions) or ``AmbiguousAccount``."""
    ref = " ".join(ref.split())
    if not ref:
        raise AccountNotFound(ref)
    if looks_like_id(ref):
        found = await _by_id(gateway, ref)
        if found is not None:
            return found
    matches = await gateway.search_accounts(ref, limit=SEARCH_LIMIT)
    if not matches:
        if looks_like_id(ref):
            raise AccountNotFound(ref, by_id=True)
        raise AccountNotFound(ref, await suggest_accounts(gateway, ref))
    return _choose(ref, matches, more=len(matches) >= SEARCH_LIMIT)


async def _by_id(gateway: ZohoGateway, ref: str) -> Account | None:
    try:
        records = await gateway.get_records("Accounts", [ref])
    except (ZohoNotFoundError, ZohoValidationError):  # Zoho answers 400 INVALID_DATA for an id it never issued
        return None
    return next((r for r in records if isinstance(r, Account) and r.id == ref), None)


def _choose(ref: str, matches: list[Account], *, more: bool) -> Account:
    key = normalized(ref)
    exact = [a for a in matches if normalized(a.name) == key]
    if len(exact) == 1:
        return exact[0]
    if exact:  # two accounts with the same name: only the id tells them apart
        raise AmbiguousAccount(ref, exact)
    by_name = [a for a in matches if key in normalized(a.name)]
    pool = by_name or matches
    if len(pool) == 1:
        return pool[0]
    pool = sorted(pool, key=lambda a: (not normalized(a.name).startswith(key), a.name.lower(), a.id))
    raise AmbiguousAccount(ref, pool, more=more)


async def suggest_accounts(gateway: ZohoGateway, ref: str, *, limit: int = 5) -> list[Account]:
    """Accounts whose names are closest to ``ref`` (a typo, a half-remembered name): "did you mean"."""
    words = [w for w in normalized(ref).split() if len(w) >= 3][: MAX_LOOKUPS // 2] or [normalized(ref)]
    scored: list[tuple[float, Account]] = []
    for probes in (words, [w[:3] for w in words]):  # whole words first; their first letters if none comes close
        pool: dict[str, Account] = {}
        for probe in dict.fromkeys(p for p in probes if p):
            pool.update((a.id, a) for a in await gateway.search_accounts(probe, limit=SEARCH_LIMIT))
        scored = [(closeness(ref, a.name), a) for a in pool.values()]
        scored = [(score, a) for score, a in scored if score >= 0.6]
        if scored:
            break
    scored.sort(key=lambda sa: (-sa[0], sa[1].name.lower(), sa[1].id))
    return [a for _, a in scored[:limit]]


def closeness(typed: str, name: str) -> float:
    """How close ``typed`` is to ``name`` (0–1): the whole name, or its first words when fewer were typed."""
    typed_n, name_n = normalized(typed), normalized(name)
    head = " ".join(name_n.split()[: max(1, len(typed_n.split()))])
    return max(difflib.SequenceMatcher(None, typed_n, text).ratio() for text in (name_n, head))


# --- the account a question names ------------------------------------------------------------------
async def account_in_text(gateway: ZohoGateway, text: str, *, named_only: bool = False) -> Account:
    """The one account a question or sentence names: a quoted name, else the longest account name written
    in it, else (unless ``named_only``) the one account its first name-like words find.

    Raises ``AccountNotFound`` (with suggestions when some words come close) or ``AmbiguousAccount``."""
    quoted = re.findall(r"[\"“]([^\"”]{2,})[\"”]", text)
    if quoted and not named_only:
        return await resolve_account(gateway, quoted[0])
    phrases = _name_phrases(text)
    found: dict[str, Account] = {}
    first: tuple[str, list[Account]] | None = None
    for phrase in phrases[:MAX_LOOKUPS]:
        matches = await gateway.search_accounts(phrase, limit=SEARCH_LIMIT)
        first = first or ((phrase, matches) if matches else None)
        found.update((a.id, a) for a in matches)
        named = _named_in(text, found.values())
        if named:
            return _longest(named)
    if named_only:
        raise AccountNotFound(text.strip())
    if first is not None:
        phrase, matches = first
        return _choose(phrase, matches, more=len(matches) >= SEARCH_LIMIT)
    if not phrases:
        raise AccountNotFound("")
    raise AccountNotFound(phrases[0], await suggest_accounts(gateway, phrases[0]))


def _name_phrases(text: str) -> list[str]:
    """Name-like parts of a question, best first: runs of capitalised words (longest first), then single
    significant words (capitalised, then longer)."""
    runs = [r.strip(" .'-") for r in _RUN.findall(text)]
    runs = [r for r in runs if len(r.split()) > 1 or (len(r) >= 3 and r.lower() not in _STOP)]
    runs.sort(key=lambda r: -len(r))
    words = [w.strip(".'-") for w in _WORD.findall(text)]
    words = [w for w in words if w.lower() not in _STOP and len(w) >= 3]
    words.sort(key=lambda w: (not w[:1].isupper(), -len(w)))
    out: list[str] = []
    for phrase in [*runs, *words]:
        if phrase and phrase.lower() not in (p.lower() for p in out):
            out.append(phrase)
    return out


def _named_in(text: str, accounts: Iterable[Account]) -> list[Account]:
    """The accounts whose whole name is written in ``text`` (case and punctuation aside)."""
    haystack = f" {normalized(text)} "
    return [a for a in accounts if normalized(a.name) and f" {normalized(a.name)} " in haystack]


def _longest(named: list[Account]) -> Account:
    best = max(len(normalized(a.name)) for a in named)
    longest = [a for a in named if len(normalized(a.name)) == best]
    if len(longest) == 1:
        return longest[0]
    raise AmbiguousAccount(longest[0].name, longest)


# --- owners ---------------------------------------------------------------------------------------
async def resolve_owner(gateway: ZohoGateway, ref: str, *, must_own_accounts: bool = True) -> UserRef:
    """The Zoho user ``ref`` names: an email or a user id (exactly), or a full name (case aside).

    Raises ``OwnerNotFound`` (with the closest users) or, when ``must_own_accounts``, ``OwnerHasNoAccounts``."""
    ref = ref.strip()
    users = await gateway.list_users()
    key = ref.lower()
    matches = [u for u in users if key in {u.id.lower(), (u.email or "").lower()}]
    matches = matches or [u for u in users if u.name and normalized(u.name) == normalized(ref)]
    if len(matches) != 1:
        raise OwnerNotFound(ref, matches or _close_users(ref, users))
    owner = matches[0]
    if must_own_accounts and not await _owns_accounts(gateway, owner):
        raise OwnerHasNoAccounts(owner)
    return owner


def _close_users(ref: str, users: list[UserRef]) -> list[UserRef]:
    def score(user: UserRef) -> float:
        texts = [t for t in (user.email, user.name, (user.email or "").split("@")[0]) if t]
        return max(difflib.SequenceMatcher(None, ref.lower(), t.lower()).ratio() for t in texts) if texts else 0.0

    ranked = sorted(((score(u), u) for u in users), key=lambda su: -su[0])
    return [u for s, u in ranked if s >= 0.6][:5]


async def _owns_accounts(gateway: ZohoGateway, owner: UserRef) -> bool:
    if not owner.email:  # Zoho users always have one; without it there is no owner query to ask
        return True
    return bool(await gateway.search_accounts("", owner_email=owner.email, limit=1))


__all__ = [
    "AccountNotFound",
    "AccountRefError",
    "AmbiguousAccount",
    "OwnerHasNoAccounts",
    "OwnerNotFound",
    "OwnerRefError",
    "ResolveError",
    "account_in_text",
    "closeness",
    "looks_like_id",
    "normalized",
    "resolve_account",
    "resolve_owner",
    "suggest_accounts",
]
