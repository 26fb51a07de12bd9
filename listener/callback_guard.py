"""What a callback body must be before it is queued: every refusal is a counted 4xx, never a 500.

- **Parsing** (``parse_body``): JSON in UTF-8, nested at most ``MAX_DEPTH`` levels (a callback is two
  levels deep; a deeply nested body would otherwise raise ``RecursionError`` while parsed, validated or
  stored) → else 400.
- **Shape** (``check_shape``): a watched module, at most ``MAX_IDS_PER_CALLBACK`` ids, each a Zoho id
  (digits) → else 400. Zoho does not document a maximum per notification; one callback reports one
  write, and Zoho's write APIs take at most 100 records per call (insert, update, upsert), so a
  callback naming more is not Zoho's. Refusing one costs no change: the next review reads every
  record modified since its last run.
- **Channel** (``CallbackGuard.admit``): once the listener holds channels, a callback must name one of
  them (any channel id this process has held, so a callback in flight across a renewal still counts)
  and that channel's module → else 403.
- **Duplicates**: the same channel, module, operation, server time and ids within
  ``DUPLICATE_WINDOW_SECONDS`` is a replay: answered 200 (Zoho must not retry it) and not queued.
- **Rate**: per channel, a token bucket (``RATE_BURST`` callbacks, refilled at ``RATE_PER_SECOND``) →
  else 429.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from listener.models import WATCHED_MODULES, Notification

MAX_DEPTH = 6
MAX_IDS_PER_CALLBACK = 100
MAX_ID_LENGTH = 25
DUPLICATE_WINDOW_SECONDS = 600.0
MAX_REMEMBERED = 50_000  # duplicate keys kept at most (oldest forgotten first)
RATE_BURST = 300.0
RATE_PER_SECOND = 20.0


class Refused(Exception):
    """A callback answered with ``status``; ``reason`` is logged (never the body or the token)."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def _too_deep(data: Any, limit: int) -> bool:
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict | list):
            if depth > limit:
                return True
            children = value.values() if isinstance(value, dict) else value
            stack.extend((child, depth + 1) for child in children)
    return False


def parse_body(raw: bytes) -> Any:
    """The JSON of a callback body, or ``Refused(400)``."""
    try:
        data = json.loads(raw.decode("utf-8"))  # RFC 8259: JSON between systems is UTF-8 (no guessing)
    except RecursionError:
        raise Refused(400, "nested too deeply") from None
    except ValueError:  # includes UnicodeDecodeError
        raise Refused(400, "not a JSON document in UTF-8") from None
    if _too_deep(data, MAX_DEPTH):
        raise Refused(400, "nested too deeply")
    return data


def check_shape(notification: Notification) -> None:
    if notification.module not in WATCHED_MODULES:
        raise Refused(400, f"module {notification.module[:40]!r} is not watched")
    if len(notification.ids) > MAX_IDS_PER_CALLBACK:
        raise Refused(400, f"{len(notification.ids)} ids in one callback (Zoho sends at most {MAX_IDS_PER_CALLBACK})")
    if any(not i.isdigit() or len(i) > MAX_ID_LENGTH for i in notification.ids):
        raise Refused(400, "an id is not a Zoho record id")
    if len(notification.operation) > 20:
        raise Refused(400, "unknown operation")


class CallbackGuard:
    """Channel check, duplicate window and per-channel rate limit (thread-safe, in memory)."""

    def __init__(self, known_channels: Callable[[], dict[str, str]], *, clock: Callable[[], float] = time.monotonic):
        self._known_channels = known_channels  # channel id -> module, as the listener holds them now
        self._clock = clock
        self._lock = threading.Lock()
        self._held: dict[str, str] = {}
        self._seen: OrderedDict[str, float] = OrderedDict()
        self._buckets: dict[str, tuple[float, float]] = {}

    def _check_channel(self, notification: Notification) -> None:
        current = self._known_channels()
        with self._lock:
            self._held.update(current)
            held = dict(self._held)
        if not held:
            return  # not subscribed (yet): the token is the only check
        module = held.get(notification.channel_id or "")
        if module is None:
            raise Refused(403, "unknown channel")
        if module != notification.module:
            raise Refused(403, "module does not match its channel")

    def _take_token(self, channel: str, now: float) -> None:
        tokens, last = self._buckets.get(channel, (RATE_BURST, now))
        tokens = min(RATE_BURST, tokens + (now - last) * RATE_PER_SECOND)
        if tokens < 1:
            self._buckets[channel] = (tokens, now)
            raise Refused(429, "too many callbacks on this channel")
        self._buckets[channel] = (tokens - 1, now)

    def _is_duplicate(self, notification: Notification, now: float) -> bool:
        raw = json.dumps(
            [
                notification.channel_id,
                notification.module,
                notification.operation,
                notification.server_time,
                sorted(notification.ids),
            ]
        )
        key = hashlib.sha256(raw.encode()).hexdigest()
        while self._seen and next(iter(self._seen.values())) < now - DUPLICATE_WINDOW_SECONDS:
            self._seen.popitem(last=False)
        if key in self._seen:
            return True
        self._seen[key] = now
        if len(self._seen) > MAX_REMEMBERED:
            self._seen.popitem(last=False)
        return False

    def admit(self, notification: Notification) -> bool:
        """True: queue it; False: a duplicate (answer 200, do not queue); ``Refused``: answer 4xx."""
        check_shape(notification)
        self._check_channel(notification)
        now = self._clock()
        with self._lock:
            self._take_token(notification.channel_id or "-", now)
            return not self._is_duplicate(notification, now)


def channels_in(raw: str | None) -> dict[str, str]:
    """``{channel_id: module}`` from the channels the listener persists (queue meta ``channels``)."""
    if not raw:
        return {}
    try:
        return {str(c["channel_id"]): str(c["module"]) for c in json.loads(raw)}
    except (ValueError, TypeError, KeyError):
        return {}


__all__ = [
    "DUPLICATE_WINDOW_SECONDS",
    "MAX_DEPTH",
    "MAX_IDS_PER_CALLBACK",
    "CallbackGuard",
    "Refused",
    "channels_in",
    "check_shape",
    "parse_body",
]
