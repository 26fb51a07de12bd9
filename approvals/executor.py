"""Send approved writes to Zoho exactly once.

For each approved recommendation: claim it (``approved`` → ``executing``, committed) BEFORE sending,
call ``gateway.execute_write`` (idempotent by the recommendation's idempotency key), then record the
outcome. A crash between sending and recording leaves the row ``executing``; the next run reconciles
it first by sending the same ``ApprovedWrite`` again — the gateway finds the record it already made
and answers ``created=False`` — so nothing is written twice.

Outcomes per recommendation:
  * ``WriteResult``                      written (``created``) or found already written (reconciled)
  * ``ExecutionFailure(retryable=True)`` Zoho busy/unreachable: left ``approved`` for the next run;
                                         or an unexpected error: left ``executing`` to be reconciled
  * ``ExecutionFailure(retryable=False)`` Zoho refused the write (validation, permission, not found):
                                         ``failed`` with the reason; approve again after fixing it
  * Zoho refused our credentials (``ZohoConfigError``/``ZohoAuthError``): that write stays approved and
    the batch stops there (every other write would fail the same way); fix the settings and re-run.
  * ``ExecutionFailure(status="superseded")`` not sent: a recommendation about the same situation
    (``domain.situation``) already created its record within ``duplicate_window``
    (SERGAS_DUPLICATE_WINDOW_DAYS), and this one does not knowingly follow it (its ``prior_decision``).
    Two queued rows for one action never make two records. Audited as ``write``/``duplicate_refused``.

Only one executor runs at a time (a run lock in the state store; a crashed holder is taken over).
"""

from __future__ import annotations

import inspect
import os
import socket
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable
from datetime import timedelta
from typing import Any

from pydantic import BaseModel

from approvals.queueing import DEFAULT_WINDOW
from approvals.write_checks import WriteRefused, check_write
from config.crashpoints import crash_point
from domain.recommendations import ApprovedWrite, Recommendation, RecommendationStatus, WriteResult
from integrations.zoho.errors import ZohoConfigError, ZohoError, ZohoTransientError
from integrations.zoho.gateway import ZohoGateway
from state.store import StateStore, to_approved_write

EXECUTOR_LOCK = "approval-executor"
RETRY_HINT = "It stays approved; run `python main.py approve --execute` to retry."
REFUSED_HINT = "Nothing was written. Reject it, or queue a corrected proposal."
RECONCILE_HINT = (
    "Its outcome is unknown; it stays 'executing' and the next `python main.py approve` "
    "re-sends it with the same idempotency key (no duplicate)."
)


class ExecutionFailure(BaseModel):
    """A write that did not happen (yet), where the recommendation is now, and what to do."""

    recommendation_id: str
    error: str
    hint: str
    retryable: bool
    status: RecommendationStatus
    stops_batch: bool = False  # the configuration is wrong: later writes were not attempted
    duplicate_of: str | None = None  # superseded: the recommendation that already did it


ExecutionOutcome = WriteResult | ExecutionFailure
OnResult = Callable[[ExecutionOutcome], Awaitable[None] | None]


class ExecutorBusy(Exception):
    """Another process is executing approved writes right now."""

    def __init__(self, holder: str | None) -> None:
        super().__init__(
            f"another approve is executing writes ({holder or 'unknown holder'}); "
            "wait for it to finish, then run `python main.py approve --execute`"
        )
        self.holder = holder


