"""REST tier and OAuth refresh against a scripted Zoho behind ``httpx.MockTransport``."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from integrations.zoho.errors import (
    ZohoAuthError,
    ZohoNotFoundError,
    ZohoRateLimitedError,
    ZohoUnavailableError,
    ZohoValidationError,
)
from integrations.zoho.oauth import OAuthClient, TokenManager
from integrations.zoho.rest_tier import RestTier
from integrations.zoho.token_store import FileTokenStore

BASE = "http://zoho.test"


class FakeZoho:
    """A tiny scripted Zoho: OAuth + a few endpoints, with programmable failures."""

    def __init__(self, records: int = 0) -> None:
        self.records = [{"id": str(1000 + i), "Account_Name": f"Acme {i}"} for i in range(records)]
        self.token_calls = 0
        self.api_calls = 0
        self.valid_tokens: set[str] = set()
        self.script: list[httpx.Response] = []  # responses returned before normal handling
        self.oauth_reply: dict[str, Any] | None = None
        self.seen: list[httpx.Request] = []

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request)
        if request.url.path == "/oauth/v2/token":
            self.token_calls += 1
            if self.oauth_reply is not None:
                return httpx.Response(200, json=self.oauth_reply)
            token = f"1000.tok{self.token_calls}"
            self.valid_tokens = {token}
            return httpx.Response(
                200,
                json={"access_token": token, "expires_in": 3600, "api_domain": BASE, "token_type": "Bearer"},
            )
        self.api_calls += 1
        if self.script:
            return self.script.pop(0)
        auth = request.headers.get("authorization", "")
        if auth.removeprefix("Zoho-oauthtoken ") not in self.valid_tokens:
            return httpx.Response(
                401,
                json={
                    "code": "INVALID_TOKEN",
                    "details": {},
                    "message": "invalid oauth token",
                    "status": "error",
                },
            )
        if request.url.path == "/crm/v8/Accounts":
            return self._list(request)
        if request.url.path.startswith("/crm/v8/Accounts/"):
            return httpx.Response(204)
        return httpx.Response(404, json={"code": "INVALID_URL_PATTERN", "message": "bad url", "status": "error"})

    def _list(self, request: httpx.Request) -> httpx.Response:
        params = request.url.params
        per_page = int(params.get("per_page", 200))
        if "page_token" in params:
            start = int(params["page_token"].removeprefix("tok-"))
        else:
            page = int(params.get("page", 1))
            if page * per_page > 2000:
                return httpx.Response(
                    400,
                    json={
                        "code": "DISCRETE_PAGINATION_LIMIT_EXCEEDED",
                        "message": "use page_token",
                        "status": "error",
                        "details": {"limit": 2000},
                    },
                )
            start = (page - 1) * per_page
        chunk = self.records[start : start + per_page]
        if not chunk:
            return httpx.Response(204)
        more = start + per_page < len(self.records)
        return httpx.Response(
            200,
            json={
                "data": chunk,
                "info": {
                    "more_records": more,
                    "count": len(chunk),
                    "next_page_token": f"tok-{start + per_page}" if more else None,
                },
            },
        )


def _tier(fake: FakeZoho, tmp_path: Path, **kwargs: Any) -> RestTier:
    transport = httpx.MockTransport(fake.handler)
    tokens = TokenManager(
        OAuthClient(
            accounts_url=BASE,
            client_id="1000.CID",
            client_secret=SecretStr("s3cret"),
            refresh_token=SecretStr("1000.refresh"),
        ),
        FileTokenStore(tmp_path / "tokens"),
        http=httpx.AsyncClient(transport=transport),
    )
    return RestTier(BASE, tokens, transport=transport, backoff_base=0.001, backoff_max=0.01, **kwargs)


async def test_list_pages_switch_to_page_token_after_2000(tmp_path: Path) -> None:
    fake = FakeZoho(records=2450)
    tier = _tier(fake, tmp_path)
    rows = [r async for page in tier.list_pages("Accounts", ["Account_Name"]) for r in page]
    assert len(rows) == 2450 and len({r["id"] for r in rows}) == 2450
    assert fake.api_calls == 13  # pages 1..10, then three page_token calls
    assert fake.token_calls == 1
    await tier.aclose()


async def test_refreshes_once_on_invalid_token_and_retries(tmp_path: Path) -> None:
    fake = FakeZoho(records=3)
    tier = _tier(fake, tmp_path)
    await tier.get_records_by_ids("Accounts", ["1000"])
    fake.valid_tokens = set()  # Zoho revokes the access token mid-run
    rows = [r async for page in tier.list_pages("Accounts", ["Account_Name"]) for r in page]
    assert len(rows) == 3
    assert fake.token_calls == 2
    await tier.aclose()


async def _tier_replying(fake: FakeZoho, tmp_path: Path, status: int, code: str, times: int, **kwargs: Any) -> RestTier:
    """A tier whose next ``times`` API calls are answered ``status`` / ``code``."""
    tier = _tier(fake, tmp_path, **kwargs)
    await tier.tokens.access_token()
    fake.script = [httpx.Response(status, json={"code": code, "status": "error"}) for _ in range(times)]
    return tier


async def test_429_storm_is_absorbed_by_backoff(tmp_path: Path) -> None:
    fake = FakeZoho(records=1)
    tier = await _tier_replying(fake, tmp_path, 429, "TOO_MANY_REQUESTS", 4, max_retries=5)
    rows = await tier.get_records_by_ids("Accounts", ["1000"])
    assert [r["id"] for r in rows] == ["1000"]
    assert fake.api_calls == 5


async def test_retries_of_server_errors_are_bounded_by_max_retries(tmp_path: Path) -> None:
    fake = FakeZoho(records=1)
    tier = await _tier_replying(fake, tmp_path, 500, "INTERNAL_ERROR", 10, max_retries=2)
    with pytest.raises(ZohoUnavailableError):
        await tier.get_records_by_ids("Accounts", ["1000"])
    assert fake.api_calls == 3


async def test_429s_are_retried_for_the_rate_limit_patience_then_raised(tmp_path: Path) -> None:
    fake = FakeZoho(records=1)
    tier = await _tier_replying(
        fake, tmp_path, 429, "TOO_MANY_REQUESTS", 10_000, max_retries=2, rate_limit_patience=0.2
    )
    started = time.monotonic()
    with pytest.raises(ZohoRateLimitedError):
        await tier.get_records_by_ids("Accounts", ["1000"])
    assert 0.2 <= time.monotonic() - started < 5
    assert fake.api_calls > 3, "429s have their own budget, longer than max_retries"


async def test_a_429_storm_longer_than_max_retries_is_absorbed(tmp_path: Path) -> None:
    fake = FakeZoho(records=1)
    tier = await _tier_replying(fake, tmp_path, 429, "TOO_MANY_REQUESTS", 12, max_retries=2)
    rows = await tier.get_records_by_ids("Accounts", ["1000"])
    assert [r["id"] for r in rows] == ["1000"] and fake.api_calls == 13


async def test_bad_refresh_token_is_one_clear_auth_error(tmp_path: Path) -> None:
    fake = FakeZoho()
    fake.oauth_reply = {"error": "invalid_code"}
    tier = _tier(fake, tmp_path)
    with pytest.raises(ZohoAuthError) as info:
        await tier.get_record("Accounts", "1000")
    assert info.value.code == "invalid_code"
    assert fake.token_calls == 1 and fake.api_calls == 0
    assert "s3cret" not in str(info.value) and "1000.refresh" not in repr(tier.tokens)


async def test_error_envelopes_map_to_the_tree(tmp_path: Path) -> None:
    fake = FakeZoho()
    tier = _tier(fake, tmp_path, max_retries=0)
    await tier.tokens.access_token()
    fake.script = [
        httpx.Response(
            400,
            json={
                "code": "INVALID_DATA",
                "message": "bad",
                "status": "error",
                "details": {"api_name": "Stage"},
            },
        )
    ]
    with pytest.raises(ZohoValidationError) as info:
        await tier.get_record("Deals", "1")
    assert info.value.details == {"api_name": "Stage"}
    with pytest.raises(ZohoNotFoundError):
        await tier.get_record("Nope", "1")
    fake.script = [httpx.Response(200, content=b'{"data":[{"id":"64')]
    with pytest.raises(ZohoUnavailableError):
        await tier.get_record("Accounts", "1")


async def test_connection_errors_become_unavailable(tmp_path: Path) -> None:
    calls = {"n": 0}

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth/v2/token":
            return httpx.Response(200, json={"access_token": "a", "expires_in": 3600})
        calls["n"] += 1
        raise httpx.ConnectError("refused", request=request)

    transport = httpx.MockTransport(handler)
    tokens = TokenManager(
        OAuthClient(accounts_url=BASE, client_id="c", client_secret=SecretStr("s"), refresh_token=SecretStr("r")),
        FileTokenStore(tmp_path / "t"),
        http=httpx.AsyncClient(transport=transport),
    )
    tier = RestTier(BASE, tokens, transport=transport, max_retries=2, backoff_base=0.001)
    with pytest.raises(ZohoUnavailableError) as info:
        await tier.get_record("Accounts", "1")
    assert info.value.code == "ConnectError" and calls["n"] == 3


async def test_create_is_not_retried_after_the_request_may_have_arrived(tmp_path: Path) -> None:
    fake = FakeZoho()
    tier = _tier(fake, tmp_path)
    await tier.tokens.access_token()
    fake.script = [
        httpx.Response(500, json={"code": "INTERNAL_ERROR", "status": "error"}),
        httpx.Response(201, json={"data": [{"status": "success", "details": {"id": "1"}}]}),
    ]
    with pytest.raises(ZohoUnavailableError):
        await tier.create_records("Tasks", [{"Subject": "x"}])
    assert fake.api_calls == 1
    body = json.loads(fake.seen[-1].content)
    assert body == {"data": [{"Subject": "x"}]}
