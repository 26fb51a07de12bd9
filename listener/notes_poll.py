"""Note changes for the listener, by polling: Zoho's watch API does not support Notes.

Every ``every_seconds`` one ``GET /crm/v8/Notes`` sorted by ``Modified_Time`` (newest first, 200 a page)
finds the notes changed since the last look; their ids are queued as one callback-like item
(``{"module": "Notes", "ids": [...], "source": "poll"}``) that the worker resolves to accounts and reviews
like any Zoho callback. Cost: one API credit per poll while fewer than 200 notes change between polls
(288 credits a day at the default five minutes). The first poll only sets the cursor: what changed before
the listener started is the sync's and the scheduled review's business. A note *deleted* in Zoho is not
seen here (it leaves the list); the sync's reconciliation of note ids finds it.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime

from integrations.zoho.errors import ZohoError, map_status
from listener.callback_queue import CallbackQueue
from listener.models import PolledHealth
from listener.rest import ZohoRestCall

log = logging.getLogger(__name__)

NOTES_PATH = "/crm/v8/Notes?fields=Parent_Id,Modified_Time&sort_by=Modified_Time&sort_order=desc&per_page=200"
MAX_PAGES = 10  # 2,000 changed notes per poll at most; the rest are found at the next one
CURSOR_KEY = "notes_poll_cursor"


def _stamp(value: object) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


class NotesPoller:
    def __init__(
        self,
        rest: ZohoRestCall,
        queue: CallbackQueue,
        *,
        every_seconds: float = 300.0,
        on_queued: Callable[[], None] = lambda: None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._rest = rest
        self._queue = queue
        self.every_seconds = every_seconds
        self._on_queued = on_queued
        self._clock = clock
        self.last_poll_at: datetime | None = None
        self.changes_found = 0
        self.error: str | None = None

    def _cursor(self) -> tuple[datetime | None, set[str]]:
        raw = self._queue.get_meta(CURSOR_KEY)
        if not raw:
            return None, set()
        saved = json.loads(raw)
        return _stamp(saved.get("at")), set(saved.get("ids") or [])

    async def _changed_since(self, cursor: datetime | None, seen: set[str]) -> list[tuple[str, datetime]]:
        """(note id, modified time) of the notes changed at or after ``cursor``, newest first."""
        found: list[tuple[str, datetime]] = []
        for page in range(1, MAX_PAGES + 1):
            status, body = await self._rest("GET", f"{NOTES_PATH}&page={page}", None)
            if status >= 400:
                raise map_status(status, body if isinstance(body, dict) else None, module="Notes", tier="listener")
            rows = [r for r in ((body or {}).get("data") or []) if isinstance(r, dict)] if status == 200 else []
            for row in rows:
                stamp = _stamp(row.get("Modified_Time"))
                if stamp is None or (cursor is not None and stamp < cursor):
                    return found
                if str(row.get("id")) not in seen:
                    found.append((str(row.get("id")), stamp))
            if cursor is None or not rows or not ((body or {}).get("info") or {}).get("more_records"):
                return found
        return found

    async def poll_once(self) -> int:
        """One look. Returns how many changed notes were queued."""
        cursor, seen = await asyncio.to_thread(self._cursor)
        changed = await self._changed_since(cursor, seen)
        self.last_poll_at = datetime.now(UTC)
        if changed:
            newest = max(stamp for _, stamp in changed)
            at_newest = {i for i, stamp in changed if stamp == newest} | (seen if newest == cursor else set())
            saved = json.dumps({"at": newest.isoformat(), "ids": sorted(at_newest)})
            await asyncio.to_thread(self._queue.set_meta, CURSOR_KEY, saved)
        elif cursor is None:
            await asyncio.to_thread(self._queue.set_meta, CURSOR_KEY, json.dumps({"at": self.last_poll_at.isoformat()}))
        if cursor is None or not changed:
            return 0  # the first look only sets where to start
        body = {"module": "Notes", "ids": [i for i, _ in changed], "operation": "update", "source": "poll"}
        await asyncio.to_thread(self._queue.put, body, module="Notes", operation="update", received_at=self._clock())
        self.changes_found += len(changed)
        self._on_queued()
        return len(changed)

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await self.poll_once()
                self.error = None
            except ZohoError as exc:
                self.error = str(exc)
                log.warning("polling Zoho's notes failed: %s; trying again in %.0fs", exc, self.every_seconds)
            try:
                await asyncio.wait_for(stop.wait(), timeout=self.every_seconds)
                return
            except TimeoutError:
                pass

    def health(self) -> PolledHealth:
        return PolledHealth(
            module="Notes",
            every_seconds=self.every_seconds,
            last_poll_at=self.last_poll_at,
            changes_found=self.changes_found,
            error=self.error,
        )
