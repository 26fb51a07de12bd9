"""``python main.py chat`` driven as a user would: the real entry point in a real pseudo-terminal
(pexpect), the real claude-agent-sdk and its CLI against the scripted model on 127.0.0.1, and the
Zoho sandbox as the CRM (configured like real Zoho, through the settings' environment variables)."""

from __future__ import annotations

import io
import re
import threading
import time
from datetime import date
from pathlib import Path
from typing import Any

import pexpect
import pytest
from cli_support import sandbox_cli_env, spawn_main

from integrations.zoho.manager import ref_marker
from sandbox.embedded import RunningSandbox
from scripted_model import ModelRequest, ModelTurn, ScriptedModelServer
from scripted_model.scripts import obedient_reviewer
from state.store import StateStore

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parent.parent
PROMPT = r"you(@[^>]*)?> "


def chat_env(sandbox: RunningSandbox, home: Path, model: ScriptedModelServer | None) -> dict[str, str]:
    return sandbox_cli_env(sandbox, home, model=model, SERGAS_ZOHO_MAX_RETRIES="1", COLUMNS="160")


def slow_on(word: str, answer: threading.Event) -> Any:
    """The orchestrator answers a question ending in ``word`` only once ``answer`` is set (so the turn is
    interrupted mid-way, however slow the machine); other questions get a quick one-line answer. (After an
    interrupt the CLI sends the interrupted question and the next one in the same user message: the newest
    text decides.)"""

    def play(request: ModelRequest) -> ModelTurn:
        if request.agent() == "orchestrator" and request.last_user_text.rstrip().endswith(word):
            answer.wait(120)
            return ModelTurn.say("This answer came too late.")
        return ModelTurn.say("Quick answer.")

    return play


def author_writes_directly_on(word: str, script: Any) -> Any:
    """For a question containing ``word``, the Recommendation Author tries to write a note to Zoho itself
    (the approval gate turns the write into a proposal); otherwise ``script``."""

    def play(request: ModelRequest) -> ModelTurn:
        if (
            request.agent() == "recommendation-author"
            and word in request.first_user_text
            and request.called("mcp__zoho__account_360")
        ):
            if not request.called("mcp__zoho__add_note"):
                account = (request.json_results_of("mcp__zoho__account_360")[-1] or {}).get("account", {})
                return ModelTurn.call(
                    "mcp__zoho__add_note",
                    {
                        "account_id": str(account.get("id")),
                        "target_module": "Accounts",
                        "target_id": str(account.get("id")),
                        "title": "Met at the fair",
                        "content": "Asked about the new pricing.",
                        "rationale": "Record what was said.",
                    },
                )
            return ModelTurn.say("Proposed (pending approval):\n- a note about the fair")
        return script(request)

    return play


def spawn_chat(env: dict[str, str]) -> pexpect.spawn:
    return spawn_main(env, "chat")


def tasks_with_marker(sandbox: RunningSandbox, idempotency_key: str) -> list[dict[str, Any]]:
    marker = ref_marker(idempotency_key)
    return [r for r in sandbox.store.list_records("Tasks") if marker in str(r.get("Description") or "")]


def account_named(sandbox: RunningSandbox, index: int) -> dict[str, Any]:
    return sandbox.store.list_records("Accounts")[index]


def focus(child: pexpect.spawn, account: dict[str, Any], *, by: str) -> None:
    """``/account`` by name or id: the account in focus is shown with its name and id."""
    child.sendline(f"/account {by}")
    child.expect("Account in focus: ")
    child.expect(re.escape(account["Account_Name"]))
    child.expect(account["id"])
    child.expect(PROMPT)


def ask_then_approve_the_proposed_task(child: pexpect.spawn, account: dict[str, Any]) -> None:
    """A question streams the subagents' work and the answer; the proposed task is approved and written."""
    child.sendline("What should I do this week?")
    child.expect("zoho-data-scout.* is working")
    child.expect("zoho-data-scout.*zoho.account_360")
    child.expect("memory-analyst.* is working")
    child.expect("recommendation-author.* is working")
    child.expect("approvals.propose_action")
    child.expect("Here is what the team found")  # the orchestrator's answer, streamed
    child.expect(r"The team proposes 1 change\(s\)")
    child.expect(f"Check in with {re.escape(account['Account_Name'])}|Follow up on")
    child.expect(r"\[q\]uit")
    child.sendline("a")
    child.expect("Done: 1 written")
    child.expect(PROMPT)


