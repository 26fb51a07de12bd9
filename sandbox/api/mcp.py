"""The MCP family: a Zoho-MCP-like server at ``/mcp`` (streamable HTTP answered with JSON; the JSON-RPC side is
``sandbox.mcp_endpoint``). ``POST /mcp`` takes one message or a batch: requests get a JSON answer,
notifications and responses 202; ``initialize`` returns the ``Mcp-Session-Id`` header, and an unknown
session id gets 404. ``GET /mcp`` is 405 (no server-initiated stream); ``DELETE /mcp`` ends the session.
Behind the same gate as the REST API: a token, and the scope of the endpoint each tool wraps."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from sandbox.api.family import Family
from sandbox.mcp_endpoint import INVALID_REQUEST, PARSE_ERROR, SESSION_HEADER, McpServer, rpc_error
from sandbox.state import SandboxState

MCP_PATH = "/mcp"


class McpApi(Family):
    def __init__(self, state: SandboxState) -> None:
        super().__init__(state)
        self.mcp = state.services["mcp"] = McpServer(state)

    def routes(self) -> list[BaseRoute]:
        return [
            Route(MCP_PATH, self.post, methods=["POST"]),
            Route(MCP_PATH, self.get, methods=["GET"]),
            Route(MCP_PATH, self.delete, methods=["DELETE"]),
        ]

    async def post(self, request: Request) -> Response:
        caller = self.caller(request)
        session_id = request.headers.get(SESSION_HEADER)
        if session_id and not self.mcp.sessions.known(session_id):
            return JSONResponse(rpc_error(None, INVALID_REQUEST, "Session not found"), status_code=404)
        try:
            body = json.loads(await request.body())
        except ValueError:
            return JSONResponse(rpc_error(None, PARSE_ERROR, "Parse error"), status_code=400)
        if isinstance(body, list) and not body:
            return JSONResponse(rpc_error(None, INVALID_REQUEST, "Invalid Request"), status_code=400)
        new_session: list[str] = []
        payload: Any
        if isinstance(body, list):
            answers = [self.mcp.handle(item, caller.user, new_session, caller.scopes) for item in body]
            payload = [answer for answer in answers if answer is not None] or None
        else:
            payload = self.mcp.handle(body, caller.user, new_session, caller.scopes)
        headers = {SESSION_HEADER: new_session[0]} if new_session else {}
        if payload is None:
            return Response(status_code=202, headers=headers)
        return JSONResponse(payload, headers=headers)

    async def get(self, request: Request) -> Response:
        return Response(status_code=405, headers={"Allow": "POST, DELETE"})

    async def delete(self, request: Request) -> Response:
        session_id = request.headers.get(SESSION_HEADER, "")
        return Response(status_code=200 if self.mcp.sessions.close(session_id) else 404)
