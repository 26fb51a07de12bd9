"""The sandbox meters Zoho's API credits by edition and throttles the token endpoint as Zoho documents."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from sandbox.credits import EDITIONS, edition
from sandbox.embedded import RunningSandbox, start_sandbox


@pytest.fixture
def free_org(tmp_path: Path) -> Iterator[RunningSandbox]:
    with start_sandbox(tmp_path / "sandbox", accounts=20, seed=7, edition="free") as running:
        yield running


def _token(sandbox: RunningSandbox) -> dict[str, Any]:
    form = {
        "grant_type": "refresh_token",
        "client_id": sandbox.client_id,
        "client_secret": sandbox.client_secret,
        "refresh_token": sandbox.refresh_token,
    }
    reply = httpx.post(sandbox.accounts_url, data=form)
    assert reply.status_code == 200  # Zoho answers token errors with 200 too
    return dict(reply.json())


def _api(sandbox: RunningSandbox) -> httpx.Client:
    token = _token(sandbox)["access_token"]
    return httpx.Client(base_url=sandbox.base_url, headers={"Authorization": f"Zoho-oauthtoken {token}"})


def _org_credits(sandbox: RunningSandbox) -> dict[str, Any]:
    return dict(httpx.get(f"{sandbox.base_url}/__sandbox/stats").json()["org_credits"])


def test_edition_limits_follow_zohos_published_figures() -> None:
    assert edition("free").limit(50) == 5_000
    assert edition("standard").limit(10) == 52_500  # Zoho's own worked example
    assert edition("standard").limit(1_000) == 100_000  # capped at the edition's maximum
    assert edition("enterprise").limit(100) == 150_000
    assert edition("enterprise").limit(100, addon_credits=10_000_000) == 5_000_000  # add-ons within the maximum
    assert edition("professional").limit(10, addon_credits=1_000) == 56_000
    assert edition("ultimate").limit(10_000) == 50_000 + 10_000 * 2_000  # no maximum
    assert [EDITIONS[name].concurrency for name in EDITIONS] == [5, 10, 15, 20, 25]
    with pytest.raises(ValueError, match="choose one of free, standard"):
        edition("platinum")


def test_calls_cost_what_zoho_charges(free_org: RunningSandbox) -> None:
    api = _api(free_org)
    before = _org_credits(free_org)["used"]
    api.get("/crm/v8/Accounts", params={"fields": "Account_Name"})  # 1
    api.post("/crm/v8/coql", json={"select_query": "select id from Accounts where id is not null limit 2000"})  # 3
    api.post("/crm/v8/coql", json={"select_query": "select id from Accounts where id is not null limit 500"})  # 2
    api.post("/crm/v8/Accounts", json={"data": [{"Account_Name": f"Co {i}"} for i in range(25)]})  # 3
    api.get("/crm/v8/Accounts/deleted")  # 2 (Zoho: "Get IDs of deleted records")
    api.post("/crm/bulk/v8/read", json={"query": {"module": {"api_name": "Accounts"}}})  # 50
    assert _org_credits(free_org)["used"] - before == 1 + 3 + 2 + 3 + 2 + 50


def test_exhausted_credits_answer_429_until_they_roll_out_of_the_window(free_org: RunningSandbox) -> None:
    api = _api(free_org)
    assert _org_credits(free_org) | {"next_release_at": None} == {
        "edition": "free",
        "limit": 5000,
        "used": 0,
        "left": 5000,
        "window_hours": 24,
        "next_release_at": None,
    }
    httpx.post(f"{free_org.base_url}/__sandbox/credits", json={"spend": 4999})  # another integration's calls
    assert api.get("/crm/v8/org").status_code == 200
    refused = api.get("/crm/v8/org")
    assert refused.status_code == 429
    body = refused.json()
    assert body["code"] == "TOO_MANY_REQUESTS" and body["status"] == "error"
    assert "credits" in body["message"]  # what tells it from the concurrency 429 (same code)
    left = _org_credits(free_org)
    assert left["used"] == 5000 and left["left"] == 0 and left["next_release_at"]  # refusals cost nothing
    httpx.post(f"{free_org.base_url}/__sandbox/clock", json={"advance_seconds": 24 * 3600 + 1})
    assert _org_credits(free_org)["used"] == 0
    assert _api(free_org).get("/crm/v8/org").status_code == 200


def test_token_endpoint_throttles_ten_tokens_per_ten_minutes(free_org: RunningSandbox) -> None:
    tokens = [_token(free_org)["access_token"] for _ in range(10)]
    denied = _token(free_org)
    assert denied == {
        "error_description": "You have made too many requests continuously. Please try again after some time.",
        "error": "Access Denied",
        "status": "failure",
    }
    api = httpx.Client(base_url=free_org.base_url, headers={"Authorization": f"Zoho-oauthtoken {tokens[-1]}"})
    assert api.get("/crm/v8/org").status_code == 200  # tokens already made stay good
    httpx.post(f"{free_org.base_url}/__sandbox/clock", json={"advance_seconds": 601})
    assert "access_token" in _token(free_org)


def test_sixteenth_live_token_invalidates_the_oldest(free_org: RunningSandbox) -> None:
    first = [_token(free_org)["access_token"] for _ in range(10)]
    httpx.post(f"{free_org.base_url}/__sandbox/clock", json={"advance_seconds": 601})
    [_token(free_org)["access_token"] for _ in range(6)]

    def status(token: str) -> int:
        headers = {"Authorization": f"Zoho-oauthtoken {token}"}
        return httpx.get(f"{free_org.base_url}/crm/v8/org", headers=headers).status_code

    assert status(first[0]) == 401
    assert status(first[1]) == 200


def test_sandbox_command_refuses_an_unknown_edition(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from cli.sandbox_command import run
    from config import load_settings

    assert run(load_settings(home=tmp_path / "home"), port=0, edition="platinum") == 2
    assert "choose one of free, standard, professional, enterprise, ultimate" in capsys.readouterr().out
