"""Typed comparison of stored values with query literals, shared by search criteria and COQL."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sandbox.clock import parse_iso
from sandbox.schema import FieldSpec

NUMERIC = {"integer", "bigint", "currency", "double", "percent", "long"}


class BadValue(ValueError):
    """A literal that cannot be read as the field's type."""


def comparable(spec: FieldSpec | None, value: Any) -> Any:
    """A stored value in a form that orders correctly (lookups compare by id)."""
    if value is None:
        return None
    if isinstance(value, dict):
        return str(value.get("id"))
    kind = spec.data_type if spec else "text"
    if kind in NUMERIC:
        return float(value)
    if kind == "datetime":
        return parse_iso(str(value))
    if kind == "date":
        return date.fromisoformat(str(value)[:10])
    if kind == "boolean":
        return bool(value)
    if isinstance(value, str):
        return value.lower()
    return value


def literal(spec: FieldSpec | None, text: Any) -> Any:
    """A query literal converted to the field's type; raises ``BadValue``."""
    if text is None:
        return None
    kind = spec.data_type if spec else "text"
    try:
        if kind in NUMERIC:
            return float(text)
        if kind == "datetime":
            if isinstance(text, str) and len(text) == 10:
                return parse_iso(text + "T00:00:00+00:00")
            return parse_iso(str(text))
        if kind == "date":
            return date.fromisoformat(str(text)[:10])
        if kind == "boolean":
            if isinstance(text, bool):
                return text
            lowered = str(text).lower()
            if lowered not in ("true", "false"):
                raise BadValue(str(text))
            return lowered == "true"
    except (ValueError, TypeError) as exc:
        raise BadValue(str(text)) from exc
    return str(text).lower()


def display(value: Any) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)
