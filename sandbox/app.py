"""Assemble the sandbox's ASGI app: core routes, optional extension modules, Zoho-style errors.

Extensions (``sandbox.bulk``, ``sandbox.notifications``, ``sandbox.mcp_endpoint``, ``sandbox.attachments``,
``sandbox.authorize_api``, ``sandbox.web_ui_api``) each expose ``routes(state) -> list[BaseRoute]`` and optionally
``startup(state)`` / ``shutdown(state)`` (sync or async). A module that is not importable is skipped.
Extension routes are matched before the generic ``/crm/v8/{module}/...`` routes, and the outer
``SandboxMiddleware`` (faults, auth, limits, accounting) applies to them too.
"""

from __future__ import annotations

import contextlib
import importlib
import inspect
import logging
from collections.abc import AsyncIterator
from types import ModuleType
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute
from starlette.types import ASGIApp

from sandbox import admin_api, coql_api, metadata_api, oauth_api, records_api
from sandbox.middleware import SandboxMiddleware
from sandbox.responses import ZohoHTTPError, zoho_error
from sandbox.state import SandboxState

log = logging.getLogger(__name__)

EXTENSIONS = (
    "sandbox.bulk",
    "sandbox.notifications",
    "sandbox.mcp_endpoint",
    "sandbox.attachments",
    "sandbox.authorize_api",  # Zoho Accounts' sign-in page (GET/POST /oauth/v2/auth)
    "sandbox.web_ui_api",  # record links of Zoho's web UI (/__sandbox/web/crm/...)
)


def load_extensions(names: tuple[str, ...] = EXTENSIONS) -> dict[str, ModuleType]:
    """Import each extension module that exists and exposes ``routes``; skip the others."""
    loaded: dict[str, ModuleType] = {}
    for name in names:
        try:
            module = importlib.import_module(name)
        except ImportError as exc:
            if exc.name == name:
                continue
            log.warning("sandbox extension %s failed to import: %s", name, exc)
            continue
        if callable(getattr(module, "routes", None)):
            loaded[name] = module
    return loaded


async def _call_hook(module: ModuleType, hook: str, state: SandboxState) -> None:
    fn = getattr(module, hook, None)
    if fn is None:
        return
    result = fn(state)
    if inspect.isawaitable(result):
        await result


def build_app(state: SandboxState, extensions: tuple[str, ...] = EXTENSIONS) -> ASGIApp:
    """The full sandbox as one ASGI app (wrap it in uvicorn, or in ``httpx.ASGITransport``)."""
    modules = load_extensions(extensions)
    state.extensions = dict(modules)
    route_list: list[BaseRoute] = [*admin_api.routes(state), *oauth_api.routes(state)]
    for module in modules.values():
        route_list.extend(module.routes(state))
    route_list += [*metadata_api.routes(state), *coql_api.routes(state), *records_api.routes(state)]

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        for module in modules.values():
            await _call_hook(module, "startup", state)
        try:
            yield
        finally:
            for module in reversed(list(modules.values())):
                try:
                    await _call_hook(module, "shutdown", state)
                except Exception:
                    log.exception("sandbox extension shutdown failed")

    async def zoho_http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ZohoHTTPError)
        return exc.response()

    async def http_error(request: Request, exc: Exception) -> Response:
        status = getattr(exc, "status_code", 500)
        if status == 404:
            return zoho_error("INVALID_URL_PATTERN", "Please check if the URL trying to access is a correct one", 404)
        if status == 405:
            return zoho_error("METHOD_NOT_ALLOWED", "The http request method type is not a valid one", 405)
        return zoho_error("INTERNAL_ERROR", str(getattr(exc, "detail", "error")), status)

    async def server_error(request: Request, exc: Exception) -> Response:
        log.exception("sandbox handler failed", exc_info=exc)
        return zoho_error("INTERNAL_ERROR", "Internal Server Error", 500)

    handlers: dict[Any, Any] = {ZohoHTTPError: zoho_http_error, HTTPException: http_error, 500: server_error}
    starlette_app = Starlette(routes=route_list, exception_handlers=handlers, lifespan=lifespan)
    return SandboxMiddleware(starlette_app, state, lambda: starlette_app.router.routes)
