"""The memory ledger: a small SQLite file under ``memory_dir`` that knows what memory holds.

- ``records``: per CRM record its content hash and last snapshot (to skip unchanged records and to
  derive change events), its account, date, title and excerpt (citations), and its graph node id;
  ``deleted_at`` once Zoho deleted it (the row stays for the history; its node leaves cognee).
- ``changes``: field changes (old → new) derived between two syncs.
- ``decisions``: human decisions on recommendations.

Rows are written with ``indexed = 0`` before they are pushed to cognee and flipped to 1 after the
push succeeded, so a sync killed mid-push re-pushes exactly the pending rows on its next run (cognee
nodes have stable ids, so a re-push updates rather than duplicates). WAL mode: readers (timeline,
search citations) never wait for the writer.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from memory.describe import Described, meaning_text
from memory.models import ChangeEvent, MemoryCitation, MemoryFact

SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    module TEXT NOT NULL, record_id TEXT NOT NULL, account_id TEXT, parent_module TEXT, parent_id TEXT,
    at TEXT, title TEXT, excerpt TEXT, content_hash TEXT NOT NULL, snapshot TEXT NOT NULL,
    node_id TEXT, indexed INTEGER NOT NULL DEFAULT 0, stored_at TEXT NOT NULL,
    PRIMARY KEY (module, record_id));
CREATE INDEX IF NOT EXISTS records_account ON records (account_id, at);
CREATE INDEX IF NOT EXISTS records_node ON records (node_id);
CREATE INDEX IF NOT EXISTS records_id ON records (record_id);
CREATE INDEX IF NOT EXISTS records_pending ON records (indexed);
CREATE TABLE IF NOT EXISTS changes (
    id INTEGER PRIMARY KEY AUTOINCREMENT, module TEXT NOT NULL, record_id TEXT NOT NULL, account_id TEXT,
    field TEXT NOT NULL, old TEXT, new TEXT, at TEXT NOT NULL, node_id TEXT,
    indexed INTEGER NOT NULL DEFAULT 0, UNIQUE (module, record_id, field, at));
CREATE INDEX IF NOT EXISTS changes_account ON changes (account_id, at);
CREATE INDEX IF NOT EXISTS changes_node ON changes (node_id);
CREATE TABLE IF NOT EXISTS decisions (
    id TEXT PRIMARY KEY, account_id TEXT, decision TEXT NOT NULL, reason TEXT, text TEXT NOT NULL,
    at TEXT NOT NULL, node_id TEXT, indexed INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS decisions_node ON decisions (node_id);
CREATE TABLE IF NOT EXISTS cursors (module TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


# Fields the bulk tier's CSV leaves empty and COQL fills (the parent's module of tasks and notes).
_FILLED_IN_LATER = frozenset({"what_module", "parent_module"})


def iso_utc(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat()


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _text(value: Any) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True, default=str)


@dataclass(frozen=True)
class Classified:
    changed: list[Described]  # new or changed: to push
    unchanged: int
    events: list[ChangeEvent]


class Ledger:
    def __init__(self, path: Path, *, read_only: bool = False) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._conn = sqlite3.connect(str(path), timeout=30, isolation_level=None, check_same_thread=False)
        self._conn.row_factory = sqlite3.Row
        self._conn.execute("PRAGMA busy_timeout = 30000")
        if not read_only:
            self._conn.execute("PRAGMA journal_mode = WAL")
            self._conn.execute("PRAGMA synchronous = NORMAL")
            self._conn.executescript(SCHEMA)
            self._migrate()
        else:
            if not self._has_schema():
                self._conn.executescript(SCHEMA)
                self._migrate()
        # a reader of a ledger no writer has migrated yet: no record is marked deleted there
        self._live = " AND deleted_at IS NULL" if "deleted_at" in self._columns("records") else ""

    def _columns(self, table: str) -> set[str]:
        return {str(r[1]) for r in self._conn.execute(f"PRAGMA table_info({table})")}  # noqa: S608 - a constant

    def _migrate(self) -> None:
        """Ledgers written before deletions were tracked gain the ``deleted_at`` column."""
        if "deleted_at" not in self._columns("records"):
            self._conn.execute("ALTER TABLE records ADD COLUMN deleted_at TEXT")

    def _has_schema(self) -> bool:
        row = self._conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'records'").fetchone()
        return row is not None

    def close(self) -> None:
        self._conn.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            yield self._conn
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")

    # ------------------------------------------------------------------ records
    def classify(self, described: list[Described], *, now: datetime) -> Classified:
        """Split into new/changed and unchanged; derive change events from the stored snapshots."""
        changed: list[Described] = []
        events: list[ChangeEvent] = []
        unchanged = 0
        for item in described:
            row = self._conn.execute(
                "SELECT content_hash, snapshot, indexed, deleted_at FROM records WHERE module = ? AND record_id = ?",
                (item.module, item.record_id),
            ).fetchone()
            if row is None:
                changed.append(item)
                continue
            if row["deleted_at"] is not None:  # restored from Zoho's recycle bin: back into cognee
                changed.append(item)
                continue
            if row["content_hash"] == item.content_hash:
                if row["indexed"]:
                    unchanged += 1
                else:
                    changed.append(item)  # stored before a crash, never confirmed: push again
                continue
            changed.append(item)
            old = json.loads(row["snapshot"])
            for field in sorted(set(old) | set(item.snapshot)):
                before, after = old.get(field), item.snapshot.get(field)
                if before is None and field in _FILLED_IN_LATER:
                    continue  # one fetch tier left it out, another sent it: not a change a user made
                if before != after:
                    events.append(
                        ChangeEvent(
                            module=item.module,
                            record_id=item.record_id,
                            account_id=item.account_id,
                            field=field,
                            old=_text(before),
                            new=_text(after),
                            at=item.at or now,
                        )
                    )
        return Classified(changed=changed, unchanged=unchanged, events=events)

    def account_of(self, module: str | None, record_id: str | None) -> str | None:
        """The account a record hangs on. ``module`` may be unknown (a note fetched without its
        parent's module): Zoho record ids are unique across modules, so the id alone finds it."""
        if not record_id:
            return None
        if module == "Accounts":
            return record_id
        if module:
            row = self._conn.execute(
                "SELECT account_id FROM records WHERE module = ? AND record_id = ?", (module, record_id)
            ).fetchone()
        else:
            row = self._conn.execute(
                "SELECT account_id, module FROM records WHERE record_id = ? LIMIT 1", (record_id,)
            ).fetchone()
            if row is not None and row["module"] == "Accounts":
                return record_id
        return row["account_id"] if row else None

    def stage_records(
        self,
        items: Iterable[tuple[Described, str, str | None]],
        *,
        now: datetime,
        changes: Iterable[tuple[ChangeEvent, str]] = (),
    ) -> int:
        """Write (described, node_id, account_id) rows as pending (``indexed = 0``) and, in the same
        transaction, the change events derived from them (so a crash never keeps one without the other).
        Returns the number of new change events."""
        rows = [
            (
                d.module,
                d.record_id,
                account_id,
                d.parent_module,
                d.parent_id,
                iso_utc(d.at),
                d.title,
                d.text,
                d.content_hash,
                json.dumps(d.snapshot, sort_keys=True, default=str),
                node_id,
                iso_utc(now),
            )
            for d, node_id, account_id in items
        ]
        with self.transaction() as conn:
            conn.executemany(
                "INSERT INTO records (module, record_id, account_id, parent_module, parent_id, at, title, "
                "excerpt, content_hash, snapshot, node_id, indexed, stored_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?) "
                "ON CONFLICT (module, record_id) DO UPDATE SET account_id = excluded.account_id, "
                "parent_module = excluded.parent_module, parent_id = excluded.parent_id, at = excluded.at, "
                "title = excluded.title, excerpt = excluded.excerpt, content_hash = excluded.content_hash, "
                "snapshot = excluded.snapshot, node_id = excluded.node_id, indexed = 0, deleted_at = NULL, "
                "stored_at = excluded.stored_at",
                rows,
            )
            return self._insert_changes(conn, changes)

    def stage_deletions(self, items: Iterable[tuple[str, str, datetime, ChangeEvent, str]]) -> list[str]:
        """Mark records Zoho deleted: ``(module, record_id, deleted_at, event, event_node_id)``. A record
        memory holds (and not already marked) gets ``deleted_at``, becomes pending (its node leaves cognee
        at the next flush) and gains its deletion event, in one transaction. Returns the record ids marked."""
        marked: list[str] = []
        with self.transaction() as conn:
            for module, record_id, deleted_at, event, event_node in items:
                row = conn.execute(
                    "SELECT account_id FROM records WHERE module = ? AND record_id = ? AND deleted_at IS NULL",
                    (module, record_id),
                ).fetchone()
                if row is None:
                    continue  # never remembered, or already marked
                conn.execute(
                    "UPDATE records SET deleted_at = ?, indexed = 0 WHERE module = ? AND record_id = ?",
                    (iso_utc(deleted_at), module, record_id),
                )
                self._insert_changes(conn, [(event.model_copy(update={"account_id": row["account_id"]}), event_node)])
                marked.append(record_id)
        return marked

    def title_of(self, module: str, record_id: str) -> str | None:
        """The remembered title of a record (a deletion found without Zoho's display name uses it)."""
        row = self._conn.execute(
            "SELECT title FROM records WHERE module = ? AND record_id = ?", (module, record_id)
        ).fetchone()
        return str(row["title"]) if row and row["title"] else None

    def live_ids(self, module: str) -> set[str]:
        """Ids of the module's remembered records not marked deleted."""
        rows = self._conn.execute("SELECT record_id FROM records WHERE module = ?" + self._live, (module,)).fetchall()
        return {str(r["record_id"]) for r in rows}

    def stage_changes(self, items: Iterable[tuple[ChangeEvent, str]]) -> int:
        with self.transaction() as conn:
            return self._insert_changes(conn, items)

    @staticmethod
    def _insert_changes(conn: sqlite3.Connection, items: Iterable[tuple[ChangeEvent, str]]) -> int:
        rows = [
            (e.module, e.record_id, e.account_id, e.field, e.old, e.new, iso_utc(e.at), node_id) for e, node_id in items
        ]
        before = conn.total_changes
        conn.executemany(
            "INSERT OR IGNORE INTO changes (module, record_id, account_id, field, old, new, at, node_id) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        return conn.total_changes - before

    def stage_decision(
        self,
        *,
        decision_id: str,
        account_id: str | None,
        decision: str,
        reason: str | None,
        text: str,
        at: datetime,
        node_id: str,
    ) -> None:
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO decisions (id, account_id, decision, reason, text, at, node_id, indexed) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, 0) ON CONFLICT (id) DO UPDATE SET decision = excluded.decision, "
                "reason = excluded.reason, text = excluded.text, at = excluded.at, indexed = 0",
                (decision_id, account_id, decision, reason, text, iso_utc(at), node_id),
            )

    def mark_indexed(self, node_ids: list[str]) -> None:
        with self.transaction() as conn:
            for table in ("records", "changes", "decisions"):
                conn.executemany(
                    f"UPDATE {table} SET indexed = 1 WHERE node_id = ?",  # noqa: S608
                    [(n,) for n in node_ids],
                )

    def pending_records(self) -> list[sqlite3.Row]:
        return list(self._conn.execute("SELECT * FROM records WHERE indexed = 0"))

    def pending_changes(self) -> list[sqlite3.Row]:
        return list(self._conn.execute("SELECT * FROM changes WHERE indexed = 0"))

    def pending_decisions(self) -> list[sqlite3.Row]:
        return list(self._conn.execute("SELECT * FROM decisions WHERE indexed = 0"))

    # ------------------------------------------------------------------ reads
    def facts_by_node(self, node_ids: list[str]) -> dict[str, MemoryFact]:
        found: dict[str, MemoryFact] = {}
        if not node_ids:
            return found
        marks = ",".join("?" * len(node_ids))
        for row in self._conn.execute(
            f"SELECT * FROM records WHERE node_id IN ({marks}){self._live}",  # noqa: S608
            node_ids,
        ):
            found[row["node_id"]] = _record_fact(row)
        for row in self._conn.execute(f"SELECT * FROM changes WHERE node_id IN ({marks})", node_ids):  # noqa: S608
            found[row["node_id"]] = _change_fact(row)
        for row in self._conn.execute(f"SELECT * FROM decisions WHERE node_id IN ({marks})", node_ids):  # noqa: S608
            found[row["node_id"]] = _decision_fact(row)
        return found

    def texts_by_node(self, node_ids: list[str]) -> dict[str, tuple[str, str]]:
        """node id → (module, the text that was embedded for it): what search groups near-duplicates by."""
        found: dict[str, tuple[str, str]] = {}
        if not node_ids:
            return found
        marks = ",".join("?" * len(node_ids))
        for row in self._conn.execute(
            f"SELECT node_id, module, snapshot, excerpt FROM records WHERE node_id IN ({marks})",  # noqa: S608
            node_ids,
        ):
            text = meaning_text(row["module"], json.loads(row["snapshot"]), row["excerpt"] or "")
            found[row["node_id"]] = (row["module"], text)
        for row in self._conn.execute(f"SELECT * FROM changes WHERE node_id IN ({marks})", node_ids):  # noqa: S608
            found[row["node_id"]] = ("Changes", change_text(row["module"], None, row["field"], row["old"], row["new"]))
        for row in self._conn.execute(f"SELECT node_id, text FROM decisions WHERE node_id IN ({marks})", node_ids):  # noqa: S608
            found[row["node_id"]] = ("Decisions", row["text"])
        return found

    def account_names(self, account_ids: Iterable[str]) -> dict[str, str]:
        """Account id → name, for the accounts memory holds."""
        ids = sorted({a for a in account_ids if a})
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        return {
            row["record_id"]: row["title"]
            for row in self._conn.execute(
                f"SELECT record_id, title FROM records WHERE module = 'Accounts' AND record_id IN ({marks})",  # noqa: S608
                ids,
            )
        }

    def node_ids_of_account(self, account_id: str) -> list[str]:
        """The graph/vector node ids of everything remembered about one account."""
        ids: list[str] = []
        for table, live in (("records", self._live), ("changes", ""), ("decisions", "")):
            ids += [
                r[0]
                for r in self._conn.execute(
                    f"SELECT node_id FROM {table} WHERE account_id = ? AND node_id IS NOT NULL{live}",  # noqa: S608
                    (account_id,),
                )
            ]
        return ids

    def timeline(self, account_id: str, *, since: datetime | None, limit: int) -> list[MemoryFact]:
        since_iso = iso_utc(since) or ""
        facts = [
            _record_fact(r)
            for r in self._conn.execute(
                f"SELECT * FROM records WHERE account_id = ? AND COALESCE(at, '') >= ?{self._live} "  # noqa: S608
                "ORDER BY at DESC LIMIT ?",
                (account_id, since_iso, limit),
            )
        ]
        facts += [
            _change_fact(r)
            for r in self._conn.execute(
                "SELECT * FROM changes WHERE account_id = ? AND at >= ? ORDER BY at DESC LIMIT ?",
                (account_id, since_iso, limit),
            )
        ]
        facts += [
            _decision_fact(r)
            for r in self._conn.execute(
                "SELECT * FROM decisions WHERE account_id = ? AND at >= ? ORDER BY at DESC LIMIT ?",
                (account_id, since_iso, limit),
            )
        ]
        facts.sort(key=lambda f: f.at or datetime.min.replace(tzinfo=UTC), reverse=True)
        return facts[:limit]

    def counts(self) -> dict[str, Any]:
        modules = {
            r["module"]: r["n"]
            for r in self._conn.execute(
                f"SELECT module, COUNT(*) AS n FROM records WHERE 1 = 1{self._live} GROUP BY module"
            )
        }  # noqa: S608
        changes = self._conn.execute("SELECT COUNT(*) FROM changes").fetchone()[0]
        decisions = self._conn.execute("SELECT COUNT(*) FROM decisions").fetchone()[0]
        pending = sum(
            self._conn.execute(f"SELECT COUNT(*) FROM {t} WHERE indexed = 0").fetchone()[0]  # noqa: S608
            for t in ("records", "changes", "decisions")
        )
        return {"records": modules, "change_events": changes, "decisions": decisions, "pending": pending}

    # ------------------------------------------------------------------ cursors (fallback store)
    def get_cursor(self, module: str) -> datetime | None:
        row = self._conn.execute("SELECT value FROM cursors WHERE module = ?", (module,)).fetchone()
        return _dt(row["value"]) if row else None

    def set_cursor(self, module: str, value: datetime) -> None:
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO cursors (module, value) VALUES (?, ?) "
                "ON CONFLICT (module) DO UPDATE SET value = excluded.value",
                (module, iso_utc(value)),
            )


