"""Approving that people can trust (issue 11), in a real terminal (pexpect) against the sandbox: account names
(with whole ids) at 80 columns, each write done and confirmed as soon as it is approved (a failure shown at
once with what to do), Ctrl-C asks once and leaves nothing half-done, and a batch over everything asks first."""

from __future__ import annotations

import re
import threading
from pathlib import Path
from typing import Any

import pexpect
import pytest
from cli_support import run_main, sandbox_cli_env, spawn_main
from sandbox_rest import stored

from domain.proposals import CreateTaskProposal, ProposedAction, TaskDraft, UpdateFieldsProposal
from domain.recommendations import Recommendation
from integrations.zoho.manager import ref_marker
from sandbox.embedded import RunningSandbox
from state.store import StateStore

pytestmark = pytest.mark.slow
CHOICES = r"\[q\]uit"


def env_for(sandbox: RunningSandbox, home: Path, columns: int = 80) -> dict[str, str]:
    return sandbox_cli_env(sandbox, home, COLUMNS=str(columns), SERGAS_ZOHO_MAX_RETRIES="1")


def spawn(sandbox: RunningSandbox, home: Path, *args: str, columns: int = 80) -> pexpect.spawn:
    return spawn_main(env_for(sandbox, home, columns), "approve", *args, rows=50, columns=columns)


def queue_tasks(store: StateStore, sandbox: RunningSandbox, n: int, *, bad_first: bool = False) -> list[Recommendation]:
    """One proposal on each of the first ``n`` accounts, in the order approve shows them (by account name)."""
    recs = []
    accounts = sorted(sandbox.store.list_records("Accounts")[:n], key=lambda a: str(a["Account_Name"]).lower())
    for i, acc in enumerate(accounts):
        bad = bad_first and i == 0
        common: dict[str, Any] = {"account_id": acc["id"], "target_id": acc["id"], "rationale": "Quiet for 45 days"}
        proposal: ProposedAction = (
            UpdateFieldsProposal(**common, fields={"Rating": "Scorching"})  # not one of the picklist values
            if bad
            else CreateTaskProposal(**common, task=TaskDraft(subject=f"Call {acc['Account_Name']}"))
        )
        recs.append(store.enqueue(proposal)[0])
    return recs


def written(sandbox: RunningSandbox, rec: Recommendation) -> list[dict[str, Any]]:
    marker = ref_marker(rec.idempotency_key)
    return [t for t in sandbox.store.list_records("Tasks") if marker in str(t.get("Description") or "")]


def status(store: StateStore, rec: Recommendation) -> str:
    got = store.get_recommendation(rec.id)
    assert got is not None
    return got.status


def test_lists_and_panels_show_names_and_whole_ids_at_80_columns(
    sandbox: RunningSandbox, store: StateStore, home: Path
) -> None:
    recs = queue_tasks(store, sandbox, 3)
    names = [str(stored(sandbox, "Accounts", r.proposal.account_id)["Account_Name"]) for r in recs]
    listed = run_main(env_for(sandbox, home), "approve", "--list")
    assert listed.returncode == 0, listed.stderr
    assert all(word in listed.stdout for name in names for word in name.split()), listed.stdout  # may wrap
    assert "…" not in listed.stdout and not re.search(r"\d{6,}…", listed.stdout)
    child = spawn(sandbox, home)
    try:
        child.expect("Account: ")
        child.expect(re.escape(names[0]))
        child.expect(re.escape(recs[0].proposal.account_id))  # the whole id, never cut
        child.expect(CHOICES)
        child.sendline("q")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert not re.search(r"\d{6,}…", child.before or "")


def test_each_write_is_done_and_confirmed_as_soon_as_it_is_approved(
    sandbox: RunningSandbox, store: StateStore, home: Path
) -> None:
    bad, good, later = queue_tasks(store, sandbox, 3, bad_first=True)
    child = spawn(sandbox, home, columns=120)
    try:
        child.expect(CHOICES)
        child.sendline("a")  # Zoho refuses it: said at once, with what to do
        child.expect("✘")
        child.expect("Rating")
        child.expect(CHOICES)
        assert status(store, bad) == "failed"
        child.sendline("a")
        child.expect("✔ created Tasks record")
        child.expect(CHOICES)  # the next proposal is up: the first write is already in Zoho
        assert status(store, good) == "executed" and len(written(sandbox, good)) == 1
        assert status(store, later) == "pending"
        child.sendline("q")
        child.expect("Done: 1 written, 0 already present, 0 to retry, 1 failed")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 1


def test_ctrl_c_asks_once_and_leaves_nothing_half_done(sandbox: RunningSandbox, store: StateStore, home: Path) -> None:
    first, second, third = queue_tasks(store, sandbox, 3)
    inserted, interrupted = threading.Event(), threading.Event()

    def hold_reply(event: Any) -> None:  # the sandbox's server thread, after the insert: the reply waits
        if event.operation == "insert" and event.module == "Tasks":
            inserted.set()
            interrupted.wait(60)  # until Ctrl-C was sent, however slow the machine

    child = spawn(sandbox, home, columns=120)
    sandbox.store.add_listener(hold_reply)
    try:
        child.expect(CHOICES)
        child.sendline("a")
        assert inserted.wait(30)
        child.sendintr()  # while the write is in flight: it completes, then the question comes
        interrupted.set()
        child.expect("✔ created Tasks record")
        child.expect("Stop approving\\? Approved writes so far are done; nothing half-done")
        child.sendline("n")
        child.expect(CHOICES)
        sandbox.store.remove_listener(hold_reply)
        child.sendintr()  # at the prompt: asked at once, the first time
        child.expect("Stop approving\\?")
        child.sendline("y")
        child.expect("1 approved, 0 rejected, 0 skipped")
        child.expect(pexpect.EOF)
    finally:
        interrupted.set()
        sandbox.store.remove_listener(hold_reply)
        child.close()
    assert child.exitstatus == 0
    assert [status(store, r) for r in (first, second, third)] == ["executed", "pending", "pending"]
    assert len(written(sandbox, first)) == 1 and store.executing_recommendations() == []


def test_approve_all_without_a_filter_asks_first_or_needs_yes(
    sandbox: RunningSandbox, store: StateStore, home: Path
) -> None:
    recs = queue_tasks(store, sandbox, 3)
    refused = run_main(env_for(sandbox, home), "approve", "--approve-all")
    assert refused.returncode == 2
    assert len(refused.stdout.strip().splitlines()) == 1 and "--yes" in refused.stdout, refused.stdout
    assert {status(store, r) for r in recs} == {"pending"}

    child = spawn(sandbox, home, "--approve-all")
    try:
        child.expect("3 pending proposal")
        child.expect("Call ")  # what it would do, listed first
        child.expect(r"Approve all 3 proposal\(s\) above and write them to Zoho now\?")
        child.sendline("n")
        child.expect("Nothing decided")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert {status(store, r) for r in recs} == {"pending"} and not any(written(sandbox, r) for r in recs)

    child = spawn(sandbox, home, "--reject-all", "Not this quarter")
    try:
        child.expect(r"Reject all 3 proposal\(s\) above\?")
        child.sendline("y")
        child.expect(r"Rejected 3 proposal\(s\)")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert {status(store, r) for r in recs} == {"rejected"}
