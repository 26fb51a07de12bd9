"""What every proposal kind has in common, and the rules each kind must give (``domain.proposals`` holds
the kinds themselves).

A kind is one pydantic model: the common fields below, a ``kind`` tag (``Literal``), its own payload, and
the rules that would otherwise be ``if kind == ...`` chains elsewhere:

- ``payload()`` (the exact change as JSON), ``dedupe_change()`` (what makes two proposals the same
  wording), ``situation_anchor()`` / ``substance_text()`` (what a decision sticks to: ``domain.situation``);
- ``edited(ask)``: the questions an approver is asked to edit it (the terminal and the web inbox ask them;
  ``long_questions`` says which take several lines);
- for the kinds an agent may propose (``agent_may_propose``): ``payload_hint`` / ``prompt_hint`` (the
  propose tool's schema and the Recommendation Author's prompt are built from them) and
  ``claims_write`` / ``write_payload`` (how the approval gate turns a caught write tool call into it).

The abstract methods make a kind that forgets one unusable (``TypeError`` when it is built; mypy says so
too). How a kind looks is ``approvals.proposal_view``; how it is written to Zoho,
``ZohoManager.execute_write`` (``integrations.zoho.manager``).
"""

from __future__ import annotations

import hashlib
import json
from abc import abstractmethod
from collections.abc import Callable
from typing import Any, ClassVar, Literal, Self, get_args

from pydantic import BaseModel, Field, model_validator

from domain import situation

Priority = Literal["low", "medium", "high"]
Origin = Literal["agent", "rules", "command"]  # command: queued by a CLI command the operator ran (--attach)
TargetModule = Literal["Accounts", "Contacts", "Deals", "Tasks"]
Ask = Callable[[str, str], str]  # (label, default) -> the operator's answer (the default on Enter)
CLEAR = "-"  # answer that empties an optional text


class Citation(BaseModel):
    """A piece of evidence: a CRM record or a memory fact."""

    source: Literal["zoho", "memory"] = "zoho"
    record_id: str
    module: str | None = None
    excerpt: str | None = Field(default=None, max_length=2000)


class ProposalBase(BaseModel):
    """One next-best action, with exactly the change it would make and why (the fields every kind has)."""

    payload_key: ClassVar[str]  # the one field that holds this kind's change ("task", "note", ...)
    missing_payload: ClassVar[str]  # the error when it is missing, saying what to give
    agent_may_propose: ClassVar[bool] = True  # False: only a command the operator ran queues it
    long_questions: ClassVar[tuple[str, ...]] = ()  # how the edit questions whose answer has several lines begin
    payload_hint: ClassVar[str] = ""  # the propose tool's schema: what the payload holds
    prompt_hint: ClassVar[str] = ""  # the Recommendation Author's prompt: "`task` with subject, ..."
    repeats_harmlessly: ClassVar[bool] = False  # True: sending it twice changes nothing the second time
    creates_record: ClassVar[str | None] = None  # the record it makes that the account's records show ("task")

    account_id: str
    target_module: TargetModule = "Accounts"
    target_id: str  # the record the task/note hangs on, or the record to update
    rationale: str = Field(min_length=1, max_length=4000)
    evidence: list[Citation] = Field(default_factory=list)
    priority: Priority = "medium"
    expected_impact: str | None = Field(default=None, max_length=1000)
    origin: Origin = "agent"
    signal_kind: str | None = None  # the triage signal that led to it, when any
    subject_id: str | None = None  # the record that finding is about (the contact who left), when not the target

    @model_validator(mode="before")
    @classmethod
    def _has_payload(cls, data: Any) -> Any:
        if isinstance(data, dict) and not data.get(cls.payload_key):
            raise ValueError(cls.missing_payload)
        return data

    @classmethod
    def kind_name(cls) -> str:
        """The ``kind`` tag of this model."""
        return str(get_args(cls.model_fields["kind"].annotation)[0])

    @abstractmethod
    def payload(self) -> dict[str, Any]:
        """The exact change, as plain JSON."""

    @abstractmethod
    def dedupe_change(self) -> Any:
        """The part of the change that makes two proposals on the same target the same one."""

    @abstractmethod
    def situation_anchor(self) -> list[Any]:
        """What the situation key holds besides the account and kind when no finding led to it."""

    def finding_detail(self) -> list[Any]:
        """What a finding-based situation adds to the finding and its subject (nothing, unless overridden)."""
        return []

    def substance_text(self) -> str | None:
        """The words two free proposals are compared on; None when the key alone decides."""
        return None

    def contact_id(self) -> str | None:
        """A contact the write links to besides its target (checked to belong to the account)."""
        return None

    @abstractmethod
    def edited(self, ask: Ask) -> Self:
        """The proposal with the approver's answers (raises pydantic ``ValidationError`` when invalid);
        the kind, account and target never change."""

    @classmethod
    def claims_write(cls, tool_name: str, tool_input: dict[str, Any]) -> bool:
        """Whether a caught write tool call (its bare name and input) is this kind (agent kinds only)."""
        return False

    @classmethod
    def write_payload(cls, tool_input: dict[str, Any]) -> dict[str, Any]:
        """This kind's payload from a caught write tool call's flat input (agent kinds only)."""
        raise NotImplementedError(f"{cls.kind_name()} is never written by an agent's tool")

    def with_payload(self, payload: Any) -> Self:
        """This proposal with another payload, validated as a whole."""
        return self.model_validate({**self.model_dump(mode="json"), self.payload_key: payload})

    def dedupe_key(self) -> str:
        """Same kind, same target and same change → same key (so a re-run does not double proposals).

        Task subjects and note titles are compared case-insensitively without their due dates, so the
        same follow-up proposed on two nights is one proposal. (What a decision sticks to is broader:
        ``situation_key``.)"""
        parts = [self.kind_name(), self.target_module, self.target_id, self.dedupe_change()]
        if self.subject_id and self.subject_id != self.target_id:  # the same words about another contact
            parts.append(self.subject_id)
        raw = json.dumps(parts, default=str)
        return hashlib.sha256(raw.encode()).hexdigest()[:32]

    def situation_key(self) -> str:
        """What the proposal is about, beyond its wording (``domain.situation``): decisions stick to it."""
        return situation.situation_key(self)


def coerce_answer(answer: str, like: Any) -> Any:
    """Keep the type of the proposed value when the answer parses as one."""
    if isinstance(like, bool):
        return answer.strip().lower() in ("1", "true", "yes", "y")
    if isinstance(like, int):
        try:
            return int(answer)
        except ValueError:
            return answer
    if isinstance(like, float):
        try:
            return float(answer)
        except ValueError:
            return answer
    if like is None and answer == "":
        return None
    return answer


def optional_answer(answer: str) -> str | None:
    return None if answer.strip() in ("", CLEAR) else answer


__all__ = [
    "CLEAR",
    "Ask",
    "Citation",
    "Origin",
    "Priority",
    "ProposalBase",
    "TargetModule",
    "coerce_answer",
    "optional_answer",
]
