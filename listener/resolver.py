"""Record ids of a callback → the account ids whose review they affect.

Accounts ids are account ids. Deals and Contacts point at their account (``Account_Name``); Tasks at
their ``What_Id`` (an account, or a deal/contact resolved further) or ``Who_Id``; Notes at ``Parent_Id``.
Each answer is remembered, so a later *delete* (whose record can no longer be read) still finds its account.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path
from typing import Any

from integrations.zoho.errors import map_status
from listener.rest import ZohoRestCall
from listener.sqlite_file import SqliteFile

ResolveAccounts = Callable[[str, list[str]], Awaitable[set[str]]]

_FIELDS = {
    "Deals": "Account_Name",
    "Contacts": "Account_Name",
    "Tasks": "What_Id,Who_Id",
    "Notes": "Parent_Id",
}
_MAX_IDS = 100


class RecordAccountCache(SqliteFile):
    """(module, record id) → account ids, persisted next to the queue."""

    def __init__(self, path: Path) -> None:
        super().__init__(
            path,
            "CREATE TABLE IF NOT EXISTS record_accounts (module TEXT NOT NULL, "
            "record_id TEXT NOT NULL, account_id TEXT NOT NULL, "
            "PRIMARY KEY (module, record_id, account_id));",
        )

    def remember(self, module: str, record_id: str, account_ids: Iterable[str]) -> None:
        with self._lock:
            self._conn.executemany(
                "INSERT OR IGNORE INTO record_accounts VALUES (?, ?, ?)", [(module, record_id, a) for a in account_ids]
            )

    def lookup(self, module: str, record_id: str) -> set[str]:
        with self._lock:
            rows = self._conn.execute(
                "SELECT account_id FROM record_accounts WHERE module = ? AND record_id = ?", (module, record_id)
            ).fetchall()
        return {str(r[0]) for r in rows}


def _ref(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("id")
    return None if value in (None, "") else str(value)


FetchRecords = Callable[[str, list[str]], Awaitable[list[dict[str, Any]]]]


def rest_fetcher(rest: ZohoRestCall) -> FetchRecords:
    """Records by id with ``GET /crm/v8/{module}?ids=…`` (Zoho's JSON as is)."""

    async def fetch(module: str, ids: list[str]) -> list[dict[str, Any]]:
        path = f"/crm/v8/{module}?ids={','.join(ids)}&fields={_FIELDS[module]}"
        status, body = await rest("GET", path, None)
        if status in (204, 304) or body is None:
            return []
        if status >= 400:
            if status == 400 and isinstance(body, dict) and body.get("code") == "INVALID_DATA":
                return []  # ids that do not exist (any more)
            raise map_status(status, body if isinstance(body, dict) else None, module=module, tier="listener")
        return [r for r in (body.get("data") or []) if isinstance(r, dict)]

    return fetch


def gateway_fetcher(gateway: Any) -> FetchRecords:
    """Records by id through the integration manager (``get_records``: MCP → SDK → REST with breakers),
    reduced to the links the resolver follows."""

    async def fetch(module: str, ids: list[str]) -> list[dict[str, Any]]:
        records = await gateway.get_records(module, ids)
        out: list[dict[str, Any]] = []
        for r in records:
            if module in ("Deals", "Contacts"):
                out.append({"id": r.id, "Account_Name": {"id": r.account_id} if r.account_id else None})
            elif module == "Tasks":
                out.append(
                    {
                        "id": r.id,
                        "What_Id": {"id": r.what_id} if r.what_id else None,
                        "$se_module": r.what_module,
                        "Who_Id": {"id": r.who_id} if r.who_id else None,
                    }
                )
            elif module == "Notes":
                out.append({"id": r.id, "Parent_Id": {"id": r.parent_id, "module": {"api_name": r.parent_module}}})
        return out

    return fetch


class AccountResolver:
    """Implements ``resolve_accounts(module, ids)`` over an injected ``fetch(module, ids)``."""

    def __init__(self, fetch: FetchRecords, cache: RecordAccountCache | None = None) -> None:
        self._fetch = fetch
        self._cache = cache

    async def __call__(self, module: str, ids: list[str]) -> set[str]:
        return await self._resolve(module, ids, depth=0)

    async def _resolve(self, module: str, ids: list[str], *, depth: int) -> set[str]:
        if module == "Accounts":
            return set(ids)
        if module not in _FIELDS or depth > 2 or not ids:
            return set()
        found: set[str] = set()
        missing: list[str] = []
        for start in range(0, len(ids), _MAX_IDS):
            chunk = ids[start : start + _MAX_IDS]
            records = await self._fetch(module, chunk)
            by_id = {str(r.get("id")): r for r in records}
            for record_id in chunk:
                record = by_id.get(record_id)
                if record is None:
                    missing.append(record_id)
                    continue
                accounts = await self._accounts_of(module, record, depth=depth)
                if self._cache is not None and accounts:
                    await asyncio.to_thread(self._cache.remember, module, record_id, accounts)
                found |= accounts
        if self._cache is not None:
            for record_id in missing:  # deleted (or not visible): what did it belong to?
                found |= await asyncio.to_thread(self._cache.lookup, module, record_id)
        return found

    async def _accounts_of(self, module: str, record: dict[str, Any], *, depth: int) -> set[str]:
        if module in ("Deals", "Contacts"):
            account = _ref(record.get("Account_Name"))
            return {account} if account else set()
        if module == "Tasks":
            what, who = _ref(record.get("What_Id")), _ref(record.get("Who_Id"))
            parent_module = record.get("$se_module")
            if what and parent_module in ("Accounts", "Deals", "Contacts"):
                return await self._resolve(str(parent_module), [what], depth=depth + 1)
            if who:
                return await self._resolve("Contacts", [who], depth=depth + 1)
            return set()
        if module == "Notes":
            parent = record.get("Parent_Id")
            parent_id = _ref(parent)
            parent_module = ((parent or {}).get("module") or {}).get("api_name") if isinstance(parent, dict) else None
            parent_module = parent_module or record.get("$se_module")
            if parent_id and parent_module:
                return await self._resolve(str(parent_module), [parent_id], depth=depth + 1)
        return set()
