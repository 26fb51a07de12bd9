"""``Authorization: Zoho-oauthtoken …`` on every call to Zoho, and one refresh when Zoho refuses the token.

The rule, written once: take the access token from ``TokenManager`` (one token per refresh token, shared by
every process through the token store, with the token endpoint's throttle respected), send; when Zoho says
the token is refused (``401 INVALID_TOKEN``: revoked or expired early), ``invalidate`` it (which refreshes
unless another request or process already did, so any number of concurrent refusals make one refresh) and
send once more. A second refusal goes back to the caller, which maps it to ``ZohoAuthError``.

- ``ZohoAuth``: the rule as an ``httpx.Auth``; it is also an ``httpx2.Auth``, the httpx fork that the ``mcp``
  package's streamable HTTP client uses, so the REST tier (and the listener through it) and the MCP tier's
  transport share one class.
- ``with_token_retry``: the same rule for a call that does not go through httpx (the official SDK; a tool
  result of Zoho's MCP server that says the token was refused).
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Awaitable, Callable, Generator
from typing import Any, NoReturn, TypeVar

import httpx
import httpx2

from integrations.zoho.errors import ZohoError
from integrations.zoho.oauth import TokenManager

T = TypeVar("T")


def refused_token(status: int | None, code: str | None) -> bool:
    """Zoho refused the access token itself (``INVALID_TOKEN``, or a bare 401): a fresh token may work."""
    return code == "INVALID_TOKEN" or (status == 401 and not code)


def _code(response: Any) -> str | None:
    try:
        body = response.json()
    except ValueError:
        return None
    code = body.get("code") if isinstance(body, dict) else None
    return str(code) if code else None


class ZohoAuth(httpx.Auth, httpx2.Auth):
    """Signs each request with the shared access token; on a refused token refreshes once and resends."""

    def __init__(self, tokens: TokenManager) -> None:
        self.tokens = tokens

    async def async_auth_flow(self, request: Any) -> AsyncGenerator[Any, Any]:
        token = await self.tokens.access_token()
        request.headers["Authorization"] = f"Zoho-oauthtoken {token}"
        response = yield request
        if response.status_code != 401:
            return
        await response.aread()  # only a 401's body is read here: a streamed answer (MCP's SSE) is left alone
        if refused_token(401, _code(response)):
            request.headers["Authorization"] = f"Zoho-oauthtoken {await self.tokens.invalidate(token)}"
            yield request

    def sync_auth_flow(self, request: Any) -> Generator[Any, Any, None]:
        _async_only()
        yield request  # pragma: no cover

    def auth_flow(self, request: Any) -> Generator[Any, Any, None]:
        _async_only()
        yield request  # pragma: no cover


def _async_only() -> NoReturn:
    raise RuntimeError("ZohoAuth signs async clients only (the token manager is async)")


async def with_token_retry(tokens: TokenManager | None, attempt: Callable[[], Awaitable[T]]) -> T:
    """Run ``attempt`` (which reads the access token from ``tokens``' store); when it raises a ``ZohoError``
    for a refused token, refresh once and run it again. ``tokens=None`` (fixed credentials): run it once."""
    if tokens is None:
        return await attempt()
    stale = await tokens.access_token()  # the store holds a valid token before the call reads it
    try:
        return await attempt()
    except ZohoError as exc:
        if not refused_token(exc.status, exc.code):
            raise
    await tokens.invalidate(stale)
    return await attempt()
