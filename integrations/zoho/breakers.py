"""One pybreaker ``CircuitBreaker`` per tier, driven from async code.

pybreaker's own async support needs tornado, so the guarded coroutine runs first and its outcome is
then *replayed* through ``breaker.call`` (a tiny sync function that returns or re-raises it). Only
transient errors (``ZohoTransientError``) count as failures: a 404 or a validation error leaves the
breaker closed. Open → half-open after ``reset_seconds``; one good call closes it again.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import pybreaker

from integrations.zoho.error_mapping import is_transient
from integrations.zoho.errors import ZohoUnavailableError

T = TypeVar("T")


class _OpenedAt(pybreaker.CircuitBreakerListener):
    def __init__(self) -> None:
        self.opened_at: float | None = None

    def state_change(self, cb: pybreaker.CircuitBreaker, old_state: Any, new_state: Any) -> None:
        if new_state is not None and new_state.name == pybreaker.STATE_OPEN:
            self.opened_at = time.monotonic()


class TierBreaker:
    def __init__(self, tier: str, *, fail_max: int, reset_seconds: float) -> None:
        self.tier = tier
        self._watch = _OpenedAt()
        self.breaker = pybreaker.CircuitBreaker(
            fail_max=fail_max,
            reset_timeout=reset_seconds,
            name=tier,
            exclude=[lambda exc: not is_transient(exc)],
            listeners=[self._watch],
            throw_new_error_on_trip=False,
        )
        self.reset_seconds = reset_seconds

    @property
    def state(self) -> str:
        """closed / open / half-open (open turns half-open once the reset time has passed)."""
        state = str(self.breaker.current_state)
        if state == pybreaker.STATE_OPEN and not self._still_open():
            return pybreaker.STATE_HALF_OPEN
        return state

    def _still_open(self) -> bool:
        opened = self._watch.opened_at
        return opened is not None and time.monotonic() - opened < self.reset_seconds

    def allows(self) -> bool:
        return not (self.breaker.current_state == pybreaker.STATE_OPEN and self._still_open())

    async def run(self, fn: Callable[[], Awaitable[T]]) -> T:
        if not self.allows():
            raise ZohoUnavailableError(f"{self.tier} tier circuit breaker is open", code="BREAKER_OPEN", tier=self.tier)
        try:
            value = await fn()
        except Exception as exc:  # replay the failure so the breaker counts it (or not)
            failure = exc

            def _fail() -> None:
                raise failure

            try:
                self.breaker.call(_fail)
            except pybreaker.CircuitBreakerError:
                raise ZohoUnavailableError(
                    f"{self.tier} tier circuit breaker is open", code="BREAKER_OPEN", tier=self.tier
                ) from exc
            raise  # pragma: no cover - _fail always raises
        if self.breaker.current_state == pybreaker.STATE_OPEN and self._still_open():
            return value  # a call that started before the trip: do not close on its success
        with contextlib.suppress(pybreaker.CircuitBreakerError):
            self.breaker.call(lambda: None)
        return value
