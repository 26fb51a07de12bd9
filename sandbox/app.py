"""Assemble the sandbox's ASGI app from its API families (``sandbox.api``), with Zoho-style errors.

Each family is a ``Family`` (``sandbox.api.family``): named handlers over the shared ``SandboxState``, its
routes, and ``startup`` / ``shutdown`` run with the server's lifespan. ``FAMILIES`` is the order their routes
are matched in: the fixed paths (``/crm/v8/settings/...``, ``/users``, ``/coql``, ``/actions/watch``,
``.../Attachments``, ``search``, ``deleted``) before the generic ``/crm/v8/{module}/{record_id}[/{related}]``.
The outer ``SandboxMiddleware`` (faults, the authentication gate, limits, accounting) wraps them all.
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
from starlette.routing import BaseRoute
from starlette.types import ASGIApp

from sandbox.api.admin import AdminApi
from sandbox.api.attachments import AttachmentsApi
from sandbox.api.authorize import AuthorizeApi
from sandbox.api.bulk import BulkApi
from sandbox.api.coql import CoqlApi
from sandbox.api.family import Family
from sandbox.api.mcp import McpApi
from sandbox.api.metadata import MetadataApi
from sandbox.api.notes import NotesApi
from sandbox.api.oauth import OAuthApi
from sandbox.api.records import RecordsApi
from sandbox.api.recycle_bin import RecycleBinApi
from sandbox.api.related import RelatedApi
from sandbox.api.search import SearchApi
from sandbox.api.users_org import UsersOrgApi
from sandbox.api.watch import WatchApi
from sandbox.api.web_ui import WebUiApi
from sandbox.middleware import SandboxMiddleware
from sandbox.responses import ZohoHTTPError, zoho_error
from sandbox.state import SandboxState

log = logging.getLogger(__name__)


def families(state: SandboxState) -> tuple[list[Family], list[BaseRoute]]:
    """Every API family of the sandbox, and their routes in matching order."""
    records = RecordsApi(state)
    fixed: list[Family] = [
        AdminApi(state),  # /__sandbox/*
        OAuthApi(state),  # /oauth/v2/token
        AuthorizeApi(state),  # /oauth/v2/auth: Zoho Accounts' sign-in page
        WebUiApi(state),  # /__sandbox/web/crm/...: record links of Zoho's web UI
        BulkApi(state),
        WatchApi(state),
        McpApi(state),
        AttachmentsApi(state),
        UsersOrgApi(state),
        MetadataApi(state),
        CoqlApi(state),
        records,  # /crm/v8/{module}, /upsert
        SearchApi(state),
        RecycleBinApi(state),
    ]
    related: list[Family] = [NotesApi(state), RelatedApi(state)]
    routes = [route for family in fixed for route in family.routes()]
    routes += records.record_routes()  # /crm/v8/{module}/{record_id}, after search and deleted
    routes += [route for family in related for route in family.routes()]
    return fixed + related, routes


def build_app(state: SandboxState) -> ASGIApp:
    """The full sandbox as one ASGI app (wrap it in uvicorn, or in ``httpx.ASGITransport``)."""
    members, routes = families(state)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        for family in members:
            await family.startup()
        try:
            yield
        finally:
            for family in reversed(members):
                try:
                    await family.shutdown()
                except Exception:
                    log.exception("sandbox family %s failed to shut down", type(family).__name__)

    handlers: dict[Any, Any] = {ZohoHTTPError: zoho_http_error, HTTPException: http_error, 500: server_error}
    starlette_app = Starlette(routes=routes, exception_handlers=handlers, lifespan=lifespan)
    return SandboxMiddleware(starlette_app, state, lambda: starlette_app.router.routes)


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
