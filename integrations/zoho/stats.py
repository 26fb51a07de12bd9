"""Latency and outcome per (tier, operation), for ``tier_stats()`` and `doctor`."""

from __future__ import annotations

import statistics
import threading
from collections import defaultdict, deque

from integrations.zoho.gateway import Tier, TierStats


class StatsBook:
    def __init__(self, window: int = 500) -> None:
        self._lock = threading.Lock()
        self._durations: dict[tuple[str, str], deque[float]] = defaultdict(lambda: deque(maxlen=window))
        self._calls: dict[tuple[str, str], int] = defaultdict(int)
        self._failures: dict[tuple[str, str], int] = defaultdict(int)
        self._last_error: dict[tuple[str, str], str] = {}

    def record(self, tier: str, operation: str, duration_ms: float, error: str | None = None) -> None:
        key = (tier, operation)
        with self._lock:
            self._calls[key] += 1
            self._durations[key].append(duration_ms)
            if error is not None:
                self._failures[key] += 1
                self._last_error[key] = error

    def snapshot(self) -> list[TierStats]:
        out: list[TierStats] = []
        with self._lock:
            for (tier, operation), calls in sorted(self._calls.items()):
                durations = sorted(self._durations[(tier, operation)])
                p95 = durations[int(round(0.95 * (len(durations) - 1)))] if durations else 0.0
                tier_name: Tier = tier  # type: ignore[assignment]
                out.append(
                    TierStats(
                        tier=tier_name,
                        operation=operation,
                        calls=calls,
                        failures=self._failures[(tier, operation)],
                        p50_ms=round(statistics.median(durations), 2) if durations else 0.0,
                        p95_ms=round(float(p95), 2),
                        last_error=self._last_error.get((tier, operation)),
                    )
                )
        return out
