"""A Zoho-MCP-like server at `/mcp`: streamable-HTTP MCP with JSON responses, written by hand.

Why by hand: the subset a client needs is four JSON-RPC methods, and answering them directly keeps
the endpoint inside the sandbox's own middleware (same `Authorization: Zoho-oauthtoken|Bearer`
check, faults, accounting) with no second lifespan or session task group to run. The streamable
HTTP spec allows a server to answer a POST with `application/json` instead of an SSE stream.

- `POST /mcp`: one JSON-RPC message or a batch. Requests get a JSON answer; notifications and
  responses get 202. `initialize` opens a session and returns its `Mcp-Session-Id` header; later
  requests may echo it (an unknown id gets 404, as the spec asks).
- `GET /mcp`: 405 (no server-initiated SSE stream). `DELETE /mcp`: ends the session.

Methods: `initialize`, `notifications/initialized`, `ping`, `tools/list`, `tools/call`. Anything
else (including the 2026 `server/discover` probe) is -32601, so clients fall back to `initialize`.
Tool calls are counted in the sandbox stats as `MCP <tool>`. Tools take the hosted server's wrapped
arguments (`path_variables`, `query_params`, `body`) and need the scope of the REST endpoint they wrap.
"""

from __future__ import annotations

import json
import threading
import uuid
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from sandbox._ext_support import authenticate, extension, record_stat, register_extension
from sandbox._mcp_core_bridge import coql_runner, search_runner
from sandbox._mcp_tools import TOOLS, TOOLS_BY_NAME, ToolContext, ToolError

MCP_PATH = "/mcp"
SESSION_HEADER = "Mcp-Session-Id"
SUPPORTED_VERSIONS = ("2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25")
DEFAULT_VERSION = "2025-06-18"
SERVER_INFO = {"name": "ZohoCRM", "title": "Zoho CRM (sandbox)", "version": "1.0.0"}
INSTRUCTIONS = (
    "Zoho CRM tools over the sandbox org. Results are Zoho REST JSON. Writes change the CRM: "
    "use them only for approved changes."
)

PARSE_ERROR, INVALID_REQUEST, METHOD_NOT_FOUND, INVALID_PARAMS = -32700, -32600, -32601, -32602


class SessionRegistry:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sessions: dict[str, str] = {}

    def open(self, protocol_version: str) -> str:
        session_id = uuid.uuid4().hex
        with self._lock:
            self._sessions[session_id] = protocol_version
        return session_id

    def known(self, session_id: str) -> bool:
        with self._lock:
            return session_id in self._sessions

    def close(self, session_id: str) -> bool:
        with self._lock:
            return self._sessions.pop(session_id, None) is not None


def _error(message_id: Any, code: int, message: str) -> dict[str, Any]:
    return {"jsonrpc": "2.0", "id": message_id, "error": {"code": code, "message": message}}


def _result(message_id: Any, result: dict[str, Any]) -> dict[str, Any]:
    return {"jsonrpc": "2.0", "id": message_id, "result": result}


