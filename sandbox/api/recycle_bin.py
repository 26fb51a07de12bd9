"""The recycle-bin family: ``GET /crm/v8/{module}/deleted`` (``type`` all|recycle|permanent, ``page``,
``per_page`` up to 200, ``If-Modified-Since``: deleted after); 204 when there is nothing; 2 credits a call
(``stats.default_credits``). Notes has no recycle bin (``module_support``)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from sandbox.api.family import Family
from sandbox.api.params import if_modified_since, int_param, invalid, page_info, record_module
from sandbox.module_support import RECYCLE_BIN_MODULES, not_supported
from sandbox.responses import empty, zoho_json

MAX_PER_PAGE = 200


class RecycleBinApi(Family):
    def routes(self) -> list[BaseRoute]:
        return [Route("/crm/v8/{module}/deleted", self.deleted, methods=["GET"])]

    async def deleted(self, request: Request) -> Response:
        module = record_module(request)
        self.caller(request)
        if module not in RECYCLE_BIN_MODULES:
            raise not_supported(module, "recycle bin", resource_path_index=0)
        kind = request.query_params.get("type") or "all"
        if kind not in ("all", "recycle", "permanent"):
            raise invalid("type")
        page, per_page = int_param(request, "page", 1), int_param(request, "per_page", MAX_PER_PAGE)
        if per_page > MAX_PER_PAGE:
            raise invalid("per_page")
        entries = [] if kind == "permanent" else self.store.deleted_records(module, since=if_modified_since(request))
        chunk = entries[(page - 1) * per_page : page * per_page]
        if not chunk:
            return empty(204)
        return zoho_json({"data": chunk, "info": page_info(per_page, len(chunk), page, page * per_page < len(entries))})
