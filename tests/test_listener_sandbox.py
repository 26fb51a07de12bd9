"""The listener against the real sandbox: its watch API subscribes our notify_url on 127.0.0.1 and
POSTs a callback for every record change; our listener resolves, debounces and reviews.

The review is a recording fake here (the listener is what is under test); every Zoho call is real.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from config import Settings
from integrations.zoho.connection import connection_from_sandbox
from integrations.zoho.factory import build_gateway
from listener.rest import ZohoRestCall, tier_rest_call
from listener.service import ListenerDeps, ListenerOptions, ListenerService
from listener.watch_client import WATCH_PATH
from sandbox.embedded import RunningSandbox

pytestmark = pytest.mark.slow
TOKEN = "sandbox-test-token"


class RecordingReview:
    def __init__(self) -> None:
        self.reviewed: list[str] = []
        self.at: dict[str, float] = {}

    async def __call__(self, account_ids: list[str], *, agent_budget_usd: float) -> list[dict[str, Any]]:
        self.reviewed += account_ids
        for account_id in account_ids:
            self.at.setdefault(account_id, time.monotonic())
        return [{"account_id": a, "cost_usd": 0.0} for a in account_ids]


async def no_sync(account_ids: list[str]) -> None:
    return None


async def eventually(check: Callable[[], Awaitable[bool]], timeout: float = 60.0) -> None:
    """Poll ``check`` until it holds; the deadline is generous (a loaded CI machine), never a speed target."""
    deadline = time.monotonic() + timeout
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.05)


@pytest.fixture
async def rest(sandbox: RunningSandbox, sandbox_settings: Settings) -> AsyncIterator[ZohoRestCall]:
    """The demo credentials, used exactly as a real Zoho connection would be (the gateway's REST tier)."""
    gateway = build_gateway(sandbox_settings, connection=connection_from_sandbox(sandbox, sandbox_settings))
    yield tier_rest_call(gateway.rest)
    await gateway.aclose()


def make_service(tmp_path: Path, rest: ZohoRestCall, review: RecordingReview, **options: Any) -> ListenerService:
    # resolve_accounts=None: the service resolves record ids through Zoho itself (GET ?ids=)
    deps = ListenerDeps(resolve_accounts=None, sync_records=no_sync, review_accounts=review, rest=rest)
    opts = ListenerOptions(
        **{
            "port": 0,
            "token": TOKEN,
            "debounce_seconds": 0.3,
            "retry_base_seconds": 0.1,
            "channel_lifetime": timedelta(hours=1),
            **options,
        }
    )
    return ListenerService(tmp_path / "listener", deps, opts)


async def first_records(rest: ZohoRestCall, module: str, fields: str, n: int = 20) -> list[dict[str, Any]]:
    status, body = await rest("GET", f"/crm/v8/{module}?fields={fields}&per_page={n}", None)
    assert status == 200, body
    return list(body["data"])


async def subscriptions(rest: ZohoRestCall) -> list[dict[str, Any]]:
    status, body = await rest("GET", WATCH_PATH, None)
    return [] if status == 204 else list(body["watch"])


async def assert_subscribed_with_notes_polled(service: ListenerService, rest: ZohoRestCall) -> None:
    """Every watched module subscribed to our notify URL with field values; Notes polled (Zoho's watch does
    not support Notes), and that is reported."""
    subs = await subscriptions(rest)
    assert sorted(s["resource_name"] for s in subs) == ["Accounts", "Contacts", "Deals", "Tasks"]
    health = service.health()
    assert [p.module for p in health.modules_polled] == ["Notes"] and health.modules_refused == {}
    assert {s["notify_url"] for s in subs} == {service.notify_url}
    assert all(s["return_affected_field_values"] for s in subs)


async def add_note_on_deal(rest: ZohoRestCall, deal_id: str) -> None:
    note = {
        "Note_Title": "listener",
        "Note_Content": "a note on a deal",
        "Parent_Id": {"module": {"api_name": "Deals"}, "id": deal_id},
    }
    status, body = await rest("POST", "/crm/v8/Notes", {"data": [note]})
    assert status == 201, body


async def test_changes_in_the_sandbox_reach_a_review(
    sandbox: RunningSandbox, rest: ZohoRestCall, tmp_path: Path
) -> None:
    review = RecordingReview()
    # max_wait an hour: a review within the deadline can only come from the callback once the debounce settled
    service = make_service(tmp_path, rest, review, notes_poll_seconds=0.3, max_wait_seconds=3600)
    await service.start()
    try:
        await assert_subscribed_with_notes_polled(service, rest)

        account = (await first_records(rest, "Accounts", "Account_Name"))[0]["id"]
        deals = [d for d in await first_records(rest, "Deals", "Deal_Name,Account_Name", 50) if d.get("Account_Name")]
        deal, deal_account = deals[0]["id"], deals[0]["Account_Name"]["id"]
        note_deal, note_account = deals[-1]["id"], deals[-1]["Account_Name"]["id"]

        # an account edit
        started = time.monotonic()
        status, body = await rest(
            "PUT", f"/crm/v8/Accounts/{account}", {"data": [{"Description": "changed by the listener test"}]}
        )
        assert status == 200, body

        async def account_reviewed() -> bool:
            return account in review.reviewed

        await eventually(account_reviewed)
        latency = review.at[account] - started
        assert latency >= service.options.debounce_seconds  # reviewed once the changes settled, not before

        # a deal edit (a callback) and a note on a deal (found by the notes poll) reach the deal's account
        status, body = await rest("PUT", f"/crm/v8/Deals/{deal}", {"data": [{"Description": "edited"}]})
        assert status == 200, body
        await add_note_on_deal(rest, note_deal)

        async def children_reviewed() -> bool:
            return {deal_account, note_account} <= set(review.reviewed)

        await eventually(children_reviewed)

        async def note_polled() -> bool:
            return service.health().modules_polled[0].changes_found >= 1

        await eventually(note_polled)

        deliveries = httpx.get(f"{sandbox.base_url}/__sandbox/notifications/deliveries").json()["deliveries"]
        ours = [d for d in deliveries if d["url"] == service.notify_url]
        assert ours and all(d["ok"] for d in ours)

        async def drained() -> bool:
            return service.health().queue_depth == 0

        await eventually(drained)
        print(f"change → review latency: {latency:.2f}s")  # noqa: T201
    finally:
        await service.stop(disable_channels=True)
    assert await subscriptions(rest) == []


async def test_channels_are_renewed_before_expiry_and_resubscribed(
    sandbox: RunningSandbox, rest: ZohoRestCall, tmp_path: Path
) -> None:
    now = [datetime.now(UTC)]
    service = make_service(
        tmp_path, rest, RecordingReview(), channel_clock=lambda: now[0], renewal_interval_seconds=3600
    )
    await service.start()
    try:
        assert service.keeper is not None
        first = {s["resource_name"]: s["channel_expiry"] for s in await subscriptions(rest)}
        assert len(first) == 4

        now[0] += timedelta(minutes=20)  # 40 minutes left of 60: nothing to do
        assert await service.keeper.tick() == []

        now[0] += timedelta(minutes=15)  # 25 minutes left: renew, well before expiry
        actions = await service.keeper.tick()
        assert sorted(actions) == sorted(f"renewed {m}" for m in first)
        renewed = {s["resource_name"]: s["channel_expiry"] for s in await subscriptions(rest)}
        for module, expiry in renewed.items():
            gained = datetime.fromisoformat(expiry) - datetime.fromisoformat(first[module])
            assert timedelta(minutes=34) <= gained <= timedelta(minutes=36)
        assert all(c.seconds_left > 3500 for c in service.health().channels)

        # a channel vanished (deleted on the Zoho side): the next check subscribes again
        tasks = service.keeper.channels["Tasks"].channel_id
        status, _ = await rest("DELETE", f"{WATCH_PATH}?channel_ids={tasks}", None)
        assert status == 200
        assert await service.keeper.tick() == ["re-subscribed Tasks"]
        assert "Tasks" in {s["resource_name"] for s in await subscriptions(rest)}
        assert service.keeper.channels["Tasks"].channel_id != tasks
    finally:
        await service.stop()


async def test_a_restart_takes_over_the_previous_channels(
    sandbox: RunningSandbox, rest: ZohoRestCall, tmp_path: Path
) -> None:
    first = make_service(tmp_path, rest, RecordingReview())
    await first.start()
    ids = {s["channel_id"] for s in await subscriptions(rest)}
    await first.stop()

    review = RecordingReview()
    second = make_service(tmp_path, rest, review)  # another port: the channels must follow
    await second.start()
    try:
        subs = await subscriptions(rest)
        assert {s["channel_id"] for s in subs} == ids  # no duplicate channels
        assert {s["notify_url"] for s in subs} == {second.notify_url}
        account = (await first_records(rest, "Accounts", "Account_Name"))[1]["id"]
        change = {"data": [{"Description": "after restart"}]}
        status, _ = await rest("PUT", f"/crm/v8/Accounts/{account}", change)
        assert status == 200

        async def reviewed() -> bool:
            return review.reviewed == [account]

        await eventually(reviewed)
    finally:
        await second.stop(disable_channels=True)


async def test_a_module_zoho_refuses_is_reported_and_the_others_are_watched(
    sandbox: RunningSandbox, rest: ZohoRestCall, tmp_path: Path
) -> None:
    service = make_service(tmp_path, rest, RecordingReview(), modules=("Accounts", "Notes", "Deals"))
    await service.start()
    try:
        assert sorted(s["resource_name"] for s in await subscriptions(rest)) == ["Accounts", "Deals"]
        refused = service.health().modules_refused
        assert list(refused) == ["Notes"] and "not supported" in refused["Notes"]
        assert service.keeper is not None
        assert sorted(service.keeper.channels) == ["Accounts", "Deals"]
        assert await service.keeper.tick() == []  # the refused module is not asked again every minute
    finally:
        await service.stop(disable_channels=True)
    from cli.doctor_command import _listener_check
    from config import load_settings

    check = _listener_check(load_settings(home=tmp_path))  # `doctor` reads what the listener recorded
    assert not check.ok and "refused by Zoho: Notes" in check.detail and check.fix


async def test_a_clock_ahead_of_zohos_still_gets_six_day_channels(
    sandbox: RunningSandbox, rest: ZohoRestCall, tmp_path: Path
) -> None:
    """Our clock two days ahead of Zoho's: six days by ours is eight by Zoho's, which Zoho turns into one
    hour. The listener notices, asks again by Zoho's clock, and renews by the real expiry."""
    httpx.post(f"{sandbox.base_url}/__sandbox/clock", json={"advance_seconds": -2 * 86400})
    service = make_service(tmp_path, rest, RecordingReview(), channel_lifetime=timedelta(days=6))
    await service.start()
    try:
        zoho_now = datetime.fromisoformat(httpx.get(f"{sandbox.base_url}/__sandbox/clock").json()["now"])
        for sub in await subscriptions(rest):
            granted = datetime.fromisoformat(sub["channel_expiry"]) - zoho_now
            assert timedelta(days=5, hours=23) < granted <= timedelta(days=6, minutes=1), sub
        for channel in service.health().channels:
            assert channel.shortened is None
            assert 5.9 * 86400 < channel.seconds_left <= 6 * 86400 + 60  # on Zoho's clock, not ours
        assert service.keeper is not None
        assert await service.keeper.tick() == []  # no renewal storm
    finally:
        await service.stop(disable_channels=True)
