"""The accounts server's token endpoints: ``POST /oauth/v2/token`` (refresh or grant-code exchange; failures
are HTTP 200 with ``{"error": ...}``, as Zoho answers) and ``POST /oauth/v2/token/revoke``. Public: no gate."""

from __future__ import annotations

from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from sandbox.api.family import Family
from sandbox.responses import zoho_json


async def form_params(request: Request) -> dict[str, str]:
    """Form body (whatever its Content-Type says) merged over the query string."""
    params = dict(request.query_params)
    body = (await request.body()).decode("utf-8", "replace")
    if body and not body.lstrip().startswith("{"):
        params.update(dict(parse_qsl(body, keep_blank_values=True)))
    return params


class OAuthApi(Family):
    def routes(self) -> list[BaseRoute]:
        return [
            Route("/oauth/v2/token", self.token, methods=["POST"]),
            Route("/oauth/v2/token/revoke", self.revoke, methods=["POST"]),
        ]

    async def token(self, request: Request) -> Response:
        payload = self.state.tokens.grant(await form_params(request))
        if "access_token" in payload:
            payload = {**payload, "api_domain": self.state.base_url}
        return zoho_json(payload)

    async def revoke(self, request: Request) -> Response:
        params = await form_params(request)
        self.state.tokens.revoke(params.get("token", ""))
        return zoho_json({"status": "success"})
