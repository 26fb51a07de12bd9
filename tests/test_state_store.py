"""The state store on SQLite (this file) — test_state_postgres.py re-runs every test here on PostgreSQL
by overriding the ``store`` fixture."""

from __future__ import annotations

import stat
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from config import load_settings
from domain.proposals import (
    AddNoteProposal,
    Citation,
    CreateTaskProposal,
    NoteDraft,
    ProposedAction,
    TaskDraft,
    UpdateFieldsProposal,
)
from domain.recommendations import WriteResult
from state.errors import InvalidTransition, NotFoundError
from state.store import StateStore


def task(subject: str = "Call the CFO about renewal", account: str = "A1") -> ProposedAction:
    return CreateTaskProposal(
        account_id=account,
        target_id=account,
        task=TaskDraft(subject=subject, due_date=date(2026, 12, 1)),
        rationale="Renewal in 30 days",
        evidence=[Citation(record_id="D9", module="Deals", excerpt="Closing 2026-12-20")],
    )


def note(content: str = "Champion left the company", account: str = "A1") -> ProposedAction:
    return AddNoteProposal(
        account_id=account,
        target_id=account,
        note=NoteDraft(title="Risk", content=content),
        rationale="Contact churn",
    )


def update(account: str = "A1") -> ProposedAction:
    return UpdateFieldsProposal(
        account_id=account,
        target_id=account,
        fields={"Rating": "Cold"},
        rationale="No activity for 90 days",
        origin="rules",
    )


def written(rec_id: str, record_id: str = "T1") -> WriteResult:
    return WriteResult(recommendation_id=rec_id, record_id=record_id, module="Tasks", created=True, tier="rest")


# --- schema / files -------------------------------------------------------------------------------
def test_open_is_idempotent_and_sqlite_file_is_private(tmp_path: Path) -> None:
    settings = load_settings(home=tmp_path / "home")
    first = StateStore.open(settings)
    rec, _ = first.enqueue(task())
    first.close()
    with StateStore.open(settings) as again:
        assert again.get_recommendation(rec.id) is not None
    db = settings.state_dir / "state.db"
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    assert stat.S_IMODE(settings.state_dir.stat().st_mode) == 0o700


# --- runs -----------------------------------------------------------------------------------------
def test_run_lifecycle_and_resume(store: StateStore) -> None:
    assert store.last_successful_run("review") is None
    first = store.start_run("review", {"owner": "a@x.com"})
    store.finish_run(first, "succeeded", {"accounts": 3})
    assert store.unfinished_run("review") is None
    crashed = store.start_run("review", {"owner": "a@x.com"})
    assert store.unfinished_run("review").id == crashed  # type: ignore[union-attr]
    assert store.unfinished_run("sync") is None
    resumed = store.resume_run(crashed)
    assert resumed.attempts == 2 and resumed.status == "running"
    store.finish_run(crashed, "interrupted", {"done": 1})
    assert store.unfinished_run("review").id == crashed  # type: ignore[union-attr]
    store.finish_run(crashed, "succeeded", {"accounts": 5})
    last = store.last_successful_run("review")
    assert last is not None and last.id == crashed and last.summary == {"accounts": 5}
    assert store.get_run("nope") is None
    with pytest.raises(NotFoundError):
        store.finish_run("nope", "failed", {})


def test_review_results_upsert_per_account(store: StateStore) -> None:
    run = store.start_run("review", {})
    store.save_review_result(run, "A1", 0.4, [{"kind": "stalled_deal"}], [])
    store.save_review_result(run, "A2", 0.9, [], ["r1"])
    store.save_review_result(run, "A1", 0.7, [{"kind": "renewal_due"}], ["r2"])  # resumed: replaced
    assert store.reviewed_account_ids(run) == {"A1", "A2"}
    results = store.review_results(run)
    assert [(r.account_id, r.score) for r in results] == [("A2", 0.9), ("A1", 0.7)]
    assert results[1].signals == [{"kind": "renewal_due"}] and results[1].recommendation_ids == ["r2"]
    assert store.reviewed_account_ids("other") == set()


