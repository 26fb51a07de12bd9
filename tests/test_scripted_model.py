"""The scripted fake of the Anthropic Messages API, over real HTTP on 127.0.0.1."""

from __future__ import annotations

import json
from typing import Any

import httpx

from scripted_model import ModelRequest, ModelTurn, ScriptedModelServer, ToolUse, Usage, queue_script
from scripted_model.scripts import obedient_reviewer

BODY: dict[str, Any] = {
    "model": "claude-sonnet-4-5",
    "stream": True,
    "max_tokens": 100,
    "system": [{"type": "text", "text": "x-anthropic-billing-header: ...\nYou are the Zoho Data Scout, read-only."}],
    "tools": [{"name": "mcp__zoho__account_360", "input_schema": {}}],
    "messages": [
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "<system-reminder>\nenv\n</system-reminder>"},
                {"type": "text", "text": "Facts please.\nAccount: 4876000000001"},
            ],
        }
    ],
}


def _events(text: str) -> list[dict[str, Any]]:
    return [json.loads(line[len("data: ") :]) for line in text.splitlines() if line.startswith("data: ")]


def test_streams_text_and_tool_use_as_deltas_in_order() -> None:
    turn = ModelTurn(
        text="Reading.",
        tool_uses=[ToolUse(name="mcp__zoho__account_360", input={"account_id": "1" * 300})],
        usage=Usage(input_tokens=1234, output_tokens=56),
    )
    with ScriptedModelServer(turns=[turn]) as model:
        response = httpx.post(f"{model.base_url}/v1/messages?beta=true", json=BODY)
    assert response.headers["content-type"].startswith("text/event-stream")
    events = _events(response.text)
    types = [e["type"] for e in events]
    assert types[0] == "message_start" and types[-2:] == ["message_delta", "message_stop"]
    assert events[0]["message"]["usage"]["input_tokens"] == 1234
    assert types.count("content_block_start") == 2 and types.count("content_block_stop") == 2
    starts = [e for e in events if e["type"] == "content_block_start"]
    assert starts[1]["content_block"]["input"] == {}  # tool input only in deltas
    partial = "".join(
        e["delta"]["partial_json"]
        for e in events
        if e["type"] == "content_block_delta" and e["delta"]["type"] == "input_json_delta"
    )
    assert json.loads(partial) == {"account_id": "1" * 300}
    assert sum(1 for e in events if e.get("delta", {}).get("type") == "input_json_delta") > 1
    assert events[-2]["delta"]["stop_reason"] == "tool_use" and events[-2]["usage"]["output_tokens"] == 56


def test_request_helpers_and_recording() -> None:
    seen: list[ModelRequest] = []

    def script(request: ModelRequest) -> ModelTurn:
        seen.append(request)
        return ModelTurn.say("ok")

    with ScriptedModelServer(script) as model:
        httpx.post(f"{model.base_url}/v1/messages", json=BODY)
    request = model.requests[0]
    assert seen == [request]
    assert request.agent() == "zoho-data-scout" and request.system_contains("Data Scout", "read-only")
    assert request.tools == ["mcp__zoho__account_360"]
    assert request.last_user_text == "Facts please.\nAccount: 4876000000001"  # reminders stripped
    assert request.last_tool_results == [] and "x-api-key" not in request.headers


def test_faults_then_recovery_and_queue_mode() -> None:
    with ScriptedModelServer(turns=[ModelTurn.say("one"), ModelTurn.say("two")]) as model:
        model.fail_next(2, status=529)
        codes = [httpx.post(f"{model.base_url}/v1/messages", json=BODY).status_code for _ in range(3)]
        assert codes == [529, 529, 200]
        model.fail_always(500)
        assert httpx.post(f"{model.base_url}/v1/messages", json=BODY).status_code == 500
        model.clear_faults()
        last = httpx.post(f"{model.base_url}/v1/messages", json={**BODY, "stream": False}).json()
        assert last["content"][0]["text"] == "two" and model.fault_responses == 3
        empty = httpx.post(f"{model.base_url}/v1/messages", json=BODY)
        assert empty.status_code == 500 and "queue is empty" in model.errors[0]


def test_housekeeping_calls_without_tools_do_not_consume_the_script() -> None:
    script = queue_script([ModelTurn.say("scripted")])
    with ScriptedModelServer(script) as model:
        side = {**BODY, "system": "Generate a title", "tools": [], "stream": False}
        assert httpx.post(f"{model.base_url}/v1/messages", json=side).json()["content"][0]["text"] == "Account review"
        body = {**BODY, "stream": False}
        assert httpx.post(f"{model.base_url}/v1/messages", json=body).json()["content"][0]["text"] == "scripted"


def test_obedient_reviewer_reads_then_reports_as_data_scout() -> None:
    request = ModelRequest(body=BODY)
    turn = obedient_reviewer(request)
    assert turn.tool_uses[0].name == "mcp__zoho__account_360"
    assert turn.tool_uses[0].input == {"account_id": "4876000000001"}
    orchestrator = ModelRequest(body={**BODY, "system": "You are the Sergas Orchestrator", "tools": []})
    first = obedient_reviewer(orchestrator).tool_uses[0]
    assert first.name == "Agent" and first.input["subagent_type"] == "zoho-data-scout"
    assert first.input["run_in_background"] is False
