"""Fetch from Zoho through the gateway (bulk tier) and store into memory, incrementally and resumably.

Per module (Accounts first, so that children can link to their account): fetch what changed since
the module's cursor, remember it (unchanged records are skipped by content hash), and only then advance
the cursor to the newest ``Modified_Time`` seen. A crash before that leaves the cursor where it was:
the re-run fetches the same records again, the ledger finds the ones already stored unchanged, and
re-pushes only what was staged but not confirmed. No duplicates either way.

After each module, the records Zoho deleted since the module's ``Deleted:`` cursor leave memory's graph
and search (``forget_records``); the ledger keeps their history and a deletion event. Notes are read with
``GET /Notes`` by modified time (the gateway's ``fetch_module``), and deleted notes are found by a
reconciliation of note ids each sync (``integrations/zoho/note_reconciliation.py``): the recycle bin refuses Notes.

When Zoho's API credits (or the run's ``SERGAS_ZOHO_CREDIT_BUDGET``) run out, the sync stops cleanly:
what was fetched is stored, the interrupted module's cursor stays where it was (the next run fetches it
again and the ledger finds the stored part unchanged), and the summary says why and when to go on.
A sync is a *round* over the modules (``SyncRound`` / ``SyncDone:<Module>`` cursors): a run after one that
stopped early syncs only the modules that round has not done yet, so that a budget smaller than one whole
pass still finishes the job over a few runs instead of re-reading the first modules every time.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, Protocol

from pydantic import BaseModel, Field

from integrations.zoho.credits import gateway_usage
from integrations.zoho.errors import ZohoCreditsExhaustedError, ZohoError, ZohoRateLimitedError
from integrations.zoho.gateway import CursorStore, ZohoGateway
from integrations.zoho.models import CrmRecord, Module
from integrations.zoho.note_reconciliation import vanished_notes
from integrations.zoho.recycle_bin import deleted_since, mark_seen
from memory.interface import AccountMemory

SYNC_MODULES: tuple[Module, ...] = ("Accounts", "Contacts", "Deals", "Tasks", "Notes")
ROUND = "SyncRound"  # cursor: when the current round over the modules began
DONE = "SyncDone:"  # cursor per module: when the module last completed
BATCH_RECORDS = 5000  # records remembered per push: cognee's per-run overhead amortised, memory bounded


class ModuleSummary(BaseModel):
    module: str
    fetched: int = 0
    stored: int = 0
    unchanged: int = 0
    change_events: int = 0
    deleted: int = 0  # remembered records Zoho deleted since the last sync (taken out of search and graph)
    cursor: datetime | None = None


class SyncSummary(BaseModel):
    modules: list[ModuleSummary] = Field(default_factory=list)
    api_calls: int = 0
    api_credits: int = 0  # what the calls cost by Zoho's credit table
    seconds: float = 0.0
    notes: list[str] = Field(default_factory=list)  # what the sync could not do, and what follows
    stopped: str | None = None  # why the sync stopped before the end (credits), and when to go on
    resume_by: datetime | None = None  # when Zoho's credits are surely back (None: the next run may go on)

    @property
    def fetched(self) -> int:
        return sum(m.fetched for m in self.modules)

    @property
    def stored(self) -> int:
        return sum(m.stored for m in self.modules)

    @property
    def unchanged(self) -> int:
        return sum(m.unchanged for m in self.modules)

    @property
    def change_events(self) -> int:
        return sum(m.change_events for m in self.modules)

    @property
    def deleted(self) -> int:
        return sum(m.deleted for m in self.modules)


Progress = Callable[[str, int], None]  # (module, records just fetched)
ModuleDone = Callable[[ModuleSummary], None]  # a module (or the decisions) is stored and its cursor moved
DECISIONS = "Decisions"  # the cursor name of the approval decisions (state store → memory)
DECISION_BATCH = 1000


class DecisionSource(Protocol):
    """Where human decisions on recommendations come from (``state.store.StateStore.decided_since``)."""

    def decided_since(self, since: datetime | None = None, *, limit: int = 1000) -> Sequence[Any]: ...


async def sync_memory(
    gateway: ZohoGateway,
    memory: AccountMemory,
    cursors: CursorStore,
    *,
    full: bool = False,
    since: datetime | None = None,
    modules: tuple[Module, ...] = SYNC_MODULES,
    progress: Progress | None = None,
    decisions: DecisionSource | None = None,
    clock: Callable[[], float] | None = None,
    module_done: ModuleDone | None = None,
) -> SyncSummary:
    """One sync. ``cursors`` is usually the memory itself (its ledger keeps them, so a wiped memory
    starts over); ``decisions`` (the state store) adds the approval decisions made since the last sync.
    ``progress`` hears of every page fetched, ``module_done`` of every module finished."""
    import time

    now = clock or time.monotonic
    started = now()
    calls_before, credits_before = gateway_usage(gateway)
    summary = SyncSummary()
    todo = _round_modules(cursors, modules, restart=full or since is not None)
    if len(todo) < len(modules):
        done = [m for m in modules if m not in todo]
        summary.notes.append(f"resumed the sync the last run stopped: {', '.join(todo)} (done then: {', '.join(done)})")
    for module in todo:
        part = ModuleSummary(module=module)
        summary.modules.append(part)
        try:
            await _sync_module(gateway, memory, cursors, module, part, full=full, since=since, progress=progress)
            part.deleted = await _sync_deletions(gateway, memory, cursors, module, summary.notes)
            cursors.set_cursor(DONE + module, datetime.now(UTC))
            if module_done is not None:
                module_done(part)
        except (ZohoCreditsExhaustedError, ZohoRateLimitedError) as exc:  # spent credits, or 429s past patience
            from integrations.zoho.credits import stop_message

            summary.stopped = stop_message(exc)
            summary.resume_by = exc.resume_by if isinstance(exc, ZohoCreditsExhaustedError) else None
            break
    if decisions is not None:
        summary.modules.append(await _sync_decisions(decisions, memory, cursors, full=full, progress=progress))
        if module_done is not None:
            module_done(summary.modules[-1])
    calls_after, credits_after = gateway_usage(gateway)
    summary.api_calls = max(0, calls_after - calls_before)
    summary.api_credits = max(0, credits_after - credits_before)
    summary.seconds = round(now() - started, 2)
    return summary


def _round_modules(cursors: CursorStore, modules: tuple[Module, ...], *, restart: bool) -> list[Module]:
    """The modules this run syncs: those the current round has not completed (the last run stopped early),
    or, when it has completed them all (or ``restart``), every module in a new round."""
    started = cursors.get_cursor(ROUND)
    if not restart and started is not None:
        pending = [m for m in modules if (cursors.get_cursor(DONE + m) or _NEVER) < started]
        if pending:
            return pending
    cursors.set_cursor(ROUND, datetime.now(UTC))
    return list(modules)


_NEVER = datetime.min.replace(tzinfo=UTC)


async def _sync_module(
    gateway: ZohoGateway,
    memory: AccountMemory,
    cursors: CursorStore,
    module: Module,
    part: ModuleSummary,
    *,
    full: bool,
    since: datetime | None,
    progress: Progress | None,
) -> None:
    """Fetch one module into memory and move its cursor. Should the fetch stop half way (spent credits), what
    was fetched is stored first and the cursor stays: the next run fetches the module again."""
    cursor = None if full else (since or cursors.get_cursor(module))
    newest = cursor
    batch: list[CrmRecord] = []

    async def store(records: list[CrmRecord]) -> None:
        result = await memory.remember_records(records)
        part.stored += result.stored
        part.unchanged += result.unchanged
        part.change_events += result.change_events

    try:
        async for page in gateway.fetch_module(module, modified_since=cursor):
            part.fetched += len(page)
            for record in page:
                stamp = record.modified_time or record.created_time
                if stamp is not None and (newest is None or stamp > newest):
                    newest = stamp
            batch.extend(page)
            if progress is not None:
                progress(module, len(page))
            if len(batch) >= BATCH_RECORDS:
                await store(batch)
                batch = []
    except (ZohoCreditsExhaustedError, ZohoRateLimitedError):
        if batch:
            await store(batch)  # keep what the spent credits bought; the cursor does not move
        raise
    if batch:
        await store(batch)
    if newest is not None:
        cursors.set_cursor(module, newest)  # only once everything up to it is stored
    part.cursor = newest


async def _sync_deletions(gateway: Any, memory: Any, cursors: CursorStore, module: Module, notes: list[str]) -> int:
    """Records deleted in Zoho since the last look leave memory's search and graph (the ledger keeps
    their history). The cursor moves only after memory took them; a re-run finds them already gone.
    A recycle bin that cannot be read does not stop the sync: a note says so, the next sync looks again."""
    forget = getattr(memory, "forget_records", None)
    if forget is None:
        return 0
    if module == "Notes":  # the recycle bin does not serve Notes: reconcile note ids instead
        return await _reconcile_notes(gateway, memory, cursors, notes, forget)
    try:
        deleted = await deleted_since(gateway, cursors, module)
    except (ZohoCreditsExhaustedError, ZohoRateLimitedError):
        raise
    except ZohoError as exc:
        notes.append(
            f"could not read Zoho's recycle bin for {module} ({exc}); records deleted there stay in "
            "memory until a sync can read it"
        )
        return 0
    if not deleted:
        return 0
    count = int(await forget(deleted))
    mark_seen(cursors, module, deleted)
    return count


async def _reconcile_notes(gateway: Any, memory: Any, cursors: CursorStore, notes: list[str], forget: Any) -> int:
    """Notes memory holds that Zoho no longer lists leave memory (every sync: one call per 200 notes).
    A list that cannot be read does not stop the sync: a note says so, the next sync looks again."""
    remembered = getattr(memory, "remembered_ids", None)
    now = datetime.now(UTC).replace(microsecond=0)
    if remembered is None:
        return 0
    try:
        gone = await vanished_notes(gateway, remembered("Notes"), now=now)
    except (ZohoCreditsExhaustedError, ZohoRateLimitedError):
        raise
    except ZohoError as exc:
        notes.append(f"could not list Zoho's note ids ({exc}); notes deleted there stay in memory until a sync can")
        return 0
    return int(await forget(gone)) if gone else 0


async def _sync_decisions(
    source: DecisionSource, memory: AccountMemory, cursors: CursorStore, *, full: bool, progress: Progress | None
) -> ModuleSummary:
    part = ModuleSummary(module=DECISIONS)
    cursor = None if full else cursors.get_cursor(DECISIONS)
    record_many = getattr(memory, "record_decisions", None)
    while True:
        batch = list(source.decided_since(cursor, limit=DECISION_BATCH))
        if not batch:
            break
        part.fetched += len(batch)
        if record_many is not None:
            await record_many(batch)
        else:
            for rec in batch:
                await memory.record_decision(
                    rec, str(getattr(rec, "status", "decided")), getattr(rec, "decision_reason", None)
                )
        part.stored += len(batch)
        cursor = max(r.decided_at for r in batch)
        cursors.set_cursor(DECISIONS, cursor)
        if progress is not None:
            progress(DECISIONS, len(batch))
        if len(batch) < DECISION_BATCH:
            break
    part.cursor = cursor
    return part
