"""COQL: ``SELECT f, Lookup.f FROM Module WHERE ... ORDER BY ... LIMIT offset, n``.

Strings are quoted '...' with a quote inside doubled (''); a bracket level joins at most two conditions;
lookups come back as ``{"id"}`` only; LIMIT is at most 2,000 and OFFSET + LIMIT at most 100,000.
Supports comparisons (= != <> > >= < <=), [not] like, [not] in, [not] between, is [not] null, AND/OR
with brackets, ORDER BY, ``LIMIT n``, ``LIMIT offset, n``, ``LIMIT n OFFSET m``, and the aggregates
COUNT/SUM/MIN/MAX/AVG with GROUP BY. Errors raise ``ZohoHTTPError`` (SYNTAX_ERROR, INVALID_QUERY,
LIMIT_EXCEEDED) the way Zoho names them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sandbox.module_support import ADMIN_ONLY_COQL_MODULES
from sandbox.responses import ZohoHTTPError
from sandbox.schema import FIELD_INDEX, RECORD_MODULES, FieldSpec
from sandbox.values import BadValue, comparable, literal

Predicate = Callable[[dict[str, Any]], bool]

MAX_LIMIT = 2000
MAX_OFFSET_REACH = 100_000
DEFAULT_LIMIT = 200
MAX_SELECT = 50
AGGREGATES = ("COUNT", "SUM", "MIN", "MAX", "AVG")
USER_FIELDS = {
    "id": FieldSpec("id", "bigint"),
    "first_name": FieldSpec("first_name", "text"),
    "last_name": FieldSpec("last_name", "text"),
    "full_name": FieldSpec("full_name", "text"),
    "email": FieldSpec("email", "email"),
}

_TOKEN = re.compile(
    r"""\s*(?:
    (?P<string>'(?:[^']|'')*')
  | (?P<number>-?\d+(?:\.\d+)?)
  | (?P<op>!=|<>|>=|<=|=|>|<|\(|\)|,|\*)
  | (?P<word>[A-Za-z_$][A-Za-z0-9_$.]*)
)""",
    re.VERBOSE,
)


def syntax_error(near: str) -> ZohoHTTPError:
    return ZohoHTTPError("SYNTAX_ERROR", f"error occured while parsing the query near {near!r}", 400, {"near": near})


def invalid_query(message: str, **details: Any) -> ZohoHTTPError:
    return ZohoHTTPError("INVALID_QUERY", message, 400, details)


@dataclass
class Token:
    kind: str
    text: str


def tokenize(query: str) -> list[Token]:
    tokens, pos = [], 0
    query = query.strip().rstrip(";")
    while pos < len(query):
        match = _TOKEN.match(query, pos)
        if match is None or match.end() == pos:
            if query[pos:].strip() == "":
                break
            raise syntax_error(query[pos : pos + 20])
        kind = match.lastgroup or "word"
        text = match.group(kind)
        if kind == "string":
            text = text[1:-1].replace("''", "'")  # Zoho escapes a quote by doubling it; a backslash is a backslash
        tokens.append(Token(kind, text))
        pos = match.end()
    return tokens


@dataclass
class Column:
    path: str  # as written: "Account_Name.Account_Name"
    aggregate: str | None = None

    @property
    def key(self) -> str:
        return f"{self.aggregate}({self.path})" if self.aggregate else self.path


@dataclass
class Query:
    module: str
    columns: list[Column]
    where: Callable[[dict[str, Any]], bool] | None = None
    group_by: list[str] = field(default_factory=list)
    order_by: list[tuple[str, bool]] = field(default_factory=list)  # (path, descending)
    limit: int = DEFAULT_LIMIT
    offset: int = 0


Resolver = Callable[[str, str], "dict[str, Any] | None"]  # (module, id) -> record
UserResolver = Callable[[str], "dict[str, Any] | None"]


class _Parser:
    def __init__(self, tokens: list[Token], resolve: Resolver, resolve_user: UserResolver) -> None:
        self.tokens = tokens
        self.i = 0
        self.resolve = resolve
        self.resolve_user = resolve_user
        self.module = ""

    # -------------------------------------------------------------- token helpers
    def peek(self, offset: int = 0) -> Token | None:
        index = self.i + offset
        return self.tokens[index] if index < len(self.tokens) else None

    def keyword(self, *words: str) -> bool:
        token = self.peek()
        if token is not None and token.kind == "word" and token.text.upper() in words:
            self.i += 1
            return True
        return False

    def here_at(self, offset: int) -> str | None:
        token = self.peek(offset)
        return token.text if token is not None else None

    def here(self, default: str) -> str:
        """The text of the next token, for error messages."""
        token = self.peek()
        return token.text if token is not None else default

    def expect_keyword(self, word: str) -> None:
        if not self.keyword(word):
            raise syntax_error(self.here(word))

    def op(self, text: str) -> bool:
        token = self.peek()
        if token is not None and token.kind == "op" and token.text == text:
            self.i += 1
            return True
        return False

    def take(self, kind: str) -> str:
        token = self.peek()
        if token is None or token.kind != kind:
            raise syntax_error(token.text if token else "end of query")
        self.i += 1
        return token.text

    # -------------------------------------------------------------- grammar
    def parse(self) -> Query:
        self.expect_keyword("SELECT")
        raw_columns = [self.column()]
        while self.op(","):
            raw_columns.append(self.column())
        self.expect_keyword("FROM")
        module = self.take("word")
        if module not in RECORD_MODULES:
            raise invalid_query("invalid module given", module=module)
        self.module = module
        for col in raw_columns:
            if not (col.aggregate == "COUNT" and col.path in ("id", "*")):
                self.spec(col.path)
        if len(raw_columns) > MAX_SELECT:
            raise ZohoHTTPError("LIMIT_EXCEEDED", "select columns limit exceeded", 400, {"limit": MAX_SELECT})
        query = Query(module, raw_columns)
        if self.keyword("WHERE"):
            query.where = self.expression()
        if self.keyword("GROUP"):
            self.expect_keyword("BY")
            query.group_by.append(self.field_name())
            while self.op(","):
                query.group_by.append(self.field_name())
        if self.keyword("ORDER"):
            self.expect_keyword("BY")
            query.order_by.append(self.order_item())
            while self.op(","):
                query.order_by.append(self.order_item())
        if self.keyword("LIMIT"):
            first = int(self.take("number"))
            if self.op(","):
                query.offset, query.limit = first, int(self.take("number"))
            else:
                query.limit = first
                if self.keyword("OFFSET"):
                    query.offset = int(self.take("number"))
        if self.peek() is not None:
            raise syntax_error(self.peek().text)  # type: ignore[union-attr]
        if query.limit < 1 or query.offset < 0:
            raise invalid_query("invalid limit or offset")
        if query.limit > MAX_LIMIT:
            raise ZohoHTTPError("LIMIT_EXCEEDED", "limit exceeded", 400, {"limit": MAX_LIMIT})
        if query.offset + query.limit > MAX_OFFSET_REACH:
            raise ZohoHTTPError("LIMIT_EXCEEDED", "offset limit exceeded", 400, {"limit": MAX_OFFSET_REACH})
        aggregated = any(c.aggregate for c in query.columns)
        plain = [c for c in query.columns if not c.aggregate]
        if aggregated and any(c.path not in query.group_by for c in plain):
            raise invalid_query("select columns must be in group by when aggregating")
        return query

    def column(self) -> Column:
        token = self.peek()
        if token is not None and token.kind == "word" and token.text.upper() in AGGREGATES and self.here_at(1) == "(":
            self.i += 2
            inner = self.peek()
            if inner is not None and inner.kind == "op" and inner.text == "*":
                self.i += 1
                path = "*"
            else:
                path = self.take("word")
            if not self.op(")"):
                raise syntax_error(")")
            return Column(path, token.text.upper())
        if token is not None and token.kind == "op" and token.text == "*":
            raise syntax_error("*")
        return Column(self.take("word"))

    def field_name(self) -> str:
        name = self.take("word")
        self.spec(name)
        return name

    def order_item(self) -> tuple[str, bool]:
        name = self.field_name()
        descending = False
        if self.keyword("DESC"):
            descending = True
        else:
            self.keyword("ASC")
        return name, descending

    def spec(self, path: str) -> FieldSpec:
        """The field spec at the end of ``path`` (validates it); raises INVALID_QUERY."""
        base, _, sub = path.partition(".")
        if base == "id" and not sub:
            return FieldSpec("id", "bigint")
        spec = FIELD_INDEX[self.module].get(base)
        if spec is None:
            raise invalid_query("invalid column given", column_name=path)
        if not sub:
            return spec
        if spec.data_type == "ownerlookup":
            if sub not in USER_FIELDS:
                raise invalid_query("invalid column given", column_name=path)
            return USER_FIELDS[sub]
        if spec.data_type != "lookup":
            raise invalid_query("invalid column given", column_name=path)
        if sub == "id":
            return FieldSpec("id", "bigint")
        target = spec.lookup_module
        if target not in FIELD_INDEX or "." in sub or sub not in FIELD_INDEX[target]:
            raise invalid_query("invalid column given", column_name=path)
        return FIELD_INDEX[target][sub]

    def value_of(self, record: dict[str, Any], path: str) -> Any:
        """The raw value at ``path`` in ``record`` (following one lookup)."""
        base, _, sub = path.partition(".")
        value = record.get(base)
        if not sub:
            return value
        if not isinstance(value, dict):
            return None
        if sub == "id":
            return value.get("id")
        spec = FIELD_INDEX[self.module][base]
        if spec.data_type == "ownerlookup":
            user = self.resolve_user(str(value.get("id")))
            return user.get(sub) if user else None
        target = self.resolve(str(spec.lookup_module), str(value.get("id")))
        return target.get(sub) if target else None

    def expression(self) -> Callable[[dict[str, Any]], bool]:
        """One bracket level. Zoho: "If there are more than two conditions, use brackets"; a level
        joining three or more conditions with AND/OR is a syntax error."""
        terms = [self.conjunction()]
        while self.keyword("OR"):
            terms.append(self.conjunction())
        if sum(count for _, count in terms) > 2:
            raise ZohoHTTPError(
                "SYNTAX_ERROR",
                "more than two conditions must be grouped with brackets",
                400,
                {"clause": "where", "near": self.here("end of query")},
            )
        parts = [term for term, _ in terms]
        return parts[0] if len(parts) == 1 else (lambda r: any(t(r) for t in parts))

    def conjunction(self) -> tuple[Callable[[dict[str, Any]], bool], int]:
        factors = [self.factor()]
        while self.keyword("AND"):
            factors.append(self.factor())
        if len(factors) == 1:
            return factors[0], 1
        return (lambda r: all(f(r) for f in factors)), len(factors)

    def factor(self) -> Callable[[dict[str, Any]], bool]:
        if self.op("("):
            inner = self.expression()
            if not self.op(")"):
                raise syntax_error(self.here(")"))
            return inner
        return self.condition()

    def literal_token(self) -> Any:
        token = self.peek()
        if token is None:
            raise syntax_error("end of query")
        self.i += 1
        if token.kind in ("string", "number"):
            return token.text
        if token.kind == "word" and token.text.lower() in ("true", "false"):
            return token.text.lower()
        if token.kind == "word" and token.text.lower() == "null":
            return None
        raise syntax_error(token.text)

    def condition(self) -> Predicate:
        """One comparison of a column: IS [NOT] NULL, [NOT] LIKE / IN / BETWEEN, or =, !=, <>, >, >=, <, <=."""
        path = self.take("word")
        column = _Operand(self, path, self.spec(path))
        if self.keyword("IS"):
            negate = self.keyword("NOT")
            self.expect_keyword("NULL")
            return lambda r: (column.current(r) in (None, "")) != negate
        negate = self.keyword("NOT")
        if self.keyword("LIKE"):
            pattern = self.literal_token()
            regex = re.compile("^" + ".*".join(re.escape(p) for p in str(pattern).lower().split("%")) + "$", re.S)
            return lambda r: (isinstance(column.current(r), str) and bool(regex.match(column.current(r)))) != negate
        if self.keyword("IN"):
            options = self.in_list(column)
            return lambda r: (column.current(r) in options) != negate
        if self.keyword("BETWEEN"):
            return self.between(column, negate)
        if negate:
            raise syntax_error("not")
        return self.comparison(column)

    def in_list(self, column: _Operand) -> list[Any]:
        """``(value, value, ...)`` after IN, each converted to the column's type."""
        if not self.op("("):
            raise syntax_error("(")
        options = [column.convert(self.literal_token())]
        while self.op(","):
            options.append(column.convert(self.literal_token()))
        if not self.op(")"):
            raise syntax_error(")")
        return options

    def between(self, column: _Operand, negate: bool) -> Predicate:
        low = column.convert(self.literal_token())
        self.expect_keyword("AND")
        high = column.convert(self.literal_token())

        def between(record: dict[str, Any]) -> bool:
            value = column.current(record)
            return value is not None and (low <= value <= high) != negate

        return between

    def comparison(self, column: _Operand) -> Predicate:
        token = self.peek()
        if token is None or token.kind != "op" or token.text not in ("=", "!=", "<>", ">", ">=", "<", "<="):
            raise syntax_error(token.text if token else "end of query")
        self.i += 1
        operator = token.text
        target = column.convert(self.literal_token())

        def compare(record: dict[str, Any]) -> bool:
            value = column.current(record)
            if operator == "=":
                return bool(value == target)
            if operator in ("!=", "<>"):
                return bool(value != target)
            if value is None or target is None:
                return False
            try:
                return bool(_ORDER[operator](value, target))
            except TypeError:
                return False

        return compare


