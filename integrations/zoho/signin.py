"""Signing a person in with Zoho: the OAuth 2.0 authorization-code flow with PKCE (S256), then who they are
in Zoho CRM (``GET /crm/v8/users?type=CurrentUser`` and ``GET /crm/v8/org`` with THEIR access token).

    pkce = new_pkce()
    url = authorize_url(client, redirect_uri=..., state=..., code_challenge=pkce.challenge)
    # ... the browser comes back to redirect_uri with code, state, location, accounts-server ...
    person = await sign_in(client, http, code=..., code_verifier=pkce.verifier, redirect_uri=...,
                           accounts_server=query.get("accounts-server"))

The person's access token is used for those two reads, then revoked; it is never returned, stored or logged.
``accounts-server`` (Zoho's multi-DC answer) and the token reply's ``api_domain`` are only followed when they
are the configured servers or Zoho's own, so a forged callback cannot send our client secret elsewhere.

Errors are the package's tree (``integrations.zoho.errors``): ``ZohoAuthError`` (Zoho refused the code,
the verifier or the client), ``ZohoUnavailableError`` (unreachable), ``ZohoPermissionError`` (scopes).
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx
from pydantic import BaseModel, SecretStr

from config.settings import DC_DOMAINS, ENVIRONMENT_API_PREFIX
from integrations.zoho.error_mapping import map_httpx_error, map_oauth_error, map_response
from integrations.zoho.errors import ZohoAuthError, ZohoError

SIGN_IN_SCOPES = ("ZohoCRM.users.READ", "ZohoCRM.org.READ")


class SignInClient(BaseModel):
    """The OAuth client people sign in with, and where Zoho is."""

    client_id: str
    client_secret: SecretStr
    accounts_url: str  # e.g. https://accounts.zoho.eu (the sandbox: its base URL)
    api_url: str  # e.g. https://www.zohoapis.eu
    scopes: tuple[str, ...] = SIGN_IN_SCOPES


class ZohoPerson(BaseModel):
    """Who signed in: their Zoho CRM user and org (no token)."""

    user_id: str
    email: str
    name: str
    profile: str  # Zoho profile name: Administrator, Standard, ...
    active: bool
    org_id: str | None = None  # zgid: the org segment of web UI links (crm.zoho.com/crm/org<zgid>/...)


class Pkce(BaseModel):
    verifier: str
    challenge: str


def new_pkce() -> Pkce:
    """A fresh code verifier (43+ URL-safe characters) and its S256 challenge."""
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return Pkce(verifier=verifier, challenge=base64.urlsafe_b64encode(digest).decode().rstrip("="))


def authorize_url(client: SignInClient, *, redirect_uri: str, state: str, code_challenge: str) -> str:
    """Where to send the browser: Zoho Accounts' consent page (online access: no refresh token)."""
    query = {
        "client_id": client.client_id,
        "response_type": "code",
        "redirect_uri": redirect_uri,
        "scope": ",".join(client.scopes),
        "state": state,
        "access_type": "online",
        "prompt": "consent",
        "code_challenge": code_challenge,
        "code_challenge_method": "S256",
    }
    return f"{client.accounts_url.rstrip('/')}/oauth/v2/auth?{urlencode(query)}"


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def trusted_accounts_server(client: SignInClient, candidate: str | None) -> str:
    """The accounts server to exchange the code at: Zoho's ``accounts-server`` answer when it is the
    configured one or one of Zoho's data centres, else refused."""
    configured = client.accounts_url.rstrip("/")
    if not candidate:
        return configured
    allowed = {_origin(configured)} | ({_origin(a) for _, a in DC_DOMAINS.values()} if _is_zoho(configured) else set())
    if _origin(candidate) not in allowed or urlsplit(candidate).path not in ("", "/"):
        raise ZohoAuthError(
            "the sign-in came back naming an accounts server that is not Zoho's",
            code="UNTRUSTED_ACCOUNTS_SERVER",
            tier="oauth",
            hint="Sign in again from the inbox's own sign-in link.",
        )
    return _origin(candidate)


def trusted_api_domain(client: SignInClient, candidate: str | None) -> str:
    """The API domain to read the person at: the token reply's ``api_domain`` when it is trusted."""
    configured = client.api_url.rstrip("/")
    if not candidate:
        return configured
    zoho_apis = {
        _origin(api.replace("https://www.", prefix))
        for api, _ in DC_DOMAINS.values()
        for prefix in ENVIRONMENT_API_PREFIX.values()
    }
    allowed = {_origin(configured)} | (zoho_apis if _is_zoho(client.accounts_url) else set())
    return _origin(candidate) if _origin(candidate) in allowed else configured


