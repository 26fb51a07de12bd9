"""``can_use_tool``: consulted for any call not already allowed; it denies everything that is not an
explicitly allowed read, memory, proposal or delegation call of the calling agent."""

from __future__ import annotations

from typing import Any

from claude_agent_sdk import PermissionResultAllow, PermissionResultDeny, ToolPermissionContext

from agents.run_context import RunContext
from agents.tool_names import agent_from_hook, allowed_classes, classify
from hooks.redact import summarize


def make_can_use_tool(ctx: RunContext) -> Any:
    async def can_use_tool(
        tool_name: str, tool_input: dict[str, Any], permission: ToolPermissionContext
    ) -> PermissionResultAllow | PermissionResultDeny:
        agent_type = ctx.agent_types.get(permission.agent_id or "", None) if permission.agent_id else None
        agent = agent_from_hook(agent_type)
        kind = classify(tool_name)
        if agent is not None and kind not in ("write", "unknown") and kind in allowed_classes(agent):
            return PermissionResultAllow(updated_input=dict(tool_input))  # explicit: see SDK issue #320
        reason = f"Denied: {tool_name} is not allowed for {agent or 'this agent'}. Writes need human approval."
        ctx.audit(
            {
                "kind": "tool_call",
                "phase": "permission",
                "outcome": "denied",
                "tool": tool_name,
                "agent_type": agent,
                "agent_id": permission.agent_id,
                "reason": reason,
                "input_summary": summarize(tool_input, ctx.secrets),
            }
        )
        return PermissionResultDeny(message=reason, interrupt=False)

    return can_use_tool
