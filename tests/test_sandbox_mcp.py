"""The sandbox's Zoho-MCP-like endpoint: raw JSON-RPC over HTTP, and the real `mcp` client."""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import httpx2
import pytest
from mcp.client import Client
from mcp.client.streamable_http import streamable_http_client
from sandbox_rest import access_token, stored

from sandbox.embedded import RunningSandbox

EXPECTED_TOOLS = {
    "ZohoCRM_getRecords",
    "ZohoCRM_getRecord",
    "ZohoCRM_searchRecords",
    "ZohoCRM_getRelatedRecords",
    "ZohoCRM_executeCOQLQuery",
    "ZohoCRM_getRecordCount",
    "ZohoCRM_getFields",
    "ZohoCRM_getModules",
    "ZohoCRM_getUsers",
    "ZohoCRM_getOrganization",
    "ZohoCRM_createRecords",
    "ZohoCRM_updateRecords",
    "ZohoCRM_createNotes",
}


def _access_token(sandbox: RunningSandbox) -> str:
    return access_token(sandbox)


def _rpc(method: str, params: dict[str, Any] | None = None, message_id: int | None = 1) -> dict[str, Any]:
    message: dict[str, Any] = {"jsonrpc": "2.0", "method": method, "params": params or {}}
    if message_id is not None:
        message["id"] = message_id
    return message


def _payload(result: Any) -> Any:
    return json.loads("".join(block.text for block in result.content))


@contextlib.asynccontextmanager
async def connect(sandbox: RunningSandbox) -> AsyncIterator[Client]:
    """The real mcp client (default `auto` mode: probes server/discover, falls back to initialize).
    Entered and left inside the test's own task, as the client's task groups require."""
    http = httpx2.AsyncClient(headers={"Authorization": f"Bearer {_access_token(sandbox)}"})
    transport = streamable_http_client(f"{sandbox.base_url}/mcp", http_client=http)
    async with http, Client(transport, cache=None) as client:
        yield client


def test_raw_jsonrpc_handshake_session_and_auth(sandbox: RunningSandbox) -> None:
    headers = {
        "Authorization": f"Zoho-oauthtoken {_access_token(sandbox)}",
        "Accept": "application/json, text/event-stream",
    }
    with httpx.Client(base_url=sandbox.base_url, headers=headers, timeout=10) as http:
        init = http.post(
            "/mcp",
            json=_rpc(
                "initialize",
                {
                    "protocolVersion": "2025-06-18",
                    "capabilities": {},
                    "clientInfo": {"name": "t", "version": "0"},
                },
            ),
        )
        assert init.status_code == 200
        session = init.headers["mcp-session-id"]
        result = init.json()["result"]
        assert result["protocolVersion"] == "2025-06-18"
        assert result["capabilities"]["tools"] == {"listChanged": False}
        session_headers = {"Mcp-Session-Id": session}
        note = http.post("/mcp", json=_rpc("notifications/initialized", message_id=None), headers=session_headers)
        assert note.status_code == 202 and note.content == b""
        listed = http.post("/mcp", json=_rpc("tools/list", message_id=2), headers=session_headers).json()
        tools = {tool["name"]: tool for tool in listed["result"]["tools"]}
        assert set(tools) == EXPECTED_TOOLS
        assert all(tool["inputSchema"]["type"] == "object" for tool in tools.values())
        get_record = tools["ZohoCRM_getRecord"]["inputSchema"]
        assert get_record["required"] == ["path_variables"] and get_record["additionalProperties"] is False
        assert get_record["properties"]["path_variables"]["required"] == ["module", "recordID"]
        discover = http.post("/mcp", json=_rpc("server/discover", message_id=3), headers=session_headers).json()
        assert discover["error"]["code"] == -32601
        unknown_tool = http.post("/mcp", json=_rpc("tools/call", {"name": "ZohoCRM_dropDatabase"}, 4)).json()
        assert unknown_tool["error"]["code"] == -32602
        stale = http.post("/mcp", json=_rpc("ping", message_id=5), headers={"Mcp-Session-Id": "nope"})
        assert stale.status_code == 404
        assert http.get("/mcp").status_code == 405
        assert http.delete("/mcp", headers=session_headers).status_code == 200
    anonymous = httpx.post(f"{sandbox.base_url}/mcp", json=_rpc("initialize"))
    assert anonymous.status_code == 401
    forged = httpx.post(
        f"{sandbox.base_url}/mcp",
        json=_rpc("initialize"),
        headers={"Authorization": "Bearer 1000.forged.token"},
    )
    assert forged.status_code == 401 and forged.json()["code"] == "INVALID_TOKEN"