class McpServer:
    """Dispatches JSON-RPC messages for one sandbox."""

    def __init__(self, state: Any) -> None:
        self.state = state
        self.sessions = SessionRegistry()

    def tool_context(self, user: dict[str, Any], scopes: tuple[str, ...] | None = None) -> ToolContext:
        return ToolContext(
            store=self.state.store,
            user=user,
            coql=coql_runner(self.state, user),
            search=search_runner(self.state, user),
            scopes=scopes,
        )

    def handle(
        self, message: Any, user: dict[str, Any], new_session: list[str], scopes: tuple[str, ...] | None = None
    ) -> dict[str, Any] | None:
        """Answer one message; None for notifications and responses."""
        if not isinstance(message, dict) or message.get("jsonrpc") != "2.0":
            return _error(message.get("id") if isinstance(message, dict) else None, INVALID_REQUEST, "Invalid Request")
        method = message.get("method")
        if "id" not in message or not isinstance(method, str):
            return None  # a notification (e.g. notifications/initialized) or a client response
        message_id = message["id"]
        params = message.get("params") or {}
        if method == "initialize":
            requested = str(params.get("protocolVersion", ""))
            version = requested if requested in SUPPORTED_VERSIONS else DEFAULT_VERSION
            new_session.append(self.sessions.open(version))
            record_stat(self.state, "MCP initialize", 0)
            return _result(
                message_id,
                {
                    "protocolVersion": version,
                    "capabilities": {"tools": {"listChanged": False}},
                    "serverInfo": SERVER_INFO,
                    "instructions": INSTRUCTIONS,
                },
            )
        if method == "ping":
            return _result(message_id, {})
        if method == "tools/list":
            record_stat(self.state, "MCP tools/list", 0)
            return _result(message_id, {"tools": [tool.describe() for tool in TOOLS]})
        if method == "tools/call":
            return self._call_tool(message_id, params, user, scopes)
        return _error(message_id, METHOD_NOT_FOUND, f"Method not found: {method}")

    def _call_tool(
        self, message_id: Any, params: dict[str, Any], user: dict[str, Any], scopes: tuple[str, ...] | None
    ) -> dict[str, Any]:
        name = params.get("name")
        tool = TOOLS_BY_NAME.get(name) if isinstance(name, str) else None
        if tool is None:
            return _error(message_id, INVALID_PARAMS, f"Unknown tool: {name}")
        arguments = params.get("arguments") or {}
        if not isinstance(arguments, dict):
            return _error(message_id, INVALID_PARAMS, "arguments must be an object")
        try:
            payload, is_error = tool.run(self.tool_context(user, scopes), arguments), False
        except ToolError as error:
            payload, is_error = error.envelope(), True
        record_stat(self.state, f"MCP {tool.name}", tool.credits(arguments) if not is_error else 0)
        text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        return _result(message_id, {"content": [{"type": "text", "text": text}], "isError": is_error})


def server(state: Any) -> McpServer:
    existing: McpServer | None = extension(state, "mcp")
    if existing is None:
        existing = register_extension(state, "mcp", McpServer(state))
    return existing


def routes(state: Any) -> list[BaseRoute]:
    mcp = server(state)

    async def post(request: Request) -> Response:
        user, denied = await authenticate(state, request)
        if denied is not None:
            return denied
        assert user is not None
        session_id = request.headers.get(SESSION_HEADER)
        if session_id and not mcp.sessions.known(session_id):
            return JSONResponse(_error(None, INVALID_REQUEST, "Session not found"), status_code=404)
        try:
            body = json.loads(await request.body())
        except ValueError:
            return JSONResponse(_error(None, PARSE_ERROR, "Parse error"), status_code=400)
        new_session: list[str] = []
        token = (request.headers.get("authorization") or "").strip().partition(" ")[2].strip()
        scopes = state.tokens.scopes_of(token)
        if isinstance(body, list):
            if not body:
                return JSONResponse(_error(None, INVALID_REQUEST, "Invalid Request"), status_code=400)
            answers = [answer for item in body if (answer := mcp.handle(item, user, new_session, scopes)) is not None]
            payload: Any = answers or None
        else:
            payload = mcp.handle(body, user, new_session, scopes)
        headers = {SESSION_HEADER: new_session[0]} if new_session else {}
        if payload is None:
            return Response(status_code=202, headers=headers)
        return JSONResponse(payload, headers=headers)

    async def get(request: Request) -> Response:
        return Response(status_code=405, headers={"Allow": "POST, DELETE"})

    async def delete(request: Request) -> Response:
        session_id = request.headers.get(SESSION_HEADER, "")
        return Response(status_code=200 if mcp.sessions.close(session_id) else 404)

    return [
        Route(MCP_PATH, post, methods=["POST"]),
        Route(MCP_PATH, get, methods=["GET"]),
        Route(MCP_PATH, delete, methods=["DELETE"]),
    ]
