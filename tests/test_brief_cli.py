"""``python main.py brief`` end to end against the sandbox org: deterministic without a key, written by the
agents (the scripted model through the real SDK) with one, and the deterministic fallback when the model
API keeps failing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_ask_cli import NAME_WORD, cli, cli_env, first_account, org_state, pending

from sandbox.embedded import RunningSandbox
from scripted_model import ScriptedModelServer
from scripted_model.scripts import obedient_reviewer

pytestmark = pytest.mark.slow


def test_brief_without_a_key_is_deterministic(sandbox: RunningSandbox, tmp_path: Path) -> None:
    account = first_account(sandbox)
    env = cli_env(tmp_path / "home", sandbox)
    done = cli(env, "brief", NAME_WORD)
    assert done.returncode == 0, done.stderr
    assert "deterministic" in done.stdout and "Meeting brief" in done.stdout
    assert account["Account_Name"] in done.stdout and f"Accounts/{account['id']}" in done.stdout
    doc = json.loads(cli(env, "brief", account["id"], "--json").stdout)
    assert doc["deterministic"] is True and doc["brief"]["account"]["account_id"] == account["id"]
    assert doc["markdown"].startswith(f"# Meeting brief: {account['Account_Name']}")
    ambiguous = cli(env, "brief", "Group")
    assert ambiguous.returncode == 2 and "accounts match 'Group'" in ambiguous.stderr


def test_brief_with_the_model_is_written_by_the_agents(sandbox: RunningSandbox, tmp_path: Path) -> None:
    account = first_account(sandbox)
    before = org_state(sandbox)
    with ScriptedModelServer(obedient_reviewer) as model:
        done = cli(cli_env(tmp_path / "home", sandbox, model), "brief", NAME_WORD, "--json")
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert doc["deterministic"] is False and doc["account_id"] == account["id"]
    assert f"[Accounts/{account['id']}]" in doc["answer"] and doc["cost_usd"] > 0
    assert "meeting-prep brief" in model.agent_requests("orchestrator")[0].first_user_text
    assert [r.id for r in pending(tmp_path / "home")] == doc["proposals"]
    assert org_state(sandbox) == before


def test_brief_falls_back_to_deterministic_when_the_model_fails(sandbox: RunningSandbox, tmp_path: Path) -> None:
    with ScriptedModelServer(obedient_reviewer) as model:
        model.fail_always(500)
        done = cli(cli_env(tmp_path / "home", sandbox, model, CLAUDE_CODE_MAX_RETRIES="0"), "brief", NAME_WORD)
    assert done.returncode == 1
    assert "did not finish (model_error)" in done.stderr and "HTTP 500" in done.stderr
    assert "Meeting brief" in done.stdout and "Open risks" in done.stdout
    assert pending(tmp_path / "home") == []
