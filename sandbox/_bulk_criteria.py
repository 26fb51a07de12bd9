"""Bulk Read criteria: validation and matching of `{"field","comparator","value"}` trees.

A criterion is either a leaf `{"field": {"api_name": F}, "comparator": C, "value": V}` or a group
`{"group_operator": "and"|"or", "group": [criterion, ...]}`. `${EMPTY}` as a value matches empty
fields. Comparisons are case-insensitive for text, numeric for numbers, chronological for ISO dates
and datetimes, and by id for lookups.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sandbox.clock import parse_iso

EMPTY = "${EMPTY}"
COMPARATORS = frozenset(
    {
        "equal",
        "not_equal",
        "in",
        "not_in",
        "less_than",
        "less_equal",
        "greater_than",
        "greater_equal",
        "contains",
        "not_contains",
        "starts_with",
        "ends_with",
        "between",
        "not_between",
    }
)
_LIST_COMPARATORS = frozenset({"in", "not_in", "between", "not_between"})
MAX_LEAVES = 25


class CriteriaError(ValueError):
    """The criteria tree is malformed; `json_path` says where."""

    def __init__(self, message: str, json_path: str) -> None:
        super().__init__(message)
        self.json_path = json_path


def validate(criteria: Any, path: str = "$.query.criteria") -> int:
    """Raise CriteriaError if malformed; return the number of leaf conditions."""
    if not isinstance(criteria, dict):
        raise CriteriaError("criteria must be an object", path)
    if "group" in criteria or "group_operator" in criteria:
        operator = str(criteria.get("group_operator", "")).lower()
        group = criteria.get("group")
        if operator not in ("and", "or"):
            raise CriteriaError("group_operator must be 'and' or 'or'", f"{path}.group_operator")
        if not isinstance(group, list) or not group:
            raise CriteriaError("group must be a non-empty list", f"{path}.group")
        leaves = sum(validate(item, f"{path}.group[{i}]") for i, item in enumerate(group))
        if leaves > MAX_LEAVES:
            raise CriteriaError(f"at most {MAX_LEAVES} conditions", path)
        return leaves
    field = criteria.get("field")
    if not isinstance(field, dict) or not isinstance(field.get("api_name"), str):
        raise CriteriaError("field.api_name is required", f"{path}.field")
    comparator = criteria.get("comparator")
    if comparator not in COMPARATORS:
        raise CriteriaError(f"unknown comparator {comparator!r}", f"{path}.comparator")
    if "value" not in criteria:
        raise CriteriaError("value is required", f"{path}.value")
    value = criteria["value"]
    if comparator in ("between", "not_between") and (not isinstance(value, list) or len(value) != 2):
        raise CriteriaError(f"{comparator} takes a list of two values", f"{path}.value")
    if comparator in ("in", "not_in") and not isinstance(value, list):
        raise CriteriaError(f"{comparator} takes a list of values", f"{path}.value")
    if comparator not in _LIST_COMPARATORS and isinstance(value, (list, dict)):
        raise CriteriaError(f"{comparator} takes a single value", f"{path}.value")
    return 1


def field_names(criteria: dict[str, Any]) -> list[str]:
    """Every field api_name the criteria refer to."""
    if "group" in criteria:
        return [name for item in criteria["group"] for name in field_names(item)]
    return [criteria["field"]["api_name"]]


def matches(record: dict[str, Any], criteria: dict[str, Any]) -> bool:
    if "group" in criteria:
        results = (matches(record, item) for item in criteria["group"])
        return all(results) if criteria["group_operator"].lower() == "and" else any(results)
    actual = _field_value(record, criteria["field"]["api_name"])
    return _leaf(actual, criteria["comparator"], criteria["value"])


def _field_value(record: dict[str, Any], api_name: str) -> Any:
    head, _, tail = api_name.partition(".")
    value = record.get(head)
    if tail:
        return value.get(tail) if isinstance(value, dict) else None
    if isinstance(value, dict):
        return value.get("id")
    return value


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def _leaf(actual: Any, comparator: str, expected: Any) -> bool:
    if comparator in ("equal", "not_equal") and expected == EMPTY:
        return _is_empty(actual) == (comparator == "equal")
    if comparator == "equal":
        return _equal(actual, expected)
    if comparator == "not_equal":
        return not _equal(actual, expected)
    if comparator == "in":
        return any(_equal(actual, item) for item in expected)
    if comparator == "not_in":
        return not any(_equal(actual, item) for item in expected)
    if _is_empty(actual):
        return comparator in ("not_contains", "not_between")
    if comparator in ("contains", "not_contains", "starts_with", "ends_with"):
        return _text_match(actual, comparator, expected)
    if comparator in ("between", "not_between"):
        low, high = expected
        inside = _order(actual, low) >= 0 and _order(actual, high) <= 0
        return inside if comparator == "between" else not inside
    order = _order(actual, expected)
    return {
        "less_than": order < 0,
        "less_equal": order <= 0,
        "greater_than": order > 0,
        "greater_equal": order >= 0,
    }[comparator]


def _text_match(actual: Any, comparator: str, expected: Any) -> bool:
    haystack, needle = _text(actual), _text(expected)
    if comparator == "contains":
        return needle in haystack
    if comparator == "not_contains":
        return needle not in haystack
    if comparator == "starts_with":
        return haystack.startswith(needle)
    return haystack.endswith(needle)


def _text(value: Any) -> str:
    if isinstance(value, list):
        return ";".join(str(item) for item in value).lower()
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).lower()


def _equal(actual: Any, expected: Any) -> bool:
    if isinstance(actual, list):
        return any(_equal(item, expected) for item in actual)
    if _is_empty(actual):
        return _is_empty(expected)
    try:
        return _order(actual, expected) == 0
    except (TypeError, ValueError):
        return _text(actual) == _text(expected)


def _order(actual: Any, expected: Any) -> int:
    """-1/0/1 comparing actual to expected, coercing expected to actual's kind."""
    if isinstance(actual, bool) or isinstance(expected, bool):
        left_b, right_b = _text(actual), _text(expected)
        return (left_b > right_b) - (left_b < right_b)
    if isinstance(actual, (int, float)):
        left_n, right_n = float(actual), float(expected)
        return (left_n > right_n) - (left_n < right_n)
    left_s, right_s = str(actual), str(expected)
    left_t, right_t = _as_time(left_s), _as_time(right_s)
    if left_t is not None and right_t is not None:
        return (left_t > right_t) - (left_t < right_t)
    left_l, right_l = left_s.lower(), right_s.lower()
    return (left_l > right_l) - (left_l < right_l)


def _as_time(text: str) -> datetime | None:
    if len(text) < 10 or text[4:5] != "-" or text[7:8] != "-":
        return None
    try:
        return parse_iso(text if "T" in text else f"{text}T00:00:00+00:00")
    except ValueError:
        return None
