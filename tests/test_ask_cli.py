"""``python main.py ask`` end to end: a subprocess against the sandbox org, with the scripted model (the
real SDK and its bundled CLI) or without a model key (the deterministic answer)."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cli_support import run_main, sandbox_cli_env

from config import load_settings
from sandbox.embedded import RunningSandbox
from scripted_model import ModelRequest, ModelTurn, ScriptedModelServer, Usage
from scripted_model.scripts import obedient_reviewer

pytestmark = pytest.mark.slow

MODULES = ("Accounts", "Contacts", "Deals", "Tasks", "Notes")
NAME_WORD = "Lumen"  # seed 7's first account is "Lumen Retail Corp."


def cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return run_main(env, *args, timeout=240)


def cli_env(home: Path, org: RunningSandbox, model: ScriptedModelServer | None = None, **extra: str) -> dict[str, str]:
    return sandbox_cli_env(org, home, model=model, **{"COLUMNS": "200", **extra})


def org_state(org: RunningSandbox) -> dict[str, Any]:
    """What would move if anything were written: record counts and last modification per module."""
    return {m: (org.store.count(m), org.store.last_modified(m)) for m in MODULES}


def first_account(org: RunningSandbox) -> dict[str, Any]:
    return next(r for r in org.store.iter_live("Accounts") if NAME_WORD in str(r.get("Account_Name")))


def pending(home: Path) -> list[Any]:
    from state.store import StateStore

    with StateStore.open(load_settings(home=home)) as store:
        return store.list_recommendations(status="pending")


@pytest.fixture
def model() -> Iterator[ScriptedModelServer]:
    with ScriptedModelServer(obedient_reviewer) as server:
        yield server


def test_ask_without_a_key_answers_deterministically_for_the_named_account(
    sandbox: RunningSandbox, tmp_path: Path
) -> None:
    account = first_account(sandbox)
    done = cli(cli_env(tmp_path / "home", sandbox), "ask", f"What should I do about {NAME_WORD} this week?")
    assert done.returncode == 0, done.stderr
    assert "deterministic" in done.stdout and "ANTHROPIC_API_KEY" in done.stdout
    assert account["Account_Name"] in done.stdout and f"Accounts/{account['id']}" in done.stdout
    as_json = cli(cli_env(tmp_path / "home", sandbox), "ask", "Brief me", "--account", account["id"], "--json")
    payload = json.loads(as_json.stdout)
    assert payload["deterministic"] is True and payload["proposals"] == [] and payload["cost_usd"] == 0
    assert payload["brief"]["account"]["account_id"] == account["id"]
    assert {"source": "zoho", "record_id": account["id"], "module": "Accounts"} in payload["brief"]["citations"]


def test_ask_with_an_ambiguous_account_lists_the_candidates(sandbox: RunningSandbox, tmp_path: Path) -> None:
    groups = [r for r in sandbox.store.iter_live("Accounts") if "Group" in str(r.get("Account_Name"))]
    assert len(groups) >= 2
    done = cli(cli_env(tmp_path / "home", sandbox), "ask", "How are they doing?", "--account", "Group")
    assert done.returncode == 2
    assert "accounts match 'Group'" in done.stderr and groups[0]["id"] in done.stderr


def test_ask_with_the_model_answers_queues_and_writes_nothing(
    sandbox: RunningSandbox, tmp_path: Path, model: ScriptedModelServer
) -> None:
    account = first_account(sandbox)
    before = org_state(sandbox)
    done = cli(
        cli_env(tmp_path / "home", sandbox, model),
        "ask",
        "What should I do this week?",
        "--account",
        NAME_WORD,
        "--json",
    )
    assert done.returncode == 0, done.stderr + done.stdout
    payload = json.loads(done.stdout)
    assert payload["deterministic"] is False and payload["stopped_reason"] == "completed"
    assert payload["cost_usd"] > 0 and payload["input_tokens"] > 0
    assert f"[Accounts/{account['id']}]" in payload["answer"]
    assert len(payload["proposals"]) == 1 and payload["proposals"][0] in payload["answer"]
    queued = pending(tmp_path / "home")
    assert [r.id for r in queued] == payload["proposals"] and queued[0].proposal.origin == "agent"
    assert queued[0].proposal.account_id == account["id"]
    assert org_state(sandbox) == before  # nothing was written to the CRM
    roles = {r.agent() for r in model.requests}
    assert {"orchestrator", "zoho-data-scout", "memory-analyst", "recommendation-author"} <= roles
    rich = cli(cli_env(tmp_path / "home", sandbox, model), "ask", "Anything new?", "--account", account["id"])
    assert rich.returncode == 0 and "python main.py approve" in rich.stdout
    assert "Traceback" not in done.stderr + rich.stderr and "Exception ignored" not in done.stderr + rich.stderr


def test_ask_when_the_model_keeps_failing_exits_nonzero_with_nothing_queued(
    sandbox: RunningSandbox, tmp_path: Path, model: ScriptedModelServer
) -> None:
    model.fail_always(529)
    done = cli(
        cli_env(tmp_path / "home", sandbox, model, CLAUDE_CODE_MAX_RETRIES="1"),
        "ask",
        "Status?",
        "--account",
        NAME_WORD,
        "--json",
    )
    assert done.returncode == 1
    payload = json.loads(done.stdout)
    assert payload["stopped_reason"] == "model_error" and "HTTP 529" in payload["answer"]
    assert "kept failing" in done.stderr
    assert pending(tmp_path / "home") == []


def _expensive(request: ModelRequest) -> ModelTurn:
    turn = obedient_reviewer(request)
    turn.usage = Usage(input_tokens=40_000, output_tokens=100)  # ≈ $0.12 per call at Sonnet prices
    return turn


def test_ask_stops_at_the_budget_and_says_so(sandbox: RunningSandbox, tmp_path: Path) -> None:
    with ScriptedModelServer(_expensive) as model:
        done = cli(
            cli_env(tmp_path / "home", sandbox, model, SERGAS_MAX_BUDGET_USD="0.3"),
            "ask",
            "Status?",
            "--account",
            NAME_WORD,
        )
    assert done.returncode == 1
    assert "budget" in done.stderr and "$0.30" in done.stderr
    assert len(model.requests) < 8  # stopped well before the full run (13 calls)


def test_ask_reads_through_the_mcp_tier_without_falling_back(
    sandbox: RunningSandbox, tmp_path: Path, model: ScriptedModelServer
) -> None:
    """A standard user's token with the README's scopes (the sandbox's default), Zoho's MCP server
    configured: the agents' CRM reads go through it in its wrapped shapes, and no read falls back."""
    account = first_account(sandbox)
    before = sandbox.stats()["by_endpoint"]
    env = cli_env(tmp_path / "home", sandbox, model, SERGAS_ZOHO_MCP_URL=f"{sandbox.base_url}/mcp")
    done = cli(env, "ask", "What should I do this week?", "--account", account["id"], "--json")
    assert done.returncode == 0, done.stderr + done.stdout
    payload = json.loads(done.stdout)
    assert payload["deterministic"] is False and payload["stopped_reason"] == "completed"
    assert f"[Accounts/{account['id']}]" in payload["answer"]
    after = sandbox.stats()["by_endpoint"]
    used = {k: after[k]["calls"] - before.get(k, {}).get("calls", 0) for k in after}
    used = {k: n for k, n in used.items() if n}
    mcp = {k for k in used if k.startswith("MCP ZohoCRM_")}
    assert {"MCP ZohoCRM_getRecord", "MCP ZohoCRM_getRelatedRecords", "MCP ZohoCRM_executeCOQLQuery"} <= mcp, used
    fallbacks = [
        k
        for k in used
        if k in ("GET /crm/v8/{module}", "GET /crm/v8/{module}/search", "POST /crm/v8/coql")
        or k.startswith("GET /crm/v8/{module}/{record_id}/")
    ]
    assert fallbacks == [], used  # nothing read again through the SDK or REST tiers
    # the one REST read by id is the write check's fresh look at each proposal's target (writes go by REST)
    assert used.get("GET /crm/v8/{module}/{record_id}", 0) <= len(payload["proposals"]), used
