"""Turn records into the Bulk Read result: a zip holding one `<job_id>.csv`.

Columns: `id` first, then the requested field API names (or every field seen). Lookups are written
as their id, multi-select values joined with `;`, booleans as `true`/`false`, datetimes as the
ISO-8601 strings the store holds (datetime objects are formatted the same way).
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from sandbox.clock import iso


def all_field_names(records: Iterable[dict[str, Any]], known: Sequence[str] = ()) -> list[str]:
    """Known field names first (metadata order), then any other non-system key seen on a record."""
    names: dict[str, None] = {name: None for name in known if name != "id"}
    for record in records:
        for key in record:
            if key != "id" and not key.startswith("$"):
                names.setdefault(key, None)
    return list(names)


def columns_for(fields: Sequence[str] | None, records: Sequence[dict[str, Any]], known: Sequence[str]) -> list[str]:
    chosen = list(fields) if fields else all_field_names(records, known)
    return ["id", *[name for name in dict.fromkeys(chosen) if name != "id"]]


def cell(record: dict[str, Any], column: str) -> str:
    head, _, tail = column.partition(".")
    value = record.get(head)
    if tail:
        value = value.get(tail) if isinstance(value, dict) else None
    elif isinstance(value, dict):
        value = value.get("id")
    return _text(value)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return ";".join(_text(item.get("id") if isinstance(item, dict) else item) for item in value)
    if isinstance(value, dict):
        return str(value.get("id", ""))
    return str(value)


def build_csv(columns: Sequence[str], records: Iterable[dict[str, Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for record in records:
        writer.writerow([cell(record, column) for column in columns])
    return buffer.getvalue().encode("utf-8")


def build_zip(job_id: str, csv_bytes: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{job_id}.csv", csv_bytes)
    return buffer.getvalue()
