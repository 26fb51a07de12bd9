"""Field values of records as Zoho has them now (the "now in Zoho" side of a field update's diff), read in
batches and kept for a short while so that paging through the inbox does not read them again each time.
A proposal's own page always reads them fresh."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from web.ownership import RecordReader
from web.timed_cache import TimedCache


class RecordValues:
    def __init__(self, reader: RecordReader, *, ttl_seconds: float) -> None:
        self._reader = reader
        self._cache: TimedCache[tuple[str, str], dict[str, Any] | None] = TimedCache(ttl_seconds)

    async def values(self, module: str, ids: Sequence[str], *, fresh: bool = False) -> dict[str, dict[str, Any]]:
        """Record id → its fields (records Zoho does not have are left out). Raises ``ZohoError``."""
        stale = [i for _, i in self._cache.stale([(module, i) for i in ids], fresh=fresh)]
        if stale:
            found = {r.id: r.raw for r in await self._reader.get_records(module, stale)}  # type: ignore[arg-type]
            self._cache.put({(module, i): found.get(i) for i in stale})
        out = {}
        for record_id in ids:
            raw = self._cache.get((module, record_id))
            if raw is not None:
                out[record_id] = raw
        return out
