"""``sergas review``: sync, triage every account, review the most urgent ones, queue proposals, report.

Exit codes: 0 done; 1 Zoho or the state store failed (message says what to do); 2 a bad option, or an
``--owner`` (email, Zoho user id or full name) that is no Zoho user or owns no account; 3 another review is
already running.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import json
import sys
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.text import Text

from briefs.resolve import ResolveError, resolve_owner
from cli.resolve_view import print_resolve_error
from config.crashpoints import crash_point
from config.settings import Settings
from domain.safe_text import safe_inline
from review.pipeline import ReviewAlreadyRunning, reviewer_unavailable_reason, run_review
from review.reports import write_reports
from review.run_models import ReviewRun, queued_line
from review.since import SinceError, parse_since
from review.thresholds import thresholds_for

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_LOCKED = 0, 1, 2, 3
EXIT_CREDITS = 4  # stopped cleanly: Zoho's API credits (or SERGAS_ZOHO_CREDIT_BUDGET) ran out


@contextlib.asynccontextmanager
async def open_gateway(settings: Settings) -> AsyncIterator[Any]:
    """The Zoho gateway for this run (the embedded sandbox, started here, when no credentials are set)."""
    from integrations.zoho.connection import zoho_connection
    from integrations.zoho.factory import build_gateway

    with zoho_connection(settings) as connection:
        gateway = build_gateway(settings, connection=connection)
        try:
            yield gateway
        finally:
            await gateway.aclose()


def build_reviewer(settings: Settings, *, gateway: Any, store: Any) -> tuple[Callable[..., Any] | None, str | None]:
    """The agent reviewer, or None and the reason the run uses rules instead."""
    reason = reviewer_unavailable_reason(settings)
    if reason is not None:
        return None, reason
    try:
        from agents import review_account
    except ImportError:
        return None, "Agent review is not available in this build: rule-based proposals"
    accepted = inspect.signature(review_account).parameters
    from approvals.agent_door import store_approvals

    offered = {"settings": settings, "gateway": gateway, "approvals": store_approvals(settings, store, gateway)}
    extra = {k: v for k, v in offered.items() if k in accepted}

    def reviewer(triage: Any, account360: Any) -> Any:
        return review_account(triage, account360, **extra)

    return reviewer, None


MEMORY_NOT_BUILT = (
    "long-term memory not built yet: run `python main.py sync` once (it stores the whole org); "
    "later reviews keep it current"
)


def build_memory_sync(settings: Settings) -> Callable[..., Any]:
    """Feed the records a review fetched into long-term memory, once ``sync`` has built it.

    Building the memory of a whole org is ``sync``'s job (it is the one long step); a review keeps an existing
    memory current with what changed. The returned callable's string result is a note for the run."""
    from memory.interface import MemoryBusyError, MemoryError, memory_built, open_memory

    async def sync(changed: Mapping[str, Sequence[Any]]) -> str | None:
        if not memory_built(settings):
            return MEMORY_NOT_BUILT
        records = [record for module_records in changed.values() for record in module_records]
        if not records:
            return None
        # cognee's migrations print to stdout; stdout is the review's JSON document (--json)
        with contextlib.redirect_stdout(sys.stderr):
            try:
                memory = await open_memory(settings)
            except MemoryBusyError:
                return (
                    "long-term memory is busy (a sync is running): this review's changes reach it with "
                    "that sync or the next"
                )
            except MemoryError as exc:  # e.g. the embedding model is not installed
                return f"long-term memory was not updated: {exc}"
            try:
                crash_point("memory.opened")
                await memory.remember_records(records)
                crash_point("memory.stored")
            finally:
                await memory.aclose()
        return None

    return sync


