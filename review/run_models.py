"""What a review run returns (``ReviewRun``) and its ``--json`` shape."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from approvals.proposal_view import view_of
from approvals.screening import Screening
from domain.proposals import ProposedAction
from domain.recommendations import PriorDecision
from review.models import AccountTriage, Signal

Mode = Literal["rules", "agents"]


class QueuedProposal(BaseModel):
    id: str  # the recommendation id in the approval queue
    kind: str
    summary: str
    origin: str
    priority: str = "medium"
    signal_kind: str | None = None
    created: bool = True  # False: an identical open proposal was already queued
    prior_decision: PriorDecision | None = None  # proposed again after this decision (what is new)

    @classmethod
    def of(cls, rec_id: str, proposal: ProposedAction, *, created: bool) -> QueuedProposal:
        return cls(
            id=rec_id,
            kind=proposal.kind,
            summary=proposal_summary(proposal),
            origin=proposal.origin,
            priority=proposal.priority,
            signal_kind=proposal.signal_kind,
            created=created,
        )


class HeldProposal(BaseModel):
    """A proposal the review did not queue because of a past decision on the same situation."""

    kind: str
    summary: str
    reason: str  # "rejected on 12 Dec (your reason: …); nothing new since" / "already done: …"
    prior_recommendation_id: str | None = None
    signal_kind: str | None = None

    @classmethod
    def of(cls, screening: Screening) -> HeldProposal:
        proposal = screening.proposal
        return cls(
            kind=proposal.kind,
            summary=proposal_summary(proposal),
            reason=screening.reason or "decided before",
            prior_recommendation_id=screening.prior.recommendation_id if screening.prior else None,
            signal_kind=proposal.signal_kind,
        )


def proposal_summary(proposal: ProposedAction) -> str:
    """The change in one plain line ("Task: … (due …)"): ``approvals.proposal_view``."""
    return view_of(proposal).summary


def queued_line(run: ReviewRun) -> str:
    """ "3 new, 2 already queued, 4 held (decided before)" for the run summaries."""
    line = f"{run.proposals_created} new, {run.proposals_existing} already queued"
    return line + (f", {run.proposals_held} held (decided before)" if run.proposals_held else "")


class FlaggedAccount(BaseModel):
    triage: AccountTriage
    proposals: list[QueuedProposal] = Field(default_factory=list)
    held: list[HeldProposal] = Field(default_factory=list)  # not queued: decided before (see reason)
    reviewed_by: Literal["agent", "rules", "none"] = "none"


def signal_json(signal: Signal) -> dict[str, Any]:
    """One finding in ``review --json``: what, about whom (by id and name), and the sentence it rests on."""
    return {
        "kind": signal.kind,
        "severity": signal.severity,
        "summary": signal.summary,
        "evidence": list(signal.evidence),
        "subject_module": signal.subject_module,
        "subject_id": signal.subject_id,
        "subject_name": signal.subject_name,
        "what": signal.what,
        "quote": signal.quote,
        "quote_record_id": signal.quote_record_id,
    }


class ReviewRun(BaseModel):
    run_id: str
    started_at: datetime
    finished_at: datetime | None = None
    mode: Mode = "rules"
    resumed: bool = False
    accounts_triaged: int = 0
    changed_accounts: int = 0
    flagged: list[FlaggedAccount] = Field(default_factory=list)  # accounts with a signal, most urgent first
    scores: list[int] = Field(default_factory=list)  # every triaged account's health score
    proposals_created: int = 0
    proposals_existing: int = 0
    proposals_held: int = 0  # not queued: rejected with nothing new since, or already done and still holding
    agent_reviews: int = 0
    rule_reviews: int = 0
    api_calls: int = 0  # Zoho API calls of the sync
    api_credits: int = 0  # Zoho API credits the whole run spent (sync and the agents' reads)
    model_calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0
    budget_usd: float | None = None
    budget_exhausted: bool = False
    sync_full: bool = False
    records_fetched: int = 0
    records_changed: int = 0  # of those, new or different from the local copy (the rest: the cursor's boundary)
    sync_seconds: float = 0.0
    triage_seconds: float = 0.0
    second_reader: bool = False  # the notes were read by the rules and the fine-tuned second reader
    product_names: int = 0  # how many of the vendor's product names the notes were read with
    # where they came from: "setting" (SERGAS_PRODUCT_NAMES), "zoho" (the org's active products), both, or "none"
    product_names_source: str = "none"
    product_names_origin: str = ""  # the same with counts, for people: "8 from Zoho's Products, 1 from ..."
    total_seconds: float = 0.0
    changed_since: datetime | None = None  # `--since`: "changed" counted from it, not from the last run
    report_paths: list[str] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)

    def reviewed_and_others(self) -> tuple[list[FlaggedAccount], list[FlaggedAccount]]:
        """The accounts reviewed (with proposals, or proposals held back by past decisions) and the other flagged
        ones, each worst health first (then the most urgent). ``flagged`` keeps the urgency order the review picked
        its top accounts by."""
        order = sorted(self.flagged, key=lambda f: (f.triage.score, -f.triage.urgency()[0], f.triage.account_name))
        return [f for f in order if f.proposals or f.held], [f for f in order if not (f.proposals or f.held)]

    def sync_detail(self) -> str:
        """What the run's sync brought, e.g. ``incremental sync: 5 records fetched, 2 new or changed``."""
        if self.sync_full:
            return f"full sync: {self.records_fetched:,} records"
        return f"incremental sync: {self.records_fetched:,} records fetched, {self.records_changed:,} new or changed"

    def flagged_by_kind(self) -> dict[str, int]:
        counts = Counter(s.kind for f in self.flagged for s in f.triage.signals)
        return dict(sorted(counts.items()))

    def accounts_by_kind(self) -> dict[str, int]:
        counts = Counter(kind for f in self.flagged for kind in set(f.triage.kinds))
        return dict(sorted(counts.items()))

    def changed_label(self) -> str:
        """The summary row's name: what "changed" is counted from."""
        if self.changed_since is None:
            return "Accounts changed since last run"
        return f"Accounts changed since {self.changed_since.astimezone(UTC):%Y-%m-%d %H:%M} UTC"

    def to_json(self) -> dict[str, Any]:
        """The ``review --json`` document."""
        return {
            "run_id": self.run_id,
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "mode": self.mode,
            "accounts_triaged": self.accounts_triaged,
            "changed_accounts": self.changed_accounts,
            "sync": {
                "full": self.sync_full,
                "records_fetched": self.records_fetched,
                "records_changed": self.records_changed,
            },
            "flagged": [
                {
                    "account_id": f.triage.account_id,
                    "account_name": f.triage.account_name,
                    "score": f.triage.score,
                    "signals": [signal_json(s) for s in f.triage.signals],
                    "proposals": [
                        {
                            "id": p.id,
                            "kind": p.kind,
                            "summary": p.summary,
                            "origin": p.origin,
                            "created": p.created,
                            "prior_decision": p.prior_decision.model_dump(mode="json") if p.prior_decision else None,
                        }
                        for p in f.proposals
                    ],
                    "held": [h.model_dump(mode="json") for h in f.held],
                }
                for f in self.flagged
            ],
            "api_calls": self.api_calls,
            "api_credits": self.api_credits,
            "cost_usd": round(self.cost_usd, 6),
            "resumed": self.resumed,
            "proposals_created": self.proposals_created,
            "proposals_existing": self.proposals_existing,
            "proposals_held": self.proposals_held,
            "model_calls": self.model_calls,
            "triage_seconds": round(self.triage_seconds, 3),
            "second_reader": self.second_reader,
            "product_names": self.product_names,
            "product_names_source": self.product_names_source,
            "report_paths": self.report_paths,
            "notes": self.notes,
        }
