"""The web inbox as one ASGI app: ``create_app(ctx)``.

Every refusal is a page with its status (400 bad request, 403 refused, 404 not found or not yours, 409
decided meanwhile, 503 Zoho or the state store unreachable), never a traceback; an unexpected error is
logged (without request data) and shown as a plain 500 page.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp

from state.errors import StateStoreError
from web import account_routes, auth_routes, decision_routes, inbox_routes
from web.context import STATIC_DIR, PageError, SignInRequired, WebContext, sign_in_redirect
from web.ownership import OwnershipUnavailable
from web.security import SecurityHeaders

log = logging.getLogger(__name__)
HTTP_TITLES = {400: "Bad request", 403: "Refused", 404: "Not found", 405: "Not allowed here"}


def create_app(ctx: WebContext) -> ASGIApp:
    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            await ctx.decisions.aclose()
            await ctx.owners.aclose()
            closer = getattr(ctx.memory, "aclose", None)
            if closer is not None:
                await closer()

    routes = [
        *auth_routes.routes(ctx),
        *inbox_routes.routes(ctx),
        *decision_routes.routes(ctx),
        *account_routes.routes(ctx),
        Mount("/static", app=StaticFiles(directory=str(STATIC_DIR)), name="static"),
    ]
    app = Starlette(routes=routes, exception_handlers=_error_pages(ctx), lifespan=lifespan)
    return SecurityHeaders(app, hsts=ctx.config.secure)


def _error_pages(ctx: WebContext) -> dict[Any, Any]:
    """Every refusal as a page with its status; an unexpected error as a plain 500 page (logged)."""

    def page(request: Request, status: int, title: str, message: str) -> Response:
        return ctx.render(request, "error.html", ctx.viewer(request), status=status, title=title, message=message)

    async def page_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, PageError)
        return page(request, exc.status, exc.title, exc.message)

    async def sign_in_required(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, SignInRequired)
        return sign_in_redirect(exc.path if request.method == "GET" else "/inbox")

    async def ownership_unavailable(request: Request, exc: Exception) -> Response:
        return page(request, 503, "Zoho is not answering", str(exc))

    async def store_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StateStoreError)
        log.warning("state store: %s", exc)
        return page(request, 503, "The state store is not answering", f"{exc}. {exc.hint}")

    async def http_error(request: Request, exc: Exception) -> Response:
        status = int(getattr(exc, "status_code", 500))
        title = HTTP_TITLES.get(status, "Error")
        message = "There is no page here." if status == 404 else "This request cannot be answered."
        return page(request, status, title, message)

    async def server_error(request: Request, exc: Exception) -> Response:
        log.error("inbox page %s %s failed: %s", request.method, request.url.path, type(exc).__name__, exc_info=exc)
        return Response(
            "<!doctype html><title>Something went wrong</title><h1>Something went wrong</h1>"
            '<p>The inbox hit an unexpected error. <a href="/inbox">Reload the inbox</a> to see where your '
            "proposals stand, and tell your admin if it happens again.</p>",
            status_code=500,
            media_type="text/html",
        )

    return {
        PageError: page_error,
        SignInRequired: sign_in_required,
        OwnershipUnavailable: ownership_unavailable,
        StateStoreError: store_error,
        HTTPException: http_error,
        500: server_error,
    }
