"""``review_account``: the agents' review of one flagged account, for ``review.pipeline`` (its reviewer).

One orchestrated run per account within ``settings.account_budget_usd``. Proposals reach the approval
queue through the run's own door (``propose_action`` or a write caught by the gate), so the result carries
their ids (``queued_ids``) and what the run cost; the pipeline falls back to rules when none were queued.
"""

from __future__ import annotations

import asyncio
import uuid
import weakref
from collections.abc import Sequence
from typing import Any, Protocol

from agents.options import get_run_context
from agents.runner import run_orchestrator
from agents.session import ApprovalDoor, build_session_options, open_read_only_memory
from config.settings import Settings
from domain.agent_review import AgentReview
from integrations.zoho.gateway import ZohoGateway
from integrations.zoho.models import Account360

# Per event loop (one review run): memory dir -> the read-only memory (or None), and the lock that opens it.
_MEMORY: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, tuple[asyncio.Lock, dict[str, Any]]] = (
    weakref.WeakKeyDictionary()
)


class FlaggedSignal(Protocol):
    """One signal of the triage as the review prompt reads it (``review.models.Signal`` has these)."""

    @property
    def kind(self) -> str: ...
    @property
    def severity(self) -> str: ...
    @property
    def summary(self) -> str: ...
    @property
    def evidence(self) -> Sequence[str]: ...
    @property
    def subject_id(self) -> str | None: ...
    @property
    def subject_module(self) -> str | None: ...
    @property
    def subject_name(self) -> str | None: ...
    @property
    def quote(self) -> str | None: ...
    @property
    def quote_record_id(self) -> str | None: ...


class FlaggedAccount(Protocol):
    """The triage of one flagged account as the agents read it (``review.models.AccountTriage`` has these)."""

    @property
    def account_id(self) -> str: ...
    @property
    def account_name(self) -> str: ...
    @property
    def score(self) -> int: ...
    @property
    def signals(self) -> Sequence[FlaggedSignal]: ...


def review_prompt(triage: FlaggedAccount) -> str:
    """The orchestrator's task for one flagged account (the signals are the triage's, with record ids)."""
    lines = [
        f"Review this account for the nightly account review and queue at most three next-best actions "
        f"for human approval.\nAccount: {triage.account_id}",
        f"Name: {triage.account_name}. Health score {triage.score}/100.",
        "The triage flagged:",
    ]
    for s in triage.signals:
        evidence = ", ".join(s.evidence[:5])
        lines.append(f"- [{s.severity}] {s.kind}: {s.summary} (records: {evidence or s.subject_id})")
        if s.quote:
            lines.append(
                f"  Finding to confirm or dismiss: {s.kind} about {s.subject_name or s.subject_id} "
                f"({s.subject_module} {s.subject_id}), resting on this sentence of record {s.quote_record_id}: "
                f"\u201c{s.quote}\u201d"
            )
    lines.append("Check the facts in the CRM and the account's history before proposing; cite record ids.")
    if any(s.quote for s in triage.signals):
        lines.append(
            "For each finding read from a note, first decide whether its sentence really says that, about that "
            "subject; dismiss_finding the ones it does not support, and propose only on confirmed findings."
        )
    return "\n".join(lines)


async def _shared_memory(settings: Settings) -> Any:
    """The read-only memory, opened once per review (event loop) and shared by its account reviews."""
    lock, opened = _MEMORY.setdefault(asyncio.get_running_loop(), (asyncio.Lock(), {}))
    key = str(settings.memory_dir.expanduser().resolve())
    async with lock:
        if key not in opened:
            try:
                opened[key] = await open_read_only_memory(settings)
            except Exception:  # not synced yet or unavailable: the Memory Analyst says so
                opened[key] = None
        return opened[key]


async def review_account(
    triage: FlaggedAccount,
    account360: Account360,
    *,
    settings: Settings,
    gateway: ZohoGateway,
    approvals: ApprovalDoor,
    memory: Any = None,
    model_env: dict[str, str] | None = None,
) -> AgentReview:
    """Run the orchestrator on one flagged account, its proposals through ``approvals`` (the review's
    ``approvals.agent_door.store_approvals``). Never raises for model trouble: a stop or failure
    is reported in ``error`` with whatever was queued before it. Raises ``ZohoCreditsExhaustedError`` when
    Zoho's credits (or the run's budget of them) ran out during the review: the run stops, resumable."""
    if memory is None:
        memory = await _shared_memory(settings)
    run_id = f"review-{triage.account_id}-{uuid.uuid4().hex[:8]}"
    options = build_session_options(
        settings,
        gateway=gateway,
        approvals=approvals,
        memory=memory,
        run_id=run_id,
        model_env=model_env,
        max_budget_usd=settings.account_budget_usd,
    )
    result = await run_orchestrator(options, review_prompt(triage))
    stopped_by = get_run_context(options).stopped_by
    if stopped_by is not None:  # the Zoho credits ran out mid-review: this account is reviewed again on resume
        raise stopped_by
    problems = [] if result.ok else [result.answer.splitlines()[-1] if result.answer else result.stopped_reason]
    problems += [w for w in result.warnings if "MCP server" in w]
    return AgentReview(
        queued_ids=result.proposals,
        cost_usd=result.cost_usd,
        model_calls=result.num_turns,
        input_tokens=result.input_tokens,
        output_tokens=result.output_tokens,
        suspicious=bool(result.suspicious_proposals) or bool(result.injection_findings),
        dismissed=[(d["kind"], d["subject_id"]) for d in result.dismissed_findings],
        error="; ".join(problems)[:400] or None,
    )
