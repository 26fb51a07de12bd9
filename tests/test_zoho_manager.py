"""ZohoManager against the sandbox: account 360, searches, pipeline, timeline, bulk fetch, incremental
fetch costs, and idempotent writes (dropped responses, lost replies, re-runs)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest
from sandbox_rest import stored

from config import Settings
from domain.proposals import NoteDraft, TaskDraft, parse_proposal
from domain.recommendations import ApprovedWrite
from integrations.zoho.connection import connection_from_sandbox
from integrations.zoho.errors import ZohoWriteRefused
from integrations.zoho.factory import build_gateway
from integrations.zoho.gateway import InMemoryCursors, ZohoGateway
from integrations.zoho.manager import ZohoManager, ref_marker
from sandbox.embedded import RunningSandbox


async def _first_account(gw: ZohoManager) -> str:
    rows, _ = await gw.rest.coql("select id from Accounts where id is not null order by id asc limit 1")
    return str(rows[0]["id"])


def _write(kind: str, account_id: str, key: str, **kw: Any) -> ApprovedWrite:
    action = parse_proposal(
        {"kind": kind, "account_id": account_id, "target_id": account_id, "rationale": "test", **kw}
    )
    return ApprovedWrite(
        recommendation_id=f"rec-{key}",
        idempotency_key=key,
        action=action,
        approved_by="ana",
        approved_at=datetime.now(UTC),
    )


async def test_manager_implements_the_gateway_protocol(gateway: ZohoManager) -> None:
    assert isinstance(gateway, ZohoGateway)


async def test_account_360_and_timeline(
    sandbox: RunningSandbox, gateway: ZohoManager, audit_events: list[dict[str, Any]]
) -> None:
    account_id = await _first_account(gateway)
    view = await gateway.get_account_360(account_id)
    assert view.account.id == account_id and view.account.name
    store = sandbox.store
    contacts = [c for c in store.list_records("Contacts") if (c.get("Account_Name") or {}).get("id") == account_id]
    assert sorted(c.id for c in view.contacts) == sorted(str(c["id"]) for c in contacts)
    assert all(d.is_open for d in view.deals) and all(t.is_open for t in view.tasks)
    assert all(n.parent_id == account_id for n in view.notes)
    timeline = await gateway.activity_timeline(account_id, limit=10)
    assert timeline == sorted(timeline, key=lambda e: e.at, reverse=True) and len(timeline) <= 10
    ops = {(e["tier"], e["operation"]) for e in audit_events}
    assert ("mcp", "related_contacts") in ops  # interactive reads go to MCP first


async def test_search_pipeline_and_changes(gateway: ZohoManager) -> None:
    account_id = await _first_account(gateway)
    account = (await gateway.get_records("Accounts", [account_id]))[0]
    found = await gateway.search_accounts(account.name.split()[0], limit=5)  # type: ignore[attr-defined]
    assert account_id in [a.id for a in found]
    owner = account.owner
    assert owner is not None and owner.email
    mine = await gateway.search_accounts(account.name.split()[0], owner_email=owner.email)  # type: ignore[attr-defined]
    assert mine and all(a.owner and a.owner.id == owner.id for a in mine)
    deals = await gateway.pipeline_for_owner(owner.email)
    assert deals and all(d.is_open and d.owner and d.owner.id == owner.id for d in deals)
    recent = await gateway.changes_since("Deals", datetime(2000, 1, 1, tzinfo=UTC), limit=10)
    assert 0 < len(recent) <= 10
    times = [r.modified_time for r in recent]
    assert times == sorted(times, reverse=True)  # type: ignore[type-var]


async def test_fetch_module_reads_every_record(sandbox: RunningSandbox, gateway: ZohoManager) -> None:
    for module in ("Accounts", "Contacts", "Deals", "Tasks", "Notes"):
        records = [r async for page in gateway.fetch_module(module) for r in page]
        assert len(records) == sandbox.store.count(module) == len({r.id for r in records}), module
        assert gateway.volume_hints[module] == len(records)


async def test_incremental_fetch_costs_at_most_one_call_when_nothing_changed(
    sandbox: RunningSandbox, gateway: ZohoManager
) -> None:
    cursors = InMemoryCursors()
    modules = ("Accounts", "Contacts", "Deals", "Tasks", "Notes")
    for module in modules:
        assert len(await gateway.fetch_incremental(module, cursors)) == sandbox.store.count(module)  # type: ignore[arg-type]
    before = sandbox.stats()["calls"]
    for module in modules:
        await gateway.fetch_incremental(module, cursors)  # type: ignore[arg-type]
    assert sandbox.stats()["calls"] - before <= len(modules)
    account_id = await _first_account(gateway)
    await gateway.rest.update_records("Accounts", [{"id": account_id, "Rating": "Hot"}])
    changed = await gateway.fetch_incremental("Accounts", cursors)
    assert account_id in [r.id for r in changed]
    times = [r.modified_time for r in changed if r.modified_time is not None]
    assert len(times) == len(changed) and cursors.values["Accounts"] >= max(times)


async def test_cursor_does_not_move_when_the_fetch_fails(sandbox: RunningSandbox, gateway: ZohoManager) -> None:
    cursors = InMemoryCursors()
    await gateway.fetch_incremental("Deals", cursors)
    cursor = cursors.values["Deals"]
    sandbox.inject_fault(kind="500", ratio=1.0, seconds=30, path_prefix="/crm/v8/coql")
    with pytest.raises(Exception):  # noqa: B017 - any ZohoError: both bulk tiers fail
        await gateway.fetch_incremental("Deals", cursors)
    sandbox.clear_faults()
    assert cursors.values["Deals"] == cursor


async def test_write_needs_an_approval(gateway: ZohoManager) -> None:
    with pytest.raises(ZohoWriteRefused):
        await gateway.execute_write({"kind": "create_task"})  # type: ignore[arg-type]


def _tasks_with(sandbox: RunningSandbox, key: str) -> list[dict[str, Any]]:
    return [t for t in sandbox.store.list_records("Tasks") if ref_marker(key) in str(t.get("Description"))]


async def test_create_task_after_a_dropped_connection_creates_one_record(
    sandbox: RunningSandbox, gateway: ZohoManager, audit_events: list[dict[str, Any]]
) -> None:
    account_id = await _first_account(gateway)
    write = _write(
        "create_task",
        account_id,
        "key-drop",
        task=TaskDraft(subject="Call back", due_date=date(2030, 1, 2), description="About renewal"),
    )
    sandbox.inject_fault(kind="drop", count=1, path_prefix="/crm/v8/Tasks")
    result = await gateway.execute_write(write)
    assert result.created and result.module == "Tasks"
    assert [e["outcome"] for e in audit_events if e["operation"] == "create_tasks"] == ["error", "ok"]
    assert [t["id"] for t in _tasks_with(sandbox, "key-drop")] == [result.record_id]
    again = await gateway.execute_write(write)  # a re-run after a crash: found, not re-created
    assert again.record_id == result.record_id and not again.created
    assert len(_tasks_with(sandbox, "key-drop")) == 1


async def test_create_after_a_lost_reply_finds_the_record_it_made(
    sandbox: RunningSandbox, sandbox_settings: Settings
) -> None:
    """The request reaches Zoho and is applied, then the reply is lost (the worst case)."""
    lost = {"n": 0}

    class LoseFirstCreateReply(httpx.AsyncHTTPTransport):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            response = await super().handle_async_request(request)
            if request.method == "POST" and request.url.path == "/crm/v8/Tasks" and lost["n"] == 0:
                lost["n"] += 1
                await response.aread()
                raise httpx.ReadError("connection reset after the request was sent", request=request)
            return response

    gw = build_gateway(
        sandbox_settings,
        connection=connection_from_sandbox(sandbox, sandbox_settings),
        transport=LoseFirstCreateReply(),
    )
    try:
        account_id = await _first_account(gw)
        write = _write("create_task", account_id, "key-lost", task=TaskDraft(subject="Send proposal"))
        result = await gw.execute_write(write)
    finally:
        await gw.aclose()
    assert lost["n"] == 1 and result.created
    assert [t["id"] for t in _tasks_with(sandbox, "key-lost")] == [result.record_id]


async def test_add_note_and_update_fields_are_idempotent(sandbox: RunningSandbox, gateway: ZohoManager) -> None:
    account_id = await _first_account(gateway)
    note = _write("add_note", account_id, "key-note", note=NoteDraft(title="QBR", content="Went well"))
    first = await gateway.execute_write(note)
    second = await gateway.execute_write(note)
    assert first.created and not second.created and first.record_id == second.record_id
    notes = [n for n in sandbox.store.list_records("Notes") if ref_marker("key-note") in str(n.get("Note_Content"))]
    assert len(notes) == 1
    update = _write("update_fields", account_id, "key-upd", fields={"Rating": "Cold"})
    assert (await gateway.execute_write(update)).created
    assert not (await gateway.execute_write(update)).created
    assert stored(sandbox, "Accounts", account_id)["Rating"] == "Cold"


async def test_bulk_read_strategy_for_large_volumes(sandbox: RunningSandbox, gateway: ZohoManager) -> None:
    gateway.volume_hints["Deals"] = 50_000  # 25 COQL pages vs one Bulk Read job (3 calls)
    assert gateway.choose_strategy("Deals") == "bulk_read"
    before = sandbox.stats()["calls"]
    via_bulk = [r async for page in gateway.fetch_module("Deals") for r in page]
    assert sandbox.stats()["calls"] - before == 3  # create, status, download
    assert gateway.last_strategy["Deals"] == "bulk_read"
    via_coql = [r async for page in gateway.fetch_module("Deals") for r in page]  # hint now = real count
    assert gateway.last_strategy["Deals"] == "coql"
    dump = sorted((r.model_dump(exclude={"raw"}) for r in via_bulk), key=lambda d: d["id"])
    assert dump == sorted((r.model_dump(exclude={"raw"}) for r in via_coql), key=lambda d: d["id"])


async def test_a_refused_bulk_read_pages_on_with_coql(sandbox: RunningSandbox, gateway: ZohoManager) -> None:
    """Zoho caps Bulk Read downloads (10 a minute): a fetch that meets the cap completes through COQL."""
    gateway.volume_hints["Deals"] = 50_000
    sandbox.inject_fault(kind="429", ratio=1.0, seconds=60.0, path_prefix="/crm/bulk")
    records = [r async for page in gateway.fetch_module("Deals") for r in page]
    assert sorted(r.id for r in records) == sorted(d["id"] for d in sandbox.store.list_records("Deals"))
    assert len({r.id for r in records}) == len(records)
    assert gateway.last_strategy["Deals"] == "coql"


async def test_notes_when_the_all_notes_list_is_refused(tmp_path: Any) -> None:
    """Under the v2-era reading (``GET /Notes`` is for administrators), a standard user's fetch of notes
    still gets every note, through each parent's Notes related list; and only what changed since."""
    from config import load_settings
    from sandbox.embedded import start_sandbox

    with start_sandbox(tmp_path / "sb", accounts=8, seed=7, notes_list_admin_only=True) as sb:
        settings = load_settings(home=tmp_path / "home")
        gw = build_gateway(settings, connection=connection_from_sandbox(sb, settings), backoff_base=0.01)
        try:
            notes = [n async for page in gw.fetch_module("Notes") for n in page]
            assert sorted(n.id for n in notes) == sorted(r["id"] for r in sb.store.list_records("Notes"))
            newest = max(n.modified_time for n in notes if n.modified_time)
            changed = await gw.changes_since("Notes", newest)
            assert {n.id for n in changed} <= {n.id for n in notes if n.modified_time and n.modified_time >= newest}
            assert await gw.note_ids() == {n.id for n in notes}
        finally:
            await gw.aclose()


async def test_the_manager_is_built_complete_and_closes_the_oauth_client_made_for_it(
    sandbox: Any, sandbox_settings: Any
) -> None:
    gw = build_gateway(sandbox_settings, connection=connection_from_sandbox(sandbox, sandbox_settings))
    owned = [c for c in gw._owned_clients if isinstance(c, httpx.AsyncClient)]
    assert owned and owned[0] is gw.rest.tokens._http  # the token client, handed over at construction
    await gw.aclose()
    assert all(c.is_closed for c in owned)
