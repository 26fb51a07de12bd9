"""A tiny authenticated REST adapter: ``(method, path, json) -> (status, body)``.

The listener needs three things the ``ZohoGateway`` contract does not offer: the ``actions/watch``
endpoints and reading records by id. Until the integration manager exposes a generic authenticated
REST call, this adapter does it with an injected ``httpx.AsyncClient`` and an OAuth refresh token.
It is the only module of ``listener/`` that sees httpx; its failures leave as ``ZohoError``s.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from integrations.zoho.error_mapping import map_httpx_error, map_oauth_error

# The seam every listener part uses to reach Zoho. ``path`` starts at the API root, e.g.
# "/crm/v8/actions/watch" or "/crm/v8/Deals?ids=1,2"; ``body`` is None for 204/304/empty replies.
ZohoRestCall = Callable[[str, str, dict[str, Any] | None], Awaitable[tuple[int, Any]]]


class OAuthRestClient:
    """Calls Zoho with ``Authorization: Zoho-oauthtoken <access>``, refreshing the token from the refresh
    token when it is missing, about to expire, or refused once with 401."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        api_base: str,
        accounts_base: str,
        client_id: str,
        client_secret: str,
        refresh_token: str,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._api_base = api_base.rstrip("/")
        self._accounts_base = accounts_base.rstrip("/")
        self._credentials = {
            "client_id": client_id,
            "client_secret": client_secret,
            "refresh_token": refresh_token,
            "grant_type": "refresh_token",
        }
        self._clock = clock
        self._access: str | None = None
        self._expires_at = 0.0
        self._lock = asyncio.Lock()

    async def _access_token(self, *, force: bool = False) -> str:
        async with self._lock:
            if not force and self._access and self._clock() < self._expires_at - 30:
                return self._access
            try:
                response = await self._client.post(f"{self._accounts_base}/oauth/v2/token", data=self._credentials)
            except httpx.HTTPError as exc:
                raise map_httpx_error(exc, tier="listener") from None
            try:
                body = response.json()
            except ValueError:
                body = None
            if response.status_code != 200 or not isinstance(body, dict) or not body.get("access_token"):
                raise map_oauth_error(body if isinstance(body, dict) else None, response.status_code, tier="listener")
            self._access = str(body["access_token"])
            self._expires_at = self._clock() + float(body.get("expires_in", 3600))
            return self._access

    async def __call__(self, method: str, path: str, body: dict[str, Any] | None) -> tuple[int, Any]:
        for attempt in (0, 1):
            token = await self._access_token(force=attempt == 1)
            try:
                response = await self._client.request(
                    method, f"{self._api_base}{path}", json=body, headers={"Authorization": f"Zoho-oauthtoken {token}"}
                )
            except httpx.HTTPError as exc:
                raise map_httpx_error(exc, tier="listener") from None
            if response.status_code == 401 and attempt == 0:
                continue  # the access token may have been revoked or expired early: refresh once
            if not response.content:
                return response.status_code, None
            try:
                return response.status_code, response.json()
            except ValueError:
                return response.status_code, {"code": "MALFORMED_REPLY", "message": response.text[:200]}
        raise AssertionError("unreachable")  # pragma: no cover


def tier_rest_call(tier: Any) -> ZohoRestCall:
    """The integration manager's REST tier (``manager.rest.request``: OAuth, retries with backoff,
    concurrency cap, errors already mapped to ``ZohoError``) as a ``ZohoRestCall``."""

    async def call(method: str, path: str, body: dict[str, Any] | None) -> tuple[int, Any]:
        response = await tier.request(method, path, json=body)
        if response.status_code in (204, 304) or not response.content:
            return int(response.status_code), None
        return int(response.status_code), response.json()

    return call
