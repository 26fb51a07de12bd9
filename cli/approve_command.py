"""``python main.py approve``: decide on pending proposals, then execute the approved writes once.

Interactive (a terminal): proposals grouped by account, each with its rationale, evidence, origin,
a warning when suspicious, and the exact change; answer [a]pprove, [e]dit & approve, [r]eject (asks
why), [s]kip or [q]uit. Batch: ``--approve-all`` / ``--reject-all REASON`` (narrowed by ``--account`` /
``--kind``). ``--list [--json]`` only lists; ``--execute`` only executes what is already approved.
Approved writes run right after the decisions; writes a crash left half-done are reconciled first.

Exit codes: 0 done; 1 a write or the store/Zoho failed (the message says what to do); 2 bad options.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import pwd
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from itertools import groupby
from typing import Any

from pydantic import ValidationError
from rich.console import Console
from rich.prompt import Prompt
from rich.text import Text

from approvals.attachments import prune_outbox
from approvals.composition import open_gateway
from approvals.decisions import OnDecision, decide
from approvals.editing import edit_proposal
from approvals.executor import ExecutionFailure, ExecutionOutcome, ExecutorBusy, execute_approved
from approvals.models import ProposedAction, Recommendation, WriteResult
from approvals.presentation import change_renderable, outcome_text, pending_table, proposal_panel
from approvals.write_checks import CheckedWrite, WriteRefused, check_write
from config.crashpoints import crash_point
from config.settings import Settings
from domain.safe_text import safe_inline
from integrations.zoho.errors import ZohoError
from integrations.zoho.gateway import ZohoGateway
from state.errors import StateStoreError
from state.store import StateStore

log = logging.getLogger(__name__)
KINDS = ("create_task", "add_note", "update_fields", "upload_attachment")
GatewayFactory = Callable[[Settings, StateStore], AbstractAsyncContextManager[ZohoGateway]]
HOW_TO_DECIDE = (
    "Decide in a terminal with `python main.py approve`, or in batch with `--approve-all` or "
    "`--reject-all REASON` (narrow with --account ID / --kind KIND)."
)


def operator_name() -> str:
    """Who is deciding: the local user name (recorded with every decision)."""
    try:
        return pwd.getpwuid(os.getuid()).pw_name
    except KeyError:  # pragma: no cover - a uid without a passwd entry (containers)
        return f"uid{os.getuid()}"


def run(
    settings: Settings,
    *,
    list_only: bool = False,
    as_json: bool = False,
    account: str | None = None,
    kind: str | None = None,
    approve_all: bool = False,
    reject_all: str | None = None,
    execute_only: bool = False,
    console: Console | None = None,
    interactive: bool | None = None,
    gateway_factory: GatewayFactory | None = None,
    on_decision: OnDecision | None = None,
) -> int:
    console = console or Console(highlight=False)
    err = Console(stderr=True, highlight=False)
    problem = _bad_options(list_only, as_json, kind, approve_all, reject_all, execute_only)
    if problem:
        err.print(Text(problem, style="red"))
        return 2
    try:
        store = StateStore.open(settings)
    except StateStoreError as exc:
        err.print(Text(f"{exc} — {exc.hint}", style="red"))
        return 1
    session = ApproveSession(
        settings,
        store,
        console,
        account=account,
        kind=kind,
        gateway_factory=gateway_factory or open_gateway,
        on_decision=on_decision,
    )
    try:
        if list_only:
            return session.list_pending(as_json=as_json)
        if interactive is None:
            interactive = sys.stdin.isatty()
        return asyncio.run(
            session.main(
                approve_all=approve_all, reject_all=reject_all, execute_only=execute_only, interactive=interactive
            )
        )
    except StateStoreError as exc:
        err.print(Text(f"{exc} — {exc.hint}", style="red"))
        return 1
    except (EOFError, KeyboardInterrupt):
        err.print(
            "Stopped. Decisions made so far are saved; approved writes run with `python main.py approve --execute`."
        )
        return 130
    finally:
        store.close()


def _bad_options(
    list_only: bool, as_json: bool, kind: str | None, approve_all: bool, reject_all: str | None, execute_only: bool
) -> str | None:
    if kind is not None and kind not in KINDS:
        return f"--kind must be one of {', '.join(KINDS)} (got {kind!r})"
    if approve_all and reject_all is not None:
        return "choose one of --approve-all and --reject-all"
    if reject_all is not None and not reject_all.strip():
        return "--reject-all needs a reason, e.g. --reject-all 'duplicate of an existing task'"
    if (list_only or execute_only) and (approve_all or reject_all is not None):
        return "--list and --execute cannot be combined with --approve-all / --reject-all"
    if list_only and execute_only:
        return "choose one of --list and --execute"
    if as_json and not list_only:
        return "--json works with --list (e.g. `python main.py approve --list --json`)"
    return None


class ApproveSession:
    """One ``approve`` invocation: filters, the store, a lazily opened gateway, the console."""

    def __init__(
        self,
        settings: Settings,
        store: StateStore,
        console: Console,
        *,
        account: str | None,
        kind: str | None,
        gateway_factory: GatewayFactory,
        on_decision: OnDecision | None,
    ) -> None:
        self.settings = settings
        self.store = store
        self.console = console
        self.account = account
        self.kind = kind
        self.gateway_factory = gateway_factory
        self.on_decision = on_decision
        self.by = operator_name()
        self._stack = contextlib.AsyncExitStack()
        self._gateway: ZohoGateway | None = None
        self._current_cache: dict[str, Any] = {}

    # --- listing ---------------------------------------------------------------------------------
    def pending(self, *, include_failed: bool = False) -> list[Recommendation]:
        statuses = ["pending", "failed"] if include_failed else ["pending"]
        recs = self.store.list_recommendations(status=statuses, account_id=self.account, kind=self.kind)
        return sorted(recs, key=lambda r: (r.proposal.account_id, r.created_at))

    def list_pending(self, *, as_json: bool) -> int:
        recs = self.pending()
        if as_json:
            payload = {"pending": [r.model_dump(mode="json") for r in recs]}
            self.console.file.write(json.dumps(payload, indent=2) + "\n")
            return 0
        self._print_pending(recs)
        return 0

    def _print_pending(self, recs: list[Recommendation]) -> None:
        if not recs:
            self.console.print("No pending proposals.")
        else:
            self.console.print(pending_table(recs))
        approved = self.store.list_recommendations(
            status=["approved", "executing"], account_id=self.account, kind=self.kind
        )
        if approved:
            self.console.print(
                f"{len(approved)} approved write(s) wait for execution: run `python main.py approve --execute`."
            )

    # --- the session -------------------------------------------------------------------------------
    async def main(self, *, approve_all: bool, reject_all: str | None, execute_only: bool, interactive: bool) -> int:
        try:
            return await self._main(
                approve_all=approve_all, reject_all=reject_all, execute_only=execute_only, interactive=interactive
            )
        finally:
            self._prune_outbox()

    def _prune_outbox(self) -> None:
        """Staged copies of uploads that were sent, rejected or superseded are not needed any more."""
        try:
            prune_outbox(self.settings.home, self.store)
        except (OSError, StateStoreError) as exc:  # housekeeping never fails the command
            log.warning("could not prune the attachment outbox: %s", exc)

    async def _main(self, *, approve_all: bool, reject_all: str | None, execute_only: bool, interactive: bool) -> int:
        async with self._stack:
            if reject_all is not None:
                return await self._batch("rejected", reject_all)
            if approve_all:
                await self._batch("approved", None)
                return await self.execute()
            if execute_only:
                return await self.execute()
            if not interactive:
                self._print_pending(self.pending())
                if self.pending():
                    self.console.print(f"Nothing decided: stdin is not a terminal. {HOW_TO_DECIDE}")
                return 0
            await self._interactive()
            return await self.execute()

    async def _batch(self, decision: str, reason: str | None) -> int:
        recs = self.pending()
        for rec in recs:
            await decide(
                self.store,
                rec.id,
                "approved" if decision == "approved" else "rejected",
                by=self.by,
                reason=reason,
                on_decision=self.on_decision,
            )
            crash_point("approve.decided")
        self.console.print(f"{decision.capitalize()} {len(recs)} proposal(s).")
        return 0

    async def _interactive(self) -> None:
        recs = self.pending(include_failed=True)
        if not recs:
            self.console.print("No pending proposals.")
            return
        total, index = len(recs), 0
        tally = {"approved": 0, "rejected": 0, "skipped": 0}
        for account_id, group in groupby(recs, key=lambda r: r.proposal.account_id):
            self.console.rule(Text(f"Account {safe_inline(account_id)}", style="bold"))
            for rec in group:
                index += 1
                checked, refused, current_error = await self._check(rec.proposal)
                current = checked.current if checked is not None else None
                self.console.print(
                    proposal_panel(
                        rec, index=index, total=total, current_error=current_error, checked=checked, refused=refused
                    )
                )
                answer = Prompt.ask(
                    Text("[a]pprove  [e]dit & approve  [r]eject  [s]kip  [q]uit"),
                    choices=["a", "e", "r", "s", "q"],
                    show_choices=False,
                    console=self.console,
                )
                if answer == "q":
                    self._print_tally(tally)
                    return
                if answer == "a":
                    await self._decide(rec, "approved")
                    tally["approved"] += 1
                elif answer == "s":
                    await self._decide(rec, "skipped")
                    tally["skipped"] += 1
                elif answer == "r":
                    reason = ""
                    while not reason.strip():
                        reason = Prompt.ask(Text("Why reject it? (required)"), console=self.console)
                    await self._decide(rec, "rejected", reason=reason)
                    tally["rejected"] += 1
                else:
                    edited = self._edit(rec.proposal)
                    if edited is None:
                        self.console.print("Edit abandoned; left pending.")
                        tally["skipped"] += 1
                        continue
                    self.console.print(Text("Approved as edited:", style="bold"))
                    self.console.print(change_renderable(edited, current))
                    await self._decide(rec, "approved", edited=edited)
                    tally["approved"] += 1
        self._print_tally(tally)

    def _print_tally(self, tally: dict[str, int]) -> None:
        self.console.print(", ".join(f"{n} {what}" for what, n in tally.items()) + ".")

    def _edit(self, proposal: ProposedAction) -> ProposedAction | None:
        def ask(label: str, default: str) -> str:  # rich would print the default (CRM text) raw: shown safe here
            shown = Text(safe_inline(label)) + Text(f" ({safe_inline(default, limit=200)})", style="prompt.default")
            return Prompt.ask(shown, default=default, show_default=False, console=self.console)

        for _ in range(3):
            try:
                return edit_proposal(proposal, ask)
            except ValidationError as exc:
                for e in exc.errors(include_url=False):
                    where = ".".join(str(x) for x in e.get("loc", ()))
                    self.console.print(Text(f"Not valid: {where}: {e.get('msg')}", style="red"))
                self.console.print("Let's try again.")
        return None

    async def _decide(
        self, rec: Recommendation, decision: Any, *, reason: str | None = None, edited: ProposedAction | None = None
    ) -> None:
        await decide(
            self.store, rec.id, decision, by=self.by, reason=reason, edited=edited, on_decision=self.on_decision
        )

    # --- Zoho --------------------------------------------------------------------------------------
    async def gateway(self) -> ZohoGateway:
        if self._gateway is None:
            factory = self.gateway_factory(self.settings, self.store)
            self._gateway = await self._stack.enter_async_context(factory)
        return self._gateway

    async def _check(self, proposal: ProposedAction) -> tuple[CheckedWrite | None, str | None, str | None]:
        """The write checks' answer for the panel: (checked, why refused, why Zoho could not be asked)."""
        try:
            return await check_write(proposal, await self.gateway()), None, None
        except WriteRefused as exc:
            return None, str(exc), None
        except ZohoError as exc:
            return None, None, f"{exc} — {exc.hint}"

    # --- execution ---------------------------------------------------------------------------------
    async def execute(self) -> int:
        ids = [
            r.id for r in self.store.list_recommendations(status="approved", account_id=self.account, kind=self.kind)
        ]
        leftovers = self.store.executing_recommendations()
        if not ids and not leftovers:
            self.console.print("Nothing approved to execute.")
            return 0
        if leftovers:
            self.console.print(
                f"Reconciling {len(leftovers)} write(s) a previous run left unfinished "
                "(re-sent with the same idempotency key; nothing is written twice)."
            )
        self.console.print(f"Executing {len(ids)} approved write(s)…")
        try:
            gateway = await self.gateway()
            outcomes = await execute_approved(
                self.store,
                gateway,
                ids=ids,
                on_result=self._show_outcome,
                duplicate_window=self.settings.duplicate_window,
            )
        except ExecutorBusy as exc:
            self.console.print(Text(str(exc), style="yellow"))
            return 1
        except ZohoError as exc:
            self.console.print(
                Text(
                    f"Could not reach Zoho: {exc}. {exc.hint} The approved writes are kept; "
                    "run `python main.py approve --execute` when it is fixed.",
                    style="red",
                )
            )
            return 1
        return self._summary(outcomes)

    def _show_outcome(self, outcome: ExecutionOutcome) -> None:
        self.console.print(outcome_text(self.store.get_recommendation(outcome.recommendation_id), outcome))

    def _summary(self, outcomes: list[ExecutionOutcome]) -> int:
        created = sum(1 for o in outcomes if isinstance(o, WriteResult) and o.created)
        present = sum(1 for o in outcomes if isinstance(o, WriteResult) and not o.created)
        retry = sum(1 for o in outcomes if isinstance(o, ExecutionFailure) and o.retryable)
        done_before = sum(1 for o in outcomes if isinstance(o, ExecutionFailure) and o.duplicate_of)
        failed = sum(1 for o in outcomes if isinstance(o, ExecutionFailure) and not o.retryable) - done_before
        line = f"Done: {created} written, {present} already present, {retry} to retry, {failed} failed"
        self.console.print(line + (f", {done_before} not sent (already done)." if done_before else "."))
        return 1 if retry or failed else 0


@contextlib.asynccontextmanager
async def fixed_gateway(gateway: ZohoGateway) -> AsyncIterator[ZohoGateway]:
    """A gateway factory result for an already built gateway (tests, the chat command)."""
    yield gateway


__all__ = ["ApproveSession", "fixed_gateway", "operator_name", "run"]
