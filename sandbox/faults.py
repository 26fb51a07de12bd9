"""Fault injection: make the sandbox fail the way Zoho (or the network) does, on demand.

Kinds: ``429`` (TOO_MANY_REQUESTS envelope), ``500`` (INTERNAL_ERROR envelope), ``latency`` (sleep
``latency_ms`` then answer normally), ``drop`` (close the connection without a response),
``malformed`` (HTTP 200 with a truncated JSON body), ``expire_tokens`` (invalidate every access
token now; handled by the admin endpoint, not per request). A rule fires ``count`` times, or on a
``ratio`` of requests for ``seconds``; ``path_prefix`` narrows it (default: every API and OAuth path).
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, Field, model_validator

FaultKind = Literal["429", "500", "latency", "drop", "expire_tokens", "malformed"]


class FaultSpec(BaseModel):
    """The body of ``POST /__sandbox/faults``."""

    kind: FaultKind
    count: int | None = Field(default=None, ge=1)
    ratio: float | None = Field(default=None, gt=0, le=1)
    seconds: float | None = Field(default=None, gt=0)
    path_prefix: str = ""
    latency_ms: int = Field(default=1000, ge=0, le=120_000)

    @model_validator(mode="after")
    def _one_trigger(self) -> FaultSpec:
        if self.count is None and self.ratio is None:
            self.count = 1
        return self


@dataclass
class FaultRule:
    spec: FaultSpec
    remaining: int | None
    until: float | None

    def describe(self) -> dict[str, Any]:
        return {**self.spec.model_dump(), "remaining": self.remaining, "until_monotonic": self.until}


class FaultInjector:
    """Active fault rules. ``pick(path)`` returns the faults to apply to one request."""

    def __init__(self, seed: int = 0) -> None:
        self._lock = threading.Lock()
        self._rules: list[FaultRule] = []
        self._random = random.Random(seed)

    def add(self, spec: FaultSpec) -> FaultRule:
        until = time.monotonic() + spec.seconds if spec.seconds else None
        remaining = spec.count if spec.ratio is None else None
        rule = FaultRule(spec, remaining, until)
        with self._lock:
            self._rules.append(rule)
        return rule

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    def active(self) -> list[dict[str, Any]]:
        with self._lock:
            return [r.describe() for r in self._rules]

    def pick(self, path: str) -> list[FaultSpec]:
        """Faults for this request: any latency rules, then at most one failure rule."""
        now = time.monotonic()
        chosen: list[FaultSpec] = []
        failure_taken = False
        with self._lock:
            for rule in list(self._rules):
                if rule.until is not None and now > rule.until:
                    self._rules.remove(rule)
                    continue
                spec = rule.spec
                if spec.kind == "expire_tokens" or not path.startswith(spec.path_prefix):
                    continue
                if spec.kind != "latency" and failure_taken:
                    continue
                if rule.remaining is None and self._random.random() >= (spec.ratio or 0):
                    continue
                if rule.remaining is not None:
                    rule.remaining -= 1
                    if rule.remaining <= 0:
                        self._rules.remove(rule)
                chosen.append(spec)
                failure_taken = failure_taken or spec.kind != "latency"
        return chosen
