"""OAuth for the sandbox: the accounts-server token endpoint and the registry of issued tokens.

Only the configured client id/secret and refresh token (plus refresh tokens issued from grant codes
made by ``issue_grant_code``) are accepted. Access tokens look like Zoho's (``1000.<hex>.<hex>``),
live ``token_ttl_seconds`` and can all be expired at once (fault ``expire_tokens``). Each token carries
the scopes it was granted (``scopes``; the middleware checks them per endpoint family). Failures are
HTTP 200 with ``{"error": "invalid_code"}`` or ``{"error": "invalid_client"}``, as Zoho answers.

A grant code made by the authorization endpoint (``sandbox.api.authorize``) is bound to its redirect URI
and PKCE challenge: exchanging it needs the same ``redirect_uri`` and the matching ``code_verifier``, within
two minutes, once. ``access_type=online`` codes get no refresh token. Its access token carries the scopes
the person consented to (those asked for, within what the sandbox grants at all).

Zoho's token limits (CRM v8 "Token Validity"; accounts "OAuth token limits"):
- at most ``THROTTLE_TOKENS`` (10) access tokens from one refresh token in ``THROTTLE_SECONDS`` (10
  minutes); beyond that, HTTP 200 with ``THROTTLED`` ("Access Denied") until the oldest of those ten
  is ten minutes old (refused requests do not count);
- at most ``LIVE_TOKENS`` (15) live access tokens per refresh token: the 16th invalidates the oldest.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sandbox.scopes import DEFAULT_SCOPES

THROTTLE_TOKENS = 10
THROTTLE_SECONDS = 600.0
LIVE_TOKENS = 15
THROTTLED = {
    "error_description": "You have made too many requests continuously. Please try again after some time.",
    "error": "Access Denied",
    "status": "failure",
}


def _token() -> str:
    return f"1000.{secrets.token_hex(16)}.{secrets.token_hex(16)}"


@dataclass
class _Access:
    user_id: str
    expires_at: float
    scopes: tuple[str, ...] = ()


@dataclass
class _Grant:
    user_id: str
    expires_at: float
    redirect_uri: str | None = None  # when set, the token request must name the same one
    code_challenge: str | None = None  # PKCE: the token request must bring the verifier
    code_challenge_method: str = "plain"
    offline: bool = True  # access_type=offline: a refresh token comes with the access token
    scopes: tuple[str, ...] | None = None  # what the person consented to (None: the registry's scopes)

    def verifier_ok(self, verifier: str) -> bool:
        if self.code_challenge is None:
            return True
        if self.code_challenge_method == "S256":
            digest = hashlib.sha256(verifier.encode("ascii", "replace")).digest()
            verifier = base64.urlsafe_b64encode(digest).decode().rstrip("=")
        return bool(verifier) and secrets.compare_digest(verifier, self.code_challenge)


GRANT_CODE_TTL_SECONDS = 120.0  # Zoho: "valid for 2 minutes"


class TokenRegistry:
    """Refresh tokens, grant codes and access tokens of the sandbox's one OAuth client."""

    def __init__(
        self,
        client_id: str,
        client_secret: str,
        refresh_token: str,
        user_id: str,
        ttl_seconds: float = 3600,
        clock: Callable[[], float] = time.time,
        scopes: tuple[str, ...] = DEFAULT_SCOPES,
    ) -> None:
        self.scopes = tuple(scopes)
        self.client_id = client_id
        self.client_secret = client_secret
        self.ttl_seconds = ttl_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._refresh: dict[str, str] = {refresh_token: user_id}
        self._codes: dict[str, _Grant] = {}
        self._access: dict[str, _Access] = {}
        self._minted: dict[str, list[float]] = {}  # refresh token -> when its recent access tokens were made
        self._live: dict[str, list[str]] = {}  # refresh token -> its access tokens, oldest first

    def issue_grant_code(
        self,
        user_id: str,
        *,
        redirect_uri: str | None = None,
        code_challenge: str | None = None,
        code_challenge_method: str = "plain",
        offline: bool = True,
        scopes: tuple[str, ...] | None = None,
    ) -> str:
        """A one-time authorization code (what Zoho's consent page would hand back)."""
        code = f"1000.{secrets.token_hex(16)}.{secrets.token_hex(16)}"
        grant = _Grant(
            user_id,
            self._clock() + GRANT_CODE_TTL_SECONDS,
            redirect_uri=redirect_uri,
            code_challenge=code_challenge,
            code_challenge_method=code_challenge_method,
            offline=offline,
            scopes=scopes,
        )
        with self._lock:
            self._codes[code] = grant
        return code

    def _client_ok(self, client_id: str | None, client_secret: str | None) -> bool:
        return secrets.compare_digest(client_id or "", self.client_id) and secrets.compare_digest(
            client_secret or "", self.client_secret
        )

    def _throttled(self, refresh_token: str) -> bool:
        """True when this refresh token made its ten access tokens in the last ten minutes."""
        now = self._clock()
        with self._lock:
            recent = [t for t in self._minted.get(refresh_token, []) if now - t < THROTTLE_SECONDS]
            self._minted[refresh_token] = recent
            return len(recent) >= THROTTLE_TOKENS

    def _issue(
        self, user_id: str, refresh_token: str | None = None, scopes: tuple[str, ...] | None = None
    ) -> dict[str, Any]:
        token = _token()
        now = self._clock()
        granted = self.scopes if scopes is None else scopes
        with self._lock:
            self._access[token] = _Access(user_id, now + self.ttl_seconds, granted)
            if refresh_token is not None:
                self._minted.setdefault(refresh_token, []).append(now)
                live = [t for t in self._live.get(refresh_token, []) if t in self._access] + [token]
                while len(live) > LIVE_TOKENS:  # the 16th live token invalidates the oldest
                    self._access.pop(live.pop(0), None)
                self._live[refresh_token] = live
        return {
            "access_token": token,
            "scope": " ".join(granted),
            "token_type": "Bearer",
            "expires_in": int(self.ttl_seconds),
        }

    def grant(self, form: dict[str, str]) -> dict[str, Any]:
        """Answer a token request (form fields) with Zoho's success or error body."""
        grant_type = form.get("grant_type", "")
        if grant_type not in ("refresh_token", "authorization_code"):
            return {"error": "unsupported_grant_type"}
        if not self._client_ok(form.get("client_id"), form.get("client_secret")):
            return {"error": "invalid_client"}
        if grant_type == "refresh_token":
            refresh_token = form.get("refresh_token", "")
            with self._lock:
                user_id = self._refresh.get(refresh_token)
            if user_id is None:
                return {"error": "invalid_code"}
            if self._throttled(refresh_token):
                return dict(THROTTLED)
            return self._issue(user_id, refresh_token)
        with self._lock:
            grant = self._codes.pop(form.get("code", ""), None)
        if grant is None or grant.expires_at <= self._clock():
            return {"error": "invalid_code"}
        if grant.redirect_uri is not None and form.get("redirect_uri") != grant.redirect_uri:
            return {"error": "invalid_redirect_uri"}
        if not grant.verifier_ok(form.get("code_verifier", "")):
            return {"error": "invalid_code"}
        if not grant.offline:
            return self._issue(grant.user_id, scopes=grant.scopes)
        refresh = f"1000.{secrets.token_hex(16)}.{secrets.token_hex(16)}"
        with self._lock:
            self._refresh[refresh] = grant.user_id
        return {**self._issue(grant.user_id, scopes=grant.scopes), "refresh_token": refresh}

    def revoke(self, token: str) -> bool:
        with self._lock:
            found = self._refresh.pop(token, None) is not None or self._access.pop(token, None) is not None
        return found

    def user_for(self, access_token: str) -> str | None:
        """The user id of a live access token, or None when unknown or expired."""
        with self._lock:
            entry = self._access.get(access_token)
            if entry is None:
                return None
            if entry.expires_at <= self._clock():
                del self._access[access_token]
                return None
            return entry.user_id

    def scopes_of(self, access_token: str) -> tuple[str, ...]:
        """The scopes a live access token was granted (() when unknown)."""
        with self._lock:
            entry = self._access.get(access_token)
            return entry.scopes if entry is not None else ()

    def expire_all(self) -> int:
        """Invalidate every access token now (refresh tokens stay valid)."""
        with self._lock:
            count = len(self._access)
            self._access.clear()
        return count
