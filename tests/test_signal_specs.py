"""Every signal kind is whole: one spec (``review.signal_kinds``) and one detector, and every place that speaks
of kinds (health, report, rule-based proposal, talking point, note findings, the sandbox's plan) speaks of each
one. A kind added without its pieces fails here (or, for a malformed spec, at import)."""

from __future__ import annotations

import ast
import dataclasses
from datetime import UTC, datetime
from pathlib import Path

import pytest

from agents.tools.dismiss import DISMISS_SCHEMA
from briefs.models import AccountState, Brief, RiskLine
from briefs.talking_points import talking_points
from domain.proposals import CreateTaskProposal
from review.health import health_score
from review.models import AccountTriage, Signal
from review.record_builders import TODAY
from review.report_html import render_html
from review.report_markdown import render_markdown
from review.rules import RULES_LABEL, propose_for_signal
from review.run_models import FlaggedAccount, ReviewRun
from review.signal_kinds import NOTE_KINDS, SIGNAL_KINDS, SPECS, signal_title, spec_of
from review.signal_spec import Bonus, Penalty, RuleTask, SignalSpec, SpecError
from review.signals import DETECTORS
from sandbox.seed import build_org

SIGNALS_DIR = Path(__file__).resolve().parents[1] / "review" / "signals"


def _signal(kind: str) -> Signal:
    """A signal of ``kind`` as its detector would make it (a note finding names its subject and quotes it)."""
    spec = spec_of(kind)
    return Signal(
        kind=kind,
        severity="high",
        summary="it happened",
        evidence=["9001"],
        evidence_modules={"9001": "Notes" if spec.from_notes else "Accounts"},
        subject_id="7001",
        subject_module="Accounts",
        subject_name="Acme Corp",
        quote="They said so." if spec.from_notes else None,
        quote_record_id="9001" if spec.from_notes else None,
    )


def _triage(*signals: Signal) -> AccountTriage:
    score, breakdown = health_score(list(signals))
    return AccountTriage(
        account_id="7001", account_name="Acme Corp", score=score, score_breakdown=breakdown, signals=list(signals)
    )


def _detector_modules() -> set[str]:
    """The modules of ``review/signals/`` that define a top-level ``detect``."""
    found = set()
    for path in SIGNALS_DIR.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if any(isinstance(node, ast.FunctionDef) and node.name == "detect" for node in tree.body):
            found.add(path.stem)
    return found


def test_every_detector_has_a_spec_and_every_spec_a_detector() -> None:
    assert _detector_modules() == set(SIGNAL_KINDS) == set(DETECTORS)
    assert list(DETECTORS) == [s.kind for s in SPECS]  # detection (and report) order is the specs' order


@pytest.mark.parametrize("kind", SIGNAL_KINDS)
def test_every_kind_is_scored_titled_proposed_and_talked_about(kind: str) -> None:
    spec = spec_of(kind)
    signal = _signal(kind)
    [item] = health_score([signal])[1]
    if isinstance(spec.health, Penalty):
        assert item.points == -round(spec.health.points * 1.5) and item.reason.endswith("(high)")
    else:
        assert item.points == spec.health.points and item.reason == spec.health.reason
    triage = _triage(signal)
    proposal = propose_for_signal(triage, signal, today=TODAY)
    assert isinstance(proposal, CreateTaskProposal) and proposal.signal_kind == kind
    assert proposal.rationale.startswith(RULES_LABEL) and "{" not in proposal.task.subject
    assert proposal.task.due_date is not None and proposal.task.due_date > TODAY
    risk = RiskLine(text=signal.summary, kind=kind, severity="high", subject="Acme Corp", quote=signal.quote)
    brief = Brief(account=AccountState(account_id="7001", name="Acme Corp"), today=TODAY, generated_at=_now())
    brief.risks = [risk]
    [point, *_] = talking_points(brief)
    lead = spec.talking_point_about.format(subject="Acme Corp") if spec.talking_point_about else spec.talking_point
    assert point.text.startswith(lead + ": ")
    run = ReviewRun(run_id="r1", started_at=_now(), flagged=[FlaggedAccount(triage=triage)])
    assert f"| {signal_title(kind)}: it happened (" in render_markdown(run)
    assert f"{signal_title(kind)}: it happened" in render_html(run)


def _now() -> datetime:
    return datetime(2025, 6, 2, 12, tzinfo=UTC)


def test_a_resolved_finding_gets_no_rule_based_proposal() -> None:
    for spec in SPECS:
        if spec.proposal.unless_fact:
            signal = _signal(spec.kind).model_copy(update={"facts": {spec.proposal.unless_fact: "Dana Lee"}})
            assert propose_for_signal(_triage(signal), signal, today=TODAY) is None


def test_the_kinds_read_from_notes_are_the_ones_the_agent_may_dismiss() -> None:
    assert set(DISMISS_SCHEMA["properties"]["kind"]["enum"]) == set(NOTE_KINDS)
    assert NOTE_KINDS and all(spec_of(k).talking_point_about for k in NOTE_KINDS)


def test_the_sandbox_plants_every_kind_unless_its_spec_says_why_not() -> None:
    """The sandbox (standing for Zoho) keeps its own planting recipes by kind name and imports nothing of the
    product; what it plants is read from its manifest, the ground truth a review is scored against."""
    manifest = build_org(accounts=20, seed=3, anchor=datetime(2025, 3, 14, 12, tzinfo=UTC)).manifest
    planted = {s["kind"] for s in manifest["situations"]}
    assert planted == {s.kind for s in SPECS if s.not_planted_because is None}
    assert {x["kind"] for x in manifest["lookalikes"]} <= set(NOTE_KINDS)


def _spec(**changes: object) -> SignalSpec:
    return dataclasses.replace(spec_of("contact_gone"), **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "says"),
    [
        ({"title": " "}, "title is empty"),
        ({"talking_point": ""}, "talking_point is empty"),
        ({"kind": "Deal-Stalled"}, "lower-case identifier"),
        ({"health": Penalty(0)}, "health points"),
        ({"health": Bonus(-2, reason="x")}, "health points"),
        ({"from_notes": False}, "talking_point_about"),
        ({"talking_point_about": "Ask who replaces them"}, "must name {subject}"),
        ({"not_planted_because": " "}, "not_planted_because is empty"),
        ({"proposal": RuleTask("Call {owner}", "why", "impact", 1, "high", True)}, "proposal.subject"),
        ({"proposal": RuleTask("Call", "", "impact", 1, "high", True)}, "proposal.why"),
        ({"proposal": RuleTask("Call", "why", "impact", 0, "high", True)}, "due_in"),
    ],
)
def test_a_malformed_spec_fails_when_it_is_made(changes: dict[str, object], says: str) -> None:
    with pytest.raises(SpecError, match=r"signal spec '.*': .*" + says.replace("{", r"\{").replace("}", r"\}")):
        _spec(**changes)


def test_a_spec_without_a_piece_cannot_be_made() -> None:
    with pytest.raises(TypeError, match="talking_point"):
        SignalSpec(kind="x", title="X", health=Penalty(1), proposal=spec_of("deal_stalled").proposal)  # type: ignore[call-arg]


def test_a_signal_of_a_kind_without_a_spec_is_refused() -> None:
    with pytest.raises(ValueError, match="kind"):
        Signal(kind="no_such_kind", severity="low", summary="x")
