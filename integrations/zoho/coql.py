"""COQL text as Zoho parses it: the one place the client writes COQL.

- a string is quoted ``'...'`` and a quote inside it is doubled (``O''Brien``); a backslash is an
  ordinary character (Zoho's COQL documentation);
- a WHERE clause with more than two conditions needs brackets: ``((a and b) and c)``;
- ``LIMIT offset, n`` with n at most 2,000 and offset + n at most 100,000.

    select_query("Tasks", ["Subject"], where("What_Id = " + quote(account_id)), order_by="id asc", limit=2000)
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from integrations.zoho.models import to_zoho_value

PAGE = 2000
MAX_REACH = 100_000


def quote(value: str) -> str:
    """A COQL string literal: single quotes, an inner quote doubled."""
    return "'" + value.replace("'", "''") + "'"


def quote_datetime(value: datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return quote(to_zoho_value(value) or "")


def where(*conditions: str, joiner: str = "and") -> str:
    """Conditions joined two at a time in brackets, as Zoho requires past two: ``((a and b) and c)``."""
    parts = [c.strip() for c in conditions if c and c.strip()]
    if not parts:
        return "id is not null"
    clause = parts[0]
    for index, part in enumerate(parts[1:], start=1):
        clause = f"{clause} {joiner} {part}" if index == 1 else f"({clause}) {joiner} {part}"
    return f"({clause})" if len(parts) > 2 else clause


def select_query(
    module: str,
    fields: Sequence[str],
    condition: str = "id is not null",
    *,
    order_by: str = "id asc",
    offset: int = 0,
    limit: int = PAGE,
) -> str:
    """``select id, f1, f2 from Module where ... order by ... limit offset, n``."""
    if not 0 < limit <= PAGE:
        raise ValueError(f"a COQL call returns 1 to {PAGE} rows, not {limit}")
    if offset + limit > MAX_REACH:
        raise ValueError(f"COQL reaches at most {MAX_REACH:,} rows (offset + limit)")
    columns = ", ".join(dict.fromkeys(["id", *fields]))
    return f"select {columns} from {module} where {condition} order by {order_by} limit {offset}, {limit}"
