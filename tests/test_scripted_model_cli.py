"""The scripted model as a person runs it: ``python -m scripted_model`` prints the variables to export, and a review
and an ask through it take the agent path against the sandbox and queue an agent proposal. Also what the default
script plays in a chat: each new question is delegated afresh, and a named account is found by its name."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cli_support import ROOT, run_main, sandbox_cli_env

from sandbox.embedded import RunningSandbox
from scripted_model import ModelRequest
from scripted_model.scripts import SEARCH, obedient_reviewer

ORCHESTRATOR = "You are the Sergas Orchestrator"
SCOUT = "You are the Zoho Data Scout, read-only."


def _request(system: str, messages: list[dict[str, Any]]) -> ModelRequest:
    return ModelRequest(body={"model": "m", "system": system, "tools": [], "messages": messages})


def _user(text: str) -> dict[str, Any]:
    return {"role": "user", "content": [{"type": "text", "text": text}]}


def test_a_chat_s_second_question_is_delegated_afresh() -> None:
    first_turn = [
        _user("What about Delta Capital LLC?"),
        {"role": "assistant", "content": [{"type": "tool_use", "id": "t1", "name": "Agent", "input": {}}]},
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "t1", "content": "done"}]},
        {"role": "assistant", "content": [{"type": "text", "text": "Here is what the team found."}]},
    ]
    turn = obedient_reviewer(_request(ORCHESTRATOR, [*first_turn, _user("And Cedar Media Corp.?")]))
    assert turn.tool_uses and turn.tool_uses[0].name == "Agent"
    assert turn.tool_uses[0].input["subagent_type"] == "zoho-data-scout"
    assert "Cedar Media Corp." in turn.tool_uses[0].input["prompt"]


def test_the_scout_searches_for_the_account_the_question_names() -> None:
    turn = obedient_reviewer(_request(SCOUT, [_user("What should I do about Delta Capital LLC this week?")]))
    assert turn.tool_uses[0].name == SEARCH and turn.tool_uses[0].input["query"] == "Delta Capital LLC"


@pytest.fixture
def scripted_model() -> Iterator[tuple[subprocess.Popen[str], dict[str, str]]]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "scripted_model", "--port", "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stdout is not None
    exports: dict[str, str] = {}
    for line in proc.stdout:
        if line.strip().startswith("export "):
            exports = dict(re.findall(r"(ANTHROPIC_[A-Z_]+)=(\S+)", line))
            break
    try:
        yield proc, exports
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)


@pytest.mark.slow
def test_python_m_scripted_model_runs_the_agent_path(
    scripted_model: tuple[subprocess.Popen[str], dict[str, str]], sandbox: RunningSandbox, tmp_path: Path
) -> None:
    proc, exports = scripted_model
    assert set(exports) == {"ANTHROPIC_BASE_URL", "ANTHROPIC_API_KEY"}, exports
    assert exports["ANTHROPIC_BASE_URL"].startswith("http://127.0.0.1:")
    env = {**sandbox_cli_env(sandbox, tmp_path / "home"), **exports, "COLUMNS": "200"}

    reviewed = run_main(env, "review", "--limit", "1", timeout=400)
    assert reviewed.returncode == 0, reviewed.stderr[-2000:]
    assert "│ Mode" in reviewed.stdout and "agents" in reviewed.stdout.split("│ Mode", 1)[1].split("\n", 1)[0]
    assert re.search(r"Proposals queued\s+│ 1 new", reviewed.stdout), reviewed.stdout

    name = sandbox.store.list_records("Accounts")[3]["Account_Name"]
    asked = run_main(env, "ask", f"What should I do about {name} this week?", timeout=400)
    assert asked.returncode == 0, asked.stderr[-2000:]
    assert f"Account {name}" in asked.stdout and "Queued for human approval" in asked.stdout, asked.stdout[-3000:]

    proc.send_signal(signal.SIGINT)
    rest = proc.communicate(timeout=30)[0]
    assert proc.returncode == 0 and re.search(r"stopped after \d+ request", rest), rest
