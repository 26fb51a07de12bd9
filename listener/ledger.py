"""Per-day counters the listener must remember across restarts: model spend, reviews, refused callbacks.

The daily budget (``SERGAS_LISTENER_DAILY_BUDGET_USD``) caps the agent reviews the listener starts; once
spent, the day's remaining reviews are triage + rule proposals only. Days are UTC dates.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from listener.sqlite_file import SqliteFile

_SCHEMA = """
CREATE TABLE IF NOT EXISTS daily_ledger (
    day TEXT PRIMARY KEY,
    spent_usd REAL NOT NULL DEFAULT 0,
    reviews INTEGER NOT NULL DEFAULT 0,
    agent_reviews INTEGER NOT NULL DEFAULT 0,
    refused_callbacks INTEGER NOT NULL DEFAULT 0
);
"""


class DailyLedger(SqliteFile):
    def __init__(self, path: Path, *, daily_budget_usd: float, clock: Callable[[], float] = time.time) -> None:
        self.daily_budget_usd = daily_budget_usd
        self._clock = clock
        super().__init__(path, _SCHEMA)

    def _day(self) -> str:
        return datetime.fromtimestamp(self._clock(), UTC).date().isoformat()

    def _add(self, column: str, amount: float) -> None:
        with self._lock:
            self._conn.execute(
                f"INSERT INTO daily_ledger (day, {column}) VALUES (?, ?) "
                f"ON CONFLICT(day) DO UPDATE SET {column} = {column} + excluded.{column}",
                (self._day(), amount),
            )

    def _today(self, column: str) -> float:
        with self._lock:
            row = self._conn.execute(f"SELECT {column} FROM daily_ledger WHERE day = ?", (self._day(),)).fetchone()
        return float(row[0]) if row else 0.0

    def record_reviews(self, *, reviews: int, agent_reviews: int, spent_usd: float) -> None:
        with self._lock:
            self._conn.execute(
                "INSERT INTO daily_ledger (day, reviews, agent_reviews, spent_usd) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(day) DO UPDATE SET reviews = reviews + excluded.reviews, "
                "agent_reviews = agent_reviews + excluded.agent_reviews, "
                "spent_usd = spent_usd + excluded.spent_usd",
                (self._day(), reviews, agent_reviews, max(0.0, spent_usd)),
            )

    def record_refused(self) -> None:
        self._add("refused_callbacks", 1)

    def spent_today(self) -> float:
        return self._today("spent_usd")

    def remaining_today(self) -> float:
        return max(0.0, self.daily_budget_usd - self.spent_today())

    def reviews_today(self) -> int:
        return int(self._today("reviews"))

    def refused_today(self) -> int:
        return int(self._today("refused_callbacks"))
