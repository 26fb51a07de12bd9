"""Who calls: the one way the sandbox authenticates an API call and checks its OAuth scopes and profile.

Every API path (all but ``/__sandbox`` and ``/oauth``) passes the middleware's gate, which calls ``admit``:
the ``Authorization: Zoho-oauthtoken <token>`` header (``Bearer`` accepted) must hold a live access token
(else 401 ``AUTHENTICATION_FAILURE`` / ``INVALID_TOKEN``) whose scopes cover the endpoint family (else 401
``OAUTH_SCOPE_MISMATCH``, ``sandbox.scopes``). The admitted ``Caller`` rides on the request; a handler gets
it with ``caller(request)`` and asks it for narrower checks (``require_scopes`` for COQL's base module,
``is_admin`` for what Zoho keeps to administrators). Every failure is a ``ZohoHTTPError`` (raised, never
returned), which the app answers with Zoho's error envelope.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.requests import Request

from sandbox.auth import TokenRegistry
from sandbox.responses import ZohoHTTPError
from sandbox.scopes import SCOPE_MISMATCH_MESSAGE, missing
from sandbox.store import SandboxStore

CALLER_KEY = "sandbox_caller"  # where the admitted caller rides in the ASGI scope's "state"
SCHEMES = ("zoho-oauthtoken", "bearer")


@dataclass(frozen=True)
class Caller:
    """The user behind an admitted access token, and the scopes that token was granted."""

    user: dict[str, Any]
    token: str
    scopes: tuple[str, ...]

    @property
    def user_id(self) -> str:
        return str(self.user["id"])

    @property
    def is_admin(self) -> bool:
        """Whether the user has the Administrator profile (COQL on Notes, the v2-era Notes listing)."""
        return is_admin(self.user)

    def require_scopes(self, method: str, path: str) -> None:
        """401 OAUTH_SCOPE_MISMATCH unless the token's scopes cover ``method path`` too."""
        if missing(self.scopes, method, path):
            raise ZohoHTTPError("OAUTH_SCOPE_MISMATCH", SCOPE_MISMATCH_MESSAGE, 401, {})


def is_admin(user: dict[str, Any]) -> bool:
    return str((user.get("profile") or {}).get("name", "")).lower() == "administrator"


def bearer_token(authorization: str | None) -> str:
    """The token of an ``Authorization`` header; 401 AUTHENTICATION_FAILURE when there is none."""
    scheme, _, token = (authorization or "").strip().partition(" ")
    if scheme.lower() not in SCHEMES or not token.strip():
        raise ZohoHTTPError("AUTHENTICATION_FAILURE", "Authentication failed", 401)
    return token.strip()


def admit(tokens: TokenRegistry, store: SandboxStore, authorization: str | None, method: str, path: str) -> Caller:
    """The caller of ``method path``, authenticated and scope-checked; raises ZohoHTTPError (401)."""
    token = bearer_token(authorization)
    user_id = tokens.user_for(token)
    user = store.user(user_id) if user_id else None
    if user is None:
        raise ZohoHTTPError("INVALID_TOKEN", "invalid oauth token", 401)
    found = Caller(dict(user), token, tokens.scopes_of(token))
    found.require_scopes(method, path)
    return found


def admitted(request: Request) -> Caller | None:
    """The caller the gate admitted for this request (None on a path the gate does not check)."""
    found = request.scope.get("state", {}).get(CALLER_KEY)
    return found if isinstance(found, Caller) else None
