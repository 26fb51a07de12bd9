"""SQLite-specific: a writer holding the database beyond the busy timeout gives ``StateStoreLocked``;
separate processes queueing the same proposal still make one row."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_state_store import task

from config import load_settings
from state.errors import StateStoreError, StateStoreLocked
from state.store import StateStore


def test_busy_database_raises_state_store_locked(tmp_path: Path) -> None:
    settings = load_settings(home=tmp_path / "home")
    store = StateStore.open(settings, busy_timeout_seconds=0.3)
    holder = sqlite3.connect(settings.state_dir / "state.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    started = time.monotonic()
    with pytest.raises(StateStoreLocked, match="locked by another process; retry") as info:
        store.enqueue(task())
    assert isinstance(info.value, StateStoreError) and info.value.hint
    assert time.monotonic() - started < 5
    holder.execute("ROLLBACK")
    holder.close()
    assert store.enqueue(task())[1]
    store.close()


_CHILD = """
import sys
from domain.proposals import CreateTaskProposal, ProposedAction, TaskDraft
from config import load_settings
from state.store import StateStore
store = StateStore.open(load_settings(home=sys.argv[1]))
proposal = CreateTaskProposal(account_id="A1", target_id="A1", rationale="r",
                          task=TaskDraft(subject="Call the CFO about renewal"))
rec, created = store.enqueue(proposal)
print(rec.id, created)
"""


def test_processes_enqueueing_the_same_proposal_make_one_row(tmp_path: Path) -> None:
    home = tmp_path / "home"
    StateStore.open(load_settings(home=home)).close()
    root = Path(__file__).resolve().parent.parent
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _CHILD, str(home)],
            cwd=root,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    outputs = [p.communicate(timeout=60) for p in procs]
    assert all(p.returncode == 0 for p in procs), [err for _, err in outputs]
    ids = {out.split()[0] for out, _ in outputs}
    created = [out.split()[1] for out, _ in outputs]
    assert len(ids) == 1 and created.count("True") == 1
    with StateStore.open(load_settings(home=home)) as store:
        assert len(store.list_recommendations()) == 1


def test_a_non_postgres_database_url_is_a_config_error(tmp_path: Path) -> None:
    from pydantic import SecretStr

    from state.errors import StateStoreConfigError

    settings = load_settings(home=tmp_path / "home", database_url=SecretStr("mysql://u@127.0.0.1/db"))
    with pytest.raises(StateStoreConfigError, match="postgresql://"):
        StateStore.open(settings)