def _record_fact(row: sqlite3.Row) -> MemoryFact:
    at = _dt(row["at"])
    summary = f"{row['module'][:-1]} {row['title']}: {row['excerpt']}"
    return MemoryFact(
        kind="record",
        account_id=row["account_id"],
        at=at,
        summary=summary[:500],
        title=row["title"],
        citation=MemoryCitation(
            record_id=row["record_id"],
            module=row["module"],
            account_id=row["account_id"],
            at=at,
            excerpt=row["excerpt"] or "",
        ),
    )


DELETED_FIELD = "$deleted"  # the change event of a record deleted in Zoho: old = its name, new = who deleted it


def change_text(module: str, record_id: str | None, field: str, old: str | None, new: str | None) -> str:
    """``Deal 123 Stage changed from A to B`` (without ``record_id``: the words that are embedded)."""
    subject = f"{module[:-1]} {record_id}" if record_id else module[:-1]
    if field == DELETED_FIELD:
        return f"{subject}{f' {old}' if old else ''} was deleted in Zoho{f' by {new}' if new else ''}"
    return f"{subject} {field} changed from {old or 'empty'} to {new or 'empty'}"


def _change_fact(row: sqlite3.Row) -> MemoryFact:
    at = _dt(row["at"])
    text = change_text(row["module"], row["record_id"], row["field"], row["old"], row["new"])
    return MemoryFact(
        kind="change",
        account_id=row["account_id"],
        at=at,
        summary=text[:500],
        citation=MemoryCitation(
            record_id=row["record_id"], module=row["module"], account_id=row["account_id"], at=at, excerpt=text[:2000]
        ),
    )


def _decision_fact(row: sqlite3.Row) -> MemoryFact:
    at = _dt(row["at"])
    return MemoryFact(
        kind="decision",
        account_id=row["account_id"],
        at=at,
        summary=row["text"][:500],
        citation=MemoryCitation(
            record_id=row["id"],
            module="Recommendations",
            account_id=row["account_id"],
            at=at,
            excerpt=row["text"][:2000],
        ),
    )
