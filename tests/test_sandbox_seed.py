"""The seeded org: deterministic, coherent manifest, healthy non-planted accounts, persistence."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from review.signal_kinds import SIGNAL_KINDS
from sandbox.embedded import RunningSandbox
from sandbox.schema import CLOSED_STAGES
from sandbox.seed import build_org
from sandbox.store import ChangeEvent, SandboxStore

ANCHOR = datetime(2025, 3, 14, 12, 0, tzinfo=UTC)


def _index(store: SandboxStore) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for m in ("Accounts", "Contacts", "Deals", "Tasks", "Notes") for r in store.list_records(m)}


def test_deterministic() -> None:
    one = build_org(accounts=60, seed=3, anchor=ANCHOR)
    two = build_org(accounts=60, seed=3, anchor=ANCHOR)
    assert one.records == two.records and one.manifest == two.manifest
    assert build_org(accounts=60, seed=4, anchor=ANCHOR).records != one.records


def test_manifest_is_coherent(sandbox: RunningSandbox) -> None:
    manifest = httpx.get(f"{sandbox.base_url}/__sandbox/manifest").json()
    records = _index(sandbox.store)
    assert manifest["anchor"]
    assert {s["kind"] for s in manifest["situations"]} == set(SIGNAL_KINDS)
    for situation in manifest["situations"]:
        assert situation["account_id"] in records and situation["evidence"]
        assert all(e in records for e in situation["evidence"])
    for injection in manifest["injections"]:
        assert injection["record_id"] in records and injection["module"] in ("Notes", "Accounts", "Contacts")
        assert injection["account_id"] not in {s["account_id"] for s in manifest["situations"]}


def test_planted_margins_and_healthy_rest(tmp_path: Path) -> None:
    store = SandboxStore.open(tmp_path / "sb", accounts=400, seed=9, anchor=ANCHOR)
    today = ANCHOR.date()
    planted = {s["account_id"] for s in store.manifest["situations"]}
    assert 0.08 <= len(planted) / 400 <= 0.2
    by_id = _index(store)
    for s in store.manifest["situations"]:
        ev = [by_id[e] for e in s["evidence"]]
        if s["kind"] == "deal_stalled":
            assert (ANCHOR - datetime.fromisoformat(ev[0]["Modified_Time"])).days >= 70
        if s["kind"] == "silent_account":
            assert ev[0]["Annual_Revenue"] >= 1_500_000
            assert (ANCHOR - datetime.fromisoformat(ev[0]["Last_Activity_Time"])).days >= 80
        if s["kind"] == "overdue_tasks":
            assert all(date.fromisoformat(t["Due_Date"]) <= today - timedelta(days=10) for t in ev)
        if s["kind"] == "contact_gone":
            assert ev[0]["Email_Opt_Out"] and "left" in (ev[0]["Description"] or "").lower()
    recent = ANCHOR - timedelta(days=20)
    parent_account = {d["id"]: d["Account_Name"]["id"] for d in store.list_records("Deals")}
    for account in store.list_records("Accounts"):
        if account["id"] in planted:
            continue
        assert datetime.fromisoformat(account["Last_Activity_Time"]) >= recent, account["Account_Name"]
    for deal in store.list_records("Deals"):
        if deal["Account_Name"]["id"] in planted or deal["Stage"] in CLOSED_STAGES:
            continue
        assert date.fromisoformat(deal["Closing_Date"]) > today + timedelta(days=40)
        assert datetime.fromisoformat(deal["Last_Activity_Time"]) >= recent
    for task in store.list_records("Tasks"):
        account_id = parent_account.get(task["What_Id"]["id"], task["What_Id"]["id"])
        if account_id in planted or task["Status"] == "Completed":
            continue
        assert date.fromisoformat(task["Due_Date"]) >= today
    for contact in store.list_records("Contacts"):
        if contact["Account_Name"]["id"] not in planted:
            assert not contact["Email_Opt_Out"]
    store.close()


def test_restart_keeps_writes_and_reset_reseeds(tmp_path: Path) -> None:
    store = SandboxStore.open(tmp_path / "sb", accounts=30, seed=5, anchor=ANCHOR)
    events: list[ChangeEvent] = []
    store.add_listener(events.append)
    account = store.list_records("Accounts")[0]
    store.update("Accounts", account["id"], {"Rating": "Hot"}, store.default_user)
    note = store.create(
        "Notes",
        {"Note_Content": "hi", "Parent_Id": {"module": {"api_name": "Accounts"}, "id": account["id"]}},
        None,
    )
    victim = store.list_records("Contacts")[0]["id"]
    store.delete("Contacts", victim)
    assert [(e.operation, e.module) for e in events] == [
        ("update", "Accounts"),
        ("insert", "Notes"),
        ("delete", "Contacts"),
    ]
    assert events[0].affected_fields == ["Rating"]
    store.close()
    again = SandboxStore.open(tmp_path / "sb", accounts=30, seed=5)
    kept = again.get("Accounts", account["id"])
    assert kept is not None and kept["Rating"] == "Hot"
    assert again.get("Notes", note["id"]) is not None and again.get("Contacts", victim) is None
    assert again.new_id() > note["id"]
    again.close()
    fresh = SandboxStore.open(tmp_path / "sb", accounts=30, seed=5, anchor=ANCHOR, reset=True)
    assert fresh.get("Notes", note["id"]) is None and fresh.get("Contacts", victim) is not None
    fresh.close()
