"""Bring an existing state database up to the current schema, in place and idempotently (SQLite and
PostgreSQL alike): ``upgrade(conn)`` runs inside ``StateStore.create_schema``'s transaction, after
``create_all`` (which makes missing tables but never touches existing ones).

Each step checks what is there before changing anything, so it is safe to run on every open and from
several processes at once (PostgreSQL serialises them with the schema advisory lock; SQLite with its
write lock).

Steps:
1. ``recommendations`` gains ``situation_key``, ``prior_decision`` and ``evidence_basis`` (issue 11:
   decisions stick to the situation), with an index on ``situation_key``; rows queued before get their
   situation key computed from their stored proposal.
"""

from __future__ import annotations

from sqlalchemy import Connection, inspect, select, text, update

from domain.proposals import parse_proposal
from state import schema

ADDED_RECOMMENDATION_COLUMNS = ("situation_key", "prior_decision", "evidence_basis")
_BACKFILL_BATCH = 500


def _add_missing_columns(conn: Connection) -> list[str]:
    table = schema.recommendations
    present = {c["name"] for c in inspect(conn).get_columns(table.name)}
    added = []
    for name in ADDED_RECOMMENDATION_COLUMNS:
        if name in present:
            continue
        column = table.c[name]
        ddl_type = column.type.compile(dialect=conn.dialect)
        conn.execute(text(f"ALTER TABLE {table.name} ADD COLUMN {name} {ddl_type}"))
        added.append(name)
    conn.execute(text(f"CREATE INDEX IF NOT EXISTS ix_recommendations_situation ON {table.name} (situation_key)"))
    return added


def _backfill_situation_keys(conn: Connection) -> int:
    t = schema.recommendations
    done = 0
    while True:
        rows = conn.execute(
            select(t.c.id, t.c.proposal).where(t.c.situation_key.is_(None)).limit(_BACKFILL_BATCH)
        ).all()
        if not rows:
            return done
        for row in rows:
            try:
                key = parse_proposal(row.proposal).situation_key()
            except ValueError:  # a row no longer valid as a proposal: it can match nothing
                key = f"unreadable:{row.id}"[:64]
            conn.execute(update(t).where(t.c.id == row.id).values(situation_key=key))
            done += 1


def upgrade(conn: Connection) -> dict[str, object]:
    """Apply every step that the database still lacks; returns what was done (for tests and logs)."""
    added = _add_missing_columns(conn)
    backfilled = _backfill_situation_keys(conn)
    return {"added_columns": added, "backfilled_situation_keys": backfilled}


__all__ = ["ADDED_RECOMMENDATION_COLUMNS", "upgrade"]
