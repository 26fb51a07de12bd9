"""The account situations the review detects: one ``SignalSpec`` per kind (``review.signal_spec``), here and
nowhere else. Each kind's detector is ``review/signals/<kind>.py`` (its definition in the docstring, its
numbers in ``review.thresholds``); everything else about a kind is derived from its spec: the kind list and
``Signal.kind``'s allowed values, the health penalties (``review.health``), the report titles
(``review.report_markdown``), the rule-based proposals (``review.rules``), the brief's talking points
(``briefs.talking_points``), the kinds read from notes (``review.scoring``, the ``dismiss_finding`` tool).

The sandbox's manifest uses the same names for the situations it plants, so a review run can be scored
against ground truth; a kind the sandbox does not plant says why in ``not_planted_because``.

Adding a kind: its detector file, its spec below, its test (``tests/test_signal_specs.py`` names what a
kind must have).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from review.signal_spec import Bonus, Penalty, RuleTask, SignalSpec, SpecError

SPECS: tuple[SignalSpec, ...] = (
    SignalSpec(
        kind="deal_stalled",
        title="Stalled deal",
        health=Penalty(15),
        proposal=RuleTask(
            subject="Follow up on stalled deal '{deal}'",
            why="Contact the buyer, confirm the next step and update the stage or close the deal",
            impact="Moves a stuck deal forward or clears it from the pipeline",
            due_in=2,
            priority="as_severity",
            on_account=False,
        ),
        talking_point="Ask what is holding the deal back and agree a dated next step",
    ),
    SignalSpec(
        kind="closing_soon_no_activity",
        title="Closing soon, no activity",
        health=Penalty(20),
        proposal=RuleTask(
            subject="Plan the close of '{deal}'",
            why="Book a call with the decision maker before the closing date and agree what remains",
            impact="Protects a deal about to close with nobody working it",
            due_in=1,
            priority="high",
            on_account=False,
        ),
        talking_point="Confirm the decision process and date before the deal's close",
    ),
    SignalSpec(
        kind="silent_account",
        title="Silent big account",
        health=Penalty(20),
        proposal=RuleTask(
            subject="Check in with {account}",
            why="Reach out to the main contact for a check-in call; nobody has been in touch for months",
            impact="Re-engages a big account before it drifts away",
            due_in=3,
            priority="as_severity",
            on_account=True,
        ),
        talking_point="Reconnect: ask how things are going and what changed since you last spoke",
    ),
    SignalSpec(
        kind="overdue_tasks",
        title="Overdue tasks",
        health=Penalty(10),
        proposal=RuleTask(
            subject="Reschedule overdue tasks on {account}",
            why="Complete, reschedule or close each overdue task listed in the evidence",
            impact="Keeps commitments to the customer visible and current",
            due_in=1,
            priority="medium",
            on_account=True,
        ),
        talking_point="Close the loop on what you promised (overdue follow-ups)",
    ),
    SignalSpec(
        kind="contact_gone",
        title="Contact gone",
        health=Penalty(12),
        proposal=RuleTask(
            subject="Find the replacement for {who} at {account}",
            why="Identify who took over from {who} and add them as a contact",
            impact="Restores a working relationship at the account",
            due_in=3,
            priority="as_severity",
            on_account=True,
            unless_fact="successor_name",  # the note already names who takes over: nothing to find
        ),
        talking_point="Find out who replaces the departed contact and ask for an introduction",
        from_notes=True,
        talking_point_about="Ask who replaces {subject} and ask for an introduction",
    ),
    SignalSpec(
        kind="churn_risk",
        title="Churn risk",
        health=Penalty(30),
        proposal=RuleTask(
            subject="Escalate churn risk at {account}",
            why="Escalate to the account team lead and set up a retention call with the customer",
            impact="Gives the account a chance to be saved before renewal",
            due_in=1,
            priority="high",
            on_account=True,
            task_priority="Highest",
        ),
        talking_point="Address the concerns raised in recent notes before discussing anything new",
        from_notes=True,
        talking_point_about="Address the concern raised about {subject} before discussing anything new",
    ),
    SignalSpec(
        kind="upsell_signal",
        title="Upsell signal",
        health=Bonus(5, reason="expansion language in a recent note"),
        proposal=RuleTask(
            subject="Prepare an expansion offer for {account}",
            why="Prepare an offer for the expansion the customer mentioned and schedule a call",
            impact="Turns stated interest into pipeline",
            due_in=5,
            priority="medium",
            on_account=True,
        ),
        talking_point="Explore the expansion interest mentioned in recent notes",
        from_notes=True,
        talking_point_about="Explore the expansion interest at {subject}",
    ),
)


def _by_kind(specs: tuple[SignalSpec, ...]) -> dict[str, SignalSpec]:
    by_kind: dict[str, SignalSpec] = {}
    for spec in specs:
        if spec.kind in by_kind:
            raise SpecError(f"signal kind {spec.kind!r} has two specs")
        by_kind[spec.kind] = spec
    return by_kind


SPEC_BY_KIND = _by_kind(SPECS)
SIGNAL_KINDS: tuple[str, ...] = tuple(SPEC_BY_KIND)  # in detection order
NOTE_KINDS: tuple[str, ...] = tuple(s.kind for s in SPECS if s.from_notes)  # findings read from a note

if TYPE_CHECKING:  # mypy cannot read a Literal built at run time; pydantic validates against the specs
    SignalKind = str
else:
    SignalKind = Literal[SIGNAL_KINDS]


def spec_of(kind: str) -> SignalSpec:
    """The spec of ``kind`` (a ``Signal.kind``, validated against the specs when the signal was made)."""
    return SPEC_BY_KIND[kind]


def signal_title(kind: str) -> str:
    """How a kind is shown to a person: "Stalled deal"."""
    return SPEC_BY_KIND[kind].title
