"""The outermost ASGI layer: faults, concurrency limit, the authentication gate, API credits and accounting.

It wraps the whole Starlette app (every API family). ``/__sandbox/*`` passes straight through; ``/oauth/*``
gets faults but no auth, limit or accounting; every other path is an API call, in this order: the edition's
concurrency limit (429), faults, the gate (``SandboxState.admit``: token and scopes, 401; the admitted
``Caller`` rides on the request for the handlers, ``sandbox.access``), the org's exhausted credits (429,
``sandbox.credits``), then the handler. A call is charged when it is answered: by its handler when it knows
the cost (``Stats.record``), else here (``default_credits``; nothing for an error status).
Being outermost, it receives the server's own ``send`` and can really drop a connection.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Sequence
from email.utils import format_datetime
from typing import Any
from urllib.parse import parse_qsl

from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sandbox.access import CALLER_KEY
from sandbox.credits import exhausted_body
from sandbox.faults import FaultSpec
from sandbox.responses import JSON_TYPE, ZohoHTTPError, error_body
from sandbox.state import SandboxState
from sandbox.stats import Stats, begin_request, default_credits

PAYLOAD_TOO_SHORT = b'{"data":[{"id":"64210000'  # the "malformed" fault: a JSON body cut short


async def send_json(send: Send, status: int, payload: Any) -> None:
    body = json.dumps(payload, separators=(",", ":")).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", JSON_TYPE.encode()), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def drop_connection(send: Send) -> None:
    """Close the socket without answering. uvicorn's ``send`` is a bound method of the request cycle,
    whose ``transport`` we abort; otherwise start a response and raise so the server closes it."""
    transport = getattr(getattr(send, "__self__", None), "transport", None)
    if transport is not None:
        transport.abort()
        for _ in range(3):
            await asyncio.sleep(0)
        return
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", JSON_TYPE.encode()), (b"content-length", b"4096")],
        }
    )
    raise ConnectionAbortedError("sandbox fault: connection dropped")


class SandboxMiddleware:
    def __init__(self, app: ASGIApp, state: SandboxState, routes: Callable[[], Sequence[BaseRoute]]) -> None:
        self.app = app
        self.state = state
        self._routes = routes
        self.in_flight = 0

    def endpoint_label(self, scope: Scope) -> str:
        """``"GET /crm/v8/{module}"``: the method and the matching route's path template."""
        for route in self._routes():
            match, _ = route.matches(scope)
            if match == Match.FULL:
                return f"{scope['method']} {getattr(route, 'path', scope['path'])}"
        return f"{scope['method']} {scope['path']}"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            send = self._dated(send)
        if scope["type"] != "http" or scope["path"].startswith("/__sandbox"):
            await self.app(scope, receive, send)
        elif self.state.is_public(scope["path"]):
            if not await self._apply_faults(self.state.faults.pick(scope["path"]), send):
                await self.app(scope, receive, send)
        else:
            await self._api_call(scope, receive, send)

    async def _api_call(self, scope: Scope, receive: Receive, send: Send) -> None:
        """One API call: concurrency limit, faults, the gate, credits, the handler; charged once."""
        label = self.endpoint_label(scope)
        meter = _CallMeter(self.state.stats, label, default_credits(label, _query(scope)), send)
        if self.in_flight >= self.state.config.concurrency_limit:
            message = "You have exceeded the concurrency limit of your edition"
            await send_json(send, 429, error_body("TOO_MANY_REQUESTS", message))
            self.state.stats.record(label, 0)
            return
        self.in_flight += 1
        try:
            if not await self._apply_faults(self.state.faults.pick(scope["path"]), meter.send):
                await self._admitted(scope, receive, meter.send)
        finally:
            self.in_flight -= 1
            meter.settle()

    async def _admitted(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The gate (token and scopes) and the org's credits, then the handler with the caller on the request."""
        state = self.state
        try:
            caller = state.admit(_header(scope, b"authorization"), scope["method"], scope["path"])
        except ZohoHTTPError as exc:
            await send_json(send, exc.status, error_body(exc.code, exc.message, exc.details))
            return
        scope.setdefault("state", {})[CALLER_KEY] = caller
        if state.credits is not None and state.credits.exhausted():
            await send_json(send, 429, exhausted_body(state.credits.limit))
            return
        await self.app(scope, receive, send)

    def _dated(self, send: Send) -> Send:
        """Every answer carries ``Date`` by the sandbox clock (Zoho's clock, which clients may compare)."""
        clock = self.state.clock

        async def dated_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"date"]
                headers.append((b"date", format_datetime(clock(), usegmt=True).encode()))
                message = {**message, "headers": headers}
            await send(message)

        dated_send.__self__ = getattr(send, "__self__", None)  # type: ignore[attr-defined]
        return dated_send

    async def _apply_faults(self, faults: list[FaultSpec], send: Send) -> bool:
        """Sleep for latency faults; answer a failure fault. True when the request was answered."""
        for fault in faults:
            if fault.kind == "latency":
                await asyncio.sleep(fault.latency_ms / 1000)
        failure = next((f for f in faults if f.kind != "latency"), None)
        if failure is None:
            return False
        if failure.kind == "429":
            await send_json(
                send, 429, error_body("TOO_MANY_REQUESTS", "You have reached the maximum API calls allowed")
            )
        elif failure.kind == "500":
            await send_json(send, 500, error_body("INTERNAL_ERROR", "Internal Server Error"))
        elif failure.kind == "malformed":
            body = PAYLOAD_TOO_SHORT
            await send(
                {
                    "type": "http.response.start",
                    "status": 200,
                    "headers": [
                        (b"content-type", JSON_TYPE.encode()),
                        (b"content-length", str(len(body)).encode()),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": body})
        elif failure.kind == "drop":
            await drop_connection(send)
        return True


class _CallMeter:
    """Charges one API call once: when its answer starts (tests read the stats right after), or when it ends
    unanswered; the handler's own charge (``Stats.record`` during the call) takes the place of this one."""

    def __init__(self, stats: Stats, label: str, cost: int, send: Send) -> None:
        self.stats = stats
        self.label = label
        self.cost = cost
        self.status = 0
        self._send = send
        self._mark = begin_request()

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status = int(message["status"])
            self.settle()
        await self._send(message)

    def settle(self) -> None:
        if not self._mark.recorded:
            self.stats.record(self.label, self.cost if 0 < self.status < 400 else 0)
            self._mark.recorded = True


def _query(scope: Scope) -> dict[str, str]:
    return dict(parse_qsl(bytes(scope.get("query_string", b"")).decode("latin-1")))


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return None
