"""Crash recovery: the real ``python main.py review | approve | sync`` SIGKILLed at named points, then run again.

Kill points are the ``crash_point(...)`` calls of ``config.crashpoints`` (the process kills itself there,
``SERGAS_TEST_KILL_AT=<point>[#n]``) plus kills from outside on events the sandbox or the state database
shows (a write held in flight, a module's cursor committed, a slow page in flight). Each test id starts
with ``killNN``: the suite counts its kill points. After the re-run:

- every approved write is in the sandbox exactly once, and nothing was written without an approval;
- no proposal is duplicated (the dedupe keys equal those of an uncrashed run on the same org);
- the sync is complete (every module's cursor, the run succeeded, every record in memory for ``sync``);
- the state database passes SQLite's integrity check and answers queries.
"""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cli_support import ROOT
from reliability_support import (
    REVIEW_MODULES,
    assert_no_traceback,
    assert_state_readable,
    assert_writes_exactly_once,
    cli_env,
    killed_at,
    main_py,
    memory_ledger_counts,
    queue_mixed,
    review_json,
    watching_writes,
)

from config import load_settings
from domain.proposals import AddNoteProposal, NoteDraft
from sandbox.embedded import RunningSandbox
from state.store import StateStore

pytestmark = [pytest.mark.faults, pytest.mark.slow]

ACCOUNTS, SEED = 12, 7

# Each chain kills the command at each point in turn (every run resumes what the previous kill left),
# then runs it to the end: repeated crashes, and fewer full runs (each loads cognee, ~5 s).
REVIEW_CHAINS: list[tuple[str, ...]] = [
    (
        "review.run_started",  # run row written, nothing fetched
        "sync.module_fetched#2",  # Contacts fetched, its cursor not stored
        "sync.before_cache_save",
    ),  # every cursor stored, the snapshot not
    (
        "memory.opened",  # records about to be stored into memory
        "memory.stored",
    ),  # memory stored, the review not begun
    (
        "triage.account#7",  # mid triage
        "review.proposal_queued#2",  # mid queueing (an account half queued)
        "review.result_saved#3",
    ),  # three accounts saved
    (
        "review.before_finish",  # everything saved, the run not marked succeeded
        "report.written#1",
    ),  # mid report: the Markdown written, the HTML not
]
APPROVE_POINTS: list[tuple[str, ...]] = [
    ("approve.decided#2",),  # mid decisions
    ("executor.claimed#1",),  # claimed, nothing sent
    ("executor.claimed#3",),
    ("executor.sent#1",),  # the write reached Zoho, its result not recorded
    ("executor.sent#3",),  # an update_fields sent, not recorded
    ("executor.recorded#2",),  # recorded, the audit line not written
    ("executor.sent#1", "executor.sent#1"),  # killed again while reconciling the first crash
]


@pytest.fixture
def org(tmp_path: Path) -> Iterator[RunningSandbox]:
    from sandbox.embedded import start_sandbox

    with start_sandbox(tmp_path / "sandbox", accounts=ACCOUNTS, seed=SEED) as running:
        yield running