# --- queue ----------------------------------------------------------------------------------------
def test_enqueue_dedupes_open_recommendations_only(store: StateStore) -> None:
    rec, created = store.enqueue(task(), run_id="run1")
    assert created and rec.status == "pending" and rec.run_id == "run1"
    again, created_again = store.enqueue(task(subject="  CALL the cfo about renewal "), run_id="run2")
    assert not created_again and again.id == rec.id
    store.decide(rec.id, "rejected", by="me", reason="Not now")
    fresh, created_fresh = store.enqueue(task())
    assert created_fresh and fresh.id != rec.id and fresh.idempotency_key != rec.idempotency_key


def test_list_filters(store: StateStore) -> None:
    a, _ = store.enqueue(task(account="A1"), run_id="r1")
    b, _ = store.enqueue(note(account="A2"), run_id="r1", suspicious=True)
    c, _ = store.enqueue(update(account="A2"), run_id="r2")
    store.decide(c.id, "approved", by="me")
    assert [r.id for r in store.list_recommendations()] == [a.id, b.id, c.id]
    assert [r.id for r in store.list_recommendations(status="pending")] == [a.id, b.id]
    assert [r.id for r in store.list_recommendations(status=["approved", "executed"])] == [c.id]
    assert [r.id for r in store.list_recommendations(account_id="A2", kind="add_note")] == [b.id]
    assert [r.id for r in store.list_recommendations(run_id="r2")] == [c.id]
    assert store.get_recommendation(b.id).suspicious  # type: ignore[union-attr]


def test_decisions_and_transitions(store: StateStore) -> None:
    rec, _ = store.enqueue(task())
    with pytest.raises(InvalidTransition, match="reason"):
        store.decide(rec.id, "rejected", by="me", reason="  ")
    skipped = store.decide(rec.id, "skipped", by="me")
    assert skipped.status == "pending"
    with pytest.raises(NotFoundError):
        store.decide("missing", "approved", by="me")
    approved = store.decide(rec.id, "approved", by="alice", reason="good idea")
    assert approved.status == "approved" and approved.decided_by == "alice" and approved.decided_at
    with pytest.raises(InvalidTransition, match="approved"):
        store.decide(rec.id, "rejected", by="me", reason="changed my mind")
    kinds = [(e.kind, e.outcome) for e in store.list_audit(recommendation_id=rec.id)]
    assert kinds == [("proposal", "queued"), ("decision", "skipped"), ("decision", "approved")]


def test_decided_since_feeds_the_memory_sync(store: StateStore) -> None:
    first, _ = store.enqueue(task())
    second, _ = store.enqueue(note())
    store.enqueue(update())  # never decided
    store.decide(first.id, "approved", by="me")
    store.decide(second.id, "skipped", by="me")  # a skip is not a decision that changes anything
    store.decide(second.id, "rejected", by="me", reason="not relevant")
    decided = store.decided_since()
    assert [(r.id, r.status) for r in decided] == [(first.id, "approved"), (second.id, "rejected")]
    cursor = decided[0].decided_at
    assert [r.id for r in store.decided_since(cursor)] == [second.id]
    assert store.decided_since(decided[-1].decided_at) == []


def test_approve_with_edits_keeps_idempotency_key(store: StateStore) -> None:
    rec, _ = store.enqueue(task())
    edited = task(subject="Call the CFO and the buyer").model_copy(
        update={"task": TaskDraft(subject="Call the CFO and the buyer", due_date=date(2026, 12, 5))}
    )
    out = store.decide(rec.id, "approved", by="me", edited=edited)
    assert out.idempotency_key == rec.idempotency_key and out.dedupe_key == rec.dedupe_key
    assert isinstance(out.proposal, CreateTaskProposal) and out.proposal.task.subject == "Call the CFO and the buyer"
    assert str(out.proposal.task.due_date) == "2026-12-05"
    original = store.original_proposal(rec.id)
    assert isinstance(original, CreateTaskProposal)
    assert original.task.subject == "Call the CFO about renewal"
    detail = store.list_audit(recommendation_id=rec.id, kind="decision")[0].detail
    assert detail["edited"] and detail["before"]["subject"] != detail["after"]["subject"]
    other, _ = store.enqueue(note())
    with pytest.raises(InvalidTransition, match="kind, account or target"):
        store.decide(other.id, "approved", by="me", edited=note(account="A9"))
    with pytest.raises(InvalidTransition):
        store.decide(other.id, "rejected", by="me", reason="x", edited=note())


