"""The one door into the approval queue for proposals from the review, the listener and the agents:
screen the proposal against past decisions on its situation (``approvals.screening``), then queue it
with its evidence basis and prior decision, or hold it (audited as ``proposal``/``held`` with why).

Operator commands that queue a specific action themselves (``--attach``) use ``StateStore.enqueue``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any, Protocol

from pydantic import BaseModel

from approvals.screening import Screening, screen
from domain.proposals import ProposedAction
from domain.recommendations import EvidenceBasis, PriorDecision, Recommendation
from integrations.zoho.models import CrmRecord

DEFAULT_WINDOW = timedelta(days=30)


class DecisionQueue(Protocol):
    """What queueing needs from ``state.store.StateStore``."""

    def situation_history(
        self, proposal: ProposedAction, *, statuses: Iterable[str] = ("rejected", "executed")
    ) -> list[Recommendation]: ...

    def enqueue(
        self,
        proposal: ProposedAction,
        *,
        run_id: str | None = None,
        suspicious: bool = False,
        basis: EvidenceBasis | None = None,
        prior: PriorDecision | None = None,
    ) -> tuple[Recommendation, bool]: ...

    def record_audit(self, event: dict[str, Any]) -> int: ...


class Queued(BaseModel):
    """What became of one proposal: queued (``recommendation``, ``created`` False when an open one for the
    same situation was already there) or held (``recommendation`` None; ``screening.reason`` says why)."""

    screening: Screening
    recommendation: Recommendation | None = None
    created: bool = False

    @property
    def held(self) -> bool:
        return self.recommendation is None


def queue_proposal(
    store: DecisionQueue,
    proposal: ProposedAction,
    *,
    records: Sequence[CrmRecord],
    complete: bool,
    now: datetime,
    window: timedelta = DEFAULT_WINDOW,
    run_id: str | None = None,
    suspicious: bool = False,
) -> Queued:
    """Screen ``proposal`` against its situation's past decisions and the account's ``records`` (read from
    Zoho now; ``complete`` when they are all of the account's records), then queue or hold it."""
    screening = screen(proposal, store.situation_history(proposal), records, complete=complete, now=now, window=window)
    if not screening.queue:
        store.record_audit(
            {
                "kind": "proposal",
                "outcome": "held",
                "run_id": run_id,
                "account_id": proposal.account_id,
                "agent_type": "rules" if proposal.origin == "rules" else None,
                "input_summary": f"{proposal.kind} on {proposal.target_module}/{proposal.target_id}: "
                f"{screening.reason}",
                "detail": {
                    "situation_key": proposal.situation_key(),
                    "prior_decision": screening.prior.recommendation_id if screening.prior else None,
                    "reason": screening.reason,
                    "signal_kind": proposal.signal_kind,
                },
            }
        )
        return Queued(screening=screening)
    if screening.prior is not None:  # proposed again: the rationale says after what, and what is new
        rationale = f"{proposal.rationale}\n{screening.prior.message}"[:4000]
        proposal = proposal.model_copy(update={"rationale": rationale})
    rec, created = store.enqueue(
        proposal, run_id=run_id, suspicious=suspicious, basis=screening.basis, prior=screening.prior
    )
    return Queued(screening=screening, recommendation=rec, created=created)


__all__ = ["DEFAULT_WINDOW", "DecisionQueue", "Queued", "queue_proposal"]
