"""Injected faults, seen by a raw httpx client the way Zoho (or a broken network) would show them."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
import pytest
from sandbox_rest import access_token

from sandbox.embedded import RunningSandbox

pytestmark = pytest.mark.faults


def _client(sb: RunningSandbox) -> httpx.Client:
    return httpx.Client(base_url=sb.base_url, headers={"Authorization": f"Zoho-oauthtoken {access_token(sb)}"})


def _fault(sb: RunningSandbox, **spec: Any) -> None:
    assert httpx.post(f"{sb.base_url}/__sandbox/faults", json=spec).status_code == 200


def test_429_500_malformed_then_normal(sandbox: RunningSandbox) -> None:
    api = _client(sandbox)
    _fault(sandbox, kind="429", count=1)
    limited = api.get("/crm/v8/org")
    assert limited.status_code == 429 and limited.json()["code"] == "TOO_MANY_REQUESTS"
    assert "retry-after" not in limited.headers
    _fault(sandbox, kind="500", count=1)
    broken = api.get("/crm/v8/org")
    assert broken.status_code == 500 and broken.json()["code"] == "INTERNAL_ERROR"
    _fault(sandbox, kind="malformed", count=1)
    garbled = api.get("/crm/v8/org")
    assert garbled.status_code == 200
    with pytest.raises(ValueError):
        garbled.json()
    assert api.get("/crm/v8/org").status_code == 200


def test_path_prefix_and_clear(sandbox: RunningSandbox) -> None:
    api = _client(sandbox)
    _fault(sandbox, kind="500", count=5, path_prefix="/crm/v8/coql")
    assert api.get("/crm/v8/org").status_code == 200
    assert api.post("/crm/v8/coql", json={"select_query": "select id from Accounts"}).status_code == 500
    assert httpx.delete(f"{sandbox.base_url}/__sandbox/faults").status_code == 200
    assert api.post("/crm/v8/coql", json={"select_query": "select id from Accounts limit 1"}).status_code == 200


def test_ratio_for_seconds(sandbox: RunningSandbox) -> None:
    api = _client(sandbox)
    _fault(sandbox, kind="429", ratio=1.0, seconds=2)  # long enough for the first call on a loaded machine
    assert api.get("/crm/v8/org").status_code == 429
    deadline = time.monotonic() + 60
    while (status := api.get("/crm/v8/org").status_code) == 429 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert status == 200  # the fault ended by itself


def test_latency(sandbox: RunningSandbox) -> None:
    api = _client(sandbox)
    _fault(sandbox, kind="latency", count=1, latency_ms=400)
    started = time.perf_counter()
    assert api.get("/crm/v8/org").status_code == 200
    assert time.perf_counter() - started >= 0.4
    with pytest.raises(httpx.ReadTimeout):
        _fault(sandbox, kind="latency", count=1, latency_ms=1500)
        api.get("/crm/v8/org", timeout=0.3)


def test_drop_is_a_transport_error(sandbox: RunningSandbox) -> None:
    api = _client(sandbox)
    _fault(sandbox, kind="drop", count=1)
    with pytest.raises(httpx.TransportError):
        api.get("/crm/v8/org")
    assert api.get("/crm/v8/org").status_code == 200


def test_expire_tokens(sandbox: RunningSandbox) -> None:
    api = _client(sandbox)
    assert api.get("/crm/v8/org").status_code == 200
    _fault(sandbox, kind="expire_tokens")
    expired = api.get("/crm/v8/org")
    assert expired.status_code == 401 and expired.json()["code"] == "INVALID_TOKEN"
    assert _client(sandbox).get("/crm/v8/org").status_code == 200


async def test_concurrency_limit_answers_429(sandbox: RunningSandbox) -> None:
    httpx.post(f"{sandbox.base_url}/__sandbox/config", json={"concurrency_limit": 2})
    _fault(sandbox, kind="latency", ratio=1.0, seconds=5, latency_ms=300)
    sync = _client(sandbox)
    async with httpx.AsyncClient(base_url=sandbox.base_url, headers=dict(sync.headers)) as api:
        results = await asyncio.gather(*(api.get("/crm/v8/org") for _ in range(5)))
    codes = sorted(r.status_code for r in results)
    assert codes.count(200) == 2 and codes.count(429) == 3
    assert all(r.json()["code"] == "TOO_MANY_REQUESTS" for r in results if r.status_code == 429)


def test_stats_count_calls_and_credits(sandbox: RunningSandbox) -> None:
    api = _client(sandbox)
    httpx.post(f"{sandbox.base_url}/__sandbox/stats/reset")
    api.get("/crm/v8/Accounts", params={"fields": "Account_Name"})
    api.post("/crm/v8/Accounts", json={"data": [{"Account_Name": f"Co {i}"} for i in range(25)]})
    stats = httpx.get(f"{sandbox.base_url}/__sandbox/stats").json()
    assert stats["calls"] == 2 and stats["credits"] == 1 + 3
    assert stats["by_endpoint"]["GET /crm/v8/{module}"] == {"calls": 1, "credits": 1}
