"""Ctrl-C in a chat: during a turn it interrupts the turn (the session goes on); at the prompt it
clears the line (``KeyboardInterrupt`` from ``input()``), like a shell.

Installed as the process's SIGINT handler for the whole session, which also keeps ``asyncio.run``
from installing its own (that one cancels the main task, ending the session).
"""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Callable, Iterator
from types import FrameType
from typing import Any


class InterruptController:
    def __init__(self) -> None:
        self._on_interrupt: Callable[[], None] | None = None
        self._previous: Any = None
        self.installed = False

    def install(self) -> None:
        try:
            self._previous = signal.signal(signal.SIGINT, self._handle)
            self.installed = True
        except ValueError:  # not the main thread (an embedding caller): Ctrl-C keeps its default
            self.installed = False

    def restore(self) -> None:
        if self.installed:
            signal.signal(signal.SIGINT, self._previous)
            self.installed = False

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        callback = self._on_interrupt
        if callback is None:
            raise KeyboardInterrupt
        callback()

    @contextlib.contextmanager
    def during_turn(self, on_interrupt: Callable[[], None]) -> Iterator[None]:
        """While inside, Ctrl-C calls ``on_interrupt`` (it must only schedule work, e.g. with
        ``loop.call_soon_threadsafe``) instead of raising."""
        self._on_interrupt = on_interrupt
        try:
            yield
        finally:
            self._on_interrupt = None


__all__ = ["InterruptController"]
