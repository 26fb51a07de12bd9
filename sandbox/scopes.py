"""OAuth scopes as Zoho checks them: which scope each endpoint family needs, and whether a token's
scopes grant it.

A scope is ``Service.group[.subgroup].OPERATION`` (``ZohoCRM.modules.accounts.READ``). ``ALL`` grants
every operation, and a shorter scope grants everything under it (``ZohoCRM.modules.ALL`` grants
``ZohoCRM.modules.notes.READ``). Names compare case-insensitively. A token minted for scopes that do
not cover an endpoint is still a valid token: the call gets ``401 OAUTH_SCOPE_MISMATCH``.

``DEFAULT_SCOPES`` is what the README tells users to grant: a sandbox started without ``--scopes`` holds
exactly those (a test keeps the two lists equal).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

DEFAULT_SCOPES: tuple[str, ...] = (
    "ZohoCRM.modules.ALL",
    "ZohoCRM.settings.ALL",
    "ZohoCRM.users.READ",
    "ZohoCRM.org.READ",
    "ZohoCRM.coql.READ",
    "ZohoCRM.bulk.READ",
    "ZohoCRM.notifications.ALL",
    "ZohoSearch.securesearch.READ",
)
SEARCH_SCOPE = "ZohoSearch.securesearch.READ"
SCOPE_MISMATCH_MESSAGE = "invalid oauth scope to access this URL"

_WRITE_OPS = {"POST": "CREATE", "PUT": "UPDATE", "PATCH": "UPDATE", "DELETE": "DELETE"}
_MODULE_PATH = re.compile(r"^/crm/v8/(?P<module>[A-Za-z_0-9]+)(?:/(?P<rest>.*))?$")
_FIXED = (
    ("/crm/v8/coql", ("ZohoCRM.coql.READ",)),
    ("/crm/bulk/v8/read", ("ZohoCRM.bulk.READ",)),
    ("/crm/v8/users", ("ZohoCRM.users.READ",)),
    ("/crm/v8/org", ("ZohoCRM.org.READ",)),
)


def parse_scopes(raw: str | Iterable[str]) -> tuple[str, ...]:
    """``"a,b c"`` or a list → the scope names (commas or spaces separate them, as Zoho accepts)."""
    parts = re.split(r"[,\s]+", raw) if isinstance(raw, str) else [str(p) for p in raw]
    return tuple(dict.fromkeys(p.strip() for p in parts if p and p.strip()))


def grants(granted: Iterable[str], required: str) -> bool:
    """True when one of ``granted`` covers ``required`` (equal, or an ancestor ending in ALL)."""
    want = required.lower().split(".")
    for scope in granted:
        have = scope.lower().split(".")
        if have == want:
            return True
        if have[-1] == "all" and len(have) - 1 <= len(want) - 1 and want[: len(have) - 1] == have[:-1]:
            return True
    return False


def required_scopes(method: str, path: str) -> tuple[str, ...]:
    """Every scope a call needs (all of them), by endpoint family; () for paths without a check."""
    for prefix, fixed in _FIXED:
        if path == prefix or path.startswith(prefix + "/"):
            return fixed
    if path.startswith("/crm/v8/actions/watch"):
        return ("ZohoCRM.notifications.READ" if method == "GET" else "ZohoCRM.notifications.CREATE",)
    if path.startswith("/crm/v8/settings/"):
        group = path.split("/")[4] if len(path.split("/")) > 4 else "modules"
        return (f"ZohoCRM.settings.{group}.READ" if method == "GET" else f"ZohoCRM.settings.{group}.ALL",)
    match = _MODULE_PATH.match(path)
    if match is None:
        return ()
    module = match.group("module").lower()
    rest = match.group("rest") or ""
    operation = "READ" if method == "GET" else _WRITE_OPS.get(method, "ALL")
    if rest.endswith("/Notes") and method == "POST":
        module, operation = "notes", "CREATE"
    needed: list[str] = [f"ZohoCRM.modules.{module}.{operation}"]
    if rest == "search":
        needed.append(SEARCH_SCOPE)
    return tuple(needed)


def missing(granted: Iterable[str], method: str, path: str) -> list[str]:
    """The scopes this call needs that ``granted`` does not cover."""
    have = list(granted)
    return [scope for scope in required_scopes(method, path) if not grants(have, scope)]
