"""The approval workflow's door for one agent run (``agents.session.ApprovalDoor``): what the agents may
not decide for themselves, passed in by the workflow that drives them.

    approvals = store_approvals(settings, store, gateway)
    options = build_session_options(settings, gateway=gateway, approvals=approvals, memory=memory)

Every proposal (``propose_action`` or a write caught by the approval gate) is checked against Zoho
(``approvals.write_checks``), then goes through ``approvals.queueing.queue_proposal`` with the run id and the
suspicious flag: screened against what a person already decided about the same situation (the account read
fresh with ``get_account_360``), then queued, or refused with a message the model can act on. Every audit
event goes to ``store.record_audit``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from agents.run_context import AuditSink, Enqueue, ProposalRefused, WriteCheck
from approvals.queueing import DEFAULT_WINDOW, DecisionQueue, queue_proposal
from approvals.screening import Screening
from approvals.write_checks import WriteRefused, check_write
from config.settings import Settings
from domain.proposals import ProposedAction
from domain.recommendations import Recommendation
from integrations.zoho.errors import ZohoError
from integrations.zoho.gateway import ZohoGateway


class SessionStore(DecisionQueue, Protocol):
    """What an agent run needs from ``state.store.StateStore``: the decisions-aware approval queue and the
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


def zoho_write_check(gateway: Any) -> WriteCheck:
    """The queue-time check of ``approvals.write_checks`` over ``gateway``, refusing with a message meant
    for the model."""

    async def check(proposal: ProposedAction) -> None:
        try:
            await check_write(proposal, gateway)
        except WriteRefused as exc:
            raise ProposalRefused(f"{exc}. Propose only changes to this account's own records and fields.") from None
        except ZohoError as exc:
            raise ProposalRefused(f"it could not be checked against Zoho ({exc}); nothing was queued") from None

    return check


@dataclass(frozen=True)
class StoreApprovals:
    """``agents.session.ApprovalDoor`` over the state store and the Zoho gateway."""

    store: SessionStore
    gateway: ZohoGateway
    window: timedelta = DEFAULT_WINDOW

    def enqueue_for(self, run_id: str) -> Enqueue:
        return store_enqueue(self.store, run_id, gateway=self.gateway, window=self.window)

    def write_check(self) -> WriteCheck:
        return zoho_write_check(self.gateway)

    def audit_sink(self) -> AuditSink:
        return store_audit(self.store)


def store_approvals(settings: Settings, store: SessionStore, gateway: ZohoGateway) -> StoreApprovals:
    """The door an agent run over ``store`` and ``gateway`` gets (duplicates screened within
    ``settings.duplicate_window``)."""
    return StoreApprovals(store, gateway, window=settings.duplicate_window)
