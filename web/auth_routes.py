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


def routes(ctx: WebContext) -> list[BaseRoute]:
    async def signin_page(request: Request) -> Response:
        if ctx.viewer(request) is not None:
            return RedirectResponse(safe_next(request.query_params.get("next")), status_code=303)
        return ctx.render(
            request,
            "signin.html",
            None,
            next=safe_next(request.query_params.get("next")),
            signed_out="signed_out" in request.query_params,
        )

    async def start(request: Request) -> Response:
        begun = ctx.sessions.begin_signin(safe_next(request.query_params.get("next")))
        url = authorize_url(
            ctx.config.signin,
            redirect_uri=ctx.config.redirect_uri,
            state=begun.state,
            code_challenge=begun.code_challenge,
        )
        response = RedirectResponse(url, status_code=303)
        _cookie(ctx, response, ctx.config.signin_cookie, begun.cookie, int(SIGNIN_SECONDS))
        return response

    async def callback(request: Request) -> Response:
        query = request.query_params
        pending = ctx.sessions.finish_signin(request.cookies.get(ctx.config.signin_cookie), query.get("state"))
        if query.get("error"):
            reason = "You chose not to sign in." if query.get("error") == "access_denied" else "Zoho refused it."
            raise PageError(400, "Sign-in cancelled", f"{reason} Sign in again when you are ready.")
        if pending is None or not query.get("code"):
            raise PageError(
                400,
                "Sign-in expired",
                "This sign-in link is stale or was not started here (it lasts ten minutes). Sign in again.",
            )
        try:
            person = await sign_in(
                ctx.config.signin,
                ctx.http,
                code=str(query["code"]),
                code_verifier=str(pending["verifier"]),
                redirect_uri=ctx.config.redirect_uri,
                accounts_server=query.get("accounts-server"),
            )
            member = await _member(ctx, person)
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
        cookie = ctx.sessions.create(person, admin=is_admin(person, ctx.config.admins))
        ctx.store.record_audit(
            {
                "kind": "web_signin",
                "outcome": "signed_in",
                "agent_type": "human",
                "agent_id": person.email,
                "detail": {"zoho_user_id": person.user_id, "profile": person.profile},
            }
        )
        response = RedirectResponse(safe_next(str(pending.get("next"))), status_code=303)
        response.delete_cookie(ctx.config.signin_cookie, path="/", secure=ctx.config.secure, httponly=True)
        _cookie(ctx, response, ctx.config.session_cookie, cookie, int(ctx.config.session_seconds))
        return response

    async def signout(request: Request) -> Response:
        viewer = ctx.viewer(request)
        if viewer is not None:
            await ctx.form_with_csrf(request, viewer)
            ctx.sessions.end(viewer)
        response = RedirectResponse("/signin?signed_out=1", status_code=303)
        response.delete_cookie(ctx.config.session_cookie, path="/", secure=ctx.config.secure, httponly=True)
        return response

    return [
        Route("/signin", signin_page, methods=["GET"]),
        Route("/auth/start", start, methods=["GET"]),
        Route("/auth/callback", callback, methods=["GET"]),
        Route("/auth/signout", signout, methods=["POST"]),
    ]
