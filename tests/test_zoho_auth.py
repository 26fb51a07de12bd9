"""``ZohoAuth`` at the transport boundary: a scripted Zoho behind ``httpx.MockTransport`` (and the
``httpx2`` fork the MCP client uses) that revokes access tokens; the SDK's rule through ``with_token_retry``."""

from __future__ import annotations

import asyncio
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import httpx2
import pytest
from pydantic import SecretStr

from integrations.zoho.auth import ZohoAuth, with_token_retry
from integrations.zoho.errors import ZohoAuthError, ZohoPermissionError
from integrations.zoho.mcp_tier import McpTier
from integrations.zoho.oauth import OAuthClient, TokenManager
from integrations.zoho.rest_tier import RestTier
from integrations.zoho.token_store import FileTokenStore

BASE = "http://zoho.test"


class RevokingZoho:
    """Mints ``tok1``, ``tok2``, ...; ``revoke()`` makes every token minted so far invalid; ``refuse_all``
    refuses even fresh ones (credentials Zoho will not honour)."""

    def __init__(self) -> None:
        self.minted = 0
        self.valid: set[str] = set()
        self.refuse_all = False
        self.api_calls = 0

    def revoke(self) -> None:
        self.valid = set()

    def handle(self, method: str, path: str, authorization: str) -> tuple[int, dict[str, Any]]:
        if path == "/oauth/v2/token":
            self.minted += 1
            token = f"tok{self.minted}"
            self.valid.add(token)
            return 200, {"access_token": token, "expires_in": 3600}
        self.api_calls += 1
        token = authorization.removeprefix("Zoho-oauthtoken ")
        if self.refuse_all or token not in self.valid:
            return 401, {"code": "INVALID_TOKEN", "message": "invalid oauth token", "status": "error"}
        return 200, {"data": [{"id": "1", "token": token}]}

    def httpx_handler(self, request: httpx.Request) -> httpx.Response:
        status, body = self.handle(request.method, request.url.path, request.headers.get("authorization", ""))
        return httpx.Response(status, json=body)

    def httpx2_handler(self, request: httpx2.Request) -> httpx2.Response:
        status, body = self.handle(request.method, request.url.path, request.headers.get("authorization", ""))
        return httpx2.Response(status, json=body)


@pytest.fixture
def zoho() -> RevokingZoho:
    return RevokingZoho()


@pytest.fixture
async def tokens(zoho: RevokingZoho, tmp_path: Path) -> Any:
    oauth = httpx.AsyncClient(transport=httpx.MockTransport(zoho.httpx_handler))
    client = OAuthClient(accounts_url=BASE, client_id="c", client_secret=SecretStr("s"), refresh_token=SecretStr("r"))
    yield TokenManager(client, FileTokenStore(tmp_path / "tokens"), http=oauth)
    await oauth.aclose()


@pytest.fixture
async def client(zoho: RevokingZoho, tokens: TokenManager) -> Any:
    async with httpx.AsyncClient(auth=ZohoAuth(tokens), transport=httpx.MockTransport(zoho.httpx_handler)) as http:
        yield http


async def test_a_revoked_token_is_refreshed_once_and_the_request_resent(
    zoho: RevokingZoho, tokens: TokenManager, client: httpx.AsyncClient
) -> None:
    assert (await client.get(f"{BASE}/crm/v8/Accounts")).json()["data"][0]["token"] == "tok1"
    zoho.revoke()
    response = await client.get(f"{BASE}/crm/v8/Accounts")
    assert response.status_code == 200 and response.json()["data"][0]["token"] == "tok2"
    assert (zoho.minted, tokens.refreshes, zoho.api_calls) == (2, 2, 3)


async def test_a_second_refusal_is_returned_and_the_rest_tier_raises_an_auth_error(
    zoho: RevokingZoho, tokens: TokenManager
) -> None:
    tier = RestTier(BASE, tokens, transport=httpx.MockTransport(zoho.httpx_handler), backoff_base=0.001)
    zoho.refuse_all = True
    with pytest.raises(ZohoAuthError) as info:
        await tier.get_record("Accounts", "1")
    assert info.value.status == 401 and info.value.code == "INVALID_TOKEN"
    assert zoho.api_calls == 2 and zoho.minted == 2  # one token, one refresh, never a third try
    assert tier.calls == 2 and tier.meter.credits == 0  # both requests counted; refused ones cost nothing
    await tier.aclose()