@pytest.fixture(scope="module")
def baseline_keys(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    """The proposals an uncrashed review queues on the same org."""
    from sandbox.embedded import start_sandbox

    base = tmp_path_factory.mktemp("baseline")
    with start_sandbox(base / "sandbox", accounts=ACCOUNTS, seed=SEED) as running:
        review_json(main_py(cli_env(running, base / "home"), "review", "--json"))
    with StateStore.open(load_settings(home=base / "home")) as store:
        keys = {r.dedupe_key for r in store.list_recommendations()}
    assert keys, "the baseline review queued nothing: the org is too small to test queueing"
    return keys


def _ids(prefix: str, chains: list[Any], start: int) -> list[str]:
    """``kill01-03-review-a+b+c``: the kill points a test covers, numbered across the suite."""
    out = []
    for chain in chains:
        names = chain if isinstance(chain, tuple) else (chain,)
        span = f"{start:02d}" if len(names) == 1 else f"{start:02d}-{start + len(names) - 1:02d}"
        out.append(f"kill{span}-{prefix}-" + "+".join(n.replace("#", "_") for n in names))
        start += len(names)
    return out


def _count(chains: list[Any]) -> int:
    return sum(len(c) if isinstance(c, tuple) else 1 for c in chains)


@pytest.mark.parametrize("chain", REVIEW_CHAINS, ids=_ids("review", REVIEW_CHAINS, 1))
def test_review_killed_then_rerun(
    chain: tuple[str, ...], org: RunningSandbox, tmp_path: Path, baseline_keys: set[str]
) -> None:
    home = tmp_path / "home"
    env = cli_env(org, home)
    if any(point.startswith("memory.") for point in chain):  # a review feeds memory once sync has built it
        assert_no_traceback(built := main_py(env, "sync"))
        assert built.returncode == 0, built.stderr[-2000:]
    with watching_writes(org) as writes:
        for point in chain:
            killed_at(env, point, tmp_path / "kills.log", "review", "--json")
            assert_state_readable(home)
        again = main_py(env, "review", "--json")
    assert_no_traceback(again)
    doc = review_json(again)
    assert writes.inserts == [] and writes.updates == [], "a review wrote to Zoho"
    assert doc["accounts_triaged"] == ACCOUNTS
    finished_before = chain[-1].startswith("report.")
    assert doc["resumed"] is (not finished_before), doc["resumed"]
    with StateStore.open(load_settings(home=home)) as store:
        recs = store.list_recommendations()
        keys = [r.dedupe_key for r in recs]
        assert len(keys) == len(set(keys)), "a proposal was queued twice"
        assert set(keys) == baseline_keys
        assert all(r.status == "pending" for r in recs)
        assert store.unfinished_run("review") is None
        runs = store.list_runs("review")
        assert runs[0].status == "succeeded" and len(runs) == (2 if finished_before else 1)
        for module in REVIEW_MODULES:
            assert store.get_cursor(f"review:{module}") is not None, module
        results = store.review_results(doc["run_id"])
    assert {r.account_id for r in results} == {f["account_id"] for f in doc["flagged"]}
    for path in doc["report_paths"]:
        assert Path(path).read_text().strip(), path
    assert_state_readable(home)


def test_a_review_killed_while_feeding_memory_feeds_it_on_the_rerun(org: RunningSandbox, tmp_path: Path) -> None:
    """The review moves its cursors only after memory took what it fetched: killed in between, the rerun
    fetches the change again and memory gets it (before, it waited for the next ``sync``)."""
    home = tmp_path / "home"
    env = cli_env(org, home)
    for command in (("sync",), ("review", "--json")):
        done = main_py(env, *command)
        assert done.returncode == 0, done.stderr[-2000:]
    note, later = org.store.list_records("Notes")[:2]
    text = "Procurement asked for the signed security questionnaire before the renewal."
    org.store.update("Notes", note["id"], {"Note_Content": text})
    time.sleep(1.1)  # a later change moves the cursor past this one (a fetch at the cursor would refetch it)
    org.store.update("Notes", later["id"], {"Note_Content": "Left a voicemail about the onboarding call."})
    killed_at(env, "memory.opened", tmp_path / "kills.log", "review", "--json")
    again = main_py(env, "review", "--json")
    assert_no_traceback(again)
    assert again.returncode == 0, again.stderr[-2000:]
    memory_ledger_counts(home)  # nothing left unpushed
    with sqlite3.connect(home / "memory" / "ledger.sqlite3") as ledger:
        (excerpt,) = ledger.execute(
            "SELECT excerpt FROM records WHERE module = 'Notes' AND record_id = ?", (note["id"],)
        ).fetchone()
    assert text in excerpt


# --------------------------------------------------------------------------------------------- approve
def _queue(org: RunningSandbox, home: Path) -> list[str]:
    """Six proposals (2 tasks, 2 notes, 2 field updates) and one rejected note; returns the rejected id."""
    queue_mixed(org, home, run_id="crash")
    accounts = org.store.list_records("Accounts")[:6]
    with StateStore.open(load_settings(home=home)) as store:
        rejected, _ = store.enqueue(
            AddNoteProposal(
                account_id=accounts[0]["id"],
                target_id=accounts[0]["id"],
                note=NoteDraft(title="Not this one", content="Rejected before the batch"),
                rationale="Duplicate of a call note",
            ),
            run_id="crash",
        )
        store.decide(rejected.id, "rejected", by="tester", reason="duplicate")
    return [rejected.id]


@pytest.mark.parametrize("points", APPROVE_POINTS, ids=_ids("approve", APPROVE_POINTS, _count(REVIEW_CHAINS) + 1))
def test_approve_killed_then_rerun(points: tuple[str, ...], org: RunningSandbox, tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = cli_env(org, home)
    rejected = _queue(org, home)
    with watching_writes(org) as writes:
        for point in points:
            killed_at(env, point, tmp_path / "kills.log", "approve", "--approve-all", "--yes")
            assert_state_readable(home)
        again = main_py(env, "approve", "--approve-all", "--yes")
        assert_no_traceback(again)
        assert again.returncode == 0, again.stdout[-2000:] + again.stderr[-2000:]
        if any(p.startswith("executor.sent") for p in points):
            assert "Reconciling 1 write(s)" in again.stdout, again.stdout
    with StateStore.open(load_settings(home=home)) as store:
        checked = assert_writes_exactly_once(org, store, writes)
        assert checked == 6
        assert store.get_recommendation(rejected[0]).status == "rejected"  # type: ignore[union-attr]
        assert store.lock_holder("approval-executor") is None


@pytest.mark.parametrize(
    "nth_insert", [2], ids=_ids("approve", [("reply_held",)], _count(REVIEW_CHAINS) + _count(APPROVE_POINTS) + 1)
)
def test_approve_killed_while_zoho_holds_the_created_reply(
    nth_insert: int, org: RunningSandbox, tmp_path: Path
) -> None:
    """kill from outside: the record is created, the reply held back, the CLI killed while it waits."""
    home = tmp_path / "home"
    env = cli_env(org, home)
    _queue(org, home)
    created: list[str] = []

    def hold(event: Any) -> None:  # the sandbox's server thread, after the insert
        if event.operation == "insert" and event.module in ("Tasks", "Notes"):
            created.extend(event.ids)
            if len(created) == nth_insert:
                time.sleep(2.0)

    with watching_writes(org) as writes:
        org.store.add_listener(hold)
        proc = subprocess.Popen(
            [sys.executable, str(ROOT / "main.py"), "approve", "--approve-all", "--yes"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            deadline = time.monotonic() + 90
            while len(created) < nth_insert and time.monotonic() < deadline and proc.poll() is None:
                time.sleep(0.02)
            assert len(created) >= nth_insert, "the create to hold never reached the sandbox"
            proc.send_signal(signal.SIGKILL)
            assert proc.wait(timeout=10) == -9
        finally:
            org.store.remove_listener(hold)
        again = main_py(env, "approve", "--approve-all", "--yes")
    assert again.returncode == 0 and "already present" in again.stdout, again.stdout + again.stderr
    with StateStore.open(load_settings(home=home)) as store:
        assert assert_writes_exactly_once(org, store, writes) == 6


# ------------------------------------------------------------------------------------------------ sync
def _ledger_cursors(home: Path) -> dict[str, str]:
    """The sync's module cursors (kept in the memory ledger, moved only once a module is stored); its
    bookkeeping cursors (``SyncRound``, ``SyncDone:<Module>``, ``Deleted:<Module>``) are left out."""
    ledger = home / "memory" / "ledger.sqlite3"
    if not ledger.exists():
        return {}
    try:
        with sqlite3.connect(f"file:{ledger}?mode=ro", uri=True, timeout=0.2) as conn:
            rows = conn.execute("select module, value from cursors")
            return {str(m): str(v) for m, v in rows if str(m) in REVIEW_MODULES}
    except sqlite3.OperationalError:
        return {}


def _ledger_staged(home: Path) -> bool:
    """Memory rows staged in the ledger but not yet pushed to cognee (``indexed = 0``)."""
    ledger = home / "memory" / "ledger.sqlite3"
    if not ledger.exists():
        return False
    try:
        with sqlite3.connect(f"file:{ledger}?mode=ro", uri=True, timeout=0.2) as conn:
            return bool(conn.execute("select count(*) from records where indexed = 0").fetchone()[0])
    except sqlite3.OperationalError:
        return False


SYNC_CHAINS: list[tuple[str, ...]] = [("cursor_1", "cursor_3"), ("page_in_flight", "memory_staged")]


@pytest.mark.parametrize(
    "chain", SYNC_CHAINS, ids=_ids("sync", SYNC_CHAINS, _count(REVIEW_CHAINS) + _count(APPROVE_POINTS) + 2)
)
def test_sync_killed_then_rerun(chain: tuple[str, ...], org: RunningSandbox, tmp_path: Path) -> None:
    """kill from outside: after the n-th module's cursor is committed, while a page is in flight, or while
    memory rows are staged in the ledger and not yet pushed to cognee (mid memory store)."""
    home = tmp_path / "home"
    env = cli_env(org, home)
    for when in chain:
        _kill_sync_when(when, org, env, home)
    again = main_py(env, "sync")
    assert_no_traceback(again)
    assert again.returncode == 0, again.stderr[-3000:]
    totals = {m: len(org.store.list_records(m)) for m in REVIEW_MODULES}
    assert memory_ledger_counts(home) == totals
    assert set(_ledger_cursors(home)) == set(REVIEW_MODULES)


def _kill_sync_when(when: str, org: RunningSandbox, env: dict[str, str], home: Path) -> None:
    if when == "page_in_flight":
        org.inject_fault(kind="latency", latency_ms=4000, count=1, path_prefix="/crm/v8/coql")
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "sync"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    want = int(when.split("_")[1]) if when.startswith("cursor") else None
    while time.monotonic() < deadline and proc.poll() is None:
        if want is not None and len(_ledger_cursors(home)) >= want:
            break
        if when == "memory_staged" and _ledger_staged(home):
            break
        if when == "page_in_flight" and not org.state.faults.active():
            time.sleep(0.5)  # the held page was picked: inside its 4 s latency
            break
        time.sleep(0.02)
    assert proc.poll() is None, f"sync finished before {when}: " + proc.communicate()[1][-2000:]
    proc.send_signal(signal.SIGKILL)
    assert proc.wait(timeout=10) == -9
    org.clear_faults()
    assert_state_readable(home)
