"""What every route needs: the parts of the app (``WebContext``), the signed-in viewer, the CSRF check, the
ownership check on a proposal, and rendering a page.

Refusals are ``PageError(status, title, message)``: the app renders them as a page (never a traceback).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import quote

import httpx
import jinja2
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.templating import Jinja2Templates

from approvals.presentation import fmt_value
from domain.recommendations import Recommendation
from domain.safe_text import safe_block, safe_inline
from integrations.zoho.gateway import ZohoGateway
from review.product_names import ProductNamesSource
from state.store import StateStore
from web.actions import Decisions
from web.config import WebConfig
from web.inbox_view import Links
from web.ownership import AccountOwner, OwnerDirectory, may_see
from web.record_values import RecordValues
from web.security import CsrfRefused, check_csrf
from web.sessions import Sessions, Viewer

TEMPLATES_DIR = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"


class PageError(Exception):
    """A refusal shown as a page: ``status`` (400, 403, 404, 409, 503), a title and what to do."""

    def __init__(self, status: int, title: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.title = title
        self.message = message


class MemoryReader(Protocol):
    """The read-only memory the account page shows (``web.memory_access.MemoryAccess``)."""

    @property
    def memory(self) -> Any: ...  # the open AccountMemory (for the brief's history), or None

    def status(self) -> str: ...

    async def timeline(self, account_id: str) -> tuple[list[Any], str]: ...


@dataclass
class WebContext:
    config: WebConfig
    store: StateStore
    gateway: ZohoGateway
    sessions: Sessions
    owners: OwnerDirectory
    decisions: Decisions
    http: httpx.AsyncClient
    memory: MemoryReader | None = None
    templates: Jinja2Templates = field(init=False)
    records: RecordValues = field(init=False)
    products: ProductNamesSource = field(init=False)  # the org's active products for the briefs, read hourly

    def __post_init__(self) -> None:
        self.records = RecordValues(self.gateway, ttl_seconds=self.config.owner_cache_seconds)
        self.products = ProductNamesSource(self.gateway, self.config.thresholds)
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)), autoescape=True)
        self.templates = Jinja2Templates(env=env)
        env.filters["inline"] = lambda v, limit=None: safe_inline("" if v is None else v, limit=limit)
        env.filters["block"] = lambda v: safe_block("" if v is None else v)
        env.filters["when"] = lambda v: v.strftime("%Y-%m-%d %H:%M UTC") if v else ""
        env.filters["crm"] = lambda v: safe_inline(fmt_value(v), limit=300)

    @classmethod
    def build(
        cls,
        config: WebConfig,
        store: StateStore,
        gateway: ZohoGateway,
        *,
        http: httpx.AsyncClient,
        memory: MemoryReader | None = None,
    ) -> WebContext:
        """The app's parts on one store and one gateway (what ``serve`` runs, and the tests and benchmark)."""
        return cls(
            config=config,
            store=store,
            gateway=gateway,
            sessions=Sessions(store, session_seconds=config.session_seconds),
            owners=OwnerDirectory(gateway, ttl_seconds=config.owner_cache_seconds),
            decisions=Decisions(store, gateway),
            http=http,
            memory=memory,
        )

    def links(self, viewer: Viewer) -> Links:
        return Links(base=self.config.web_ui_base, sandbox=self.config.web_ui_is_sandbox, org_id=viewer.org_id)

    def render(
        self, request: Request, template: str, viewer: Viewer | None, status: int = 200, **values: Any
    ) -> HTMLResponse:
        values = {"viewer": viewer, "csrf": viewer.csrf_token if viewer else "", **values}
        return self.templates.TemplateResponse(request, template, values, status_code=status)

    # --- who is asking ------------------------------------------------------------------------
    def viewer(self, request: Request) -> Viewer | None:
        return self.sessions.viewer(request.cookies.get(self.config.session_cookie))

    def require_viewer(self, request: Request) -> Viewer:
        viewer = self.viewer(request)
        if viewer is None:
            raise SignInRequired(request.url.path)
        return viewer

    async def form_with_csrf(self, request: Request, viewer: Viewer) -> Any:
        form = await request.form()
        try:
            check_csrf(
                expected=viewer.csrf_token,
                given=form.get("csrf_token"),
                origin_header=request.headers.get("origin"),
                our_origin=self.config.origin,
            )
        except CsrfRefused as exc:
            raise PageError(
                403, "Refused: this form cannot be trusted", f"{exc}. Reload the page and try again."
            ) from None
        return form

    # --- what they may see ----------------------------------------------------------------------
    async def visible_recommendation(self, viewer: Viewer, rec_id: str) -> tuple[Recommendation, AccountOwner]:
        """The recommendation when the viewer may see it; otherwise the same 404 as an unknown id."""
        rec = self.store.get_recommendation(rec_id) if len(rec_id) <= 64 else None
        if rec is not None:
            owner = await self.owners.owner(rec.proposal.account_id)
            if may_see(viewer, owner):
                return rec, owner
        raise PageError(404, "No such proposal", "There is no proposal with this id among the ones you may see.")

    async def visible_account(self, viewer: Viewer, account_id: str) -> AccountOwner:
        owner = await self.owners.owner(account_id) if account_id.isdigit() and len(account_id) <= 30 else None
        if owner is None or not may_see(viewer, owner) or not owner.exists:
            raise PageError(404, "No such account", "There is no account with this id among the ones you own.")
        return owner


class SignInRequired(Exception):
    """No live session: the person goes to the sign-in page (and back here afterwards)."""

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.path = path


def sign_in_redirect(path: str) -> Response:
    return RedirectResponse(f"/signin?next={quote(safe_next(path))}", status_code=303)


def safe_next(path: str | None) -> str:
    """Only a local path (no scheme, no host, no ``//``): an open redirect is refused."""
    if not path or not path.startswith("/") or path.startswith("//") or "\\" in path:
        return "/inbox"
    return path
