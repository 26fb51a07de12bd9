"""``POST /crm/v8/coql`` (``{"select_query": "..."}``): rows with ``info.count`` / ``more_records``,
204 when nothing matches, credits by LIMIT (1–200: 1, 201–1000: 2, 1001–2000: 3)."""

from __future__ import annotations

import json
import re

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from sandbox.coql import run_query
from sandbox.records_api import endpoint_label
from sandbox.responses import ZohoHTTPError, empty, zoho_json
from sandbox.state import SandboxState
from sandbox.stats import coql_credits

_FROM = re.compile(r"\bfrom\s+([A-Za-z_][A-Za-z0-9_]*)", re.IGNORECASE)


def routes(state: SandboxState) -> list[BaseRoute]:
    store = state.store

    async def coql(request: Request) -> Response:
        user = state.authenticate(request)
        raw = await request.body()
        try:
            body = json.loads(raw) if raw.strip() else {}
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise ZohoHTTPError("INVALID_DATA", "body is not valid JSON", 400) from None
        text = body.get("select_query") if isinstance(body, dict) else None
        if not isinstance(text, str):
            raise ZohoHTTPError(
                "REQUIRED_PARAM_MISSING", "select_query is missing", 400, {"param_name": "select_query"}
            )
        module = _FROM.search(text)
        if module is not None:  # "User must have the scopes required to access the base module"
            state.check_scopes(request.headers.get("authorization"), "GET", f"/crm/v8/{module.group(1)}")
        rows, more, query = run_query(text, store.iter_live, store.get, store.user, admin=state.is_admin(user))
        state.stats.record(endpoint_label(request), coql_credits(query.limit))
        if not rows:
            return empty(204)
        return zoho_json({"data": rows, "info": {"count": len(rows), "more_records": more}})

    return [Route("/crm/v8/coql", coql, methods=["POST"])]
