"""``python main.py audit``: for each recommendation, the chain tool calls → proposal → decision →
write, as a tree (or JSON with ``--json``). Narrow with ``--account`` (name or Zoho id), ``--owner`` (email or
Zoho user id) and ``--run``; accounts are shown by name when Zoho can say (else by id).

Exit codes: 0 shown (or nothing matches); 1 the state store, or Zoho for an owner filter, failed; 2 an account
or owner that names nothing.

The tool calls shown under a proposal are the audited calls of the same run made before the proposal was
queued that concern its account or no account in particular (delegations, memory searches: what the agents
looked at), and the ``propose_action`` call that queued it (``hooks.audit`` links it by recommendation id).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from datetime import datetime, timedelta

from pydantic import BaseModel, Field
from rich.console import Console
from rich.text import Text
from rich.tree import Tree

from approvals.composition import open_gateway
from approvals.presentation import Names, account_text, kind_label, short_id
from briefs.resolve import ResolveError
from cli.account_scope import AccountDirectory, AccountScope
from cli.approve_command import GatewayFactory
from cli.resolve_view import report_lookup_failure
from config.settings import Settings
from domain.recommendations import Recommendation
from domain.safe_text import safe_inline
from integrations.zoho.errors import ZohoError
from integrations.zoho.gateway import ZohoGateway
from state.errors import StateStoreError
from state.models import AuditEvent
from state.store import StateStore

CHAIN_KINDS = ("proposal", "decision", "write", "decision_hook")
MAX_CHAINS = 200
UNLINKED_WINDOW = timedelta(hours=1)  # tool calls considered for a proposal made outside any run


class AuditChain(BaseModel):
    recommendation: Recommendation
    tool_calls: list[AuditEvent] = Field(default_factory=list)
    proposal: list[AuditEvent] = Field(default_factory=list)
    decisions: list[AuditEvent] = Field(default_factory=list)
    writes: list[AuditEvent] = Field(default_factory=list)


def build_chains(
    store: StateStore, *, account: str | None = None, run_id: str | None = None, limit: int = MAX_CHAINS
) -> list[AuditChain]:
    recs = store.list_recommendations(account_id=account, run_id=run_id)[-limit:]
    chains = []
    for rec in recs:
        own = store.list_audit(recommendation_id=rec.id)
        chain = AuditChain(
            recommendation=rec,
            proposal=[e for e in own if e.kind == "proposal"],
            decisions=[e for e in own if e.kind in ("decision", "decision_hook")],
            writes=[e for e in own if e.kind == "write"],
        )
        chain.tool_calls = _calls_behind(store, rec)
        chains.append(chain)
    return chains


def _calls_behind(store: StateStore, rec: Recommendation) -> list[AuditEvent]:
    """The audited tool calls behind one proposal (see the module doc)."""
    account = rec.proposal.account_id
    if rec.run_id is None:  # made outside any run: this account's calls shortly before
        around = store.list_audit(account_id=account, run_id=None, limit=500)
    else:
        around = store.list_audit(run_id=rec.run_id, limit=500)
    return [
        e
        for e in around
        if e.kind not in CHAIN_KINDS
        and e.account_id in (None, account)
        and (
            e.recommendation_id == rec.id
            or (
                e.recommendation_id is None
                and e.at <= rec.created_at
                and (rec.run_id is not None or rec.created_at - e.at <= UNLINKED_WINDOW)
            )
        )
    ]


def run(
    settings: Settings,
    *,
    account: str | None = None,
    owner: str | None = None,
    run_id: str | None = None,
    as_json: bool = False,
    console: Console | None = None,
    gateway_factory: GatewayFactory | None = None,
) -> int:
    console = console or Console(highlight=False)
    try:
        with StateStore.open(settings) as store:
            audit = _Audit(settings, store, console, gateway_factory or open_gateway)
            return asyncio.run(audit.show(account=account, owner=owner, run_id=run_id, as_json=as_json))
    except StateStoreError as exc:
        Console(stderr=True).print(Text(safe_inline(f"{exc} — {exc.hint}"), style="red"))
        return 1


class _Audit:
    """One ``audit``: the filters resolved (names and owners through Zoho), the chains, their view."""

    def __init__(self, settings: Settings, store: StateStore, console: Console, factory: GatewayFactory) -> None:
        self.settings, self.store, self.console, self.factory = settings, store, console, factory
        self.directory = AccountDirectory()
        self._stack = contextlib.AsyncExitStack()
        self._gateway: ZohoGateway | None = None

    async def gateway(self) -> ZohoGateway:
        if self._gateway is None:
            self._gateway = await self._stack.enter_async_context(self.factory(self.settings, self.store))
        return self._gateway

    async def show(self, *, account: str | None, owner: str | None, run_id: str | None, as_json: bool) -> int:
        async with self._stack:
            if not self.store.list_recommendations():  # nothing to narrow: no lookup needed
                return self._print([], narrowed=bool(account or owner or run_id), as_json=as_json)
            try:
                scope = await AccountScope.resolve(
                    self.gateway,
                    self.directory,
                    account=account,
                    owner=owner,
                    known_id=lambda ref: bool(self.store.list_recommendations(account_id=ref)),
                )
            except (ResolveError, ZohoError) as exc:
                return report_lookup_failure(self.console, exc)
            chains = build_chains(self.store, account=scope.account_id, run_id=run_id)
            if run_id is not None and not chains and self.store.get_run(run_id) is None:
                return self._no_such_run(run_id)
            if chains and (scope.owner is not None or not as_json):
                learned = await self.directory.learn(
                    self.gateway, (c.recommendation.proposal.account_id for c in chains)
                )
                if not learned and scope.owner is not None:
                    self.console.print(
                        Text(f"Cannot tell which accounts the owner has: Zoho: {self.directory.problem}", style="red")
                    )
                    return 1
            chains = [c for c in chains if scope.keeps(c.recommendation.proposal.account_id, self.directory)]
            return self._print(chains, narrowed=scope.narrowed or run_id is not None, as_json=as_json)

    def _no_such_run(self, run_id: str) -> int:
        """A mistyped ``--run``: say so (exit 2), rather than "nothing matches" as if the run proposed nothing."""
        latest = self.store.list_runs("review", limit=1)
        example = f" (the latest: {latest[0].id})" if latest else ""
        self.console.print(
            Text(
                safe_inline(
                    f"No run has the id {run_id!r}. A review's id is in its summary's title and report{example}."
                )
            )
        )
        return 2

    def _print(self, chains: list[AuditChain], *, narrowed: bool, as_json: bool) -> int:
        if as_json:
            payload = {"chains": [c.model_dump(mode="json") for c in chains]}
            self.console.file.write(json.dumps(payload, indent=2) + "\n")
            return 0
        if not chains:
            self.console.print(
                "No recommendations match." + ("" if narrowed else " Run `python main.py review` to produce some.")
            )
            return 0
        for account_id, group in _by_account(chains, self.directory.names):
            tree = Tree(Text("Account ", style="bold") + account_text(account_id, self.directory.names))
            for chain in group:
                _chain_tree(tree, chain)
            self.console.print(tree)
        if len(chains) == MAX_CHAINS:
            self.console.print(f"(showing the latest {MAX_CHAINS}; narrow with --account, --owner or --run)")
        return 0


def _last_change(chain: AuditChain) -> datetime:
    rec = chain.recommendation
    return max(t for t in (rec.created_at, rec.decided_at, rec.executed_at) if t is not None)


def _by_account(chains: list[AuditChain], names: Names) -> list[tuple[str, list[AuditChain]]]:
    """Chains grouped by account: the account changed last first (then by name), each account's chains oldest first."""
    groups: dict[str, list[AuditChain]] = {}
    for chain in sorted(chains, key=lambda c: c.recommendation.created_at):
        groups.setdefault(chain.recommendation.proposal.account_id, []).append(chain)

    def order(item: tuple[str, list[AuditChain]]) -> tuple[float, str]:
        account_id, group = item
        last = max(_last_change(c) for c in group).replace(microsecond=0)  # to the second, as shown
        return -last.timestamp(), (names.get(account_id) or account_id).casefold()

    return sorted(groups.items(), key=order)


