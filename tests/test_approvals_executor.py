"""The write executor against a fake gateway that behaves like the integration manager's idempotent
``execute_write`` (a second call with the same idempotency key returns the record it made)."""

from __future__ import annotations

from typing import Any, cast

import pytest
from test_state_store import note, task

from approvals.decisions import decide
from approvals.executor import EXECUTOR_LOCK, ExecutionFailure, ExecutorBusy, execute_approved
from domain.proposals import CreateTaskProposal
from domain.recommendations import ApprovedWrite, Recommendation, WriteResult
from integrations.zoho.errors import ZohoRateLimitedError, ZohoValidationError
from integrations.zoho.gateway import ZohoGateway
from state.store import StateStore


class IdempotentZoho:
    """Writes land in ``records`` once per idempotency key. ``crash_after`` makes the process "die"
    (KeyboardInterrupt/SystemExit) right after the n-th new write reached Zoho."""

    def __init__(
        self,
        *,
        crash_after: int | None = None,
        crash: type[BaseException] = KeyboardInterrupt,
        errors: dict[str, Exception] | None = None,
    ) -> None:
        self.records: dict[str, str] = {}
        self.sent: list[str] = []
        self.crash_after = crash_after
        self.crash = crash
        self.errors = errors or {}

    async def execute_write(self, approved: ApprovedWrite) -> WriteResult:
        self.sent.append(approved.recommendation_id)
        module = "Tasks" if isinstance(approved.action, CreateTaskProposal) else "Notes"
        key = approved.idempotency_key
        if key in self.records:
            return WriteResult(
                recommendation_id=approved.recommendation_id,
                record_id=self.records[key],
                module=module,
                created=False,
                tier="rest",
            )
        subject = approved.action.task.subject if isinstance(approved.action, CreateTaskProposal) else ""
        if subject in self.errors:
            raise self.errors[subject]
        self.records[key] = f"Z{len(self.records) + 1}"
        if self.crash_after is not None and len(self.records) == self.crash_after:
            raise self.crash()
        return WriteResult(
            recommendation_id=approved.recommendation_id,
            record_id=self.records[key],
            module=module,
            created=True,
            tier="rest",
        )


def approved(store: StateStore, *subjects: str) -> list[Recommendation]:
    recs = [store.enqueue(task(subject=s))[0] for s in subjects]
    return [store.decide(r.id, "approved", by="tester") for r in recs]


def gw(fake: IdempotentZoho) -> ZohoGateway:
    return cast(ZohoGateway, fake)


@pytest.mark.parametrize("crash", [KeyboardInterrupt, SystemExit])
async def test_crash_after_send_then_rerun_writes_each_exactly_once(
    store: StateStore, crash: type[BaseException]
) -> None:
    recs = approved(store, "One", "Two", "Three")
    zoho = IdempotentZoho(crash_after=2, crash=crash)
    with pytest.raises(crash):
        await execute_approved(store, gw(zoho))
    statuses = [store.get_recommendation(r.id).status for r in recs]  # type: ignore[union-attr]
    assert statuses == ["executed", "executing", "approved"]
    assert store.lock_holder(EXECUTOR_LOCK) is None  # released on the way out

    zoho.crash_after = None
    outcomes = await execute_approved(store, gw(zoho))
    assert [(o.recommendation_id, o.created) for o in outcomes if isinstance(o, WriteResult)] == [
        (recs[1].id, False),
        (recs[2].id, True),
    ]
    assert len(zoho.records) == 3  # one Zoho record per recommendation
    assert {r.idempotency_key for r in recs} == set(zoho.records)
    final = [store.get_recommendation(r.id) for r in recs]
    assert [r.status for r in final if r] == ["executed"] * 3
    assert final[1] is not None and final[1].result_record_id == zoho.records[recs[1].idempotency_key]
    assert await execute_approved(store, gw(zoho)) == []  # nothing left to do
    outcomes_audited = [e.outcome for e in store.list_audit(recommendation_id=recs[1].id, kind="write")]
    assert outcomes_audited == ["sending", "reconciling", "already_present"]


