"""The review with a model key: ``review.pipeline.run_review`` with the reviewer ``cli.review_command``
builds (``agents.review_account``), the real Zoho manager on the sandbox org and the state store; the
scripted model (the real SDK and its bundled CLI) reviews the top flagged accounts. Their proposals reach
the approval queue, nothing is written, the run's cost is the agents' cost.

(In process rather than through ``main.py review``: the command's memory sync opens cognee, which alone
takes most of a minute; ``tests/test_review_cli.py`` covers the command itself.)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from cli_support import sandbox_settings_for
from test_ask_cli import org_state

from sandbox.embedded import RunningSandbox
from scripted_model import ModelRequest, ModelTurn, ScriptedModelServer, Usage
from scripted_model.scripts import obedient_reviewer
from state.store import StateStore

pytestmark = pytest.mark.slow


def _settings(sandbox: RunningSandbox, home: Path, model: ScriptedModelServer, **extra: Any) -> Any:
    return sandbox_settings_for(sandbox, home, anthropic_api_key="dummy", anthropic_base_url=model.base_url, **extra)


async def _review(settings: Any, limit: int) -> tuple[Any, list[Any]]:
    from cli.review_command import build_reviewer
    from integrations.zoho.factory import build_gateway
    from review.pipeline import run_review

    settings.ensure_home()
    gateway = build_gateway(settings, use_sdk=False, use_mcp=False)
    store = StateStore.open(settings)
    try:
        reviewer, why_rules = build_reviewer(settings, gateway=gateway, store=store)
        assert reviewer is not None, why_rules
        run = await run_review(settings, gateway=gateway, store=store, reviewer=reviewer, limit=limit)
        return run, store.list_recommendations(status="pending")
    finally:
        store.close()
        await gateway.aclose()


async def test_review_with_the_model_queues_agent_proposals(sandbox: RunningSandbox, tmp_path: Path) -> None:
    before = org_state(sandbox)
    with ScriptedModelServer(obedient_reviewer) as model:
        run, pending = await _review(_settings(sandbox, tmp_path / "home", model), limit=2)
    assert run.mode == "agents" and run.agent_reviews == 2 and run.rule_reviews == 0, run.notes
    assert run.cost_usd > 0 and run.model_calls > 0 and run.input_tokens > 0
    reviewed = [f for f in run.flagged if f.proposals]
    assert len(reviewed) == 2 and all(f.reviewed_by == "agent" for f in reviewed)
    assert {r.id for r in pending} == {p.id for f in reviewed for p in f.proposals}
    assert {r.proposal.account_id for r in pending} == {f.triage.account_id for f in reviewed}
    assert all(r.proposal.origin == "agent" for r in pending)
    assert org_state(sandbox) == before  # nothing written
    told = {
        line.split(":", 1)[1].strip()
        for r in model.agent_requests("orchestrator")
        for line in r.first_user_text.splitlines()
        if line.startswith("Account:")
    }
    assert told == {f.triage.account_id for f in reviewed}


def _silent(request: ModelRequest) -> ModelTurn:
    if request.agent() == "recommendation-author":
        return ModelTurn.say("Proposed (pending approval):\n- none")
    return obedient_reviewer(request)


async def test_an_agent_review_without_proposals_falls_back_to_rules(sandbox: RunningSandbox, tmp_path: Path) -> None:
    with ScriptedModelServer(_silent) as model:
        run, pending = await _review(_settings(sandbox, tmp_path / "home", model), limit=1)
    assert run.rule_reviews == 1 and run.cost_usd > 0
    assert pending and all(r.proposal.origin == "rules" for r in pending)


def _expensive(request: ModelRequest) -> ModelTurn:
    turn = obedient_reviewer(request)
    turn.usage = Usage(input_tokens=40_000, output_tokens=100)  # ≈ $0.12 per call at Sonnet prices
    return turn


async def test_the_per_account_budget_stops_an_agent_review_and_rules_take_over(
    sandbox: RunningSandbox, tmp_path: Path
) -> None:
    with ScriptedModelServer(_expensive) as model:
        settings = _settings(sandbox, tmp_path / "home", model, account_budget_usd=0.2)
        run, pending = await _review(settings, limit=1)
    assert len(model.requests) < 6  # stopped long before the 13 calls of a full review
    assert 0.2 <= run.cost_usd < 0.5
    assert any("budget for this run ($0.20) was reached" in note for note in run.notes), run.notes
    assert run.rule_reviews == 1 and pending and all(r.proposal.origin == "rules" for r in pending)


async def test_zoho_credits_running_out_mid_review_stop_the_run_and_resume_with_the_agents(
    sandbox: RunningSandbox, tmp_path: Path
) -> None:
    """The run's credit budget covers the sync, not the agents' reads: the review stops (resumable) instead of
    letting the model propose on what it could not read, or rules standing in; the next run finishes it."""
    from integrations.zoho.credits import gateway_usage
    from integrations.zoho.errors import ZohoCreditsExhaustedError
    from integrations.zoho.factory import build_gateway
    from review.pipeline import run_review

    probe = sandbox_settings_for(sandbox, tmp_path / "probe")
    probe.ensure_home()
    gateway, store = build_gateway(probe, use_sdk=False, use_mcp=False), StateStore.open(probe)
    try:  # what the sync and triage of this org cost, without agents
        await run_review(probe, gateway=gateway, store=store, reviewer=None, limit=2)
        sync_credits = gateway_usage(gateway)[1]
    finally:
        store.close()
        await gateway.aclose()

    with ScriptedModelServer(obedient_reviewer) as model:
        home = tmp_path / "home"
        with pytest.raises(ZohoCreditsExhaustedError):
            await _review(_settings(sandbox, home, model, zoho_credit_budget=sync_credits + 1), limit=2)
        stopped = StateStore.open(_settings(sandbox, home, model))
        try:
            unfinished = stopped.unfinished_run("review")
            assert unfinished is not None and not stopped.reviewed_account_ids(unfinished.id)
            assert stopped.list_recommendations(status="pending") == []  # nothing proposed on a half read
        finally:
            stopped.close()
        run, pending = await _review(_settings(sandbox, home, model), limit=2)
    assert run.resumed and run.agent_reviews == 2 and run.rule_reviews == 0, run.notes
    assert pending and all(r.proposal.origin == "agent" for r in pending)