async def execute_approved(
    store: StateStore,
    gateway: ZohoGateway,
    *,
    ids: Iterable[str] | None = None,
    on_result: OnResult | None = None,
    lock_ttl_seconds: float = 600.0,
    duplicate_window: timedelta = DEFAULT_WINDOW,
) -> list[ExecutionOutcome]:
    """Reconcile writes left ``executing`` by a crash, then execute approved recommendations (all, or
    only ``ids``), refusing any that would repeat a record made for the same situation within
    ``duplicate_window``. Returns one outcome per recommendation touched, in order."""
    owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    if not store.acquire_run_lock(EXECUTOR_LOCK, owner=owner, ttl_seconds=lock_ttl_seconds):
        raise ExecutorBusy(store.lock_holder(EXECUTOR_LOCK))
    outcomes: list[ExecutionOutcome] = []
    attempted: set[str] = set()
    wanted = set(ids) if ids is not None else None

    async def send(approved: ApprovedWrite, rec: Recommendation, *, reconciling: bool) -> bool:
        store.acquire_run_lock(EXECUTOR_LOCK, owner=owner, ttl_seconds=lock_ttl_seconds)  # extend
        attempted.add(rec.id)
        duplicate = None if reconciling else store.executed_duplicate(rec, within=duplicate_window)
        if duplicate is not None:
            outcome: ExecutionOutcome = _refuse_duplicate(store, rec, duplicate)
        else:
            outcome = await _send(store, gateway, approved, rec, reconciling=reconciling)
        outcomes.append(outcome)
        if on_result is not None:
            maybe = on_result(outcome)
            if inspect.isawaitable(maybe):
                await maybe
        return not (isinstance(outcome, ExecutionFailure) and outcome.stops_batch)

    try:
        for rec in store.executing_recommendations():
            if not await send(to_approved_write(rec), rec, reconciling=True):
                return outcomes
        for rec in store.list_recommendations(status="approved"):
            if rec.id in attempted or (wanted is not None and rec.id not in wanted):
                continue
            approved = store.claim_for_execution(rec.id)
            crash_point("executor.claimed")
            if approved is not None and not await send(approved, rec, reconciling=False):
                return outcomes
    finally:
        store.release_run_lock(EXECUTOR_LOCK, owner)
    return outcomes


def _refuse_duplicate(store: StateStore, rec: Recommendation, done: Recommendation) -> ExecutionFailure:
    """Do not send ``rec``: ``done`` already made this record for the same situation."""
    where = f"{done.result_module or done.proposal.target_module} record {done.result_record_id}"
    when = done.executed_at.date().isoformat() if done.executed_at else "earlier"
    error = (
        f"not sent: the same action was already done on {when} by recommendation {done.id[:8]} ({where}); "
        "a second identical record would be a duplicate"
    )
    store.mark_superseded(rec.id, error)
    store.record_audit(
        {
            "kind": "write",
            "tool": "execute_write",
            "outcome": "duplicate_refused",
            "run_id": rec.run_id,
            "account_id": rec.proposal.account_id,
            "recommendation_id": rec.id,
            "agent_type": "executor",
            "agent_id": rec.decided_by,
            "input_summary": f"{rec.proposal.kind} on {rec.proposal.target_module}/{rec.proposal.target_id}",
            "detail": {
                "duplicate_of": done.id,
                "record_id": done.result_record_id,
                "module": done.result_module,
                "situation_key": rec.situation_key,
            },
        }
    )
    return ExecutionFailure(
        recommendation_id=rec.id,
        error=error,
        hint=f"Nothing was written twice. If a second one is really needed, complete or delete {where} in Zoho; "
        "the next review proposes it again.",
        retryable=False,
        status="superseded",
        duplicate_of=done.id,
    )


class _WriteAudit:
    """The ``write`` audit events of one send, stamped with the recommendation and the time since it began."""

    def __init__(self, store: StateStore, approved: ApprovedWrite, rec: Recommendation) -> None:
        action = approved.action
        self.store = store
        self.base: dict[str, Any] = {
            "kind": "write",
            "tool": "execute_write",
            "run_id": rec.run_id,
            "account_id": action.account_id,
            "recommendation_id": rec.id,
            "agent_type": "executor",
            "agent_id": approved.approved_by,
            "input_summary": f"{action.kind} on {action.target_module}/{action.target_id}",
        }
        self.started = time.perf_counter()

    def sending(self, approved: ApprovedWrite, payload: Any, *, reconciling: bool) -> None:
        """Recorded before the write leaves (no duration): what is about to be sent, under which key."""
        self.store.record_audit(
            {
                **self.base,
                "outcome": "reconciling" if reconciling else "sending",
                "detail": {"idempotency_key": approved.idempotency_key, "payload": payload},
            }
        )

    def __call__(self, outcome: str, **extra: Any) -> None:
        duration_ms = round((time.perf_counter() - self.started) * 1000, 1)
        self.store.record_audit({**self.base, "outcome": outcome, "duration_ms": duration_ms, **extra})


