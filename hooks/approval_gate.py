"""The PreToolUse gate: every write becomes a pending recommendation and is denied; every other call is
checked against the calling agent's tool set. Fails closed: any error inside the gate denies the call.

Registered with ``on_failure="block"`` as well, so a gate that raises or returns garbage blocks the call
even if the try/except below were bypassed. No human is waited for inside this callback: the write is
queued and the model is told so at once.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from agents.run_context import ProposalRefused, RunContext
from agents.tool_names import SUBAGENTS, agent_from_hook, allowed_classes, classify
from domain.proposals import AGENT_TYPES, Citation, ProposedAction, parse_proposal
from hooks.redact import summarize

HookOutput = dict[str, Any]
NO_RATIONALE = "(the agent gave no rationale with this write attempt)"


def deny(reason: str) -> HookOutput:
    return {
        "hookSpecificOutput": {
            "hookEventName": "PreToolUse",
            "permissionDecision": "deny",
            "permissionDecisionReason": reason,
        }
    }


def allow_with(updated_input: dict[str, Any], reason: str) -> HookOutput:
    return {
        "hookSpecificOutput": {
            "hookEventName": "PreToolUse",
            "permissionDecision": "allow",
            "permissionDecisionReason": reason,
            "updatedInput": updated_input,
        }
    }


def proposal_from_write(tool_name: str, tool_input: dict[str, Any]) -> ProposedAction:
    """The attempted write as a ``ProposedAction`` (raises ValueError/ValidationError when it cannot be)."""
    bare = tool_name.rsplit("__", 1)[-1]
    target_id = tool_input.get("target_id") or tool_input.get("record_id") or tool_input.get("id")
    account_id = tool_input.get("account_id") or target_id
    if not target_id or not account_id:
        raise ValueError("the write names no target record (target_id) and account (account_id)")
    module = tool_input.get("target_module") or tool_input.get("module") or "Accounts"
    data: dict[str, Any] = {
        "account_id": str(account_id),
        "target_id": str(target_id),
        "target_module": module,
        "rationale": str(tool_input.get("rationale") or NO_RATIONALE)[:4000],
        "origin": "agent",
        "evidence": [Citation(source="zoho", record_id=str(target_id), module=module)],
    }
    # the first agent kind that claims the call, in the union's order (the last one, a field update, claims any)
    kind = next((k for k in AGENT_TYPES if k.claims_write(bare, tool_input)), None)
    if kind is None:
        raise ValueError(f"{bare} is no kind of proposal an agent may make")
    data.update(kind=kind.kind_name(), **{kind.payload_key: kind.write_payload(tool_input)})
    return parse_proposal(data)


def make_pre_tool_use(ctx: RunContext) -> Any:
    """Build the PreToolUse callback for one run."""
    return _Gate(ctx).pre_tool_use


class _Gate:
    """The PreToolUse decisions of one run: queue writes, keep each agent to its tools, audit each denial."""

    def __init__(self, ctx: RunContext) -> None:
        self.ctx = ctx

    def event(self, hook_input: dict[str, Any], outcome: str, reason: str, **extra: Any) -> None:
        self.ctx.audit(
            {
                "kind": "tool_call",
                "phase": "pre",
                "outcome": outcome,
                "reason": reason,
                "tool": hook_input.get("tool_name"),
                "tool_use_id": hook_input.get("tool_use_id"),
                "agent_type": agent_from_hook(hook_input.get("agent_type")) or hook_input.get("agent_type"),
                "agent_id": hook_input.get("agent_id"),
                "input_summary": summarize(hook_input.get("tool_input"), self.ctx.secrets),
                **extra,
            }
        )

    async def gate_write(self, hook_input: dict[str, Any]) -> HookOutput:
        name = str(hook_input.get("tool_name"))
        tool_input = dict(hook_input.get("tool_input") or {})
        try:
            proposal = proposal_from_write(name, tool_input)
            recommendation = await self.ctx.queue(proposal)
        except (ValueError, ValidationError) as exc:
            reason = (
                f"Denied: {name} does not write to the CRM and this attempt could not be queued ({exc}). "
                "Use propose_action with the exact change, a rationale and evidence."
            )
            self.event(hook_input, "denied", reason)
            return deny(reason)
        except ProposalRefused as exc:
            reason = f"Denied: writes are never executed by agents, and this one was not queued: {exc}"
            self.event(hook_input, "denied", reason)
            return deny(reason)
        reason = (
            f"Not executed: writes need a human's approval. Your {proposal.kind} on {proposal.target_id} was "
            f"queued as recommendation {recommendation.id} (pending). Do not retry; mention it in your report."
        )
        self.event(
            hook_input,
            "queued_for_approval",
            reason,
            recommendation_id=recommendation.id,
            suspicious=recommendation.suspicious,
        )
        return deny(reason)

    async def decide(self, hook_input: dict[str, Any]) -> HookOutput:
        name = str(hook_input.get("tool_name") or "")
        kind = classify(name)
        if tool_use_id := hook_input.get("tool_use_id"):
            self.ctx.hooked_tool_uses.add(str(tool_use_id))
        if agent_id := hook_input.get("agent_id"):
            self.ctx.agent_types[str(agent_id)] = str(hook_input.get("agent_type") or "")
        if kind == "write":
            return await self.gate_write(hook_input)
        agent = agent_from_hook(hook_input.get("agent_type"))
        if agent is None:
            reason = f"Denied: agent type {hook_input.get('agent_type')!r} is not part of this application."
            self.event(hook_input, "denied", reason)
            return deny(reason)
        if kind == "unknown" or kind not in allowed_classes(agent):
            reason = f"Denied: {name} is not one of the {agent}'s tools."
            self.event(hook_input, "denied", reason)
            return deny(reason)
        if kind == "agent":
            tool_input = dict(hook_input.get("tool_input") or {})
            if tool_input.get("subagent_type") not in SUBAGENTS:
                reason = f"Denied: delegate only to {', '.join(SUBAGENTS)}."
                self.event(hook_input, "denied", reason)
                return deny(reason)
            if tool_input.get("run_in_background") is not False:
                tool_input["run_in_background"] = False  # reports are needed inline
                return allow_with(tool_input, "delegation runs in the foreground")
        return {}

    async def pre_tool_use(self, hook_input: Any, tool_use_id: str | None, context: Any) -> HookOutput:
        try:
            return await self.decide(dict(hook_input))
        except Exception as exc:  # fail closed
            reason = f"Denied: the approval gate failed ({type(exc).__name__}); nothing was executed."
            try:
                self.event(dict(hook_input), "denied", reason, error=str(exc)[:300])
            except Exception:
                self.ctx.warn("the approval gate failed and could not audit it")
            return deny(reason)