async def test_concurrent_refusals_make_one_refresh(
    zoho: RevokingZoho, tokens: TokenManager, client: httpx.AsyncClient
) -> None:
    await client.get(f"{BASE}/crm/v8/Accounts")
    zoho.revoke()
    answers = await asyncio.gather(*(client.get(f"{BASE}/crm/v8/Accounts/{n}") for n in range(20)))
    assert {a.status_code for a in answers} == {200}
    assert {a.json()["data"][0]["token"] for a in answers} == {"tok2"}
    assert zoho.minted == 2 and tokens.refreshes == 2


async def test_other_401s_are_not_a_reason_to_refresh(zoho: RevokingZoho, tokens: TokenManager, tmp_path: Path) -> None:
    def scope_mismatch(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth/v2/token":
            return zoho.httpx_handler(request)
        return httpx.Response(401, json={"code": "OAUTH_SCOPE_MISMATCH", "status": "error", "message": "scope"})

    transport = httpx.MockTransport(scope_mismatch)
    async with httpx.AsyncClient(auth=ZohoAuth(tokens), transport=transport) as http:
        assert (await http.get(f"{BASE}/crm/v8/Accounts")).status_code == 401
    assert zoho.minted == 1


async def test_the_mcp_clients_httpx2_is_signed_by_the_same_class(zoho: RevokingZoho, tokens: TokenManager) -> None:
    auth = ZohoAuth(tokens)
    async with httpx2.AsyncClient(auth=auth, transport=httpx2.MockTransport(zoho.httpx2_handler)) as http:
        assert (await http.post(f"{BASE}/mcp", json={})).json()["data"][0]["token"] == "tok1"
        zoho.revoke()
        assert (await http.post(f"{BASE}/mcp", json={})).json()["data"][0]["token"] == "tok2"
    assert zoho.minted == 2


async def test_calls_outside_httpx_follow_the_same_rule(zoho: RevokingZoho, tokens: TokenManager) -> None:
    sent: list[str] = []

    async def sdk_call() -> str:
        record = await tokens.record()  # the SDK reads the token from our store
        assert record is not None and record.access_token is not None
        token = record.access_token.get_secret_value()
        sent.append(token)
        status, body = zoho.handle("GET", "/crm/v8/Accounts", f"Zoho-oauthtoken {token}")
        if status == 401:
            raise ZohoAuthError("refused", status=401, code=body["code"], tier="sdk")
        return token

    await tokens.access_token()
    zoho.revoke()
    assert await with_token_retry(tokens, sdk_call) == "tok2"
    zoho.refuse_all = True
    with pytest.raises(ZohoAuthError):
        await with_token_retry(tokens, sdk_call)
    assert sent == ["tok1", "tok2", "tok2", "tok3"] and zoho.minted == 3

    async def forbidden() -> str:
        raise ZohoPermissionError("no", status=403, code="NO_PERMISSION")

    with pytest.raises(ZohoPermissionError):
        await with_token_retry(tokens, forbidden)
    assert zoho.minted == 3


class _RefusingMcp(BaseHTTPRequestHandler):
    """A Zoho MCP endpoint that refuses every access token at the HTTP level."""

    def do_POST(self) -> None:  # noqa: N802 (the stdlib's name)
        self.rfile.read(int(self.headers.get("content-length") or 0))
        self.server.authorizations.append(self.headers.get("authorization", ""))  # type: ignore[attr-defined]
        body = json.dumps({"code": "INVALID_TOKEN", "message": "invalid oauth token", "status": "error"}).encode()
        self.send_response(401)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


async def test_an_mcp_refusal_at_the_http_level_is_refreshed_once_not_twice(
    zoho: RevokingZoho, tokens: TokenManager
) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _RefusingMcp)
    server.authorizations = []  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    tier = McpTier(f"http://127.0.0.1:{server.server_port}/mcp", auth=ZohoAuth(tokens), timeout=10)
    try:
        with pytest.raises(ZohoAuthError):
            await tier.get_record("Accounts", "1")
    finally:
        await tier.aclose()
        server.shutdown()
        server.server_close()
    assert zoho.minted == 2  # the first token and one refresh
    assert server.authorizations == ["Zoho-oauthtoken tok1", "Zoho-oauthtoken tok2"]  # type: ignore[attr-defined]