async def test_real_client_lists_tools_and_reads(sandbox: RunningSandbox) -> None:
    async with connect(sandbox) as mcp_client:
        await _test_real_client_lists_tools_and_reads(mcp_client, sandbox)


async def _test_real_client_lists_tools_and_reads(mcp_client: Client, sandbox: RunningSandbox) -> None:
    listed = await mcp_client.list_tools()
    assert {tool.name for tool in listed.tools} == EXPECTED_TOOLS

    accounts = sandbox.store.list_records("Accounts")
    page = _payload(
        await mcp_client.call_tool(
            "ZohoCRM_getRecords",
            {
                "path_variables": {"module": "Accounts"},
                "query_params": {"fields": "Account_Name,Industry", "per_page": 10},
            },
        )
    )
    assert page["info"]["count"] == 10 and page["info"]["more_records"] is True
    assert set(page["data"][0]) >= {"id", "Account_Name", "Industry"}
    assert page["data"][0]["id"] == max((a["id"] for a in accounts), key=int)  # newest id first

    target = accounts[5]
    one = _payload(
        await mcp_client.call_tool(
            "ZohoCRM_getRecord", {"path_variables": {"module": "Accounts", "recordID": target["id"]}}
        )
    )
    assert one["data"][0]["Account_Name"] == target["Account_Name"]

    industry = target["Industry"]
    found = _payload(
        await mcp_client.call_tool(
            "ZohoCRM_searchRecords",
            {"path_variables": {"module": "Accounts"}, "query_params": {"criteria": f"(Industry:equals:{industry})"}},
        )
    )
    assert {r["id"] for r in found["data"]} == {a["id"] for a in accounts if a["Industry"] == industry}

    contacts = [c for c in sandbox.store.list_records("Contacts") if c["Account_Name"]["id"] == target["id"]]
    related = _payload(
        await mcp_client.call_tool(
            "ZohoCRM_getRelatedRecords",
            {
                "path_variables": {
                    "parentRecordModule": "Accounts",
                    "parentRecord": target["id"],
                    "relatedList": "Contacts",
                },
                "query_params": {"fields": "Full_Name", "page": 1, "per_page": 200},
            },
        )
    )
    assert {r["id"] for r in related["data"]} == {c["id"] for c in contacts}


async def test_writes_through_mcp_change_the_store_and_are_counted(sandbox: RunningSandbox) -> None:
    async with connect(sandbox) as mcp_client:
        await _test_writes_through_mcp_change_the_store_and_are_counted(mcp_client, sandbox)


def account_parent(account_id: str) -> dict[str, Any]:
    return {"module": {"api_name": "Accounts"}, "id": account_id}


