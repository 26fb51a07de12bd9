"""Test support: named crash points for the crash-recovery suite (``tests/test_crash_*.py``).

Product code marks a few moments where a crash would be hardest to recover from with a one-line call::

    crash_point("executor.sent")   # the write reached Zoho, its result is not recorded yet

The call does nothing unless the environment variable ``SERGAS_TEST_KILL_AT`` names that point. Then
the process kills itself with SIGKILL (no cleanup, no ``finally``, no atexit: a power cut). The value is
``<point>`` (first time it is reached) or ``<point>#<n>`` (the n-th time). When ``SERGAS_TEST_KILL_LOG``
names a file, the point is appended to it just before the kill, so a test can prove where the process
died. This module is the only reader of these variables; nothing sets them outside the tests.

Points (grep ``crash_point(`` for the full list): ``review.run_started``, ``sync.module_fetched``,
``sync.before_cache_save``, ``triage.account``, ``memory.opened``, ``memory.stored``,
``review.proposal_queued``, ``review.result_saved``, ``review.before_finish``, ``report.before_write``,
``report.written``, ``approve.decided``, ``executor.claimed``, ``executor.sent``, ``executor.recorded``.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

KILL_AT_VAR = "SERGAS_TEST_KILL_AT"
KILL_LOG_VAR = "SERGAS_TEST_KILL_LOG"

_hits: dict[str, int] = {}


def _target() -> tuple[str, int] | None:
    raw = os.environ.get(KILL_AT_VAR, "").strip()
    if not raw:
        return None
    name, _, nth = raw.partition("#")
    return name, int(nth) if nth.isdigit() else 1


def crash_point(name: str) -> None:
    """SIGKILL this process if ``SERGAS_TEST_KILL_AT`` names this point (and this is its n-th hit)."""
    target = _target()
    if target is None or target[0] != name:
        return
    _hits[name] = _hits.get(name, 0) + 1
    if _hits[name] != target[1]:
        return
    log = os.environ.get(KILL_LOG_VAR)
    if log:
        with Path(log).open("a", encoding="utf-8") as handle:
            handle.write(f"{name}#{target[1]} pid={os.getpid()}\n")
            handle.flush()
            os.fsync(handle.fileno())
    os.kill(os.getpid(), signal.SIGKILL)


__all__ = ["KILL_AT_VAR", "KILL_LOG_VAR", "crash_point"]
