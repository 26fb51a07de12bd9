"""The situation identity of a proposal (``domain.situation``) and the screening against past decisions
(``approvals.screening``): pure functions, crafted inputs."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from approvals.screening import basis_of, result_check, screen
from domain.proposals import (
    AddNoteProposal,
    Citation,
    NoteDraft,
    ProposedAction,
    TaskDraft,
    UpdateFieldsProposal,
    parse_proposal,
)
from domain.recommendations import EvidenceBasis, Recommendation
from domain.situation import same_situation, situation_key, words
from integrations.zoho.models import Account, Contact, CrmRecord, Deal, Note, Task

NOW = datetime(2026, 12, 14, 9, 0, tzinfo=UTC)
WINDOW = timedelta(days=30)


def task(subject: str, **kw: Any) -> ProposedAction:
    data: dict[str, Any] = {
        "kind": "create_task",
        "account_id": "A1",
        "target_id": "A1",
        "task": TaskDraft(subject=subject, due_date=kw.pop("due", None), who_id=kw.pop("who_id", None)),
        "rationale": "because",
    }
    return parse_proposal(data | kw)


def gone(subject: str, contact: str = "C1", **kw: Any) -> ProposedAction:
    """The rules' 'find the replacement' task: on the account, about a contact (signal contact_gone)."""
    cites = [Citation(record_id=contact, module="Contacts"), *kw.pop("evidence", [])]
    about = {"signal_kind": "contact_gone", "subject_id": contact, "evidence": cites, "origin": "rules"}
    return task(subject, **(about | kw))


def update(**fields: Any) -> ProposedAction:
    return UpdateFieldsProposal(account_id="A1", target_module="Deals", target_id="D1", fields=fields, rationale="r")


# --- identity -------------------------------------------------------------------------------------
def test_a_finding_is_one_situation_whatever_the_wording() -> None:
    rules = gone("Find the replacement for Omar Navarro at Riverside")
    agent = gone("Identify who took over from Omar", origin="agent")
    assert same_situation(rules, agent) and situation_key(rules) == situation_key(agent)
    assert not same_situation(rules, gone("Find the replacement for Omar Navarro at Riverside", contact="C2"))
    stalled = task("Find the replacement for Omar Navarro at Riverside", signal_kind="churn_risk")
    assert not same_situation(rules, stalled)  # another finding on the same account


def test_rows_queued_before_subject_id_existed_still_match() -> None:
    legacy = gone("Find the replacement for Omar", subject_id=None)
    assert legacy.subject_id is None
    assert situation_key(legacy) == situation_key(gone("Find the replacement for Omar"))


def test_free_tasks_match_by_their_words_not_their_dates() -> None:
    a = task("Follow up with Emma Walsh", who_id="C9", due=date(2026, 12, 4))
    assert same_situation(a, task("Call Emma Walsh to follow up", who_id="C9"))
    assert same_situation(a, task("Follow up with Emma Walsh by 2026-12-18", who_id="C9"))
    assert same_situation(a, task("follow-up with emma walsh (Dec 18th)", who_id="C9"))
    assert not same_situation(a, task("Send the signed contract to Emma Walsh", who_id="C9"))
    assert not same_situation(a, task("Follow up with Emma Walsh", who_id="C8"))  # another contact
    assert not same_situation(task("Task 1"), task("Task 2"))
    assert words("Send Q3 reports") == {"send", "q3", "report"}


def test_field_updates_differ_by_value_not_by_case() -> None:
    assert same_situation(update(Stage="Closed Lost"), update(Stage=" closed lost"))
    assert not same_situation(update(Stage="Closed Lost"), update(Stage="Negotiation"))


def test_notes_and_kinds() -> None:
    note = AddNoteProposal(
        account_id="A1",
        target_id="A1",
        note=NoteDraft(title="Renewal risk", content="x"),
        rationale="r",
    )
    assert not same_situation(note, task("Renewal risk"))


# --- screening ------------------------------------------------------------------------------------
def at(days: int) -> datetime:
    return NOW - timedelta(days=days)


def records(*extra: CrmRecord) -> list[CrmRecord]:
    account = Account(id="A1", name="Riverside", modified_time=at(20))
    omar = Contact(id="C1", first_name="Omar", last_name="Navarro", account_id="A1", modified_time=at(20))
    return [account, omar, *extra]


def decided(proposal: ProposedAction, status: str, *, basis: EvidenceBasis | None = None, **kw: Any) -> Recommendation:
    return Recommendation(
        id=kw.pop("id", "R1"),
        proposal=proposal,
        status=status,  # type: ignore[arg-type]
        idempotency_key="k",
        dedupe_key=proposal.dedupe_key(),
        created_at=at(3),
        decided_at=at(2),
        decided_by="ana@example.com",
        basis=basis,
        **kw,
    )


