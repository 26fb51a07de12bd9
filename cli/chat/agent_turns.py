"""``AgentChat``: the chat's one ``ClaudeSDKClient`` session with the orchestrator.

One connected client for the whole chat, so every turn sees the conversation so far. A turn streams
into a ``TurnView``; ``interrupt()`` stops the current turn (the session stays). Model failures, budget
and turn limits end the turn with a message, never the chat. The proposals a turn queued are found
from the run context (``agents.options.get_run_context``): the session has one run id.
"""

from __future__ import annotations

import asyncio
from typing import Any

from claude_agent_sdk import ClaudeAgentOptions, ClaudeSDKClient
from pydantic import BaseModel, Field

from cli.chat.detached_cli import detach_cli
from cli.chat.turn_view import TurnView
from config.settings import Settings
from integrations.zoho.gateway import ZohoGateway
from state.store import StateStore


class TurnOutcome(BaseModel):
    answer: str = ""
    proposals: list[str] = Field(default_factory=list)  # recommendation ids this turn queued
    agents: list[str] = Field(default_factory=list)
    interrupted: bool = False
    problem: str | None = None  # what went wrong, for the user
    cost_usd: float = 0.0
    warnings: list[str] = Field(default_factory=list)


def session_options(
    settings: Settings,
    *,
    gateway: ZohoGateway,
    store: StateStore,
    run_id: str | None = None,
    memory: Any = None,
    model_env: dict[str, str] | None = None,
) -> ClaudeAgentOptions:
    """The orchestrator's options for a chat session (``agents.session.build_session_options``: the
    store's queue and audit, read-only memory), with partial messages on so the answer streams."""
    from agents.session import build_session_options
    from approvals.agent_door import store_approvals

    options = build_session_options(
        settings,
        gateway=gateway,
        approvals=store_approvals(settings, store, gateway),
        memory=memory,
        run_id=run_id,
        model_env=model_env,
    )
    options.include_partial_messages = True
    detach_cli(options, settings.home.expanduser().resolve() / "agent")  # Ctrl-C reaches only the chat
    return options


def _stop_problem(result: Any) -> str | None:
    if result is None:
        return None
    subtype = str(getattr(result, "subtype", ""))
    if subtype == "error_max_budget_usd":
        return (
            "Stopped: the model budget for this chat was reached (SERGAS_MAX_BUDGET_USD). Proposals already "
            "made are kept; start a new chat to continue."
        )
    if subtype == "error_max_turns":
        return "Stopped: this turn reached its step limit."
    if getattr(result, "is_error", False):
        status = getattr(result, "api_error_status", None)
        if status:
            return f"The model API kept failing (HTTP {status}); no answer this time. Try again later."
        errors = getattr(result, "errors", None)
        return "The turn failed" + (f": {'; '.join(errors)[:300]}" if errors else ".")
    return None


class AgentChat:
    def __init__(self, options: ClaudeAgentOptions) -> None:
        from agents.options import get_run_context

        self.options = options
        self.context = get_run_context(options)  # the session's queued proposals and warnings
        self._client: ClaudeSDKClient | None = None
        self._interrupted = False
        self.turns = 0

    @property
    def run_id(self) -> str:
        return self.context.run_id

    def _queued_ids(self) -> list[str]:
        return [r.id for r in self.context.queued]

    def _warnings(self) -> list[str]:
        return list(self.context.warnings)

    async def connect(self) -> None:
        if self._client is None:
            client = ClaudeSDKClient(self.options)
            await client.connect()
            self._client = client

    async def ask(self, prompt: str, view: TurnView) -> TurnOutcome:
        """One turn: send ``prompt``, stream the answer into ``view``; never raises on model trouble."""
        before = self._queued_ids()
        warned = set(self._warnings())
        self._interrupted = False
        out = TurnOutcome()
        try:
            await self.connect()
            assert self._client is not None
            await self._client.query(prompt)
            async for message in self._client.receive_response():
                view.show(message)
        except asyncio.CancelledError:  # the chat stopped this turn from outside: do not reuse a client mid-turn
            await self._drop_client()
            raise
        except Exception as exc:  # the SDK raises after error results; a dead CLI lands here too
            out.problem = (
                _stop_problem(view.result) or f"The agent session failed: {type(exc).__name__}: {str(exc)[:300]}"
            )
            await self._drop_client()
            if self.turns:
                out.problem += " The next question starts a fresh conversation."
        view.finish()
        self.turns += 1
        out.interrupted = self._interrupted
        if out.problem is None and not out.interrupted:
            out.problem = _stop_problem(view.result)
        out.answer = view.answer
        out.agents = list(view.agents_seen)
        if view.result is not None:
            out.cost_usd = float(view.result.total_cost_usd or 0.0)
        seen = set(before)
        out.proposals = [rid for rid in dict.fromkeys(self._queued_ids()) if rid not in seen]
        out.warnings = [w for w in self._warnings() if w not in warned]
        return out

    async def interrupt(self) -> None:
        self._interrupted = True
        if self._client is not None:
            try:
                await self._client.interrupt()
            except Exception:  # the turn may have just ended; nothing to stop
                return

    async def _drop_client(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            try:
                await client.disconnect()
            except Exception:  # already gone
                return

    async def close(self) -> None:
        await self._drop_client()


__all__ = ["AgentChat", "TurnOutcome", "session_options"]
