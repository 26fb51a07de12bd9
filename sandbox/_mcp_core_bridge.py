"""Connect the MCP tools to the core's query engines (search criteria and COQL), so MCP and REST
answer the same query the same way. Core errors (`ZohoHTTPError`) become `ToolError`s."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sandbox._mcp_tools import ToolError
from sandbox.coql import run_query
from sandbox.criteria import parse_criteria
from sandbox.responses import ZohoHTTPError

EMAIL_FIELDS = ("Email", "Secondary_Email")
PHONE_FIELDS = ("Phone", "Mobile", "Home_Phone", "Other_Phone", "Fax", "Asst_Phone")

Predicate = Callable[[dict[str, Any]], bool]


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def _predicate(module: str, query: dict[str, Any]) -> Predicate:
    """criteria > email > phone > word, as the REST search applies them."""
    if query.get("criteria"):
        return parse_criteria(str(query["criteria"]), module)
    if query.get("email"):
        email = str(query["email"]).lower()
        return lambda r: any(str(r.get(f) or "").lower() == email for f in EMAIL_FIELDS)
    if query.get("phone"):
        digits = _digits(str(query["phone"]))
        return lambda r: bool(digits) and any(digits in _digits(str(r.get(f) or "")) for f in PHONE_FIELDS)
    word = str(query.get("word", "")).lower()
    return lambda r: any(isinstance(v, str) and word in v.lower() for v in r.values())


def search_runner(state: Any, user: dict[str, Any]) -> Callable[[str, dict[str, Any]], list[dict[str, Any]]]:
    def search(module: str, query: dict[str, Any]) -> list[dict[str, Any]]:
        try:
            predicate = _predicate(module, query)
        except ZohoHTTPError as error:
            raise ToolError(error.code, error.message, error.details) from error
        matched = [dict(record) for record in state.store.iter_live(module) if predicate(record)]
        return sorted(matched, key=lambda record: int(record["id"]), reverse=True)

    return search


def coql_runner(state: Any, user: dict[str, Any]) -> Callable[[str], dict[str, Any]]:
    """A callable running a COQL query through the core engine, answered like `POST /crm/v8/coql`."""
    store = state.store

    def execute(query: str) -> dict[str, Any]:
        try:
            admin = str((user.get("profile") or {}).get("name", "")).lower() == "administrator"
            rows, more, _ = run_query(query, store.iter_live, store.get, store.user, admin=admin)
        except ZohoHTTPError as error:
            raise ToolError(error.code, error.message, error.details) from error
        return {"data": rows, "info": {"count": len(rows), "more_records": more}}

    return execute
