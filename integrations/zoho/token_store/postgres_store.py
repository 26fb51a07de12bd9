"""Token store in PostgreSQL (psycopg 3). ``refresh_lock`` takes a session-level advisory lock on a
dedicated connection, so refreshes are serialised across every process sharing the database."""

from __future__ import annotations

import contextlib
import hashlib
import threading
from collections.abc import Iterator
from typing import Any

import psycopg

from integrations.zoho.errors import ZohoConfigError, ZohoUnavailableError
from integrations.zoho.token_store.base import (
    COLUMNS,
    SecretCodec,
    TokenRecord,
    TokenStore,
    record_to_row,
    row_to_record,
    upsert_sql,
)


def _lock_id(key: str) -> int:
    """A signed 64-bit advisory lock id derived from the key."""
    return int.from_bytes(hashlib.sha256(f"sergas-token:{key}".encode()).digest()[:8], "big", signed=True)


class PostgresTokenStore(TokenStore):
    kind = "postgres"

    def __init__(self, dsn: str, *, codec: SecretCodec | None = None, table: str = "sergas_zoho_tokens") -> None:
        if not table.replace("_", "").isalnum():
            raise ValueError("table name must be alphanumeric/underscore")
        self._dsn = dsn
        self._table = table
        self._codec = codec or SecretCodec(None)
        self._mutex = threading.Lock()
        self._conn: psycopg.Connection[Any] | None = None
        with self._cursor() as cur:
            cur.execute(
                f"CREATE TABLE IF NOT EXISTS {table} (key TEXT PRIMARY KEY, client_id TEXT NOT NULL, "
                "refresh_token TEXT NOT NULL, access_token TEXT, expires_at TEXT, api_domain TEXT, "
                "updated_at TEXT)"
            )

    def _connect(self) -> psycopg.Connection[Any]:
        try:
            return psycopg.connect(self._dsn, autocommit=True, connect_timeout=10)
        except psycopg.OperationalError as exc:
            raise ZohoConfigError(
                "cannot connect to the PostgreSQL token store",
                hint="Check SERGAS_DATABASE_URL and that PostgreSQL is running.",
            ) from exc

    @contextlib.contextmanager
    def _cursor(self) -> Iterator[psycopg.Cursor[Any]]:
        with self._mutex:
            if self._conn is None or self._conn.closed:
                self._conn = self._connect()
            with self._conn.cursor() as cur:
                yield cur

    def get(self, key: str) -> TokenRecord | None:
        with self._cursor() as cur:
            cur.execute(f"SELECT {', '.join(COLUMNS)} FROM {self._table} WHERE key = %s", (key,))
            row = cur.fetchone()
        return row_to_record(dict(zip(COLUMNS, row, strict=True)), self._codec) if row else None

    def save(self, record: TokenRecord) -> None:
        row = record_to_row(record, self._codec)
        with self._cursor() as cur:
            cur.execute(upsert_sql(self._table, "%s"), tuple(row[c] for c in COLUMNS))

    def delete(self, key: str) -> None:
        with self._cursor() as cur:
            cur.execute(f"DELETE FROM {self._table} WHERE key = %s", (key,))

    def keys(self) -> list[str]:
        with self._cursor() as cur:
            cur.execute(f"SELECT key FROM {self._table} ORDER BY key")
            return [r[0] for r in cur.fetchall()]

    @contextlib.contextmanager
    def refresh_lock(self, key: str, *, timeout: float = 60.0) -> Iterator[None]:
        conn = self._connect()
        try:
            conn.execute(f"SET lock_timeout = '{int(timeout * 1000)}ms'")
            try:
                conn.execute("SELECT pg_advisory_lock(%s)", (_lock_id(key),))
            except psycopg.errors.LockNotAvailable as exc:
                raise ZohoUnavailableError(
                    "timed out waiting for another process refreshing the Zoho token", code="TOKEN_LOCK_TIMEOUT"
                ) from exc
            try:
                yield None
            finally:
                conn.execute("SELECT pg_advisory_unlock(%s)", (_lock_id(key),))
        finally:
            conn.close()

    def close(self) -> None:
        with self._mutex:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def describe(self) -> str:
        return f"postgres table {self._table}{' (encrypted)' if self._codec.encrypts else ''}"
