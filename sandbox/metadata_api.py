"""Users, org and settings metadata — what the SDK fetches on its own (ZOHO_API_NOTES §4.12)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from sandbox.responses import empty, zoho_error, zoho_json
from sandbox.schema import (
    MODULE_FIELDS,
    RELATED_LISTS,
    fields_payload,
    modules_payload,
    related_lists_payload,
)
from sandbox.state import SandboxState


def routes(state: SandboxState) -> list[BaseRoute]:
    store = state.store

    async def users(request: Request) -> Response:
        kind = request.query_params.get("type", "AllUsers")
        if kind == "CurrentUser":
            selected = [state.authenticate(request)]
        elif kind in ("AllUsers", "ActiveUsers", "AdminUsers", "ActiveConfirmedUsers", "ConfirmedUsers"):
            selected = [u for u in store.users if kind != "AdminUsers" or u["profile"]["name"] == "Administrator"]
        else:
            return zoho_error("INVALID_DATA", "invalid data", 400, {"param_name": "type"})
        try:
            page = max(1, int(request.query_params.get("page", "1")))
            per_page = min(200, max(1, int(request.query_params.get("per_page", "200"))))
        except ValueError:
            return zoho_error("INVALID_DATA", "invalid data", 400, {"param_name": "page"})
        chunk = selected[(page - 1) * per_page : page * per_page]
        if not chunk:
            return empty()
        more = page * per_page < len(selected)
        return zoho_json(
            {
                "users": chunk,
                "info": {"per_page": per_page, "count": len(chunk), "page": page, "more_records": more},
            }
        )

    async def user(request: Request) -> Response:
        found = store.user(request.path_params["user_id"])
        return zoho_json({"users": [found]}) if found else empty()

    async def org(request: Request) -> Response:
        return zoho_json({"org": [{k: v for k, v in store.org.items() if not k.startswith("$")}]})

    def _module(request: Request) -> str | Response:
        module = request.query_params.get("module")
        if not module:
            return zoho_error(
                "REQUIRED_PARAM_MISSING",
                "One of the expected parameter is missing",
                400,
                {"param_name": "module"},
            )
        if module not in MODULE_FIELDS:
            return zoho_error(
                "INVALID_MODULE", "the module name given seems to be invalid", 400, {"param_name": "module"}
            )
        return module

    async def fields(request: Request) -> Response:
        module = _module(request)
        if isinstance(module, Response):
            return module
        return zoho_json({"fields": fields_payload(module)})

    async def related_lists(request: Request) -> Response:
        module = _module(request)
        if isinstance(module, Response):
            return module
        if module not in RELATED_LISTS:
            return zoho_json({"related_lists": []})
        return zoho_json({"related_lists": related_lists_payload(module)})

    async def modules(request: Request) -> Response:
        return zoho_json({"modules": modules_payload()})

    async def module(request: Request) -> Response:
        name = request.path_params["module"]
        found = [m for m in modules_payload() if m["api_name"] == name]
        if not found:
            return zoho_error("INVALID_MODULE", "the module name given seems to be invalid", 400)
        return zoho_json({"modules": found})

    return [
        Route("/crm/v8/users", users, methods=["GET"]),
        Route("/crm/v8/users/{user_id}", user, methods=["GET"]),
        Route("/crm/v8/org", org, methods=["GET"]),
        Route("/crm/v8/settings/fields", fields, methods=["GET"]),
        Route("/crm/v8/settings/related_lists", related_lists, methods=["GET"]),
        Route("/crm/v8/settings/modules", modules, methods=["GET"]),
        Route("/crm/v8/settings/modules/{module}", module, methods=["GET"]),
    ]
