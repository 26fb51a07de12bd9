"""The names of the tools a remote (Zoho hosted) MCP server offers, listed with plain JSON-RPC over
streamable HTTP (``initialize``, then ``tools/list`` page by page; the answer may be JSON or an SSE
stream). The agents switch off every tool of it but the Data Scout's named read tools, so that none of
the server's large schemas rides along in a request. Listed once per process and URL.
"""

from __future__ import annotations

import json
import threading
from typing import Any

import httpx

from integrations.zoho.errors import ZohoUnavailableError

PROTOCOL_VERSION = "2025-06-18"
_CACHE: dict[str, tuple[str, ...]] = {}
_LOCK = threading.Lock()


def _answer(response: httpx.Response) -> dict[str, Any]:
    """The JSON-RPC answer in a JSON body or in the ``data:`` lines of an SSE body."""
    if response.status_code >= 400:
        raise ZohoUnavailableError(f"the MCP server answered HTTP {response.status_code}", tier="mcp")
    text = response.text
    if "text/event-stream" in response.headers.get("content-type", ""):
        for line in text.splitlines():
            if line.startswith("data:") and '"id"' in line:
                text = line[5:].strip()
                break
    try:
        body = json.loads(text)
    except ValueError:
        raise ZohoUnavailableError("the MCP server's answer is not JSON-RPC", tier="mcp") from None
    if not isinstance(body, dict) or "result" not in body:
        raise ZohoUnavailableError(f"the MCP server refused to list its tools: {str(body)[:200]}", tier="mcp")
    result = body["result"]
    return result if isinstance(result, dict) else {}


def list_remote_tools(url: str, auth_header: str | None, *, timeout: float = 5.0) -> tuple[str, ...]:
    """Every tool name the server offers. Raises ``ZohoUnavailableError`` when it cannot be listed."""
    with _LOCK:
        if url in _CACHE:
            return _CACHE[url]
    headers = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}
    if auth_header:
        headers["Authorization"] = auth_header
    init = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {
            "protocolVersion": PROTOCOL_VERSION,
            "capabilities": {},
            "clientInfo": {"name": "sergas-catalog", "version": "1"},
        },
    }
    names: list[str] = []
    try:
        with httpx.Client(timeout=timeout, headers=headers) as http:
            opened = http.post(url, json=init)
            _answer(opened)
            session = opened.headers.get("mcp-session-id")
            if session:
                http.headers["Mcp-Session-Id"] = session
            http.post(url, json={"jsonrpc": "2.0", "method": "notifications/initialized"})
            cursor: str | None = None
            for page in range(1, 100):
                params = {"cursor": cursor} if cursor else {}
                listed = _answer(
                    http.post(url, json={"jsonrpc": "2.0", "id": 1 + page, "method": "tools/list", "params": params})
                )
                names.extend(str(t["name"]) for t in listed.get("tools") or [] if isinstance(t, dict) and t.get("name"))
                cursor = listed.get("nextCursor")
                if not cursor:
                    break
            if session:
                http.delete(url)
    except httpx.HTTPError as exc:
        raise ZohoUnavailableError(f"the MCP server could not be reached ({type(exc).__name__})", tier="mcp") from None
    found = tuple(dict.fromkeys(names))
    with _LOCK:
        _CACHE[url] = found
    return found
