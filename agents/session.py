"""The agents composed from settings and the real parts: the state store's approval queue and audit log,
the Zoho gateway and (read-only) long-term memory.

    store = StateStore.open(settings)
    async with read_only_memory(settings) as memory:          # None when never synced
        options = build_session_options(settings, gateway=gateway, store=store, memory=memory)
        result = await run_orchestrator(options, question)

Every proposal (``propose_action`` or a write caught by the approval gate) goes through
``approvals.queueing.queue_proposal`` with the run id and the suspicious flag: screened against what a
person already decided about the same situation (the account read fresh with ``get_account_360``), then
queued, or refused with a message the model can act on. Every audit event goes to ``store.record_audit``.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from claude_agent_sdk import ClaudeAgentOptions

from agents.memory_access import (
    AccountMemoryReader,
    as_memory_reader,
    memory_synced,
    open_read_only_memory,
    read_only_memory,
)
from agents.options import build_options
from agents.run_context import AuditSink, Enqueue, ProposalRefused
from approvals.queueing import DEFAULT_WINDOW, DecisionQueue, queue_proposal
from approvals.screening import Screening
from config.settings import Settings
from domain.proposals import ProposedAction
from domain.recommendations import Recommendation
from integrations.zoho.errors import ZohoError
from integrations.zoho.gateway import ZohoGateway


class SessionStore(DecisionQueue, Protocol):
    """What a session needs from ``state.store.StateStore``: the decisions-aware approval queue and the
    audit log (``approvals.queueing.DecisionQueue``)."""


def refusal(screening: Screening) -> str:
    """Why a held proposal was not queued, said to the model so it can act on it."""
    prior = screening.prior
    ref = f" (recommendation {prior.recommendation_id})" if prior else ""
    if prior is not None and prior.status == "rejected":
        return (
            f"a person already rejected this action{ref}: {screening.reason}. Do not propose it again unless a "
            "record shows something new since that decision; cite that record. Mention the rejection and its "
            "reason in your report instead."
        )
    return (
        f"this action was already done{ref}: {screening.reason}. Do not propose it again while it holds; "
        "mention it in your report."
    )


def store_enqueue(
    store: SessionStore, run_id: str, *, gateway: ZohoGateway | None = None, window: timedelta = DEFAULT_WINDOW
) -> Enqueue:
    """``enqueue(proposal, suspicious)``: screened against past decisions on the same situation (the
    account's records read with ``gateway.get_account_360``), then into the store's approval queue stamped
    with the run id; raises ``ProposalRefused`` for a situation that was rejected with nothing new since, or
    done and still holding."""

    async def enqueue(proposal: ProposedAction, suspicious: bool) -> Recommendation:
        records: list[Any] = []
        if gateway is not None:
            try:
                view = await gateway.get_account_360(proposal.account_id)
                records = [view.account, *view.contacts, *view.deals, *view.tasks, *view.notes]
            except ZohoError:  # judged without fresh records: a rejection then holds (nothing new is seen)
                records = []
        outcome = queue_proposal(
            store,
            proposal,
            records=records,
            complete=False,
            now=datetime.now(UTC),
            window=window,
            run_id=run_id,
            suspicious=suspicious,
        )
        if outcome.recommendation is None:
            raise ProposalRefused(refusal(outcome.screening))
        return outcome.recommendation

    return enqueue


def store_audit(store: SessionStore) -> AuditSink:
    def audit(event: dict[str, Any]) -> None:
        store.record_audit(event)

    return audit


# --- options ------------------------------------------------------------------------------------
def build_session_options(
    settings: Settings,
    *,
    gateway: ZohoGateway,
    store: SessionStore,
    memory: Any = None,
    run_id: str | None = None,
    model_env: dict[str, str] | None = None,
    max_budget_usd: float | None = None,
    max_turns: int | None = None,
    remote_write_tools: Sequence[str] = (),
) -> ClaudeAgentOptions:
    """Options for one orchestrated run over the real store (queue + audit) and memory.

    ``memory`` is an ``AccountMemory`` (opened read-only), a ``MemoryReader``, or None: then the Memory
    Analyst's tools answer that memory is not built yet. ``model_env`` replaces the settings' model
    environment (tests pass the scripted model's ``env()``)."""
    run_id = run_id or f"run-{uuid.uuid4().hex[:12]}"
    return build_options(
        settings,
        gateway=gateway,
        enqueue=store_enqueue(store, run_id, gateway=gateway, window=settings.duplicate_window),
        audit=store_audit(store),
        memory=as_memory_reader(memory),
        run_id=run_id,
        model_env=model_env,
        max_budget_usd=max_budget_usd,
        max_turns=max_turns,
        remote_write_tools=remote_write_tools,
    )


__all__ = [
    "AccountMemoryReader",
    "SessionStore",
    "as_memory_reader",
    "build_session_options",
    "memory_synced",
    "open_read_only_memory",
    "read_only_memory",
    "store_audit",
    "store_enqueue",
]
