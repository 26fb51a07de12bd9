"""The HTTP face of the listener (Starlette). Two routes, nothing else:

- ``POST /zoho/notify``: a Zoho callback. Every refusal is a counted 4xx, logged without the body or the
  token (``listener.callback_guard``): not JSON or nested too deeply → 400; wrong or missing token → 403;
  a wrong shape (unwatched module, more than 100 ids, ids that are not Zoho's) → 400; a channel the
  listener does not hold → 403; over the per-channel rate → 429; over 256 KB → 413. A duplicate within
  the window is answered 200 and dropped. Otherwise it is stored in the persisted queue *before* the
  200 goes back.
- ``GET /health``: queue depth, channels and their expiry, last callback, reviews and budget today.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

from pydantic import ValidationError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from listener.callback_guard import CallbackGuard, Refused, channels_in, parse_body
from listener.callback_queue import CallbackQueue, IncomingCallback
from listener.intake import GroupCommitIntake
from listener.ledger import DailyLedger
from listener.models import Health, Notification
from listener.verification_token import token_matches

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 256_000  # a callback names at most 100 ids (listener.callback_guard), with their fields
_ERRORS = {400: "malformed callback", 403: "forbidden", 413: "callback too large", 429: "too many callbacks"}


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
    notify = _NotifyRoute(queue, ledger, token=token, on_queued=on_queued, clock=clock)

    async def health_route(request: Request) -> Response:
        report = await asyncio.to_thread(health)
        return JSONResponse(report.model_dump(mode="json"))

    return Starlette(
        routes=[
            Route("/zoho/notify", notify.notify, methods=["POST"]),
            Route("/health", health_route, methods=["GET"]),
        ]
    )


class _NotifyRoute:
    """POST /zoho/notify: check a callback (size, shape, token, channel, duplicate), then queue it durably."""

    def __init__(
        self,
        queue: CallbackQueue,
        ledger: DailyLedger,
        *,
        token: str,
        on_queued: Callable[[], None],
        clock: Callable[[], float],
    ) -> None:
        self.ledger, self.token, self.on_queued, self.clock = ledger, token, on_queued, clock
        self.intake = GroupCommitIntake(queue)
        self.guard = CallbackGuard(lambda: channels_in(queue.get_meta("channels")))

    async def refuse(self, request: Request, status: int, reason: str) -> Response:
        await asyncio.to_thread(self.ledger.record_refused)
        client = request.client.host if request.client else "?"
        log.warning("refused a Zoho callback from %s: %s", client, reason)
        return JSONResponse({"error": _ERRORS.get(status, "refused")}, status_code=status)

    async def admitted(self, request: Request) -> Notification | Response:
        """The callback as a fresh notification, or the answer that refuses it (or drops a duplicate)."""
        raw = await _read_capped(request)
        if raw is None:
            return await self.refuse(request, 413, "callback too large")
        try:
            data = parse_body(raw) if raw else None
        except Refused as exc:
            return await self.refuse(request, exc.status, exc.reason)
        given = data.get("token") if isinstance(data, dict) else None
        if not token_matches(self.token, given):
            return await self.refuse(request, 403, f"{'missing' if not given else 'wrong'} verification token")
        try:
            notification = Notification.model_validate(data)
            fresh = await asyncio.to_thread(self.guard.admit, notification)
        except (ValidationError, TypeError, ValueError):  # a validator may raise TypeError on odd input
            return await self.refuse(request, 400, "a callback with a valid token had an unexpected shape; not queued")
        except Refused as exc:
            return await self.refuse(request, exc.status, exc.reason)
        if not fresh:
            log.info("dropped a duplicate Zoho callback (same channel, time and ids within the window)")
            return JSONResponse({"status": "duplicate"})
        return notification

    async def notify(self, request: Request) -> Response:
        notification = await self.admitted(request)
        if isinstance(notification, Response):
            return notification
        item = IncomingCallback(
            body=notification.without_token(),
            module=notification.module,
            operation=notification.operation,
            received_at=self.clock(),
        )
        try:
            await self.intake.put(item)
        except Exception as exc:  # not persisted: Zoho must deliver it again
            log.error("could not queue a callback: %s: %s", type(exc).__name__, exc)
            return JSONResponse({"error": "could not queue the callback"}, status_code=503)
        self.on_queued()
        return JSONResponse({"status": "queued"})
