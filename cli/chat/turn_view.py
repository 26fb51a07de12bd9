"""``TurnView``: one agent turn on the terminal, as it streams.

The orchestrator's words are written as they arrive (partial-message text deltas), and every step of
the team is shown on its own line: which subagent the orchestrator delegates to, the tools each agent
calls, and when a subagent reports back. A subagent's own messages carry ``parent_tool_use_id`` = the
id of the ``Agent`` call that started it, which is how a tool call is attributed to its subagent.

Text from the model passes through ``domain.safe_text`` and is printed as plain ``Text`` (never rich
markup), so it cannot restyle the screen, move the cursor, set the title or reach the clipboard.
"""

from __future__ import annotations

from typing import Any

from claude_agent_sdk import (
    AssistantMessage,
    ResultMessage,
    StreamEvent,
    SystemMessage,
    TextBlock,
    ToolResultBlock,
    ToolUseBlock,
    UserMessage,
)
from rich.console import Console
from rich.text import Text

from domain.safe_text import safe_block, safe_inline

AGENT_TOOLS = ("Agent", "Task")
ORCHESTRATOR = "orchestrator"


def short_tool(name: str) -> str:
    """``mcp__zoho__account_360`` → ``zoho.account_360``."""
    if name.startswith("mcp__"):
        _, server, tool = name.split("__", 2)
        return f"{server}.{tool}"
    return name


class TurnView:
    """Feed it every message of a turn (``show``); it keeps what the turn said and who worked."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.subagent_of: dict[str, str] = {}  # Agent tool_use id -> subagent type
        self.agents_seen: list[str] = []
        self.answer_parts: list[str] = []
        self.result: ResultMessage | None = None
        self.api_retries = 0
        self._streamed = False  # text of the current orchestrator message already written from deltas
        self._line_open = False  # the cursor sits after streamed text, not at a line start

    # --- low-level output ----------------------------------------------------------------------
    def _write(self, text: str) -> None:
        if not text:
            return
        self.console.print(Text(safe_block(text)), end="", soft_wrap=True)
        self._line_open = not text.endswith("\n")

    def _line(self, text: Text) -> None:
        if self._line_open:
            self.console.print()
            self._line_open = False
        self.console.print(text, soft_wrap=True)

    def finish(self) -> None:
        """End the turn's output on a fresh line."""
        if self._line_open:
            self.console.print()
            self._line_open = False

    def who(self, parent_tool_use_id: str | None) -> str:
        if parent_tool_use_id is None:
            return ORCHESTRATOR
        return self.subagent_of.get(parent_tool_use_id, "subagent")

    # --- messages --------------------------------------------------------------------------------
    def show(self, message: Any) -> None:
        if isinstance(message, StreamEvent):
            self._stream_event(message)
        elif isinstance(message, AssistantMessage):
            self._assistant(message)
        elif isinstance(message, UserMessage):
            self._user(message)
        elif isinstance(message, SystemMessage):
            if message.subtype == "api_retry":
                self.api_retries += 1
                self._line(Text("… the model API is busy; retrying", style="yellow"))
        elif isinstance(message, ResultMessage):
            self.result = message

    def _stream_event(self, message: StreamEvent) -> None:
        if message.parent_tool_use_id is not None:
            return  # subagents work quietly; their tool calls are shown from their messages
        event = message.event
        if event.get("type") == "message_start":
            self._streamed = False
        elif event.get("type") == "content_block_delta":
            delta = event.get("delta") or {}
            if delta.get("type") == "text_delta":
                text = str(delta.get("text") or "")
                if text:
                    self._streamed = True
                    self._write(text)

    def _assistant(self, message: AssistantMessage) -> None:
        who = self.who(message.parent_tool_use_id)
        for block in message.content:
            if isinstance(block, TextBlock) and message.parent_tool_use_id is None and block.text.strip():
                self.answer_parts.append(block.text)
                if not self._streamed:
                    self._write(block.text)
            elif isinstance(block, ToolUseBlock):
                self._tool_use(who, block)
        if message.parent_tool_use_id is None:
            self._streamed = False
            self.finish()

    def _tool_use(self, who: str, block: ToolUseBlock) -> None:
        if block.name in AGENT_TOOLS:
            subagent = safe_inline(block.input.get("subagent_type") or "subagent", limit=60)
            self.subagent_of[block.id] = subagent
            if subagent not in self.agents_seen:
                self.agents_seen.append(subagent)
            line = Text("▸ ", style="bold cyan")
            line.append(subagent, style="bold cyan")
            line.append(" is working", style="cyan")
            description = safe_inline(str(block.input.get("description") or "").strip(), limit=200)
            if description:
                line.append(f": {description}", style="dim")
            self._line(line)
            return
        line = Text("   · ", style="dim")
        line.append(who, style="cyan")
        line.append(f" → {safe_inline(short_tool(block.name), limit=80)}", style="dim")
        self._line(line)

    def _user(self, message: UserMessage) -> None:
        if isinstance(message.content, str):
            return
        for block in message.content:
            if isinstance(block, ToolResultBlock) and block.tool_use_id in self.subagent_of:
                subagent = self.subagent_of[block.tool_use_id]
                if block.is_error:
                    self._line(Text(f"✘ {subagent} failed", style="red"))
                else:
                    self._line(Text(f"✔ {subagent} reported back", style="green"))

    # --- after the turn --------------------------------------------------------------------------
    @property
    def answer(self) -> str:
        if self.result is not None and self.result.result:
            return self.result.result
        return "\n\n".join(self.answer_parts)


__all__ = ["ORCHESTRATOR", "TurnView", "short_tool"]
