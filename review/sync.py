"""Step 1 of a review: bring the local copy of the org up to date through the gateway.

The first run (or one whose cache is missing or older than ``FULL_REFRESH_DAYS``) fetches every module in
full with ``fetch_module``; later runs ask ``fetch_incremental`` for what changed since the review's own
cursors (kept in the state store under ``review:<Module>``, apart from other consumers' cursors).

Each incremental run also drops the records Zoho deleted since the last run (its recycle bin, by cursor;
for Notes, which the bin does not serve, a reconciliation of note ids at most once per 20 hours).
The cursors move last: after ``before_commit`` (the memory feed) and the cache have taken the fetched
records. A run killed before that fetches the same records again; nothing it fetched is lost to memory.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from config.crashpoints import crash_point
from integrations.zoho.errors import ZohoError
from integrations.zoho.gateway import CursorStore
from integrations.zoho.models import CrmRecord, Module
from integrations.zoho.note_reconciliation import mark_reconciled, reconciliation_due, vanished_notes
from integrations.zoho.recycle_bin import deleted_since, mark_seen
from review.snapshot_cache import FULL_REFRESH_DAYS, REVIEW_MODULES, SnapshotCache

CURSOR_PREFIX = "review:"


class SyncGateway(Protocol):
    """What the sync reads of a gateway: ``integrations.zoho.gateway.ZohoGateway`` is one; tests pass a
    small in-memory one. ``fetch_deleted`` (the recycle bin) is optional and looked up when there, as the
    review's ``active_product_names`` is (``review.product_names``)."""

    def fetch_module(self, module: Module) -> AsyncIterator[list[CrmRecord]]: ...

    async def fetch_incremental(self, module: Module, cursors: CursorStore) -> list[CrmRecord]: ...

    def tier_stats(self) -> Sequence[Any]: ...


class ReviewCursors:
    """The store's cursors, namespaced so the review and the memory sync never move each other's."""

    def __init__(self, store: CursorStore, prefix: str = CURSOR_PREFIX) -> None:
        self._store, self._prefix = store, prefix

    def get_cursor(self, module: str) -> datetime | None:
        return self._store.get_cursor(self._prefix + module)

    def set_cursor(self, module: str, value: datetime) -> None:
        self._store.set_cursor(self._prefix + module, value)


class _PendingCursors:
    """Cursor moves held back until ``commit`` (reads see them: one module's fetch is done once)."""

    def __init__(self, store: CursorStore) -> None:
        self._store = store
        self._pending: dict[str, datetime] = {}

    def get_cursor(self, module: str) -> datetime | None:
        return self._pending.get(module) or self._store.get_cursor(module)

    def set_cursor(self, module: str, value: datetime) -> None:
        self._pending[module] = value

    def commit(self) -> None:
        for module, value in self._pending.items():
            self._store.set_cursor(module, value)
        self._pending.clear()


BeforeCommit = Callable[[dict[str, list[CrmRecord]]], Awaitable[None]]


@dataclass
class SyncResult:
    records: dict[str, list[CrmRecord]]
    changed: dict[str, list[CrmRecord]]
    full: bool
    # ids of the records that are new or differ from the local copy (every record after a full fetch): an
    # incremental fetch also returns the newest record(s) it had already seen (the cursor's boundary)
    updated_ids: set[str] = field(default_factory=set)
    deleted: int = 0  # records Zoho deleted since the last run, dropped from the local copy
    fetched: int = 0
    api_calls: int = 0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)


def _gateway_calls(gateway: Any) -> int:
    try:
        if callable(getattr(gateway, "api_calls", None)):
            return int(gateway.api_calls())
        return sum(int(s.calls) for s in gateway.tier_stats())
    except Exception:  # noqa: BLE001 — observability must never break a sync
        return 0


async def _drop_deleted(
    gateway: Any, cursors: CursorStore, module: Module, records: dict[str, CrmRecord], notes: list[str]
) -> int:
    """Drop the records Zoho deleted since the last look (its recycle bin), so that a deleted deal is no
    longer triaged. A gateway without ``fetch_deleted``, or a bin that cannot be read (a note says why),
    leaves it to the weekly full refresh."""
    if module == "Notes":  # the recycle bin does not serve Notes: reconcile note ids instead
        return await _reconcile_notes(gateway, cursors, records, notes)
    try:
        gone = await deleted_since(gateway, cursors, module)
    except ZohoError as exc:
        notes.append(
            f"could not read Zoho's recycle bin for {module} ({exc}); records deleted there stay in "
            "the review until its weekly full refresh"
        )
        return 0
    dropped = sum(1 for g in gone if records.pop(g.id, None) is not None)
    mark_seen(cursors, module, gone)
    return dropped


