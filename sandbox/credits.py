"""The org's API credits, as Zoho meters them: a rolling 24-hour window sized by edition.

Zoho's published figures (``crm/developer/docs/api/v8/api-limits.html``; same table in v2/v4 and the
help page ``crm/help/api/api-limits.html``): credits allowed in any 24 hours =
min(maximum, base + user licenses x per-license + add-on credits).

    edition        base     per license  maximum      concurrency (Kaizen #203)
    free           5,000    0            5,000        5
    standard       50,000   250          100,000      10
    professional   50,000   500          3,000,000    15
    enterprise     50,000   1,000        5,000,000    20
    ultimate       50,000   2,000        unlimited    25

A call is charged when it is answered (``Stats.record`` → ``CreditWindow.charge``); the window is
"rolling 24 hours from the start of the call", so credits spent at T come back at T + 24 h. While the
window holds ``limit`` credits or more, every API call is refused with 429 TOO_MANY_REQUESTS
(``exhausted_body``), and costs nothing.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from sandbox.clock import Clock, iso, utc_now

EditionName = Literal["free", "standard", "professional", "enterprise", "ultimate"]
WINDOW = timedelta(hours=24)


@dataclass(frozen=True)
class Edition:
    name: str
    base: int
    per_license: int
    maximum: int | None  # None: no maximum (Ultimate)
    concurrency: int

    def limit(self, user_licenses: int, addon_credits: int = 0) -> int:
        allowed = self.base + self.per_license * max(0, user_licenses) + max(0, addon_credits)
        return allowed if self.maximum is None else min(self.maximum, allowed)


EDITIONS: dict[str, Edition] = {
    "free": Edition("free", 5_000, 0, 5_000, 5),
    "standard": Edition("standard", 50_000, 250, 100_000, 10),
    "professional": Edition("professional", 50_000, 500, 3_000_000, 15),
    "enterprise": Edition("enterprise", 50_000, 1_000, 5_000_000, 20),
    "ultimate": Edition("ultimate", 50_000, 2_000, None, 25),
}
DEFAULT_EDITION: EditionName = "enterprise"  # the seeded org says paid_type "enterprise", 10 licenses
DEFAULT_LICENSES = 10


def edition(name: str) -> Edition:
    """The edition called ``name`` (case-insensitive); ValueError naming the choices otherwise."""
    found = EDITIONS.get(name.strip().lower())
    if found is None:
        raise ValueError(f"unknown edition {name!r}; choose one of {', '.join(EDITIONS)}")
    return found


def exhausted_body(limit: int) -> dict[str, Any]:
    """Zoho answers exhausted credits with 429 TOO_MANY_REQUESTS, the same code as the concurrency cap
    (no distinct code is documented); only the message tells them apart."""
    return {
        "code": "TOO_MANY_REQUESTS",
        "details": {},
        "message": f"API credits exhausted: the org's {limit} credits for the rolling 24 hours are used up",
        "status": "error",
    }


class CreditWindow:
    """Credits charged in the last 24 hours of the sandbox clock; thread-safe."""

    def __init__(self, limit: int, clock: Clock = utc_now, *, edition_name: str = DEFAULT_EDITION) -> None:
        self.limit = limit
        self.edition_name = edition_name
        self._clock = clock
        self._lock = threading.Lock()
        self._spent: deque[tuple[datetime, int]] = deque()
        self._used = 0

    def _expire(self, now: datetime) -> None:
        while self._spent and self._spent[0][0] + WINDOW <= now:
            self._used -= self._spent.popleft()[1]

    def charge(self, credits: int) -> None:
        if credits <= 0:
            return
        now = self._clock()
        with self._lock:
            self._expire(now)
            self._spent.append((now, credits))
            self._used += credits

    def used(self) -> int:
        with self._lock:
            self._expire(self._clock())
            return self._used

    def exhausted(self) -> bool:
        return self.used() >= self.limit

    def next_release(self) -> datetime | None:
        """When the oldest credits in the window come back (None when nothing is spent)."""
        with self._lock:
            self._expire(self._clock())
            return self._spent[0][0] + WINDOW if self._spent else None

    def snapshot(self) -> dict[str, Any]:
        used = self.used()
        release = self.next_release()
        return {
            "edition": self.edition_name,
            "limit": self.limit,
            "used": used,
            "left": max(0, self.limit - used),
            "window_hours": int(WINDOW.total_seconds() // 3600),
            "next_release_at": iso(release) if release else None,
        }
