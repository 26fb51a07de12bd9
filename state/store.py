"""The state store: runs, per-account review results, the recommendation queue and its decisions,
the append-only audit log, incremental-sync cursors and run locks. One class, ``StateStore``.

SQLite under ``<SERGAS_HOME>/state/state.db`` by default; PostgreSQL when ``SERGAS_DATABASE_URL`` is
set. ``StateStore.open(settings)`` creates the schema idempotently. Every method is synchronous and runs
in its own short transaction, so the store can be shared by threads (and by processes through the DB).

Errors (drawn in full in ``state.errors``):

    StateStoreError
    ├── StateStoreConfigError    bad SERGAS_DATABASE_URL / state dir
    ├── StateStoreUnavailable    database unreachable
    ├── StateStoreLocked         "... is locked by another process; retry ..." (busy beyond the timeout)
    ├── NotFoundError            unknown recommendation / run id
    └── InvalidTransition        e.g. approving an executed recommendation, rejecting without a reason

Recommendation lifecycle (``domain.recommendations.RecommendationStatus``)::

    pending ──approve──▶ approved ──claim──▶ executing ──▶ executed
       │                    ▲                   │  └─────▶ failed ──approve again──▶ approved
       └──reject──▶ rejected└──transient error──┘
"""

from __future__ import annotations

import contextlib
import os
import socket
import uuid
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Connection, Engine, Row, func, insert, select, text, update
from sqlalchemy.dialects import postgresql as pg_dialect
from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.exc import IntegrityError

from domain.proposals import ProposedAction, parse_proposal
from domain.recommendations import ApprovedWrite, EvidenceBasis, PriorDecision, Recommendation, WriteResult
from domain.situation import same_situation
from state import migrations, schema
from state.engine import postgres_engine, sqlite_engine, translate_errors
from state.errors import InvalidTransition, NotFoundError, StateStoreConfigError, StateStoreError
from state.models import AuditEvent, Decision, FinishedStatus, RecommendationRef, ReviewResult, Run, WebSession
from state.redaction import redact

if TYPE_CHECKING:
    from config.settings import Settings

AUDIT_FIELDS = (
    "at",
    "run_id",
    "kind",
    "agent_id",
    "agent_type",
    "tool",
    "input_summary",
    "duration_ms",
    "outcome",
    "tier",
    "account_id",
    "recommendation_id",
)
_MAX_SUMMARY = 2000
_SCHEMA_LOCK_KEY = 74_230_117  # pg_advisory_xact_lock key serialising concurrent schema creation


def _utcnow() -> datetime:
    return datetime.now(UTC)


def _new_id(prefix: str = "") -> str:
    return f"{prefix}{datetime.now(UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


def to_approved_write(rec: Recommendation) -> ApprovedWrite:
    """The write the executor sends for an approved (or executing) recommendation."""
    if rec.decided_by is None or rec.decided_at is None:
        raise InvalidTransition(f"recommendation {rec.id} has no approval record")
    return ApprovedWrite(
        recommendation_id=rec.id,
        idempotency_key=rec.idempotency_key,
        action=rec.proposal,
        approved_by=rec.decided_by,
        approved_at=rec.decided_at,
    )