def queue_report_attachments(settings: Settings, run: ReviewRun, err: Console) -> list[tuple[str, bool]]:
    """``--attach``: queue each reviewed account's own HTML report as an attachment upload waiting for
    approval (nothing is uploaded here). Returns ``(recommendation id, newly queued)`` per account."""
    from approvals.attachments import queue_attachment
    from review.report_html import render_html
    from state.store import StateStore

    reviewed = [f for f in run.flagged if f.proposals or f.reviewed_by != "none"]
    if not reviewed:
        err.print("--attach: no account was reviewed in this run; nothing to attach.")
        return []
    safe_run = "".join(c if c.isalnum() or c in "-_." else "_" for c in run.run_id)
    queued: list[tuple[str, bool]] = []
    try:
        with StateStore.open(settings) as store:
            for flagged in reviewed:
                account_id = flagged.triage.account_id
                own = run.model_copy(update={"flagged": [flagged]})  # this account only: no other account's data
                rec, created = queue_attachment(
                    store,
                    settings.home,
                    account_id=account_id,
                    run_id=run.run_id,
                    file_name=f"account-review-{safe_run}-{account_id}.html",
                    content=render_html(own).encode("utf-8"),
                    content_type="text/html",
                    description="account review report (HTML)",
                    rationale=f"Keep the review of {flagged.triage.account_name} (health {flagged.triage.score}/100) "
                    "with the account in the CRM.",
                )
                queued.append((rec.id, created))
    except Exception as exc:  # the reports are written; only the attachments could not be queued
        err.print(Text(safe_inline(f"--attach: could not queue the report attachments: {exc}"), style="red"))
        return queued
    new = sum(1 for _, created in queued if created)
    err.print(
        f"--attach: {new} report attachment(s) queued for approval"
        + (f" ({len(queued) - new} already queued)" if len(queued) > new else "")
        + "; nothing is uploaded until `python main.py approve`."
    )
    return queued


class _Bars:
    """Rich progress bars on stderr, one per stage."""

    def __init__(self, console: Console) -> None:
        self.progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description:<16}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=False,
        )
        self.tasks: dict[str, Any] = {}

    def __call__(self, stage: str, done: int, total: int | None) -> None:
        key = "sync" if stage.startswith("sync") else stage
        if key not in self.tasks:
            self.tasks[key] = self.progress.add_task(key, total=total)
        self.progress.update(self.tasks[key], completed=done, total=total, description=stage)


def summary_table(run: ReviewRun) -> Table:
    table = Table(title=f"Review {run.run_id}", show_header=False)
    table.add_column("what", style="bold")
    table.add_column("value")
    table.add_row("Mode", "agents" if run.mode == "agents" else "rules (rule-based proposals)")
    table.add_row("Accounts triaged", f"{run.accounts_triaged:,} in {run.triage_seconds:.2f}s")
    reader = "rules and the second reader" if run.second_reader else "rules alone (SERGAS_SECOND_READER=false)"
    reader += (
        f", with {run.product_names} product name{'s' if run.product_names != 1 else ''}"
        if run.product_names
        else ", no product names (SERGAS_PRODUCT_NAMES)"
    )
    table.add_row("Notes read by", reader)
    if run.product_names_origin:
        table.add_row("Product names", run.product_names_origin)
    table.add_row(run.changed_label(), f"{run.changed_accounts:,}")
    table.add_row("Accounts flagged", f"{len(run.flagged):,}")
    for kind, count in run.accounts_by_kind().items():
        table.add_row(f"  {kind}", f"{count:,}")
    table.add_row("Proposals queued", queued_line(run))
    table.add_row("Zoho API calls", f"{run.api_calls} ({run.sync_detail()}); {run.api_credits} credits in all")
    table.add_row("Model cost", f"${run.cost_usd:.4f} ({run.model_calls} model calls)")
    for path in run.report_paths:
        table.add_row("Report", Text(safe_inline(path), overflow="fold"))  # a path has no spaces: fold, never cut
    for note in run.notes:
        table.add_row("Note", Text(safe_inline(note)))
    return table