def ask_then_reject_the_direct_write(child: pexpect.spawn, account: dict[str, Any]) -> None:
    """The author writes a note directly: the gate queues it as a proposal, which is rejected with a reason."""
    child.sendline("And this one, anything to do?")
    child.expect("recommendation-author.* is working")
    child.expect("zoho.add_note")  # a direct write: the gate queues it instead
    child.expect(r"The team proposes 1 change\(s\)")
    child.expect("New note")
    child.expect("Account: ")
    child.expect(re.escape(account["Account_Name"]))
    child.expect("Met at the fair")
    child.expect(r"\[q\]uit")
    child.sendline("r")
    child.expect("Why reject")
    child.sendline("We met them yesterday")
    child.expect("1 rejected")
    child.expect(PROMPT)


def brief_twice_then_interrupt_a_hung_brief(
    child: pexpect.spawn, sandbox: RunningSandbox, first: dict[str, Any], second: dict[str, Any]
) -> None:
    """A free question about ``first`` and ``/brief`` on ``second`` answer without a model; a third brief
    that hangs on Zoho is stopped by Ctrl-C, the chat stays."""
    child.sendline(f"What is going on at {first['Account_Name']}?")
    child.expect(r"Answering from the CRM \(deterministic, no model\) for")  # labelled; the banner said why
    child.expect(f"Meeting brief — {re.escape(first['Account_Name'])}")
    child.expect("Deterministic brief")
    child.expect(PROMPT)
    child.sendline(f"/account {second['Account_Name']}")
    child.expect("Account in focus: ")
    child.expect(PROMPT)
    child.sendline("/brief")
    child.expect(f"Meeting brief — {re.escape(second['Account_Name'])}")
    child.expect(PROMPT)
    sandbox.inject_fault(kind="latency", latency_ms=60_000, count=1, path_prefix="/crm")
    child.sendline("/brief")  # Zoho hangs: Ctrl-C stops the command, not the chat
    deadline = time.monotonic() + 60
    while sandbox.state.faults.active() and time.monotonic() < deadline:  # until the command's read is held
        time.sleep(0.02)
    assert not sandbox.state.faults.active(), "the command never reached Zoho"
    child.sendintr()
    child.expect("Stopped")
    child.expect(PROMPT)
    sandbox.clear_faults()


def test_agent_session_streams_shows_subagents_approves_rejects_and_keeps_the_conversation(
    sandbox: RunningSandbox, store: StateStore, home: Path
) -> None:
    first, second = account_named(sandbox, 0), account_named(sandbox, 1)
    with ScriptedModelServer(author_writes_directly_on("And this one", obedient_reviewer)) as model:
        child = spawn_chat(chat_env(sandbox, home, model))
        try:
            child.expect("Sergas chat")
            child.expect(PROMPT)
            child.sendline("/help")
            child.expect("/account NAME")
            child.expect("/quit")
            child.expect(PROMPT)
            focus(child, first, by=first["Account_Name"])
            ask_then_approve_the_proposed_task(child, first)
            focus(child, second, by=second["id"])
            ask_then_reject_the_direct_write(child, second)
            child.sendline("/pending")
            child.expect("No pending proposals")
            child.expect(PROMPT)
            child.sendline("/quit")
            child.expect("Bye")
            child.expect(pexpect.EOF)
        finally:
            child.close()
    assert child.exitstatus == 0
    assert model.errors == []
    recs = {r.proposal.account_id: r for r in store.list_recommendations()}
    approved, rejected = recs[first["id"]], recs[second["id"]]
    assert approved.status == "executed" and approved.run_id and approved.run_id == rejected.run_id
    assert len(tasks_with_marker(sandbox, approved.idempotency_key)) == 1  # written exactly once
    assert rejected.status == "rejected" and rejected.decision_reason == "We met them yesterday"
    assert rejected.proposal.kind == "add_note" and rejected.proposal.rationale == "Record what was said."
    marker = ref_marker(rejected.idempotency_key)
    assert [n for n in sandbox.store.list_records("Notes") if marker in str(n.get("Note_Content") or "")] == []
    assert not [n for n in sandbox.store.list_records("Notes") if n.get("Note_Title") == "Met at the fair"]
    # one conversation: the second question's orchestrator request carries the first turn
    asked = [r for r in model.agent_requests("orchestrator") if "And this one" in r.last_user_text]
    assert asked, "the second question never reached the model"
    earlier = "\n".join(str(m.get("content")) for m in asked[0].messages)
    assert "What should I do this week?" in earlier and "Here is what the team found" in earlier


