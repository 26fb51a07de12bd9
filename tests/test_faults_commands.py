"""Faults through the real commands (``python main.py review | approve | sync | doctor`` as subprocesses)
against the sandbox: 429 storms, 5xx bursts, latency spikes, dropped connections, tokens revoked
mid-run, a refresh token revoked, Zoho down, the MCP tier down, the state database locked.

What must hold: reads are served (by retries or a fallback tier), every approved write lands exactly
once, and when nothing can serve the user gets a clear message and an exit code, never a traceback."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from reliability_support import (
    assert_no_traceback,
    assert_state_readable,
    assert_writes_exactly_once,
    cli_env,
    dead_url,
    main_py,
    queue_mixed,
    review_json,
    watching_writes,
)

from config import load_settings
from sandbox.embedded import RunningSandbox
from state.store import StateStore

pytestmark = [pytest.mark.faults, pytest.mark.slow]

ACCOUNTS = 12


@pytest.fixture
def org(tmp_path: Path) -> Iterator[RunningSandbox]:
    from sandbox.embedded import start_sandbox

    with start_sandbox(tmp_path / "sandbox", accounts=ACCOUNTS, seed=7) as running:
        yield running


# ------------------------------------------------------------------------------------- approve (writes)
STORMS = {
    "429-storm": [{"kind": "429", "ratio": 0.5, "seconds": 4.0, "path_prefix": "/crm"}],
    "5xx-burst": [{"kind": "500", "count": 5, "path_prefix": "/crm"}],
    "latency-spikes": [{"kind": "latency", "latency_ms": 1500, "count": 4, "path_prefix": "/crm"}],
    "dropped-connections": [{"kind": "drop", "count": 4, "path_prefix": "/crm"}],
    "mixed": [
        {"kind": "429", "count": 2, "path_prefix": "/crm"},
        {"kind": "drop", "count": 2, "path_prefix": "/crm"},
        {"kind": "500", "count": 2, "path_prefix": "/crm"},
    ],
}


@pytest.mark.parametrize("storm", list(STORMS))
def test_approve_under_faults_writes_each_exactly_once(storm: str, org: RunningSandbox, tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = cli_env(org, home)
    queue_mixed(org, home, run_id="faults")
    with watching_writes(org) as writes:
        for spec in STORMS[storm]:
            org.inject_fault(**spec)
        first = main_py(env, "approve", "--approve-all", "--yes")
        assert_no_traceback(first)
        assert first.returncode in (0, 1), first.stderr[-2000:]
        if first.returncode == 1:  # some writes were left approved "to retry": the message says how
            assert "to retry" in first.stdout and "approve --execute" in first.stdout, first.stdout
        org.clear_faults()
        again = main_py(env, "approve", "--execute")
        assert again.returncode == 0, again.stdout[-2000:] + again.stderr[-2000:]
    with StateStore.open(load_settings(home=home)) as store:
        assert assert_writes_exactly_once(org, store, writes) == 6


def test_approve_with_tokens_revoked_mid_batch(org: RunningSandbox, tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = cli_env(org, home)
    queue_mixed(org, home, run_id="faults")
    revoked: list[int] = []

    def revoke(event: Any) -> None:  # in the sandbox thread, right after each insert
        if event.operation == "insert" and len(revoked) < 2:
            revoked.append(1)
            org.inject_fault(kind="expire_tokens")

    with watching_writes(org) as writes:
        org.store.add_listener(revoke)
        try:
            done = main_py(env, "approve", "--approve-all", "--yes")
        finally:
            org.store.remove_listener(revoke)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert len(revoked) == 2 and "Done: 6 written" in done.stdout, done.stdout
    with StateStore.open(load_settings(home=home)) as store:
        assert assert_writes_exactly_once(org, store, writes) == 6


def test_approve_with_the_refresh_token_revoked_keeps_writes_and_says_why(org: RunningSandbox, tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = cli_env(org, home, SERGAS_ZOHO_REFRESH_TOKEN="1000.revoked.refresh-token")
    queue_mixed(org, home, run_id="faults")
    with watching_writes(org) as writes:
        done = main_py(env, "approve", "--approve-all", "--yes")
    assert_no_traceback(done)
    assert done.returncode == 1
    assert "refresh" in (done.stdout + done.stderr).lower() or "credential" in (done.stdout + done.stderr).lower()
    assert writes.inserts == [] and writes.updates == []
    with StateStore.open(load_settings(home=home)) as store:  # the batch stops at the first: the rest stay pending
        assert sorted(r.status for r in store.list_recommendations()) == ["approved"] + ["pending"] * 5


def test_approve_with_zoho_down_keeps_writes_approved(org: RunningSandbox, tmp_path: Path) -> None:
    home = tmp_path / "home"
    queue_mixed(org, home, run_id="faults")
    url = dead_url()
    env = cli_env(org, home, SERGAS_ZOHO_API_URL=url, SERGAS_ZOHO_ACCOUNTS_URL=url)
    done = main_py(env, "approve", "--approve-all", "--yes")
    assert_no_traceback(done)
    assert done.returncode == 1 and "approve --execute" in done.stdout, done.stdout + done.stderr
    with StateStore.open(load_settings(home=home)) as store:
        assert {r.status for r in store.list_recommendations()} == {"approved"}
    with watching_writes(org) as writes:
        again = main_py(cli_env(org, home), "approve", "--execute")
    assert again.returncode == 0, again.stdout + again.stderr
    with StateStore.open(load_settings(home=home)) as store:
        assert assert_writes_exactly_once(org, store, writes) == 6


# ------------------------------------------------------------------------------------------ review
def test_review_through_a_storm_completes_with_every_account(org: RunningSandbox, tmp_path: Path) -> None:
    """Every kind at once: 4 consecutive failures (5xx, drop, malformed, 429), 20% random 429s for 6 s, slow
    pages. The SDK tier's one attempt plus the REST tier's retries (6 here) absorb them."""
    home = tmp_path / "home"
    env = cli_env(org, home, SERGAS_ZOHO_MAX_RETRIES="6")
    org.inject_fault(kind="500", count=1, path_prefix="/crm")
    org.inject_fault(kind="drop", count=1, path_prefix="/crm")
    org.inject_fault(kind="malformed", count=1, path_prefix="/crm")
    org.inject_fault(kind="429", count=1, path_prefix="/crm")
    org.inject_fault(kind="429", ratio=0.2, seconds=6.0, path_prefix="/crm")
    org.inject_fault(kind="latency", latency_ms=800, count=3, path_prefix="/crm")
    done = main_py(env, "review", "--json")
    assert_no_traceback(done)
    doc = review_json(done)
    from cli.review_command import MEMORY_NOT_BUILT

    assert doc["accounts_triaged"] == ACCOUNTS and doc["notes"] == [MEMORY_NOT_BUILT]  # no fault leaked into notes
    assert org.state.faults.active() == [] or all(r["ratio"] for r in org.state.faults.active())
    with StateStore.open(load_settings(home=home)) as store:
        assert all(store.get_cursor(f"review:{m}") for m in ("Accounts", "Contacts", "Deals", "Tasks", "Notes"))


def test_review_when_failures_outlast_the_retries_says_so_then_resumes(org: RunningSandbox, tmp_path: Path) -> None:
    """10 consecutive failures on every path: more than every tier's attempts. One clear line, exit 1, the
    run saved as interrupted; the next review resumes it and completes."""
    home = tmp_path / "home"
    env = cli_env(org, home, SERGAS_ZOHO_MAX_RETRIES="2")
    org.inject_fault(kind="500", count=10, path_prefix="/crm")
    failed = main_py(env, "review", "--json")
    assert_no_traceback(failed)
    assert failed.returncode == 1 and failed.stdout == ""
    assert "Zoho:" in failed.stderr and "next review resumes it" in failed.stderr, failed.stderr[-2000:]
    org.clear_faults()
    doc = review_json(main_py(env, "review", "--json"))
    assert doc["resumed"] is True and doc["accounts_triaged"] == ACCOUNTS


def test_review_with_zoho_down_says_so_then_resumes(org: RunningSandbox, tmp_path: Path) -> None:
    home = tmp_path / "home"
    url = dead_url()
    down = main_py(
        cli_env(org, home, SERGAS_ZOHO_API_URL=url, SERGAS_ZOHO_ACCOUNTS_URL=url, SERGAS_ZOHO_MAX_RETRIES="1"),
        "review",
        "--json",
    )
    assert_no_traceback(down)
    assert down.returncode == 1 and down.stdout == ""
    assert "Zoho" in down.stderr and "next review resumes" in down.stderr, down.stderr[-2000:]
    with StateStore.open(load_settings(home=home)) as store:
        assert store.list_runs("review")[0].status == "interrupted"
    doc = review_json(main_py(cli_env(org, home), "review", "--json"))
    assert doc["resumed"] is True and doc["accounts_triaged"] == ACCOUNTS


def _hold_write_lock(db: Path, release: threading.Event, held: threading.Event) -> None:
    conn = sqlite3.connect(db, timeout=30, isolation_level=None)
    try:
        conn.execute("BEGIN EXCLUSIVE")
        held.set()
        release.wait(60)
        conn.execute("COMMIT")
    finally:
        conn.close()


def test_review_with_the_state_database_locked_mid_run_fails_cleanly_then_resumes(
    org: RunningSandbox, tmp_path: Path
) -> None:
    """The first page is held 3 s by the sandbox; meanwhile another process takes the database for
    longer than the busy timeout (10 s)."""
    home = tmp_path / "home"
    env = cli_env(org, home)
    assert_state_readable(home)  # creates the database
    org.inject_fault(kind="latency", latency_ms=3000, count=1, path_prefix="/crm")
    release, held = threading.Event(), threading.Event()

    def lock_when_the_page_is_in_flight() -> None:
        deadline = time.monotonic() + 60
        while org.state.faults.active() and time.monotonic() < deadline:
            time.sleep(0.02)
        _hold_write_lock(home / "state" / "state.db", release, held)

    holder = threading.Thread(target=lock_when_the_page_is_in_flight, daemon=True)
    holder.start()
    try:
        locked = main_py(env, "review", "--json")
    finally:
        release.set()
        holder.join(30)
    assert held.is_set()
    assert_no_traceback(locked)
    assert locked.returncode == 1 and locked.stdout == "", locked.stdout[-500:]
    assert "retry" in locked.stderr.lower() and "state" in locked.stderr.lower(), locked.stderr[-2000:]
    doc = review_json(main_py(env, "review", "--json"))
    assert doc["accounts_triaged"] == ACCOUNTS


def test_approve_list_with_the_state_database_locked_briefly_waits_and_succeeds(
    org: RunningSandbox, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    queue_mixed(org, home, run_id="faults", n=2)
    release, held = threading.Event(), threading.Event()
    holder = threading.Thread(target=_hold_write_lock, args=(home / "state" / "state.db", release, held), daemon=True)
    holder.start()
    assert held.wait(10)
    threading.Timer(2.0, release.set).start()
    done = main_py(cli_env(org, home), "approve", "--approve-all", "--yes")
    holder.join(30)
    assert done.returncode == 0 and "Done: 2 written" in done.stdout, done.stdout + done.stderr


# -------------------------------------------------------------------------------------- sync, doctor
def test_sync_through_a_storm_stores_everything(org: RunningSandbox, tmp_path: Path) -> None:
    home = tmp_path / "home"
    org.inject_fault(kind="429", ratio=0.3, seconds=5.0, path_prefix="/crm")
    org.inject_fault(kind="drop", count=2, path_prefix="/crm")
    org.inject_fault(kind="malformed", count=2, path_prefix="/crm")
    done = main_py(cli_env(org, home, SERGAS_ZOHO_MAX_RETRIES="4"), "sync")
    assert_no_traceback(done)
    assert done.returncode == 0, done.stderr[-2000:]
    from reliability_support import memory_ledger_counts

    assert memory_ledger_counts(home) == {
        m: len(org.store.list_records(m)) for m in ("Accounts", "Contacts", "Deals", "Tasks", "Notes")
    }


def test_sync_with_zoho_down_says_so(org: RunningSandbox, tmp_path: Path) -> None:
    url = dead_url()
    done = main_py(
        cli_env(
            org, tmp_path / "home", SERGAS_ZOHO_API_URL=url, SERGAS_ZOHO_ACCOUNTS_URL=url, SERGAS_ZOHO_MAX_RETRIES="1"
        ),
        "sync",
    )
    assert_no_traceback(done)
    assert done.returncode == 1 and "Zoho" in done.stderr, done.stderr[-2000:]


def test_doctor_with_zoho_down_fails_each_tier_with_a_fix(org: RunningSandbox, tmp_path: Path) -> None:
    url = dead_url()
    done = main_py(
        cli_env(
            org,
            tmp_path / "home",
            SERGAS_ZOHO_API_URL=url,
            SERGAS_ZOHO_ACCOUNTS_URL=url,
            SERGAS_ZOHO_MAX_RETRIES="0",
            SERGAS_ZOHO_TIMEOUT_SECONDS="3",
        ),
        "doctor",
    )
    assert_no_traceback(done)
    assert done.returncode == 1
    assert "FAIL" in done.stdout and "fix:" in done.stdout, done.stdout


def test_doctor_with_the_mcp_tier_down_reports_it_and_the_other_tiers_ok(org: RunningSandbox, tmp_path: Path) -> None:
    done = main_py(
        cli_env(org, tmp_path / "home", SERGAS_ZOHO_MCP_URL=f"{dead_url()}/mcp", SERGAS_ZOHO_TIMEOUT_SECONDS="3"),
        "doctor",
        "--json",
    )
    assert_no_traceback(done)
    import json

    checks = {c["name"]: c for c in json.loads(done.stdout)["checks"]}
    failed = [name for name, c in checks.items() if not c["ok"]]
    assert failed and all("mcp" in name.lower() for name in failed), checks
    assert all(checks[name]["fix"] for name in failed)
    assert done.returncode == 1
