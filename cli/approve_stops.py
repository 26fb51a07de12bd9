"""Ctrl-C while approving: asked about once, never leaving anything half-done.

While a decision is recorded and its write sent and confirmed (``holding()``), or while the event loop
waits on the network, Ctrl-C is only noted (``requested``); the session asks whether to stop once that
step is over. At a prompt (``input()``) it is raised as ``KeyboardInterrupt`` so the prompt can ask at
once. The handler is the process's SIGINT handler for the session (nested inside the chat's, restored
after); ``asyncio.run`` leaves a handler that is not the default one alone.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from types import FrameType

from cli.chat.interrupts import InterruptController, in_event_loop

STOP_QUESTION = "Stop approving? Approved writes so far are done; nothing half-done."


class StopRequests(InterruptController):
    """The session's SIGINT handler (``install`` / ``restore`` as the chat's): Ctrl-C noted or raised."""

    def __init__(self) -> None:
        super().__init__()
        self.requested = False
        self._holding = 0

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if self._holding or in_event_loop(frame):
            self.requested = True
            return
        raise KeyboardInterrupt

    @contextlib.contextmanager
    def holding(self) -> Iterator[None]:
        """While inside, Ctrl-C waits: a decision and its write complete together."""
        self._holding += 1
        try:
            yield
        finally:
            self._holding -= 1

    def take(self) -> bool:
        """Whether a stop was asked for since the last call (and forget it)."""
        asked, self.requested = self.requested, False
        return asked

    @contextlib.contextmanager
    def installed_for(self) -> Iterator[StopRequests]:
        self.install()
        try:
            yield self
        finally:
            self.restore()


__all__ = ["STOP_QUESTION", "StopRequests"]
