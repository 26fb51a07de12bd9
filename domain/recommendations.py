"""A proposal's life in the approval queue (``Recommendation``), and the write a human approved
(``ApprovedWrite``) with what Zoho answered (``WriteResult``): the shapes the state store, the approval
workflow and the integration layer share."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from domain.proposals import ProposedAction

RecommendationStatus = Literal[
    "pending",  # waiting for a human
    "approved",  # a human said yes; not yet sent
    "executing",  # sent to Zoho, outcome not yet recorded (a crash here is resolved by reconciliation)
    "executed",  # the write is in Zoho; result_record_id says where
    "rejected",  # a human said no (decision_reason says why)
    "failed",  # Zoho refused the write (error says why); can be retried by approving again
    "superseded",  # replaced by a newer proposal for the same thing
]


class EvidenceBasis(BaseModel):
    """The versions of the records a proposal rested on when it was queued (Zoho's own timestamps), so a
    later proposal for the same situation can tell what is new without comparing two machines' clocks."""

    versions: dict[str, datetime | None] = Field(default_factory=dict)  # record id -> Modified_Time then
    as_of: datetime | None = None  # the newest Modified_Time among the account's records then


class PriorDecision(BaseModel):
    """The earlier decision on the same situation that a re-proposed recommendation carries: who decided
    what and why, and what is new since (shown to the approver, the brief and the chat)."""

    recommendation_id: str
    status: Literal["rejected", "executed"]
    decided_at: datetime | None = None
    decided_by: str | None = None
    reason: str | None = None
    executed_at: datetime | None = None
    result_record_id: str | None = None
    result_module: str | None = None
    what_is_new: list[str] = Field(default_factory=list)  # e.g. "note 'Omar has left' of 14 Dec"
    message: str  # one line for a person: "New since you rejected this on 12 Dec (…): note 'X' of 14 Dec"


class Recommendation(BaseModel):
    """A proposal as stored in the approval queue, with its lifecycle."""

    id: str
    run_id: str | None = None
    proposal: ProposedAction
    status: RecommendationStatus = "pending"
    idempotency_key: str
    dedupe_key: str
    created_at: datetime
    decided_at: datetime | None = None
    decided_by: str | None = None
    decision_reason: str | None = None
    executed_at: datetime | None = None
    result_record_id: str | None = None
    error: str | None = None
    suspicious: bool = False  # evidence holds instruction-like text (possible prompt injection)
    situation_key: str = ""  # ProposedAction.situation_key() when it was queued
    prior_decision: PriorDecision | None = None  # set when the same situation was decided before
    basis: EvidenceBasis | None = None  # what the evidence looked like when it was queued
    result_module: str | None = None


class ApprovedWrite(BaseModel):
    """What the integration manager needs to execute a write: only built from an approved recommendation."""

    recommendation_id: str
    idempotency_key: str
    action: ProposedAction
    approved_by: str
    approved_at: datetime


class WriteResult(BaseModel):
    recommendation_id: str
    record_id: str
    module: str
    created: bool  # False when an earlier attempt had already made the change (found by idempotency key)
    tier: str
