"""The tables of the state store (SQLAlchemy Core), identical on SQLite and PostgreSQL.

Open recommendations (pending / approved / executing) are unique per ``dedupe_key`` through a partial
unique index, so two agents proposing the same change at the same moment still make one row. Each row
also keeps its ``situation_key`` (what it is about: ``domain.situation``), indexed, so decisions stick
to the situation. Columns added after a database was first created are added in place by
``state.migrations.upgrade`` (idempotent, both databases).
The audit table is append-only: triggers refuse UPDATE and DELETE on both databases.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Dialect,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.types import TypeDecorator

OPEN_STATUSES = ("pending", "approved", "executing")


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on both databases (SQLite stores naive UTC text)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


Json: Any = JSON().with_variant(JSONB(), "postgresql")

metadata = MetaData()

runs = Table(
    "runs",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("kind", String(40), nullable=False),
    Column("status", String(20), nullable=False),  # running | succeeded | failed | interrupted
    Column("params", Json, nullable=False),
    Column("summary", Json, nullable=True),
    Column("started_at", UTCDateTime, nullable=False),
    Column("finished_at", UTCDateTime, nullable=True),
    Column("attempts", Integer, nullable=False, server_default=text("1")),
    Index("ix_runs_kind_started", "kind", "started_at"),
)

review_results = Table(
    "review_results",
    metadata,
    Column("run_id", String(40), primary_key=True),
    Column("account_id", String(64), primary_key=True),
    Column("score", Float, nullable=False),
    Column("signals", Json, nullable=False),
    Column("recommendation_ids", Json, nullable=False),
    Column("reviewed_at", UTCDateTime, nullable=False),
)

recommendations = Table(
    "recommendations",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("run_id", String(40), nullable=True),
    Column("account_id", String(64), nullable=False),
    Column("kind", String(30), nullable=False),
    Column("status", String(20), nullable=False),
    Column("dedupe_key", String(64), nullable=False),
    Column("idempotency_key", String(64), nullable=False, unique=True),
    Column("proposal", Json, nullable=False),
    Column("original_proposal", Json, nullable=True),  # set when a human approved with edits
    Column("suspicious", Boolean, nullable=False, server_default=text("false")),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("decided_at", UTCDateTime, nullable=True),
    Column("decided_by", String(200), nullable=True),
    Column("decision_reason", Text, nullable=True),
    Column("executed_at", UTCDateTime, nullable=True),
    Column("result_record_id", String(64), nullable=True),
    Column("result_module", String(40), nullable=True),
    Column("result_tier", String(10), nullable=True),
    Column("error", Text, nullable=True),
    Column("attempts", Integer, nullable=False, server_default=text("0")),
    Column("situation_key", String(64), nullable=True),  # added in place on older databases
    Column("prior_decision", Json, nullable=True),  # domain.recommendations.PriorDecision of a re-proposal
    Column("evidence_basis", Json, nullable=True),  # domain.recommendations.EvidenceBasis when queued
    Index("ix_recommendations_status", "status"),
    Index("ix_recommendations_situation", "situation_key"),
    Index("ix_recommendations_account", "account_id"),
    Index("ix_recommendations_run", "run_id"),
    Index(
        "uq_recommendations_open_dedupe",
        "dedupe_key",
        unique=True,
        sqlite_where=text("status IN ('pending', 'approved', 'executing')"),
        postgresql_where=text("status IN ('pending', 'approved', 'executing')"),
    ),
)

audit = Table(
    "audit",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("at", UTCDateTime, nullable=False),
    Column("run_id", String(40), nullable=True),
    Column("kind", String(40), nullable=False),
    Column("agent_id", String(100), nullable=True),
    Column("agent_type", String(60), nullable=True),
    Column("tool", String(120), nullable=True),
    Column("input_summary", Text, nullable=True),
    Column("duration_ms", Float, nullable=True),
    Column("outcome", String(60), nullable=True),
    Column("tier", String(10), nullable=True),
    Column("account_id", String(64), nullable=True),
    Column("recommendation_id", String(40), nullable=True),
    Column("detail", Json, nullable=True),
    Index("ix_audit_account", "account_id"),
    Index("ix_audit_run", "run_id"),
    Index("ix_audit_recommendation", "recommendation_id"),
)

sync_cursors = Table(
    "sync_cursors",
    metadata,
    Column("module", String(40), primary_key=True),
    Column("value", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

locks = Table(
    "locks",
    metadata,
    Column("name", String(100), primary_key=True),
    Column("owner", String(200), nullable=False),
    Column("host", String(200), nullable=False),
    Column("pid", Integer, nullable=False),
    Column("acquired_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
)

# Sign-ins of the web inbox (server-side, so a sign-out or an admin revokes them at once). The key is the
# SHA-256 of the cookie's value: reading the table does not give anyone a live session.
web_sessions = Table(
    "web_sessions",
    metadata,
    Column("key_hash", String(64), primary_key=True),
    Column("kind", String(20), nullable=False),  # signin (an OAuth round trip under way) | session
    Column("data", Json, nullable=False),
    Column("csrf_token", String(64), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Index("ix_web_sessions_expires", "expires_at"),
)

# Append-only audit: refuse UPDATE and DELETE at the database itself.
SQLITE_AUDIT_TRIGGERS = (
    """CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
       BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END""",
    """CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
       BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END""",
)
POSTGRES_AUDIT_TRIGGERS = (
    """CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS
       $$ BEGIN RAISE EXCEPTION 'audit is append-only'; END $$""",
    "DROP TRIGGER IF EXISTS audit_append_only ON audit",
    """CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit
       FOR EACH ROW EXECUTE FUNCTION audit_append_only()""",
)
