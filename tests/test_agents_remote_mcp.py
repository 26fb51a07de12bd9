"""A remote Zoho MCP server (``SERGAS_ZOHO_MCP_URL``; here the sandbox's own ``/mcp``): its connection
status from the init message is reported, the Data Scout may read through it, and its write tools never
run (the Data Scout is offered only its named read tools; the server's other tools are switched off)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from cli_support import sandbox_settings_for
from sandbox_rest import access_token

from agents.runner import run_orchestrator
from agents.session import build_session_options
from agents.tool_names import REMOTE_READ_TOOLS
from approvals.agent_door import store_approvals
from sandbox.embedded import RunningSandbox
from scripted_model import ModelRequest, ModelTurn, ScriptedModelServer
from scripted_model.scripts import obedient_reviewer
from state.store import StateStore

pytestmark = pytest.mark.slow

READ = "mcp__zoho_remote__ZohoCRM_getRecord"
WRITE = "mcp__zoho_remote__ZohoCRM_updateRecords"


def _access_token(sandbox: RunningSandbox) -> str:
    return access_token(sandbox)


@pytest.fixture
async def remote(sandbox: RunningSandbox, tmp_path: Path) -> AsyncIterator[tuple[Any, Any, StateStore]]:
    from integrations.zoho.factory import build_gateway

    settings = sandbox_settings_for(
        sandbox,
        tmp_path / "home",
        zoho_mcp_url=f"{sandbox.base_url}/mcp",
        zoho_mcp_auth_header=f"Zoho-oauthtoken {_access_token(sandbox)}",
    )
    gateway = build_gateway(settings, use_sdk=False, use_mcp=False)
    store = StateStore.open(settings)
    try:
        yield settings, gateway, store
    finally:
        store.close()
        await gateway.aclose()


def _scout_uses_remote(account_id: str) -> Any:
    def script(request: ModelRequest) -> ModelTurn:
        if request.agent() == "zoho-data-scout":
            if not request.called(READ):
                return ModelTurn.call(READ, {"path_variables": {"module": "Accounts", "recordID": account_id}})
            if not request.called(WRITE):
                return ModelTurn.call(
                    WRITE,
                    {
                        "path_variables": {"module": "Accounts"},
                        "body": {"data": [{"id": account_id, "Rating": "Shut"}]},
                    },
                )
        return obedient_reviewer(request)

    return script


async def test_remote_mcp_status_is_reported_reads_work_and_writes_never_run(
    sandbox: RunningSandbox, remote: tuple[Any, Any, StateStore]
) -> None:
    settings, gateway, store = remote
    account = next(iter(sandbox.store.iter_live("Accounts")))
    with ScriptedModelServer(_scout_uses_remote(account["id"])) as model:
        options = build_session_options(
            settings,
            gateway=gateway,
            approvals=store_approvals(settings, store, gateway),
            run_id="run-remote",
            model_env=model.env(),
        )
        result = await run_orchestrator(options, f"How is this account?\nAccount: {account['id']}")
    assert result.stopped_reason == "completed", result
    assert result.mcp_servers.get("zoho_remote") == "connected"
    scout = model.agent_requests("zoho-data-scout")
    # a short named list of the server's read tools: its write tools are not even offered
    assert READ in scout[0].tools and WRITE not in scout[0].tools
    assert {t for t in scout[0].tools if t.startswith("mcp__zoho_remote__")} == set(REMOTE_READ_TOOLS)
    # the server's other tools are switched off: no request of any agent carries their schemas
    assert all(WRITE not in r.tools for r in model.requests)
    read = [r for q in scout for r in q.results_of(READ)][0]
    assert not read.is_error and account["id"] in read.text
    assert "CRM DATA from Zoho (tier: remote mcp)" in read.text and "<crm_data>" in read.text  # marked as data
    write = [r for q in scout for r in q.results_of(WRITE)][0]
    assert write.is_error  # refused: not a tool the Data Scout has
    calls = sandbox.stats()["by_endpoint"]
    assert "MCP ZohoCRM_getRecord" in calls and "MCP ZohoCRM_updateRecords" not in calls
    assert (sandbox.store.get("Accounts", account["id"]) or {}).get("Rating") == account.get("Rating")
    events = [(e.detail.get("phase"), e.agent_type, e.tool, e.outcome) for e in store.list_audit(run_id="run-remote")]
    assert not any(tool == WRITE and outcome == "ok" for _, _, tool, outcome in events)
    assert ("post", "zoho-data-scout", READ, "ok") in events
