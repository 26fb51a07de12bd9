"""Each signal detector on hand-built records: positive, negative, boundary."""

from __future__ import annotations

from typing import Any

from integrations.zoho.models import CrmRecord
from review.models import Signal
from review.record_builders import TODAY, account, contact, deal, note, org, task
from review.thresholds import Thresholds
from review.triage import triage_org

CLOSING = "closing_soon_no_activity"


def kinds_of(*records: CrmRecord, **kwargs: Any) -> dict[str, Signal]:
    [result] = triage_org(org(*records), today=TODAY, **kwargs)
    return {s.kind: s for s in result.signals}


# --- deal_stalled ------------------------------------------------------------------------------------


def test_deal_unmoved_for_112_days_is_stalled_with_a_plain_summary() -> None:
    acc = account()
    d = deal(acc.id, name="Acme renewal", stage="Negotiation/Review", active_days_ago=112)
    signal = kinds_of(acc, d)["deal_stalled"]
    assert signal.evidence == [d.id]
    assert "Deal 'Acme renewal'" in signal.summary and "Negotiation/Review for 112 days" in signal.summary
    assert signal.severity == "high"


def test_stalled_boundary_is_45_days() -> None:
    acc = account()
    assert "deal_stalled" in kinds_of(acc, deal(acc.id, active_days_ago=45))
    assert "deal_stalled" not in kinds_of(acc, deal(acc.id, active_days_ago=44))


def test_closed_deal_is_never_stalled() -> None:
    acc = account()
    assert "deal_stalled" not in kinds_of(acc, deal(acc.id, stage="Closed Won", active_days_ago=300))


def test_a_recent_note_on_the_deal_counts_as_movement() -> None:
    acc = account()
    d = deal(acc.id, active_days_ago=100)
    assert "deal_stalled" not in kinds_of(acc, d, note(d.id, "Sent revised quote", days_ago=3, parent_module="Deals"))


def test_stalled_threshold_is_overridable() -> None:
    acc = account()
    stale = deal(acc.id, active_days_ago=31)
    assert "deal_stalled" in kinds_of(acc, stale, thresholds=Thresholds(stalled_days=30))


# --- closing_soon_no_activity ------------------------------------------------------------------------


def test_deal_closing_soon_with_quiet_account_and_no_task() -> None:
    acc = account(active_days_ago=20)
    d = deal(acc.id, closes_in_days=10, active_days_ago=20)
    signal = kinds_of(acc, d)["closing_soon_no_activity"]
    assert signal.evidence == [d.id]
    assert "closes in 10 days" in signal.summary


def test_closing_soon_needs_both_deal_and_account_quiet() -> None:
    quiet, busy = account(active_days_ago=20), account(active_days_ago=2)
    assert CLOSING not in kinds_of(busy, deal(busy.id, closes_in_days=10, active_days_ago=20))
    assert CLOSING not in kinds_of(quiet, deal(quiet.id, closes_in_days=10, active_days_ago=5))


def test_an_open_planned_task_defuses_closing_soon_but_an_overdue_one_does_not() -> None:
    acc = account(active_days_ago=20)
    d = deal(acc.id, closes_in_days=10, active_days_ago=20)
    planned = task(d.id, due_in_days=3, what_module="Deals", created_days_ago=20)
    assert CLOSING not in kinds_of(acc, d, planned)
    late = task(d.id, due_in_days=-3, what_module="Deals", created_days_ago=20)
    assert CLOSING in kinds_of(acc, d, late)


def test_closing_window_boundaries() -> None:
    acc = account(active_days_ago=20)
    assert CLOSING in kinds_of(acc, deal(acc.id, closes_in_days=30, active_days_ago=20))
    assert CLOSING not in kinds_of(acc, deal(acc.id, closes_in_days=31, active_days_ago=20))
    assert CLOSING not in kinds_of(acc, deal(acc.id, closes_in_days=-1, active_days_ago=20))
    acc14 = account(active_days_ago=14)
    assert CLOSING in kinds_of(acc14, deal(acc14.id, closes_in_days=5, active_days_ago=14))
    acc13 = account(active_days_ago=13)
    assert CLOSING not in kinds_of(acc13, deal(acc13.id, closes_in_days=5, active_days_ago=13))


# --- silent_account ----------------------------------------------------------------------------------


def test_big_quiet_account_is_silent() -> None:
    acc = account(name="Globex", revenue=5_000_000, active_days_ago=75)
    signal = kinds_of(acc)["silent_account"]
    assert signal.evidence == [acc.id]
    assert "Globex" in signal.summary and "75 days" in signal.summary


def test_small_or_recently_active_account_is_not_silent() -> None:
    assert "silent_account" not in kinds_of(account(revenue=999_999, active_days_ago=200))
    assert "silent_account" not in kinds_of(account(revenue=2_000_000, active_days_ago=59))
    assert "silent_account" in kinds_of(account(revenue=1_000_000, active_days_ago=60))


def test_activity_on_a_contact_keeps_an_account_from_being_silent() -> None:
    acc = account(revenue=3_000_000, active_days_ago=90)
    assert "silent_account" not in kinds_of(acc, contact(acc.id, active_days_ago=10))


# --- overdue_tasks -----------------------------------------------------------------------------------


