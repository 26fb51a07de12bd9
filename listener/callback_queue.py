"""The persisted callback queue (SQLite, WAL, under SERGAS_HOME/listener/queue.db).

A callback is written here before Zoho gets its 200, so a burst never loses one and a crash loses
nothing. The worker then *resolves* it (record ids → account ids, one row per account in
``pending_accounts``) and *acks* an account's rows only after that account's review succeeded.
Rows of one account are reviewed together: that is the debounce. Failures are deferred with backoff.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from listener.sqlite_file import SqliteFile

_SCHEMA = """
CREATE TABLE IF NOT EXISTS callbacks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    received_at REAL NOT NULL,
    module TEXT NOT NULL,
    operation TEXT NOT NULL,
    body TEXT NOT NULL,
    resolved INTEGER NOT NULL DEFAULT 0,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL NOT NULL DEFAULT 0,
    last_error TEXT
);
CREATE TABLE IF NOT EXISTS pending_accounts (
    callback_id INTEGER NOT NULL,
    account_id TEXT NOT NULL,
    received_at REAL NOT NULL,
    PRIMARY KEY (callback_id, account_id)
);
CREATE INDEX IF NOT EXISTS pending_accounts_by_account ON pending_accounts (account_id);
CREATE TABLE IF NOT EXISTS account_retry (
    account_id TEXT PRIMARY KEY,
    attempts INTEGER NOT NULL,
    next_attempt_at REAL NOT NULL,
    last_error TEXT
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


class IncomingCallback(BaseModel):
    body: dict[str, Any]
    module: str
    operation: str
    received_at: float


class QueuedCallback(BaseModel):
    id: int
    received_at: float
    module: str
    operation: str
    body: dict[str, Any]
    attempts: int


class DueAccount(BaseModel):
    """An account whose changes have settled: review it, then ack up to ``up_to_callback``."""

    account_id: str
    up_to_callback: int
    changes: int
    attempts: int


class CallbackQueue(SqliteFile):
    """Thread-safe; every method is one short transaction."""

    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__(path, _SCHEMA)

    def _tx(self, statements: Iterable[tuple[str, tuple[Any, ...]]]) -> None:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                for sql, params in statements:
                    self._conn.execute(sql, params)
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def _query(self, sql: str, params: tuple[Any, ...] = ()) -> list[sqlite3.Row | tuple[Any, ...]]:
        with self._lock:
            return list(self._conn.execute(sql, params).fetchall())

    # --- intake ----------------------------------------------------------------------------------
    def put(self, body: dict[str, Any], *, module: str, operation: str, received_at: float) -> int:
        """Persist one callback (durably, before the caller answers 200). Returns its id."""
        return self.put_many(
            [IncomingCallback(body=body, module=module, operation=operation, received_at=received_at)]
        )[0]

    def put_many(self, items: list[IncomingCallback]) -> list[int]:
        """Persist several callbacks in one transaction (one fsync: a burst's group commit)."""
        ids: list[int] = []
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                for item in items:
                    cur = self._conn.execute(
                        "INSERT INTO callbacks (received_at, module, operation, body) VALUES (?, ?, ?, ?)",
                        (item.received_at, item.module, item.operation, json.dumps(item.body, separators=(",", ":"))),
                    )
                    ids.append(int(cur.lastrowid or 0))
                if items:
                    self._conn.execute(
                        "INSERT INTO meta (key, value) VALUES ('last_callback_at', ?) "
                        "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                        (repr(max(i.received_at for i in items)),),
                    )
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")
        return ids

    # --- resolution ------------------------------------------------------------------------------
    def unresolved(self, now: float, limit: int = 100) -> list[QueuedCallback]:
        rows = self._query(
            "SELECT id, received_at, module, operation, body, attempts FROM callbacks "
            "WHERE resolved = 0 AND next_attempt_at <= ? ORDER BY id LIMIT ?",
            (now, limit),
        )
        return [
            QueuedCallback(id=r[0], received_at=r[1], module=r[2], operation=r[3], body=json.loads(r[4]), attempts=r[5])
            for r in rows
        ]

    def mark_resolved(self, callback: QueuedCallback, account_ids: set[str]) -> None:
        """Turn a callback into per-account work; a callback that touches no account is done."""
        statements: list[tuple[str, tuple[Any, ...]]] = [
            (
                "INSERT OR IGNORE INTO pending_accounts (callback_id, account_id, received_at) VALUES (?, ?, ?)",
                (callback.id, account_id, callback.received_at),
            )
            for account_id in sorted(account_ids)
        ]
        if account_ids:
            statements.append(("UPDATE callbacks SET resolved = 1 WHERE id = ?", (callback.id,)))
        else:
            statements.append(("DELETE FROM callbacks WHERE id = ?", (callback.id,)))
        self._tx(statements)

    def defer_callback(self, callback_id: int, *, error: str, next_attempt_at: float) -> None:
        self._tx(
            [
                (
                    "UPDATE callbacks SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE id = ?",
                    (next_attempt_at, error[:500], callback_id),
                )
            ]
        )

    # --- reviews ---------------------------------------------------------------------------------
    def due_accounts(
        self, now: float, *, quiet_seconds: float, max_wait_seconds: float, limit: int = 50
    ) -> list[DueAccount]:
        """Accounts with no change for ``quiet_seconds`` (or waiting ``max_wait_seconds`` under a
        constant stream of edits), and not in a retry backoff."""
        rows = self._query(
            "SELECT p.account_id, MAX(p.callback_id), COUNT(*), COALESCE(MAX(r.attempts), 0) "
            "FROM pending_accounts p LEFT JOIN account_retry r ON r.account_id = p.account_id "
            "GROUP BY p.account_id "
            "HAVING (? - MAX(p.received_at) >= ? OR ? - MIN(p.received_at) >= ?) "
            "AND COALESCE(MAX(r.next_attempt_at), 0) <= ? "
            "ORDER BY MIN(p.received_at) LIMIT ?",
            (now, quiet_seconds, now, max_wait_seconds, now, limit),
        )
        return [DueAccount(account_id=r[0], up_to_callback=r[1], changes=r[2], attempts=r[3]) for r in rows]

    def ack_accounts(self, done: Iterable[DueAccount]) -> None:
        """The review of these accounts succeeded: drop their work and every callback fully served."""
        statements: list[tuple[str, tuple[Any, ...]]] = []
        for item in done:
            statements.append(
                (
                    "DELETE FROM pending_accounts WHERE account_id = ? AND callback_id <= ?",
                    (item.account_id, item.up_to_callback),
                )
            )
            statements.append(("DELETE FROM account_retry WHERE account_id = ?", (item.account_id,)))
        statements.append(
            (
                "DELETE FROM callbacks WHERE resolved = 1 AND id NOT IN "
                "(SELECT DISTINCT callback_id FROM pending_accounts)",
                (),
            )
        )
        self._tx(statements)

    def defer_accounts(self, account_ids: Iterable[str], *, error: str, next_attempt_at: float) -> None:
        self._tx(
            [
                (
                    "INSERT INTO account_retry (account_id, attempts, next_attempt_at, last_error) "
                    "VALUES (?, 1, ?, ?) ON CONFLICT(account_id) DO UPDATE SET attempts = attempts + 1, "
                    "next_attempt_at = excluded.next_attempt_at, last_error = excluded.last_error",
                    (account_id, next_attempt_at, error[:500]),
                )
                for account_id in account_ids
            ]
        )

    # --- observability ---------------------------------------------------------------------------
    def depth(self) -> int:
        """Callbacks received and not yet fully reviewed."""
        return int(self._query("SELECT COUNT(*) FROM callbacks")[0][0])

    def accounts_waiting(self) -> int:
        return int(self._query("SELECT COUNT(DISTINCT account_id) FROM pending_accounts")[0][0])

    def last_callback_at(self) -> float | None:
        rows = self._query("SELECT value FROM meta WHERE key = 'last_callback_at'")
        return float(rows[0][0]) if rows else None

    def get_meta(self, key: str) -> str | None:
        rows = self._query("SELECT value FROM meta WHERE key = ?", (key,))
        return str(rows[0][0]) if rows else None

    def set_meta(self, key: str, value: str) -> None:
        self._tx(
            [
                (
                    "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    (key, value),
                )
            ]
        )
