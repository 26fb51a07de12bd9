"""Routes of the accounts server: ``POST /oauth/v2/token`` and ``POST /oauth/v2/token/revoke``."""

from __future__ import annotations

from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from sandbox.responses import zoho_json
from sandbox.state import SandboxState


async def _params(request: Request) -> dict[str, str]:
    """Form body (whatever its Content-Type says) merged over the query string."""
    params = dict(request.query_params)
    body = (await request.body()).decode("utf-8", "replace")
    if body and not body.lstrip().startswith("{"):
        params.update(dict(parse_qsl(body, keep_blank_values=True)))
    return params


def routes(state: SandboxState) -> list[BaseRoute]:
    async def token(request: Request) -> Response:
        payload = state.tokens.grant(await _params(request))
        if "access_token" in payload:
            payload = {**payload, "api_domain": state.base_url}
        return zoho_json(payload)

    async def revoke(request: Request) -> Response:
        params = await _params(request)
        state.tokens.revoke(params.get("token", ""))
        return zoho_json({"status": "success"})

    return [
        Route("/oauth/v2/token", token, methods=["POST"]),
        Route("/oauth/v2/token/revoke", revoke, methods=["POST"]),
    ]
