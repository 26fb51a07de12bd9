"""Faults at the tier level: the real ``ZohoManager`` and its three tiers against the sandbox, one tier (or
Zoho itself) taken down or made to fail. Reads keep being served by a fallback tier; when nothing can
serve, the error is a ``ZohoUnavailableError`` whose hint tells the user what to do."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from reliability_support import dead_url

from config import Settings
from integrations.zoho.auth import ZohoAuth
from integrations.zoho.connection import connection_from_sandbox
from integrations.zoho.errors import ZohoError, ZohoUnavailableError
from integrations.zoho.factory import build_gateway
from integrations.zoho.manager import ZohoManager
from integrations.zoho.mcp_tier import McpTier
from integrations.zoho.sdk_tier import SdkTier
from sandbox.embedded import RunningSandbox

pytestmark = pytest.mark.faults


@pytest.fixture
async def live(sandbox: RunningSandbox, sandbox_settings: Settings) -> AsyncIterator[Any]:
    gw = build_gateway(
        sandbox_settings, connection=connection_from_sandbox(sandbox, sandbox_settings), backoff_base=0.01
    )
    yield gw
    await gw.aclose()


def _manager(live: Any, *, mcp: Any = None, sdk: Any = None, events: list[dict[str, Any]]) -> ZohoManager:
    return ZohoManager(
        rest=live.rest, sdk=sdk, mcp=mcp, breaker_fail_max=3, breaker_reset_seconds=60, audit=events.append
    )


def _tiers_ok(events: list[dict[str, Any]]) -> set[str]:
    return {e["tier"] for e in events if e["outcome"] == "ok"}


async def test_mcp_down_interactive_reads_are_served_by_sdk_then_breaker_opens(
    live: Any, sandbox: RunningSandbox
) -> None:
    dead_mcp = McpTier(f"{dead_url()}/mcp", auth=ZohoAuth(live.rest.tokens), timeout=3)
    events: list[dict[str, Any]] = []
    manager = _manager(live, mcp=dead_mcp, sdk=live.sdk, events=events)
    account_id = sandbox.store.list_records("Accounts")[0]["id"]
    for _ in range(4):
        view = await manager.get_account_360(account_id)
        assert view.account.id == account_id
    found = await manager.search_accounts(view.account.name.split()[0], limit=5)
    assert any(a.id == account_id for a in found)
    assert "mcp" not in _tiers_ok(events) and _tiers_ok(events) & {"sdk", "rest"}
    assert manager.breaker_states()["mcp"] == "open"
    failures = [e for e in events if e["tier"] == "mcp"]
    # the first 360 (a get and 4 related reads in parallel) trips the breaker; later reads skip the tier
    assert 1 <= len(failures) <= 5, len(failures)
    await dead_mcp.aclose()


async def test_sdk_down_bulk_reads_are_served_by_rest(live: Any, sandbox: RunningSandbox, tmp_path: Path) -> None:
    url = dead_url()
    dead_sdk = SdkTier(live.rest.tokens, resource_path=tmp_path / "sdk", api_url=url, accounts_url=url, timeout=3)
    events: list[dict[str, Any]] = []
    manager = _manager(live, sdk=dead_sdk, events=events)
    got = [r.id async for page in manager.fetch_module("Accounts") for r in page]
    assert sorted(got) == sorted(r["id"] for r in sandbox.store.list_records("Accounts"))
    assert _tiers_ok(events) == {"rest"}
    assert any(e["tier"] == "sdk" and e["outcome"] == "error" for e in events)


@pytest.mark.parametrize("kind", ["429", "500", "drop", "malformed"])
async def test_bursts_on_every_tier_are_absorbed(kind: str, live: Any, sandbox: RunningSandbox) -> None:
    """A burst of failures on every path: retries and the fallback serve the read, complete."""
    events: list[dict[str, Any]] = []
    manager = _manager(live, sdk=live.sdk, events=events)
    sandbox.inject_fault(kind=kind, count=4, path_prefix="/crm")
    contacts = [r.id async for page in manager.fetch_module("Contacts") for r in page]
    assert len(contacts) == len(sandbox.store.list_records("Contacts"))
    assert sandbox.state.faults.active() == [], "the burst was not consumed"


async def test_latency_spike_is_waited_out(live: Any, sandbox: RunningSandbox) -> None:
    events: list[dict[str, Any]] = []
    manager = _manager(live, sdk=live.sdk, events=events)
    sandbox.inject_fault(kind="latency", latency_ms=1200, count=2, path_prefix="/crm")
    deals = [r.id async for page in manager.fetch_module("Deals") for r in page]
    assert len(deals) == len(sandbox.store.list_records("Deals"))
    assert max(e["duration_ms"] for e in events) >= 1000


async def test_tokens_revoked_mid_run_are_refreshed_on_every_tier(live: Any, sandbox: RunningSandbox) -> None:
    events: list[dict[str, Any]] = []
    manager = _manager(live, sdk=live.sdk, mcp=live.mcp, events=events)
    account_id = sandbox.store.list_records("Accounts")[0]["id"]
    await manager.get_account_360(account_id)
    for _ in range(2):
        sandbox.inject_fault(kind="expire_tokens")
        assert (await manager.get_account_360(account_id)).account.id == account_id
        assert len([r async for page in manager.fetch_module("Accounts") for r in page]) == 50
    assert all(state == "closed" for state in manager.breaker_states().values())


async def test_nothing_can_serve_gives_an_unavailable_error_with_a_hint(
    live: Any, sandbox: RunningSandbox, tmp_path: Path
) -> None:
    url = dead_url()
    dead = build_gateway(live_settings(tmp_path, url), backoff_base=0.01)
    try:
        with pytest.raises(ZohoError) as caught:
            await dead.get_account_360(sandbox.store.list_records("Accounts")[0]["id"])
        with pytest.raises(ZohoError) as caught_bulk:
            [r async for page in dead.fetch_module("Accounts") for r in page]
    finally:
        await dead.aclose()
    for exc in (caught.value, caught_bulk.value):
        assert isinstance(exc, ZohoUnavailableError), type(exc)
        assert exc.hint and "Traceback" not in str(exc)


def live_settings(tmp_path: Path, url: str) -> Any:
    from config import load_settings

    return load_settings(
        home=tmp_path / "dead-home",
        zoho_api_url=url,
        zoho_accounts_url=url,
        zoho_client_id="1000.X",
        zoho_client_secret="s",
        zoho_refresh_token="1000.r",
        zoho_max_retries=1,
        zoho_timeout_seconds=3,
    )
