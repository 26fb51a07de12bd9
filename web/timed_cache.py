"""A small cache whose entries are trusted for a while: what Zoho said about an account's owner or a record's
values, kept so that paging through the inbox does not ask again each time."""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable, Iterable, Mapping
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class TimedCache(Generic[K, V]):
    def __init__(self, ttl_seconds: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._ttl = ttl_seconds
        self._clock = clock
        self._entries: dict[K, tuple[float, V]] = {}

    def stale(self, keys: Iterable[K], *, fresh: bool = False, margin: float = 0.0) -> list[K]:
        """The keys to read again: unknown, expired (or expiring within ``margin`` seconds), or all of them
        when ``fresh``."""
        now = self._clock() + margin
        return [k for k in keys if fresh or k not in self._entries or self._entries[k][0] <= now]

    def put(self, values: Mapping[K, V]) -> None:
        expires = self._clock() + self._ttl
        for key, value in values.items():
            self._entries[key] = (expires, value)

    def get(self, key: K) -> V | None:
        """The value last read (even when stale), or None when never read."""
        entry = self._entries.get(key)
        return entry[1] if entry else None

    def clear(self) -> None:
        self._entries.clear()