def _when(event: AuditEvent) -> str:
    return event.at.strftime("%Y-%m-%d %H:%M:%S")


def _status_text(rec: Recommendation) -> Text:
    styles = {
        "executed": "green",
        "rejected": "red",
        "failed": "red",
        "pending": "yellow",
        "approved": "cyan",
        "executing": "magenta",
    }
    text = Text(rec.status, style=styles.get(rec.status, ""))
    if rec.status == "executed" and rec.result_record_id:
        text.append(safe_inline(f" → record {rec.result_record_id}"))
    if rec.error and rec.status in ("failed", "approved"):
        text.append(f" ({safe_inline(rec.error)})", style="dim")
    return text


def _event_line(event: AuditEvent, label: str) -> Text:
    line = Text(f"{_when(event)}  {label}", style="bold")
    if event.tool:
        line.append(safe_inline(f" {event.tool}"), style="cyan")
    if event.outcome:
        line.append(safe_inline(f" {event.outcome}"))
    duration = f"{event.duration_ms:.0f} ms" if event.duration_ms is not None else None
    extras = [x for x in (event.tier, duration) if x]
    if extras:
        line.append(f" ({', '.join(extras)})", style="dim")
    who = event.agent_type or ""
    if event.agent_id:
        who = f"{who} {event.agent_id}".strip()
    if who:
        line.append(safe_inline(f" by {who}"), style="dim")
    if event.input_summary:
        line.append(" — ")
        line.append(safe_inline(event.input_summary))
    return line


def _chain_tree(parent: Tree, chain: AuditChain) -> None:
    rec = chain.recommendation
    p = rec.proposal
    head = Text(f"[{short_id(rec.id)}] {kind_label(p)} on {p.target_module}/{safe_inline(p.target_id)} — ")
    head.append_text(_status_text(rec))
    if rec.suspicious:
        head.append("  ⚠ suspicious", style="bold red")
    node = parent.add(head)
    origin = "rule-based" if p.origin == "rules" else "agent"
    proposed = node.add(
        Text(
            f"{rec.created_at:%Y-%m-%d %H:%M:%S}  proposed by {origin}"
            + (safe_inline(f" in run {rec.run_id}") if rec.run_id else ""),
            style="bold",
        )
        + Text(f" — {safe_inline(p.rationale)}")
    )
    for call in chain.tool_calls:
        proposed.add(_event_line(call, call.kind))
    for event in chain.decisions:
        line = _event_line(event, event.kind)
        if event.detail.get("edited"):
            line.append("  (edited before approval)", style="yellow")
        node.add(line)
    for event in chain.writes:
        line = _event_line(event, "write")
        record = event.detail.get("record_id")
        if record:
            line.append(safe_inline(f" → {event.detail.get('module', '')}/{record}"), style="green")
        if event.detail.get("error"):
            line.append(f" {safe_inline(event.detail['error'])}", style="red")
        node.add(line)


__all__ = ["AuditChain", "build_chains", "run"]
