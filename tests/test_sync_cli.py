"""``python main.py sync`` as a real subprocess against the sandbox, and the ``memory search`` command.

The slow test kills a running sync with SIGKILL, searches while the re-run is writing, and checks that
the re-run ends complete with no duplicates (ledger and vector index hold each record once).
"""

from __future__ import annotations

import asyncio
import json
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from cli_support import sandbox_cli_env

from cli.sync_command import parse_since
from config import Settings
from sandbox.embedded import RunningSandbox

ROOT = Path(__file__).resolve().parents[1]
MODULES = ("Accounts", "Contacts", "Deals", "Tasks", "Notes")
# what memory embeds per module (contacts and tasks are graph-only)
COLLECTION_OF = {"Accounts": "CrmAccount_text", "Deals": "CrmDeal_text", "Notes": "CrmNote_text"}


def test_parse_since_accepts_relative_and_iso_times() -> None:
    now = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
    assert parse_since("24h", now=now) == datetime(2026, 3, 9, 12, 0, tzinfo=UTC)
    assert parse_since("7d", now=now) == datetime(2026, 3, 3, 12, 0, tzinfo=UTC)
    assert parse_since("2026-01-31T00:00:00Z", now=now) == datetime(2026, 1, 31, tzinfo=UTC)
    assert parse_since("2026-01-31", now=now) == datetime(2026, 1, 31, tzinfo=UTC)
    assert parse_since(None) is None
    with pytest.raises(ValueError):
        parse_since("yesterday", now=now)


