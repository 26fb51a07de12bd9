"""The approval gate, can_use_tool and audit hooks, called directly with crafted inputs."""

from __future__ import annotations

from typing import Any

import pytest
from claude_agent_sdk import PermissionResultAllow, PermissionResultDeny, ToolPermissionContext

from agents.run_context import RunContext
from agents.testing import ListAudit, ListQueue
from domain.proposals import ProposedAction
from domain.recommendations import Recommendation
from hooks.approval_gate import make_pre_tool_use, proposal_from_write
from hooks.audit import make_post_tool_use, make_post_tool_use_failure
from hooks.permissions import make_can_use_tool


def _ctx(queue: Any = None, audit: ListAudit | None = None, **kw: Any) -> RunContext:
    ctx = RunContext(
        run_id="r-1", enqueue=queue or ListQueue(), audit_sink=audit or ListAudit(), secrets=("s3cr3t-value",), **kw
    )
    ctx.saw_records([("100001", "Acme"), ("200001", "Acme renewal")])
    return ctx


def _pre(tool: str, tool_input: dict[str, Any], agent_type: str | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "hook_event_name": "PreToolUse",
        "tool_name": tool,
        "tool_input": tool_input,
        "tool_use_id": "toolu_1",
        "session_id": "s",
        "transcript_path": "",
        "cwd": "/",
    }
    if agent_type:
        data.update(agent_type=agent_type, agent_id="a-1")
    return data


def _decision(out: dict[str, Any]) -> str | None:
    return out.get("hookSpecificOutput", {}).get("permissionDecision")


async def test_write_attempt_is_queued_with_rationale_and_denied() -> None:
    queue, audit = ListQueue(), ListAudit()
    gate = make_pre_tool_use(_ctx(queue, audit))
    out = await gate(
        _pre(
            "mcp__zoho__update_fields",
            {
                "account_id": "100001",
                "target_module": "Deals",
                "target_id": "200001",
                "fields": {"Stage": "Closed Won"},
                "rationale": "Buyer signed yesterday.",
            },
            "recommendation-author",
        ),
        "toolu_1",
        {},
    )
    assert _decision(out) == "deny"
    assert len(queue.items) == 1
    rec = queue.items[0]
    assert rec.proposal.kind == "update_fields" and rec.proposal.fields == {"Stage": "Closed Won"}
    assert rec.proposal.rationale == "Buyer signed yesterday." and rec.status == "pending"
    assert rec.id in out["hookSpecificOutput"]["permissionDecisionReason"]
    event = audit.events[-1]
    assert event["outcome"] == "queued_for_approval" and event["agent_type"] == "recommendation-author"
    assert event["recommendation_id"] == rec.id and event["run_id"] == "r-1"


async def test_write_on_unread_record_is_denied_and_not_queued() -> None:
    queue = ListQueue()
    out = await make_pre_tool_use(_ctx(queue))(
        _pre("mcp__zoho__create_task", {"account_id": "999999", "target_id": "999999", "subject": "x"}), None, {}
    )
    assert _decision(out) == "deny" and queue.items == []
    assert "not read in this run" in out["hookSpecificOutput"]["permissionDecisionReason"]


async def test_remote_write_tool_is_gated_and_unknown_tools_are_denied() -> None:
    gate = make_pre_tool_use(_ctx())
    out = await gate(_pre("mcp__zoho_remote__ZohoCRM_Update_Records", {"module": "Deals"}, "zoho-data-scout"), None, {})
    assert _decision(out) == "deny"
    for tool in ("Bash", "WebFetch", "mcp__other__thing", "mcp__zoho_remote__frobnicate"):
        assert _decision(await gate(_pre(tool, {}), None, {})) == "deny", tool


async def test_each_agent_only_gets_its_own_tools() -> None:
    gate = make_pre_tool_use(_ctx())
    assert await gate(_pre("mcp__zoho__account_360", {"account_id": "1"}, "zoho-data-scout"), None, {}) == {}
    assert await gate(_pre("mcp__memory__memory_search", {"query": "q"}, "memory-analyst"), None, {}) == {}
    assert _decision(await gate(_pre("mcp__memory__memory_search", {}, "zoho-data-scout"), None, {})) == "deny"
    assert _decision(await gate(_pre("mcp__approvals__propose_action", {}, "memory-analyst"), None, {})) == "deny"
    assert _decision(await gate(_pre("mcp__zoho__account_360", {}), None, {})) == "deny"  # orchestrator
    assert _decision(await gate(_pre("mcp__zoho__account_360", {}, "general-purpose"), None, {})) == "deny"


