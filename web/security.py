"""Headers every answer carries, the CSRF check every state-changing request passes, and an access log that
never writes a query string (the OAuth callback's ``code`` and ``state`` live there).

Content-Security-Policy: scripts and styles only from this origin (no inline script, no eval), no frames,
forms post only here, no plugins. HSTS when the public URL is https.
"""

from __future__ import annotations

import logging
import secrets
import time
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("sergas.web")

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
BASE_HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=()",
}


class CsrfRefused(Exception):
    """A state-changing request without this session's CSRF token, or from another site."""


def check_csrf(*, expected: str, given: object, origin_header: str | None, our_origin: str) -> None:
    """Raise ``CsrfRefused`` unless ``given`` is the session's token and the request comes from our origin
    (browsers send ``Origin`` on POST; when it is there it must be ours)."""
    if not isinstance(given, str) or not given or not secrets.compare_digest(given, expected):
        raise CsrfRefused("the form's security token is missing or stale")
    if origin_header and origin_header != "null":
        parts = urlsplit(origin_header)
        if f"{parts.scheme}://{parts.netloc}".lower() != our_origin.lower():
            raise CsrfRefused("the request came from another site")


class SecurityHeaders:
    """ASGI middleware: security headers on every answer, no caching of pages, a query-free access log."""

    def __init__(self, app: ASGIApp, *, hsts: bool) -> None:
        self.app = app
        self.headers = [(k.encode(), v.encode()) for k, v in BASE_HEADERS.items()]
        if hsts:
            self.headers.append((b"strict-transport-security", b"max-age=31536000"))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = [0]
        static = scope["path"].startswith("/static/")

        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = int(message["status"])
                headers = [h for h in message.get("headers", []) if h[0].lower() != b"cache-control" or static]
                present = {h[0].lower() for h in headers}
                headers.extend(h for h in self.headers if h[0] not in present)  # a page may set a stricter CSP
                if not static:
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, wrapped)
        finally:
            log.info(
                "%s %s %s %.1f ms", scope["method"], scope["path"], status[0], (time.perf_counter() - started) * 1000
            )