def test_a_rejection_holds_until_a_cited_record_is_new_or_changed() -> None:
    first = gone("Find the replacement for Omar")
    rejected = decided(first, "rejected", basis=basis_of(first, records()), decision_reason="Omar is on leave")
    held = screen(gone("Find Omar's successor"), [rejected], records(), complete=True, now=NOW, window=WINDOW)
    assert held.verdict == "held" and held.prior is not None
    assert held.reason == "rejected on 12 Dec (your reason: Omar is on leave); nothing new since"

    note = Note(
        id="N7", title="Omar has left for good", content="He moved to Lisbon", parent_id="A1", created_time=at(1)
    )
    cited = gone("Find the replacement for Omar", evidence=[Citation(record_id="N7", module="Notes")])
    again = screen(cited, [rejected], records(note), complete=True, now=NOW, window=WINDOW)
    assert again.verdict == "again" and again.prior is not None
    assert again.prior.what_is_new == ["note 'Omar has left for good' of 13 Dec"]
    assert again.prior.message.startswith("New since you rejected this on 12 Dec (your reason: Omar is on leave)")
    assert again.prior.reason == "Omar is on leave" and again.prior.recommendation_id == "R1"

    old = Note(id="N1", title="Org chart", content="Omar Navarro, Director", parent_id="A1", modified_time=at(30))
    also_old = gone("Find the replacement for Omar", evidence=[Citation(record_id="N1", module="Notes")])
    assert screen(also_old, [rejected], records(old), complete=True, now=NOW, window=WINDOW).verdict == "held"

    changed = records()
    changed[1] = changed[1].model_copy(update={"modified_time": at(1)})
    moved = screen(first, [rejected], changed, complete=True, now=NOW, window=WINDOW)
    assert moved.verdict == "again" and "contact 'Omar Navarro'" in moved.prior.what_is_new[0]  # type: ignore[union-attr]


def test_an_account_edit_alone_is_not_new_evidence() -> None:
    first = gone("Find the replacement for Omar", evidence=[Citation(record_id="A1", module="Accounts")])
    rejected = decided(first, "rejected", basis=basis_of(first, records()), decision_reason="no")
    touched = records()
    touched[0] = touched[0].model_copy(update={"modified_time": at(0)})
    assert screen(first, [rejected], touched, complete=True, now=NOW, window=WINDOW).verdict == "held"


def executed_task(status: str | None, *, complete: bool = True, days_ago: int = 2) -> str:
    first = gone("Find the replacement for Omar")
    done = decided(first, "executed", executed_at=at(days_ago), result_record_id="T5", result_module="Tasks")
    made = [Task(id="T5", subject="Find the replacement for Omar", status=status, what_id="A1")] if status else []
    return screen(first, [done], records(*made), complete=complete, now=NOW, window=WINDOW).verdict


def test_an_executed_action_holds_while_its_result_stands() -> None:
    assert executed_task("Not Started") == "held"
    assert executed_task(None, complete=False) == "held"  # not seen, but recent: counts as standing
    assert executed_task(None, complete=False, days_ago=45) == "again"


def test_what_was_done_is_not_done_twice_on_the_same_evidence() -> None:
    assert executed_task("Completed") == "held"  # the work was done: the same note does not ask for it again
    assert executed_task(None) == "held"  # deleted in Zoho by a person: not pushed back on the same evidence
    assert executed_task("Completed", days_ago=45) == "again"  # the situation outlived the action
    first = gone("Find the replacement for Omar")
    done = decided(
        first,
        "executed",
        basis=basis_of(first, records()),
        executed_at=at(2),
        result_record_id="T5",
        result_module="Tasks",
    )
    completed = Task(id="T5", subject="Find the replacement for Omar", status="Completed", what_id="A1")
    held = screen(first, [done], records(completed), complete=True, now=NOW, window=WINDOW)
    assert held.verdict == "held" and held.reason is not None
    assert held.reason.startswith("already done: task T5 created on 12 Dec is completed; nothing new since")
    note = Note(
        id="N8", title="Successor left too", content="Omar's successor quit", parent_id="A1", created_time=at(1)
    )
    cited = gone("Find the replacement for Omar", evidence=[Citation(record_id="N8", module="Notes")])
    again = screen(cited, [done], records(completed, note), complete=True, now=NOW, window=WINDOW)
    assert again.verdict == "again" and again.prior is not None
    assert again.prior.message.startswith("Done before, but it no longer holds: task T5 created on 12 Dec is completed")
    assert "new since: note 'Successor left too' of 13 Dec" in again.prior.message


def test_an_executed_field_update_holds_while_the_field_has_the_value() -> None:
    done = decided(update(Stage="Closed Lost"), "executed", executed_at=at(2), result_record_id="D1")
    deal = Deal(id="D1", name="Renewal", stage="Closed Lost", raw={"Stage": "Closed Lost"})
    assert result_check(done, [deal], complete=True, now=NOW, window=WINDOW).stands
    reopened = deal.model_copy(update={"raw": {"Stage": "Negotiation"}})
    check = result_check(done, [reopened], complete=True, now=NOW, window=WINDOW)
    assert not check.stands and "Stage changed since" in check.detail


def test_the_latest_decision_governs_and_nothing_decided_is_new() -> None:
    first = gone("Find the replacement for Omar")
    assert screen(first, [], records(), complete=True, now=NOW, window=WINDOW).verdict == "new"
    rejected = decided(first, "rejected", id="R0", basis=basis_of(first, records()), decision_reason="no")
    done = decided(first, "executed", id="R2", executed_at=at(1), result_record_id="T5", result_module="Tasks")
    made = Task(id="T5", subject="x", status="Not Started", what_id="A1")
    out = screen(first, [done, rejected], records(made), complete=True, now=NOW, window=WINDOW)
    assert out.verdict == "held" and out.prior is not None and out.prior.recommendation_id == "R2"
