"""The metadata family, what the SDK fetches on its own (ZOHO_API_NOTES §4.12): ``/crm/v8/settings/fields``,
``/settings/related_lists`` (both by ``?module=``), ``/settings/modules`` and ``/settings/modules/{module}``."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from sandbox.api.family import Family
from sandbox.api.params import missing_param
from sandbox.responses import ZohoHTTPError, zoho_json
from sandbox.schema import MODULE_FIELDS, RELATED_LISTS, fields_payload, modules_payload, related_lists_payload


class MetadataApi(Family):
    def routes(self) -> list[BaseRoute]:
        return [
            Route("/crm/v8/settings/fields", self.fields, methods=["GET"]),
            Route("/crm/v8/settings/related_lists", self.related_lists, methods=["GET"]),
            Route("/crm/v8/settings/modules", self.modules, methods=["GET"]),
            Route("/crm/v8/settings/modules/{module}", self.module, methods=["GET"]),
        ]

    async def fields(self, request: Request) -> Response:
        return zoho_json({"fields": fields_payload(module_param(request))})

    async def related_lists(self, request: Request) -> Response:
        module = module_param(request)
        if module not in RELATED_LISTS:
            return zoho_json({"related_lists": []})
        return zoho_json({"related_lists": related_lists_payload(module)})

    async def modules(self, request: Request) -> Response:
        return zoho_json({"modules": modules_payload()})

    async def module(self, request: Request) -> Response:
        name = request.path_params["module"]
        found = [m for m in modules_payload() if m["api_name"] == name]
        if not found:
            raise ZohoHTTPError("INVALID_MODULE", "the module name given seems to be invalid", 400)
        return zoho_json({"modules": found})


def module_param(request: Request) -> str:
    """The ``module`` query parameter: required, and a module with field metadata."""
    module = request.query_params.get("module")
    if not module:
        raise missing_param("module")
    if module not in MODULE_FIELDS:
        raise ZohoHTTPError(
            "INVALID_MODULE", "the module name given seems to be invalid", 400, {"param_name": "module"}
        )
    return module
