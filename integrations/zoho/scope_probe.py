"""Which OAuth scopes the configured token lacks, and what each one breaks.

Zoho mints a token for whatever scopes the grant asked for; a call outside them is answered
``401 OAUTH_SCOPE_MISMATCH``. So each scope the README lists is probed with one cheap call of the
family that needs it (8 calls, 8 credits): a scope mismatch means it is missing, any other answer (even
an error such as the bulk probe's 404 for a job that does not exist) means it is granted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from integrations.zoho.errors import ZohoError


@dataclass(frozen=True)
class ScopeNeed:
    scope: str
    breaks: str  # what does not work without it
    method: str
    path: str
    params: dict[str, Any] | None = None
    body: dict[str, Any] | None = None


SCOPE_NEEDS: tuple[ScopeNeed, ...] = (
    ScopeNeed(
        "ZohoCRM.modules.ALL",
        "every read and write of accounts, contacts, deals, tasks and notes, and the product names read from Products",
        "GET",
        "/crm/v8/Accounts",
        {"fields": "Account_Name", "per_page": 1},
    ),
    ScopeNeed(
        "ZohoCRM.settings.ALL", "related lists and the SDK tier (field metadata)", "GET", "/crm/v8/settings/modules"
    ),
    ScopeNeed(
        "ZohoCRM.users.READ", "record owners and `review --owner`", "GET", "/crm/v8/users", {"type": "CurrentUser"}
    ),
    ScopeNeed("ZohoCRM.org.READ", "the SDK tier (it reads the org at start-up)", "GET", "/crm/v8/org"),
    ScopeNeed(
        "ZohoCRM.coql.READ",
        "sync and review (records by COQL), an account's tasks, the pipeline",
        "POST",
        "/crm/v8/coql",
        body={"select_query": "select id from Accounts where id is not null limit 1"},
    ),
    ScopeNeed("ZohoCRM.bulk.READ", "Bulk Read of large modules in sync", "GET", "/crm/bulk/v8/read/1"),
    ScopeNeed("ZohoCRM.notifications.ALL", "`listen` (near-real-time reviews)", "GET", "/crm/v8/actions/watch"),
    ScopeNeed(
        "ZohoSearch.securesearch.READ",
        "searching accounts by name (ask, chat, the Data Scout)",
        "GET",
        "/crm/v8/Accounts/search",
        {"word": "a", "per_page": 1},
    ),
)
REQUIRED_SCOPES: tuple[str, ...] = tuple(need.scope for need in SCOPE_NEEDS)


async def missing_scopes(rest: Any) -> list[ScopeNeed]:
    """The needs whose scope the REST tier's token lacks (probed in order, one call each)."""
    missing: list[ScopeNeed] = []
    for need in SCOPE_NEEDS:
        try:
            await rest.request(need.method, need.path, params=need.params, json=need.body, rate_limit_patience=0.0)
        except ZohoError as exc:
            if exc.code == "OAUTH_SCOPE_MISMATCH":
                missing.append(need)
    return missing
