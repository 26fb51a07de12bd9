"""API-call accounting the way Zoho bills it: calls and credits, in total and per endpoint."""

from __future__ import annotations

import threading
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any


@dataclass
class _RequestMark:
    recorded: bool = False


_current: ContextVar[_RequestMark | None] = ContextVar("sandbox_request_mark", default=None)


def write_credits(records: int) -> int:
    """Insert/update/upsert: 1 credit per 10 records (at least 1)."""
    return max(1, (records + 9) // 10)


def coql_credits(limit: int) -> int:
    """COQL by LIMIT: 1-200 → 1, 201-1000 → 2, 1001-2000 → 3."""
    if limit <= 200:
        return 1
    return 2 if limit <= 1000 else 3


def default_credits(label: str, query: dict[str, str] | None = None) -> int:
    """What a call costs when its handler does not say: 1, except the documented heavier reads
    (records by custom view ``cvid``: 3; the recycle bin's deleted-record ids: 2)."""
    if label.endswith("/deleted"):
        return 2
    if query and query.get("cvid") and label == "GET /crm/v8/{module}":
        return 3
    return 1


class Stats:
    """Thread-safe counters. ``record(label, credits)`` is called once per API request: by the handler
    when it knows the credits (writes, COQL, bulk), otherwise by the middleware (``default_credits``).
    Every credit recorded is also charged to the org's rolling window (``window``), when there is one."""

    def __init__(self, window: Any = None) -> None:
        self._lock = threading.Lock()
        self.window = window
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self._calls = 0
            self._credits = 0
            self._by_endpoint: dict[str, dict[str, int]] = {}

    def record(self, endpoint_label: str, credits: int = 1) -> None:
        """Count one call to ``endpoint_label`` (e.g. ``"GET /crm/v8/{module}"``) costing ``credits``."""
        mark = _current.get()
        if mark is not None:
            mark.recorded = True
        with self._lock:
            self._calls += 1
            self._credits += credits
            entry = self._by_endpoint.setdefault(endpoint_label, {"calls": 0, "credits": 0})
            entry["calls"] += 1
            entry["credits"] += credits
        if self.window is not None:
            self.window.charge(credits)

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            out: dict[str, Any] = {
                "calls": self._calls,
                "credits": self._credits,
                "by_endpoint": {k: dict(v) for k, v in sorted(self._by_endpoint.items())},
            }
        if self.window is not None:
            out["org_credits"] = self.window.snapshot()
        return out

    @property
    def credits(self) -> int:
        return self._credits


def begin_request() -> _RequestMark:
    """Start tracking whether the current request has been recorded (used by the middleware)."""
    mark = _RequestMark()
    _current.set(mark)
    return mark
