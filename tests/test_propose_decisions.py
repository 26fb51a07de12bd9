"""The agents' ``propose_action`` tool over the real state store (``approvals.agent_door.store_enqueue``): an
action a person rejected comes back to the model as a tool error it can act on (which decision, why), not
as a new queued row; another action is still queued."""

from __future__ import annotations

from typing import Any

from test_tools_handlers import ACME, _proposal, _read_acme, _text

from agents.run_context import RunContext
from agents.testing import InMemoryGateway, ListAudit, demo_views
from agents.tools import build_propose_tool
from approvals.agent_door import store_enqueue
from state.store import StateStore


async def propose(store: StateStore, **over: Any) -> dict[str, Any]:
    ctx = RunContext(
        run_id="run-1",
        enqueue=store_enqueue(store, "run-1", gateway=InMemoryGateway(demo_views())),
        audit_sink=ListAudit(),
    )
    await _read_acme(ctx)
    return await build_propose_tool(ctx).handler(_proposal(**over))


async def test_a_rejected_action_is_refused_to_the_model_with_the_reason(store: StateStore) -> None:
    first = await propose(store)
    assert "is_error" not in first, first
    [rec] = store.list_recommendations()
    assert rec.basis is not None and "4876000000210" in rec.basis.versions  # the deal's version, read from Zoho
    store.decide(rec.id, "rejected", by="ana@example.com", reason="Renewal is handled by the partner")
    reworded = {"subject": "Renewal follow-up call", "due_date": "2026-02-08", "priority": "High"}
    refused = await propose(store, task=reworded)
    assert refused.get("is_error") is True
    text = _text(refused)
    assert "proposal refused: a person already rejected this action" in text
    assert "Renewal is handled by the partner" in text and rec.id in text
    assert len(store.list_recommendations()) == 1
    other = {"subject": "Send the security questionnaire", "priority": "Normal"}
    assert "is_error" not in await propose(store, task=other)
    assert len(store.list_recommendations(status="pending", account_id=ACME)) == 1
