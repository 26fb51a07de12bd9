"""Token store in a SQLite table (one row per identity). The refresh lock is a lock file next to the
database, so it holds across processes without keeping a write transaction open during HTTP calls."""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

from filelock import FileLock, Timeout

from integrations.zoho.errors import ZohoUnavailableError
from integrations.zoho.token_store.base import (
    COLUMNS,
    SecretCodec,
    TokenRecord,
    TokenStore,
    record_to_row,
    row_to_record,
    upsert_sql,
)


class SqliteTokenStore(TokenStore):
    kind = "sqlite"

    def __init__(self, path: Path, *, codec: SecretCodec | None = None) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._codec = codec or SecretCodec(None)
        self._mutex = threading.Lock()
        with self._connect() as conn:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS zoho_tokens (key TEXT PRIMARY KEY, client_id TEXT NOT NULL, "
                "refresh_token TEXT NOT NULL, access_token TEXT, expires_at TEXT, api_domain TEXT, "
                "updated_at TEXT)"
            )
        with contextlib.suppress(OSError):
            self.path.chmod(0o600)

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=30.0, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        return conn

    def get(self, key: str) -> TokenRecord | None:
        with self._mutex, contextlib.closing(self._connect()) as conn:
            sql = f"SELECT {', '.join(COLUMNS)} FROM zoho_tokens WHERE key = ?"
            row = conn.execute(sql, (key,)).fetchone()
        return row_to_record(dict(zip(COLUMNS, row, strict=True)), self._codec) if row else None

    def save(self, record: TokenRecord) -> None:
        row = record_to_row(record, self._codec)
        with self._mutex, contextlib.closing(self._connect()) as conn:
            conn.execute(upsert_sql("zoho_tokens", "?"), tuple(row[c] for c in COLUMNS))

    def delete(self, key: str) -> None:
        with self._mutex, contextlib.closing(self._connect()) as conn:
            conn.execute("DELETE FROM zoho_tokens WHERE key = ?", (key,))

    def keys(self) -> list[str]:
        with self._mutex, contextlib.closing(self._connect()) as conn:
            return [r[0] for r in conn.execute("SELECT key FROM zoho_tokens ORDER BY key")]

    @contextlib.contextmanager
    def refresh_lock(self, key: str, *, timeout: float = 60.0) -> Iterator[None]:
        lock = FileLock(f"{self.path}.{key}.lock", timeout=timeout, thread_local=False)
        try:
            lock.acquire()
        except Timeout as exc:
            raise ZohoUnavailableError(
                "timed out waiting for another process refreshing the Zoho token", code="TOKEN_LOCK_TIMEOUT"
            ) from exc
        try:
            yield None
        finally:
            lock.release()

    def describe(self) -> str:
        return f"sqlite {self.path}{' (encrypted)' if self._codec.encrypts else ''}"
