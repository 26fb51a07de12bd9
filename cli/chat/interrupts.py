"""Ctrl-C in a chat ends what is running, never the session.

- during an agent turn: the turn is asked to stop (``ClaudeSDKClient.interrupt()``), the chat goes on;
- during a command that waits on the network (a brief, a Zoho lookup, executing writes): the command's
  task is cancelled;
- while Python code runs or a prompt waits for input (``input()``, the approval prompts):
  ``KeyboardInterrupt`` is raised there, as usual, and the chat catches it.

The controller is the process's SIGINT handler for the whole session, which also keeps ``asyncio.run``
from installing its own (that one cancels the main task, ending the session). A ``KeyboardInterrupt``
raised while the event loop itself waits in ``select()`` would escape the loop, which is why that case
is turned into a cancellation instead.
"""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Callable, Iterator
from types import FrameType
from typing import Any

_LOOP_MODULES = ("selectors", "asyncio")


def in_event_loop(frame: FrameType | None) -> bool:
    """Whether the main thread was inside the event loop's own machinery (waiting in ``select``)."""
    if frame is None:
        return False
    module = str(frame.f_globals.get("__name__", ""))
    return module == "selectors" or module.startswith("asyncio")


class InterruptController:
    def __init__(self) -> None:
        self._on_interrupt: Callable[[], object] | None = None
        self._cancel: Callable[[], object] | None = None
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
        if self._on_interrupt is not None:
            self._on_interrupt()
            return
        if self._cancel is not None and in_event_loop(frame):
            self._cancel()
            return
        raise KeyboardInterrupt

    @contextlib.contextmanager
    def during_turn(self, on_interrupt: Callable[[], object]) -> Iterator[None]:
        """While inside, Ctrl-C calls ``on_interrupt`` (it must only schedule work, e.g. with
        ``loop.call_soon_threadsafe``) instead of raising."""
        previous, self._on_interrupt = self._on_interrupt, on_interrupt
        try:
            yield
        finally:
            self._on_interrupt = previous

    @contextlib.contextmanager
    def during_command(self, cancel: Callable[[], object]) -> Iterator[None]:
        """While inside, Ctrl-C while the loop waits calls ``cancel`` (schedule-only, like above)."""
        previous, self._cancel = self._cancel, cancel
        try:
            yield
        finally:
            self._cancel = previous


__all__ = ["InterruptController", "in_event_loop"]