def _is_zoho(url: str) -> bool:
    return _origin(url) in {_origin(a) for _, a in DC_DOMAINS.values()}


async def sign_in(
    client: SignInClient,
    http: httpx.AsyncClient,
    *,
    code: str,
    code_verifier: str,
    redirect_uri: str,
    accounts_server: str | None = None,
) -> ZohoPerson:
    """Exchange the code (with the PKCE verifier), read the person and their org, revoke the token."""
    accounts = trusted_accounts_server(client, accounts_server)
    form = {
        "grant_type": "authorization_code",
        "client_id": client.client_id,
        "client_secret": client.client_secret.get_secret_value(),
        "redirect_uri": redirect_uri,
        "code": code,
        "code_verifier": code_verifier,
    }
    body = await _post(http, f"{accounts}/oauth/v2/token", form)
    token = body.get("access_token")
    if not isinstance(token, str) or not token:
        raise map_oauth_error(body, 200, tier="oauth")
    api = trusted_api_domain(client, body.get("api_domain") if isinstance(body.get("api_domain"), str) else None)
    try:
        users = await _get(http, f"{api}/crm/v8/users", token, {"type": "CurrentUser"}, module="Users")
        org = await _get(http, f"{api}/crm/v8/org", token, {}, module="org")
    finally:
        await _revoke(http, accounts, token)
    return _person(users, org)


def _person(users: dict[str, Any], org: dict[str, Any]) -> ZohoPerson:
    rows = users.get("users")
    if not isinstance(rows, list) or not rows or not isinstance(rows[0], dict) or not rows[0].get("id"):
        raise ZohoAuthError("Zoho did not say who signed in (no current user)", code="NO_CURRENT_USER", tier="rest")
    user = rows[0]
    orgs = org.get("org")
    first_org = orgs[0] if isinstance(orgs, list) and orgs and isinstance(orgs[0], dict) else {}
    profile: dict[str, Any] = user["profile"] if isinstance(user.get("profile"), dict) else {}
    return ZohoPerson(
        user_id=str(user["id"]),
        email=str(user.get("email") or ""),
        name=str(user.get("full_name") or user.get("email") or user["id"]),
        profile=str(profile.get("name") or ""),
        active=str(user.get("status", "active")).lower() == "active",
        org_id=str(first_org.get("zgid") or first_org.get("id") or "") or None,
    )


async def _post(http: httpx.AsyncClient, url: str, form: dict[str, str]) -> dict[str, Any]:
    try:
        response = await http.post(url, data=form)
    except httpx.HTTPError as exc:
        raise map_httpx_error(exc, tier="oauth") from None
    try:
        body = response.json()
    except ValueError:
        body = None
    if response.status_code >= 400 or not isinstance(body, dict):
        raise map_oauth_error(body if isinstance(body, dict) else None, response.status_code, tier="oauth")
    return body


async def _get(http: httpx.AsyncClient, url: str, token: str, params: dict[str, str], *, module: str) -> dict[str, Any]:
    try:
        response = await http.get(url, params=params, headers={"Authorization": f"Zoho-oauthtoken {token}"})
    except httpx.HTTPError as exc:
        raise map_httpx_error(exc, module=module) from None
    if response.status_code >= 400:
        raise map_response(response, module=module)
    if response.status_code == 204:
        return {}
    try:
        body = response.json()
    except ValueError:
        raise map_response(response, module=module) from None
    return body if isinstance(body, dict) else {}


async def _revoke(http: httpx.AsyncClient, accounts: str, token: str) -> None:
    """Best effort: the token is not needed after sign-in (it would expire within the hour anyway)."""
    try:
        await http.post(f"{accounts}/oauth/v2/token/revoke", data={"token": token})  # body: never in a URL
    except httpx.HTTPError:
        return


__all__ = [
    "SIGN_IN_SCOPES",
    "Pkce",
    "SignInClient",
    "ZohoError",
    "ZohoPerson",
    "authorize_url",
    "new_pkce",
    "sign_in",
    "trusted_accounts_server",
    "trusted_api_domain",
]