def test_claim_execute_fail_and_reapprove(store: StateStore) -> None:
    rec, _ = store.enqueue(task())
    assert store.claim_for_execution(rec.id) is None  # pending: not claimable
    store.decide(rec.id, "approved", by="me")
    write = store.claim_for_execution(rec.id)
    assert write is not None and write.idempotency_key == rec.idempotency_key and write.approved_by == "me"
    assert store.claim_for_execution(rec.id) is None  # already claimed
    assert [r.id for r in store.executing_recommendations()] == [rec.id]
    # a duplicate proposal while it is executing is still deduped
    assert store.enqueue(task())[1] is False
    failed = store.mark_failed(rec.id, "INVALID_DATA Subject too long")
    assert failed.status == "failed" and "INVALID_DATA" in (failed.error or "")
    with pytest.raises(InvalidTransition):
        store.mark_executed(rec.id, written(rec.id))
    store.decide(rec.id, "approved", by="me")  # retry after fixing
    assert store.claim_for_execution(rec.id) is not None
    retry = store.release_for_retry(rec.id, "Zoho unavailable")
    assert retry.status == "approved" and retry.error == "Zoho unavailable"
    store.claim_for_execution(rec.id)
    done = store.mark_executed(rec.id, written(rec.id, "T42"))
    assert done.status == "executed" and done.result_record_id == "T42" and done.error is None
    assert store.mark_executed(rec.id, written(rec.id, "T42")).status == "executed"  # idempotent
    assert store.executing_recommendations() == []


def test_reapproving_a_failed_one_when_a_new_copy_is_open_is_refused(store: StateStore) -> None:
    rec, _ = store.enqueue(task())
    store.decide(rec.id, "approved", by="me")
    store.claim_for_execution(rec.id)
    store.mark_failed(rec.id, "bad")
    newer, created = store.enqueue(task())
    assert created
    with pytest.raises(InvalidTransition, match="same change"):
        store.decide(rec.id, "approved", by="me")
    assert store.get_recommendation(newer.id).status == "pending"  # type: ignore[union-attr]


# --- audit ----------------------------------------------------------------------------------------
def test_audit_columns_detail_and_redaction(store: StateStore) -> None:
    at = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    store.record_audit(
        {
            "at": at.isoformat(),
            "run_id": "r1",
            "kind": "tool_call",
            "agent_id": "acct-A1",
            "agent_type": "reviewer",
            "tool": "mcp__zoho__get_account_360",
            "input_summary": "account A1 with Bearer abcdefghijklmnop1234",
            "duration_ms": 12,
            "outcome": "ok",
            "tier": "mcp",
            "account_id": "A1",
            "cost_usd": 0.01,
            "headers": {"Authorization": "Zoho-oauthtoken 1000.abc", "X-Trace": "t1"},
            "note": "refresh_token=1000.0123456789abcdef0123.0123456789abcdef0123 client_secret: s3cr3t",
        }
    )
    [event] = store.list_audit(run_id="r1")
    assert event.at == at and event.duration_ms == 12.0 and event.tier == "mcp" and event.tool
    assert event.detail["cost_usd"] == 0.01 and event.detail["headers"]["X-Trace"] == "t1"
    flat = repr(event.model_dump())
    for secret in ("abcdefghijklmnop1234", "1000.abc", "0123456789abcdef0123", "s3cr3t"):
        assert secret not in flat
    assert store.list_audit(account_id="A2") == []


