"""The long-term memory as the account page reads it: read-only, opened once in the background (cognee takes a
few seconds to open), and optional: when it was never built, or is still opening, or failed, the page says so.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from briefs.builder import memory_history
from config.settings import Settings
from memory.interface import AccountMemory, memory_built, open_memory

log = logging.getLogger(__name__)
NOT_BUILT = "Long-term memory is not built yet: run `python main.py sync` once (reviews keep it current)."
OPENING = "Long-term memory is opening (the first time takes a few seconds); reload the page to see the timeline."


class MemoryAccess:
    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._memory: AccountMemory | None = None
        self._opening: asyncio.Task[None] | None = None
        self._failure: str | None = None

    def status(self) -> str:
        if self._memory is not None:
            return "ready"
        if self._failure:
            return f"Long-term memory could not be opened ({self._failure})."
        if not memory_built(self._settings):
            return NOT_BUILT
        return OPENING

    @property
    def memory(self) -> AccountMemory | None:
        return self._memory

    def _start(self) -> None:
        if self._opening is None and memory_built(self._settings):
            self._opening = asyncio.get_running_loop().create_task(self._open())

    async def _open(self) -> None:
        try:
            self._memory = await open_memory(self._settings, read_only=True)
        except Exception as exc:  # optional part: the page says why it is missing
            log.warning("memory could not be opened: %s", exc)
            self._failure = type(exc).__name__

    async def timeline(self, account_id: str) -> tuple[list[Any], str]:
        """(newest-first history lines, status) — lines empty with the reason when memory is not there."""
        self._start()
        if self._memory is None:
            return [], self.status()
        return await memory_history(self._memory, account_id)

    async def aclose(self) -> None:
        if self._opening is not None and not self._opening.done():
            self._opening.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._opening
        if self._memory is not None:
            await self._memory.aclose()
