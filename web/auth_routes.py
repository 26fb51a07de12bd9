"""Signing in and out.

GET  /signin          the sign-in page ("Sign in with Zoho")
GET  /auth/start      a new OAuth round trip (state + PKCE kept server-side), then off to Zoho Accounts
GET  /auth/callback   Zoho sends the browser back: check state, exchange the code, read who it is,
                      check they are a user of this org, open a session
POST /auth/signout    end the session (CSRF-checked)
"""

from __future__ import annotations

import logging

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from integrations.zoho.errors import ZohoAuthError, ZohoError
from integrations.zoho.signin import ZohoPerson, authorize_url, sign_in
from web.context import PageError, WebContext, safe_next
from web.sessions import SIGNIN_SECONDS, is_admin

log = logging.getLogger(__name__)


def _cookie(ctx: WebContext, response: Response, name: str, value: str, max_age: int) -> None:
    response.set_cookie(name, value, max_age=max_age, path="/", httponly=True, samesite="lax", secure=ctx.config.secure)


async def _member(ctx: WebContext, person: ZohoPerson) -> bool:
    """Is this Zoho user a user of the org the inbox works on (not someone from another org)?"""
    users = await ctx.gateway.list_users()
    return any(u.id == person.user_id for u in users)


class AuthRoutes:
    """Sign-in with Zoho and sign-out."""

    def __init__(self, ctx: WebContext) -> None:
        self.ctx = ctx

    def routes(self) -> list[BaseRoute]:
        return [
            Route("/signin", self.signin_page, methods=["GET"]),
            Route("/auth/start", self.start, methods=["GET"]),
            Route("/auth/callback", self.callback, methods=["GET"]),
            Route("/auth/signout", self.signout, methods=["POST"]),
        ]

    async def signin_page(self, request: Request) -> Response:
        if self.ctx.viewer(request) is not None:
            return RedirectResponse(safe_next(request.query_params.get("next")), status_code=303)
        return self.ctx.render(
            request,
            "signin.html",
            None,
            next=safe_next(request.query_params.get("next")),
            signed_out="signed_out" in request.query_params,
        )

    async def start(self, request: Request) -> Response:
        begun = self.ctx.sessions.begin_signin(safe_next(request.query_params.get("next")))
        url = authorize_url(
            self.ctx.config.signin,
            redirect_uri=self.ctx.config.redirect_uri,
            state=begun.state,
            code_challenge=begun.code_challenge,
        )
        response = RedirectResponse(url, status_code=303)
        _cookie(self.ctx, response, self.ctx.config.signin_cookie, begun.cookie, int(SIGNIN_SECONDS))
        return response

    async def callback(self, request: Request) -> Response:
        query = request.query_params
        pending = self.ctx.sessions.finish_signin(
            request.cookies.get(self.ctx.config.signin_cookie), query.get("state")
        )
        if query.get("error"):
            reason = "You chose not to sign in." if query.get("error") == "access_denied" else "Zoho refused it."
            raise PageError(400, "Sign-in cancelled", f"{reason} Sign in again when you are ready.")
        if pending is None or not query.get("code"):
            raise PageError(
                400,
                "Sign-in expired",
                "This sign-in link is stale or was not started here (it lasts ten minutes). Sign in again.",
            )
        person = await self._identify(str(query["code"]), str(pending["verifier"]), query.get("accounts-server"))
        cookie = self.ctx.sessions.create(person, admin=is_admin(person, self.ctx.config.admins))
        self.ctx.store.record_audit(
            {
                "kind": "web_signin",
                "outcome": "signed_in",
                "agent_type": "human",
                "agent_id": person.email,
                "detail": {"zoho_user_id": person.user_id, "profile": person.profile},
            }
        )
        response = RedirectResponse(safe_next(str(pending.get("next"))), status_code=303)
        response.delete_cookie(self.ctx.config.signin_cookie, path="/", secure=self.ctx.config.secure, httponly=True)
        _cookie(self.ctx, response, self.ctx.config.session_cookie, cookie, int(self.ctx.config.session_seconds))
        return response

    async def _identify(self, code: str, verifier: str, accounts_server: str | None) -> ZohoPerson:
        """Who signed in (their own token, then revoked), when they are an active user of this org."""
        try:
            person = await sign_in(
                self.ctx.config.signin,
                self.ctx.http,
                code=code,
                code_verifier=verifier,
                redirect_uri=self.ctx.config.redirect_uri,
                accounts_server=accounts_server,
            )
            member = await _member(self.ctx, person)
        except ZohoAuthError as exc:
            log.warning("sign-in refused by Zoho: %s", exc.code)
            raise PageError(400, "Sign-in refused", f"Zoho refused the sign-in ({exc.code}). Sign in again.") from None
        except ZohoError as exc:
            log.warning("sign-in failed: %s", exc)
            raise PageError(503, "Zoho is not answering", f"{exc.message}. {exc.hint} Then sign in again.") from None
        if not member or not person.active:
            raise PageError(
                403,
                "Not a user of this CRM",
                f"{person.email or person.user_id} is not an active user of the Zoho CRM org this inbox works on.",
            )
        return person

    async def signout(self, request: Request) -> Response:
        viewer = self.ctx.viewer(request)
        if viewer is not None:
            await self.ctx.form_with_csrf(request, viewer)
            self.ctx.sessions.end(viewer)
            self.ctx.store.record_audit(
                {"kind": "web_signout", "outcome": "signed_out", "agent_type": "human", "agent_id": viewer.email}
            )
        response = RedirectResponse("/signin?signed_out=1", status_code=303)
        response.delete_cookie(self.ctx.config.session_cookie, path="/", secure=self.ctx.config.secure, httponly=True)
        return response


def routes(ctx: WebContext) -> list[BaseRoute]:
    return AuthRoutes(ctx).routes()
