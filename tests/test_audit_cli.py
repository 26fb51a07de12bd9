"""``audit``: the chain tool calls → proposal → decision → write, as a tree and as JSON."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

from rich.console import Console
from test_approve_cli import FakeZoho, invoke
from test_state_store import task

from cli import audit_command
from cli.audit_command import AuditChain, _by_account
from config.settings import Settings
from state.store import StateStore

ROOT = Path(__file__).resolve().parent.parent


@asynccontextmanager
async def fake(_settings: Settings, _store: StateStore) -> AsyncIterator[Any]:
    yield FakeZoho()


def test_audit_shows_the_chain(settings: Settings, store: StateStore) -> None:
    store.record_audit(
        {
            "kind": "tool_call",
            "run_id": "r1",
            "account_id": "A1",
            "tool": "get_account_360",
            "agent_type": "account_reviewer",
            "outcome": "ok",
            "duration_ms": 5,
        }
    )
    rec, _ = store.enqueue(task(), run_id="r1")
    store.record_audit({"kind": "tool_call", "run_id": "r1", "account_id": "A1", "tool": "later_call"})
    invoke(settings, FakeZoho(), approve_all=True, yes=True)
    out = io.StringIO()
    assert audit_command.run(settings, account="A1", console=Console(file=out, width=160), gateway_factory=fake) == 0
    text = out.getvalue()
    for piece in (
        "Account Acme A1 (A1)",
        "proposed by agent in run r1",
        "get_account_360",
        "decision approved",
        "write created",
        "executed → record Z1",
    ):
        assert piece in text, piece
    assert "later_call" not in text
    out = io.StringIO()
    assert audit_command.run(settings, run_id="r1", as_json=True, console=Console(file=out), gateway_factory=fake) == 0
    [chain] = json.loads(out.getvalue())["chains"]
    assert chain["recommendation"]["id"] == rec.id
    assert [e["tool"] for e in chain["tool_calls"]] == ["get_account_360"]
    assert [e["outcome"] for e in chain["decisions"]] == ["approved"]
    assert [e["outcome"] for e in chain["writes"]] == ["sending", "created"]


def test_audit_without_matches_says_so(settings: Settings, store: StateStore) -> None:
    store.enqueue(task())  # on A1
    out = io.StringIO()
    assert audit_command.run(settings, account="A2", console=Console(file=out), gateway_factory=fake) == 0
    assert "No recommendations match" in out.getvalue()
    out = io.StringIO()
    assert audit_command.run(settings, account="nobody", console=Console(file=out), gateway_factory=fake) == 2
    assert "No account matches 'nobody'" in out.getvalue()


def test_audit_of_an_unknown_run_says_no_such_run(settings: Settings, store: StateStore) -> None:
    """A mistyped --run printed "No recommendations match." and exit 0, as if that run had proposed nothing."""
    store.enqueue(task(), run_id="r1")
    out = io.StringIO()
    assert audit_command.run(settings, run_id="nope", console=Console(file=out), gateway_factory=fake) == 2
    assert "No run has the id 'nope'" in out.getvalue()
    out = io.StringIO()  # a run that exists and proposed nothing is not an error
    quiet = store.start_run("review", {})
    assert audit_command.run(settings, run_id=quiet, console=Console(file=out), gateway_factory=fake) == 0
    assert "No recommendations match" in out.getvalue()


def test_rejected_and_edited_chain_in_the_real_cli(settings: Settings, store: StateStore) -> None:
    rec, _ = store.enqueue(task(), run_id="r7")
    store.decide(rec.id, "rejected", by="alice", reason="Handled by phone")
    other, _ = store.enqueue(task(subject="Other", account="A3"), run_id="r7")
    edited = other.proposal.model_copy(
        update={
            "task": other.proposal.task.model_copy(  # type: ignore[union-attr]
                update={"subject": "Other, edited"}
            )
        }
    )
    store.decide(other.id, "approved", by="bob", edited=edited)
    env = {"SERGAS_HOME": str(settings.home), "PATH": "/usr/bin:/bin", "COLUMNS": "160"}
    done = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "audit", "--run", "r7"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    for piece in (  # A1 and A3 are no accounts of the embedded sandbox org: the view says so
        "Account (not in Zoho any more) (A1)",
        "rejected",
        "Handled by phone",
        "by human alice",
        "Account (not in Zoho any more) (A3)",
        "edited before approval",
        "approved",
    ):
        assert piece in done.stdout, piece
    as_json = io.StringIO()
    assert (
        audit_command.run(settings, account="A3", as_json=True, console=Console(file=as_json), gateway_factory=fake)
        == 0
    )
    [chain] = json.loads(as_json.getvalue())["chains"]
    assert chain["decisions"][0]["detail"]["after"]["subject"] == "Other, edited"
    assert chain["decisions"][0]["detail"]["before"]["subject"] == "Other"


def test_accounts_are_listed_last_changed_first_then_by_name(store: StateStore) -> None:
    """Plain ``audit`` groups by account in a visible order: the account whose proposal changed last first, accounts
    changed in the same second by name; within an account, its proposals oldest first."""
    recs = {n: store.enqueue(task(f"Call {n}", account=n), run_id="r1")[0] for n in ("Zeta", "Alpha", "Mid")}
    later = recs["Mid"].model_copy(update={"decided_at": recs["Mid"].created_at + timedelta(minutes=5)})
    chains = [AuditChain(recommendation=r) for r in (recs["Zeta"], recs["Alpha"], later)]
    names = {"Zeta": "Zeta Corp", "Alpha": "alpha GmbH", "Mid": "Mid Ltd"}
    assert [account for account, _ in _by_account(chains, names)] == ["Mid", "Alpha", "Zeta"]
