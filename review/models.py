"""The triage's output: one ``AccountTriage`` per account, with the ``Signal``s behind its score."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from review.signal_kinds import SignalKind

Severity = Literal["low", "medium", "high"]
SEVERITY_RANK: dict[str, int] = {"low": 1, "medium": 2, "high": 3}


class Signal(BaseModel):
    """One situation found on an account, with the records that show it and a plain-English summary."""

    kind: SignalKind
    severity: Severity
    summary: str
    evidence: list[str] = Field(default_factory=list)  # Zoho record ids
    evidence_modules: dict[str, str] = Field(default_factory=dict)  # record id -> module
    subject_id: str | None = None  # the record an action should hang on (deal, contact, account)
    subject_module: str | None = None
    facts: dict[str, str | int | float | None] = Field(default_factory=dict)  # days, amounts, names
    # What the finding is about and what it rests on (set by every signal that reads text):
    subject_name: str | None = None  # the contact, deal or account, by name ("Aisha Murphy")
    what: str | None = None  # what happened, in a few words ("left the company", "moving to a competitor")
    quote: str | None = None  # the sentence the finding rests on, verbatim
    quote_record_id: str | None = None  # the record that holds the sentence (a note, or the contact itself)


class ScoreItem(BaseModel):
    """One line of the health score's explanation: what moved it and by how much."""

    reason: str
    points: int


class AccountTriage(BaseModel):
    account_id: str
    account_name: str
    owner_email: str | None = None
    owner_id: str | None = None
    annual_revenue: float | None = None
    score: int = Field(ge=0, le=100)
    score_breakdown: list[ScoreItem] = Field(default_factory=list)
    signals: list[Signal] = Field(default_factory=list)
    changed_since_last_run: bool = True

    @property
    def flagged(self) -> bool:
        return bool(self.signals)

    @property
    def kinds(self) -> list[str]:
        return [s.kind for s in self.signals]

    def urgency(self) -> tuple[int, float]:
        """Sort key (bigger first): weighted severity of the signals, then revenue."""
        weight = sum(SEVERITY_RANK[s.severity] for s in self.signals)
        return (weight, self.annual_revenue or 0.0)
