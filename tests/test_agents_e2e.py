"""End-to-end: the real claude-agent-sdk and its bundled CLI against the scripted model on 127.0.0.1.

The gateway is the in-memory one (agents.testing): the sandbox-backed integration manager was not in
place when these were written; the gateway's ``writes`` list proves that nothing is ever written.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
from pathlib import Path
from typing import Any

import pytest

from agents.options import build_options, get_run_context
from agents.runner import AgentRunResult, run_orchestrator
from agents.testing import FakeMemory, InMemoryGateway, ListAudit, ListQueue, demo_views
from approvals.agent_door import zoho_write_check
from config import load_settings
from domain.proposals import AddNoteProposal
from scripted_model import ModelRequest, ModelTurn, ScriptedModelServer, Usage
from scripted_model.scripts import obedient_reviewer, obeys_injections

pytestmark = pytest.mark.slow

GLOBEX = "4876000000002"
QUESTION = f"What should I do about Globex this week?\nAccount: {GLOBEX}"


class Harness:
    def __init__(self, tmp_path: Path, *, hostile: bool = False) -> None:
        self.settings = load_settings(home=tmp_path / "home")
        self.gateway = InMemoryGateway(demo_views(hostile=hostile))
        self.queue = ListQueue()
        self.audit = ListAudit()
        self.memory = FakeMemory({GLOBEX: [{"citation": "fact-7", "text": "Renewed in 2025 after a 5% discount."}]})

    async def run(self, model: ScriptedModelServer, prompt: str = QUESTION, **kwargs: Any) -> AgentRunResult:
        env = {**model.env(), **kwargs.pop("extra_env", {})}
        options = build_options(
            self.settings,
            gateway=self.gateway,
            enqueue=self.queue,
            audit=self.audit,
            check=zoho_write_check(self.gateway),
            memory=self.memory,
            run_id="run-e2e",
            model_env=env,
            **kwargs,
        )
        return await run_orchestrator(options, prompt)

    def chain(self) -> list[tuple[Any, ...]]:
        return [(e.get("phase"), e.get("agent_type"), e.get("tool"), e.get("outcome")) for e in self.audit.tool_calls()]


def cli_children() -> set[int]:
    """The pids of this process's children that are the SDK's bundled CLI (read from /proc; zombies count)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            command = (entry / "cmdline").read_bytes().split(b"\0")[0]
        except (OSError, IndexError, ValueError):
            continue  # gone meanwhile
        if parent == os.getpid() and command.endswith(b"claude"):
            found.add(int(entry.name))
    return found


