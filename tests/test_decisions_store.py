"""Decisions stick to the situation in the state store and the executor (SQLite here; PostgreSQL in
test_decisions_store_postgres.py, which re-runs these with its own ``store`` fixture): the situation
history, open-row dedupe across rewordings, recent decisions, the executor's refusal to create a second
record for one situation, and the in-place schema upgrade of an existing database."""

from __future__ import annotations

from datetime import timedelta
from typing import cast

from sqlalchemy import text
from test_approvals_executor import IdempotentZoho

from approvals.executor import ExecutionFailure, execute_approved
from approvals.queueing import queue_proposal
from domain.proposals import Citation, CreateTaskProposal, ProposedAction, TaskDraft
from domain.recommendations import EvidenceBasis, PriorDecision, WriteResult
from integrations.zoho.gateway import ZohoGateway
from integrations.zoho.models import Account, Contact
from state import migrations
from state.store import StateStore


def reopen(store: StateStore) -> StateStore:
    """A second store on the same database (as the next command would open it)."""
    return StateStore(store._engine)


def gone(subject: str = "Find the replacement for Omar Navarro", contact: str = "C1") -> ProposedAction:
    return CreateTaskProposal(
        account_id="A1",
        target_id="A1",
        task=TaskDraft(subject=subject),
        rationale="Rule-based proposal",
        evidence=[Citation(record_id=contact, module="Contacts")],
        origin="rules",
        signal_kind="contact_gone",
        subject_id=contact,
    )


def executed(store: StateStore, proposal: ProposedAction, record_id: str = "T1") -> str:
    rec, _ = store.enqueue(proposal)
    store.decide(rec.id, "approved", by="ana")
    assert store.claim_for_execution(rec.id) is not None
    store.mark_executed(
        rec.id, WriteResult(recommendation_id=rec.id, record_id=record_id, module="Tasks", created=True, tier="rest")
    )
    return rec.id


def test_an_open_row_absorbs_a_reworded_proposal_of_the_same_situation(store: StateStore) -> None:
    first, created = store.enqueue(gone())
    again, created_again = store.enqueue(gone("Identify who took over from Omar"))
    assert created and not created_again and again.id == first.id
    other, created_other = store.enqueue(gone(contact="C2"))
    assert created_other and other.situation_key != first.situation_key


def test_concurrent_rewordings_of_one_situation_make_one_open_row(store: StateStore) -> None:
    from concurrent.futures import ThreadPoolExecutor

    wordings = [f"{verb} the replacement for Omar Navarro" for verb in ("Find", "Identify", "Name", "Look for")]
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda w: reopen(store).enqueue(gone(w)), wordings * 2))
    assert sum(created for _, created in results) == 1
    assert len({rec.id for rec, _ in results}) == 1 and len(store.list_recommendations()) == 1


def test_situation_history_and_recent_decisions(store: StateStore) -> None:
    rejected, _ = store.enqueue(gone())
    store.decide(rejected.id, "rejected", by="ana", reason="Omar is on leave, not gone")
    done = executed(store, gone(contact="C2"))
    history = store.situation_history(gone("Who replaces Omar?"))
    assert [r.id for r in history] == [rejected.id]
    assert history[0].decision_reason == "Omar is on leave, not gone"
    assert [r.id for r in store.situation_history(gone(contact="C2"))] == [done]
    assert [r.id for r in store.recent_decisions(account_id="A1")] == [done, rejected.id]  # latest first
    assert store.recent_decisions(account_id="A2") == []
    assert [r.id for r in store.recent_decisions(statuses=("rejected",))] == [rejected.id]


def test_prior_decision_and_basis_round_trip(store: StateStore) -> None:
    prior = PriorDecision(recommendation_id="R0", status="rejected", reason="no", message="New since …: note 'X'")
    rec, _ = store.enqueue(gone(), basis=EvidenceBasis(versions={"C1": None}), prior=prior)
    loaded = reopen(store).get_recommendation(rec.id)
    assert loaded is not None and loaded.prior_decision == prior
    assert loaded.basis == EvidenceBasis(versions={"C1": None}) and loaded.situation_key == gone().situation_key()


