"""Data read through the remote Zoho MCP server is treated like our own tools' CRM data: the record ids in
it count as read in this run (so proposals may cite them), instruction-like text in it is noticed, and the
output the model sees is wrapped as CRM data (``agents.tools.formatting.crm_result``), never instructions.

Called from the PostToolUse hook for ``mcp__zoho_remote__*`` reads; returns the hook's output.
"""

from __future__ import annotations

import json
import re
from typing import Any

from agents.run_context import RunContext
from agents.tool_names import REMOTE_PREFIX, classify
from agents.tools.formatting import CRM_PREAMBLE

_ID_FIELD = re.compile(r'"id"\s*:\s*"?(\d{6,})"?')


def _records(payload: Any, out: list[tuple[str, str]]) -> None:
    """(record id, its text) for every dict with an ``id`` found anywhere in a JSON payload."""
    if isinstance(payload, dict):
        rid = payload.get("id")
        if isinstance(rid, str | int) and str(rid).isdigit():
            text = " ".join(str(v) for v in payload.values() if isinstance(v, str))
            out.append((str(rid), text))
        for value in payload.values():
            _records(value, out)
    elif isinstance(payload, list):
        for value in payload:
            _records(value, out)


def remote_records(text: str) -> list[tuple[str, str]]:
    """The records a remote tool returned (JSON text), else every ``"id": "..."`` found in it."""
    found: list[tuple[str, str]] = []
    try:
        _records(json.loads(text), found)
    except ValueError:
        found = [(rid, text) for rid in _ID_FIELD.findall(text)]
    return found


def is_remote_read(tool_name: str | None) -> bool:
    return bool(tool_name) and str(tool_name).startswith(REMOTE_PREFIX) and classify(str(tool_name)) == "read"


def wrap_remote_read(ctx: RunContext, tool_name: str, text: str) -> dict[str, Any]:
    """Remember the records, then the PostToolUse output that shows the model the text as CRM data."""
    notes = ctx.saw_records(remote_records(text))
    parts = [CRM_PREAMBLE.format(tier=" (tier: remote mcp)")]
    if notes:
        parts.append("WARNINGS: " + "; ".join(dict.fromkeys(notes)))
    parts.append("<crm_data>\n" + text.replace("</", "<\\/") + "\n</crm_data>")
    wrapped = "\n".join(parts)
    return {
        "hookSpecificOutput": {
            "hookEventName": "PostToolUse",
            "updatedMCPToolOutput": [{"type": "text", "text": wrapped}],
        }
    }
