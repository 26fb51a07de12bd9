"""Field values of records as Zoho has them now (the "now in Zoho" side of a field update's diff), read in
batches and kept for a short while so that paging through the inbox does not read them again each time.
A proposal's own page always reads them fresh."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

from web.ownership import RecordReader


class RecordValues:
    def __init__(
        self, reader: RecordReader, *, ttl_seconds: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._reader = reader
        self._ttl = ttl_seconds
        self._clock = clock
        self._cache: dict[tuple[str, str], tuple[float, dict[str, Any] | None]] = {}

    async def values(self, module: str, ids: Sequence[str], *, fresh: bool = False) -> dict[str, dict[str, Any]]:
        """Record id → its fields (records Zoho does not have are left out). Raises ``ZohoError``."""
        now = self._clock()
        stale = [i for i in ids if fresh or (module, i) not in self._cache or self._cache[(module, i)][0] <= now]
        if stale:
            found = {r.id: r.raw for r in await self._reader.get_records(module, stale)}  # type: ignore[arg-type]
            for record_id in stale:
                self._cache[(module, record_id)] = (now + self._ttl, found.get(record_id))
        out = {}
        for record_id in ids:
            raw = self._cache[(module, record_id)][1]
            if raw is not None:
                out[record_id] = raw
        return out
