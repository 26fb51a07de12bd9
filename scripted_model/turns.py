"""What a script sees (``ModelRequest``) and what it answers (``ModelTurn``).

A script is a plain function ``(ModelRequest) -> ModelTurn``, in the style of pydantic-ai's
``FunctionModel``: tests decide every word and every tool call the "model" makes, and the usage numbers
it reports, so cost and budget behaviour are deterministic.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable
from typing import Any, Literal

from pydantic import BaseModel, Field

AgentRole = Literal["orchestrator", "zoho-data-scout", "memory-analyst", "recommendation-author", "unknown"]

# Each agent's system prompt opens with its identity line (see prompts/*.md); the fake model tells
# agents apart by it, exactly as the notes describe (a subagent's system text is its own prompt).
ROLE_MARKERS: dict[str, str] = {
    "zoho-data-scout": "You are the Zoho Data Scout",
    "memory-analyst": "You are the Memory Analyst",
    "recommendation-author": "You are the Recommendation Author",
    "orchestrator": "You are the Sergas Orchestrator",
}


class Usage(BaseModel):
    input_tokens: int = 100
    output_tokens: int = 20
    cache_read_input_tokens: int = 0
    cache_creation_input_tokens: int = 0


class ToolUse(BaseModel):
    """One tool call the model makes. ``name`` is the full name (``mcp__zoho__account_360``, ``Agent``)."""

    name: str
    input: dict[str, Any] = Field(default_factory=dict)
    id: str = Field(default_factory=lambda: f"toolu_{uuid.uuid4().hex[:24]}")


class ModelTurn(BaseModel):
    """One assistant message: optional text, then tool calls (stop_reason ``tool_use`` if any)."""

    text: str | None = None
    tool_uses: list[ToolUse] = Field(default_factory=list)
    usage: Usage = Field(default_factory=Usage)

    @property
    def stop_reason(self) -> str:
        return "tool_use" if self.tool_uses else "end_turn"

    @classmethod
    def say(cls, text: str, **usage: int) -> ModelTurn:
        return cls(text=text, usage=Usage(**usage))

    @classmethod
    def call(
        cls, name: str, tool_input: dict[str, Any] | None = None, *, text: str | None = None, **usage: int
    ) -> ModelTurn:
        return cls(text=text, tool_uses=[ToolUse(name=name, input=tool_input or {})], usage=Usage(**usage))


_REMINDER = re.compile(r"<system-reminder>.*?</system-reminder>", re.DOTALL)


def strip_reminders(text: str) -> str:
    """Drop the ``<system-reminder>`` blocks the CLI adds to user messages and tool results."""
    return _REMINDER.sub("", text).strip()


def _block_text(block: Any) -> str:
    if isinstance(block, str):
        return block
    if not isinstance(block, dict):
        return ""
    if block.get("type") == "text":
        return str(block.get("text", ""))
    if block.get("type") == "tool_result":
        content = block.get("content")
        if isinstance(content, list):
            return "\n".join(_block_text(c) for c in content)
        return str(content or "")
    return ""


class ToolResultView(BaseModel):
    tool_use_id: str
    text: str
    is_error: bool = False
    tool_name: str | None = None


class ModelRequest(BaseModel):
    """One ``POST /v1/messages`` body as the CLI sent it, with helpers for scripts."""

    body: dict[str, Any]
    headers: dict[str, str] = Field(default_factory=dict)

    @property
    def model(self) -> str:
        return str(self.body.get("model", ""))

    @property
    def system(self) -> str:
        system = self.body.get("system")
        if isinstance(system, list):
            return "\n".join(_block_text(b) for b in system)
        return str(system or "")

    @property
    def messages(self) -> list[dict[str, Any]]:
        return list(self.body.get("messages") or [])

    @property
    def tools(self) -> list[str]:
        return [str(t.get("name")) for t in self.body.get("tools") or [] if isinstance(t, dict)]

    def tool_schema(self, name: str) -> dict[str, Any] | None:
        for t in self.body.get("tools") or []:
            if isinstance(t, dict) and t.get("name") == name:
                return t
        return None

    def system_contains(self, *needles: str) -> bool:
        text = self.system
        return all(n in text for n in needles)

    def agent(self) -> AgentRole:
        """Which agent is calling, by the identity line its system prompt opens with."""
        text = self.system
        for role, marker in ROLE_MARKERS.items():  # subagents first: the orchestrator's prompt names them
            if marker in text:
                return role  # type: ignore[return-value]
        return "unknown"

    def _user_messages(self) -> list[dict[str, Any]]:
        return [m for m in self.messages if m.get("role") == "user"]

    def _content(self, message: dict[str, Any]) -> list[Any]:
        content = message.get("content")
        if isinstance(content, str):
            return [{"type": "text", "text": content}]
        return list(content or [])

    @property
    def first_user_text(self) -> str:
        users = self._user_messages()
        if not users:
            return ""
        return strip_reminders(
            "\n".join(
                _block_text(b) for b in self._content(users[0]) if isinstance(b, dict) and b.get("type") == "text"
            )
        )

    @property
    def last_user_text(self) -> str:
        """Text blocks of the last user message (tool results and CLI reminders excluded)."""
        users = self._user_messages()
        if not users:
            return ""
        return strip_reminders(
            "\n".join(
                _block_text(b) for b in self._content(users[-1]) if isinstance(b, dict) and b.get("type") == "text"
            )
        )

    def current_turn(self) -> ModelRequest:
        """This request from the person's latest message on (the last user message with text and no tool
        results): in a multi-turn chat a script then answers the question of this turn."""
        start = 0
        for i, message in enumerate(self.messages):
            blocks = [b for b in self._content(message) if isinstance(b, dict)]
            if message.get("role") != "user" or any(b.get("type") == "tool_result" for b in blocks):
                continue
            if any(b.get("type") == "text" and strip_reminders(_block_text(b)) for b in blocks):
                start = i
        return ModelRequest(body={**self.body, "messages": self.messages[start:]}, headers=self.headers)

    def tool_calls_made(self) -> list[ToolUse]:
        """Every tool call the assistant made so far in this conversation, in order."""
        calls = []
        for m in self.messages:
            if m.get("role") != "assistant":
                continue
            for b in self._content(m):
                if isinstance(b, dict) and b.get("type") == "tool_use":
                    calls.append(ToolUse(name=str(b.get("name")), input=b.get("input") or {}, id=str(b.get("id"))))
        return calls

    def all_tool_results(self) -> list[ToolResultView]:
        names = {c.id: c.name for c in self.tool_calls_made()}
        results = []
        for m in self._user_messages():
            for b in self._content(m):
                if isinstance(b, dict) and b.get("type") == "tool_result":
                    tid = str(b.get("tool_use_id"))
                    results.append(
                        ToolResultView(
                            tool_use_id=tid,
                            text=_block_text(b),
                            is_error=bool(b.get("is_error")),
                            tool_name=names.get(tid),
                        )
                    )
        return results

    @property
    def last_tool_results(self) -> list[ToolResultView]:
        """Tool results carried by the last user message (empty when it holds none)."""
        users = self._user_messages()
        if not users:
            return []
        ids = {
            str(b.get("tool_use_id"))
            for b in self._content(users[-1])
            if isinstance(b, dict) and b.get("type") == "tool_result"
        }
        return [r for r in self.all_tool_results() if r.tool_use_id in ids]

    def called(self, name: str) -> bool:
        return any(c.name == name for c in self.tool_calls_made())

    def results_of(self, name: str) -> list[ToolResultView]:
        return [r for r in self.all_tool_results() if r.tool_name == name]

    def json_results_of(self, name: str) -> list[Any]:
        """Tool results of ``name`` parsed from the JSON payload inside them (see agents.tools.formatting)."""
        out = []
        for r in self.results_of(name):
            payload = extract_json_payload(r.text)
            if payload is not None:
                out.append(payload)
        return out

    @property
    def is_side_call(self) -> bool:
        """A CLI housekeeping call (title, summary) rather than an agent turn: no tools offered."""
        return not self.tools and self.agent() == "unknown"


def extract_json_payload(text: str) -> Any:
    """The JSON between ``<crm_data>``/``<memory_data>``/``<result>`` markers, or the whole text."""
    for tag in ("crm_data", "memory_data", "result"):
        start, end = f"<{tag}>", f"</{tag}>"
        if start in text and end in text:
            text = text.split(start, 1)[1].split(end, 1)[0]
            break
    try:
        return json.loads(text.strip())
    except ValueError:
        return None


Script = Callable[[ModelRequest], ModelTurn]
