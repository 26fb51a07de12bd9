"""Zoho Accounts' authorization endpoint, for signing in offline: ``GET /oauth/v2/auth`` shows a sign-in page
listing the demo org's users; choosing one (``POST /oauth/v2/auth``) redirects the browser back to the client's
``redirect_uri`` with ``code``, ``state``, ``location`` and ``accounts-server``, as Zoho does; "Deny" sends
``error=access_denied`` and the ``state``. The code is bound to the redirect URI and the PKCE challenge
(``sandbox.auth.TokenRegistry``): the token endpoint checks both.

Parameters (Zoho's names): ``client_id``, ``response_type=code``, ``redirect_uri``, ``scope``, ``state``,
``access_type`` (online|offline), ``prompt`` (consent), ``code_challenge`` and ``code_challenge_method``
(S256|plain, default plain). An unknown client or a bad redirect URI gets an error page, never a redirect
(as Zoho: the redirect URI is not trusted until the client is known). Unlike Zoho, which only accepts the
redirect URIs registered for the client, the sandbox accepts any http(s) one (it has no client registry); the
token endpoint still insists on the same one.
"""

from __future__ import annotations

import html
from typing import Any
from urllib.parse import urlencode, urlsplit

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from sandbox.api.family import Family
from sandbox.scopes import parse_scopes
from sandbox.state import SandboxState

LOCATION = "us"
PAGE_STYLE = (
    "body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem;color:#1b1f24}"
    "button{font:inherit;padding:.6rem 1rem;margin:.25rem 0;width:100%;text-align:left;cursor:pointer;"
    "border:1px solid #8c959f;border-radius:6px;background:#f6f8fa}"
    "button:focus{outline:3px solid #0969da;outline-offset:2px}.deny{background:#fff;text-align:center}"
    "small{color:#57606a}"
)
FORWARDED = (
    "client_id",
    "response_type",
    "redirect_uri",
    "scope",
    "state",
    "access_type",
    "prompt",
    "code_challenge",
    "code_challenge_method",
)


class AuthorizeError(Exception):
    """A request the sign-in page must refuse with a page (not a redirect)."""


def _check(state: SandboxState, params: dict[str, str]) -> None:
    if params.get("client_id") != state.config.client_id:
        raise AuthorizeError("Invalid Client: no application with this client_id is registered.")
    redirect = params.get("redirect_uri", "")
    parts = urlsplit(redirect)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise AuthorizeError("Invalid Redirect Uri: it must start with http:// or https://.")
    if params.get("response_type") != "code":
        raise AuthorizeError("Invalid response_type: it must be code.")
    if not params.get("scope", "").strip():
        raise AuthorizeError("Invalid scope: name at least one scope.")
    if params.get("code_challenge_method", "plain") not in ("S256", "plain"):
        raise AuthorizeError("Invalid code_challenge_method: use S256 or plain.")


def _error_page(message: str) -> Response:
    body = (
        "<!doctype html><title>Zoho sandbox: sign-in refused</title>"
        f"<h1>Sign-in refused</h1><p>{html.escape(message)}</p>"
    )
    return HTMLResponse(body, status_code=400)


def _sign_in_page(state: SandboxState, params: dict[str, str]) -> str:
    hidden = "".join(
        f'<input type="hidden" name="{name}" value="{html.escape(params[name])}">'
        for name in FORWARDED
        if name in params
    )
    users = [u for u in state.store.users if u.get("status", "active") == "active"]
    buttons = "".join(
        f'<button type="submit" name="user_id" value="{html.escape(str(u["id"]))}">'
        f"{html.escape(str(u.get('full_name')))} <small>{html.escape(str(u.get('email')))} · "
        f"{html.escape(str((u.get('profile') or {}).get('name', '')))}</small></button>"
        for u in users
    )
    scope = html.escape(params.get("scope", ""))
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>Sign in to Zoho (sandbox)</title><style>{PAGE_STYLE}</style></head><body>"
        "<h1>Sign in to Zoho (sandbox)</h1>"
        f"<p>An application asks to access your Zoho CRM (<code>{scope}</code>). Choose who you are:</p>"
        f'<form method="post" action="/oauth/v2/auth">{hidden}{buttons}'
        '<button type="submit" name="decision" value="deny" class="deny">Deny</button></form></body></html>'
    )


def _redirect(redirect_uri: str, params: dict[str, Any]) -> Response:
    separator = "&" if urlsplit(redirect_uri).query else "?"
    return RedirectResponse(redirect_uri + separator + urlencode(params), status_code=302)


class AuthorizeApi(Family):
    def routes(self) -> list[BaseRoute]:
        return [Route("/oauth/v2/auth", self.authorize, methods=["GET", "POST"])]

    async def authorize(self, request: Request) -> Response:
        params = dict(request.query_params)
        if request.method == "POST":
            form = await request.form()
            params = {k: str(v) for k, v in form.items()}
        try:
            _check(self.state, params)
        except AuthorizeError as exc:
            return _error_page(str(exc))
        if request.method == "GET":
            return HTMLResponse(_sign_in_page(self.state, params))
        return self.decide(params)

    def decide(self, params: dict[str, str]) -> Response:
        """Back to the client: a grant code for the user chosen, or ``access_denied``."""
        back: dict[str, Any] = {"state": params["state"]} if "state" in params else {}
        user = self.store.user(params.get("user_id", ""))
        if params.get("decision") == "deny" or user is None:
            return _redirect(params["redirect_uri"], {"error": "access_denied", **back})
        tokens = self.state.tokens
        code = tokens.issue_grant_code(
            str(user["id"]),
            redirect_uri=params["redirect_uri"],
            code_challenge=params.get("code_challenge") or None,
            code_challenge_method=params.get("code_challenge_method", "plain"),
            offline=params.get("access_type", "online") == "offline",
            scopes=tuple(s for s in parse_scopes(params["scope"]) if s in tokens.scopes),
        )
        return _redirect(
            params["redirect_uri"],
            {**back, "code": code, "location": LOCATION, "accounts-server": self.state.base_url},
        )
