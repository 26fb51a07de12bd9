"""A finding the Recommendation Author dismisses is audited and never proposed, not even by the rules."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from test_review_pipeline import NOW, FakeGateway

from agents.review import review_prompt
from agents.run_context import RunContext
from agents.testing import ListAudit, ListQueue
from agents.tool_names import DISMISS_TOOL, allowed_classes, classify
from agents.tools import build_dismiss_tool
from config import Settings, load_settings
from review.pipeline import run_review
from review.ports import AgentReview
from review.record_builders import TODAY, account, contact, note, org
from review.triage import triage_org
from state.store import StateStore


def _org() -> dict[str, Any]:
    acc = account(id="a-1", name="Helix Labs")
    grace = contact(acc.id, id="c-grace", first="Grace", last="Schmidt", title="Operations Manager")
    aisha = contact(acc.id, id="c-aisha", first="Aisha", last="Murphy", title="VP Finance")
    said = note(acc.id, "Heard from Grace Schmidt that Aisha Murphy left the company in November.", id="n-1")
    return org(acc, grace, aisha, said)


async def test_dismiss_finding_is_audited_with_its_reason() -> None:
    audit = ListAudit()
    ctx = RunContext(run_id="r", enqueue=ListQueue(), audit_sink=audit)
    handler = build_dismiss_tool(ctx).handler
    args = {"account_id": "a-1", "kind": "contact_gone", "subject_id": "c-aisha", "reason": "she is on leave"}
    result = await handler(args)
    assert "is_error" not in result and "dismissed" in result["content"][0]["text"]
    assert ctx.dismissed == [args]
    assert any(e.get("event") == "finding_dismissed" and e.get("reason") == "she is on leave" for e in audit.events)
    missing = await handler({"account_id": "a-1", "kind": "contact_gone"})
    assert missing["is_error"] and "subject_id" in missing["content"][0]["text"]
    assert classify(DISMISS_TOOL) in allowed_classes("recommendation-author")
    assert classify(DISMISS_TOOL) not in allowed_classes("zoho-data-scout")


def test_the_agent_sees_the_subject_and_the_sentence_to_confirm_or_dismiss() -> None:
    [triage] = triage_org(_org(), today=TODAY)
    prompt = review_prompt(triage)
    assert "contact_gone about Aisha Murphy (Contacts c-aisha)" in prompt
    assert "\u201cHeard from Grace Schmidt that Aisha Murphy left the company in November.\u201d" in prompt
    assert "dismiss_finding" in prompt
    assert "Grace Schmidt (Contacts" not in prompt


@pytest.fixture
def settings(home: Path) -> Settings:
    """The review's settings (its top 10); conftest's ``store`` opens on them."""
    settings = load_settings(home=home, review_top_n=10)
    settings.ensure_home()
    return settings


async def test_a_dismissed_finding_gets_no_rule_based_proposal(settings: Settings, store: StateStore) -> None:

    def dismissing(triage: Any, view: Any) -> AgentReview:
        gone = [(s.kind, s.subject_id) for s in triage.signals if s.kind == "contact_gone"]
        return AgentReview(dismissed=gone, model_calls=1)

    gateway: Any = FakeGateway(_org())
    run = await run_review(settings, gateway=gateway, store=store, reviewer=dismissing, clock=lambda: NOW)
    [flagged] = run.flagged
    assert [s.kind for s in flagged.triage.signals] == ["contact_gone"]
    assert flagged.proposals == [] and run.proposals_created == 0


async def test_without_the_agent_the_rules_propose_for_the_contact_who_left(
    settings: Settings, store: StateStore
) -> None:
    gateway: Any = FakeGateway(_org())
    run = await run_review(settings, gateway=gateway, store=store, clock=lambda: NOW)
    [flagged] = run.flagged
    summaries = [p.summary for p in flagged.proposals]
    assert len(summaries) == 1 and "Aisha Murphy" in summaries[0] and "Grace" not in summaries[0]
