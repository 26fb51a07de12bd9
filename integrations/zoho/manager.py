"""``ZohoManager``: the one ``ZohoGateway`` the product uses. It routes each call to a tier and falls back.

- interactive reads → MCP when configured, else SDK; then REST;
- bulk reads → SDK (COQL pages of 2,000, or a Bulk Read job when that costs fewer calls); then REST;
- writes → REST only, never cascaded: idempotent by a ``[sergas-ref:<key>]`` footer that is looked up
  before (re)creating, so a retry after a timeout or a crash finds the record it already made;
- attachments → REST (listing, download; an approved upload carries ``sergas-ref-<key>`` in its file
  name, looked up before (re)uploading the same way).
- the org's product names → the Products list (``GET /Products``, 200 a call), SDK then REST.

Each tier has a circuit breaker (transient errors only); every call is timed per tier/operation and
reported to the injected ``audit`` sink as ``{"kind": "zoho_call", ...}``.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import math
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any, Protocol, TypeVar, assert_never

from domain.proposals import AddNoteProposal, CreateTaskProposal, UpdateFieldsProposal, UploadAttachmentProposal
from domain.recommendations import ApprovedWrite, WriteResult
from domain.staged_files import StagedFileError, is_upload_of, read_staged, upload_file_name
from integrations.zoho.attachments import (
    ATTACHMENT_MODULES,
    AttachmentFile,
    AttachmentInfo,
    content_type_of,
    file_name_from_disposition,
)
from integrations.zoho.breakers import TierBreaker
from integrations.zoho.coql import MAX_REACH as COQL_MAX_REACH
from integrations.zoho.coql import quote, quote_datetime, select_query
from integrations.zoho.credits import BULK_READ_CREDITS, CreditMeter
from integrations.zoho.error_mapping import is_transient
from integrations.zoho.errors import (
    ZohoCreditsExhaustedError,
    ZohoError,
    ZohoNotFoundError,
    ZohoPermissionError,
    ZohoRateLimitedError,
    ZohoTokenThrottledError,
    ZohoUnavailableError,
    ZohoValidationError,
    ZohoWriteRefused,
)
from integrations.zoho.field_meta import SYSTEM_FIELDS, FieldMeta, fields_from_zoho
from integrations.zoho.gateway import CursorStore, TierStats, TimelineEvent
from integrations.zoho.models import (
    RECORD_TYPES,
    Account,
    Account360,
    Contact,
    CrmRecord,
    Deal,
    DeletedRecord,
    Module,
    Note,
    Task,
    UserRef,
    record_from_zoho,
)
from integrations.zoho.record_shapes import coql_row_to_record, csv_row_to_record
from integrations.zoho.stats import StatsBook
from integrations.zoho.tier_contract import BulkTier, ReadTier, WriteTier
from integrations.zoho.timeline import timeline_events
from integrations.zoho.write_once import Send, write_once

T = TypeVar("T")


class Closable(Protocol):
    """A client the manager closes with its tiers (an ``httpx.AsyncClient``)."""

    async def aclose(self) -> None: ...


TierT = TypeVar("TierT", bound=ReadTier)

# what a body of the wrong shape raises while it is read (a dict where a list was due, a bad date, ...)
_SHAPE_ERRORS = (ValueError, TypeError, AttributeError, KeyError, IndexError)


def malformed_response(
    exc: Exception, *, tier: str | None = None, module: str | None = None, record_id: str | None = None
) -> ZohoUnavailableError:
    """A ZohoError for a response Zoho (or a proxy in between) sent in a shape we cannot read."""
    return ZohoUnavailableError(
        f"Zoho sent a response of an unexpected shape ({type(exc).__name__}: {str(exc)[:200]})",
        code="MALFORMED_RESPONSE",
        tier=tier,
        module=module,
        record_id=record_id,
    )


@contextlib.contextmanager
def _reading(module: str | None, record_id: str | None = None) -> Iterator[None]:
    """Turn a shape error while building domain models from Zoho rows into a ``ZohoError``."""
    try:
        yield
    except _SHAPE_ERRORS as exc:
        raise malformed_response(exc, module=module, record_id=record_id) from None


AuditFn = Callable[[dict[str, Any]], None]

COQL_PAGE = 2000
BULK_JOB_CALLS = 3  # create + status + download, per 200,000 records
BULK_PAGE = 200_000
RECENT_NOTES = 20
REF_PREFIX = "sergas-ref:"


def ref_marker(key: str) -> str:
    """The footer a created record carries so a retry can find it."""
    return f"[{REF_PREFIX}{key}]"


def coql_calls(count: int) -> int:
    return max(1, math.ceil(count / COQL_PAGE))


def bulk_calls(count: int) -> int:
    return BULK_JOB_CALLS * max(1, math.ceil(count / BULK_PAGE))


BULK_JOB_CREDITS = BULK_READ_CREDITS + 2  # create 50, one status poll and the download at 1 each
COQL_LIMIT_TIERS = (200, 1000, COQL_PAGE)  # Zoho charges a COQL query 1, 2 or 3 credits by its LIMIT


def coql_page_limit(remaining: int | None) -> int:
    """The cheapest LIMIT that still reads ``remaining`` records in one query (2,000 when unknown)."""
    if remaining is None:
        return COQL_PAGE
    return next(tier for tier in COQL_LIMIT_TIERS if remaining <= tier or tier == COQL_PAGE)


def coql_credits_for(count: int) -> int:
    """Fewest credits COQL can read ``count`` records with: full 2,000-pages, the rest at the cheapest LIMIT."""
    full, rest = divmod(count, COQL_PAGE)
    tail = 0 if rest == 0 and full else COQL_LIMIT_TIERS.index(coql_page_limit(rest)) + 1
    return 3 * full + tail


def bulk_credits(count: int) -> int:
    return BULK_JOB_CREDITS * max(1, math.ceil(count / BULK_PAGE))


NOTES_PAGE = 200  # GET /Notes: 200 a call (1 credit); COQL (administrators only) and Bulk Read refuse Notes


def min_credits_for(count: int, module: str = "") -> int:
    """Fewest API credits Zoho's limits allow a standard-profile user to read ``count`` records of one
    module (Notes: the notes list only, 1 credit a call)."""
    if module == "Notes":
        return max(1, math.ceil(count / NOTES_PAGE))
    return min(coql_credits_for(count), bulk_credits(count))


def min_calls_for(count: int, module: str = "") -> int:
    """Fewest API calls Zoho's limits allow a standard-profile user to read ``count`` records of one
    module: COQL pages of 2,000 or Bulk Read jobs (3 calls per 200,000), except Notes, which only the
    notes list serves (200 a call)."""
    if module == "Notes":
        return max(1, math.ceil(count / NOTES_PAGE))
    return min(coql_calls(count), bulk_calls(count))


PRODUCT_FIELDS = ("Product_Name", "Product_Active")
PRODUCTS_SCOPE_HINT = (
    "Grant the refresh token ZohoCRM.modules.products.READ (or ZohoCRM.modules.ALL, as the README lists), "
    "then generate it again."
)
NOTE_PARENTS: tuple[Module, ...] = ("Accounts", "Contacts", "Deals")  # where notes hang, for the fallback
NOTE_OVERLAP = timedelta(seconds=1)  # If-Modified-Since is "after": re-read the cursor's own second


class ZohoManager:
    def __init__(
        self,
        *,
        rest: WriteTier,
        sdk: BulkTier | None = None,
        mcp: ReadTier | None = None,
        breaker_fail_max: int = 5,
        breaker_reset_seconds: float = 30.0,
        audit: AuditFn | None = None,
        write_attempts: int = 3,
        volume_hints_path: Path | None = None,
        attachment_outbox: Path | None = None,
        meter: CreditMeter | None = None,
        owned_clients: Sequence[Closable] = (),
    ) -> None:
        """``owned_clients``: clients built for this manager alone (the OAuth token client), closed with it."""
        self.rest = rest
        self._owned_clients = tuple(owned_clients)
        self.meter: CreditMeter = meter or getattr(rest, "meter", None) or CreditMeter()
        self.attachment_outbox = attachment_outbox  # approved uploads are read only from here
        self.sdk = sdk
        self.mcp = mcp
        self._tiers: dict[str, ReadTier] = {t.name: t for t in (mcp, sdk, rest) if t is not None}
        self._breakers = {
            name: TierBreaker(name, fail_max=breaker_fail_max, reset_seconds=breaker_reset_seconds)
            for name in self._tiers
        }
        self._audit = audit
        self._stats = StatsBook()
        self._write_attempts = max(1, write_attempts)
        self._hints_path = volume_hints_path
        self.volume_hints: dict[str, int] = _load_hints(volume_hints_path)
        self._user_ids: dict[str, str] = {}
        self._users_by_id: dict[str, dict[str, Any] | None] = {}
        self._field_meta: dict[str, dict[str, FieldMeta]] = {}  # per module, once per run
        self.last_strategy: dict[str, str] = {}

    # ------------------------------------------------------------------ routing
    def _interactive(self) -> list[ReadTier]:
        return [t for t in (self.mcp, self.sdk, self.rest) if t is not None]

    def _bulk(self) -> list[BulkTier]:
        return [t for t in (self.sdk, self.rest) if t is not None]

    def api_calls(self) -> int:
        """API calls sent by all tiers so far (OAuth not included)."""
        return sum(t.calls for t in self._tiers.values())

    def api_credits(self) -> int:
        """Zoho API credits the calls so far cost, by Zoho's credit table (refused calls cost none)."""
        return self.meter.credits

    async def _call(
        self,
        operation: str,
        tiers: Sequence[TierT],
        fn: Callable[[TierT], Awaitable[T]],
        *,
        module: str | None = None,
        record_id: str | None = None,
    ) -> T:
        last: ZohoError | None = None
        for tier in tiers:
            breaker = self._breakers[tier.name]
            if not breaker.allows():
                last = ZohoUnavailableError(
                    f"{tier.name} tier circuit breaker is open",
                    code="BREAKER_OPEN",
                    tier=tier.name,
                    module=module,
                    record_id=record_id,
                )
                continue
            start = time.perf_counter()
            try:
                value = await breaker.run(partial(fn, tier))
            except ZohoError as exc:
                self._report(operation, tier.name, module, record_id, start, exc)
                last = exc
                if self._falls_through(tier.name, exc):
                    continue
                raise
            except _SHAPE_ERRORS as exc:  # a body of the wrong shape: like an outage, try the next tier
                last = malformed_response(exc, tier=tier.name, module=module, record_id=record_id)
                self._report(operation, tier.name, module, record_id, start, last)
                continue
            self._report(operation, tier.name, module, record_id, start, None)
            return value
        raise last or ZohoUnavailableError("no Zoho tier is configured", module=module)

    @staticmethod
    def _falls_through(tier: str, exc: ZohoError) -> bool:
        if is_transient(exc):
            return True
        # the MCP endpoint has its own URL and credentials: anything but "no such record" may work elsewhere;
        # spent credits are the org's, whichever tier asks
        return tier == "mcp" and not isinstance(
            exc, ZohoNotFoundError | ZohoValidationError | ZohoCreditsExhaustedError | ZohoTokenThrottledError
        )

    def _report(
        self,
        operation: str,
        tier: str,
        module: str | None,
        record_id: str | None,
        start: float,
        error: ZohoError | None,
    ) -> None:
        duration_ms = round((time.perf_counter() - start) * 1000, 2)
        self._stats.record(tier, operation, duration_ms, str(error) if error else None)
        if self._audit is not None:
            with contextlib.suppress(Exception):  # an audit sink failure must not break a CRM call
                self._audit(
                    {
                        "kind": "zoho_call",
                        "operation": operation,
                        "tier": tier,
                        "module": module,
                        "record_id": record_id,
                        "duration_ms": duration_ms,
                        "outcome": "ok" if error is None else "error",
                        "error": None if error is None else f"{type(error).__name__}: {error}",
                    }
                )

    # ------------------------------------------------------------------ interactive reads
    async def get_record(self, module: Module, record_id: str) -> CrmRecord | None:
        fields = RECORD_TYPES[module].FIELDS  # type: ignore[attr-defined]
        row = await self._call(
            "get_record",
            self._interactive(),
            lambda t: t.get_record(module, record_id, fields),
            module=module,
            record_id=record_id,
        )
        with _reading(module, record_id):
            return record_from_zoho(module, row) if row else None

    async def get_records(self, module: Module, ids: Sequence[str]) -> list[CrmRecord]:
        fields = RECORD_TYPES[module].FIELDS  # type: ignore[attr-defined]
        rows = await self._call(
            "get_records", self._interactive(), lambda t: t.get_records_by_ids(module, list(ids), fields), module=module
        )
        with _reading(module):
            return [record_from_zoho(module, r) for r in rows]

    async def search_accounts(self, query: str, *, owner_email: str | None = None, limit: int = 20) -> list[Account]:
        query = query.strip()
        if query:
            rows = await self._call(
                "search_accounts",
                self._interactive(),
                lambda t: t.search("Accounts", word=query, fields=Account.FIELDS, limit=200 if owner_email else limit),
                module="Accounts",
            )
        else:
            condition = f"Owner = {quote(await self._user_id(owner_email))}" if owner_email else "id is not null"
            query = select_query(
                "Accounts", Account.FIELDS, condition, order_by="Modified_Time desc", limit=min(limit, COQL_PAGE)
            )
            rows, _ = await self._call(
                "search_accounts",
                self._interactive(),
                partial(_coql, query=query, module="Accounts"),
                module="Accounts",
            )
        with _reading("Accounts"):
            accounts = [Account.from_zoho(coql_row_to_record(r)) for r in rows]
        if owner_email:
            owner_id = await self._user_id(owner_email)
            accounts = [
                a
                for a in accounts
                if a.owner is not None
                and (a.owner.id == owner_id or (a.owner.email or "").lower() == owner_email.lower())
            ]
        return accounts[:limit]

    async def get_account_360(self, account_id: str) -> Account360:
        async def related(rel: str, fields: Sequence[str]) -> list[dict[str, Any]]:
            rows: list[dict[str, Any]] = await self._call(
                f"related_{rel.lower()}",
                self._interactive(),
                lambda t: t.related("Accounts", account_id, rel, fields),
                module="Accounts",
                record_id=account_id,
            )
            return rows

        account_row = await self._call(
            "get_record",
            self._interactive(),
            lambda t: t.get_record("Accounts", account_id, Account.FIELDS),
            module="Accounts",
            record_id=account_id,
        )
        if not account_row:
            raise ZohoNotFoundError("no such account", module="Accounts", record_id=account_id)
        contacts, deals, tasks, notes = await asyncio.gather(
            related("Contacts", Contact.FIELDS),
            related("Deals", Deal.FIELDS),
            self._tasks_of("Accounts", account_id, Task.FIELDS, self._interactive()),
            related("Notes", Note.FIELDS),
        )
        with _reading("Accounts", account_id):
            note_models = sorted(
                (Note.from_zoho(n) for n in notes),
                key=lambda n: n.created_time or datetime.min.replace(tzinfo=UTC),
                reverse=True,
            )
            return Account360(
                account=Account.from_zoho(account_row),
                contacts=[Contact.from_zoho(c) for c in contacts],
                deals=[d for d in (Deal.from_zoho(r) for r in deals) if d.is_open],
                tasks=[t for t in (Task.from_zoho(r) for r in tasks) if t.is_open],
                notes=note_models[:RECENT_NOTES],
            )

    async def changes_since(self, module: Module, since: datetime, *, limit: int = 200) -> list[CrmRecord]:
        fields = RECORD_TYPES[module].FIELDS  # type: ignore[attr-defined]
        if module == "Notes":  # COQL on Notes is for administrators: the notes list, newest first
            notes = await self._list_notes(fields, modified_since=since, newest_first=True, limit=limit)
            with _reading(module):
                return [record_from_zoho(module, r) for r in notes[:limit]]
        query = select_query(
            module,
            fields,
            f"Modified_Time >= {quote_datetime(since)}",
            order_by="Modified_Time desc",
            limit=min(limit, COQL_PAGE),
        )
        rows, _ = await self._call(
            "changes_since", self._interactive(), partial(_coql, query=query, module=module), module=module
        )
        with _reading(module):
            return [record_from_zoho(module, coql_row_to_record(r)) for r in rows]

    def _note_tiers(self) -> list[BulkTier]:
        """Tiers that list notes with ``GET /crm/v8/Notes`` (REST first: the SDK's notes params lack
        ``page_token``; its generic records call still pages)."""
        return [t for t in (self.rest, self.sdk) if t is not None]

    async def _list_notes(
        self,
        fields: Sequence[str],
        *,
        modified_since: datetime | None = None,
        newest_first: bool = False,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        """Notes from ``GET /crm/v8/Notes`` by modified time (all of them, or those modified since), the
        documented list that any profile may read (COQL, Bulk Read and the recycle bin refuse Notes)."""
        since = modified_since - NOTE_OVERLAP if modified_since is not None else None

        async def collect(tier: BulkTier) -> list[dict[str, Any]]:
            rows: list[dict[str, Any]] = []
            pages = tier.list_pages(
                "Notes",
                list(fields),
                sort_by="Modified_Time",
                sort_order="desc" if newest_first else "asc",
                modified_since=since,
            )
            async for page in pages:
                rows.extend(page)
                if limit is not None and len(rows) >= limit:
                    break
            return rows

        try:
            return await self._call("list_notes", self._note_tiers(), collect, module="Notes")
        except ZohoPermissionError:
            # Zoho's v2-era docs made the all-notes list admin-only (403): read each parent's notes instead
            rows = await self._notes_by_parent(fields, since)
            # by time, then id: the parents' lists arrive in whatever order they finish, and times are whole seconds
            rows.sort(key=lambda r: (str(r.get("Modified_Time") or ""), str(r.get("id") or "")), reverse=newest_first)
            return rows if limit is None else rows[:limit]

    async def _notes_by_parent(self, fields: Sequence[str], since: datetime | None) -> list[dict[str, Any]]:
        """Every note through its parent's ``Notes`` related list (If-Modified-Since on each): one call per
        account, contact and deal, the documented read left when the all-notes list is refused."""
        semaphore = asyncio.Semaphore(8)
        found: dict[str, dict[str, Any]] = {}

        async def notes_of(module: str, record_id: str) -> None:
            async with semaphore:
                path = await self.rest.related_list_path(module, record_id, "Notes")
                async for page in self.rest.list_pages("Notes", list(fields), path=path, modified_since=since):
                    found.update((str(r["id"]), r) for r in page if isinstance(r, dict) and r.get("id"))

        for module in NOTE_PARENTS:
            ids = [r.id async for page in self.fetch_module(module, fields=("Modified_Time",)) for r in page]
            await asyncio.gather(*(notes_of(module, record_id) for record_id in ids))
        return list(found.values())

    async def note_ids(self) -> set[str]:
        """The id of every note in Zoho (``GET /Notes``, 200 a call): what the reconciliation of deleted
        notes compares with its local copy, since the recycle bin does not serve Notes."""
        rows = await self._list_notes(("Modified_Time",))
        return {str(r["id"]) for r in rows if isinstance(r, dict) and r.get("id")}

    async def active_product_names(self) -> list[str]:
        """The names of the org's active products, each once, in Zoho's order: Zoho's Products module read with
        ``GET /crm/v8/Products`` (``Product_Name``, ``Product_Active``; 200 a call, 1 credit, page tokens past
        2,000), SDK then REST. A product counts unless ``Product_Active`` is false (a field the user's profile
        cannot see comes back empty: the product is not dropped for it). A token without the Products scope
        raises ``ZohoPermissionError`` (``OAUTH_SCOPE_MISMATCH``) saying which scope to grant."""

        async def collect(tier: BulkTier) -> list[dict[str, Any]]:
            rows: list[dict[str, Any]] = []
            async for page in tier.list_pages("Products", PRODUCT_FIELDS):
                rows.extend(page)
            return rows

        try:
            rows = await self._call("product_names", self._bulk(), collect, module="Products")
        except ZohoPermissionError as exc:
            if exc.code != "OAUTH_SCOPE_MISMATCH":
                raise
            raise ZohoPermissionError(
                "the OAuth token may not read Zoho's Products module",
                status=exc.status,
                code=exc.code,
                module="Products",
                tier=exc.tier,
                hint=PRODUCTS_SCOPE_HINT,
            ) from exc
        with _reading("Products"):
            names = (str(r.get("Product_Name") or "").strip() for r in rows if r.get("Product_Active") is not False)
            return list(dict.fromkeys(name for name in names if name))

    async def account_tasks(self, account_id: str) -> list[Task]:
        """Every task hanging on the account (``What_Id``), by COQL: Zoho has no ``Tasks`` related list
        on Accounts (its activity lists are ``Activities`` / ``Activities_History``)."""
        rows = await self._tasks_of("Accounts", account_id, Task.FIELDS, self._interactive())
        with _reading("Tasks", account_id):
            return [Task.from_zoho(r) for r in rows]

    async def _tasks_of(
        self, parent_module: str, parent_id: str, fields: Sequence[str], tiers: Sequence[ReadTier]
    ) -> list[dict[str, Any]]:
        if not parent_id.strip().isdigit():
            raise ZohoValidationError(
                "a Zoho record id is a string of digits", module=parent_module, record_id=parent_id, code="INVALID_DATA"
            )
        rows: list[dict[str, Any]] = []
        offset = 0
        while offset + COQL_PAGE <= COQL_MAX_REACH:
            query = select_query("Tasks", fields, f"What_Id = {quote(parent_id)}", offset=offset)
            page, more = await self._call(
                "tasks_of_record",
                tiers,
                partial(_coql, query=query, module="Tasks"),
                module=parent_module,
                record_id=parent_id,
            )
            # COQL gives lookups as bare ids: the tasks asked for hang on this parent
            rows.extend({"$se_module": parent_module, **coql_row_to_record(r)} for r in page)
            if not more or not page:
                break
            offset += len(page)
        return rows

    async def list_users(self) -> list[UserRef]:
        """Every user of the org (active or not): id, full name and email."""
        rows = await self._call("users", [self.rest], lambda t: t.users("AllUsers"), module="Users")
        users = [
            UserRef(id=str(u["id"]), name=u.get("full_name") or u.get("name"), email=u.get("email"))
            for u in rows
            if u.get("id")
        ]
        for user in users:
            if user.email:
                self._user_ids[user.email.lower()] = user.id
        return users

    async def _user_id(self, email: str | None) -> str:
        if not email:
            return ""
        key = email.lower()
        if key not in self._user_ids:
            await self.list_users()
        if key not in self._user_ids:
            raise ZohoNotFoundError(f"no Zoho user with email {email}", module="Users")
        return self._user_ids[key]

    # ------------------------------------------------------------------ what a write check reads
    async def field_specs(self, module: str) -> dict[str, FieldMeta]:
        """The module's fields from Zoho's metadata, fetched once per manager (one command run)."""
        if module not in self._field_meta:
            rows = await self._call("field_metadata", [self.rest], lambda t: t.field_metadata(module), module=module)
            with _reading(module):
                self._field_meta[module] = fields_from_zoho(rows)
        return self._field_meta[module]

    async def record_fields(self, module: str, record_id: str, fields: Sequence[str]) -> dict[str, Any] | None:
        """One record's ``fields`` as Zoho has them now (REST: the tier writes go to), or None."""
        if module == "Users":
            return await self.user_by_id(record_id)
        if not str(record_id).isdigit():
            return None  # not a Zoho id: no such record (and nothing odd goes into the URL)
        row: dict[str, Any] | None = await self._call(
            "get_record",
            [self.rest],
            lambda t: t.get_record(module, record_id, list(fields)),
            module=module,
            record_id=record_id,
        )
        return row

    async def user_by_id(self, user_id: str) -> dict[str, Any] | None:
        """A CRM user (``id``, ``full_name``, ``email``, ``status``) by id, or None (cached for the run)."""
        if not str(user_id).isdigit():
            return None
        if user_id not in self._users_by_id:
            try:
                self._users_by_id[user_id] = await self._call(
                    "user", [self.rest], lambda t: t.user(user_id), module="Users", record_id=user_id
                )
            except ZohoNotFoundError:
                self._users_by_id[user_id] = None
        return self._users_by_id[user_id]

    async def pipeline_for_owner(self, owner_email: str) -> list[Deal]:
        owner_id = await self._user_id(owner_email)
        deals: list[Deal] = []
        offset = 0
        while offset + COQL_PAGE <= COQL_MAX_REACH:
            query = select_query("Deals", Deal.FIELDS, f"Owner = {quote(owner_id)}", offset=offset)
            rows, more = await self._call(
                "pipeline_for_owner", self._interactive(), partial(_coql, query=query, module="Deals"), module="Deals"
            )
            with _reading("Deals"):
                deals.extend(d for d in (Deal.from_zoho(coql_row_to_record(r)) for r in rows) if d.is_open)
            if not more or not rows:
                break
            offset += len(rows)
        return deals

    async def activity_timeline(self, account_id: str, *, limit: int = 50) -> list[TimelineEvent]:
        """The account's ``limit`` newest dated events (notes, tasks, deals, contacts, the account itself)."""
        return timeline_events(await self.get_account_360(account_id), limit=limit)

    # ------------------------------------------------------------------ attachments
    async def list_attachments(self, module: str, record_id: str) -> list[AttachmentInfo]:
        """The files attached to one record, newest first (Zoho's order)."""
        _check_attachment_module(module, record_id)
        rows = await self._call(
            "list_attachments",
            [self.rest],
            lambda t: t.list_attachments(module, record_id),
            module=module,
            record_id=record_id,
        )
        return [AttachmentInfo.from_zoho(r, module=module, record_id=record_id) for r in rows]

    async def download_attachment(
        self, module: str, record_id: str, attachment_id: str, *, max_bytes: int | None = None
    ) -> AttachmentFile:
        """One attachment's bytes. ``max_bytes`` refuses a larger file (``ZohoValidationError``, code
        ``ATTACHMENT_TOO_LARGE``) before anything is kept in memory past the download."""
        _check_attachment_module(module, record_id)
        if not attachment_id.strip().isdigit():
            raise ZohoValidationError(
                "an attachment id is a string of digits", module=module, record_id=attachment_id, code="INVALID_DATA"
            )
        response = await self._call(
            "download_attachment",
            [self.rest],
            lambda t: t.download_attachment(module, record_id, attachment_id),
            module=module,
            record_id=attachment_id,
        )
        content = response.content
        if max_bytes is not None and len(content) > max_bytes:
            raise ZohoValidationError(
                f"attachment is {len(content):,} bytes, over the {max_bytes:,}-byte read limit",
                code="ATTACHMENT_TOO_LARGE",
                module=module,
                record_id=attachment_id,
                tier="rest",
                hint="Open it in Zoho CRM instead; the agents read only small attachments.",
            )
        name = file_name_from_disposition(response.headers.get("content-disposition"), attachment_id)
        return AttachmentFile(
            attachment_id=attachment_id,
            module=module,
            record_id=record_id,
            file_name=name,
            content_type=content_type_of(response.headers.get("content-type"), name),
            content=content,
        )

    async def _find_upload(self, approved: ApprovedWrite) -> str | None:
        action = approved.action
        rows = await self._call(
            "find_attachment_by_key",
            [self.rest],
            lambda t: t.list_attachments(action.target_module, action.target_id),
            module=action.target_module,
            record_id=action.target_id,
        )
        for row in rows:
            if is_upload_of(str(row.get("File_Name") or ""), approved.idempotency_key):
                return str(row["id"])
        return None

    async def _upload_once(self, approved: ApprovedWrite, action: UploadAttachmentProposal) -> WriteResult:
        _check_attachment_module(action.target_module, action.target_id)
        record_id, created = await write_once(
            partial(self._find_upload, approved),
            partial(self._prepare_upload, approved, action),
            attempts=self._write_attempts,
        )
        return _write_result(approved, record_id, "Attachments", created)

    def _prepare_upload(self, approved: ApprovedWrite, action: UploadAttachmentProposal) -> Send:
        """The staged file, read and checked once nothing of this approval is attached yet, as one upload."""
        attachment = action.attachment
        try:
            content = read_staged(attachment, outbox=self.attachment_outbox)
        except StagedFileError as exc:
            raise ZohoWriteRefused(
                str(exc),
                module=action.target_module,
                record_id=action.target_id,
                code="STAGED_FILE_INVALID",
                hint=exc.hint,
            ) from None
        name = upload_file_name(attachment.file_name, approved.idempotency_key)
        content_type = attachment.content_type

        async def upload() -> str:
            details = await self._call(
                "upload_attachment",
                [self.rest],
                lambda t: t.upload_attachment(action.target_module, action.target_id, name, content, content_type),
                module=action.target_module,
                record_id=action.target_id,
            )
            return str(details["id"])

        return upload

    # ------------------------------------------------------------------ bulk reads
    def choose_strategy(self, module: str) -> str:
        """``bulk_read`` when the known volume makes a Bulk Read job cheaper in *credits* than COQL pages (Zoho
        meters credits per day; calls only per moment): above about 34,000 records of a module."""
        hint = self.volume_hints.get(module)
        if hint is not None and bulk_credits(hint) < coql_credits_for(hint):
            return "bulk_read"
        return "coql"

    async def fetch_module(
        self, module: Module, *, modified_since: datetime | None = None, fields: tuple[str, ...] | None = None
    ) -> AsyncIterator[list[CrmRecord]]:
        """Every record of ``module`` (or those modified since), in pages of domain models."""
        chosen = tuple(fields or RECORD_TYPES[module].FIELDS)  # type: ignore[attr-defined]
        if module == "Notes":  # COQL (admins only), Bulk Read and the recycle bin refuse Notes: GET /Notes
            async for page in self._fetch_notes(module, chosen, modified_since):
                yield page
            return
        run = _ModuleRead(
            module,
            chosen,
            modified_since,
            strategy="coql" if modified_since is not None else self.choose_strategy(module),
            hint=None if modified_since is not None else self.volume_hints.get(module),
        )
        if run.strategy == "coql":
            async for page in self._coql_pages(run, 0):
                yield page
        if run.strategy == "bulk_read":
            async for page in self._bulk_read_pages(run):
                yield page
        self.last_strategy[module] = run.strategy
        if modified_since is None:
            self.volume_hints[module] = run.total
            _save_hints(self._hints_path, self.volume_hints)

    async def _fetch_notes(
        self, module: Module, fields: tuple[str, ...], modified_since: datetime | None
    ) -> AsyncIterator[list[CrmRecord]]:
        """Notes (or those modified since) through ``GET /Notes``, in pages."""
        note_rows = await self._list_notes(fields, modified_since=modified_since)
        with _reading(module):
            notes = [record_from_zoho(module, r) for r in note_rows]
        self.last_strategy[module] = "notes_list"
        if modified_since is None:
            self.volume_hints[module] = len(notes)
            _save_hints(self._hints_path, self.volume_hints)
        for page in _in_pages(notes):
            yield page

    async def _coql_pages(self, run: _ModuleRead, offset: int) -> AsyncIterator[list[CrmRecord]]:
        """COQL pages of ``run``'s records from ``offset``, each record once; past COQL's reach (100,000 rows)
        it stops and sets ``run.strategy`` to ``bulk_read`` for a Bulk Read job to read the rest."""
        module = run.module
        first = True
        while True:
            # the cheapest LIMIT for what is left by the known volume; a first look for changes reads 200
            # (1 credit): a quiet module costs one credit, not three
            left = run.hint - offset if run.hint is not None and run.hint > offset else None
            if first and run.modified_since is not None:
                left = 200
            limit = coql_page_limit(left)
            first = False
            if offset + limit > COQL_MAX_REACH:
                run.strategy = "bulk_read"
                return
            query = select_query(module, run.fields, run.condition, offset=offset, limit=limit)
            rows, more = await self._call(
                "coql_page", self._bulk(), partial(_coql, query=query, module=module), module=module
            )
            if rows:
                with _reading(module):
                    page = [record_from_zoho(module, coql_row_to_record(r)) for r in rows]
                page = run.unseen(page)
                if page:
                    run.total += len(page)
                    yield page
            if not more or not rows:
                return
            offset += len(rows)

    async def _bulk_read_pages(self, run: _ModuleRead) -> AsyncIterator[list[CrmRecord]]:
        """The records of a Bulk Read job that COQL has not read yet, in pages; when Zoho caps Bulk Read
        downloads (10 a minute), COQL pages on rather than fail the fetch."""
        module = run.module
        try:
            rows = await self._call(
                "bulk_read", self._bulk(), lambda t: t.bulk_read(module, list(run.fields)), module=module
            )
        except ZohoRateLimitedError:
            run.strategy = "coql"
            async for page in self._coql_pages(run, len(run.seen)):
                yield page
            return
        with _reading(module):
            records = [
                r
                for r in (record_from_zoho(module, csv_row_to_record(module, row)) for row in rows)
                if r.id not in run.seen
            ]
        for page in _in_pages(records):
            yield page
        run.total += len(records)

    async def fetch_deleted(self, module: Module, *, since: datetime | None = None) -> list[DeletedRecord]:
        """Records of ``module`` deleted in Zoho (after ``since``), oldest first. REST: neither the
        SDK tier nor Zoho's MCP server is wired for the recycle bin."""
        rows = await self._call(
            "fetch_deleted", [self.rest], lambda t: t.deleted_records(module, since=since), module=module
        )
        found = [DeletedRecord.from_zoho(module, r) for r in rows if isinstance(r, dict) and r.get("id")]
        return sorted(found, key=lambda d: (d.deleted_time or datetime.min.replace(tzinfo=UTC), d.id))

    async def fetch_incremental(self, module: Module, cursors: CursorStore) -> list[CrmRecord]:
        """Records modified since the module's cursor (all records the first time). The cursor moves
        to the newest ``Modified_Time`` seen, and only after the whole fetch succeeded."""
        since = cursors.get_cursor(module)
        started = datetime.now(UTC).replace(microsecond=0)
        records: list[CrmRecord] = []
        async for page in self.fetch_module(module, modified_since=since):
            records.extend(page)
        newest = max((r.modified_time for r in records if r.modified_time is not None), default=None)
        if newest is not None:
            cursors.set_cursor(module, newest)
        elif since is None:
            cursors.set_cursor(module, started)
        return records

    # ------------------------------------------------------------------ writes
    async def execute_write(self, approved: ApprovedWrite) -> WriteResult:
        if not isinstance(approved, ApprovedWrite) or not approved.approved_by or not approved.idempotency_key:
            raise ZohoWriteRefused("a CRM write needs an approved approval record")
        action = approved.action  # each kind of proposal is written here, and only here
        match action:
            case UpdateFieldsProposal():
                return await self._update_fields(approved, action)
            case CreateTaskProposal():
                return await self._create_once(approved, "Tasks")
            case AddNoteProposal():
                return await self._create_once(approved, "Notes")
            case UploadAttachmentProposal():
                return await self._upload_once(approved, action)
            case _:
                assert_never(action)

    def _payload(self, approved: ApprovedWrite) -> dict[str, Any]:
        """The record a proposal that creates one sends, its idempotency key's marker included."""
        action = approved.action
        marker = ref_marker(approved.idempotency_key)
        match action:
            case CreateTaskProposal():
                return _task_record(action, marker)
            case AddNoteProposal():
                return _note_record(action, marker)
            case UpdateFieldsProposal() | UploadAttachmentProposal():
                raise ZohoWriteRefused(f"a {action.kind} proposal creates no record")
            case _:
                assert_never(action)

    async def _find_by_marker(self, approved: ApprovedWrite, module: str) -> str | None:
        action = approved.action
        marker = ref_marker(approved.idempotency_key)
        field = "Description" if module == "Tasks" else "Note_Content"
        if module == "Tasks":  # no Tasks related list in Zoho: the tasks whose What_Id is the target
            rows = await self._tasks_of(action.target_module, action.target_id, [field], [self.rest])
        else:
            rows = await self._call(
                f"find_{module.lower()}_by_key",
                [self.rest],
                lambda t: t.related(action.target_module, action.target_id, module, ["id", field]),
                module=action.target_module,
                record_id=action.target_id,
            )
        for row in rows:
            if marker in str(row.get(field) or ""):
                return str(row["id"])
        return None

    async def _create_once(self, approved: ApprovedWrite, module: str) -> WriteResult:
        record_id, created = await write_once(
            partial(self._find_by_marker, approved, module),
            partial(self._prepare_create, approved, module),
            attempts=self._write_attempts,
        )
        return _write_result(approved, record_id, module, created)

    def _prepare_create(self, approved: ApprovedWrite, module: str) -> Send:
        payload = self._payload(approved)

        async def create() -> str:
            details = await self._call(
                f"create_{module.lower()}",
                [self.rest],
                lambda t: t.create_records(module, [payload]),
                module=module,
                record_id=approved.action.target_id,
            )
            return str(details[0]["id"])

        return create

    async def _update_fields(self, approved: ApprovedWrite, action: UpdateFieldsProposal) -> WriteResult:
        module = action.target_module
        fields = list(action.fields)
        current = await self._call(
            "get_record",
            [self.rest],
            lambda t: t.get_record(module, action.target_id, fields),
            module=module,
            record_id=action.target_id,
        )
        if current is None:
            raise ZohoNotFoundError("record to update does not exist", module=module, record_id=action.target_id)
        if all(_same(current.get(k), v) for k, v in action.fields.items()):
            return WriteResult(
                recommendation_id=approved.recommendation_id,
                record_id=action.target_id,
                module=module,
                created=False,
                tier="rest",
            )
        await self._call(
            "update_fields",
            [self.rest],
            lambda t: t.update_records(module, [update_payload(action.target_id, action.fields)]),
            module=module,
            record_id=action.target_id,
        )
        return WriteResult(
            recommendation_id=approved.recommendation_id,
            record_id=action.target_id,
            module=module,
            created=True,
            tier="rest",
        )

    # ------------------------------------------------------------------ observability
    def tier_stats(self) -> list[TierStats]:
        return self._stats.snapshot()

    def breaker_states(self) -> dict[str, str]:
        return {name: breaker.state for name, breaker in self._breakers.items()}

    async def aclose(self) -> None:
        for tier in self._tiers.values():
            with contextlib.suppress(Exception):  # closing is best effort
                await tier.aclose()
        for client in self._owned_clients:
            await client.aclose()


def _task_record(action: CreateTaskProposal, marker: str) -> dict[str, Any]:
    task = action.task
    body = (task.description or "").rstrip()
    record: dict[str, Any] = {
        "Subject": task.subject,
        "Priority": task.priority,
        "Status": "Not Started",
        "Description": f"{body}\n\n{marker}" if body else marker,
        "What_Id": {"id": action.target_id},
        "$se_module": action.target_module,
    }
    if task.due_date:
        record["Due_Date"] = task.due_date.isoformat()
    if task.who_id:
        record["Who_Id"] = {"id": task.who_id}
    return record


def _note_record(action: AddNoteProposal, marker: str) -> dict[str, Any]:
    content = action.note.content.rstrip()
    parent = {"module": {"api_name": action.target_module}, "id": action.target_id}
    note: dict[str, Any] = {"Note_Content": f"{content}\n\n{marker}", "Parent_Id": parent}
    if action.note.title:
        note["Note_Title"] = action.note.title
    return note


def _write_result(approved: ApprovedWrite, record_id: str, module: str, created: bool) -> WriteResult:
    return WriteResult(
        recommendation_id=approved.recommendation_id, record_id=record_id, module=module, created=created, tier="rest"
    )


def _check_attachment_module(module: str, record_id: str) -> None:
    if module not in ATTACHMENT_MODULES:
        raise ZohoValidationError(
            f"attachments exist only on {', '.join(ATTACHMENT_MODULES)}",
            module=module,
            record_id=record_id,
            code="INVALID_MODULE",
        )
    if not record_id.strip().isdigit():
        raise ZohoValidationError(
            "a Zoho record id is a string of digits", module=module, record_id=record_id, code="INVALID_DATA"
        )


def _load_hints(path: Path | None) -> dict[str, int]:
    """Module volumes seen by the last full fetch (they pick COQL vs Bulk Read next time)."""
    if path is None:
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): int(v) for k, v in data.items() if isinstance(v, int)} if isinstance(data, dict) else {}


