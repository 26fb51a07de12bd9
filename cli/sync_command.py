"""``python main.py sync [--full] [--since 24h|7d|ISO] [--json]``: Zoho (bulk) → long-term memory, incrementally.

Cursors live in the memory's ledger (a wiped memory starts over); approval decisions come from the state
store (``state.store.StateStore.decided_since``); progress is a rich bar per module on a terminal and
plain lines elsewhere (``cli.sync_progress``), with a line per finished module; the summary says records
fetched, stored, unchanged, change events, deletions, API calls and credits spent.
When Zoho's credits (or ``SERGAS_ZOHO_CREDIT_BUDGET``) run out the sync stops cleanly, says when to go on,
and exits with ``EXIT_CREDITS`` (4); the next run resumes there.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from rich.text import Text

from config.settings import Settings
from domain.safe_text import safe_block, safe_inline

_RELATIVE = re.compile(r"^(\d+)\s*([hdw])$")
EXIT_CREDITS = 4  # stopped cleanly because the API credits (or the run's budget) ran out


def parse_since(value: str | None, *, now: datetime | None = None) -> datetime | None:
    """``24h``, ``7d``, ``2w`` or an ISO time → an aware datetime."""
    if value is None or not value.strip():
        return None
    now = now or datetime.now(UTC)
    match = _RELATIVE.match(value.strip().lower())
    if match:
        amount, unit = int(match.group(1)), match.group(2)
        return now - timedelta(**{{"h": "hours", "d": "days", "w": "weeks"}[unit]: amount})
    parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def run(settings: Settings, *, full: bool = False, since: str | None = None, as_json: bool = False) -> int:
    from rich.console import Console

    console = Console(stderr=True, soft_wrap=True)
    try:
        since_at = parse_since(since)
    except (ValueError, OverflowError):  # OverflowError: e.g. 1000000d reaches before year 1
        usage = f"--since {since!r}: use 24h, 7d, 2w or an ISO time such as 2026-01-31T00:00:00Z"
        console.print(Text(safe_inline(usage), style="red"))
        return 2
    settings.ensure_home()
    from integrations.zoho.errors import ZohoError
    from memory.interface import MemoryBusyError, MemoryError

    try:
        with Path(os.devnull).open("w") as devnull, contextlib.redirect_stdout(devnull):  # cognee prints its migrations
            summary = asyncio.run(_sync(settings, full=full, since=since_at, console=console))
    except MemoryBusyError as exc:
        console.print(Text(safe_inline(exc), style="yellow"))
        return 3
    except MemoryError as exc:  # e.g. the embedding model is not installed: the message has the command
        console.print(str(exc), markup=False, highlight=False)
        return 1
    except ZohoError as exc:  # nothing past the last stored batch is lost: the next sync resumes there
        hint = getattr(exc, "hint", None) or ZohoError.default_hint
        console.print(Text(safe_inline(f"Sync stopped: {exc}"), style="red"))
        console.print(Text(f"{safe_block(hint)}\nWhat was stored so far is kept; run sync again."))
        return 1
    _report(console, summary, as_json=as_json)
    return EXIT_CREDITS if summary.stopped else 0


def _report(console: Any, summary: Any, *, as_json: bool) -> None:
    """The totals (each module's line was printed as it finished: ``cli.sync_progress``)."""
    if as_json:
        print(summary.model_dump_json(indent=2))
    console.print(
        f"[bold]{'Stopped early' if summary.stopped else 'Synced'}[/bold] {summary.fetched} records fetched, "
        f"{summary.stored} stored, {summary.unchanged} unchanged, {summary.change_events} change events, "
        f"{summary.deleted} deleted in Zoho, {summary.api_calls} API calls, {summary.api_credits} API credits, "
        f"{summary.seconds:.1f} s"
    )
    for note in summary.notes:
        console.print(Text(safe_inline(note), style="yellow"))
    if summary.stopped:
        console.print(Text(safe_inline(summary.stopped), style="yellow"))


async def _sync(settings: Settings, *, full: bool, since: datetime | None, console: Any) -> Any:
    from cli.sync_progress import sync_reporter
    from integrations.zoho.connection import zoho_connection
    from integrations.zoho.factory import build_gateway
    from memory.interface import open_memory
    from memory.sync import DECISIONS, SYNC_MODULES, sync_memory
    from state.store import StateStore

    memory = await open_memory(settings)
    store = StateStore.open(settings)
    try:
        with zoho_connection(settings) as connection:
            gateway = build_gateway(settings, connection=connection)
            try:
                with sync_reporter(console, (*SYNC_MODULES, DECISIONS)) as reporter:
                    # cursors live in the memory's ledger; decisions come from the state store
                    return await sync_memory(
                        gateway,
                        memory,
                        memory,
                        full=full,
                        since=since,
                        progress=reporter.progress,
                        module_done=reporter.module_done,
                        decisions=store,
                    )
            finally:
                await gateway.aclose()
    finally:
        store.close()
        await memory.aclose()
