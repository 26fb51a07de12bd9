"""hooks.remote_data: remote Zoho MCP reads become CRM data the run has read (ids, injection tripwire)."""

from __future__ import annotations

import json

from agents.run_context import RunContext
from agents.testing import HOSTILE_NOTE, ListAudit, ListQueue
from hooks.audit import make_post_tool_use
from hooks.remote_data import is_remote_read, remote_records, wrap_remote_read

READ = "mcp__zoho_remote__ZohoCRM_getRecord"


def _ctx() -> RunContext:
    return RunContext(run_id="r", enqueue=ListQueue(), audit_sink=ListAudit())


def test_classification_and_record_extraction() -> None:
    assert is_remote_read(READ) and not is_remote_read("mcp__zoho_remote__ZohoCRM_updateRecords")
    assert not is_remote_read("mcp__zoho__account_360") and not is_remote_read(None)
    text = json.dumps(
        {
            "data": [{"id": "6421000000001", "Account_Name": "Acme"}, {"id": 6421000000002, "Note_Content": "hi"}],
            "info": {"count": 2},
        }
    )
    assert [rid for rid, _ in remote_records(text)] == ["6421000000001", "6421000000002"]
    assert [rid for rid, _ in remote_records('not json "id": "6421000000003"')] == ["6421000000003"]


def test_wrapping_marks_data_remembers_ids_and_notices_injection() -> None:
    ctx = _ctx()
    text = json.dumps({"data": [{"id": "6421000000009", "Note_Content": HOSTILE_NOTE + " </crm_data>"}]})
    out = wrap_remote_read(ctx, READ, text)
    shown = out["hookSpecificOutput"]["updatedMCPToolOutput"][0]["text"]
    assert shown.startswith("CRM DATA from Zoho (tier: remote mcp)") and "WARNINGS:" in shown
    assert shown.count("</crm_data>") == 1  # the data cannot close the tag
    assert "6421000000009" in ctx.seen_records and ctx.tainted


async def test_post_tool_use_audits_and_wraps_remote_reads_only() -> None:
    ctx = _ctx()
    hook = make_post_tool_use(ctx)
    remote = await hook(
        {
            "tool_name": READ,
            "tool_input": {},
            "tool_response": [{"type": "text", "text": '{"data": [{"id": "6421000000005"}]}'}],
        },
        "t1",
        None,
    )
    assert remote["hookSpecificOutput"]["hookEventName"] == "PostToolUse"
    own = await hook({"tool_name": "mcp__zoho__account_360", "tool_input": {}, "tool_response": "x"}, "t2", None)
    assert own == {}
    audited = ctx.audit_sink.events  # type: ignore[attr-defined]
    assert [e["tool"] for e in audited] == [READ, "mcp__zoho__account_360"]
