"""The COQL family: ``POST /crm/v8/coql`` (``{"select_query": "..."}``) answers rows with ``info.count`` /
``more_records``, 204 when nothing matches; credits by LIMIT (1-200: 1, 201-1000: 2, 1001-2000: 3). The caller
needs the scope of the query's base module too, and the Administrator profile for Notes (``sandbox.coql``)."""

from __future__ import annotations

import json
import re

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from sandbox.api.family import Family
from sandbox.coql import run_query
from sandbox.responses import ZohoHTTPError, empty, zoho_json
from sandbox.stats import coql_credits

_FROM = re.compile(r"\bfrom\s+([A-Za-z_][A-Za-z0-9_]*)", re.IGNORECASE)


class CoqlApi(Family):
    def routes(self) -> list[BaseRoute]:
        return [Route("/crm/v8/coql", self.coql, methods=["POST"])]

    async def coql(self, request: Request) -> Response:
        caller = self.caller(request)
        text = await select_query(request)
        module = _FROM.search(text)
        if module is not None:  # "User must have the scopes required to access the base module"
            caller.require_scopes("GET", f"/crm/v8/{module.group(1)}")
        store = self.store
        rows, more, query = run_query(text, store.iter_live, store.get, store.user, admin=caller.is_admin)
        self.charge(request, coql_credits(query.limit))
        if not rows:
            return empty(204)
        return zoho_json({"data": rows, "info": {"count": len(rows), "more_records": more}})


async def select_query(request: Request) -> str:
    """The body's ``select_query``; Zoho's 400 when the body is not JSON or has none."""
    raw = await request.body()
    try:
        body = json.loads(raw) if raw.strip() else {}
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise ZohoHTTPError("INVALID_DATA", "body is not valid JSON", 400) from None
    text = body.get("select_query") if isinstance(body, dict) else None
    if not isinstance(text, str):
        raise ZohoHTTPError("REQUIRED_PARAM_MISSING", "select_query is missing", 400, {"param_name": "select_query"})
    return text