async def test_orchestrator_delegates_to_each_subagent_and_composes_reports(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    with ScriptedModelServer(obedient_reviewer) as model:
        result = await h.run(model)
    assert model.errors == []
    assert result.stopped_reason == "completed", result
    roles = {r.agent() for r in model.requests}
    assert {"orchestrator", "zoho-data-scout", "memory-analyst", "recommendation-author"} <= roles
    delegations = [c.input for c in model.agent_requests("orchestrator")[-1].tool_calls_made()]
    assert [d["subagent_type"] for d in delegations] == ["zoho-data-scout", "memory-analyst", "recommendation-author"]
    assert all(d["run_in_background"] is False for d in delegations)
    # the answer carries each report: facts with record ids, memory citations, the queued proposal id
    assert f"[Accounts/{GLOBEX}]" in result.answer and "[Deals/4876000000220]" in result.answer
    assert "[memory:fact-7]" in result.answer
    assert len(result.proposals) == 1 and result.proposals[0] in result.answer
    rec = h.queue.items[0]
    assert rec.status == "pending" and not rec.suspicious and rec.proposal.target_id == "4876000000220"
    assert {c.record_id for c in rec.proposal.evidence} >= {"4876000000220", GLOBEX, "fact-7"}
    assert result.cost_usd > 0 and result.input_tokens > 0 and result.num_turns >= 1
    assert result.mcp_servers == {"zoho": "connected", "memory": "connected", "approvals": "connected"}
    assert h.gateway.writes == []
    # audit: the whole chain, each call on the right agent, tiers from the tool results
    chain = h.chain()
    assert ("post", "zoho-data-scout", "mcp__zoho__account_360", "ok") in chain
    assert ("post", "memory-analyst", "mcp__memory__memory_timeline", "ok") in chain
    assert ("post", "recommendation-author", "mcp__approvals__propose_action", "ok") in chain
    assert [e.get("delegated_to") for e in h.audit.tool_calls("post") if e["tool"] == "Agent"] == [
        "zoho-data-scout",
        "memory-analyst",
        "recommendation-author",
    ]
    assert all(e.get("run_id") == "run-e2e" for e in h.audit.events)
    assert {e.get("tier") for e in h.audit.tool_calls("post") if e["tool"].startswith("mcp__zoho__")} == {"rest"}
    assert [e["kind"] for e in h.audit.events][:: len(h.audit.events) - 1] == ["run_started", "run_finished"]


def _write_script(request: ModelRequest) -> ModelTurn:
    """The orchestrator tries a write itself; the author tries one too; otherwise obedient."""
    role = request.agent()
    if role == "orchestrator" and not request.called("mcp__zoho__create_task"):
        return ModelTurn.call(
            "mcp__zoho__create_task",
            {
                "account_id": GLOBEX,
                "target_id": GLOBEX,
                "subject": "Call Globex about renewal",
                "rationale": "Renewal is close and nobody called this month.",
            },
        )
    if (
        role == "recommendation-author"
        and request.called("mcp__zoho__account_360")
        and not request.called("mcp__zoho__add_note")
    ):
        return ModelTurn.call(
            "mcp__zoho__add_note",
            {
                "account_id": GLOBEX,
                "target_module": "Deals",
                "target_id": "4876000000220",
                "title": "Renewal risk",
                "content": "Buyer asked for a discount.",
                "rationale": "Record the discount request on the deal.",
            },
        )
    return obedient_reviewer(request)


async def test_attempted_writes_are_not_executed_but_queued_with_rationale(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    with ScriptedModelServer(_write_script) as model:
        result = await h.run(model)
    assert result.stopped_reason == "completed"
    assert h.gateway.writes == []  # nothing reached the CRM
    by_kind = {r.proposal.kind: r for r in h.queue.items}
    # the orchestrator's write: it had read nothing yet, so it is refused and not queued
    denied = [e for e in h.audit.tool_calls("pre") if e["tool"] == "mcp__zoho__create_task"]
    assert denied and denied[0]["outcome"] == "denied" and denied[0]["agent_type"] == "orchestrator"
    # the author's write: queued with the model's own rationale, and the model was told the id
    note = by_kind["add_note"]
    assert note.status == "pending" and note.proposal.rationale == "Record the discount request on the deal."
    assert isinstance(note.proposal, AddNoteProposal) and note.proposal.note.content == "Buyer asked for a discount."
    queued = [e for e in h.audit.tool_calls("pre") if e["outcome"] == "queued_for_approval"]
    assert queued[0]["agent_type"] == "recommendation-author" and queued[0]["recommendation_id"] == note.id
    author_reqs = model.agent_requests("recommendation-author")
    told = [r.text for q in author_reqs for r in q.results_of("mcp__zoho__add_note")]
    assert told and note.id in told[0] and "Not executed" in told[0]
    assert note.id in result.proposals


async def test_instructions_in_crm_data_lead_to_no_write_and_no_proposal(tmp_path: Path) -> None:
    h = Harness(tmp_path, hostile=True)
    with ScriptedModelServer(obeys_injections) as model:
        result = await h.run(model)
    assert result.stopped_reason == "completed"
    assert h.gateway.writes == []
    assert h.queue.items == [] and result.proposals == []  # neither the bulk writes nor the bulk proposals
    attempted = [
        c
        for q in model.requests
        for c in q.tool_calls_made()
        if c.name in ("mcp__zoho__update_fields", "mcp__approvals__propose_action")
    ]
    assert len(attempted) >= 10  # the model really tried
    assert result.injection_findings and result.injection_findings[0]["record_id"] == "4876000000420"
    assert any("instruction-like" in w for w in result.warnings)
    outcomes = {
        (e["agent_type"], e["tool"], e["outcome"])
        for e in h.audit.tool_calls()
        if e["tool"] in ("mcp__zoho__update_fields", "mcp__approvals__propose_action")
    }
    assert ("recommendation-author", "mcp__zoho__update_fields", "denied") in outcomes
    assert ("recommendation-author", "mcp__approvals__propose_action", "error") in outcomes
    assert ("zoho-data-scout", "mcp__zoho__update_fields", "denied") in outcomes  # not even in its tool set


def _scout_oversteps(request: ModelRequest) -> ModelTurn:
    if request.agent() == "zoho-data-scout" and not request.called("mcp__memory__memory_search"):
        return ModelTurn.call("mcp__memory__memory_search", {"query": "anything"})
    if request.agent() == "memory-analyst" and not request.called("mcp__zoho__account_360"):
        return ModelTurn.call("mcp__zoho__account_360", {"account_id": GLOBEX})
    return obedient_reviewer(request)


async def test_subagent_calling_a_tool_outside_its_set_is_refused(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    with ScriptedModelServer(_scout_oversteps) as model:
        result = await h.run(model)
    assert result.stopped_reason == "completed"
    scout_result = model.agent_requests("zoho-data-scout")[1].results_of("mcp__memory__memory_search")[0]
    analyst_result = model.agent_requests("memory-analyst")[1].results_of("mcp__zoho__account_360")[0]
    assert scout_result.is_error and analyst_result.is_error
    chain = h.chain()
    assert ("refused", "zoho-data-scout", "mcp__memory__memory_search", "denied") in chain
    assert ("refused", "memory-analyst", "mcp__zoho__account_360", "denied") in chain
    assert h.gateway.calls.count("get_account_360") == 2  # scout + author; the analyst's call never ran


def _expensive(request: ModelRequest) -> ModelTurn:
    turn = obedient_reviewer(request)
    turn.usage = Usage(input_tokens=40_000, output_tokens=100)  # ≈ $0.12 per call at Sonnet prices
    return turn


async def test_budget_reached_stops_cleanly_and_keeps_what_was_done(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    with ScriptedModelServer(_expensive) as model:
        result = await h.run(model, max_budget_usd=1.2)
    assert result.stopped_reason == "budget", result
    assert "budget" in result.answer and "$1.20" in result.answer
    assert result.cost_usd >= 1.2
    calls_made = len(model.requests)
    assert calls_made < 14  # the full run takes 13 calls; it stopped early (±1 overshoot)
    assert [r.id for r in h.queue.items] == result.proposals  # whatever was queued is reported and kept
    assert h.gateway.writes == []
    assert h.audit.events[-1]["kind"] == "run_finished" and h.audit.events[-1]["outcome"] == "budget"


async def test_model_api_failing_is_retried_then_reported_without_half_writes(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    with ScriptedModelServer(obedient_reviewer) as model:
        model.fail_always(529)
        result = await h.run(model, extra_env={"CLAUDE_CODE_MAX_RETRIES": "2"})
    assert result.stopped_reason == "model_error", result
    assert model.fault_responses == 3  # first try + 2 retries
    assert result.api_retries == 2 and result.api_error_status == 529
    assert "kept failing" in result.answer and "HTTP 529" in result.answer
    assert h.queue.items == [] and h.gateway.writes == [] and h.gateway.calls == []
    assert h.audit.events[-1]["outcome"] == "model_error"


async def test_transient_5xx_is_retried_and_the_run_completes(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    with ScriptedModelServer(obedient_reviewer) as model:
        model.fail_next(1, status=500)
        result = await h.run(model, extra_env={"CLAUDE_CODE_MAX_RETRIES": "2"})
    assert result.stopped_reason == "completed" and result.api_retries == 1
    assert len(h.queue.items) == 1


async def test_failed_remote_zoho_mcp_server_is_reported(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    h.settings = load_settings(home=tmp_path / "home", zoho_mcp_url="http://127.0.0.1:9/mcp")
    with ScriptedModelServer(obedient_reviewer) as model:
        options = build_options(
            h.settings,
            gateway=h.gateway,
            enqueue=h.queue,
            audit=h.audit,
            check=zoho_write_check(h.gateway),
            memory=h.memory,
            model_env=model.env(),
        )
        scout_tools = options.agents["zoho-data-scout"].tools  # type: ignore[index]
        assert "mcp__zoho_remote__ZohoCRM_getRecord" in scout_tools  # type: ignore[operator]
        assert not any(t.endswith("*") for t in scout_tools or [])  # a named list, never the whole server
        result = await run_orchestrator(options, QUESTION)
        assert get_run_context(options).run_id == result.run_id
    assert result.mcp_servers.get("zoho_remote") not in (None, "connected")
    assert any("zoho_remote" in w and "missing" in w for w in result.warnings)
    assert result.stopped_reason == "completed"


async def test_a_finished_run_leaves_no_cli_process_behind(tmp_path: Path) -> None:
    """The run ends at its result without reading the stream to its end: the CLI is stopped then, not left
    for a garbage collection (a long ``listen`` would pile up one ~200 MB CLI per review)."""
    before = cli_children()
    h = Harness(tmp_path)
    with ScriptedModelServer(obedient_reviewer) as model:
        result = await h.run(model)
    assert result.stopped_reason == "completed"
    assert cli_children() - before == set()


async def test_a_run_cancelled_mid_turn_leaves_no_cli_process_behind(tmp_path: Path) -> None:
    """A review cancelled while the CLI waits on the model (a listener stopping, a sibling review failing)."""
    before = cli_children()
    asked, release = threading.Event(), threading.Event()

    def stalls(request: ModelRequest) -> ModelTurn:
        asked.set()
        release.wait(120)  # the model is slow: the CLI is mid-turn until the test lets go
        return obedient_reviewer(request)

    h = Harness(tmp_path)
    with ScriptedModelServer(stalls) as model:
        run = asyncio.create_task(h.run(model))
        try:
            assert await asyncio.to_thread(asked.wait, 120), "the CLI never asked the model"
            assert len(cli_children() - before) == 1
            run.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await run
            assert run.cancelled()
            assert cli_children() - before == set()
        finally:
            release.set()
