"""``TurnView``: how one agent turn looks while it streams, from crafted SDK messages (the real
end-to-end stream is covered by tests/test_chat_cli_e2e.py)."""

from __future__ import annotations

import io
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

from cli.chat.turn_view import TurnView, short_tool


def view() -> tuple[TurnView, io.StringIO]:
    out = io.StringIO()
    return TurnView(Console(file=out, width=120, color_system=None, highlight=False)), out


def delta(text: str, parent: str | None = None) -> StreamEvent:
    return StreamEvent(
        uuid="u",
        session_id="s",
        parent_tool_use_id=parent,
        event={"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": text}},
    )


def start(parent: str | None = None) -> StreamEvent:
    return StreamEvent(uuid="u", session_id="s", parent_tool_use_id=parent, event={"type": "message_start"})


def assistant(*blocks: Any, parent: str | None = None) -> AssistantMessage:
    return AssistantMessage(content=list(blocks), model="m", parent_tool_use_id=parent)


def result(text: str) -> ResultMessage:
    return ResultMessage(
        subtype="success",
        duration_ms=1,
        duration_api_ms=1,
        is_error=False,
        num_turns=1,
        session_id="s",
        result=text,
        total_cost_usd=0.01,
    )


def test_streamed_text_is_written_once_and_subagent_work_is_attributed() -> None:
    v, out = view()
    v.show(start())
    v.show(delta("Let me ask "))
    v.show(delta("the scout."))
    v.show(
        assistant(
            TextBlock("Let me ask the scout."),
            ToolUseBlock(
                id="A1", name="Agent", input={"subagent_type": "zoho-data-scout", "description": "read the account"}
            ),
        )
    )
    v.show(assistant(ToolUseBlock(id="T1", name="mcp__zoho__account_360", input={"account_id": "1"}), parent="A1"))
    v.show(delta("subagent words are not streamed", parent="A1"))
    v.show(UserMessage(content=[ToolResultBlock(tool_use_id="A1", content="report")]))
    v.show(start())
    v.show(delta("All good."))
    v.show(assistant(TextBlock("All good.")))
    v.show(result("All good."))
    v.finish()
    text = out.getvalue()
    assert text.count("Let me ask the scout.") == 1 and text.count("All good.") == 1
    assert "▸ zoho-data-scout is working: read the account" in text
    assert "zoho-data-scout → zoho.account_360" in text
    assert "✔ zoho-data-scout reported back" in text
    assert "subagent words" not in text
    assert text.index("Let me ask") < text.index("▸ zoho-data-scout") < text.index("All good.")
    assert v.agents_seen == ["zoho-data-scout"] and v.answer == "All good."


def test_text_without_stream_events_is_still_shown_and_failures_are_marked() -> None:
    v, out = view()
    v.show(assistant(ToolUseBlock(id="A2", name="Task", input={"subagent_type": "memory-analyst"})))
    v.show(UserMessage(content=[ToolResultBlock(tool_use_id="A2", content="boom", is_error=True)]))
    v.show(SystemMessage(subtype="api_retry", data={}))
    v.show(assistant(TextBlock("Memory is not built yet.")))
    text = out.getvalue()
    assert "✘ memory-analyst failed" in text and "retrying" in text and "Memory is not built yet." in text
    assert v.api_retries == 1 and v.answer == "Memory is not built yet."


def test_model_text_is_not_interpreted_as_markup() -> None:
    v, out = view()
    v.show(delta("[bold red]not styled[/bold red]\n"))
    assert "[bold red]not styled[/bold red]" in out.getvalue()


def test_short_tool_names() -> None:
    assert short_tool("mcp__approvals__propose_action") == "approvals.propose_action"
    assert short_tool("Agent") == "Agent"