def test_audit_is_append_only_at_the_database(store: StateStore) -> None:
    from sqlalchemy import text

    store.record_audit({"kind": "x"})
    with pytest.raises(Exception, match="append-only"), store._engine.begin() as conn:
        conn.execute(text("DELETE FROM audit"))
    with pytest.raises(Exception, match="append-only"), store._engine.begin() as conn:
        conn.execute(text("UPDATE audit SET kind = 'y'"))
    assert len(store.list_audit()) == 1


def test_audit_limit_keeps_latest_in_order(store: StateStore) -> None:
    for i in range(5):
        store.record_audit({"kind": "e", "outcome": str(i)})
    assert [e.outcome for e in store.list_audit(limit=3)] == ["2", "3", "4"]


# --- cursors --------------------------------------------------------------------------------------
def test_cursors_round_trip(store: StateStore) -> None:
    assert store.get_cursor("Accounts") is None
    t1 = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
    store.set_cursor("Accounts", t1)
    store.set_cursor("Accounts", t1 + timedelta(hours=1))
    store.set_cursor("Deals", t1)
    assert store.get_cursor("Accounts") == t1 + timedelta(hours=1)
    assert store.get_cursor("Deals") == t1


# --- locks ----------------------------------------------------------------------------------------
def test_run_lock_exclusive_reentrant_and_released(store: StateStore) -> None:
    assert store.acquire_run_lock("review", owner="a", ttl_seconds=60)
    assert not store.acquire_run_lock("review", owner="b", ttl_seconds=60)
    assert store.acquire_run_lock("review", owner="a", ttl_seconds=60)
    assert store.lock_holder("review") == "a"
    store.release_run_lock("review", "b")  # not the holder: no effect
    assert not store.acquire_run_lock("review", owner="b", ttl_seconds=60)
    store.release_run_lock("review", "a")
    assert store.acquire_run_lock("review", owner="b", ttl_seconds=60)


def test_expired_lock_is_taken_over(tmp_path: Path, store: StateStore) -> None:
    now = [datetime(2026, 1, 1, tzinfo=UTC)]
    clocked = StateStore(store._engine, clock=lambda: now[0])
    assert clocked.acquire_run_lock("review", owner="a", ttl_seconds=30)
    now[0] += timedelta(seconds=10)
    assert not clocked.acquire_run_lock("review", owner="b", ttl_seconds=30)
    now[0] += timedelta(seconds=31)
    assert clocked.acquire_run_lock("review", owner="b", ttl_seconds=30)
    assert clocked.lock_holder("review") == "b"
    assert [e.outcome for e in clocked.list_audit(kind="lock")] == ["taken_over"]


def test_lock_of_a_dead_process_is_taken_over(store: StateStore) -> None:
    import subprocess
    import sys

    from sqlalchemy import update as sql_update

    from state import schema

    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    assert store.acquire_run_lock("review", owner="crashed", ttl_seconds=3600)
    with store._engine.begin() as conn:  # pretend a crashed process on this host held it
        conn.execute(sql_update(schema.locks).values(pid=child.pid))
    assert store.acquire_run_lock("review", owner="next", ttl_seconds=3600)


# --- concurrency ----------------------------------------------------------------------------------
def test_concurrent_enqueue_of_the_same_proposal_makes_one_row(store: StateStore) -> None:
    import threading

    barrier = threading.Barrier(8)
    results: list[tuple[str, bool]] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            barrier.wait()
            rec, created = store.enqueue(task(), run_id="r1")
            results.append((rec.id, created))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len({rec_id for rec_id, _ in results}) == 1
    assert sum(created for _, created in results) == 1
    assert len(store.list_recommendations()) == 1


def test_concurrent_claims_hand_out_each_write_once(store: StateStore) -> None:
    from concurrent.futures import ThreadPoolExecutor

    recs = [store.enqueue(task(subject=f"Task {i}"))[0] for i in range(10)]
    for rec in recs:
        store.decide(rec.id, "approved", by="me")
    with ThreadPoolExecutor(6) as pool:
        claims = list(pool.map(lambda rid: store.claim_for_execution(rid), [r.id for r in recs] * 3))
    assert sorted(c.recommendation_id for c in claims if c is not None) == sorted(r.id for r in recs)
