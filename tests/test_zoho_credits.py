"""API credits in the product: counted as Zoho charges them, capped per run, and a spent org stops a run
cleanly (no retry for minutes), with the sync resuming where it stopped."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from cli_support import run_main, sandbox_cli_env

from integrations.zoho.credits import CreditMeter, coql_credits, rest_credits, stop_message
from integrations.zoho.errors import (
    ZohoCreditBudgetError,
    ZohoCreditsExhaustedError,
    ZohoRateLimitedError,
    map_status,
)
from sandbox.embedded import RunningSandbox, start_sandbox

MODULES = ("Accounts", "Contacts", "Deals", "Tasks", "Notes")


@pytest.fixture
def free_org(tmp_path: Path) -> Iterator[RunningSandbox]:
    with start_sandbox(tmp_path / "sandbox", accounts=15, seed=7, edition="free") as running:
        yield running


def _org_credits(sandbox: RunningSandbox) -> dict[str, Any]:
    return dict(httpx.get(f"{sandbox.base_url}/__sandbox/stats").json()["org_credits"])


def test_costs_follow_zohos_credit_table() -> None:
    assert coql_credits("select id from Notes where id is not null limit 0, 2000") == 3
    assert coql_credits("select id from Notes where id is not null limit 1000") == 2
    assert coql_credits("select id from Notes where id is not null limit 200 offset 400") == 1
    assert coql_credits("select id from Notes where id is not null") == 1  # Zoho's default LIMIT is 200
    assert rest_credits("POST", "/crm/v8/coql", None, {"select_query": "select id from A limit 1500"}) == 3
    assert rest_credits("POST", "/crm/bulk/v8/read", None, {"query": {}}) == 50
    assert rest_credits("POST", "/crm/v8/Tasks", None, {"data": [{}] * 25}) == 3
    assert rest_credits("GET", "/crm/v8/Accounts/deleted") == 2
    assert rest_credits("GET", "/crm/v8/Accounts", {"cvid": "1"}) == 3
    assert rest_credits("POST", "/crm/v8/actions/watch", None, {"watch": [{}]}) == 1
    assert rest_credits("GET", "/crm/v8/Accounts/1") == 1


def test_a_429_saying_credits_is_not_the_concurrency_429() -> None:
    spent = map_status(429, {"code": "TOO_MANY_REQUESTS", "message": "API credits exhausted for the org"})
    busy = map_status(429, {"code": "TOO_MANY_REQUESTS", "message": "concurrency limit exceeded"})
    assert isinstance(spent, ZohoCreditsExhaustedError) and not isinstance(spent, ZohoRateLimitedError)
    assert isinstance(busy, ZohoRateLimitedError)
    back = spent.resume_by
    assert isinstance(back, datetime) and timedelta(hours=23) < back - datetime.now(UTC) <= timedelta(hours=24)
    assert "all of them by" in stop_message(spent) and "run again" in stop_message(spent)


def test_meter_refuses_a_call_past_the_budget_before_it_is_sent() -> None:
    meter = CreditMeter(budget=5)
    meter.charge(3)
    with pytest.raises(ZohoCreditBudgetError) as caught:
        meter.charge(3, operation="POST /crm/v8/coql")
    assert meter.credits == 3 and meter.calls == 1  # the refused call counts nothing
    assert "3 of 5" in str(caught.value) and "Run again" in stop_message(caught.value)


async def test_spent_org_credits_stop_a_call_at_once_and_match_zohos_count(
    free_org: RunningSandbox, tmp_path: Path
) -> None:
    from config import load_settings
    from integrations.zoho.connection import connection_from_sandbox
    from integrations.zoho.factory import build_gateway

    settings = load_settings(home=tmp_path / "home", zoho_rate_limit_patience_seconds=120)
    gateway = build_gateway(settings, connection=connection_from_sandbox(free_org, settings), use_mcp=False)
    try:
        before = _org_credits(free_org)["used"]
        pages = [page async for page in gateway.fetch_module("Accounts")]
        assert sum(len(p) for p in pages) == 15
        sdk_extra = _sdk_metadata_credits(free_org)
        assert gateway.api_credits() == _org_credits(free_org)["used"] - before - sdk_extra
        httpx.post(f"{free_org.base_url}/__sandbox/credits", json={"spend": _org_credits(free_org)["left"]})
        started = time.monotonic()
        with pytest.raises(ZohoCreditsExhaustedError):
            [page async for page in gateway.fetch_module("Contacts")]
        assert time.monotonic() - started < 10  # not retried for the 120 s of 429 patience
    finally:
        await gateway.aclose()


def _sdk_metadata_credits(sandbox: RunningSandbox) -> int:
    """Calls the official SDK makes on its own (fields, users, org metadata): Zoho charges them too."""
    by_endpoint = httpx.get(f"{sandbox.base_url}/__sandbox/stats").json()["by_endpoint"]
    own = ("GET /crm/v8/settings/fields", "GET /crm/v8/users", "GET /crm/v8/org", "GET /crm/v8/settings/modules")
    return sum(v["credits"] for k, v in by_endpoint.items() if k in own)


def _memory_stats(home: Path) -> Any:
    import asyncio

    from config import load_settings
    from memory.interface import open_memory

    async def read() -> Any:
        memory = await open_memory(load_settings(home=home), read_only=True)
        try:
            return await memory.stats()
        finally:
            await memory.aclose()

    return asyncio.run(read())


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_sync_stops_at_the_run_budget_and_the_next_run_finishes_without_duplicates(
    free_org: RunningSandbox, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    env = sandbox_cli_env(free_org, home, SERGAS_ZOHO_CREDIT_BUDGET="15")
    first = run_main(env, "sync", "--json")
    assert first.returncode == 4, first.stderr
    assert "credit budget is spent" in first.stderr and "Run again to continue" in first.stderr
    assert '"stopped": "Stopped: ' in first.stdout and '"api_credits": 15' in first.stdout
    assert _org_credits(free_org)["used"] <= 15 + 5  # the budget held (the SDK's own metadata reads aside)

    second = run_main(env, "sync")
    assert second.returncode == 0, second.stderr
    assert "resumed the sync the last run stopped" in second.stderr and "API credits" in second.stderr
    stats = _memory_stats(home)
    assert stats.records == {m: free_org.store.count(m) for m in MODULES}
    assert stats.pending == 0


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_sync_stops_when_zoho_says_credits_are_spent_and_resumes_a_day_later(
    free_org: RunningSandbox, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    env = sandbox_cli_env(free_org, home)
    httpx.post(f"{free_org.base_url}/__sandbox/credits", json={"spend": 5000 - 12})  # other integrations' day
    started = time.monotonic()
    first = run_main(env, "sync")
    assert first.returncode == 4, first.stderr
    assert time.monotonic() - started < 120  # no minutes of 429 retries per call
    assert "API credits for the rolling 24 hours are used up" in first.stderr
    assert "all of them by" in first.stderr and "UTC" in first.stderr
    assert _org_credits(free_org)["left"] == 0

    httpx.post(f"{free_org.base_url}/__sandbox/clock", json={"advance_seconds": 24 * 3600 + 60})
    second = run_main(env, "sync")
    assert second.returncode == 0, second.stderr
    stats = _memory_stats(home)
    assert stats.records == {m: free_org.store.count(m) for m in MODULES}


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_review_and_ask_report_credits_and_stop_cleanly_when_they_are_spent(
    free_org: RunningSandbox, tmp_path: Path
) -> None:
    import json

    env = sandbox_cli_env(free_org, tmp_path / "home")
    review = run_main(env, "review", "--json")
    assert review.returncode == 0, review.stderr
    document = json.loads(review.stdout)
    assert document["api_credits"] >= document["api_calls"] > 0

    account = free_org.store.list_records("Accounts")[0]["Account_Name"]
    ask = run_main(env, "ask", f"What should I do about {account}?", "--account", account, "--json")
    assert ask.returncode == 0, ask.stderr
    answered = json.loads(ask.stdout)
    assert answered["zoho_api_credits"] >= answered["zoho_api_calls"] > 0

    httpx.post(f"{free_org.base_url}/__sandbox/credits", json={"spend": _org_credits(free_org)["left"]})
    stopped = run_main(env, "review")
    assert stopped.returncode == 4, stopped.stderr
    assert "credits for the rolling 24 hours are used up" in stopped.stderr and "next review resumes" in stopped.stderr
    refused = run_main(env, "ask", f"What should I do about {account}?", "--account", account)
    assert refused.returncode == 1 and "all of them by" in refused.stderr


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_a_429_that_names_no_credits_still_stops_the_sync_after_the_patience(
    free_org: RunningSandbox, tmp_path: Path
) -> None:
    """Should Zoho's 429 for spent credits not say so (its docs name one code for both), the run still stops
    once the patience is spent, cleanly, instead of retrying every call for a minute for hours."""
    env = sandbox_cli_env(free_org, tmp_path / "home", SERGAS_ZOHO_RATE_LIMIT_PATIENCE_SECONDS="2")
    free_org.inject_fault(kind="429", ratio=1.0, seconds=120, path_prefix="/crm/v8/coql")
    started = time.monotonic()
    stopped = run_main(env, "sync")
    assert stopped.returncode == 4, stopped.stderr
    assert "kept answering 429" in stopped.stderr and time.monotonic() - started < 90
    free_org.clear_faults()
    finished = run_main(env, "sync")
    assert finished.returncode == 0, finished.stderr
    assert _memory_stats(tmp_path / "home").records == {m: free_org.store.count(m) for m in MODULES}


def test_the_embedded_sandbox_takes_its_edition_from_the_settings(tmp_path: Path) -> None:
    from config import load_settings
    from integrations.zoho.connection import zoho_connection

    settings = load_settings(home=tmp_path / "home", sandbox_accounts=5, sandbox_edition="free")
    with zoho_connection(settings) as connection:
        assert connection.embedded
        assert connection.sandbox.state.credits.snapshot()["limit"] == 5_000
        assert connection.sandbox.state.config.concurrency_limit == 5