def test_memory_search_before_any_sync_says_to_sync(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from cli.memory_command import search
    from config import load_settings

    code = search(load_settings(home=tmp_path / "home"), query="anything", as_json=True)
    assert code == 1
    captured = capsys.readouterr()
    assert "python main.py sync" in captured.err
    assert captured.out == ""


def _env(sandbox: RunningSandbox, home: Path) -> dict[str, str]:
    return sandbox_cli_env(sandbox, home)


def _main(*args: str) -> list[str]:
    return [sys.executable, str(ROOT / "main.py"), *args]


def _ledger_rows(ledger: Path, sql: str) -> list[tuple[Any, ...]]:
    if not ledger.exists():
        return []
    db = sqlite3.connect(f"file:{ledger}?mode=ro", uri=True, timeout=30)
    try:
        return list(db.execute(sql))
    except sqlite3.OperationalError:  # the schema is being created
        return []
    finally:
        db.close()


def _wait_for(condition: Callable[[], bool], proc: subprocess.Popen[str], what: str, deadline: float = 240) -> None:
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if condition():
            return
        if proc.poll() is not None:
            raise AssertionError(f"sync ended (rc {proc.returncode}) before {what}")
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def _writer_lock_held(memory_dir: Path) -> bool:
    from filelock import FileLock, Timeout

    lock = FileLock(str(memory_dir / "writer.lock"))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        return True
    lock.release()
    return False


@pytest.fixture
def small_sandbox(tmp_path: Path) -> Iterator[RunningSandbox]:
    """A smaller org than the shared ``sandbox`` fixture: three syncs and a search run against it."""
    from sandbox.embedded import start_sandbox

    with start_sandbox(data_dir=tmp_path / "sandbox", accounts=15, seed=7) as running:
        yield running


def kill_a_sync_once_it_stores(env: dict[str, str], ledger: Path, stderr_path: Path) -> None:
    """Start ``main.py sync`` and SIGKILL it as soon as the ledger holds a record."""
    first = subprocess.Popen(
        _main("sync"),
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=stderr_path.open("w"),
        text=True,
    )
    try:
        _wait_for(lambda: bool(_ledger_rows(ledger, "SELECT 1 FROM records LIMIT 1")), first, "records staged")
        assert first.poll() is None
        first.send_signal(signal.SIGKILL)
        assert first.wait(timeout=30) == -signal.SIGKILL
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()


def assert_every_record_once(stats: Any, expected: dict[str, int], ledger: Path) -> None:
    """Every record of the org in the ledger and in its vector collection, none pending, none twice."""
    assert stats.records == expected
    assert stats.pending == 0
    for module, collection in COLLECTION_OF.items():
        assert stats.indexed.get(collection) == expected[module], (collection, stats.indexed)
    twice = "SELECT module, record_id, COUNT(*) FROM records GROUP BY 1, 2 HAVING COUNT(*) > 1"
    assert _ledger_rows(ledger, twice) == []


def assert_search_cites_records_of(
    sandbox: RunningSandbox, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    """``memory search --json`` finds the cancellation note and cites only records the sandbox holds."""
    from cli.memory_command import search

    capsys.readouterr()
    assert search(settings, query="customer may cancel the subscription", limit=5, as_json=True) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["count"] == len(document["results"]) > 0
    for hit in document["results"]:
        cite = hit["citation"]
        assert sandbox.store.get(cite["module"], cite["record_id"]) is not None
    assert any(h["citation"]["module"] == "Notes" for h in document["results"])


@pytest.mark.slow
@pytest.mark.timeout(600)  # two syncs in subprocesses (each loads cognee): minutes on a busy 2-core machine
def test_sync_killed_midway_resumes_complete_without_duplicates_and_search_answers_meanwhile(
    small_sandbox: RunningSandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from config import load_settings
    from memory.interface import open_memory

    sandbox = small_sandbox
    home = tmp_path / "synchome"
    env = _env(sandbox, home)
    memory_dir = home / "memory"
    ledger = memory_dir / "ledger.sqlite3"
    expected = {m: sandbox.store.count(m) for m in MODULES}

    # 1. a real sync, killed with SIGKILL once it has started storing
    kill_a_sync_once_it_stores(env, ledger, tmp_path / "first.err")
    stored = dict(_ledger_rows(ledger, "SELECT module, COUNT(*) FROM records WHERE indexed = 1 GROUP BY module"))
    assert stored != expected  # it really was cut short

    # a reader opened before the re-run (cognee loaded in this process), used while the re-run writes
    settings = load_settings(home=home)

    async def open_reader() -> Any:
        return await open_memory(settings, read_only=True)

    loop = asyncio.new_event_loop()
    try:
        reader = loop.run_until_complete(open_reader())
        second_err = tmp_path / "second.err"
        second = subprocess.Popen(
            _main("sync"), env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=second_err.open("w"), text=True
        )
        try:
            # 2. a search while the re-run holds the writer lock answers (from what is committed so far)
            _wait_for(lambda: _writer_lock_held(memory_dir), second, "the re-run to take the writer lock")
            hits = loop.run_until_complete(reader.search("customer may cancel the subscription", limit=5))
            assert isinstance(hits, list)
            assert all(h.fact.citation.record_id for h in hits)
            timeline = loop.run_until_complete(reader.timeline(sandbox.store.list_records("Accounts")[0]["id"]))
            assert isinstance(timeline, list)
            second.wait(timeout=280)
        finally:
            if second.poll() is None:
                second.kill()
                second.wait()
        err = second_err.read_text()
        assert second.returncode == 0, err
        assert "Synced" in err and "API calls" in err and "already exists" not in err

        # 3. complete, and every record exactly once: in the ledger and in the vector index
        stats = loop.run_until_complete(reader.stats())
        loop.run_until_complete(reader.aclose())
    finally:
        loop.close()
    assert_every_record_once(stats, expected, ledger)

    # 4. the search command (what `main.py memory search --json` calls) cites records that exist in the sandbox
    assert_search_cites_records_of(sandbox, settings, capsys)


@pytest.mark.slow
def test_sync_into_a_log_prints_each_module_as_it_finishes(small_sandbox: RunningSandbox, tmp_path: Path) -> None:
    """Output to a pipe (cron, a log file): one flushed line per finished module with its counts, while the sync
    still runs. Every Zoho call waits 300 ms here, so the four modules after Accounts take seconds more: a sync
    that printed only at the end (before: a transient rich bar, invisible off a terminal) shows no gap."""
    small_sandbox.inject_fault(kind="latency", ratio=1.0, seconds=600, latency_ms=300, path_prefix="/crm")
    proc = subprocess.Popen(
        _main("sync"),
        env=_env(small_sandbox, tmp_path / "home"),
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stderr is not None
    arrivals: list[tuple[float, str, bool]] = []  # (when, line, sync still running)
    for line in proc.stderr:
        arrivals.append((time.monotonic(), line.rstrip(), proc.poll() is None))
    assert proc.wait(timeout=300) == 0, arrivals
    done = {line.split()[0]: (at, running) for at, line, running in arrivals if " stored " in line}
    assert set(done) == {*MODULES, "Decisions"}, arrivals
    accounts_at, accounts_running = done["Accounts"]
    line = next(line for _, line, _ in arrivals if line.startswith("Accounts ") and " stored " in line)
    assert "fetched     15" in line and "stored     15" in line, line
    assert any(line.startswith("Accounts ") and "fetched so far" in line for _, line, _ in arrivals)
    assert accounts_running, "the Accounts line came only once the sync had ended"
    assert arrivals[-1][1].startswith("Synced ")
    assert arrivals[-1][0] - accounts_at >= 1.0, "every line arrived at once: printed only at the end"
