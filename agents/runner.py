"""``run_orchestrator``: one orchestrated run, never crashing on model errors.

The message loop is wrapped: budget and turn limits, a model API that keeps failing (after the CLI's
own retries) and CLI failures all end as an ``AgentRunResult`` with ``stopped_reason`` and a message
for the user. Proposals are queued one by one as they are made, so what was done before a stop is kept
and nothing is half-written (a proposal is either fully queued or not at all).

The run ends at the first ``ResultMessage`` once no subagent task is in flight: the prompt is one-shot
and every delegation runs in the foreground, so nothing after it is owed. This matters on a budget or
turn stop: the CLI reports the stop while a subagent is still mid-task; once that task settles the SDK
(0.2.189) never closes stdin (the CLI reports no session state, so neither "idle" nor its wait ceiling
ends the run) and reading on would wait forever. So the runner reads on only until the in-flight tasks
settle (at most ``SETTLE_SECONDS``), letting their last tool calls finish, then disconnects, which
stops the CLI.

The run is a ``ClaudeSDKClient`` rather than ``query()`` so that stopping early stops the CLI: closing
``query()``'s generator early does not close the SDK generator inside it (``async for`` never closes its
iterator), so the CLI child lived on until a garbage collection happened to finalize it, or forever once the
event loop was gone (one ~200 MB process per run in a long ``listen``/``serve``). ``disconnect()`` closes
the CLI and waits for it on every way out, a cancellation included.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import aclosing
from typing import Any, Literal

from claude_agent_sdk import (
    TERMINAL_TASK_STATUSES,
    AssistantMessage,
    ClaudeAgentOptions,
    ClaudeSDKClient,
    ResultMessage,
    SystemMessage,
    TaskNotificationMessage,
    TaskStartedMessage,
    TaskUpdatedMessage,
    TextBlock,
    ToolResultBlock,
    ToolUseBlock,
    UserMessage,
)
from pydantic import BaseModel, Field

from agents.options import get_run_context
from agents.run_context import RunContext

SETTLE_SECONDS = 15.0  # how long a stopped run waits for its in-flight subagent tasks to settle

StopReason = Literal["completed", "budget", "max_turns", "model_error", "error"]


class AgentRunResult(BaseModel):
    run_id: str
    answer: str
    stopped_reason: StopReason
    proposals: list[str] = Field(default_factory=list)  # recommendation ids queued during the run
    suspicious_proposals: list[str] = Field(default_factory=list)
    cost_usd: float = 0.0
    input_tokens: int = 0
    output_tokens: int = 0
    num_turns: int = 0
    duration_ms: int = 0
    api_retries: int = 0
    api_error_status: int | None = None
    warnings: list[str] = Field(default_factory=list)
    injection_findings: list[dict[str, str]] = Field(default_factory=list)
    dismissed_findings: list[dict[str, str]] = Field(default_factory=list)  # (account_id, kind, subject_id, reason)
    mcp_servers: dict[str, str] = Field(default_factory=dict)
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.stopped_reason == "completed"


def _stop_reason(result: ResultMessage | None, failed: bool) -> StopReason:
    if result is not None:
        if result.subtype == "error_max_budget_usd":
            return "budget"
        if result.subtype == "error_max_turns" or result.terminal_reason == "max_turns":
            return "max_turns"
        if result.is_error:
            return "model_error" if result.api_error_status or result.subtype == "success" else "error"
        return "completed"
    return "error" if failed else "completed"


def _tokens(usage: dict[str, Any] | None) -> tuple[int, int]:
    usage = usage or {}
    inp = sum(
        int(usage.get(k) or 0) for k in ("input_tokens", "cache_read_input_tokens", "cache_creation_input_tokens")
    )
    return inp, int(usage.get("output_tokens") or 0)


class _CallTracker:
    """Follows tool calls in the message stream to audit the ones the CLI refused before any hook ran
    (e.g. a subagent calling a tool outside its set), with the right agent."""

    def __init__(self, ctx: RunContext) -> None:
        self.ctx = ctx
        self.calls: dict[str, tuple[str, str | None]] = {}  # tool_use_id -> (tool name, parent tool_use_id)
        self.subagent_of: dict[str, str] = {}  # Agent tool_use_id -> subagent_type

    def assistant(self, message: AssistantMessage) -> None:
        for block in message.content:
            if isinstance(block, ToolUseBlock):
                self.calls[block.id] = (block.name, message.parent_tool_use_id)
                if block.name in ("Agent", "Task"):
                    self.subagent_of[block.id] = str(block.input.get("subagent_type") or "")

    def user(self, message: UserMessage) -> None:
        if isinstance(message.content, str):
            return
        for block in message.content:
            if not isinstance(block, ToolResultBlock) or not block.is_error:
                continue
            if block.tool_use_id in self.ctx.hooked_tool_uses:
                continue  # the gate saw it and audited its outcome
            name, parent = self.calls.get(block.tool_use_id, ("unknown", message.parent_tool_use_id))
            text = (
                block.content
                if isinstance(block.content, str)
                else " ".join(str(c.get("text", "")) for c in block.content or [] if isinstance(c, dict))
            )
            self.ctx.audit(
                {
                    "kind": "tool_call",
                    "phase": "refused",
                    "outcome": "denied",
                    "tool": name,
                    "tool_use_id": block.tool_use_id,
                    "agent_type": self.subagent_of.get(parent or "", "orchestrator") if parent else "orchestrator",
                    "reason": text[:300],
                }
            )


def _stop_message(
    reason: StopReason, ctx: RunContext, result: AgentRunResult, budget: float | None, max_turns: int | None
) -> str:
    kept = (
        f" {len(ctx.queued)} proposal(s) already queued are kept for approval."
        if ctx.queued
        else " No proposal was queued."
    )
    if reason == "budget":
        return f"Stopped: the model budget for this run (${budget:.2f}) was reached.{kept}"
    if reason == "max_turns":
        return f"Stopped: the run reached its turn limit ({max_turns}).{kept}"
    if reason == "model_error":
        status = f" (HTTP {result.api_error_status})" if result.api_error_status else ""
        return (
            f"The model API kept failing{status} after {result.api_retries} retr"
            f"{'y' if result.api_retries == 1 else 'ies'}; no answer this time. Try again later.{kept}"
        )
    return f"The agent run failed: {result.error or 'unknown error'}.{kept}"


def _track_tasks(message: Any, tasks: set[str]) -> None:
    if isinstance(message, TaskStartedMessage):
        tasks.add(message.task_id)
    settled = isinstance(message, TaskNotificationMessage) or (
        isinstance(message, TaskUpdatedMessage) and (message.patch or {}).get("status") in TERMINAL_TASK_STATUSES
    )
    if settled:
        tasks.discard(message.task_id)


async def _until_settled(stream: AsyncIterator[Any], tasks: set[str]) -> AsyncGenerator[Any, None]:
    """The stream's messages up to its first result, then on only while subagent tasks are in flight
    (for at most ``SETTLE_SECONDS``): see the module docstring."""
    deadline: float | None = None
    while True:
        if deadline is not None:
            remaining = deadline - time.monotonic()
            if not tasks or remaining <= 0:
                return
            try:
                async with asyncio.timeout(remaining):  # same task: the SDK's cancel scopes stay in it
                    message = await anext(stream)
            except (StopAsyncIteration, TimeoutError):
                return
        else:
            try:
                message = await anext(stream)
            except StopAsyncIteration:
                return
        _track_tasks(message, tasks)
        yield message
        if isinstance(message, ResultMessage) and deadline is None:
            deadline = time.monotonic() + SETTLE_SECONDS


def _follow(message: Any, out: AgentRunResult, ctx: RunContext, tracker: _CallTracker, main_text: list[str]) -> None:
    """Take what matters from one message before the result: MCP status, retries, text, tool calls."""
    if isinstance(message, SystemMessage):
        if message.subtype == "init":
            for server in message.data.get("mcp_servers") or []:
                name, status = str(server.get("name")), str(server.get("status"))
                out.mcp_servers[name] = status
                if status != "connected":
                    ctx.warn(
                        f"MCP server {name!r} is {status}: its tools are missing from this run. "
                        "Check SERGAS_ZOHO_MCP_URL and its auth header (`python main.py doctor`)."
                    )
        elif message.subtype == "api_retry":
            out.api_retries += 1
    elif isinstance(message, AssistantMessage):
        tracker.assistant(message)
        if message.parent_tool_use_id is None:
            main_text += [b.text for b in message.content if isinstance(b, TextBlock) and b.text.strip()]
    elif isinstance(message, UserMessage):
        tracker.user(message)


async def run_orchestrator(options: ClaudeAgentOptions, prompt: str) -> AgentRunResult:
    """Run the orchestrator once on ``prompt``; always returns (never raises on model/CLI failures)."""
    ctx = get_run_context(options)
    started = time.monotonic()
    ctx.audit({"kind": "run_started", "agent_type": "orchestrator", "prompt": prompt[:500]})
    out = AgentRunResult(run_id=ctx.run_id, answer="", stopped_reason="completed")
    main_text: list[str] = []
    last_result: ResultMessage | None = None
    failed = False
    tracker = _CallTracker(ctx)
    tasks: set[str] = set()
    client = ClaudeSDKClient(options)
    try:
        try:
            await client.connect(prompt)
            async with aclosing(_until_settled(client.receive_messages(), tasks)) as stream:
                async for message in stream:
                    if isinstance(message, ResultMessage):
                        last_result = last_result or message
                    else:  # after the result only the audit trail still counts, not the answer's text
                        _follow(message, out, ctx, tracker, main_text if last_result is None else [])
        finally:
            await client.disconnect()  # stops the CLI and waits for it, on every way out (see the docstring)
    except Exception as exc:  # the SDK raises after error results; a CLI crash lands here too
        failed = True
        out.error = f"{type(exc).__name__}: {str(exc)[:300]}"

    if last_result is not None:
        out.cost_usd = float(last_result.total_cost_usd or 0.0)
        out.input_tokens, out.output_tokens = _tokens(last_result.usage)
        out.num_turns = last_result.num_turns
        out.api_error_status = last_result.api_error_status
        if last_result.errors:
            out.error = out.error or "; ".join(last_result.errors)[:300]
    out.stopped_reason = _stop_reason(last_result, failed)
    if out.stopped_reason == "completed" and last_result is not None and last_result.is_error:
        out.stopped_reason = "error"
    out.duration_ms = int((time.monotonic() - started) * 1000)
    out.proposals = list(dict.fromkeys(r.id for r in ctx.queued))
    out.suspicious_proposals = list(dict.fromkeys(r.id for r in ctx.queued if r.suspicious))
    out.injection_findings = [{"record_id": f.record_id, "excerpt": f.excerpt} for f in ctx.findings]
    out.dismissed_findings = list(ctx.dismissed)

    if out.stopped_reason == "completed":
        out.answer = (last_result.result if last_result and last_result.result else "\n\n".join(main_text)).strip()
    else:
        partial = "\n\n".join(main_text).strip()
        notice = _stop_message(out.stopped_reason, ctx, out, options.max_budget_usd, options.max_turns)
        out.answer = f"{partial}\n\n{notice}".strip() if partial else notice
    if out.injection_findings:
        ctx.warn(
            f"{len(out.injection_findings)} record(s) hold instruction-like text (possible prompt "
            "injection); proposals from this run are marked suspicious."
        )
    out.warnings = list(ctx.warnings)
    ctx.audit(
        {
            "kind": "run_finished",
            "agent_type": "orchestrator",
            "outcome": out.stopped_reason,
            "cost_usd": out.cost_usd,
            "input_tokens": out.input_tokens,
            "output_tokens": out.output_tokens,
            "num_turns": out.num_turns,
            "proposals": out.proposals,
            "duration_ms": out.duration_ms,
            "error": out.error,
        }
    )
    return out
