"""The search family: ``GET /crm/v8/{module}/search`` by ``criteria``, ``email``, ``phone`` or ``word``
(``sandbox.search_rules``), page-numbered up to the 2,000th match (no page token), 204 when nothing matches.
Besides the module's scope it needs ``ZohoSearch.securesearch.READ`` (checked by the gate, ``sandbox.scopes``)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from sandbox.api.family import Family
from sandbox.api.params import (
    DISCRETE_LIMIT,
    MAX_PER_PAGE,
    fields_param,
    int_param,
    missing_param,
    project,
    record_module,
    sorted_records,
)
from sandbox.responses import ZohoHTTPError, empty, zoho_json
from sandbox.search_rules import search_predicate


class SearchApi(Family):
    def routes(self) -> list[BaseRoute]:
        return [Route("/crm/v8/{module}/search", self.search, methods=["GET"])]

    async def search(self, request: Request) -> Response:
        module = record_module(request)
        self.caller(request)
        predicate = search_predicate(module, request.query_params)
        if predicate is None:
            raise missing_param("criteria")
        per_page = min(MAX_PER_PAGE, int_param(request, "per_page", MAX_PER_PAGE))
        page = int_param(request, "page", 1)
        if page * per_page > DISCRETE_LIMIT:
            raise ZohoHTTPError(
                "LIMIT_REACHED", "Maximum response iteration limit reached", 400, {"limit": DISCRETE_LIMIT}
            )
        matches = [r for r in self.store.iter_live(module) if predicate(r)]
        matches, sort_by, sort_order = sorted_records(request, matches)
        offset = (page - 1) * per_page
        chunk = matches[offset : offset + per_page]
        if not chunk:
            return empty(204)
        fields = fields_param(request, False)
        info = {
            "per_page": per_page,
            "count": len(chunk),
            "page": page,
            "sort_by": sort_by,
            "sort_order": sort_order,
            "more_records": offset + per_page < min(len(matches), DISCRETE_LIMIT),
        }
        return zoho_json({"data": [project(module, r, fields) for r in chunk], "info": info})
