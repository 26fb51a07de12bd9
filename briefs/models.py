"""``Brief``: a deterministic meeting-prep view of one account, every line citing the record it rests on."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

from review.signal_kinds import SignalKind


class Cited(BaseModel):
    """One line of the brief and the CRM record (or memory fact) it comes from."""

    text: str
    record_id: str | None = None
    module: str | None = None
    at: datetime | date | None = None
    source: Literal["zoho", "memory"] = "zoho"


class AccountState(BaseModel):
    account_id: str
    name: str
    owner: str | None = None
    industry: str | None = None
    account_type: str | None = None
    annual_revenue: float | None = None
    rating: str | None = None
    website: str | None = None
    last_activity: datetime | None = None
    health_score: int | None = None  # review.health via review.triage (100 = healthy)
    score_reasons: list[str] = Field(default_factory=list)


class ContactLine(Cited):
    name: str = ""
    title: str | None = None
    email: str | None = None
    email_opt_out: bool = False


class DealLine(Cited):
    name: str = ""
    stage: str = ""
    amount: float | None = None
    closing_date: date | None = None
    next_step: str | None = None


class TaskLine(Cited):
    subject: str = ""
    due_date: date | None = None
    status: str | None = None
    overdue: bool = False
    days_overdue: int = 0


class RiskLine(Cited):
    """An open risk or opportunity from the review triage's signals (``review.signals``)."""

    kind: SignalKind  # its spec (review.signal_kinds) gives the talking point
    severity: Literal["low", "medium", "high"] = "low"
    evidence: list[str] = Field(default_factory=list)
    subject: str | None = None  # who or what it is about, by name ("Aisha Murphy")
    quote: str | None = None  # the sentence it rests on
    # The past decision on this risk's action: "You rejected this on 12 Dec (…); nothing new since." /
    # "New since you rejected this …: note 'X' of 14 Dec." / "Already done: task … is still open."
    decision: str | None = None
    decided: Literal["rejected", "done", "again"] | None = None  # held as rejected, held as done, back


class DecisionLine(Cited):
    """A person's decision on a proposal for this account ("Decided recently"), with the reason kept."""

    recommendation_id: str = ""
    status: str = ""
    reason: str | None = None


class Citation(BaseModel):
    source: Literal["zoho", "memory"] = "zoho"
    record_id: str
    module: str | None = None


class Brief(BaseModel):
    account: AccountState
    today: date
    generated_at: datetime
    contacts: list[ContactLine] = Field(default_factory=list)
    open_deals: list[DealLine] = Field(default_factory=list)
    open_tasks: list[TaskLine] = Field(default_factory=list)
    recent_notes: list[Cited] = Field(default_factory=list)
    history: list[Cited] = Field(default_factory=list)  # from long-term memory, when available
    history_status: str = "not available"  # "from memory" | why not
    risks: list[RiskLine] = Field(default_factory=list)
    talking_points: list[Cited] = Field(default_factory=list)
    decided: list[DecisionLine] = Field(default_factory=list)  # decided recently, latest first
    pending: list[DecisionLine] = Field(default_factory=list)  # proposals waiting for a decision, oldest first
    citations: list[Citation] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    deterministic: bool = True  # built from the records by rules, no model

    @property
    def overdue_tasks(self) -> list[TaskLine]:
        return [t for t in self.open_tasks if t.overdue]