class _Operand:
    """A column in a condition: a literal converted to its type, and a record's value of it, comparably."""

    def __init__(self, parser: _Parser, path: str, spec: FieldSpec) -> None:
        self.parser = parser
        self.path = path
        self.spec = spec
        self.is_lookup_id = spec.data_type in ("lookup", "ownerlookup") and "." not in path

    def convert(self, raw: Any) -> Any:
        if raw is None:
            return None
        if self.is_lookup_id:
            return str(raw).lower()
        try:
            return literal(self.spec, raw)
        except BadValue:
            raise invalid_query("value does not match the column's type", column_name=self.path) from None

    def current(self, record: dict[str, Any]) -> Any:
        value = self.parser.value_of(record, self.path)
        if self.is_lookup_id:
            return str(value.get("id")).lower() if isinstance(value, dict) else None
        if "." in self.path and self.spec.api_name == "id":
            return str(value).lower() if value is not None else None
        return comparable(self.spec, value)


_ORDER: dict[str, Callable[[Any, Any], bool]] = {
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
}


def _out_value(value: Any) -> Any:
    """Lookups come back as ``{"id"}`` only."""
    if isinstance(value, dict) and "id" in value:
        return {"id": value["id"]}
    return value


def run_query(
    text: str,
    records: Callable[[str], list[dict[str, Any]]],
    resolve: Resolver,
    resolve_user: UserResolver,
    *,
    admin: bool = True,
) -> tuple[list[dict[str, Any]], bool, Query]:
    """Execute ``text``: (rows, more_records, parsed query). ``admin``: whether the caller has the
    Administrator profile (COQL on Notes is refused to other profiles)."""
    if not text or not text.strip():
        raise ZohoHTTPError("REQUIRED_PARAM_MISSING", "select_query is missing", 400, {"param_name": "select_query"})
    parser = _Parser(tokenize(text), resolve, resolve_user)
    query = parser.parse()
    if query.module in ADMIN_ONLY_COQL_MODULES and not admin:
        raise ZohoHTTPError(
            "NO_PERMISSION",
            f"COQL on {query.module} is available to administrators only",
            403,
            {"module": query.module, "permissions": ["Administrator profile"]},
        )
    matched = [r for r in records(query.module) if query.where is None or query.where(r)]
    if any(c.aggregate for c in query.columns):
        rows = _aggregate(query, matched, parser)
    else:
        rows = []
        for record in matched:
            row: dict[str, Any] = {}
            for col in query.columns:
                row[col.path] = _out_value(parser.value_of(record, col.path))
            row["id"] = record["id"]
            rows.append((record, row))  # type: ignore[arg-type]
        keyed: list[Any] = rows
        for path, descending in reversed(query.order_by or [("id", False)]):
            spec = parser.spec(path)

            def pair_key(pair: Any, p: str = path, s: FieldSpec = spec) -> tuple[int, Any]:
                return _sort_key(comparable(s, _plain(parser.value_of(pair[0], p))))

            keyed.sort(key=pair_key, reverse=descending)
        rows = [pair[1] for pair in keyed]
    window = rows[query.offset : query.offset + query.limit]
    more = query.offset + query.limit < len(rows)
    return window, more, query


