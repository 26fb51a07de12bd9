"""The three tiers against the real sandbox: same records, same domain models; 429 storm; expiring
tokens; bad credentials; breaker open → REST serves → breaker closes."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import SecretStr

from config import Settings
from integrations.zoho.connection import connection_from_sandbox
from integrations.zoho.errors import ZohoAuthError, ZohoValidationError
from integrations.zoho.factory import build_gateway
from integrations.zoho.manager import ZohoManager
from integrations.zoho.models import Account, Contact, Deal, Note, Task, record_from_zoho
from integrations.zoho.record_shapes import coql_row_to_record
from integrations.zoho.sdk_tier import SdkTier
from integrations.zoho.tier_contract import ReadTier
from sandbox.embedded import RunningSandbox

FIELDS = {
    "Accounts": Account.FIELDS,
    "Contacts": Contact.FIELDS,
    "Deals": Deal.FIELDS,
    "Tasks": Task.FIELDS,
    "Notes": Note.FIELDS,
}


def _models(module: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted((record_from_zoho(module, r).model_dump(exclude={"raw"}) for r in rows), key=lambda m: m["id"])


async def _account_ids(gw: ZohoManager, n: int = 5) -> list[str]:
    rows, _ = await gw.rest.coql(f"select id from Accounts where id is not null order by id asc limit {n}")
    return [str(r["id"]) for r in rows]


@pytest.mark.slow
async def test_each_tier_reads_the_same_records(gateway: ZohoManager) -> None:
    ids = await _account_ids(gateway)
    assert gateway.sdk is not None and gateway.mcp is not None
    tiers: dict[str, ReadTier] = {"rest": gateway.rest, "sdk": gateway.sdk, "mcp": gateway.mcp}
    by_ids = {
        name: _models("Accounts", await t.get_records_by_ids("Accounts", ids, Account.FIELDS))
        for name, t in tiers.items()
    }
    assert len(by_ids["rest"]) == len(ids) and by_ids["rest"] == by_ids["sdk"] == by_ids["mcp"]
    one: dict[str, dict[str, Any]] = {}
    for name, t in tiers.items():
        row = await t.get_record("Accounts", ids[0], Account.FIELDS)
        assert row is not None, name
        one[name] = row
    assert _models("Accounts", [one["rest"]]) == _models("Accounts", [one["sdk"]]) == _models("Accounts", [one["mcp"]])
    for related in ("Contacts", "Deals", "Notes"):
        got = {
            name: _models(related, await t.related("Accounts", ids[0], related, FIELDS[related]))
            for name, t in tiers.items()
        }
        assert got["rest"] == got["sdk"] == got["mcp"], related
    # an account's tasks: COQL on What_Id (Zoho has no Tasks related list on Accounts)
    query = f"select {', '.join(Task.FIELDS)} from Tasks where What_Id = '{ids[0]}' order by id asc limit 2000"
    tasks = {
        name: _models("Tasks", [coql_row_to_record(r) for r in (await t.coql(query))[0]]) for name, t in tiers.items()
    }
    assert tasks["rest"] and tasks["rest"] == tasks["sdk"] == tasks["mcp"]
    word = by_ids["rest"][0]["name"].split()[0]
    found = {
        name: _models("Accounts", await t.search("Accounts", word=word, fields=Account.FIELDS))
        for name, t in tiers.items()
    }
    assert found["rest"] and found["rest"] == found["sdk"] == found["mcp"]


@pytest.mark.slow
async def test_account_tasks_hang_on_the_account(sandbox: RunningSandbox, gateway: ZohoManager) -> None:
    """COQL gives What_Id as a bare id; the gateway's account tasks still say they hang on the account."""
    ids = await _account_ids(gateway, 5)
    account = next(
        i for i in ids if any((t.get("What_Id") or {}).get("id") == i for t in sandbox.store.list_records("Tasks"))
    )
    tasks = await gateway.account_tasks(account)
    expected = {t["id"] for t in sandbox.store.list_records("Tasks") if (t.get("What_Id") or {}).get("id") == account}
    assert {t.id for t in tasks} == expected
    assert all(t.what_id == account and t.what_module == "Accounts" for t in tasks)


async def test_429_storm_is_absorbed_by_backoff(sandbox: RunningSandbox, gateway: ZohoManager) -> None:
    ids = await _account_ids(gateway)
    before = sandbox.stats()["calls"]
    sandbox.inject_fault(kind="429", count=4, path_prefix="/crm/v8/Accounts")
    rows = await gateway.rest.get_records_by_ids("Accounts", ids, Account.FIELDS)
    assert sorted(r["id"] for r in rows) == sorted(ids)
    assert sandbox.stats()["calls"] - before == 5  # four 429s, then the answer


async def test_expiring_tokens_mid_run_cost_no_failed_call(
    sandbox: RunningSandbox, gateway: ZohoManager, audit_events: list[dict[str, Any]]
) -> None:
    ids = await _account_ids(gateway)
    await gateway.get_records("Accounts", ids)
    refreshes = gateway.rest.tokens.refreshes
    sandbox.inject_fault(kind="expire_tokens")
    assert len(await gateway.get_records("Accounts", ids)) == len(ids)  # MCP (first tier) sees the 401
    sandbox.inject_fault(kind="expire_tokens")
    assert gateway.sdk is not None
    assert len(await gateway.sdk.get_records_by_ids("Accounts", ids, Account.FIELDS)) == len(ids)
    sandbox.inject_fault(kind="expire_tokens")
    assert len(await gateway.rest.get_records_by_ids("Accounts", ids, Account.FIELDS)) == len(ids)
    assert gateway.rest.tokens.refreshes == refreshes + 3
    assert [e["error"] for e in audit_events if e["outcome"] != "ok"] == []


