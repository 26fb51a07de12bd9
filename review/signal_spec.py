"""The shape of a signal kind's spec: everything the product says or does about one kind of situation,
apart from finding it (the detector, ``review/signals/<kind>.py``). The specs themselves are in
``review.signal_kinds``; every table about kinds (health penalties, report titles, talking points, rule-based
proposals, the kinds read from notes) is derived from them, and a spec with a missing or malformed piece fails
when ``review.signal_kinds`` is imported.

    SignalSpec(
        kind="deal_stalled",
        title="Stalled deal",
        health=Penalty(15),
        proposal=RuleTask(subject="Follow up on stalled deal '{deal}'", due_in=2, priority="as_severity", ...),
        talking_point="Ask what is holding the deal back and agree a dated next step",
    )
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from typing import Literal

Priority = Literal["low", "medium", "high"]
TaskPriority = Literal["Highest", "High", "Normal", "Low", "Lowest"]
# What a rule-based proposal's text may name: the account, the deal (its name, else "the deal"), the person
# (the finding's subject by name, else the contact's name, else "a contact").
TEMPLATE_FIELDS = frozenset({"account", "deal", "who"})


class SpecError(ValueError):
    """A signal spec is incomplete or malformed: fix the spec in ``review/signal_kinds.py``."""


@dataclass(frozen=True)
class Penalty:
    """A risk: ``points`` off the health score at medium severity (x0.5 low, x1.5 high), counted once per
    account at the kind's worst severity, plus a little for each extra occurrence (``review.health``)."""

    points: int


@dataclass(frozen=True)
class Bonus:
    """Good news: ``points`` back on the health score (never above 100), explained by ``reason``."""

    points: int
    reason: str


@dataclass(frozen=True)
class RuleTask:
    """The rule-based proposal (``review.rules``): a task on the record the signal is about (or on the
    account), due in ``due_in`` business days. ``subject`` and ``why`` may name ``{account}``, ``{deal}`` and
    ``{who}``; they carry no counts or dates, so the same situation on two nights dedupes to one proposal."""

    subject: str
    why: str  # the suggested action, said to the person who approves it
    impact: str  # what doing it achieves
    due_in: int  # business days from the run
    priority: Priority | Literal["as_severity"]  # as_severity: high for a high signal, else medium
    on_account: bool  # the task hangs on the account rather than on the signal's deal or contact
    task_priority: TaskPriority | None = None  # the Zoho task's priority when not the proposal's own
    unless_fact: str | None = None  # no proposal when the signal carries this fact (the records resolve it)


@dataclass(frozen=True)
class SignalSpec:
    """One kind of situation. ``kind`` is also the detector's module name (``review/signals/<kind>.py``,
    ``detect(view, ctx) -> list[Signal]``, the kind's definition in its docstring)."""

    kind: str
    title: str  # how the report (and any view) names it: "Stalled deal"
    health: Penalty | Bonus
    proposal: RuleTask
    talking_point: str  # the brief's suggested talking point for the risk
    # A finding read from a note (``review.language``) names its subject and quotes the sentence: scored by
    # subject (``review.scoring``), dismissable by the agent (``dismiss_finding``), and its talking point says
    # whom it is about ({subject}).
    from_notes: bool = False
    talking_point_about: str | None = None
    # The sandbox plants every kind so a review can be scored, unless this says why it does not.
    not_planted_because: str | None = None

    def __post_init__(self) -> None:
        problems = _problems(self)
        if problems:
            raise SpecError(f"signal spec {self.kind!r}: " + "; ".join(problems))


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def _problems(spec: SignalSpec) -> list[str]:
    problems = []
    if not spec.kind.isidentifier() or spec.kind != spec.kind.lower():
        problems.append("kind must be a lower-case identifier (it names the detector's module)")
    for name in ("title", "talking_point"):
        if not getattr(spec, name).strip():
            problems.append(f"{name} is empty")
    if spec.health.points <= 0:
        problems.append("health points must be positive (a Penalty takes them off, a Bonus adds them)")
    for name in ("subject", "why", "impact"):
        text = getattr(spec.proposal, name)
        unknown = _placeholders(text) - TEMPLATE_FIELDS
        if not text.strip() or unknown:
            problems.append(f"proposal.{name} is empty or names {sorted(unknown)} (allowed: {sorted(TEMPLATE_FIELDS)})")
    if spec.proposal.due_in < 1:
        problems.append("proposal.due_in must be at least one business day")
    if spec.from_notes != (spec.talking_point_about is not None):
        problems.append("a kind read from notes has a talking_point_about (and only such a kind)")
    elif spec.talking_point_about is not None and _placeholders(spec.talking_point_about) != {"subject"}:
        problems.append("talking_point_about must name {subject} (and nothing else)")
    if spec.not_planted_because is not None and not spec.not_planted_because.strip():
        problems.append("not_planted_because is empty: say why the sandbox does not plant it, or leave it None")
    return problems