async def _send(
    store: StateStore, gateway: ZohoGateway, approved: ApprovedWrite, rec: Recommendation, *, reconciling: bool
) -> ExecutionOutcome:
    audit = _WriteAudit(store, approved, rec)
    try:  # the write is the proposal shown: checked against Zoho again right before it is sent
        checked = await check_write(approved.action, gateway)
        audit.sending(approved, checked.payload, reconciling=reconciling)
        result = await gateway.execute_write(approved)
        crash_point("executor.sent")
    except Exception as exc:  # every failure before the outcome is recorded (cancellation passes through)
        return _not_written(store, rec, audit, exc)
    store.mark_executed(rec.id, result)
    crash_point("executor.recorded")
    audit(
        "created" if result.created else "already_present",
        tier=result.tier,
        detail={
            "record_id": result.record_id,
            "module": result.module,
            "reconciled": reconciling,
            "payload": checked.payload,
        },
    )
    return result


def _not_written(store: StateStore, rec: Recommendation, audit: _WriteAudit, exc: Exception) -> ExecutionFailure:
    """Where a send that raised ``exc`` leaves the recommendation: ``failed`` when Zoho (or the check) refused
    it, ``approved`` to retry when Zoho was busy or refused our credentials (the batch stops), ``executing``
    to be reconciled when we cannot know whether Zoho got the write."""
    if isinstance(exc, WriteRefused):
        store.mark_failed(rec.id, f"refused before sending: {exc}")
        audit("refused", detail={"error": str(exc)})
        return ExecutionFailure(
            recommendation_id=rec.id, error=f"refused: {exc}", hint=REFUSED_HINT, retryable=False, status="failed"
        )
    if isinstance(exc, ZohoTransientError):
        store.release_for_retry(rec.id, str(exc))
        audit("retry_later", tier=exc.tier, detail={"error": str(exc), "hint": exc.hint})
        return ExecutionFailure(
            recommendation_id=rec.id, error=str(exc), hint=f"{exc.hint} {RETRY_HINT}", retryable=True, status="approved"
        )
    if isinstance(exc, ZohoConfigError):
        store.release_for_retry(rec.id, str(exc))
        audit("retry_later", tier=exc.tier, detail={"error": str(exc), "hint": exc.hint, "stops_batch": True})
        return ExecutionFailure(
            recommendation_id=rec.id,
            error=str(exc),
            hint=f"{exc.hint} {RETRY_HINT}",
            retryable=True,
            status="approved",
            stops_batch=True,
        )
    if isinstance(exc, ZohoError):
        store.mark_failed(rec.id, f"{exc} — {exc.hint}")
        audit("failed", tier=exc.tier, detail={"error": str(exc), "hint": exc.hint, "code": exc.code})
        return ExecutionFailure(
            recommendation_id=rec.id, error=str(exc), hint=exc.hint, retryable=False, status="failed"
        )
    # a bug or an unmapped failure: we cannot know whether Zoho got the write
    audit("unknown", detail={"error": f"{type(exc).__name__}: {exc}"})
    return ExecutionFailure(
        recommendation_id=rec.id,
        error=f"{type(exc).__name__}: {exc}",
        hint=RECONCILE_HINT,
        retryable=True,
        status="executing",
    )


__all__ = ["EXECUTOR_LOCK", "ExecutionFailure", "ExecutionOutcome", "ExecutorBusy", "execute_approved"]