async def _reconcile_notes(gateway: Any, cursors: CursorStore, records: dict[str, CrmRecord], notes: list[str]) -> int:
    """Drop the notes Zoho no longer lists (at most once per ``RECONCILE_EVERY``: one call per 200 notes)."""
    now = datetime.now(UTC).replace(microsecond=0)
    if not reconciliation_due(cursors, now):
        return 0
    try:
        gone = await vanished_notes(gateway, records.keys(), now=now)
    except ZohoError as exc:
        notes.append(
            f"could not list Zoho's note ids ({exc}); notes deleted there stay in the review until its "
            "weekly full refresh"
        )
        return 0
    mark_reconciled(cursors, now)
    return sum(1 for g in gone if records.pop(g.id, None) is not None)


def _same(known: CrmRecord | None, fetched: CrmRecord) -> bool:
    """Whether a fetched record is the one already in the local copy (which keeps no ``raw``)."""
    if known is None or known.modified_time != fetched.modified_time:
        return False
    return known.model_dump(exclude={"raw"}) == fetched.model_dump(exclude={"raw"})


def _needs_full_fetch(
    cached: dict[str, dict[str, CrmRecord]] | None, cache: SnapshotCache, cursors: CursorStore, now: datetime
) -> bool:
    """A full fetch: no cache, a module without its cursor, or the last full fetch older than
    ``FULL_REFRESH_DAYS``."""
    last_full = cache.last_full_fetch()
    cursors_ready = all(cursors.get_cursor(m) is not None for m in REVIEW_MODULES)
    return (
        cached is None or not cursors_ready or last_full is None or now - last_full > timedelta(days=FULL_REFRESH_DAYS)
    )


async def _fetch_module(
    gateway: SyncGateway, cursors: _PendingCursors, module: Module, *, full: bool
) -> list[CrmRecord]:
    """One module's records: all of them (its cursor then set to the newest modified time), or what changed
    since its cursor."""
    if not full:
        fetched = list(await gateway.fetch_incremental(module, cursors))
        crash_point("sync.module_fetched")
        return fetched
    fetched = []
    async for page in gateway.fetch_module(module):
        fetched.extend(page)
    crash_point("sync.module_fetched")
    newest = max((r.modified_time for r in fetched if r.modified_time), default=None)
    if newest is not None:
        cursors.set_cursor(module, newest)
    return fetched


async def sync_org(
    gateway: SyncGateway,
    store_cursors: CursorStore,
    cache: SnapshotCache,
    *,
    now: datetime,
    progress: Callable[[str, int, int | None], None] | None = None,
    before_commit: BeforeCommit | None = None,
) -> SyncResult:
    """Fetch, hand what changed to ``before_commit``, save the cache, and only then move the cursors."""
    started, calls_before = time.perf_counter(), _gateway_calls(gateway)
    cursors = _PendingCursors(store_cursors)
    cached = cache.load()
    full = _needs_full_fetch(cached, cache, cursors, now)
    merged: dict[str, dict[str, CrmRecord]] = {m: {} for m in REVIEW_MODULES} if full or cached is None else cached
    changed: dict[str, list[CrmRecord]] = {}
    updated_ids: set[str] = set()
    deleted = 0
    notes: list[str] = []
    for step, module in enumerate(REVIEW_MODULES):
        if progress:
            progress(f"sync {module}", step, len(REVIEW_MODULES))
        mod: Module = module  # type: ignore[assignment]
        fetched = await _fetch_module(gateway, cursors, mod, full=full)
        for record in fetched:
            if not _same(merged[module].get(record.id), record):
                updated_ids.add(record.id)
            merged[module][record.id] = record
        changed[module] = fetched
        if not full:
            deleted += await _drop_deleted(gateway, cursors, mod, merged[module], notes)
    if progress:
        progress("sync", len(REVIEW_MODULES), len(REVIEW_MODULES))
    records = {m: list(v.values()) for m, v in merged.items()}
    if before_commit is not None and any(changed.values()):
        await before_commit(changed)
    crash_point("sync.before_cache_save")
    cache.save(records, full_fetch_at=now if full else None)
    cursors.commit()
    return SyncResult(
        records=records,
        changed=changed,
        full=full,
        updated_ids=updated_ids,
        deleted=deleted,
        notes=notes,
        fetched=sum(len(v) for v in changed.values()),
        api_calls=max(0, _gateway_calls(gateway) - calls_before),
        seconds=time.perf_counter() - started,
    )
