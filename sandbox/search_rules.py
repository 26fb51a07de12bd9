"""What ``/{module}/search`` matches, shared by the REST search and the MCP ``searchRecords`` tool so both
answer the same query the same way: ``criteria`` first, then ``email``, ``phone`` (digits contained), ``word``
(in any text field)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sandbox.criteria import parse_criteria

EMAIL_FIELDS = ("Email", "Secondary_Email")
PHONE_FIELDS = ("Phone", "Mobile", "Home_Phone", "Other_Phone", "Fax", "Asst_Phone")

Predicate = Callable[[dict[str, Any]], bool]


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def word_predicate(word: str) -> Predicate:
    needle = word.lower()
    return lambda r: any(isinstance(v, str) and needle in v.lower() for v in r.values())


def search_predicate(module: str, query: Mapping[str, Any]) -> Predicate | None:
    """The predicate of the first search parameter given (criteria > email > phone > word); None when none is.
    A bad ``criteria`` raises ``ZohoHTTPError`` (``sandbox.criteria``)."""
    if query.get("criteria"):
        return parse_criteria(str(query["criteria"]), module)
    if query.get("email"):
        email = str(query["email"]).lower()
        return lambda r: any(str(r.get(f) or "").lower() == email for f in EMAIL_FIELDS)
    if query.get("phone"):
        digits = _digits(str(query["phone"]))
        return lambda r: bool(digits) and any(digits in _digits(str(r.get(f) or "")) for f in PHONE_FIELDS)
    if query.get("word"):
        return word_predicate(str(query["word"]))
    return None
