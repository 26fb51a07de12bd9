"""What ``sync`` shows while it runs: a rich bar per module on a terminal; plain lines otherwise (a log file,
a pipe, cron), each flushed as it happens: every module's records fetched so far (at most every few
seconds) and one line per finished module with its counts."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Protocol

from memory.sync import ModuleSummary

EVERY_SECONDS = 5.0  # at most one "so far" line per module this often


def module_line(part: ModuleSummary) -> str:
    return (
        f"{part.module:<9} fetched {part.fetched:>6}  stored {part.stored:>6}  unchanged {part.unchanged:>6}  "
        f"changes {part.change_events:>5}  deleted {part.deleted:>4}"
    )


class SyncReporter(Protocol):
    def progress(self, module: str, count: int) -> None: ...

    def module_done(self, part: ModuleSummary) -> None: ...


class LineReporter:
    """One plain line per event, for output that is not a terminal."""

    def __init__(
        self, console: Any, *, every_seconds: float = EVERY_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._console = console
        self._every = every_seconds
        self._clock = clock
        self._started = clock()
        self._fetched: dict[str, int] = {}
        self._last_line: dict[str, float] = {}

    def _print(self, line: str) -> None:
        self._console.print(line, markup=False, highlight=False)
        self._console.file.flush()

    def progress(self, module: str, count: int) -> None:
        self._fetched[module] = self._fetched.get(module, 0) + count
        now = self._clock()
        last = self._last_line.get(module)
        if last is None or now - last >= self._every:
            self._last_line[module] = now
            self._print(f"{module:<9} {self._fetched[module]:>6} fetched so far ({now - self._started:.0f} s)")

    def module_done(self, part: ModuleSummary) -> None:
        self._print(f"{module_line(part)}  ({self._clock() - self._started:.0f} s)")


class BarReporter:
    """A rich progress bar per module; finished modules are printed above the bars."""

    def __init__(self, bar: Any, modules: tuple[str, ...]) -> None:
        self._bar = bar
        self._tasks = {m: bar.add_task(f"{m:<9}", total=None) for m in modules}

    def progress(self, module: str, count: int) -> None:
        self._bar.advance(self._tasks[module], count)

    def module_done(self, part: ModuleSummary) -> None:
        self._bar.console.print(module_line(part), markup=False, highlight=False)


@contextmanager
def sync_reporter(console: Any, modules: tuple[str, ...]) -> Iterator[SyncReporter]:
    """The bars on a terminal, the lines elsewhere."""
    if not console.is_terminal:
        yield LineReporter(console)
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        yield BarReporter(bar, modules)
