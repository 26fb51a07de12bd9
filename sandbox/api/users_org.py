"""The users and org family: ``GET /crm/v8/users`` (``type`` AllUsers, ActiveUsers, AdminUsers, CurrentUser,
…; paged), ``/users/{user_id}`` and ``/org`` (without the sandbox's own ``$`` keys)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from sandbox.api.family import Family
from sandbox.api.params import invalid, page_info
from sandbox.responses import empty, zoho_json

USER_LISTS = ("AllUsers", "ActiveUsers", "AdminUsers", "ActiveConfirmedUsers", "ConfirmedUsers")


class UsersOrgApi(Family):
    def routes(self) -> list[BaseRoute]:
        return [
            Route("/crm/v8/users", self.users, methods=["GET"]),
            Route("/crm/v8/users/{user_id}", self.user, methods=["GET"]),
            Route("/crm/v8/org", self.org, methods=["GET"]),
        ]

    async def users(self, request: Request) -> Response:
        kind = request.query_params.get("type", "AllUsers")
        if kind == "CurrentUser":
            selected = [self.caller(request).user]
        elif kind in USER_LISTS:
            admins_only = kind == "AdminUsers"
            selected = [u for u in self.store.users if not admins_only or u["profile"]["name"] == "Administrator"]
        else:
            raise invalid("type")
        try:
            page = max(1, int(request.query_params.get("page", "1")))
            per_page = min(200, max(1, int(request.query_params.get("per_page", "200"))))
        except ValueError:
            raise invalid("page") from None
        chunk = selected[(page - 1) * per_page : page * per_page]
        if not chunk:
            return empty()
        return zoho_json(
            {"users": chunk, "info": page_info(per_page, len(chunk), page, page * per_page < len(selected))}
        )

    async def user(self, request: Request) -> Response:
        found = self.store.user(request.path_params["user_id"])
        return zoho_json({"users": [found]}) if found else empty()

    async def org(self, request: Request) -> Response:
        return zoho_json({"org": [{k: v for k, v in self.store.org.items() if not k.startswith("$")}]})
