"""Open the listener's SQLite file: WAL, full sync (a crash or power cut loses no acknowledged callback)."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path


def open_db(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA busy_timeout=30000")
    return conn


class SqliteFile:
    """One connection to a listener SQLite file, its ``schema`` created; every use holds ``_lock``."""

    def __init__(self, path: Path, schema: str) -> None:
        self._lock = threading.Lock()
        self._conn = open_db(path)
        with self._lock:
            self._conn.executescript(schema)

    def close(self) -> None:
        with self._lock:
            self._conn.close()