def test_queueing_holds_a_rejected_situation_and_audits_why(store: StateStore) -> None:
    from datetime import UTC, datetime

    records = [Account(id="A1", name="Riverside"), Contact(id="C1", last_name="Navarro")]
    first = queue_proposal(store, gone(), records=records, complete=True, now=datetime.now(UTC))
    assert first.recommendation is not None and first.created
    store.decide(first.recommendation.id, "rejected", by="ana", reason="Omar is on leave")
    held = queue_proposal(store, gone("Find Omar's successor"), records=records, complete=True, now=datetime.now(UTC))
    assert held.held and "Omar is on leave" in (held.screening.reason or "")
    [event] = [e for e in store.list_audit(kind="proposal") if e.outcome == "held"]
    assert event.account_id == "A1" and event.detail["prior_decision"] == first.recommendation.id
    assert len(store.list_recommendations()) == 1


async def test_the_executor_never_makes_a_second_record_for_one_situation(store: StateStore) -> None:
    zoho = IdempotentZoho()
    gateway = cast(ZohoGateway, zoho)
    one, _ = store.enqueue(gone())
    store.decide(one.id, "approved", by="ana")
    [made] = await execute_approved(store, gateway)
    assert isinstance(made, WriteResult) and made.created
    two, created = store.enqueue(gone("Who took over from Omar Navarro?"))  # e.g. queued by an older version
    assert created
    store.decide(two.id, "approved", by="ana")
    [refused] = await execute_approved(store, gateway)
    assert isinstance(refused, ExecutionFailure) and refused.status == "superseded" and not refused.retryable
    assert refused.duplicate_of == one.id and "already done" in refused.error and "Tasks record Z1" in refused.error
    assert len(zoho.records) == 1 and zoho.sent == [one.id]
    rec = store.get_recommendation(two.id)
    assert rec is not None and rec.status == "superseded" and rec.error == refused.error
    [audit] = [e for e in store.list_audit(recommendation_id=two.id) if e.outcome == "duplicate_refused"]
    assert audit.detail["duplicate_of"] == one.id


async def test_a_knowing_repeat_or_an_old_one_is_sent(store: StateStore) -> None:
    zoho = IdempotentZoho()
    first = executed(store, gone())
    done = store.get_recommendation(first)
    assert done is not None
    prior = PriorDecision(
        recommendation_id=first, status="executed", executed_at=done.executed_at, message="Done before, but …"
    )
    again, _ = store.enqueue(gone(), prior=prior)  # re-proposed because its task was completed
    store.decide(again.id, "approved", by="ana")
    [sent] = await execute_approved(store, cast(ZohoGateway, zoho))
    assert isinstance(sent, WriteResult) and sent.created
    late, _ = store.enqueue(gone("Replacement for Omar Navarro?"))
    store.decide(late.id, "approved", by="ana")
    outcomes = await execute_approved(store, cast(ZohoGateway, zoho), duplicate_window=timedelta(0))
    assert [type(o) for o in outcomes] == [WriteResult]  # outside the window: allowed


def _downgrade(store: StateStore) -> None:
    """Make the database look like one created before the situation columns existed."""
    with store._engine.begin() as conn:
        conn.execute(text("DROP INDEX IF EXISTS ix_recommendations_situation"))
        for column in migrations.ADDED_RECOMMENDATION_COLUMNS:
            conn.execute(text(f"ALTER TABLE recommendations DROP COLUMN {column}"))


def test_an_existing_database_is_upgraded_in_place_idempotently(store: StateStore) -> None:
    legacy = gone()
    rejected, _ = store.enqueue(legacy)
    store.decide(rejected.id, "rejected", by="ana", reason="on leave")
    _downgrade(store)
    with store._engine.connect() as conn:
        assert "situation_key" not in list(conn.execute(text("SELECT * FROM recommendations")).keys())
    upgraded = reopen(store)
    upgraded.create_schema()
    history = upgraded.situation_history(gone("Find Omar's successor"))
    assert [r.id for r in history] == [rejected.id] and history[0].situation_key == legacy.situation_key()
    with store._engine.begin() as conn:
        assert migrations.upgrade(conn) == {"added_columns": [], "backfilled_situation_keys": 0}
    upgraded.create_schema()  # again: nothing to do, nothing broken
    assert len(upgraded.list_recommendations()) == 1


def test_a_row_whose_proposal_no_longer_parses_gets_a_key_matching_nothing(store: StateStore) -> None:
    rec, _ = store.enqueue(gone())
    _downgrade(store)
    with store._engine.begin() as conn:
        conn.execute(text("UPDATE recommendations SET proposal = :p"), {"p": '{"kind": "retired_kind"}'})
    reopen(store).create_schema()
    with store._engine.connect() as conn:
        key = conn.execute(text("SELECT situation_key FROM recommendations WHERE id = :i"), {"i": rec.id}).scalar()
    assert key == f"unreadable:{rec.id}"
