"""``python main.py approve``: decide on pending proposals; each approved write is sent and confirmed at once.

Interactive (a terminal): proposals grouped by account (by name), each with its rationale, evidence,
origin, a warning when suspicious, and the exact change; answer [a]pprove, [e]dit & approve, [r]eject
(asks why), [s]kip or [q]uit. An approved write is executed right away, exactly once
(``approvals.executor``), and its outcome shown; a failure says what to do. Ctrl-C asks once whether to
stop, and never leaves a decision without its write.

Batch: ``--approve-all`` / ``--reject-all REASON``, narrowed by ``--account`` (name or id), ``--owner``
(email or user id) and ``--kind``. Without a narrowing filter they show what they would do and ask first
(``--yes`` skips the question; without a terminal and without ``--yes`` they refuse). ``--list [--json]``
only lists; ``--execute`` only executes what is already approved. Writes that an earlier run left approved
(an outage) or half-sent (a crash) are finished first.

Exit codes: 0 done; 1 a write or the store/Zoho failed (the message says what to do); 2 bad options, an
account or owner that names nothing, or a batch without a filter that was not confirmed.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import pwd
import sys
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import AbstractAsyncContextManager
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
from approvals.presentation import account_text, change_renderable, outcome_text, pending_table, proposal_panel
from approvals.write_checks import CheckedWrite, WriteRefused, check_write
from briefs.resolve import ResolveError
from cli.account_scope import AccountDirectory, AccountScope
from cli.approve_stops import STOP_QUESTION, StopRequests
from cli.resolve_view import report_lookup_failure
from config.crashpoints import crash_point
from config.settings import Settings
from domain.proposals import PROPOSAL_KINDS, ProposedAction
from domain.recommendations import Recommendation, WriteResult
from domain.safe_text import safe_inline
from integrations.zoho.errors import ZohoError
from integrations.zoho.gateway import ZohoGateway
from state.errors import StateStoreError
from state.store import StateStore

log = logging.getLogger(__name__)
KINDS = PROPOSAL_KINDS
CHOICES = "[a]pprove  [e]dit & approve  [r]eject  [s]kip  [q]uit"
GatewayFactory = Callable[[Settings, StateStore], AbstractAsyncContextManager[ZohoGateway]]
HOW_TO_DECIDE = (
    "Decide in a terminal with `python main.py approve`, or in batch with `--approve-all` or "
    "`--reject-all REASON` (narrow with --account NAME / --owner EMAIL / --kind KIND)."
)
OPEN_STATUSES = ("pending", "failed", "approved", "executing")


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
    owner: str | None = None,
    kind: str | None = None,
    approve_all: bool = False,
    reject_all: str | None = None,
    execute_only: bool = False,
    yes: bool = False,
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
        owner=owner,
        kind=kind,
        gateway_factory=gateway_factory or open_gateway,
        on_decision=on_decision,
    )
    try:
        if list_only:
            return asyncio.run(session.list_pending(as_json=as_json))
        if interactive is None:
            interactive = sys.stdin.isatty()
        return asyncio.run(
            session.main(
                approve_all=approve_all,
                reject_all=reject_all,
                execute_only=execute_only,
                interactive=interactive,
                yes=yes,
            )
        )
    except StateStoreError as exc:
        err.print(Text(f"{exc} — {exc.hint}", style="red"))
        return 1
    except (EOFError, KeyboardInterrupt):
        err.print("Stopped. Nothing is half-done: decisions so far are saved and each approved write was sent.")
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
        owner: str | None = None,
    ) -> None:
        self.settings = settings
        self.store = store
        self.console = console
        self.account_ref = account
        self.owner_ref = owner
        self.kind = kind
        self.gateway_factory = gateway_factory
        self.on_decision = on_decision
        self.by = operator_name()
        self.scope = AccountScope(account_id=account.strip() if account else None)  # an id until prepare() resolves
        self.directory = AccountDirectory()
        self.stops = StopRequests()
        self.outcomes: list[ExecutionOutcome] = []
        self._stack = contextlib.AsyncExitStack()
        self._gateway: ZohoGateway | None = None

    # --- scope and listing -------------------------------------------------------------------------
    def _stored(self, statuses: Iterable[str]) -> list[Recommendation]:
        recs = self.store.list_recommendations(status=list(statuses), account_id=self.scope.account_id, kind=self.kind)
        return [r for r in recs if self.scope.keeps(r.proposal.account_id, self.directory)]

    def pending(self, *, include_failed: bool = False) -> list[Recommendation]:
        recs = self._stored(["pending", "failed"] if include_failed else ["pending"])

        def by_account(r: Recommendation) -> tuple[str, str, Any]:
            name = self.directory.name(r.proposal.account_id) or ""
            return (name.lower(), r.proposal.account_id, r.created_at)

        return sorted(recs, key=by_account)

    async def prepare(self, *, names: bool) -> None:
        """Resolve --account / --owner, and fetch the names (and owners) of the accounts in view.
        Raises ``ResolveError`` (exit 2) and ``ZohoError`` (exit 1). An empty queue needs no lookup."""
        if not self.store.list_recommendations(status=list(OPEN_STATUSES)):
            return
        self.scope = await AccountScope.resolve(
            self.gateway, self.directory, account=self.account_ref, owner=self.owner_ref, known_id=self._queued
        )
        if not (names or self.scope.owner is not None):
            return
        in_view = self.store.list_recommendations(
            status=list(OPEN_STATUSES), account_id=self.scope.account_id, kind=self.kind
        )
        if not await self.directory.learn(self.gateway, (r.proposal.account_id for r in in_view)):
            if self.scope.owner is not None:
                raise ResolveError(
                    f"Cannot tell which accounts {self.scope.owner.email or self.scope.owner.id} owns: "
                    f"Zoho: {self.directory.problem}",
                    [],
                )
            self.console.print(
                Text(f"Account names unavailable (Zoho: {self.directory.problem}); showing ids.", style="dim")
            )

    def _queued(self, account_id: str) -> bool:
        """Whether the queue holds proposals for this account id (then it needs no lookup)."""
        return bool(self.store.list_recommendations(account_id=account_id))

    async def list_pending(self, *, as_json: bool) -> int:
        async with self._stack:
            code = await self._prepared(names=not as_json)
            if code is not None:
                return code
            recs = self.pending()
            if as_json:
                payload = {"pending": [r.model_dump(mode="json") for r in recs]}
                self.console.file.write(json.dumps(payload, indent=2) + "\n")
                return 0
            self._print_pending(recs)
            return 0

    async def _prepared(self, *, names: bool) -> int | None:
        """``prepare``; an exit code when it failed (after saying why), else None."""
        try:
            await self.prepare(names=names)
        except (ResolveError, ZohoError) as exc:
            return report_lookup_failure(self.console, exc)
        return None

    def _print_pending(self, recs: list[Recommendation]) -> None:
        where = self.scope.describe(self.directory)
        if not recs:
            self.console.print(Text("No pending proposals" + (f" {where}" if where else "") + "."))
        else:
            self.console.print(pending_table(recs, self.directory.names, width=self.console.width))
        approved = self._stored(["approved", "executing"])
        if approved:
            self.console.print(
                f"{len(approved)} approved write(s) wait for execution: run `python main.py approve --execute`."
            )

    # --- the session -------------------------------------------------------------------------------
    async def main(
        self, *, approve_all: bool, reject_all: str | None, execute_only: bool, interactive: bool, yes: bool = False
    ) -> int:
        try:
            with self.stops.installed_for():
                return await self._main(
                    approve_all=approve_all,
                    reject_all=reject_all,
                    execute_only=execute_only,
                    interactive=interactive,
                    yes=yes,
                )
        finally:
            self._prune_outbox()

    def _prune_outbox(self) -> None:
        """Staged copies of uploads that were sent, rejected or superseded are not needed any more."""
        try:
            prune_outbox(self.settings.home, self.store)
        except (OSError, StateStoreError) as exc:  # housekeeping never fails the command
            log.warning("could not prune the attachment outbox: %s", exc)

    async def _main(
        self, *, approve_all: bool, reject_all: str | None, execute_only: bool, interactive: bool, yes: bool
    ) -> int:
        async with self._stack:
            code = await self._prepared(names=True)
            if code is not None:
                return code
            finished = await self.finish_earlier(announce_nothing=execute_only)
            if execute_only or not finished:
                return self._summary()
            if reject_all is not None or approve_all:
                return await self._batch(reject_all, interactive=interactive, yes=yes)
            if not interactive:
                self._print_pending(self.pending())
                if self.pending():
                    self.console.print(f"Nothing decided: stdin is not a terminal. {HOW_TO_DECIDE}")
                return self._summary() if self.outcomes else 0
            await self._interactive()
            return self._summary()

    # --- batch -------------------------------------------------------------------------------------
    async def _batch(self, reject_reason: str | None, *, interactive: bool, yes: bool) -> int:
        approving = reject_reason is None
        flag = "--approve-all" if approving else "--reject-all"
        recs = self.pending()
        if not recs:
            where = self.scope.describe(self.directory)
            self.console.print(Text(f"No pending proposals{' ' + where if where else ''}; nothing to decide."))
            return self._summary()
        if not (self.scope.narrowed or self.kind or yes):
            if not interactive:
                self.console.print(
                    Text(
                        f"{flag} without --account, --owner or --kind would decide all {len(recs)} pending "
                        "proposal(s): add --yes to confirm, or narrow it (see `python main.py approve --list`).",
                        style="red",
                    ),
                    soft_wrap=True,
                )
                return 2
            if not self._confirm_batch(recs, approving):
                self.console.print("Nothing decided.")
                return 0
        decided = 0
        for rec in recs:
            if self.stops.take() and (not interactive or self._confirm_stop()):
                break
            outcomes = await self._decide_and_write(rec, "approved" if approving else "rejected", reason=reject_reason)
            decided += 1
            if outcomes is None or any(isinstance(o, ExecutionFailure) and o.stops_batch for o in outcomes):
                break  # every later write would fail the same way: they stay pending, undecided
        self.console.print(f"{'Approved' if approving else 'Rejected'} {decided} proposal(s).")
        if decided < len(recs):
            self.console.print(Text(f"{len(recs) - decided} left pending (not decided).", style="yellow"))
        return self._summary() if approving or self.outcomes else 0

    def _confirm_batch(self, recs: list[Recommendation], approving: bool) -> bool:
        self.console.print(pending_table(recs, self.directory.names, width=self.console.width))
        question = (
            f"Approve all {len(recs)} proposal(s) above and write them to Zoho now?"
            if approving
            else f"Reject all {len(recs)} proposal(s) above?"
        )
        try:
            answer = Prompt.ask(Text(question), choices=["y", "n"], default="n", console=self.console)
        except (KeyboardInterrupt, EOFError):
            self.console.print()
            return False
        return answer == "y"

    # --- interactive -------------------------------------------------------------------------------
    async def _interactive(self) -> None:
        recs = self.pending(include_failed=True)
        if not recs:
            self.console.print("No pending proposals.")
            return
        tally = {"approved": 0, "rejected": 0, "skipped": 0}
        shown_account = None
        for index, rec in enumerate(recs, 1):
            if rec.proposal.account_id != shown_account:
                shown_account = rec.proposal.account_id
                self.console.rule(account_text(shown_account, self.directory.names))
            checked, refused, current_error = await self._check(rec.proposal)
            current = checked.current if checked is not None else None
            self.console.print(
                proposal_panel(
                    rec,
                    index=index,
                    total=len(recs),
                    current_error=current_error,
                    checked=checked,
                    refused=refused,
                    names=self.directory.names,
                )
            )
            answer = self._choose()
            if answer == "q":
                break
            outcome = await self._act(rec, answer, current)
            if outcome is None:
                break
            tally[outcome] += 1
        self.console.print(", ".join(f"{n} {what}" for what, n in tally.items()) + ".")

    def _choose(self) -> str:
        """The user's answer to a proposal; ``q`` when they chose to stop (Ctrl-C, then yes; or Ctrl-D)."""
        while True:
            if self.stops.take() and self._confirm_stop():
                return "q"
            try:
                return str(
                    Prompt.ask(
                        Text(CHOICES), choices=["a", "e", "r", "s", "q"], show_choices=False, console=self.console
                    )
                )
            except KeyboardInterrupt:
                self.console.print()
                if self._confirm_stop():
                    return "q"
            except EOFError:
                self.console.print()
                return "q"

    def _confirm_stop(self) -> bool:
        try:
            answer = Prompt.ask(Text(STOP_QUESTION), choices=["y", "n"], default="y", console=self.console)
        except (KeyboardInterrupt, EOFError):
            self.console.print()
            return True
        return answer == "y"

    async def _act(self, rec: Recommendation, answer: str, current: dict[str, Any] | None) -> str | None:
        """Carry out one answer; returns what it counts as, or None to stop the session."""
        edited: ProposedAction | None = None
        reason: str | None = None
        try:
            if answer == "r":
                reason = ""
                while not reason.strip():
                    reason = Prompt.ask(Text("Why reject it? (required)"), console=self.console)
            elif answer == "e":
                edited = self._edit(rec.proposal)
                if edited is None:
                    self.console.print("Edit abandoned; left pending.")
                    return "skipped"
                self.console.print(Text("Approved as edited:", style="bold"))
                self.console.print(change_renderable(edited, current))
        except (KeyboardInterrupt, EOFError):
            self.console.print()
            self.console.print("Left pending.")
            return None if self._confirm_stop() else "skipped"
        decision = {"a": "approved", "e": "approved", "r": "rejected", "s": "skipped"}[answer]
        outcomes = await self._decide_and_write(rec, decision, reason=reason, edited=edited)
        if outcomes is None:
            return None
        if self.stops.take() and self._confirm_stop():
            return None
        return decision

    def _edit(self, proposal: ProposedAction) -> ProposedAction | None:
        def ask(label: str, default: str) -> str:  # rich would print the default (CRM text) raw: shown safe here
            shown = Text(safe_inline(label)) + Text(f" ({safe_inline(default, limit=200)})", style="prompt.default")
            return str(Prompt.ask(shown, default=default, show_default=False, console=self.console))

        for _ in range(3):
            try:
                return edit_proposal(proposal, ask)
            except ValidationError as exc:
                for e in exc.errors(include_url=False):
                    where = ".".join(str(x) for x in e.get("loc", ()))
                    self.console.print(Text(f"Not valid: {where}: {e.get('msg')}", style="red"))
                self.console.print("Let's try again.")
        return None

    # --- deciding and writing ------------------------------------------------------------------------
    async def _decide_and_write(
        self, rec: Recommendation, decision: Any, *, reason: str | None = None, edited: ProposedAction | None = None
    ) -> list[ExecutionOutcome] | None:
        """Record the decision and, when approved, send the write and show its outcome, as one step that
        Ctrl-C does not split. Returns the outcomes (empty when not approved), or None when the executor
        could not run (busy, Zoho unreachable: already said)."""
        with self.stops.holding():
            await decide(
                self.store, rec.id, decision, by=self.by, reason=reason, edited=edited, on_decision=self.on_decision
            )
            crash_point("approve.decided")
            if decision != "approved":
                return []
            return await self._execute([rec.id])

    async def finish_earlier(self, *, announce_nothing: bool) -> bool:
        """Send the writes an earlier run left approved (an outage) or half-sent (a crash) first.
        False when the executor could not run (the message said why)."""
        ids = [r.id for r in self._stored(["approved"])]
        leftovers = self.store.executing_recommendations()
        if not ids and not leftovers:
            if announce_nothing:
                self.console.print("Nothing approved to execute.")
            return True
        if leftovers:
            self.console.print(
                f"Reconciling {len(leftovers)} write(s) a previous run left unfinished "
                "(re-sent with the same idempotency key; nothing is written twice)."
            )
        if ids:
            self.console.print(f"Executing {len(ids)} approved write(s) left from an earlier run…")
        with self.stops.holding():
            return await self._execute(ids) is not None

    async def _execute(self, ids: list[str]) -> list[ExecutionOutcome] | None:
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
            return None
        except ZohoError as exc:
            self.console.print(
                Text(
                    f"Could not reach Zoho: {exc}. {exc.hint} The approved writes are kept; "
                    "run `python main.py approve --execute` when it is fixed.",
                    style="red",
                )
            )
            self.outcomes.append(
                ExecutionFailure(recommendation_id="", error=str(exc), hint=exc.hint, retryable=True, status="approved")
            )
            return None
        self.outcomes += outcomes
        return outcomes

    def _show_outcome(self, outcome: ExecutionOutcome) -> None:
        rec = self.store.get_recommendation(outcome.recommendation_id)
        self.console.print(outcome_text(rec, outcome, self.directory.names))

    def _summary(self) -> int:
        outcomes = self.outcomes
        if not outcomes:
            return 0
        created = sum(1 for o in outcomes if isinstance(o, WriteResult) and o.created)
        present = sum(1 for o in outcomes if isinstance(o, WriteResult) and not o.created)
        retry = sum(1 for o in outcomes if isinstance(o, ExecutionFailure) and o.retryable)
        done_before = sum(1 for o in outcomes if isinstance(o, ExecutionFailure) and o.duplicate_of)
        failed = sum(1 for o in outcomes if isinstance(o, ExecutionFailure) and not o.retryable) - done_before
        line = f"Done: {created} written, {present} already present, {retry} to retry, {failed} failed"
        self.console.print(line + (f", {done_before} not sent (already done)." if done_before else "."))
        return 1 if retry or failed else 0

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


@contextlib.asynccontextmanager
async def fixed_gateway(gateway: ZohoGateway) -> AsyncIterator[ZohoGateway]:
    """A gateway factory result for an already built gateway (tests, the chat command)."""
    yield gateway


__all__ = ["ApproveSession", "fixed_gateway", "operator_name", "run"]