def test_open_tasks_past_due_on_account_and_deal_are_overdue() -> None:
    acc = account()
    d = deal(acc.id)
    t1 = task(acc.id, subject="Send contract", due_in_days=-4)
    t2 = task(d.id, due_in_days=-40, what_module="Deals")
    signal = kinds_of(acc, d, t1, t2)["overdue_tasks"]
    assert set(signal.evidence) == {t1.id, t2.id}
    assert signal.severity == "high"
    assert "2 open tasks" in signal.summary


def test_completed_tasks_and_tasks_due_today_are_not_overdue() -> None:
    acc = account()
    assert "overdue_tasks" not in kinds_of(
        acc, task(acc.id, due_in_days=-9, status="Completed"), task(acc.id, due_in_days=0)
    )
    assert "overdue_tasks" in kinds_of(acc, task(acc.id, due_in_days=-1))


# --- contact_gone ------------------------------------------------------------------------------------


def test_contact_marked_as_left_in_title() -> None:
    acc = account()
    c = contact(acc.id, title="Left the company")
    signal = kinds_of(acc, c)["contact_gone"]
    assert signal.evidence == [c.id]


def test_opted_out_contact_with_a_note_saying_so() -> None:
    acc = account()
    c = contact(acc.id, first="Maria", last="Lopez", opt_out=True)
    n = note(acc.id, "Maria Lopez is no longer with the company; ask who replaces her.")
    signal = kinds_of(acc, c, n)["contact_gone"]
    assert signal.evidence == [c.id, n.id]
    assert "opted out" in signal.summary


def test_opt_out_alone_or_a_left_voicemail_is_not_gone() -> None:
    acc = account()
    c = contact(acc.id, first="Maria", last="Lopez", opt_out=True)
    assert "contact_gone" not in kinds_of(acc, c, note(acc.id, "Left a voicemail for Maria Lopez."))


def test_a_note_on_the_contact_itself_saying_she_departed() -> None:
    acc = account()
    c = contact(acc.id)
    n = note(c.id, "She departed in May.", parent_module="Contacts")
    assert kinds_of(acc, c, n)["contact_gone"].evidence == [c.id, n.id]


def test_a_note_saying_a_contact_has_not_left_is_not_gone() -> None:
    acc = account()
    c = contact(acc.id, first="Maria", last="Lopez")
    assert "contact_gone" not in kinds_of(acc, c, note(acc.id, "Maria Lopez has not left, she moved desks."))


# --- churn_risk / upsell_signal ----------------------------------------------------------------------


def test_churn_language_in_a_recent_note() -> None:
    acc = account()
    n = note(acc.id, "Call with CFO: they intend to cancel at term end and move to a competitor.", title="QBR")
    signal = kinds_of(acc, n)["churn_risk"]
    assert signal.evidence == [n.id]
    assert "cancel" in signal.summary and "QBR" in signal.summary


def test_churn_language_on_a_deal_note_counts_for_the_account() -> None:
    acc = account()
    d = deal(acc.id)
    n = note(d.id, "Procurement says they will not renew this year.", parent_module="Deals")
    assert kinds_of(acc, d, n)["churn_risk"].evidence == [n.id]


def test_negated_or_harmless_churn_words_do_not_flag() -> None:
    acc = account()
    notes = [
        note(acc.id, "No plans to cancel; they are happy."),
        note(acc.id, "Customer cancelled the meeting, rescheduled to Friday."),
        note(acc.id, "They are not unhappy with support."),
        note(acc.id, "Asked about renewal; they will renew."),
    ]
    assert "churn_risk" not in kinds_of(acc, *notes)


def test_old_notes_are_not_read() -> None:
    acc = account()
    assert "churn_risk" not in kinds_of(acc, note(acc.id, "We will cancel.", days_ago=121))
    assert "churn_risk" in kinds_of(acc, note(acc.id, "We will cancel.", days_ago=119))


def test_upsell_language_in_a_recent_note() -> None:
    acc = account()
    n = note(acc.id, "They want 40 more seats for the new Berlin office.")
    signal = kinds_of(acc, n)["upsell_signal"]
    assert signal.evidence == [n.id]
    assert "more seats" in signal.summary


def test_negated_upsell_does_not_flag() -> None:
    acc = account()
    notes = [
        note(acc.id, "No plans to expand this year."),
        note(acc.id, "Upgrade is on hold until Q4."),
        note(acc.id, "Not interested in upgrading."),
    ]
    assert "upsell_signal" not in kinds_of(acc, *notes)


# --- the triage as a whole ---------------------------------------------------------------------------


def test_healthy_account_scores_100_and_has_no_signals() -> None:
    acc = account()
    [result] = triage_org(
        org(acc, deal(acc.id), contact(acc.id), task(acc.id), note(acc.id, "Good call.")), today=TODAY
    )
    assert result.signals == [] and result.score == 100


def test_score_drops_with_risk_and_is_explained() -> None:
    acc = account(revenue=5_000_000, active_days_ago=100)
    d = deal(acc.id, active_days_ago=100)
    [result] = triage_org(org(acc, d, note(acc.id, "They will cancel.", days_ago=100)), today=TODAY)
    assert {s.kind for s in result.signals} == {"silent_account", "deal_stalled", "churn_risk"}
    assert result.score < 50
    assert 100 + sum(i.points for i in result.score_breakdown) == result.score


def test_owner_filter_and_change_detection() -> None:
    mine, other = account(), account(owner=None)
    results = triage_org(org(mine, other), today=TODAY, owner="ANA@example.com")
    assert [r.account_id for r in results] == [mine.id]
    [changed] = triage_org(org(mine), today=TODAY, since=mine.modified_time)
    assert changed.changed_since_last_run is False