def _plain(value: Any) -> Any:
    return value.get("id") if isinstance(value, dict) else value


def _sort_key(value: Any) -> tuple[int, Any]:
    return (0, "") if value is None else (1, value)


def _aggregate(query: Query, records: list[dict[str, Any]], parser: _Parser) -> list[dict[str, Any]]:
    groups: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for record in records:
        key = tuple(_plain(parser.value_of(record, g)) for g in query.group_by)
        groups.setdefault(key, []).append(record)
    if not query.group_by and not groups:
        groups[()] = []
    rows = []
    for key, members in groups.items():
        row: dict[str, Any] = {g: v for g, v in zip(query.group_by, key, strict=True)}
        for col in query.columns:
            if not col.aggregate:
                continue
            if col.aggregate == "COUNT":
                values = (
                    members
                    if col.path in ("id", "*")
                    else [m for m in members if parser.value_of(m, col.path) not in (None, "")]
                )
                row[col.key] = len(values)
                continue
            numbers = [float(v) for m in members if isinstance(v := parser.value_of(m, col.path), (int, float))]
            if col.aggregate == "SUM":
                row[col.key] = sum(numbers)
            elif col.aggregate == "AVG":
                row[col.key] = sum(numbers) / len(numbers) if numbers else None
            elif col.aggregate == "MIN":
                row[col.key] = min(numbers, default=None)
            else:
                row[col.key] = max(numbers, default=None)
        rows.append(row)
    for path, descending in reversed(query.order_by):

        def row_key(row: dict[str, Any], p: str = path) -> tuple[int, Any]:
            return _sort_key(row.get(p))

        rows.sort(key=row_key, reverse=descending)
    return rows
