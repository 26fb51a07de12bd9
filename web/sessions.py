"""Server-side sessions in the state store. The browser holds a random key (an HttpOnly, SameSite=Lax
cookie, Secure behind HTTPS); the store holds its SHA-256, who signed in, the CSRF token and the expiry.
Signing out deletes the row, so a stolen cookie stops working at once; so does the expiry.

A sign-in in progress is a ``signin`` row under its own cookie, holding the OAuth ``state`` and the PKCE
verifier for ten minutes; the callback consumes it (one use).
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from pydantic import BaseModel, Field

from integrations.zoho.signin import ZohoPerson, new_pkce
from state.store import StateStore

SIGNIN_SECONDS = 600.0


class Viewer(BaseModel):
    """The signed-in person, as every page and action sees them."""

    user_id: str
    email: str
    name: str
    profile: str
    is_admin: bool
    org_id: str | None = None
    csrf_token: str
    key_hash: str
    skipped: list[str] = Field(default_factory=list)  # proposals skipped in this session (hidden until sign-out)

    @property
    def decided_by(self) -> str:
        """What a decision records: the Zoho user's email and id."""
        return f"{self.email} (Zoho user {self.user_id})"


class SignInStart(BaseModel):
    cookie: str
    state: str
    code_challenge: str


def key_hash(cookie: str) -> str:
    return hashlib.sha256(cookie.encode("utf-8", "replace")).hexdigest()


def is_admin(person: ZohoPerson, admins: frozenset[str]) -> bool:
    """Zoho's Administrator profile, or listed in ``SERGAS_ADMINS`` (email or user id)."""
    return person.profile.lower() == "administrator" or bool({person.email.lower(), person.user_id} & admins)


class Sessions:
    def __init__(self, store: StateStore, *, session_seconds: float) -> None:
        self._store = store
        self._seconds = session_seconds

    def begin_signin(self, next_path: str) -> SignInStart:
        cookie, state, pkce = secrets.token_urlsafe(32), secrets.token_urlsafe(24), new_pkce()
        self._store.create_web_session(
            key_hash(cookie),
            kind="signin",
            data={"state": state, "verifier": pkce.verifier, "next": next_path},
            csrf_token=secrets.token_urlsafe(24),
            ttl_seconds=SIGNIN_SECONDS,
        )
        return SignInStart(cookie=cookie, state=state, code_challenge=pkce.challenge)

    def finish_signin(self, cookie: str | None, state: str | None) -> dict[str, Any] | None:
        """The sign-in's data (verifier, next) when the cookie and ``state`` match; consumed either way."""
        if not cookie or not state:
            return None
        row = self._store.web_session(key_hash(cookie))
        if row is None or row.kind != "signin":
            return None
        self._store.delete_web_session(row.key_hash)
        if not secrets.compare_digest(str(row.data.get("state", "")), state):
            return None
        return row.data

    def create(self, person: ZohoPerson, *, admin: bool) -> str:
        cookie = secrets.token_urlsafe(32)
        data = {
            "user_id": person.user_id,
            "email": person.email,
            "name": person.name,
            "profile": person.profile,
            "is_admin": admin,
            "org_id": person.org_id,
            "skipped": [],
        }
        self._store.create_web_session(
            key_hash(cookie), kind="session", data=data, csrf_token=secrets.token_urlsafe(32), ttl_seconds=self._seconds
        )
        return cookie

    def viewer(self, cookie: str | None) -> Viewer | None:
        if not cookie:
            return None
        row = self._store.web_session(key_hash(cookie))
        if row is None or row.kind != "session":
            return None
        return Viewer(**row.data, csrf_token=row.csrf_token, key_hash=row.key_hash)

    def remember_skip(self, viewer: Viewer, rec_id: str) -> None:
        row = self._store.web_session(viewer.key_hash)
        if row is None:
            return
        skipped = [*row.data.get("skipped", []), rec_id][-500:]
        self._store.update_web_session(viewer.key_hash, {**row.data, "skipped": skipped})

    def end(self, viewer: Viewer) -> None:
        self._store.delete_web_session(viewer.key_hash)
