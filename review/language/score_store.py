"""The second reader's scores kept between runs, so that a nightly triage scores only the sentences it has not read.

One SQLite file (``Thresholds.second_reader_scores``: ``<home>/state/second_reader_scores.sqlite3``): a row per
sentence as the model reads it, keyed by a hash of the weights and the sentence, holding its three probabilities; and
a row per note, holding the opinion worked out from its sentences (``fine_tuned.Opinion``, keyed apart).
A cache, not state: nothing is lost when it goes (the sentences are scored again), so any failure to open, read or
write it is logged once and the reader goes on without it. Keyed by the weights too, so a process still running
older weights can never hand its scores to a newer one; when the weights change the file starts over.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import sqlite3
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np
import numpy.typing as npt

log = logging.getLogger(__name__)

KEEP_ROWS = 2_000_000  # about 100 MB; beyond it the rows written first go (scored again if they are read again)
_BATCH = 500  # keys per SELECT (SQLite's variable limit is far above)
_SCHEMA = """
CREATE TABLE IF NOT EXISTS scores (id INTEGER PRIMARY KEY, key BLOB NOT NULL UNIQUE, p BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
"""

Vector = npt.NDArray[np.float32]  # a sentence's P(contact_gone), P(churn_risk), P(upsell_signal); or a note's opinion


def weights_digest(path: Path) -> str:
    """What identifies the weights: a hash of the file's bytes."""
    return hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()


class ScoreStore:
    """Scores by sentence for one set of weights (``digest``). Thread-safe; never raises on a broken file."""

    def __init__(self, path: Path, digest: str, *, keep_rows: int = KEEP_ROWS) -> None:
        self.path = path
        self._digest = digest.encode()
        self._keep_rows = keep_rows
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        try:
            self._conn = self._open()
        except (sqlite3.Error, OSError) as exc:
            self._give_up(exc)

    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, timeout=10, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.executescript(_SCHEMA)
        row = conn.execute("SELECT value FROM meta WHERE name = 'weights'").fetchone()
        if row is None or row[0] != self._digest.decode():
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("DELETE FROM scores")
            conn.execute("INSERT OR REPLACE INTO meta VALUES ('weights', ?)", (self._digest.decode(),))
            conn.execute("COMMIT")
        return conn

    def _key(self, text: str) -> bytes:
        return hashlib.blake2b(text.encode(), digest_size=16, key=self._digest[:64]).digest()

    def get(self, texts: Iterable[str]) -> dict[str, Vector]:
        """The stored scores of those of ``texts`` that have them."""
        keys = {self._key(t): t for t in texts}
        found: dict[str, Vector] = {}
        if self._conn is None or not keys:
            return found
        wanted = list(keys)
        try:
            with self._lock:
                for start in range(0, len(wanted), _BATCH):
                    chunk = wanted[start : start + _BATCH]
                    marks = ",".join("?" * len(chunk))
                    for key, blob in self._conn.execute(f"SELECT key, p FROM scores WHERE key IN ({marks})", chunk):
                        found[keys[bytes(key)]] = np.frombuffer(blob, dtype="<f4").astype(np.float32)
        except sqlite3.Error as exc:
            self._give_up(exc)
        return found

    def put(self, scores: Mapping[str, Vector]) -> None:
        """Keep ``scores`` (sentence → its three probabilities); the oldest rows go beyond ``keep_rows``."""
        if self._conn is None or not scores:
            return
        rows = [(self._key(t), np.asarray(p, dtype="<f4").tobytes()) for t, p in scores.items()]
        try:
            with self._lock:
                self._conn.execute("BEGIN IMMEDIATE")
                self._conn.executemany("INSERT OR IGNORE INTO scores (key, p) VALUES (?, ?)", rows)
                top = self._conn.execute("SELECT max(id) FROM scores").fetchone()[0] or 0
                self._conn.execute("DELETE FROM scores WHERE id <= ?", (top - self._keep_rows,))
                self._conn.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            if not _busy(exc):
                self._give_up(exc)
                return
            log.info("The second reader's score file is busy (another run writes it): these scores are not kept")
            with self._lock, contextlib.suppress(sqlite3.Error):
                if self._conn is not None and self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
        except sqlite3.Error as exc:
            self._give_up(exc)

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def _give_up(self, exc: Exception) -> None:
        log.warning("The second reader's score file %s is unusable, sentences are scored afresh: %s", self.path, exc)
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(sqlite3.Error):
                conn.close()


def _busy(exc: sqlite3.OperationalError) -> bool:
    """Another process holds the file's write lock longer than the timeout: worth trying again next time."""
    return "locked" in str(exc) or "busy" in str(exc)


def count_kept(path: Path) -> int | None:
    """How many sentences ``path`` keeps scores for (None: no readable file there), read without changing it."""
    if not path.is_file():
        return None
    try:
        with contextlib.closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=5)) as conn:
            return int(conn.execute("SELECT count(*) FROM scores").fetchone()[0])
    except sqlite3.Error:
        return None


__all__ = ["KEEP_ROWS", "ScoreStore", "Vector", "count_kept", "weights_digest"]
