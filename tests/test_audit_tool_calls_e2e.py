"""``audit`` shows the tool calls behind an agent's proposal: a real review through the real agent SDK against the
scripted model and the sandbox, then the real ``audit`` command. Before: ``tool_calls`` was empty for every agent
proposal, because the audit hook's events named no account and ``audit`` looked for calls on the proposal's
account."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_support import run_main, sandbox_cli_env

from sandbox.embedded import RunningSandbox
from scripted_model import ScriptedModelServer
from scripted_model.scripts import obedient_reviewer


@pytest.fixture
def model() -> Iterator[ScriptedModelServer]:
    with ScriptedModelServer(obedient_reviewer) as server:
        yield server


@pytest.mark.slow
def test_an_agent_proposal_shows_the_calls_behind_it(
    sandbox: RunningSandbox, tmp_path: Path, model: ScriptedModelServer
) -> None:
    env = sandbox_cli_env(sandbox, tmp_path / "home", model=model, COLUMNS="200")
    reviewed = run_main(env, "review", "--limit", "1", "--json", timeout=400)
    assert reviewed.returncode == 0, reviewed.stderr[-2000:]
    audit = run_main(env, "audit", "--json")
    assert audit.returncode == 0, audit.stderr
    chains = [c for c in json.loads(audit.stdout)["chains"] if c["recommendation"]["proposal"]["origin"] == "agent"]
    assert chains, "the scripted reviewer proposed nothing"
    chain = chains[0]
    account = chain["recommendation"]["proposal"]["account_id"]
    calls = chain["tool_calls"]
    tools = [c["tool"] for c in calls]
    assert "mcp__zoho__account_360" in tools and "Agent" in tools, tools
    assert all(c["account_id"] in (None, account) for c in calls)
    [proposing] = [c for c in calls if c["tool"] == "mcp__approvals__propose_action"]
    assert proposing["recommendation_id"] == chain["recommendation"]["id"]
    assert proposing["agent_type"] == "recommendation-author" and proposing["agent_id"]
    reads = [c for c in calls if c["agent_id"] == proposing["agent_id"] and c["tool"] == "mcp__zoho__account_360"]
    assert reads and reads[0]["account_id"] == account  # what the proposing agent read itself

    tree = run_main(env, "audit", "--account", account)
    assert tree.returncode == 0
    assert "mcp__approvals__propose_action ok" in tree.stdout and "by recommendation-author" in tree.stdout