async def _review(
    settings: Settings, store: Any, err: Console, bars: _Bars | None, *, owner: str | None, **options: Any
) -> ReviewRun:
    """The run itself: the gateway opened, ``--owner`` resolved, the reviewer chosen, the pipeline run."""
    async with open_gateway(settings) as gateway:
        owner_ref = await resolve_owner(gateway, owner) if owner else None
        reviewer, why_rules = build_reviewer(settings, gateway=gateway, store=store)
        if why_rules:
            err.print(why_rules)
        with bars.progress if bars is not None else contextlib.nullcontext():
            result = await run_review(
                settings,
                gateway=gateway,
                store=store,
                reviewer=reviewer,
                memory_sync=build_memory_sync(settings),
                owner=owner_ref.id if owner_ref else None,
                progress=bars,
                thresholds=thresholds_for(settings),
                **options,
            )
        if owner_ref is not None:
            who = " ".join(p for p in (owner_ref.name, f"<{owner_ref.email}>" if owner_ref.email else None) if p)
            result.notes.insert(0, f"owner {who} (Zoho user {owner_ref.id}): only their accounts")
        return result


def _stopped(exc: Exception, err: Console) -> int:
    """The exit code (and the message) of a run stopped by the state store or Zoho; anything else raises."""
    from integrations.zoho.credits import stop_message
    from integrations.zoho.errors import ZohoCreditsExhaustedError, ZohoError
    from state.errors import StateStoreError

    if isinstance(exc, StateStoreError):  # e.g. another process held the database past the busy timeout
        err.print(
            Text(f"State store: {exc} — {exc.hint}\nNothing is lost: the next review resumes this one.", style="red")
        )
        return EXIT_FAILED
    if not isinstance(exc, ZohoError):
        raise exc
    if isinstance(exc, ZohoCreditsExhaustedError):
        err.print(Text(stop_message(exc), style="yellow"))
        err.print("The run was saved as interrupted; the next review resumes it.")
        return EXIT_CREDITS
    err.print(Text(safe_inline(f"Zoho: {exc}"), style="red"))
    err.print("The run was saved as interrupted; the next review resumes it.")
    return EXIT_FAILED


def run(
    settings: Settings,
    *,
    owner: str | None = None,
    since: str | None = None,
    limit: int | None = None,
    budget_usd: float | None = None,
    concurrency: int | None = None,
    report: Path | None = None,
    as_json: bool = False,
    attach: bool = False,
) -> int:
    err = Console(stderr=True)
    try:
        since_at = parse_since(since) if since else None
    except SinceError as exc:
        err.print(Text(safe_inline(exc), style="red"))
        return EXIT_USAGE
    settings.ensure_home()
    from state.store import StateStore

    try:
        store = StateStore.open(settings)
    except Exception as exc:  # the store's own errors say how to fix them
        err.print(Text(safe_inline(f"State store: {exc}"), style="red"))
        return EXIT_FAILED
    bars = None if as_json or not err.is_terminal else _Bars(err)
    options = {"since": since_at, "limit": limit, "budget_usd": budget_usd, "concurrency": concurrency}
    try:
        result = asyncio.run(_review(settings, store, err, bars, owner=owner, **options))
    except ReviewAlreadyRunning as exc:
        err.print(Text(safe_inline(exc), style="yellow"))
        return EXIT_LOCKED
    except ResolveError as exc:  # --owner names no user, or one who owns no account
        print_resolve_error(err, exc)
        return EXIT_USAGE
    except Exception as exc:
        return _stopped(exc, err)
    finally:
        store.close()
    crash_point("report.before_write")
    write_reports(result, settings.reports_dir, report)
    if attach:
        queue_report_attachments(settings, result, err)
    if as_json:
        sys.stdout.write(json.dumps(result.to_json()) + "\n")
    else:
        Console().print(summary_table(result))
    return EXIT_OK