async def test_transient_stays_approved_validation_fails_unknown_is_reconciled(store: StateStore) -> None:
    busy, bad, weird, fine = approved(store, "Busy", "Bad", "Weird", "Fine")
    zoho = IdempotentZoho(
        errors={
            "Busy": ZohoRateLimitedError("Too many requests", status=429, code="TOO_MANY_REQUESTS"),
            "Bad": ZohoValidationError("Subject too long", status=400, code="INVALID_DATA", module="Tasks"),
            "Weird": RuntimeError("connection reset in a strange place"),
        }
    )
    seen: list[Any] = []
    outcomes = await execute_approved(store, gw(zoho), on_result=seen.append)
    assert outcomes == seen and len(outcomes) == 4
    by_id = {o.recommendation_id: o for o in outcomes}
    busy_outcome = by_id[busy.id]
    assert isinstance(busy_outcome, ExecutionFailure) and busy_outcome.retryable
    assert "approve --execute" in busy_outcome.hint
    assert store.get_recommendation(busy.id).status == "approved"  # type: ignore[union-attr]
    assert by_id[bad.id].status == "failed" and not by_id[bad.id].retryable  # type: ignore[union-attr]
    rec_bad = store.get_recommendation(bad.id)
    assert rec_bad is not None and rec_bad.status == "failed" and "Subject too long" in (rec_bad.error or "")
    assert store.get_recommendation(weird.id).status == "executing"  # type: ignore[union-attr]
    assert isinstance(by_id[fine.id], WriteResult) and by_id[fine.id].created  # type: ignore[union-attr]

    zoho.errors = {}
    again = await execute_approved(store, gw(zoho))
    assert {o.recommendation_id for o in again} == {weird.id, busy.id}
    assert all(isinstance(o, WriteResult) for o in again)
    assert store.get_recommendation(bad.id).status == "failed"  # type: ignore[union-attr]


async def test_refused_credentials_stop_the_batch_and_keep_it_approved(store: StateStore) -> None:
    from integrations.zoho.errors import ZohoAuthError

    first, second = approved(store, "First", "Second")
    zoho = IdempotentZoho(errors={"First": ZohoAuthError("invalid_client", code="invalid_client")})
    [outcome] = await execute_approved(store, gw(zoho))
    assert isinstance(outcome, ExecutionFailure) and outcome.stops_batch and outcome.retryable
    assert "SERGAS_ZOHO_REFRESH_TOKEN" in outcome.hint
    assert [store.get_recommendation(r.id).status for r in (first, second)] == ["approved", "approved"]  # type: ignore[union-attr]
    assert zoho.sent == [first.id]


async def test_ids_limit_what_is_executed(store: StateStore) -> None:
    one, two = approved(store, "One", "Two")
    outcomes = await execute_approved(store, gw(IdempotentZoho()), ids=[two.id])
    assert [o.recommendation_id for o in outcomes] == [two.id]
    assert store.get_recommendation(one.id).status == "approved"  # type: ignore[union-attr]


async def test_only_one_executor_at_a_time(store: StateStore) -> None:
    approved(store, "One")
    assert store.acquire_run_lock(EXECUTOR_LOCK, owner="other-live-process", ttl_seconds=60)
    with pytest.raises(ExecutorBusy, match="other-live-process"):
        await execute_approved(store, gw(IdempotentZoho()))
    store.release_run_lock(EXECUTOR_LOCK, "other-live-process")
    assert len(await execute_approved(store, gw(IdempotentZoho()))) == 1


async def test_pending_and_rejected_are_never_sent(store: StateStore) -> None:
    pending, _ = store.enqueue(task(subject="Pending"))
    rejected, _ = store.enqueue(note())
    store.decide(rejected.id, "rejected", by="me", reason="no")
    zoho = IdempotentZoho()
    assert await execute_approved(store, gw(zoho)) == []
    assert zoho.sent == []


async def test_decide_calls_the_hook_and_survives_its_failure(store: StateStore) -> None:
    rec, _ = store.enqueue(task())
    calls: list[tuple[str, str, str | None]] = []

    async def remember(r: Recommendation, decision: str, reason: str | None) -> None:
        calls.append((r.id, decision, reason))

    out = await decide(store, rec.id, "approved", by="me", reason="yes", on_decision=remember)
    assert out.status == "approved" and calls == [(rec.id, "approved", "yes")]

    other, _ = store.enqueue(note())

    def broken(r: Recommendation, decision: str, reason: str | None) -> None:
        raise OSError("memory offline")

    out = await decide(store, other.id, "rejected", by="me", reason="dup", on_decision=broken)
    assert out.status == "rejected"
    [hook] = store.list_audit(recommendation_id=other.id, kind="decision_hook")
    assert hook.outcome == "error" and "memory offline" in hook.detail["error"]
