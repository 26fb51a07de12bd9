"""``AccountMemory`` on cognee (graph + vector index) and the ledger (hashes, citations, timeline)."""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from filelock import FileLock, Timeout

from config.settings import Settings
from integrations.zoho.models import CrmRecord, DeletedRecord
from memory.cognee_store import COLLECTIONS, DECISION_COLLECTIONS, CogneeStore
from memory.describe import Described, describe, meaning_text
from memory.embedding.minilm import shared_encoder
from memory.interface import LEDGER_FILE, MemoryBusyError, MemoryError
from memory.ledger import DELETED_FIELD, Ledger, change_text, iso_utc
from memory.models import ChangeEvent, MemoryFact, MemoryHit, MemoryStats, RememberResult
from memory.ranking import diversify, pool_size, template_of

Edge = tuple[str, str, str, dict[str, Any]]  # (from node id, to node id, relation, properties)
LOCK_FILE = "writer.lock"


def _now() -> datetime:
    return datetime.now(UTC)


class CogneeAccountMemory:
    def __init__(self, settings: Settings, store: CogneeStore, ledger: Ledger, lock: FileLock | None) -> None:
        self._settings = settings
        self._store = store
        self._ledger = ledger
        self._lock = lock
        self.read_only = lock is None
        # seconds spent per phase in this process (the benchmark's breakdown): describe+classify, ledger, push
        self._timings: dict[str, float] = {"classify": 0.0, "ledger": 0.0, "push": 0.0}

    @property
    def timings(self) -> dict[str, float]:
        """Seconds per phase in this process: describe+classify, ledger, push, and the push's write steps."""
        return {**self._timings, **self._store.timings}

    @classmethod
    async def open(cls, settings: Settings, *, read_only: bool, lock_timeout: float) -> CogneeAccountMemory:
        root = settings.memory_dir.expanduser().resolve()
        root.mkdir(parents=True, exist_ok=True)
        lock: FileLock | None = None
        if not read_only:
            lock = FileLock(str(root / LOCK_FILE))
            try:
                lock.acquire(timeout=lock_timeout)
            except Timeout:
                raise MemoryBusyError(
                    f"another process is writing {root} (a sync is running); "
                    "wait for it to finish or open the memory read-only"
                ) from None
        try:
            ledger = Ledger(root / LEDGER_FILE, read_only=read_only)
            store = await asyncio.to_thread(CogneeStore, settings)
        except BaseException:
            if lock is not None:
                lock.release()
            raise
        return cls(settings, store, ledger, lock)

    async def aclose(self) -> None:
        self._ledger.close()
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def _require_writer(self) -> None:
        if self._lock is None:
            raise MemoryError("this memory was opened read-only; only the sync writes")

    # ------------------------------------------------------------------ writes
    async def remember_records(self, records: Sequence[CrmRecord]) -> RememberResult:
        """Store new and changed records (skipping unchanged ones) and the field changes between them."""
        self._require_writer()
        now = _now()
        started = time.perf_counter()
        described = [describe(r) for r in records]
        classified = self._ledger.classify(described, now=now)
        staged_at = time.perf_counter()
        self._timings["classify"] += staged_at - started
        staged: list[tuple[Described, str, str | None]] = []
        accounts: dict[tuple[str, str], str | None] = {}
        for item in classified.changed:
            account_id = item.account_id or self._ledger.account_of(item.parent_module, item.parent_id)
            accounts[(item.module, item.record_id)] = account_id
            staged.append((item, self._store.node_id(item.module, item.record_id), account_id))
        events = [
            e.model_copy(update={"account_id": e.account_id or accounts.get((e.module, e.record_id))})
            for e in classified.events
        ]
        changes = [(e, self._store.node_id("Changes", _change_key(e))) for e in events]
        new_events = self._ledger.stage_records(staged, now=now, changes=changes)
        self._timings["ledger"] += time.perf_counter() - staged_at
        await self.flush()
        return RememberResult(
            received=len(records),
            stored=len(classified.changed),
            unchanged=classified.unchanged,
            change_events=new_events,
        )

    async def forget_records(self, deleted: Sequence[DeletedRecord]) -> int:
        """Records Zoho deleted leave cognee (graph and search); the ledger keeps their history and a
        deletion event on the account's timeline. Returns how many remembered records were deleted."""
        self._require_writer()
        items = []
        for gone in deleted:
            at = gone.deleted_time or _now()
            event = ChangeEvent(
                module=gone.module,
                record_id=gone.id,
                account_id=None,
                field=DELETED_FIELD,
                old=gone.display_name or self._ledger.title_of(gone.module, gone.id),
                new=gone.deleted_by,
                at=at,
            )
            items.append((gone.module, gone.id, at, event, self._store.node_id("Changes", _change_key(event))))
        marked = self._ledger.stage_deletions(items)
        await self.flush()
        return len(marked)

    def remembered_ids(self, module: str) -> set[str]:
        """Ids of the module's records memory holds (not deleted): what a reconciliation compares."""
        return self._ledger.live_ids(module)

    async def remember_changes(self, events: Sequence[ChangeEvent]) -> int:
        self._require_writer()
        count = self._stage_changes(list(events))
        await self.flush()
        return count

    def _stage_changes(self, events: list[ChangeEvent]) -> int:
        items = [(e, self._store.node_id("Changes", _change_key(e))) for e in events]
        return self._ledger.stage_changes(items)

    async def record_decision(self, recommendation: Any, decision: str, reason: str | None) -> MemoryFact:
        """Remember what a human decided on a recommendation (``domain.recommendations.Recommendation``) and why."""
        self._require_writer()
        node_id = self._stage_decision(recommendation, decision, reason)
        await self.flush()
        return self._ledger.facts_by_node([node_id])[node_id]

    async def record_decisions(self, recommendations: Sequence[Any]) -> int:
        """The sync's batch form: each recommendation's status is its decision; one push for all."""
        self._require_writer()
        for rec in recommendations:
            self._stage_decision(rec, str(getattr(rec, "status", "decided")), getattr(rec, "decision_reason", None))
        await self.flush()
        return len(recommendations)

    def _stage_decision(self, recommendation: Any, decision: str, reason: str | None) -> str:
        proposal = getattr(recommendation, "proposal", recommendation)
        rec_id = str(getattr(recommendation, "id", None) or getattr(proposal, "dedupe_key", lambda: "")())
        account_id = getattr(proposal, "account_id", None)
        rationale = getattr(proposal, "rationale", "") or ""
        kind = getattr(proposal, "kind", "proposal")
        signal = getattr(proposal, "signal_kind", None)
        outcome = _outcome(recommendation)
        text = (
            f"Situation: {signal or 'account review'}. Proposed {kind}: {rationale}. "
            f"Decision: {decision}. Reason: {reason or 'none given'}."
        )
        if outcome:
            text += f" Outcome: {outcome}."
        at = getattr(recommendation, "decided_at", None) or _now()
        node_id = self._store.node_id("Decisions", rec_id)
        self._ledger.stage_decision(
            decision_id=rec_id,
            account_id=account_id,
            decision=decision,
            reason=reason,
            text=text,
            at=at,
            node_id=node_id,
        )
        return node_id

    # the sync's cursors live with the memory: a wiped memory directory starts over with a full sync
    def get_cursor(self, module: str) -> datetime | None:
        return self._ledger.get_cursor(module)

    def set_cursor(self, module: str, value: datetime) -> None:
        self._require_writer()
        self._ledger.set_cursor(module, value)

    async def flush(self) -> int:
        """Push every pending ledger row to cognee, then mark it stored. Returns the nodes pushed."""
        self._require_writer()
        nodes: list[Any] = []
        edges: list[Edge] = []
        removed = self._record_nodes(nodes, edges)
        self._change_nodes(nodes, edges)
        self._decision_nodes(nodes, edges)
        if not nodes and not removed:
            return 0
        started = time.perf_counter()
        await self._store.push(nodes, edges)
        await self._store.remove(removed)
        self._timings["push"] += time.perf_counter() - started
        self._ledger.mark_indexed([str(n.id) for n in nodes] + removed)
        return len(nodes) + len(removed)

    def _about_account(self, node: Any, account_id: str | None, relation: str) -> list[Edge]:
        return [(str(node.id), self._store.node_id("Accounts", account_id), relation, {})] if account_id else []

    def _record_nodes(self, nodes: list[Any], edges: list[Edge]) -> list[str]:
        """The pending records' nodes (each tied to its account) into ``nodes``; the deleted ones' node ids."""
        removed: list[str] = []
        for row in self._ledger.pending_records():
            module = row["module"]
            if row["deleted_at"] is not None:
                removed.append(row["node_id"])
                continue
            node = self._store.build_node(
                module,
                name=row["title"] or row["record_id"],
                source_id=row["record_id"],
                account_id=row["account_id"] or "",
                record_date=row["at"] or "",
                text=meaning_text(module, json.loads(row["snapshot"]), row["excerpt"] or ""),
            )
            # (embedded or not: memory.datapoints decides)
            nodes.append(node)
            if module != "Accounts":
                edges += self._about_account(node, row["account_id"], "belongs_to")
        return removed

    def _change_nodes(self, nodes: list[Any], edges: list[Edge]) -> None:
        for row in self._ledger.pending_changes():
            # embedded without the record id: "Deal Stage changed from A to B" is what similar changes share
            text = change_text(row["module"], None, row["field"], row["old"], row["new"])
            node = self._store.build_node(
                "Changes",
                name=f"{row['field']} of {row['record_id']}",
                source_id=_row_change_key(row),
                account_id=row["account_id"] or "",
                record_date=row["at"],
                text=text,
                field=row["field"],
                old_value=row["old"] or "",
                new_value=row["new"] or "",
            )
            nodes.append(node)
            if row["field"] == DELETED_FIELD:  # the record's node is gone: the event hangs on the account
                edges += self._about_account(node, row["account_id"], "about")
            else:
                edges.append((str(node.id), self._store.node_id(row["module"], row["record_id"]), "changed", {}))

    def _decision_nodes(self, nodes: list[Any], edges: list[Edge]) -> None:
        for row in self._ledger.pending_decisions():
            node = self._store.build_node(
                "Decisions",
                name=f"decision on {row['id']}",
                source_id=row["id"],
                account_id=row["account_id"] or "",
                record_date=row["at"],
                text=row["text"],
                decision=row["decision"],
                reason=row["reason"] or "",
            )
            nodes.append(node)
            edges += self._about_account(node, row["account_id"], "about")

    # ------------------------------------------------------------------ reads
    async def timeline(self, account_id: str, *, since: datetime | None = None, limit: int = 50) -> list[MemoryFact]:
        return self._ledger.timeline(account_id, since=since, limit=limit)

    async def search(self, query: str, *, account_id: str | None = None, limit: int = 10) -> list[MemoryHit]:
        return await self._search(query, COLLECTIONS, account_id=account_id, limit=limit)

    async def similar_situations(self, text: str, *, limit: int = 5) -> list[MemoryHit]:
        """Past decisions (and the changes and notes around them) closest to ``text``."""
        hits = await self._search(text, DECISION_COLLECTIONS, account_id=None, limit=limit * 3)
        hits.sort(key=lambda h: (h.fact.kind != "decision", -h.score))
        return hits[:limit]

    async def _search(
        self, query: str, collections: tuple[str, ...], *, account_id: str | None, limit: int
    ) -> list[MemoryHit]:
        """Nearest by meaning from a wider pool, near-duplicate templates spread out (``memory.ranking``), each
        hit named (record title, account name)."""
        vector = (await asyncio.to_thread(shared_encoder().encode, [query]))[0].tolist()
        only = self._ledger.node_ids_of_account(account_id) if account_id is not None else None
        ranked = await self._store.search(vector, collections, pool_size(limit), only_ids=only)
        facts = self._ledger.facts_by_node([c[0] for c in ranked])
        known = [  # not in the ledger: pushed by a sync that has not confirmed it yet
            c for c in ranked if c[0] in facts and (account_id is None or facts[c[0]].account_id == account_id)
        ]
        scores = {c[0]: c[1] for c in reversed(known)}  # a node's best score
        texts = self._ledger.texts_by_node(list(scores))
        order = diversify(known, limit, lambda n: template_of(*texts.get(n, ("", n))))
        names = self._ledger.account_names(facts[n].account_id or "" for n in order)
        return [
            MemoryHit(
                score=round(scores[n], 4),
                fact=facts[n].model_copy(update={"account_name": names.get(facts[n].account_id or "")}),
            )
            for n in order
        ]

    async def stats(self) -> MemoryStats:
        counts = self._ledger.counts()
        root = self._settings.memory_dir.expanduser().resolve()
        disk = sum(p.stat().st_size for p in root.rglob("*") if p.is_file())
        return MemoryStats(
            records=counts["records"],
            change_events=counts["change_events"],
            decisions=counts["decisions"],
            pending=counts["pending"],
            disk_bytes=disk,
            memory_dir=str(root),
            indexed=await self._store.collection_sizes(),
        )


def _outcome(recommendation: Any) -> str:
    """What came of an approved recommendation: written to Zoho (which record) or failed (why)."""
    if getattr(recommendation, "executed_at", None) is not None or getattr(recommendation, "status", "") == "executed":
        record = getattr(recommendation, "result_record_id", None)
        return "written to Zoho" + (f" as record {record}" if record else "")
    error = getattr(recommendation, "error", None)
    return f"failed: {error}" if error else ""


def _change_key(event: ChangeEvent) -> str:
    raw = f"{event.module}|{event.record_id}|{event.field}|{iso_utc(event.at)}"
    return hashlib.sha256(raw.encode()).hexdigest()[:24]


def _row_change_key(row: Any) -> str:
    raw = f"{row['module']}|{row['record_id']}|{row['field']}|{row['at']}"
    return hashlib.sha256(raw.encode()).hexdigest()[:24]
