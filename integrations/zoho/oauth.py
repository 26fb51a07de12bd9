"""Our own OAuth refresh, shared by every tier (the SDK is handed the token we keep fresh).

``TokenManager.access_token()`` returns a token valid for at least ``margin``; it refreshes ahead of
expiry, at most one refresh at a time per identity: an ``asyncio.Lock`` inside the process and the
token store's ``refresh_lock`` across processes (double-checked after taking the lock, so a waiter
uses the token the winner just saved). ``invalidate(stale)`` is called after a 401 INVALID_TOKEN.

Zoho lets one refresh token make 10 access tokens in 10 minutes; past that its accounts server answers
"Access Denied" (``ZohoTokenThrottledError``). The manager then backs off: no further token request until
the 10 minutes have passed (``throttled_until``), while a token another process saves in the shared store
meanwhile is still used.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from pydantic import BaseModel, SecretStr

from integrations.zoho.error_mapping import TOKEN_THROTTLE_SECONDS, map_httpx_error, map_oauth_error
from integrations.zoho.errors import ZohoError, ZohoTokenThrottledError, ZohoTransientError
from integrations.zoho.token_store import TokenRecord, TokenStore, token_key


class OAuthClient(BaseModel):
    """Who we are to Zoho's accounts server. Secrets never show in repr."""

    accounts_url: str
    client_id: str
    client_secret: SecretStr
    refresh_token: SecretStr

    @property
    def token_url(self) -> str:
        base = self.accounts_url.rstrip("/")
        return base if base.endswith("/oauth/v2/token") else f"{base}/oauth/v2/token"

    @property
    def key(self) -> str:
        return token_key(self.client_id, self.refresh_token.get_secret_value())


class TokenManager:
    def __init__(
        self,
        client: OAuthClient,
        store: TokenStore,
        *,
        http: httpx.AsyncClient,
        margin: timedelta = timedelta(seconds=60),
        attempts: int = 3,
    ) -> None:
        self.client = client
        self.store = store
        self._http = http
        self._margin = margin
        self._attempts = attempts
        self._lock = asyncio.Lock()
        self.refreshes = 0
        self.throttled_until: datetime | None = None  # the accounts server refuses new tokens until then

    @property
    def key(self) -> str:
        return self.client.key

    def __repr__(self) -> str:
        return f"<TokenManager key={self.key} store={self.store!r}>"

    async def record(self) -> TokenRecord | None:
        return await asyncio.to_thread(self.store.get, self.key)

    async def access_token(self) -> str:
        """A valid access token (refreshing first when it expires within ``margin``)."""
        rec = await self.record()
        if rec is not None and rec.valid_for(self._margin) and rec.access_token is not None:
            return rec.access_token.get_secret_value()
        return await self._refresh(stale=None)

    async def invalidate(self, stale: str) -> str:
        """Zoho said the token ``stale`` is invalid: refresh unless someone already did."""
        return await self._refresh(stale=stale)

    async def _refresh(self, *, stale: str | None) -> str:
        async with self._lock:
            lock = self.store.refresh_lock(self.key)
            await asyncio.to_thread(lock.__enter__)
            try:
                rec = await self.record()
                current = rec.access_token.get_secret_value() if rec and rec.access_token else None
                if rec is not None and current is not None and rec.valid_for(self._margin) and current != stale:
                    return current
                self._check_throttle()
                try:
                    fresh = await self._call_token_endpoint()
                except ZohoTokenThrottledError as exc:
                    self.throttled_until = datetime.now(UTC) + timedelta(seconds=TOKEN_THROTTLE_SECONDS)
                    raise self._throttled(exc) from None
                await asyncio.to_thread(self.store.save, fresh)
                self.refreshes += 1
                assert fresh.access_token is not None
                return fresh.access_token.get_secret_value()
            finally:
                await asyncio.to_thread(lock.__exit__, None, None, None)

    def _check_throttle(self) -> None:
        """Back off: while Zoho refuses new tokens, do not ask again (each refusal may extend the block)."""
        if self.throttled_until is not None and datetime.now(UTC) < self.throttled_until:
            raise self._throttled(None)
        self.throttled_until = None

    def _throttled(self, cause: ZohoTokenThrottledError | None) -> ZohoTokenThrottledError:
        until = self.throttled_until or datetime.now(UTC) + timedelta(seconds=TOKEN_THROTTLE_SECONDS)
        when = until.astimezone(UTC).strftime("%H:%M UTC")
        return ZohoTokenThrottledError(
            f"Zoho is not issuing new access tokens for this refresh token until about {when} (10 tokens in "
            "10 minutes were made); the credentials themselves are fine",
            status=cause.status if cause else None,
            code="ACCESS_DENIED",
            tier="oauth",
            details={"retry_at": until.isoformat()},
        )

    async def _call_token_endpoint(self) -> TokenRecord:
        data = {
            "grant_type": "refresh_token",
            "client_id": self.client.client_id,
            "client_secret": self.client.client_secret.get_secret_value(),
            "refresh_token": self.client.refresh_token.get_secret_value(),
        }
        last: ZohoError | None = None
        for attempt in range(self._attempts):
            try:
                response = await self._http.post(self.client.token_url, data=data)
            except httpx.HTTPError as exc:
                last = map_httpx_error(exc, tier="oauth")
            else:
                body = _json(response)
                if response.status_code == 200 and body and body.get("access_token"):
                    expires_in = int(body.get("expires_in") or 3600)
                    if "expires_in_sec" in body:  # then expires_in is in milliseconds
                        expires_in = int(body["expires_in_sec"])
                    return TokenRecord(
                        key=self.key,
                        client_id=self.client.client_id,
                        refresh_token=self.client.refresh_token,
                        access_token=SecretStr(str(body["access_token"])),
                        expires_at=datetime.now(UTC) + timedelta(seconds=expires_in),
                        api_domain=body.get("api_domain"),
                        updated_at=datetime.now(UTC),
                    )
                last = map_oauth_error(body, response.status_code, tier="oauth")
            if not isinstance(last, ZohoTransientError):
                raise last
            await asyncio.sleep(min(0.2 * (2**attempt), 2.0))
        assert last is not None
        raise last


def _json(response: httpx.Response) -> dict[str, Any] | None:
    try:
        value = response.json()
    except ValueError:
        return None
    return value if isinstance(value, dict) else None
