"""The org's product names read from Zoho's Products module (``ZohoManager.active_product_names``), against the
sandbox over HTTP: the SDK tier (the official SDK's ``RecordOperations("Products")``) and the REST tier list the same
products, retired ones (``Product_Active`` false) are left out, more than one page is read, a failed SDK call falls
back to REST, and a token without the Products scope gets a ``ZohoPermissionError`` that names the scope."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from cli_support import sandbox_settings_for
from sandbox_rest import access_token

from config import Settings
from integrations.zoho.connection import connection_from_sandbox
from integrations.zoho.errors import ZohoPermissionError
from integrations.zoho.factory import build_gateway
from integrations.zoho.manager import PRODUCT_FIELDS, ZohoManager
from sandbox.embedded import RunningSandbox, start_sandbox
from sandbox.scopes import DEFAULT_SCOPES


def _catalogue(sandbox: RunningSandbox) -> tuple[list[str], list[str]]:
    """The seeded products' names: (active, retired), in id order."""
    products = sorted(sandbox.store.list_records("Products"), key=lambda r: r["id"])
    return [p["Product_Name"] for p in products if p["Product_Active"]], [
        p["Product_Name"] for p in products if not p["Product_Active"]
    ]


@pytest.fixture
async def rest_only(sandbox: RunningSandbox, sandbox_settings: Settings) -> AsyncIterator[ZohoManager]:
    """The manager with its REST tier alone (no SDK start-up): the fast path of these tests."""
    manager = build_gateway(
        sandbox_settings, connection=connection_from_sandbox(sandbox, sandbox_settings), use_sdk=False, use_mcp=False
    )
    yield manager
    await manager.aclose()


async def test_active_product_names_leave_out_retired_products(rest_only: ZohoManager, sandbox: RunningSandbox) -> None:
    active, retired = _catalogue(sandbox)
    assert active and retired
    before = sandbox.stats()["credits"]
    assert await rest_only.active_product_names() == active
    assert sandbox.stats()["credits"] - before == 1  # one page of 200: one credit
    assert rest_only.api_credits() == 1


def _create_products(sandbox: RunningSandbox, names: list[str], **fields: Any) -> None:
    headers = {"Authorization": f"Zoho-oauthtoken {access_token(sandbox)}"}
    for start in range(0, len(names), 100):
        rows = [{"Product_Name": name, **fields} for name in names[start : start + 100]]
        reply = httpx.post(f"{sandbox.base_url}/crm/v8/Products", headers=headers, json={"data": rows})
        assert reply.status_code == 201, reply.text


async def test_more_than_a_page_of_products_is_read_each_name_once(
    rest_only: ZohoManager, sandbox: RunningSandbox
) -> None:
    active, _ = _catalogue(sandbox)
    extra = [f"Module {n:03d}" for n in range(205)]
    _create_products(sandbox, extra, Product_Active=True)
    _create_products(sandbox, [active[0]], Product_Active=True)  # the same name twice in the catalogue
    _create_products(sandbox, ["Unticked"])  # Product_Active not given: not said to be retired
    assert await rest_only.active_product_names() == [*active, *extra, "Unticked"]
    assert rest_only.api_calls() == 2


@pytest.mark.slow
async def test_the_sdk_and_rest_tiers_list_the_same_products(gateway: ZohoManager, sandbox: RunningSandbox) -> None:
    assert gateway.sdk is not None
    _create_products(sandbox, [f"Line {n:03d}" for n in range(203)], Product_Active=False)
    listed = {}
    for tier in (gateway.sdk, gateway.rest):
        listed[tier.name] = [row async for page in tier.list_pages("Products", PRODUCT_FIELDS) for row in page]
    assert listed["sdk"] == listed["rest"] and len(listed["sdk"]) == len(sandbox.store.list_records("Products"))
    assert {type(row["Product_Active"]) for row in listed["sdk"]} == {bool}
    assert await gateway.active_product_names() == _catalogue(sandbox)[0]


@pytest.mark.slow
async def test_a_failed_sdk_read_falls_back_to_rest(
    gateway: ZohoManager, sandbox: RunningSandbox, audit_events: list[dict[str, Any]]
) -> None:
    await gateway.active_product_names()  # the SDK has read the module's metadata
    audit_events.clear()
    sandbox.inject_fault(kind="500", count=1, path_prefix="/crm/v8/Products")
    assert await gateway.active_product_names() == _catalogue(sandbox)[0]
    outcomes = [(e["tier"], e["outcome"]) for e in audit_events if e["operation"] == "product_names"]
    assert outcomes == [("sdk", "error"), ("rest", "ok")]
    stats = {(s.tier, s.operation): s for s in gateway.tier_stats()}
    assert stats[("sdk", "product_names")].failures == 1 and stats[("rest", "product_names")].calls == 1


@pytest.mark.parametrize("use_sdk", [False, pytest.param(True, marks=pytest.mark.slow)])
async def test_without_the_products_scope_the_error_names_it(tmp_path: Path, use_sdk: bool) -> None:
    """A token granted every module but Products: Zoho's 401 OAUTH_SCOPE_MISMATCH, mapped once, costs nothing."""
    scopes = [s for s in DEFAULT_SCOPES if s != "ZohoCRM.modules.ALL"]
    scopes += [f"ZohoCRM.modules.{m}.ALL" for m in ("accounts", "contacts", "deals", "tasks", "notes")]
    with start_sandbox(tmp_path / "sb", accounts=10, seed=7, scopes=scopes) as sb:
        settings = sandbox_settings_for(sb, tmp_path / "home")
        manager = build_gateway(settings, connection=connection_from_sandbox(sb, settings), use_sdk=use_sdk)
        try:
            with pytest.raises(ZohoPermissionError) as refused:
                await manager.active_product_names()
            assert manager.api_credits() == 0
        finally:
            await manager.aclose()
    error = refused.value
    assert (error.code, error.status, error.module) == ("OAUTH_SCOPE_MISMATCH", 401, "Products")
    assert "ZohoCRM.modules.products.READ" in error.hint and "Products" in str(error)
    assert error.tier == ("sdk" if use_sdk else "rest")