async def _test_writes_through_mcp_change_the_store_and_are_counted(
    mcp_client: Client, sandbox: RunningSandbox
) -> None:
    account = sandbox.store.list_records("Accounts")[0]
    task_fields = {
        "Subject": "Follow up on renewal",
        "What_Id": {"id": account["id"]},
        "$se_module": "Accounts",
        "Due_Date": "2030-01-15",
        "Priority": "High",
    }
    created = await mcp_client.call_tool(
        "ZohoCRM_createRecords", {"path_variables": {"module": "Tasks"}, "body": {"data": [task_fields]}}
    )
    assert not created.is_error
    result = _payload(created)["data"][0]
    assert result["code"] == "SUCCESS" and result["message"] == "record added"
    task = sandbox.store.get("Tasks", result["details"]["id"])
    assert task is not None and task["What_Id"]["id"] == account["id"] and task["Priority"] == "High"

    token = _access_token(sandbox)
    rest = httpx.get(
        f"{sandbox.base_url}/crm/v8/Tasks/{task['id']}", headers={"Authorization": f"Zoho-oauthtoken {token}"}
    )
    assert rest.status_code == 200 and rest.json()["data"][0]["Subject"] == "Follow up on renewal"

    updated = _payload(
        await mcp_client.call_tool(
            "ZohoCRM_updateRecords",
            {"path_variables": {"module": "Accounts"}, "body": {"data": [{"id": account["id"], "Rating": "Hot"}]}},
        )
    )
    assert updated["data"][0]["message"] == "record updated"
    assert stored(sandbox, "Accounts", account["id"])["Rating"] == "Hot"

    note_hello = {"Note_Title": "MCP", "Note_Content": "hello", "Parent_Id": account_parent(account["id"])}
    noted = _payload(await mcp_client.call_tool("ZohoCRM_createNotes", {"body": {"data": [note_hello]}}))
    note = stored(sandbox, "Notes", noted["data"][0]["details"]["id"])
    assert note["Parent_Id"]["id"] == account["id"] and note["Note_Content"] == "hello"

    by_endpoint = sandbox.state.stats.snapshot()["by_endpoint"]
    for name in ("ZohoCRM_createRecords", "ZohoCRM_updateRecords", "ZohoCRM_createNotes"):
        assert by_endpoint[f"MCP {name}"]["calls"] == 1


async def test_errors_are_tool_results_the_model_can_read(sandbox: RunningSandbox) -> None:
    async with connect(sandbox) as mcp_client:
        await _test_errors_are_tool_results_the_model_can_read(mcp_client, sandbox)


async def _test_errors_are_tool_results_the_model_can_read(mcp_client: Client, sandbox: RunningSandbox) -> None:
    missing = await mcp_client.call_tool(
        "ZohoCRM_getRecord", {"path_variables": {"module": "Accounts", "recordID": "1"}}
    )
    assert missing.is_error is True and _payload(missing)["code"] == "INVALID_DATA"
    bad_module = await mcp_client.call_tool(
        "ZohoCRM_getRecords", {"path_variables": {"module": "Nope"}, "query_params": {"fields": "id"}}
    )
    assert bad_module.is_error is True and _payload(bad_module)["code"] == "INVALID_MODULE"
    flat = await mcp_client.call_tool("ZohoCRM_getRecords", {"module": "Accounts", "fields": "Account_Name"})
    assert flat.is_error is True and _payload(flat)["code"] == "INVALID_DATA"  # flat arguments: refused
    deals_before = len(sandbox.store.list_records("Deals"))
    no_mandatory = await mcp_client.call_tool(
        "ZohoCRM_createRecords", {"path_variables": {"module": "Deals"}, "body": {"data": [{"Amount": 5}]}}
    )
    assert no_mandatory.is_error is True
    assert _payload(no_mandatory)["data"][0]["code"] == "MANDATORY_NOT_FOUND"
    bad_query = await mcp_client.call_tool(
        "ZohoCRM_searchRecords", {"path_variables": {"module": "Accounts"}, "query_params": {"criteria": "(Nope::"}}
    )
    assert bad_query.is_error is True and _payload(bad_query)["code"] == "INVALID_QUERY"
    assert len(sandbox.store.list_records("Deals")) == deals_before


async def test_coql_tool(sandbox: RunningSandbox) -> None:
    async with connect(sandbox) as mcp_client:
        await _test_coql_tool(mcp_client, sandbox)


async def _test_coql_tool(mcp_client: Client, sandbox: RunningSandbox) -> None:
    result = await mcp_client.call_tool(
        "ZohoCRM_executeCOQLQuery",
        {"body": {"select_query": "select Account_Name, Industry from Accounts where id is not null limit 5"}},
    )
    if result.is_error and _payload(result)["message"] == "COQL is not available in this sandbox":
        pytest.fail("the core COQL engine is not wired into the MCP endpoint")
    assert not result.is_error
    payload = _payload(result)
    assert len(payload["data"]) == 5 and set(payload["data"][0]) >= {"Account_Name", "id"}