def _save_hints(path: Path | None, hints: dict[str, int]) -> None:
    if path is None:
        return
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(hints, sort_keys=True), encoding="utf-8")
        tmp.replace(path)


async def _coql(tier: ReadTier, *, query: str, module: str) -> tuple[list[dict[str, Any]], bool]:
    rows, more = await tier.coql(query, module=module)
    return rows, more


def update_payload(target_id: str, fields: dict[str, Any]) -> dict[str, Any]:
    """The record sent to Zoho for a field update: ``{"id": target_id, **fields}``, where ``id``, ``$``-keys
    and system fields of ``fields`` are dropped (the checks before execution refuse them outright), so
    the record written is always the one shown, and a lookup is sent as its id alone (what Zoho acts on)."""
    clean = {
        k: ({"id": str(v["id"])} if isinstance(v, dict) and "id" in v else v)
        for k, v in fields.items()
        if k not in SYSTEM_FIELDS and not k.startswith("$")
    }
    return {"id": target_id, **clean}


def _same(current: Any, wanted: Any) -> bool:
    if isinstance(current, dict) and "id" in current:
        current = current["id"]
    if isinstance(wanted, dict) and "id" in wanted:
        wanted = wanted["id"]
    if isinstance(current, int | float) and isinstance(wanted, int | float):
        return float(current) == float(wanted)
    return str(current) == str(wanted) if current is not None and wanted is not None else current == wanted


@dataclasses.dataclass
class _ModuleRead:
    """One ``fetch_module`` run of COQL pages and Bulk Read jobs: what it reads and what it has read."""

    module: Module
    fields: tuple[str, ...]
    modified_since: datetime | None
    strategy: str
    hint: int | None
    seen: set[str] = dataclasses.field(default_factory=set)
    total: int = 0

    @property
    def condition(self) -> str:
        if self.modified_since:
            return f"Modified_Time >= {quote_datetime(self.modified_since)}"
        return "id is not null"

    def unseen(self, page: list[CrmRecord]) -> list[CrmRecord]:
        """The records of ``page`` not read before, now marked as read."""
        fresh = [r for r in page if r.id not in self.seen]
        self.seen.update(r.id for r in fresh)
        return fresh


def _in_pages(records: list[CrmRecord]) -> Iterator[list[CrmRecord]]:
    for start in range(0, len(records), COQL_PAGE):
        yield records[start : start + COQL_PAGE]
