"""``page_token`` cursors: opaque, bound to the user and the other query parameters, valid 24 h."""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from sandbox.responses import ZohoHTTPError


@dataclass(frozen=True)
class Cursor:
    user_id: str
    binding: str
    offset: int
    page: int
    expires_at: float


class PageTokens:
    """Server-side table of issued page tokens."""

    def __init__(self, ttl_seconds: float = 86_400, clock: Callable[[], float] = time.time) -> None:
        self.ttl_seconds = ttl_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._tokens: dict[str, Cursor] = {}

    def issue(self, user_id: str, binding: str, offset: int, page: int) -> tuple[str, float]:
        token = secrets.token_hex(24)
        expires_at = self._clock() + self.ttl_seconds
        with self._lock:
            self._tokens[token] = Cursor(user_id, binding, offset, page, expires_at)
        return token, expires_at

    def resolve(self, token: str, user_id: str, binding: str) -> Cursor:
        """The cursor of ``token``; raises the Zoho error when it is bad, foreign, changed or expired."""
        with self._lock:
            cursor = self._tokens.get(token)
        if cursor is None or cursor.user_id != user_id:
            raise ZohoHTTPError("INVALID_DATA", "invalid data", 400, {"param_name": "page_token"})
        if cursor.expires_at <= self._clock():
            raise ZohoHTTPError("EXPIRED_VALUE", "the page_token has expired", 400, {"param_name": "page_token"})
        if cursor.binding != binding:
            raise ZohoHTTPError(
                "TOKEN_BOUND_DATA_MISMATCH",
                "the parameters given do not match those the page_token was issued for",
                400,
                {"param_name": "page_token"},
            )
        return cursor

    def expire_all(self) -> None:
        with self._lock:
            self._tokens.clear()
