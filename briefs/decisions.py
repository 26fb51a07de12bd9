"""What a person already decided about an account, in the brief: the "Decided recently" lines, and for each
open risk whether its action was rejected (with the reason, and what is new since) or is already done.

A risk's action is the rules' proposal for its signal (``review.rules``), screened exactly as the review
screens it (``approvals.screening``) against the account's decisions (``StateStore.recent_decisions``), so
the brief never recommends an action a person rejected as if it were new, and never one already done.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Protocol

from approvals.queueing import DEFAULT_WINDOW
from approvals.screening import Screening, day, screen
from briefs.models import DecisionLine
from domain.recommendations import Recommendation
from domain.safe_text import safe_inline
from domain.situation import same_situation
from integrations.zoho.models import Account360, CrmRecord
from review.models import AccountTriage, Signal
from review.rules import propose_for_signal
from review.run_models import proposal_summary

MAX_DECIDED = 8
_STATUS_WORD = {
    "rejected": "Rejected",
    "executed": "Done",
    "approved": "Approved (not yet written)",
    "executing": "Being written",
    "failed": "Approved, but Zoho refused it",
    "superseded": "Not sent (already done)",
}


class DecisionSource(Protocol):
    """What the brief reads from ``state.store.StateStore``."""

    def recent_decisions(
        self,
        *,
        account_id: str | None = None,
        since: datetime | None = None,
        statuses: Iterable[str] = ...,
        limit: int = 50,
    ) -> list[Recommendation]: ...

    def list_recommendations(self, *, status: str, account_id: str) -> list[Recommendation]: ...


MAX_PENDING = 8


def pending_lines(pending: Sequence[Recommendation]) -> list[DecisionLine]:
    """Proposals on the account waiting for a decision, one line each (what; short id to decide it by)."""
    lines = []
    for rec in pending[:MAX_PENDING]:
        what = safe_inline(proposal_summary(rec.proposal), limit=120)
        mark = " — marked SUSPICIOUS: check it carefully" if rec.suspicious else ""
        lines.append(
            DecisionLine(
                text=f"{what} (proposal {rec.id[:8]}, {rec.proposal.origin}){mark}",
                record_id=rec.proposal.target_id,
                module=rec.proposal.target_module,
                at=rec.created_at,
                recommendation_id=rec.id,
                status=rec.status,
            )
        )
    return lines


def decided_lines(decisions: Sequence[Recommendation], *, today: date) -> list[DecisionLine]:
    """The latest decisions on the account, one line each: what, when, by whom, why (the reason kept)."""
    lines = []
    for rec in decisions[:MAX_DECIDED]:
        what = safe_inline(proposal_summary(rec.proposal), limit=120)
        when = day(rec.executed_at if rec.status == "executed" else rec.decided_at, today=today)
        text = f"{_STATUS_WORD.get(rec.status, rec.status)} on {when}: {what}"
        if rec.decided_by:
            text += f" (by {safe_inline(rec.decided_by, limit=60)})"
        if rec.decision_reason:
            text += f" — reason: {safe_inline(rec.decision_reason, limit=200)}"
        done = rec.status == "executed" and rec.result_record_id
        lines.append(
            DecisionLine(
                text=text,
                record_id=rec.result_record_id if done else rec.proposal.target_id,
                module=(rec.result_module if done else rec.proposal.target_module),
                at=rec.decided_at,
                recommendation_id=rec.id,
                status=rec.status,
                reason=rec.decision_reason,
            )
        )
    return lines


def screen_signal(
    triage: AccountTriage,
    signal: Signal,
    decisions: Sequence[Recommendation],
    view: Account360,
    *,
    now: datetime,
    window: timedelta = DEFAULT_WINDOW,
) -> Screening | None:
    """How the rules' action for ``signal`` stands against past decisions; None when nothing was decided."""
    proposal = propose_for_signal(triage, signal, today=now.date())
    if proposal is None:  # the records already resolve it: nothing was or will be proposed
        return None
    history = [r for r in decisions if r.status in ("rejected", "executed") and same_situation(r.proposal, proposal)]
    if not history:
        return None
    history.sort(key=lambda r: r.executed_at or r.decided_at or r.created_at, reverse=True)
    records: list[CrmRecord] = [view.account, *view.contacts, *view.deals, *view.tasks, *view.notes]
    return screen(proposal, history, records, complete=False, now=now, window=window)


def decision_note(screening: Screening) -> str:
    """One line for the risk: the past decision, and what is new since when the action is back."""
    prior = screening.prior
    return safe_inline(prior.message if prior else "", limit=400)


__all__ = ["DecisionSource", "decided_lines", "decision_note", "screen_signal"]
