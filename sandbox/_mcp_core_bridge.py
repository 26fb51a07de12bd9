"""Connect the MCP tools to the core's query engines (COQL and search) without duplicating them.

`coql_runner` and `search_runner` return plain callables for a `ToolContext`. Search falls back to a
small implementation of Zoho's criteria grammar when the core does not expose one.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from typing import Any

from sandbox._mcp_tools import ToolError

_LEAF = re.compile(r"^\(?\s*([A-Za-z0-9_.$]+):([a-z_]+):(.*?)\s*\)?$", re.DOTALL)


def coql_runner(state: Any, user: dict[str, Any]) -> Callable[[str], dict[str, Any]] | None:
    try:
        coql_api = importlib.import_module("sandbox.coql_api")
    except ImportError:
        return None
    run = getattr(coql_api, "run_query", None)
    if not callable(run):
        return None

    def execute(query: str) -> dict[str, Any]:
        from sandbox.responses import ZohoHTTPError

        try:
            payload = run(state, query)
        except ZohoHTTPError as error:
            raise ToolError(error.code, error.message, error.details) from error
        return payload if payload else {"data": [], "info": {"count": 0, "more_records": False}}

    return execute


def search_runner(state: Any, user: dict[str, Any]) -> Callable[[str, dict[str, Any]], list[dict[str, Any]]]:
    def search(module: str, query: dict[str, Any]) -> list[dict[str, Any]]:
        records = state.store.list_records(module)
        if query.get("criteria"):
            tree = parse_criteria(str(query["criteria"]))
            matched = [record for record in records if _matches(record, tree)]
        elif query.get("email"):
            needle = str(query["email"]).lower()
            matched = [r for r in records if any(str(r.get(k) or "").lower() == needle for k in _EMAIL_KEYS)]
        elif query.get("phone"):
            needle = _digits(str(query["phone"]))
            matched = [
                r
                for r in records
                if needle and any(needle in _digits(str(r.get(k) or "")) for k in _PHONE_KEYS)
            ]
        else:
            needle = str(query.get("word", "")).lower()
            matched = [
                r for r in records if any(needle in str(v).lower() for v in r.values() if isinstance(v, str))
            ]
        return sorted(matched, key=lambda record: int(record["id"]), reverse=True)

    return search


_EMAIL_KEYS = ("Email", "Secondary_Email")
_PHONE_KEYS = ("Phone", "Mobile", "Home_Phone", "Other_Phone", "Fax", "Asst_Phone")


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


# ---------------------------------------------------------------------------- criteria grammar
Node = tuple[str, Any]  # ("leaf", (field, op, value)) | ("and"|"or", [nodes])


def parse_criteria(text: str) -> Node:
    """Parse `((A:equals:x)and(B:starts_with:y))` into a tree; raise ToolError INVALID_QUERY."""
    text = text.strip()
    parts, operators = _split_top(text)
    if len(parts) == 1:
        inner = parts[0]
        if (
            inner.startswith("(")
            and inner.endswith(")")
            and _balanced(inner[1:-1])
            and _has_group(inner[1:-1])
        ):
            return parse_criteria(inner[1:-1])
        return _leaf(inner)
    if len(set(operators)) != 1:
        raise ToolError("INVALID_QUERY", "mixing and/or needs brackets", {"criteria": text})
    return (operators[0], [parse_criteria(part) for part in parts])


def _balanced(text: str) -> bool:
    depth = 0
    for index, ch in enumerate(text):
        if ch == "\\":
            continue
        if ch == "(" and (index == 0 or text[index - 1] != "\\"):
            depth += 1
        elif ch == ")" and (index == 0 or text[index - 1] != "\\"):
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def _has_group(text: str) -> bool:
    return len(_split_top(text)[0]) > 1 or text.startswith("(")


def _split_top(text: str) -> tuple[list[str], list[str]]:
    parts: list[str] = []
    operators: list[str] = []
    depth, start, index = 0, 0, 0
    while index < len(text):
        ch = text[index]
        escaped = index > 0 and text[index - 1] == "\\"
        if ch == "(" and not escaped:
            depth += 1
        elif ch == ")" and not escaped:
            depth -= 1
        elif (
            depth == 0
            and text[index : index + 3].lower() == "and"
            and text[start:index].strip().endswith(")")
        ):
            parts.append(text[start:index].strip())
            operators.append("and")
            start = index = index + 3
            continue
        elif (
            depth == 0 and text[index : index + 2].lower() == "or" and text[start:index].strip().endswith(")")
        ):
            parts.append(text[start:index].strip())
            operators.append("or")
            start = index = index + 2
            continue
        index += 1
    parts.append(text[start:].strip())
    return parts, operators


def _leaf(text: str) -> Node:
    body = text[1:-1] if text.startswith("(") and text.endswith(")") else text
    field, _, rest = body.partition(":")
    operator, _, value = rest.partition(":")
    if not field or not operator or not _:
        raise ToolError("INVALID_QUERY", "invalid criteria", {"criteria": text})
    value = value.replace("\\,", "\x00").replace("\\(", "(").replace("\\)", ")")
    return ("leaf", (field.strip(), operator.strip().lower(), value))


def _matches(record: dict[str, Any], node: Node) -> bool:
    kind, payload = node
    if kind == "and":
        return all(_matches(record, child) for child in payload)
    if kind == "or":
        return any(_matches(record, child) for child in payload)
    field, operator, raw = payload
    value = record.get(field)
    if isinstance(value, dict):
        value = value.get("id") if field not in ("Owner",) else value.get("id")
    values = [part.replace("\x00", ",") for part in raw.split(",")]
    actual = "" if value is None else str(value).lower()
    expected = values[0].lower()
    if operator == "equals":
        return expected in actual if isinstance(record.get(field), str) else actual == expected
    if operator == "not_equal":
        return actual != expected
    if operator == "starts_with":
        return actual.startswith(expected)
    if operator == "in":
        return actual in {v.lower() for v in values}
    if operator in ("greater_than", "greater_equal", "less_than", "less_equal", "between"):
        return _compare(value, operator, values)
    raise ToolError("INVALID_QUERY", f"unsupported operator {operator}", {"operator": operator})


def _compare(value: Any, operator: str, values: list[str]) -> bool:
    if value is None:
        return False

    def key(item: Any) -> Any:
        try:
            return float(item)
        except (TypeError, ValueError):
            return str(item)

    left = key(value)
    try:
        if operator == "between":
            return bool(key(values[0]) <= left <= key(values[1]))
        right = key(values[0])
        return bool(
            {
                "greater_than": left > right,
                "greater_equal": left >= right,
                "less_than": left < right,
                "less_equal": left <= right,
            }[operator]
        )
    except (TypeError, IndexError):
        return False