class StateStore:
    """Runs, review results, recommendations, decisions, audit, cursors and locks (see module doc)."""

    def __init__(self, engine: Engine, *, clock: Callable[[], datetime] = _utcnow) -> None:
        self._engine = engine
        self._clock = clock
        self._sqlite = engine.dialect.name == "sqlite"
        self._host = socket.gethostname()

    # --- lifecycle -----------------------------------------------------------------------------
    @classmethod
    def open(
        cls, settings: Settings, *, busy_timeout_seconds: float = 10.0, clock: Callable[[], datetime] = _utcnow
    ) -> StateStore:
        """Open (and create if needed) the store configured by ``settings``."""
        if settings.database_url is not None and settings.database_url.get_secret_value().strip():
            engine = postgres_engine(
                settings.database_url.get_secret_value(), busy_timeout_seconds=busy_timeout_seconds
            )
        else:
            try:
                engine = sqlite_engine(settings.state_dir.expanduser(), busy_timeout_seconds=busy_timeout_seconds)
            except OSError as exc:
                raise StateStoreConfigError(
                    f"Cannot create the state store under {settings.state_dir}: {exc}",
                    hint="Point SERGAS_HOME at a writable directory.",
                ) from exc
        store = cls(engine, clock=clock)
        store.create_schema()
        return store

    def create_schema(self) -> None:
        """Create tables, indexes and the audit triggers if missing (safe to call concurrently)."""
        with self._tx("schema") as conn:
            if not self._sqlite:
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _SCHEMA_LOCK_KEY})
            schema.metadata.create_all(conn, checkfirst=True)
            migrations.upgrade(conn)
            for ddl in schema.SQLITE_AUDIT_TRIGGERS if self._sqlite else schema.POSTGRES_AUDIT_TRIGGERS:
                conn.exec_driver_sql(ddl)

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> StateStore:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    @property
    def backend(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self._engine.dialect.name

    @contextlib.contextmanager
    def _tx(self, where: str, *, write: bool = True) -> Iterator[Connection]:
        with translate_errors(where), self._engine.connect() as conn:
            if self._sqlite and write:
                conn.execution_options(sqlite_begin="IMMEDIATE")
            with conn.begin():
                yield conn

    def _upsert(self, conn: Connection, table: Any, values: dict[str, Any], keys: list[str]) -> None:
        ins = (sqlite_dialect.insert if self._sqlite else pg_dialect.insert)(table).values(**values)
        stmt = ins.on_conflict_do_update(
            index_elements=keys, set_={c: ins.excluded[c] for c in values if c not in keys}
        )
        conn.execute(stmt)

    # --- runs ----------------------------------------------------------------------------------
    def start_run(self, kind: str, params: dict[str, Any]) -> str:
        run_id = _new_id()
        with self._tx("start_run") as conn:
            conn.execute(
                insert(schema.runs).values(
                    id=run_id,
                    kind=kind,
                    status="running",
                    params=redact(params),
                    summary=None,
                    started_at=self._clock(),
                    finished_at=None,
                    attempts=1,
                )
            )
        return run_id

    def finish_run(self, run_id: str, status: FinishedStatus, summary: dict[str, Any]) -> None:
        if status not in ("succeeded", "failed", "interrupted"):
            raise InvalidTransition(f"finish_run status must be succeeded, failed or interrupted (got {status!r})")
        with self._tx("finish_run") as conn:
            res = conn.execute(
                update(schema.runs)
                .where(schema.runs.c.id == run_id)
                .values(status=status, summary=redact(summary), finished_at=self._clock())
            )
            if res.rowcount == 0:
                raise NotFoundError(f"no run {run_id}")

    def resume_run(self, run_id: str) -> Run:
        """Mark an unfinished run as running again (one more attempt) and return it."""
        with self._tx("resume_run") as conn:
            res = conn.execute(
                update(schema.runs)
                .where(schema.runs.c.id == run_id)
                .values(status="running", finished_at=None, attempts=schema.runs.c.attempts + 1)
            )
            if res.rowcount == 0:
                raise NotFoundError(f"no run {run_id}")
        run = self.get_run(run_id)
        assert run is not None
        return run

    def get_run(self, run_id: str) -> Run | None:
        with self._tx("get_run", write=False) as conn:
            row = conn.execute(select(schema.runs).where(schema.runs.c.id == run_id)).first()
        return self._run(row) if row else None

    def list_runs(self, kind: str | None = None, *, limit: int = 20) -> list[Run]:
        """Most recent first."""
        r = schema.runs
        stmt = select(r).order_by(r.c.started_at.desc(), r.c.id.desc()).limit(limit)
        if kind is not None:
            stmt = stmt.where(schema.runs.c.kind == kind)
        with self._tx("list_runs", write=False) as conn:
            return [self._run(r) for r in conn.execute(stmt)]

    def last_successful_run(self, kind: str) -> Run | None:
        stmt = (
            select(schema.runs)
            .where(schema.runs.c.kind == kind, schema.runs.c.status == "succeeded")
            .order_by(schema.runs.c.started_at.desc(), schema.runs.c.id.desc())
            .limit(1)
        )
        with self._tx("last_successful_run", write=False) as conn:
            row = conn.execute(stmt).first()
        return self._run(row) if row else None

    def unfinished_run(self, kind: str) -> Run | None:
        """The latest run of ``kind`` when it did not finish (crashed while running, or interrupted):
        the one to resume. None when the latest run succeeded or failed, or there is none."""
        stmt = (
            select(schema.runs)
            .where(schema.runs.c.kind == kind)
            .order_by(schema.runs.c.started_at.desc(), schema.runs.c.id.desc())
            .limit(1)
        )
        with self._tx("unfinished_run", write=False) as conn:
            row = conn.execute(stmt).first()
        if row is None or row.status not in ("running", "interrupted"):
            return None
        return self._run(row)

    @staticmethod
    def _run(row: Row[Any]) -> Run:
        return Run(
            id=row.id,
            kind=row.kind,
            status=row.status,
            params=row.params or {},
            summary=row.summary,
            started_at=row.started_at,
            finished_at=row.finished_at,
            attempts=row.attempts,
        )

    # --- review results ------------------------------------------------------------------------
    def save_review_result(
        self, run_id: str, account_id: str, score: float, signals: list[dict[str, Any]], recommendation_ids: list[str]
    ) -> None:
        """Record (or replace, on resume) one account's result in a run."""
        with self._tx("save_review_result") as conn:
            self._upsert(
                conn,
                schema.review_results,
                {
                    "run_id": run_id,
                    "account_id": account_id,
                    "score": float(score),
                    "signals": redact(signals),
                    "recommendation_ids": list(recommendation_ids),
                    "reviewed_at": self._clock(),
                },
                ["run_id", "account_id"],
            )

    @staticmethod
    def _newest_results(columns: Any, account_ids: Iterable[str] | None) -> Any:
        """``columns`` of each account's most recent review result (any run)."""
        t = schema.review_results
        newest = select(t.c.account_id, func.max(t.c.reviewed_at).label("at")).group_by(t.c.account_id)
        if account_ids is not None:
            newest = newest.where(t.c.account_id.in_(list(account_ids)))
        sub = newest.subquery()
        return select(*columns).join(sub, (t.c.account_id == sub.c.account_id) & (t.c.reviewed_at == sub.c.at))

    def latest_review_scores(self, account_ids: Iterable[str]) -> dict[str, float]:
        """Each account's most recent health score (the signals are not read)."""
        t = schema.review_results
        stmt = self._newest_results([t.c.account_id, t.c.score], account_ids)
        with self._tx("latest_review_scores", write=False) as conn:
            return {r.account_id: float(r.score) for r in conn.execute(stmt)}

    def latest_review_results(self, account_ids: Iterable[str] | None = None) -> dict[str, ReviewResult]:
        """Each account's most recent review result (any run), for the accounts given or all."""
        stmt = self._newest_results([schema.review_results], account_ids)
        with self._tx("latest_review_results", write=False) as conn:
            return {r.account_id: self._review_result(r) for r in conn.execute(stmt)}

    @staticmethod
    def _review_result(r: Row[Any]) -> ReviewResult:
        return ReviewResult(
            run_id=r.run_id,
            account_id=r.account_id,
            score=r.score,
            signals=r.signals or [],
            recommendation_ids=r.recommendation_ids or [],
            reviewed_at=r.reviewed_at,
        )

    def reviewed_account_ids(self, run_id: str) -> set[str]:
        with self._tx("reviewed_account_ids", write=False) as conn:
            rows = conn.execute(
                select(schema.review_results.c.account_id).where(schema.review_results.c.run_id == run_id)
            )
            return {r.account_id for r in rows}

    def review_results(self, run_id: str) -> list[ReviewResult]:
        """Highest score first."""
        t = schema.review_results
        stmt = select(t).where(t.c.run_id == run_id).order_by(t.c.score.desc(), t.c.account_id)
        with self._tx("review_results", write=False) as conn:
            return [self._review_result(r) for r in conn.execute(stmt)]

    # --- recommendation queue ------------------------------------------------------------------
    def enqueue(
        self,
        proposal: ProposedAction,
        *,
        run_id: str | None = None,
        suspicious: bool = False,
        basis: EvidenceBasis | None = None,
        prior: PriorDecision | None = None,
    ) -> tuple[Recommendation, bool]:
        """Queue a proposal as ``pending``. Returns ``(recommendation, True)``, or ``(existing, False)``
        when an open (pending/approved/executing) recommendation has the same ``dedupe_key`` or is about
        the same situation (``domain.situation.same_situation``). ``basis`` records the evidence's
        versions; ``prior`` the earlier decision on the same situation this one is proposed again after
        (``approvals.screening`` decides whether it may be). This method does not judge past decisions."""
        key, situation = proposal.dedupe_key(), proposal.situation_key()
        for _ in range(5):
            existing = self._open_by_dedupe(key)
            if existing is not None:
                return existing, False
            rec_id = uuid.uuid4().hex
            try:
                with self._tx("enqueue") as conn:
                    if not self._sqlite:  # SQLite's write transaction is already exclusive
                        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": int(situation[:15], 16)})
                    twins = self._situation_rows(conn, proposal, schema.OPEN_STATUSES)
                    if twins:  # the same situation, worded otherwise, is already waiting
                        existing = twins[0]
                    else:
                        self._insert_pending(conn, rec_id, proposal, run_id, suspicious, basis, prior)
            except IntegrityError:
                continue  # someone queued the same change a moment ago: return theirs
            if existing is not None:
                return existing, False
            rec = self.get_recommendation(rec_id)
            assert rec is not None
            return rec, True
        raise StateStoreError(f"could not queue proposal {key}: it kept changing state under us; retry")

    def _insert_pending(
        self,
        conn: Connection,
        rec_id: str,
        proposal: ProposedAction,
        run_id: str | None,
        suspicious: bool,
        basis: EvidenceBasis | None,
        prior: PriorDecision | None,
    ) -> None:
        now, situation = self._clock(), proposal.situation_key()
        conn.execute(
            insert(schema.recommendations).values(
                id=rec_id,
                run_id=run_id,
                account_id=proposal.account_id,
                kind=proposal.kind,
                status="pending",
                dedupe_key=proposal.dedupe_key(),
                idempotency_key=uuid.uuid4().hex,
                proposal=proposal.model_dump(mode="json"),
                original_proposal=None,
                suspicious=bool(suspicious),
                created_at=now,
                updated_at=now,
                attempts=0,
                situation_key=situation,
                prior_decision=prior.model_dump(mode="json") if prior else None,
                evidence_basis=basis.model_dump(mode="json") if basis else None,
            )
        )
        self._audit(
            conn,
            {
                "kind": "proposal",
                "run_id": run_id,
                "account_id": proposal.account_id,
                "recommendation_id": rec_id,
                "outcome": "queued",
                "agent_type": "rules" if proposal.origin == "rules" else None,
                "input_summary": f"{proposal.kind} on {proposal.target_module}/{proposal.target_id}",
                "detail": {
                    "origin": proposal.origin,
                    "suspicious": bool(suspicious),
                    "signal_kind": proposal.signal_kind,
                    "priority": proposal.priority,
                    "situation_key": situation,
                    "prior_decision": prior.recommendation_id if prior else None,
                },
            },
        )

    def _open_by_dedupe(self, key: str) -> Recommendation | None:
        t = schema.recommendations
        stmt = select(t).where(t.c.dedupe_key == key, t.c.status.in_(schema.OPEN_STATUSES)).limit(1)
        with self._tx("enqueue", write=False) as conn:
            row = conn.execute(stmt).first()
        return self._rec(row) if row else None

    def _situation_rows(
        self, conn: Connection, proposal: ProposedAction, statuses: Iterable[str], key: str | None = None
    ) -> list[Recommendation]:
        t = schema.recommendations
        stmt = select(t).where(t.c.situation_key == (key or proposal.situation_key()), t.c.status.in_(list(statuses)))
        rows = [self._rec(r) for r in conn.execute(stmt)]
        return [r for r in rows if same_situation(r.proposal, proposal)]

    def _by_situation(
        self, proposal: ProposedAction, statuses: Iterable[str], *, where: str, key: str | None = None
    ) -> list[Recommendation]:
        with self._tx(where, write=False) as conn:
            return self._situation_rows(conn, proposal, statuses, key)

    def situation_history(
        self, proposal: ProposedAction, *, statuses: Iterable[str] = ("rejected", "executed")
    ) -> list[Recommendation]:
        """Recommendations about the same situation as ``proposal`` (``domain.situation``) in
        ``statuses``, the latest decision first: what a person already decided about this action."""
        found = self._by_situation(proposal, statuses, where="situation_history")
        return sorted(found, key=_decision_time, reverse=True)

    def recent_decisions(
        self,
        *,
        account_id: str | None = None,
        since: datetime | None = None,
        statuses: Iterable[str] = ("rejected", "approved", "executing", "executed", "failed", "superseded"),
        limit: int = 50,
    ) -> list[Recommendation]:
        """Recommendations a person decided (optionally of one account, decided after ``since``), the latest
        decision first, at most ``limit``: the brief's and the chat's "decided recently", the web inbox's
        history. Each carries its ``decision_reason`` and, when re-proposed, its ``prior_decision``."""
        t = schema.recommendations
        stmt = (
            select(t)
            .where(t.c.decided_at.is_not(None), t.c.status.in_(list(statuses)))
            .order_by(t.c.decided_at.desc(), t.c.id.desc())
            .limit(limit)
        )
        if account_id is not None:
            stmt = stmt.where(t.c.account_id == account_id)
        if since is not None:
            stmt = stmt.where(t.c.decided_at > since)
        with self._tx("recent_decisions", write=False) as conn:
            return [self._rec(r) for r in conn.execute(stmt)]

    def executed_duplicate(self, rec: Recommendation, *, within: timedelta) -> Recommendation | None:
        """An earlier recommendation about the same situation whose write was executed within ``within``
        and that ``rec`` does not knowingly follow (its ``prior_decision``): sending ``rec`` would create
        a second identical record. None when there is none (or ``rec`` is a kind that sending twice
        does not double, ``repeats_harmlessly``: a field update)."""
        if rec.proposal.repeats_harmlessly:
            return None
        since = self._clock() - within
        acknowledged = rec.prior_decision.executed_at if rec.prior_decision is not None else None
        key = rec.situation_key or None  # as queued: an edit of the wording does not move the situation
        for other in self._by_situation(rec.proposal, ("executed",), where="executed_duplicate", key=key):
            if other.id == rec.id or other.executed_at is None or other.executed_at < since:
                continue
            if rec.prior_decision is not None and (
                other.id == rec.prior_decision.recommendation_id
                or (acknowledged is not None and other.executed_at <= acknowledged)
            ):
                continue
            return other
        return None

    def mark_superseded(self, rec_id: str, reason: str) -> Recommendation:
        """``approved``/``executing`` → ``superseded``: not sent because the same action was already done
        (``reason`` says by which recommendation and where). Audited by the caller."""
        return self._move(rec_id, ("approved", "executing"), "superseded", reason)

    def get_recommendation(self, rec_id: str) -> Recommendation | None:
        with self._tx("get_recommendation", write=False) as conn:
            t = schema.recommendations
            row = conn.execute(select(t).where(t.c.id == rec_id)).first()
        return self._rec(row) if row else None

    def list_recommendations(
        self,
        *,
        status: str | Iterable[str] | None = None,
        account_id: str | None = None,
        kind: str | None = None,
        run_id: str | None = None,
    ) -> list[Recommendation]:
        """Oldest first. ``status`` is one status or several."""
        t = schema.recommendations
        stmt = select(t).order_by(t.c.created_at, t.c.id)
        if status is not None:
            stmt = (
                stmt.where(t.c.status == status)
                if isinstance(status, str)
                else stmt.where(t.c.status.in_(list(status)))
            )
        if account_id is not None:
            stmt = stmt.where(t.c.account_id == account_id)
        if kind is not None:
            stmt = stmt.where(t.c.kind == kind)
        if run_id is not None:
            stmt = stmt.where(t.c.run_id == run_id)
        with self._tx("list_recommendations", write=False) as conn:
            return [self._rec(r) for r in conn.execute(stmt)]

    def recommendation_refs(self, *, status: Iterable[str]) -> list[RecommendationRef]:
        """Id, account, kind and time of every recommendation in these statuses, oldest first, without
        reading the proposals (a page of thousands filters and sorts on these, then loads what it shows)."""
        t = schema.recommendations
        stmt = (
            select(t.c.id, t.c.account_id, t.c.kind, t.c.status, t.c.created_at)
            .where(t.c.status.in_(list(status)))
            .order_by(t.c.created_at, t.c.id)
        )
        with self._tx("recommendation_refs", write=False) as conn:
            return [RecommendationRef.model_validate(r._asdict()) for r in conn.execute(stmt)]

    def get_recommendations(self, rec_ids: Iterable[str]) -> list[Recommendation]:
        """These recommendations (unknown ids left out), in the order given."""
        wanted = list(dict.fromkeys(rec_ids))
        t = schema.recommendations
        found: dict[str, Recommendation] = {}
        with self._tx("get_recommendations", write=False) as conn:
            for start in range(0, len(wanted), 500):
                for row in conn.execute(select(t).where(t.c.id.in_(wanted[start : start + 500]))):
                    found[row.id] = self._rec(row)
        return [found[i] for i in wanted if i in found]

    def decided_by(self, who: str, *, limit: int = 10) -> list[Recommendation]:
        """What ``who`` decided most recently (newest first), with where each now stands."""
        t = schema.recommendations
        stmt = select(t).where(t.c.decided_by == who).order_by(t.c.decided_at.desc(), t.c.id).limit(limit)
        with self._tx("decided_by", write=False) as conn:
            return [self._rec(r) for r in conn.execute(stmt)]

    def decided_since(self, since: datetime | None = None, *, limit: int = 1000) -> list[Recommendation]:
        """Recommendations a human decided after ``since`` (oldest decision first): how the memory sync
        learns approvals and rejections. Use the last one's ``decided_at`` as the next cursor."""
        t = schema.recommendations
        stmt = select(t).where(t.c.decided_at.is_not(None)).order_by(t.c.decided_at, t.c.id).limit(limit)
        if since is not None:
            stmt = stmt.where(t.c.decided_at > since)
        with self._tx("decided_since", write=False) as conn:
            return [self._rec(r) for r in conn.execute(stmt)]

    def original_proposal(self, rec_id: str) -> ProposedAction | None:
        """What was proposed before a human edited it (None when not edited)."""
        t = schema.recommendations
        with self._tx("original_proposal", write=False) as conn:
            value = conn.execute(select(t.c.original_proposal).where(t.c.id == rec_id)).scalar()
        return parse_proposal(value) if value else None

    def decide(
        self,
        rec_id: str,
        decision: Decision,
        *,
        by: str,
        reason: str | None = None,
        edited: ProposedAction | None = None,
    ) -> Recommendation:
        """Record a human decision. ``approved`` (optionally with an ``edited`` proposal that replaces
        the original but keeps the idempotency key), ``rejected`` (needs a reason) or ``skipped``
        (stays pending). Pending and failed recommendations can be decided. Audited as ``decision``."""
        if decision not in ("approved", "rejected", "skipped"):
            raise InvalidTransition(f"decision must be approved, rejected or skipped (got {decision!r})")
        reason = reason.strip() if reason and reason.strip() else None
        if decision == "rejected" and reason is None:
            raise InvalidTransition("a rejection needs a reason", hint="Say why, e.g. --reject-all 'not now'.")
        if edited is not None and decision != "approved":
            raise InvalidTransition("only an approval can carry an edited proposal")
        t = schema.recommendations
        try:
            with self._tx("decide") as conn:
                row = conn.execute(self._locked(select(t).where(t.c.id == rec_id))).first()
                if row is None:
                    raise NotFoundError(f"no recommendation {rec_id}")
                allowed = ("pending",) if decision == "skipped" else ("pending", "failed")
                if row.status not in allowed:
                    raise InvalidTransition(f"recommendation {rec_id} is {row.status}; cannot mark it {decision}")
                current = parse_proposal(row.proposal)
                detail: dict[str, Any] = {
                    "by": by,
                    "reason": reason,
                    "edited": edited is not None,
                    "previous_status": row.status,
                }
                if edited is not None:
                    if (edited.kind, edited.account_id, edited.target_module, edited.target_id) != (
                        current.kind,
                        current.account_id,
                        current.target_module,
                        current.target_id,
                    ):
                        raise InvalidTransition("an edit may change the content, not the kind, account or target")
                    detail["before"] = current.payload()
                    detail["after"] = edited.payload()
                if decision != "skipped":
                    now = self._clock()
                    values: dict[str, Any] = {
                        "status": decision,
                        "decided_at": now,
                        "decided_by": by,
                        "decision_reason": reason,
                        "updated_at": now,
                        "error": None,
                    }
                    if edited is not None:
                        values["proposal"] = edited.model_dump(mode="json")
                        if row.original_proposal is None:
                            values["original_proposal"] = row.proposal
                    res = conn.execute(update(t).where(t.c.id == rec_id, t.c.status == row.status).values(**values))
                    if res.rowcount != 1:
                        raise InvalidTransition(f"recommendation {rec_id} changed while deciding; look again")
                self._audit(
                    conn,
                    {
                        "kind": "decision",
                        "run_id": row.run_id,
                        "account_id": row.account_id,
                        "recommendation_id": rec_id,
                        "outcome": decision,
                        "agent_type": "human",
                        "agent_id": by,
                        "input_summary": reason,
                        "detail": detail,
                    },
                )
        except IntegrityError:
            raise InvalidTransition(
                f"another open recommendation already proposes the same change as {rec_id}; decide that one",
            ) from None
        rec = self.get_recommendation(rec_id)
        assert rec is not None
        return rec

    def claim_for_execution(self, rec_id: str) -> ApprovedWrite | None:
        """Atomically move ``approved`` → ``executing`` and return the write to send; None when the
        recommendation is not (or no longer) approved — someone else claimed it, or it was never approved."""
        t = schema.recommendations
        with self._tx("claim_for_execution") as conn:
            res = conn.execute(
                update(t)
                .where(t.c.id == rec_id, t.c.status == "approved")
                .values(status="executing", updated_at=self._clock(), attempts=t.c.attempts + 1)
            )
            if res.rowcount != 1:
                return None
            row = conn.execute(select(t).where(t.c.id == rec_id)).one()
        return to_approved_write(self._rec(row))

    def mark_executed(self, rec_id: str, result: WriteResult) -> Recommendation:
        """``executing`` → ``executed`` with where the write landed. Idempotent for the same record id."""
        t = schema.recommendations
        with self._tx("mark_executed") as conn:
            res = conn.execute(
                update(t)
                .where(t.c.id == rec_id, t.c.status == "executing")
                .values(
                    status="executed",
                    executed_at=self._clock(),
                    updated_at=self._clock(),
                    result_record_id=result.record_id,
                    result_module=result.module,
                    result_tier=result.tier,
                    error=None,
                )
            )
            if res.rowcount != 1:
                row = conn.execute(select(t).where(t.c.id == rec_id)).first()
                if row is None:
                    raise NotFoundError(f"no recommendation {rec_id}")
                if not (row.status == "executed" and row.result_record_id == result.record_id):
                    raise InvalidTransition(f"recommendation {rec_id} is {row.status}, not executing")
        rec = self.get_recommendation(rec_id)
        assert rec is not None
        return rec

    def mark_failed(self, rec_id: str, error: str) -> Recommendation:
        """``executing`` → ``failed`` (Zoho refused the write); it can be approved again later."""
        return self._leave_executing(rec_id, "failed", error)

    def release_for_retry(self, rec_id: str, error: str) -> Recommendation:
        """``executing`` → ``approved`` after a transient failure (nothing was written): the next
        ``approve``/``approve --execute`` sends it again with the same idempotency key."""
        return self._leave_executing(rec_id, "approved", error)

    def _leave_executing(self, rec_id: str, status: str, error: str) -> Recommendation:
        return self._move(rec_id, ("executing",), status, error)

    def _move(self, rec_id: str, sources: tuple[str, ...], status: str, error: str) -> Recommendation:
        """Compare-and-set ``sources`` → ``status`` with ``error`` as the reason."""
        t = schema.recommendations
        with self._tx(f"mark_{status}") as conn:
            res = conn.execute(
                update(t)
                .where(t.c.id == rec_id, t.c.status.in_(sources))
                .values(status=status, error=str(redact(error))[:4000], updated_at=self._clock())
            )
            if res.rowcount != 1:
                row = conn.execute(select(t.c.status).where(t.c.id == rec_id)).first()
                if row is None:
                    raise NotFoundError(f"no recommendation {rec_id}")
                raise InvalidTransition(f"recommendation {rec_id} is {row.status}, not {' or '.join(sources)}")
        rec = self.get_recommendation(rec_id)
        assert rec is not None
        return rec

    def executing_recommendations(self) -> list[Recommendation]:
        """Writes that were claimed but whose outcome was never recorded (a crash): reconcile these."""
        return self.list_recommendations(status="executing")

    def _locked(self, stmt: Any) -> Any:
        return stmt if self._sqlite else stmt.with_for_update()

    @staticmethod
    def _rec(row: Row[Any]) -> Recommendation:
        return Recommendation(
            id=row.id,
            run_id=row.run_id,
            proposal=parse_proposal(row.proposal),
            status=row.status,
            idempotency_key=row.idempotency_key,
            dedupe_key=row.dedupe_key,
            created_at=row.created_at,
            decided_at=row.decided_at,
            decided_by=row.decided_by,
            decision_reason=row.decision_reason,
            executed_at=row.executed_at,
            result_record_id=row.result_record_id,
            error=row.error,
            suspicious=bool(row.suspicious),
            situation_key=row.situation_key or "",
            prior_decision=PriorDecision.model_validate(row.prior_decision) if row.prior_decision else None,
            basis=EvidenceBasis.model_validate(row.evidence_basis) if row.evidence_basis else None,
            result_module=row.result_module,
        )

    # --- audit ---------------------------------------------------------------------------------
    def record_audit(self, event: dict[str, Any]) -> int:
        """Append one event. Known fields become columns, anything else goes into ``detail``; obvious
        secrets are redacted. Returns the event id."""
        with self._tx("record_audit") as conn:
            return self._audit(conn, event)

    def _audit(self, conn: Connection, event: dict[str, Any]) -> int:
        event = cast(dict[str, Any], redact(dict(event)))
        detail = dict(event.pop("detail", None) or {})
        values: dict[str, Any] = {}
        for key, value in event.items():
            if key in AUDIT_FIELDS:
                values[key] = value
            elif key != "id":
                detail[key] = value
        at = values.get("at")
        if isinstance(at, str):
            try:
                at = datetime.fromisoformat(at)
            except ValueError:
                detail["at_raw"], at = at, None
        values["at"] = at if isinstance(at, datetime) else self._clock()
        values["kind"] = str(values.get("kind") or "event")[:40]
        for key in ("run_id", "agent_id", "agent_type", "tool", "outcome", "tier", "account_id", "recommendation_id"):
            if values.get(key) is not None:
                values[key] = str(values[key])
        if values.get("input_summary") is not None:
            values["input_summary"] = str(values["input_summary"])[:_MAX_SUMMARY]
        if values.get("duration_ms") is not None:
            values["duration_ms"] = float(values["duration_ms"])
        values["detail"] = _jsonable(detail)
        res = conn.execute(insert(schema.audit).values(**values))
        return int(res.inserted_primary_key[0]) if res.inserted_primary_key else 0

    def list_audit(
        self,
        *,
        account_id: str | None = None,
        run_id: str | None = None,
        recommendation_id: str | None = None,
        kind: str | None = None,
        limit: int = 1000,
    ) -> list[AuditEvent]:
        """The latest ``limit`` matching events, oldest first."""
        t = schema.audit
        stmt = select(t).order_by(t.c.id.desc()).limit(limit)
        for col, value in (
            (t.c.account_id, account_id),
            (t.c.run_id, run_id),
            (t.c.recommendation_id, recommendation_id),
            (t.c.kind, kind),
        ):
            if value is not None:
                stmt = stmt.where(col == value)
        with self._tx("list_audit", write=False) as conn:
            rows = list(conn.execute(stmt))
        return [
            AuditEvent(
                id=r.id,
                at=r.at,
                kind=r.kind,
                run_id=r.run_id,
                agent_id=r.agent_id,
                agent_type=r.agent_type,
                tool=r.tool,
                input_summary=r.input_summary,
                duration_ms=r.duration_ms,
                outcome=r.outcome,
                tier=r.tier,
                account_id=r.account_id,
                recommendation_id=r.recommendation_id,
                detail=r.detail or {},
            )
            for r in reversed(rows)
        ]

    # --- sync cursors (integrations.zoho.gateway.CursorStore) ----------------------------------
    def get_cursor(self, module: str) -> datetime | None:
        with self._tx("get_cursor", write=False) as conn:
            return cast(
                datetime | None,
                conn.execute(
                    select(schema.sync_cursors.c.value).where(schema.sync_cursors.c.module == module)
                ).scalar(),
            )

    def set_cursor(self, module: str, value: datetime) -> None:
        with self._tx("set_cursor") as conn:
            self._upsert(
                conn, schema.sync_cursors, {"module": module, "value": value, "updated_at": self._clock()}, ["module"]
            )

    # --- run locks -----------------------------------------------------------------------------
    def acquire_run_lock(self, name: str, *, owner: str, ttl_seconds: float) -> bool:
        """Take the named lock for ``ttl_seconds`` (re-entrant for the same owner, which extends it).
        A lock whose holder expired, or whose holder process on this host is gone, is taken over."""
        t = schema.locks
        for _ in range(3):
            now = self._clock()
            expires = now + timedelta(seconds=ttl_seconds)
            mine = {"owner": owner, "host": self._host, "pid": os.getpid(), "acquired_at": now, "expires_at": expires}
            try:
                with self._tx("acquire_run_lock") as conn:
                    conn.execute(insert(t).values(name=name, **mine))
                return True
            except IntegrityError:
                pass
            with self._tx("acquire_run_lock") as conn:
                row = conn.execute(select(t).where(t.c.name == name)).first()
                if row is None:
                    continue  # released in between: try inserting again
                if row.owner == owner:
                    conn.execute(update(t).where(t.c.name == name, t.c.owner == owner).values(expires_at=expires))
                    return True
                stale = row.expires_at <= now or (row.host == self._host and not _pid_alive(row.pid))
                if not stale:
                    return False
                res = conn.execute(
                    update(t)
                    .where(
                        t.c.name == name,
                        t.c.owner == row.owner,
                        t.c.acquired_at == row.acquired_at,
                    )
                    .values(**mine)
                )
                if res.rowcount == 1:
                    self._audit(
                        conn,
                        {
                            "kind": "lock",
                            "outcome": "taken_over",
                            "input_summary": name,
                            "detail": {"previous_owner": row.owner, "previous_pid": row.pid},
                        },
                    )
                    return True
                return False
        return False

    def release_run_lock(self, name: str, owner: str) -> None:
        """Release the lock if ``owner`` holds it (no-op otherwise)."""
        t = schema.locks
        with self._tx("release_run_lock") as conn:
            conn.execute(t.delete().where(t.c.name == name, t.c.owner == owner))

    def lock_holder(self, name: str) -> str | None:
        """Who holds the lock now (None when free or expired)."""
        t = schema.locks
        with self._tx("lock_holder", write=False) as conn:
            row = conn.execute(select(t).where(t.c.name == name)).first()
        if row is None or row.expires_at <= self._clock():
            return None
        return str(row.owner)

    # --- web inbox sessions --------------------------------------------------------------------
    def create_web_session(
        self, key_hash: str, *, kind: str, data: dict[str, Any], csrf_token: str, ttl_seconds: float
    ) -> WebSession:
        """Store a sign-in (``session``) or an OAuth round trip under way (``signin``)."""
        now = self._clock()
        values = {
            "key_hash": key_hash,
            "kind": kind,
            "data": _jsonable(data),
            "csrf_token": csrf_token,
            "created_at": now,
            "expires_at": now + timedelta(seconds=ttl_seconds),
        }
        with self._tx("create_web_session") as conn:
            conn.execute(schema.web_sessions.delete().where(schema.web_sessions.c.expires_at <= now))
            conn.execute(insert(schema.web_sessions).values(**values))
        return WebSession.model_validate(values)

    def web_session(self, key_hash: str) -> WebSession | None:
        """The live session with this key (None when unknown, signed out or expired)."""
        t = schema.web_sessions
        with self._tx("web_session", write=False) as conn:
            row = conn.execute(select(t).where(t.c.key_hash == key_hash, t.c.expires_at > self._clock())).first()
        return WebSession.model_validate(row._asdict()) if row else None

    def update_web_session(self, key_hash: str, data: dict[str, Any]) -> None:
        t = schema.web_sessions
        with self._tx("update_web_session") as conn:
            conn.execute(update(t).where(t.c.key_hash == key_hash).values(data=_jsonable(data)))

    def delete_web_session(self, key_hash: str) -> bool:
        """Sign out (or consume a sign-in round trip). True when there was one."""
        t = schema.web_sessions
        with self._tx("delete_web_session") as conn:
            return bool(conn.execute(t.delete().where(t.c.key_hash == key_hash)).rowcount)

    def delete_web_sessions(self, *, user_id: str) -> int:
        """Revoke every sign-in of one Zoho user (e.g. after they left the team)."""
        t = schema.web_sessions
        with self._tx("delete_web_sessions") as conn:
            rows = conn.execute(select(t.c.key_hash, t.c.data).where(t.c.kind == "session")).all()
            doomed = [r.key_hash for r in rows if (r.data or {}).get("user_id") == user_id]
            if doomed:
                conn.execute(t.delete().where(t.c.key_hash.in_(doomed)))
        return len(doomed)


def _decision_time(rec: Recommendation) -> datetime:
    return rec.executed_at or rec.decided_at or rec.created_at


def _jsonable(value: Any) -> Any:
    """Make a detail dict JSON-safe (datetimes, pydantic models, sets → plain values)."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if hasattr(value, "model_dump"):
        return _jsonable(value.model_dump(mode="json"))
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


__all__ = ["StateStore", "to_approved_write"]
