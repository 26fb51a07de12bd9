"""Rule-based proposals: one labelled, cited task per signal; stable across nights (dedupe)."""

from __future__ import annotations

from datetime import date, timedelta

from domain.proposals import CreateTaskProposal
from review.models import AccountTriage
from review.record_builders import TODAY, account, contact, deal, note, org, task
from review.rules import add_business_days, propose_for
from review.since import SinceError, parse_since
from review.triage import triage_org

# The kinds everything_wrong() plants, one situation of each (every kind's rule, one added later included, is
# checked on its own in tests/test_signal_specs.py).
PLANTED = {
    "deal_stalled",
    "closing_soon_no_activity",
    "silent_account",
    "overdue_tasks",
    "contact_gone",
    "churn_risk",
    "upsell_signal",
}


def everything_wrong() -> AccountTriage:
    acc = account(name="Acme", revenue=4_000_000, active_days_ago=80)
    d = deal(acc.id, name="Acme renewal", active_days_ago=80, closes_in_days=None)
    soon = deal(acc.id, name="Acme add-on", active_days_ago=80, closes_in_days=5)
    gone = contact(acc.id, first="Li", last="Wei", title="Left the company", active_days_ago=80)
    late = task(acc.id, due_in_days=-5, created_days_ago=80)
    churn = note(acc.id, "They may cancel.", days_ago=80)
    upsell = note(acc.id, "They also want more seats.", days_ago=81)
    [triage] = triage_org(org(acc, d, soon, gone, late, churn, upsell), today=TODAY)
    return triage


def test_one_labelled_cited_task_per_signal() -> None:
    triage = everything_wrong()
    assert {s.kind for s in triage.signals} == PLANTED
    proposals = propose_for(triage, today=TODAY)
    assert len(proposals) == len(triage.signals)
    for p in proposals:
        assert p.origin == "rules" and isinstance(p, CreateTaskProposal)
        assert p.rationale.startswith("Rule-based proposal (no model)")
        assert p.evidence and all(c.source == "zoho" for c in p.evidence)
        assert p.task.due_date is not None and p.task.due_date > TODAY
    tasks = [p for p in proposals if isinstance(p, CreateTaskProposal)]
    by_kind = {p.signal_kind: p for p in tasks}
    stalled = [p for p in tasks if p.signal_kind == "deal_stalled"]
    by_kind["deal_stalled"] = next(p for p in stalled if "Acme renewal" in p.task.subject)
    assert by_kind["churn_risk"].priority == "high" and by_kind["churn_risk"].task.priority == "Highest"
    assert by_kind["deal_stalled"].target_module == "Deals"
    assert by_kind["deal_stalled"].task.subject == "Follow up on stalled deal 'Acme renewal'"
    assert by_kind["deal_stalled"].task.due_date == add_business_days(TODAY, 2)
    assert by_kind["contact_gone"].task.subject == "Find the replacement for Li Wei at Acme"
    assert proposals[0].priority == "high"  # most urgent first


def test_the_same_situation_next_night_has_the_same_dedupe_key() -> None:
    triage = everything_wrong()
    tonight = propose_for(triage, today=TODAY)
    tomorrow = propose_for(triage, today=TODAY + timedelta(days=1))
    assert [p.dedupe_key() for p in tonight] == [p.dedupe_key() for p in tomorrow]


def test_business_days_skip_weekends() -> None:
    friday = date(2025, 6, 6)
    assert add_business_days(friday, 1) == date(2025, 6, 9)
    assert add_business_days(friday, 2) == date(2025, 6, 10)


def test_since_parsing() -> None:
    now = parse_since("2025-06-02T00:00:00+00:00")
    assert parse_since("24h", now=now) == now - timedelta(hours=24)
    assert parse_since("7d", now=now) == now - timedelta(days=7)
    assert parse_since("2025-06-01").tzinfo is not None
    try:
        parse_since("yesterday")
    except SinceError as exc:
        assert "24h" in str(exc)
    else:
        raise AssertionError("expected SinceError")


def test_a_name_ending_in_a_full_stop_gets_no_second_one() -> None:
    """ "About: Cedar Media Corp.. Said: ..." in the task's description: the name's own full stop ends the sentence;
    and the sentence the finding rests on is quoted once, not again after "Said:"."""
    acc = account(name="Cedar Media Corp.", revenue=4_000_000, active_days_ago=3)
    churn = note(acc.id, "They may cancel.", days_ago=3)
    [triage] = triage_org(org(acc, churn), today=TODAY)
    [proposal] = [p for p in propose_for(triage, today=TODAY) if p.signal_kind == "churn_risk"]
    assert isinstance(proposal, CreateTaskProposal)
    description = proposal.task.description or ""
    assert "About: Cedar Media Corp. (record" in description, description
    assert description.count("\u201cThey may cancel.\u201d") == 1, description
    assert "\u201d." not in description and ".." not in description, description  # “They may cancel.”. read twice
