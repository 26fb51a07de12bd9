"""Encode a ``ModelTurn`` as the Anthropic Messages streaming events the Claude Code CLI expects.

message_start → per block (content_block_start → delta(s) → content_block_stop) → message_delta
(stop_reason + usage) → message_stop. Text and tool input always travel in deltas: the CLI ignores
content placed inline in ``content_block_start``.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

from scripted_model.turns import ModelTurn

_CHUNK = 200  # characters per delta: several deltas per block, like the real API


def _event(name: str, data: dict[str, Any]) -> str:
    return f"event: {name}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n"


def _chunks(text: str) -> Iterator[str]:
    if not text:
        yield ""
        return
    for i in range(0, len(text), _CHUNK):
        yield text[i : i + _CHUNK]


def stream_events(turn: ModelTurn, *, model: str) -> Iterator[str]:
    usage = turn.usage
    yield _event(
        "message_start",
        {
            "type": "message_start",
            "message": {
                "id": f"msg_{uuid.uuid4().hex[:24]}",
                "type": "message",
                "role": "assistant",
                "model": model,
                "content": [],
                "stop_reason": None,
                "stop_sequence": None,
                "usage": {
                    "input_tokens": usage.input_tokens,
                    "output_tokens": 1,
                    "cache_read_input_tokens": usage.cache_read_input_tokens,
                    "cache_creation_input_tokens": usage.cache_creation_input_tokens,
                },
            },
        },
    )
    index = 0
    if turn.text or not turn.tool_uses:
        yield _event(
            "content_block_start",
            {"type": "content_block_start", "index": index, "content_block": {"type": "text", "text": ""}},
        )
        for piece in _chunks(turn.text or ""):
            yield _event(
                "content_block_delta",
                {"type": "content_block_delta", "index": index, "delta": {"type": "text_delta", "text": piece}},
            )
        yield _event("content_block_stop", {"type": "content_block_stop", "index": index})
        index += 1
    for call in turn.tool_uses:
        yield _event(
            "content_block_start",
            {
                "type": "content_block_start",
                "index": index,
                "content_block": {"type": "tool_use", "id": call.id, "name": call.name, "input": {}},
            },
        )
        for piece in _chunks(json.dumps(call.input)):
            yield _event(
                "content_block_delta",
                {
                    "type": "content_block_delta",
                    "index": index,
                    "delta": {"type": "input_json_delta", "partial_json": piece},
                },
            )
        yield _event("content_block_stop", {"type": "content_block_stop", "index": index})
        index += 1
    yield _event(
        "message_delta",
        {
            "type": "message_delta",
            "delta": {"stop_reason": turn.stop_reason, "stop_sequence": None},
            "usage": {"output_tokens": usage.output_tokens},
        },
    )
    yield _event("message_stop", {"type": "message_stop"})


def message_json(turn: ModelTurn, *, model: str) -> dict[str, Any]:
    """The same turn as a non-streaming response body (for ``stream: false`` callers)."""
    content: list[dict[str, Any]] = []
    if turn.text or not turn.tool_uses:
        content.append({"type": "text", "text": turn.text or ""})
    content += [{"type": "tool_use", "id": c.id, "name": c.name, "input": c.input} for c in turn.tool_uses]
    return {
        "id": f"msg_{uuid.uuid4().hex[:24]}",
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": content,
        "stop_reason": turn.stop_reason,
        "stop_sequence": None,
        "usage": turn.usage.model_dump(),
    }
