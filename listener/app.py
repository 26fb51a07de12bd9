"""The HTTP face of the listener (Starlette). Two routes, nothing else:

- ``POST /zoho/notify``: a Zoho callback. Wrong or missing token → 403 (logged without the token, counted);
  otherwise it is stored in the persisted queue *before* the 200 goes back.
- ``GET /health``: queue depth, channels and their expiry, last callback, reviews and budget today.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable
from typing import Any

from pydantic import ValidationError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from listener.callback_queue import CallbackQueue, IncomingCallback
from listener.intake import GroupCommitIntake
from listener.ledger import DailyLedger
from listener.models import Health, Notification
from listener.verification_token import token_matches

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 1_000_000  # a callback names at most a few hundred ids


async def _read_capped(request: Request) -> bytes | None:
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def create_app(
    queue: CallbackQueue,
    ledger: DailyLedger,
    *,
    token: str,
    health: Callable[[], Health],
    on_queued: Callable[[], None] = lambda: None,
    clock: Callable[[], float] = time.time,
) -> Starlette:
    """Build the ASGI app. ``on_queued`` wakes the worker; ``health`` builds the /health answer."""
    intake = GroupCommitIntake(queue)

    async def notify(request: Request) -> Response:
        raw = await _read_capped(request)
        if raw is None:
            return JSONResponse({"error": "callback too large"}, status_code=413)
        try:
            data: Any = json.loads(raw) if raw else None
        except ValueError:
            data = None
        given = data.get("token") if isinstance(data, dict) else None
        if not token_matches(token, given):
            await asyncio.to_thread(ledger.record_refused)
            client = request.client.host if request.client else "?"
            log.warning(
                "refused a Zoho callback from %s: %s verification token", client, "missing" if not given else "wrong"
            )
            return JSONResponse({"error": "forbidden"}, status_code=403)
        try:
            notification = Notification.model_validate(data)
        except ValidationError:
            log.warning("a callback with a valid token had an unexpected shape; not queued")
            return JSONResponse({"error": "malformed callback"}, status_code=400)
        item = IncomingCallback(
            body=notification.without_token(),
            module=notification.module,
            operation=notification.operation,
            received_at=clock(),
        )
        try:
            await intake.put(item)
        except Exception as exc:  # not persisted: Zoho must deliver it again
            log.error("could not queue a callback: %s: %s", type(exc).__name__, exc)
            return JSONResponse({"error": "could not queue the callback"}, status_code=503)
        on_queued()
        return JSONResponse({"status": "queued"})

    async def health_route(request: Request) -> Response:
        report = await asyncio.to_thread(health)
        return JSONResponse(report.model_dump(mode="json"))

    return Starlette(
        routes=[
            Route("/zoho/notify", notify, methods=["POST"]),
            Route("/health", health_route, methods=["GET"]),
        ]
    )
