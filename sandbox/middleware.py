"""The outermost ASGI layer: faults, concurrency limit, authentication, API credits and call accounting.

It wraps the whole Starlette app (core and extension routes alike). ``/__sandbox/*`` passes straight
through; ``/oauth/*`` gets faults but no auth, limit or accounting; every other path is an API call.
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

from sandbox.credits import exhausted_body
from sandbox.faults import FaultSpec
from sandbox.responses import JSON_TYPE, ZohoHTTPError, error_body
from sandbox.state import SandboxState
from sandbox.stats import begin_request, default_credits


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
            return
        path = scope["path"]
        state = self.state
        is_api = not state.is_public(path)
        if not is_api:
            faults = state.faults.pick(path)
            if await self._apply_faults(faults, send):
                return
            await self.app(scope, receive, send)
            return

        mark = begin_request()
        label = self.endpoint_label(scope)
        status_box = [0]
        cost = default_credits(label, _query(scope))

        async def tracking_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_box[0] = int(message["status"])
                if not mark.recorded:  # counted before the client can see the reply (tests read stats right after)
                    state.stats.record(label, cost if 0 < status_box[0] < 400 else 0)
                    mark.recorded = True
            await send(message)

        if self.in_flight >= state.config.concurrency_limit:
            await send_json(
                send,
                429,
                error_body("TOO_MANY_REQUESTS", "You have exceeded the concurrency limit of your edition"),
            )
            state.stats.record(label, 0)
            return
        self.in_flight += 1
        try:
            faults = state.faults.pick(path)
            if await self._apply_faults(faults, tracking_send):
                return
            try:
                authorization = _header(scope, b"authorization")
                user = state.user_for_header(authorization)
                state.check_scopes(authorization, scope["method"], path)
            except ZohoHTTPError as exc:
                await send_json(tracking_send, exc.status, error_body(exc.code, exc.message, exc.details))
                return
            scope.setdefault("state", {})["sandbox_user"] = user
            if state.credits is not None and state.credits.exhausted():
                await send_json(tracking_send, 429, exhausted_body(state.credits.limit))
                return
            await self.app(scope, receive, tracking_send)
        finally:
            self.in_flight -= 1
            if not mark.recorded:
                state.stats.record(label, cost if 0 < status_box[0] < 400 else 0)

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
            body = b'{"data":[{"id":"64210000'
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


def _query(scope: Scope) -> dict[str, str]:
    return dict(parse_qsl(bytes(scope.get("query_string", b"")).decode("latin-1")))


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return None