def test_keyless_session_answers_deterministically_and_slash_commands_work(
    sandbox: RunningSandbox, store: StateStore, home: Path
) -> None:
    from domain.proposals import CreateTaskProposal, TaskDraft

    first, second = account_named(sandbox, 0), account_named(sandbox, 2)
    queued, _ = store.enqueue(
        CreateTaskProposal(
            account_id=second["id"],
            target_id=second["id"],
            task=TaskDraft(subject="Quarterly business review", due_date=date(2026, 12, 15)),
            rationale="No meeting this quarter",
        ),
        run_id="review-1",
    )
    child = spawn_chat(chat_env(sandbox, home, None))
    try:
        child.expect("No model key: deterministic answer")
        child.expect(r"1 proposal\(s\) wait for your decision")
        child.expect(PROMPT)
        brief_twice_then_interrupt_a_hung_brief(child, sandbox, first, second)
        child.sendline("/frobnicate")
        child.expect("Unknown command /frobnicate")
        child.expect(PROMPT)
        child.sendline("/pending")
        child.expect(r"1 pending proposal\(s\)")
        child.expect("Quarterly business review")
        child.expect(PROMPT)
        child.sendline("/approve")
        child.expect("Quarterly business review")
        child.expect(r"\[q\]uit")
        child.sendline("a")
        child.expect("Done: 1 written")
        child.expect(PROMPT)
        child.sendeof()  # Ctrl-D leaves cleanly
        child.expect("Bye")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0
    rec = store.get_recommendation(queued.id)
    assert rec is not None and rec.status == "executed"
    assert len(tasks_with_marker(sandbox, rec.idempotency_key)) == 1


def test_ctrl_c_and_a_failing_model_end_the_turn_not_the_session(
    sandbox: RunningSandbox, store: StateStore, home: Path
) -> None:
    transcript = io.StringIO()
    answer = threading.Event()
    with ScriptedModelServer(slow_on("slowly", answer)) as model:
        env = {**chat_env(sandbox, home, model), "CLAUDE_CODE_MAX_RETRIES": "1"}
        child = spawn_chat(env)
        child.logfile_read = transcript
        try:
            child.expect(PROMPT)
            child.sendline("Think about this slowly")
            deadline = time.monotonic() + 30
            while not any("slowly" in r.last_user_text for r in model.requests) and time.monotonic() < deadline:
                time.sleep(0.05)
            child.sendintr()
            child.expect("Interrupting the turn")
            child.expect("Turn interrupted")
            answer.set()  # the model is free again (the CLI stopped waiting for this answer)
            child.expect(PROMPT)
            child.sendintr()  # at the prompt: the line is cleared, the session stays
            child.expect("Ctrl-D or /quit to leave")
            child.sendline("A quick one then")  # the same session answers the next question
            child.expect("Quick answer")
            child.expect(PROMPT)
            model.fail_always(529)
            child.sendline("Are you there?")
            child.expect(r"kept failing \(HTTP 529\)")
            child.expect(PROMPT)
            model.clear_faults()
            child.sendline("And now?")
            child.expect("Quick answer")
            child.expect(PROMPT)
            child.sendline("/quit")
            child.expect("Bye")
            child.expect(pexpect.EOF)
        except pexpect.TIMEOUT:
            raise AssertionError(transcript.getvalue()[-3000:]) from None
        finally:
            answer.set()
            child.close()
    assert child.exitstatus == 0
    assert "This answer came too late" not in transcript.getvalue()
    quick = [r for r in model.agent_requests("orchestrator") if "A quick one" in r.last_user_text]
    assert quick and "Think about this slowly" in str(quick[-1].messages)  # one conversation throughout