async def test_delegation_is_forced_into_the_foreground_and_limited_to_our_subagents() -> None:
    gate = make_pre_tool_use(_ctx())
    out = await gate(_pre("Agent", {"prompt": "p", "description": "d", "subagent_type": "memory-analyst"}), None, {})
    assert _decision(out) == "allow"
    assert out["hookSpecificOutput"]["updatedInput"]["run_in_background"] is False
    ok = {"prompt": "p", "description": "d", "subagent_type": "zoho-data-scout", "run_in_background": False}
    assert await gate(_pre("Agent", ok), None, {}) == {}
    out = await gate(_pre("Agent", {**ok, "subagent_type": "general-purpose"}), None, {})
    assert _decision(out) == "deny"


async def test_gate_fails_closed_when_the_queue_breaks() -> None:
    def broken(proposal: ProposedAction, suspicious: bool) -> Recommendation:
        raise RuntimeError("database is locked")

    audit = ListAudit()
    out = await make_pre_tool_use(_ctx(broken, audit))(
        _pre("mcp__zoho__add_note", {"account_id": "100001", "target_id": "100001", "content": "hi"}), None, {}
    )
    assert _decision(out) == "deny" and "failed" in out["hookSpecificOutput"]["permissionDecisionReason"]
    assert audit.events[-1]["outcome"] == "denied"


async def test_gate_fails_closed_on_garbage_input() -> None:
    out = await make_pre_tool_use(_ctx())(None, None, {})
    assert _decision(out) == "deny"


def test_proposal_from_write_maps_each_kind() -> None:
    task = proposal_from_write(
        "mcp__zoho__create_task",
        {"account_id": "1", "target_id": "2", "subject": "Call", "priority": "high", "due_date": "2026-02-01"},
    )
    assert task.kind == "create_task" and task.task is not None and task.task.priority == "High"
    note = proposal_from_write("mcp__zoho__add_note", {"account_id": "1", "target_id": "1", "content": "c"})
    assert note.kind == "add_note" and "no rationale" in note.rationale
    with pytest.raises(ValueError):
        proposal_from_write("mcp__zoho__update_fields", {"fields": {"a": 1}})


async def test_can_use_tool_denies_all_but_the_agents_own_tools() -> None:
    audit = ListAudit()
    ctx = _ctx(audit=audit)
    ctx.agent_types["a-scout"] = "zoho-data-scout"
    can_use = make_can_use_tool(ctx)
    allowed = await can_use("mcp__zoho__account_360", {"account_id": "1"}, ToolPermissionContext(agent_id="a-scout"))
    assert isinstance(allowed, PermissionResultAllow) and allowed.updated_input == {"account_id": "1"}
    for tool, agent_id in (
        ("mcp__zoho__update_fields", "a-scout"),
        ("Bash", None),
        ("mcp__memory__memory_search", "a-scout"),
        ("mcp__zoho__account_360", None),
    ):
        result = await can_use(tool, {}, ToolPermissionContext(agent_id=agent_id))
        assert isinstance(result, PermissionResultDeny) and not result.interrupt, tool
    assert all(e["outcome"] == "denied" for e in audit.events)


async def test_audit_hook_records_agent_tier_duration_and_redacts_secrets() -> None:
    audit = ListAudit()
    ctx = _ctx(audit=audit)
    post = make_post_tool_use(ctx)
    await post(
        {
            "hook_event_name": "PostToolUse",
            "tool_name": "mcp__zoho__account_360",
            "agent_type": "zoho-data-scout",
            "agent_id": "a-1",
            "tool_use_id": "t",
            "duration_ms": 12,
            "tool_input": {
                "account_id": "1",
                "access_token": "abc",
                "note": "key s3cr3t-value here",
                "auth": "Zoho-oauthtoken 1000.aaaa.bbbb",
            },
            "tool_response": [{"type": "text", "text": "CRM DATA from Zoho (tier: sdk). ..."}],
        },
        "t",
        {},
    )
    event = audit.events[-1]
    assert event["agent_type"] == "zoho-data-scout" and event["tier"] == "sdk" and event["duration_ms"] == 12
    assert event["outcome"] == "ok" and event["run_id"] == "r-1"
    assert "abc" not in event["input_summary"] and "s3cr3t-value" not in event["input_summary"]
    assert "1000.aaaa" not in event["input_summary"]
    await make_post_tool_use_failure(ctx)(
        {"tool_name": "mcp__zoho__account_360", "error": "boom", "tool_input": {}}, "t", {}
    )
    assert audit.events[-1]["outcome"] == "error" and audit.events[-1]["agent_type"] == "orchestrator"


async def test_audit_sink_failure_never_breaks_a_run() -> None:
    def broken_sink(event: dict[str, Any]) -> None:
        raise OSError("disk full")

    ctx = RunContext(run_id="r", enqueue=ListQueue(), audit_sink=broken_sink)
    assert await make_post_tool_use(ctx)({"tool_name": "x", "tool_response": "ok"}, None, {}) == {}
    assert any("audit sink failed" in w for w in ctx.warnings)
