"""The keyless chat through the real CLI: the "No model key" banner shows once per session, not after every input
(before: repeated above every answer), and ``/pending`` lists only the focused account's proposals and says how
many wait elsewhere (before: every account's)."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from test_chat_cli_e2e import PROMPT, account_named, chat_env, spawn_chat

from agents.availability import NO_MODEL_KEY_MESSAGE
from domain.proposals import CreateTaskProposal, TaskDraft
from sandbox.embedded import RunningSandbox
from state.store import StateStore

pytestmark = pytest.mark.slow


def _queue(queue: StateStore, account: dict[str, Any], subject: str) -> None:
    queue.enqueue(
        CreateTaskProposal(
            account_id=account["id"],
            target_id=account["id"],
            task=TaskDraft(subject=subject),
            rationale="Quiet for a quarter",
        ),
        run_id="review-1",
    )


def test_banner_once_and_pending_of_the_focused_account(sandbox: RunningSandbox, store: StateStore, home: Path) -> None:
    first, second = account_named(sandbox, 0), account_named(sandbox, 2)
    _queue(store, first, "Call the CFO of the first account")
    _queue(store, second, "Book the QBR with the second account")
    child = spawn_chat(chat_env(sandbox, home, None))
    transcript = io.StringIO()
    child.logfile_read = transcript
    try:
        child.expect(PROMPT)
        for question in (f"What is going on at {first['Account_Name']}?", f"And {second['Account_Name']}?"):
            child.sendline(question)
            child.expect(r"Answering from the CRM \(deterministic, no model\) for")
            child.expect(PROMPT)
        child.sendline(f"/account {first['Account_Name']}")
        child.expect("Account in focus: ")
        child.expect(PROMPT)
        child.sendline("/pending")
        child.expect("Pending for ")
        child.expect(PROMPT)
        listing = child.before
        child.sendeof()
        child.expect("Bye")
    finally:
        child.close()
    assert "Call the CFO of the first account" in listing and "second account" not in listing, listing
    assert re.search(r"1 more on other accounts", listing), listing
    screen = " ".join(transcript.getvalue().split())
    assert screen.count(NO_MODEL_KEY_MESSAGE.split(".")[0]) == 1, screen[-3000:]
