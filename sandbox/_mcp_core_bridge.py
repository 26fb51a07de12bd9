"""Connect the MCP tools to the core's query engines (search criteria and COQL), so MCP and REST
answer the same query the same way. Core errors (`ZohoHTTPError`) become `ToolError`s."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sandbox._mcp_tools import ToolError
from sandbox.access import is_admin
from sandbox.coql import run_query
from sandbox.responses import ZohoHTTPError
from sandbox.search_rules import search_predicate, word_predicate


def search_runner(state: Any, user: dict[str, Any]) -> Callable[[str, dict[str, Any]], list[dict[str, Any]]]:
    def search(module: str, query: dict[str, Any]) -> list[dict[str, Any]]:
        try:
            predicate = search_predicate(module, query) or word_predicate("")
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
            rows, more, _ = run_query(query, store.iter_live, store.get, store.user, admin=is_admin(user))
        except ZohoHTTPError as error:
            raise ToolError(error.code, error.message, error.details) from error
        return {"data": rows, "info": {"count": len(rows), "more_records": more}}

    return execute
