"""The listener service over real HTTP (uvicorn on 127.0.0.1), its persisted queue and its worker.

Callbacks are posted straight to the listener with httpx, as Zoho would; the review is a recording
fake (the listener is what is under test). Record ids here are account ids, so no Zoho is needed.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from listener.service import ListenerDeps, ListenerOptions, ListenerService

TOKEN = "test-verification-token-123"
ACCOUNTS = [f"58430000010{i:05d}" for i in range(10)]


class RecordingReview:
    """review_accounts fake: records every account reviewed and the agent budget it was given."""

    def __init__(self, *, cost_usd: float = 0.0, fail_first: int = 0, hang: bool = False) -> None:
        self.reviewed: list[str] = []
        self.budgets: list[float] = []
        self.calls = 0
        self._cost = cost_usd
        self._fail_first = fail_first
        self._hang = hang

    async def __call__(self, account_ids: list[str], *, agent_budget_usd: float) -> list[dict[str, Any]]:
        self.calls += 1
        if self._hang:
            await asyncio.Event().wait()
        if self.calls <= self._fail_first:
            raise RuntimeError("review pipeline down")
        self.reviewed += account_ids
        self.budgets.append(agent_budget_usd)
        cost = self._cost if agent_budget_usd > 0 else 0.0
        return [{"account_id": a, "cost_usd": cost} for a in account_ids]


async def accounts_only(module: str, ids: list[str]) -> set[str]:
    assert module == "Accounts"
    return set(ids)


async def no_sync(account_ids: list[str]) -> None:
    return None


def make_service(listener_dir: Path, review: RecordingReview, **options: Any) -> ListenerService:
    deps = ListenerDeps(resolve_accounts=accounts_only, sync_records=no_sync, review_accounts=review)
    options = {"debounce_seconds": 0.3, "retry_base_seconds": 0.1, **options}
    opts = ListenerOptions(port=0, token=TOKEN, **options)
    return ListenerService(listener_dir, deps, opts)


_SERVER_TIME = itertools.count(1_760_000_000_000)


def callback(account_id: str, token: str | None = TOKEN) -> dict[str, Any]:
    body: dict[str, Any] = {
        "server_time": next(_SERVER_TIME),  # each a distinct change (the same body again is a replay)
        "query_params": {},
        "module": "Accounts",
        "ids": [account_id],
        "operation": "update",
        "channel_id": "1000000000001",
        "affected_fields": [],
    }
    if token is not None:
        body["token"] = token
    return body


async def eventually(check: Callable[[], Awaitable[bool]], timeout: float = 60.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not await check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.05)


async def health(client: httpx.AsyncClient, service: ListenerService) -> dict[str, Any]:
    response = await client.get(f"{service.base_url}/health")
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


async def test_forged_callbacks_are_refused_and_nothing_is_queued(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    review = RecordingReview()
    forged = "forged-token-that-must-never-be-logged"
    async with make_service(tmp_path, review) as service, httpx.AsyncClient() as client:
        url = f"{service.base_url}/zoho/notify"
        wrong = await client.post(url, json=callback(ACCOUNTS[0], token=forged))
        missing = await client.post(url, json=callback(ACCOUNTS[0], token=None))
        garbage = await client.post(url, content=b"not json")
        assert (wrong.status_code, missing.status_code, garbage.status_code) == (403, 403, 400)
        other = await client.get(f"{service.base_url}/")
        assert other.status_code == 404  # nothing else is exposed
        state = await health(client, service)
        assert state["queue_depth"] == 0
        assert state["refused_callbacks"] == 3
        await asyncio.sleep(0.5)
    assert review.reviewed == []
    assert "refused a Zoho callback" in caplog.text
    assert forged not in caplog.text and TOKEN not in caplog.text


async def test_burst_of_100_callbacks_for_10_accounts_gives_10_reviews(tmp_path: Path) -> None:
    review = RecordingReview()
    # the listener's clock stands still during the burst, however long a loaded machine takes to send it: the
    # whole burst falls inside one debounce window, then the window passes
    window, now = 3.0, [time.time()]
    senders = [httpx.AsyncClient() for _ in range(10)]  # several connections, as Zoho's senders
    service = make_service(tmp_path, review, debounce_seconds=window, clock=lambda: now[0])
    async with service, httpx.AsyncClient() as client:
        url = f"{service.base_url}/zoho/notify"
        responses = await asyncio.gather(
            *(senders[i % 10].post(url, json=callback(ACCOUNTS[i % 10])) for i in range(100))
        )
        for sender in senders:
            await sender.aclose()
        assert [r.status_code for r in responses] == [200] * 100
        assert (await health(client, service))["queue_depth"] == 100  # all persisted, none reviewed yet
        assert review.calls == 0
        now[0] += window

        async def settled() -> bool:
            return (await health(client, service))["queue_depth"] == 0

        await eventually(settled)
        state = await health(client, service)
    assert Counter(review.reviewed) == Counter(ACCOUNTS)  # each account exactly once, none lost
    assert state["reviews_today"] == 10
    assert state["last_callback_at"] is not None


async def test_queue_survives_a_restart_mid_burst(tmp_path: Path) -> None:
    stuck = RecordingReview(hang=True)  # the first service dies mid-review
    service = make_service(tmp_path, stuck)
    await service.start()
    url = f"{service.base_url}/zoho/notify"
    accepted: set[str] = set()

    async with httpx.AsyncClient(timeout=5) as client:

        async def post(i: int) -> None:
            try:
                response = await client.post(url, json=callback(ACCOUNTS[i % 10]))
            except httpx.HTTPError:
                return  # the listener is gone: Zoho would retry this one
            if response.status_code == 200:
                accepted.add(ACCOUNTS[i % 10])

        burst = [asyncio.create_task(post(i)) for i in range(100)]
        await asyncio.sleep(0)
        for done, task in enumerate(asyncio.as_completed(burst), start=1):
            await task
            if done == 40:
                await service.stop()  # mid-burst, mid-review
        assert len(accepted) >= 1

    review = RecordingReview()
    restarted = make_service(tmp_path, review)
    async with restarted, httpx.AsyncClient() as client:

        async def settled() -> bool:
            return (await health(client, restarted))["queue_depth"] == 0

        await eventually(settled)
    assert set(review.reviewed) >= accepted
    assert len(review.reviewed) == len(set(review.reviewed))


async def test_failed_review_is_retried_then_acked(tmp_path: Path) -> None:
    review = RecordingReview(fail_first=2)
    async with make_service(tmp_path, review) as service, httpx.AsyncClient() as client:
        response = await client.post(f"{service.base_url}/zoho/notify", json=callback(ACCOUNTS[0]))
        assert response.status_code == 200

        async def failed_once() -> bool:
            return review.calls >= 1 and (await health(client, service))["worker_error"] is not None

        await eventually(failed_once)
        assert "review pipeline down" in (await health(client, service))["worker_error"]

        async def settled() -> bool:
            return (await health(client, service))["queue_depth"] == 0

        await eventually(settled)
        assert (await health(client, service))["worker_error"] is None
    assert review.calls == 3
    assert review.reviewed == [ACCOUNTS[0]]


async def test_daily_budget_switches_to_triage_only(tmp_path: Path) -> None:
    review = RecordingReview(cost_usd=0.6)
    async with make_service(tmp_path, review, daily_budget_usd=1.0) as service, httpx.AsyncClient() as client:
        url = f"{service.base_url}/zoho/notify"
        for account in ACCOUNTS[:3]:
            assert (await client.post(url, json=callback(account))).status_code == 200

            async def reviewed(account: str = account) -> bool:
                return account in review.reviewed

            await eventually(reviewed)
        state = await health(client, service)
    assert review.budgets[0] == pytest.approx(1.0)
    assert review.budgets[-1] == 0.0  # beyond the budget: triage + rule proposals only
    assert state["budget_spent_today_usd"] == pytest.approx(1.2)
    assert state["review_mode"] == "triage + rule proposals only (daily budget reached)"
