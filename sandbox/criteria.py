"""Search ``criteria``: ``((Industry:equals:Technology)and(Billing_City:starts_with:Aus))``.

Operators: equals (contains, for text), not_equal, starts_with, in, greater_than, greater_equal,
less_than, less_equal, between. Commas and parentheses inside values are escaped with a backslash.
At most 10 conditions. Errors raise ``ZohoHTTPError`` INVALID_QUERY / LIMIT_EXCEEDED.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sandbox.responses import ZohoHTTPError
from sandbox.schema import FIELD_INDEX
from sandbox.values import BadValue, comparable, literal

OPERATORS = {
    "equals",
    "not_equal",
    "starts_with",
    "in",
    "greater_than",
    "greater_equal",
    "less_than",
    "less_equal",
    "between",
}
MAX_CONDITIONS = 10
Predicate = Callable[[dict[str, Any]], bool]


def _invalid(reason: str, api_name: str | None = None) -> ZohoHTTPError:
    details: dict[str, Any] = {"reason": reason}
    if api_name:
        details["api_name"] = api_name
    return ZohoHTTPError("INVALID_QUERY", "invalid query formed", 400, details)


def _split_unescaped(text: str, sep: str, maxsplit: int = -1) -> list[str]:
    parts, current, i, splits = [], [], 0, 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            current.append(text[i : i + 2])
            i += 2
            continue
        if ch == sep and (maxsplit < 0 or splits < maxsplit):
            parts.append("".join(current))
            current = []
            splits += 1
        else:
            current.append(ch)
        i += 1
    parts.append("".join(current))
    return parts


def _unescape(text: str) -> str:
    return text.replace("\\,", ",").replace("\\(", "(").replace("\\)", ")").replace("\\\\", "\\")


@dataclass
class _Parser:
    text: str
    module: str
    pos: int = 0
    count: int = 0

    def parse(self) -> Predicate:
        pred = self._sequence()
        if self.pos != len(self.text):
            raise _invalid("unexpected text after criteria")
        return pred

    def _sequence(self) -> Predicate:
        terms = [self._term()]
        ops: list[str] = []
        while True:
            rest = self.text[self.pos :].lower()
            if rest.startswith("and"):
                ops.append("and")
                self.pos += 3
            elif rest.startswith("or"):
                ops.append("or")
                self.pos += 2
            else:
                break
            terms.append(self._term())
        # and binds tighter than or
        groups: list[list[Predicate]] = [[terms[0]]]
        for op, term in zip(ops, terms[1:], strict=True):
            if op == "and":
                groups[-1].append(term)
            else:
                groups.append([term])
        return lambda r: any(all(p(r) for p in group) for group in groups)

    def _term(self) -> Predicate:
        if self.pos >= len(self.text) or self.text[self.pos] != "(":
            raise _invalid("expected '('")
        if self.pos + 1 < len(self.text) and self.text[self.pos + 1] == "(":
            self.pos += 1
            pred = self._sequence()
            if self.pos >= len(self.text) or self.text[self.pos] != ")":
                raise _invalid("expected ')'")
            self.pos += 1
            return pred
        end = self.pos + 1
        while end < len(self.text):
            if self.text[end] == "\\":
                end += 2
                continue
            if self.text[end] == ")":
                break
            end += 1
        if end >= len(self.text):
            raise _invalid("expected ')'")
        body = self.text[self.pos + 1 : end]
        self.pos = end + 1
        return self._condition(body)

    def _condition(self, body: str) -> Predicate:
        self.count += 1
        if self.count > MAX_CONDITIONS:
            raise ZohoHTTPError("LIMIT_EXCEEDED", "Maximum criteria limit exceeded", 400, {"limit": MAX_CONDITIONS})
        parts = _split_unescaped(body, ":", 2)
        if len(parts) != 3:
            raise _invalid("a condition is (field:operator:value)")
        field, op, raw = parts[0].strip(), parts[1].strip().lower(), parts[2]
        if op not in OPERATORS:
            raise _invalid(f"unknown operator {op}", field)
        base, _, sub = field.partition(".")
        spec = FIELD_INDEX[self.module].get(base)
        if spec is None:
            raise _invalid("unknown field", field)
        values = [_unescape(v) for v in _split_unescaped(raw, ",")] if op in ("in", "between") else [_unescape(raw)]
        if op == "between" and len(values) != 2:
            raise _invalid("between needs two values", field)
        is_lookup = spec.data_type in ("lookup", "ownerlookup")
        if is_lookup:
            return self._lookup_condition(base, sub, op, values)
        try:
            targets = [literal(spec, v) for v in values]
        except BadValue:
            raise _invalid("value does not match the field's type", field) from None
        is_text = spec.data_type in ("text", "textarea", "email", "phone", "website", "picklist")

        def pred(record: dict[str, Any]) -> bool:
            value = comparable(spec, record.get(base))
            if op == "not_equal":
                return value != targets[0]
            if value is None:
                return False
            if op == "equals":
                return targets[0] in value if is_text and spec.data_type != "picklist" else value == targets[0]
            if op == "starts_with":
                return isinstance(value, str) and value.startswith(str(targets[0]))
            if op == "in":
                return value in targets
            if op == "between":
                return bool(targets[0] <= value <= targets[1])
            return bool(_COMPARE[op](value, targets[0]))

        return pred

    @staticmethod
    def _lookup_condition(base: str, sub: str, op: str, values: list[str]) -> Predicate:
        wanted = [v.lower() for v in values]

        def pred(record: dict[str, Any]) -> bool:
            ref = record.get(base)
            if not isinstance(ref, dict):
                return op == "not_equal"
            keys = (
                [str(ref.get(sub)).lower()]
                if sub
                else [str(ref.get("id")).lower(), str(ref.get("name")).lower(), str(ref.get("email")).lower()]
            )
            if op == "not_equal":
                return wanted[0] not in keys
            if op in ("equals", "in"):
                return any(w in keys for w in wanted)
            if op == "starts_with":
                return any(k.startswith(wanted[0]) for k in keys)
            return False

        return pred


_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "greater_than": lambda a, b: a > b,
    "greater_equal": lambda a, b: a >= b,
    "less_than": lambda a, b: a < b,
    "less_equal": lambda a, b: a <= b,
}


def parse_criteria(text: str, module: str) -> Predicate:
    """A predicate over stored records; raises ZohoHTTPError on a malformed or oversized criteria."""
    text = text.strip()
    if not text:
        raise _invalid("empty criteria")
    return _Parser(text, module).parse()
