"""The report and the brief quote the sentence a finding rests on and name its subject; the rule-based
proposal names the right person."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from briefs import brief_from_view, brief_markdown
from briefs.talking_points import talking_points
from domain.proposals import CreateTaskProposal
from integrations.zoho.models import Account360
from review.record_builders import TODAY, account, contact, note, org
from review.report_html import render_html
from review.report_markdown import render_markdown
from review.rules import propose_for
from review.run_models import FlaggedAccount, ReviewRun
from review.triage import triage_org

SAID = "Heard from Grace Schmidt that Aisha Murphy left the company in November."


def _records() -> dict[str, list[Any]]:
    acc = account(id="a-1", name="Helix Labs")
    grace = contact(acc.id, id="c-grace", first="Grace", last="Schmidt", title="Operations Manager")
    aisha = contact(acc.id, id="c-aisha", first="Aisha", last="Murphy", title="VP Finance")
    return org(acc, grace, aisha, note(acc.id, SAID, id="n-1", title="Contact update"))


def test_the_report_names_the_subject_and_quotes_the_sentence() -> None:
    [triage] = triage_org(_records(), today=TODAY)
    [signal] = triage.signals
    assert (signal.kind, signal.subject_id, signal.subject_name) == ("contact_gone", "c-aisha", "Aisha Murphy")
    assert signal.quote == SAID and signal.quote_record_id == "n-1"
    run = ReviewRun(run_id="r-1", started_at=datetime.now(UTC), flagged=[FlaggedAccount(triage=triage)])
    for report in (render_markdown(run), render_html(run)):
        assert "Aisha Murphy" in report and "Heard from Grace Schmidt that Aisha Murphy left the company" in report
        assert "Grace Schmidt (Operations Manager) has left" not in report


def test_the_rule_proposal_names_who_left_and_quotes_why() -> None:
    [triage] = triage_org(_records(), today=TODAY)
    [proposal] = propose_for(triage, today=TODAY)
    assert isinstance(proposal, CreateTaskProposal)
    assert proposal.task.subject == "Find the replacement for Aisha Murphy at Helix Labs"
    assert SAID in (proposal.task.description or "")
    assert [c.excerpt for c in proposal.evidence if c.record_id == "n-1"] == [SAID]


def test_the_brief_talking_point_names_the_subject_and_quotes_the_note() -> None:
    records = _records()
    view = Account360.model_construct(
        account=records["Accounts"][0], contacts=records["Contacts"], deals=[], tasks=[], notes=records["Notes"]
    )
    brief = brief_from_view(view, today=TODAY)
    points = [p.text for p in talking_points(brief)]
    assert any("Aisha Murphy" in p and SAID in p for p in points), points
    assert not any("replaces Grace" in p for p in points)
    assert SAID in brief_markdown(brief)