async def test_bad_credentials_raise_one_clear_auth_error(sandbox: RunningSandbox, sandbox_settings: Settings) -> None:
    conn = connection_from_sandbox(sandbox, sandbox_settings).model_copy(
        update={"refresh_token": SecretStr("1000.wrong.token")}
    )
    events: list[dict[str, Any]] = []
    gw = build_gateway(sandbox_settings, connection=conn, audit=events.append)
    try:
        with pytest.raises(ZohoAuthError) as info:
            await gw.get_record("Accounts", "6421000001000000001")
    finally:
        await gw.aclose()
    assert "SERGAS_ZOHO_REFRESH_TOKEN" in info.value.hint
    assert "wrong" not in str(info.value)
    assert gw.breaker_states() == {"mcp": "closed", "sdk": "closed", "rest": "closed"}


class FlakyProxy:
    """A TCP proxy to the sandbox that can refuse connections (the network path to Zoho is down)."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.up = True
        self.connections = 0
        self._server = socket.socket()
        self._server.bind(("127.0.0.1", 0))
        self._server.listen(64)
        self.port = self._server.getsockname()[1]
        self._stop = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self._stop:
            try:
                client, _ = self._server.accept()
            except OSError:
                return
            self.connections += 1
            if not self.up:
                client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                client.close()  # reset: the SDK sees a connection error
                continue
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        self._stop = True
        self._server.close()


@pytest.fixture
def proxy(sandbox: RunningSandbox) -> Iterator[FlakyProxy]:
    port = int(sandbox.base_url.rsplit(":", 1)[1])
    p = FlakyProxy(port)
    yield p
    p.close()


async def test_sdk_breaker_opens_rest_serves_then_breaker_closes(
    sandbox: RunningSandbox, sandbox_settings: Settings, proxy: FlakyProxy
) -> None:
    settings = sandbox_settings.model_copy(update={"breaker_fail_max": 3, "breaker_reset_seconds": 1.0})
    gw = build_gateway(settings, connection=connection_from_sandbox(sandbox, settings), use_mcp=False)
    # the SDK reaches the sandbox through the proxy; REST directly
    gw.sdk = SdkTier(
        gw.rest.tokens,
        resource_path=settings.home / "zoho-sdk",
        api_url=f"http://127.0.0.1:{proxy.port}",
        accounts_url=sandbox.base_url,
    )
    gw._tiers["sdk"] = gw.sdk
    try:
        ids = await _account_ids(gw)
        assert len(await gw.get_records("Accounts", ids)) == 5
        assert gw.tier_stats()[0].tier == "sdk"
        for _ in range(3):
            await gw.sdk.get_records_by_ids("Accounts", ids[:1])  # warm the SDK's field cache first
            break
        proxy.up = False
        for _ in range(3):
            assert len(await gw.get_records("Accounts", ids)) == 5  # served by REST
        assert gw.breaker_states()["sdk"] == "open"
        seen = proxy.connections
        assert len(await gw.get_records("Accounts", ids)) == 5
        assert proxy.connections == seen  # open breaker: the SDK was not even tried
        for _ in range(5):  # a validation error is not a tier failure
            with pytest.raises(ZohoValidationError):
                await gw.rest.coql("select nonsense from")
        assert gw.breaker_states()["rest"] == "closed"
        proxy.up = True
        time.sleep(1.1)
        assert gw.breaker_states()["sdk"] == "half-open"
        assert len(await gw.get_records("Accounts", ids)) == 5
        assert gw.breaker_states()["sdk"] == "closed"
        stats = {(s.tier, s.operation): s for s in gw.tier_stats()}
        assert stats[("sdk", "get_records")].failures == 3
        assert stats[("rest", "get_records")].calls == 4
        assert stats[("sdk", "get_records")].calls == 5
    finally:
        await gw.aclose()


async def test_breaker_ignores_validation_errors_through_the_manager(
    sandbox: RunningSandbox, gateway: ZohoManager
) -> None:
    for _ in range(6):
        with pytest.raises(ZohoValidationError):
            await gateway.get_record("Accounts", "12ab")
    assert gateway.breaker_states() == {"mcp": "closed", "sdk": "closed", "rest": "closed"}


@pytest.mark.slow
async def test_sdk_and_rest_bulk_reads_give_every_record_alike(sandbox: RunningSandbox, gateway: ZohoManager) -> None:
    assert gateway.sdk is not None
    fields = list(Deal.FIELDS)
    sdk_rows = await gateway.sdk.bulk_read("Deals", fields, poll_seconds=0.05)
    rest_rows = await gateway.rest.bulk_read("Deals", fields, poll_seconds=0.05)
    assert sorted(r["id"] for r in sdk_rows) == sorted(r["id"] for r in sandbox.store.list_records("Deals"))
    assert sorted(sdk_rows, key=lambda r: r["id"]) == sorted(rest_rows, key=lambda r: r["id"])
