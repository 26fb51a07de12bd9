"""PostToolUse / PostToolUseFailure audit hooks: one redacted event per executed tool call.

Each event carries what ``audit`` needs to show "the tool calls behind" a proposal: the run id (stamped by
``RunContext.audit``), the calling agent (``agent_id``/``agent_type``), the account the call was about when its
input names one (``account_id``), and, for ``propose_action``, the recommendation it queued
(``recommendation_id``, read from the tool's answer), which ties the proposing agent to the proposal.
"""

from __future__ import annotations

import re
from typing import Any

from agents.run_context import RunContext
from agents.tool_names import PROPOSE_TOOL, agent_from_hook
from hooks.redact import summarize
from hooks.remote_data import is_remote_read, wrap_remote_read

_TIER = re.compile(r"\(tier: (mcp|sdk|rest)\)")
_QUEUED = re.compile(r"\bQueued for human approval as recommendation ([0-9a-f]{32})\b")


def response_text(response: Any) -> str:
    """The text of a tool response in whichever shape the CLI hands it over."""
    if isinstance(response, str):
        return response
    if isinstance(response, list):
        return "\n".join(response_text(item) for item in response)
    if isinstance(response, dict):
        if "text" in response and isinstance(response["text"], str):
            return response["text"]
        if "content" in response:
            return response_text(response["content"])
        return " ".join(response_text(v) for v in response.values() if isinstance(v, (str, list, dict)))
    return str(response or "")


def _base(ctx: RunContext, hook_input: dict[str, Any]) -> dict[str, Any]:
    tool_input = hook_input.get("tool_input")
    extra: dict[str, Any] = {}
    if isinstance(tool_input, dict) and tool_input.get("subagent_type"):
        extra["delegated_to"] = tool_input.get("subagent_type")
    account = tool_input.get("account_id") if isinstance(tool_input, dict) else None
    if isinstance(account, str) and account.strip():
        extra["account_id"] = account.strip()
    return {
        "kind": "tool_call",
        "phase": "post",
        "tool": hook_input.get("tool_name"),
        "tool_use_id": hook_input.get("tool_use_id"),
        "agent_type": agent_from_hook(hook_input.get("agent_type")) or hook_input.get("agent_type"),
        "agent_id": hook_input.get("agent_id"),
        "input_summary": summarize(tool_input, ctx.secrets),
        "duration_ms": hook_input.get("duration_ms"),
        **extra,
    }


def make_post_tool_use(ctx: RunContext) -> Any:
    async def post_tool_use(hook_input: Any, tool_use_id: str | None, context: Any) -> dict[str, Any]:
        try:
            data = dict(hook_input)
            text = response_text(data.get("tool_response"))
            tier = _TIER.search(text)
            queued = _QUEUED.search(text) if data.get("tool_name") == PROPOSE_TOOL else None
            ctx.audit(
                {
                    **_base(ctx, data),
                    "outcome": "error" if text.lstrip().startswith("ERROR:") else "ok",
                    "tier": tier.group(1) if tier else None,
                    "output": summarize(text, ctx.secrets, 300),
                    **({"recommendation_id": queued.group(1)} if queued else {}),
                }
            )
        except Exception as exc:  # auditing never breaks a run
            ctx.warn(f"audit hook failed: {type(exc).__name__}")
            return {}
        if is_remote_read(data.get("tool_name")):
            try:
                return wrap_remote_read(ctx, str(data.get("tool_name")), text)
            except Exception as exc:  # the raw output stays; say so
                ctx.warn(f"remote MCP output could not be marked as data: {type(exc).__name__}")
        return {}

    return post_tool_use


def make_post_tool_use_failure(ctx: RunContext) -> Any:
    async def post_tool_use_failure(hook_input: Any, tool_use_id: str | None, context: Any) -> dict[str, Any]:
        try:
            data = dict(hook_input)
            ctx.audit({**_base(ctx, data), "outcome": "error", "error": summarize(data.get("error"), ctx.secrets, 300)})
        except Exception as exc:
            ctx.warn(f"audit hook failed: {type(exc).__name__}")
        return {}

    return post_tool_use_failure
