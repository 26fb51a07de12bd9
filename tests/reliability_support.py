"""Shared by the fault, crash and load suites (tests/test_faults_*.py, test_crash_*.py, test_load_*.py):
run the real ``python main.py <command>`` against a sandbox, optionally killed at a named crash point
(``config.crashpoints``), and check the invariants every recovery must keep."""

from __future__ import annotations

import json
import socket
import sqlite3
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from cli_support import run_main, sandbox_cli_env
from sandbox_rest import stored

from config import load_settings
from config.crashpoints import KILL_AT_VAR, KILL_LOG_VAR
from domain.proposals import NoteDraft, ProposedAction, TaskDraft, parse_proposal
from sandbox.embedded import RunningSandbox
from state.store import StateStore

REF = "[sergas-ref:"
REVIEW_MODULES = ("Accounts", "Contacts", "Deals", "Tasks", "Notes")
TIMEOUT = 180


def cli_env(sandbox: RunningSandbox, home: Path, **extra: str) -> dict[str, str]:
    return sandbox_cli_env(sandbox, home, **{"SERGAS_ZOHO_MAX_RETRIES": "2", "COLUMNS": "200", **extra})


def mixed_proposal(i: int, account: dict[str, Any]) -> ProposedAction:
    """The ``i``-th of a repeating task / note / field-update (a flipped rating) proposal on ``account``, in
    the flat shape stored before the union (every key, most empty), as an old row would load."""
    kind = ("create_task", "add_note", "update_fields")[i % 3]
    name = account["Account_Name"]
    return parse_proposal(
        dict(
            kind=kind,
            account_id=account["id"],
            target_id=account["id"],
            task=TaskDraft(subject=f"Call {name}", due_date=date(2026, 12, 15)) if kind == "create_task" else None,
            note=NoteDraft(title="Renewal risk", content=f"Budget freeze at {name}") if kind == "add_note" else None,
            fields={"Rating": "Cold" if account.get("Rating") != "Cold" else "Warm"} if kind == "update_fields" else {},
            rationale="Renewal in 30 days and no activity for 45 days",
        )
    )


def queue_mixed(sandbox: RunningSandbox, home: Path, *, run_id: str, n: int = 6) -> list[str]:
    """``n`` pending proposals (``mixed_proposal``) on the sandbox's first ``n`` accounts; their ids."""
    with StateStore.open(load_settings(home=home)) as store:
        accounts = sandbox.store.list_records("Accounts")[:n]
        return [store.enqueue(mixed_proposal(i, acc), run_id=run_id)[0].id for i, acc in enumerate(accounts)]


def main_py(env: dict[str, str], *args: str, timeout: float = TIMEOUT) -> subprocess.CompletedProcess[str]:
    return run_main(env, *args, timeout=timeout)


def killed_at(env: dict[str, str], point: str, log: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the command with ``SERGAS_TEST_KILL_AT=point``; assert it died by SIGKILL at that point."""
    done = main_py({**env, KILL_AT_VAR: point, KILL_LOG_VAR: str(log)}, *args)
    assert done.returncode == -9, (point, done.returncode, done.stdout[-1500:], done.stderr[-3000:])
    assert log.read_text().splitlines()[-1].startswith(point if "#" in point else f"{point}#1"), log.read_text()
    return done


def assert_no_traceback(done: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback (most recent call last)" not in done.stderr + done.stdout, done.stderr[-3000:]


@dataclass
class WriteLog:
    """Every insert/update the sandbox saw while installed (thread-safe: the server thread appends)."""

    inserts: list[tuple[str, str]] = field(default_factory=list)
    updates: list[tuple[str, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, event: Any) -> None:
        with self.lock:
            target = self.inserts if event.operation == "insert" else self.updates
            target.extend((event.module, rid) for rid in event.ids)


@contextmanager
def watching_writes(sandbox: RunningSandbox) -> Iterator[WriteLog]:
    log = WriteLog()
    sandbox.store.add_listener(log)
    try:
        yield log
    finally:
        sandbox.store.remove_listener(log)


def marker_records(sandbox: RunningSandbox) -> dict[str, list[str]]:
    """idempotency key → ids of Tasks/Notes carrying its ``[sergas-ref:<key>]`` footer."""
    found: dict[str, list[str]] = {}
    for module, text_field in (("Tasks", "Description"), ("Notes", "Note_Content")):
        for record in sandbox.store.list_records(module):
            text = str(record.get(text_field) or "")
            start = text.find(REF)
            if start >= 0:
                key = text[start + len(REF) : text.index("]", start)]
                found.setdefault(key, []).append(str(record["id"]))
    return found


def assert_writes_exactly_once(sandbox: RunningSandbox, store: Any, writes: WriteLog) -> int:
    """Every approved (now executed) write is in the sandbox once; nothing unapproved was written.
    Returns the number of writes checked."""
    recs = store.list_recommendations()
    markers = marker_records(sandbox)
    approved_keys = set()
    checked = 0
    for rec in recs:
        if rec.status in ("approved", "executing"):
            raise AssertionError(f"{rec.id} left {rec.status}: the re-run did not finish it")
        kind = rec.proposal.kind
        if rec.status != "executed":
            assert rec.idempotency_key not in markers, (rec.id, rec.status, "written without approval")
            if kind == "update_fields":
                assert (rec.proposal.target_module, rec.proposal.target_id) not in writes.updates, rec.id
            continue
        checked += 1
        approved_keys.add(rec.idempotency_key)
        if kind == "update_fields":
            record = stored(sandbox, rec.proposal.target_module, rec.proposal.target_id)
            for name, value in rec.proposal.fields.items():
                assert str(record.get(name)) == str(value), (rec.id, name, record.get(name), value)
            continue
        ids = markers.get(rec.idempotency_key, [])
        assert len(ids) == 1, (rec.id, kind, ids)
        assert rec.result_record_id == ids[0], (rec.id, rec.result_record_id, ids)
    stray = [key for key in markers if key not in approved_keys]
    assert stray == [], f"records carrying keys of no executed approval: {stray}"
    created = [(m, rid) for m, rid in writes.inserts if m in ("Tasks", "Notes")]
    assert (
        len(created)
        == len(set(created))
        == sum(
            1
            for r in recs
            if r.status == "executed"
            and r.proposal.kind != "update_fields"
            and r.result_record_id in {rid for _, rid in created}
        )
    ), created
    return checked


def assert_state_readable(home: Path) -> dict[str, int]:
    """The state database passes SQLite's integrity check and answers the usual queries."""
    from config import load_settings
    from state.store import StateStore

    db = home / "state" / "state.db"
    if db.exists():
        with sqlite3.connect(db) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    with StateStore.open(load_settings(home=home)) as store:
        return {
            "recommendations": len(store.list_recommendations()),
            "runs": len(store.list_runs(limit=100)),
            "audit": len(store.list_audit(limit=10_000)),
        }


def memory_ledger_counts(home: Path) -> dict[str, int]:
    """module → records the memory ledger holds fully indexed (pushed to cognee)."""
    ledger = home / "memory" / "ledger.sqlite3"
    with sqlite3.connect(ledger) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        pending = conn.execute("select count(*) from records where indexed = 0").fetchone()[0]
        assert pending == 0, f"{pending} ledger rows never reached cognee"
        rows = conn.execute("select module, count(*) from records group by module").fetchall()
    return {str(m): int(n) for m, n in rows}


def review_json(done: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    assert done.returncode == 0, done.stderr[-3000:]
    doc: dict[str, Any] = json.loads(done.stdout)
    return doc


def dead_url() -> str:
    """A loopback URL nothing listens on (connection refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"
