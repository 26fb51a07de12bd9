"""A Zoho-MCP-like server: the JSON-RPC side of streamable-HTTP MCP, written by hand, served by the MCP
family (``sandbox.api.mcp``) at `/mcp` with JSON responses.

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

from sandbox._mcp_core_bridge import coql_runner, search_runner
from sandbox._mcp_tools import TOOLS, TOOLS_BY_NAME, ToolContext, ToolError

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


def rpc_error(message_id: Any, code: int, message: str) -> dict[str, Any]:
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
            return rpc_error(
                message.get("id") if isinstance(message, dict) else None, INVALID_REQUEST, "Invalid Request"
            )
        method = message.get("method")
        if "id" not in message or not isinstance(method, str):
            return None  # a notification (e.g. notifications/initialized) or a client response
        message_id = message["id"]
        params = message.get("params") or {}
        if method == "initialize":
            requested = str(params.get("protocolVersion", ""))
            version = requested if requested in SUPPORTED_VERSIONS else DEFAULT_VERSION
            new_session.append(self.sessions.open(version))
            self.state.stats.record("MCP initialize", 0)
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
            self.state.stats.record("MCP tools/list", 0)
            return _result(message_id, {"tools": [tool.describe() for tool in TOOLS]})
        if method == "tools/call":
            return self._call_tool(message_id, params, user, scopes)
        return rpc_error(message_id, METHOD_NOT_FOUND, f"Method not found: {method}")

    def _call_tool(
        self, message_id: Any, params: dict[str, Any], user: dict[str, Any], scopes: tuple[str, ...] | None
    ) -> dict[str, Any]:
        name = params.get("name")
        tool = TOOLS_BY_NAME.get(name) if isinstance(name, str) else None
        if tool is None:
            return rpc_error(message_id, INVALID_PARAMS, f"Unknown tool: {name}")
        arguments = params.get("arguments") or {}
        if not isinstance(arguments, dict):
            return rpc_error(message_id, INVALID_PARAMS, "arguments must be an object")
        try:
            payload, is_error = tool.run(self.tool_context(user, scopes), arguments), False
        except ToolError as error:
            payload, is_error = error.envelope(), True
        self.state.stats.record(f"MCP {tool.name}", tool.credits(arguments) if not is_error else 0)
        text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        return _result(message_id, {"content": [{"type": "text", "text": text}], "isError": is_error})
