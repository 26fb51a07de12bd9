"""The agents see past decisions: with a model key (the scripted model, the real SDK and its CLI, the
sandbox org, the state store), a second review of the same accounts after a person rejected the agents'
proposals gets ``propose_action`` refused as a tool error naming the decision and its reason; nothing of
the rejected situation is queued again. (In process, as tests/test_review_agents.py does and for the same
reason.)"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_review_agents import _review, _settings

from sandbox.embedded import RunningSandbox
from scripted_model import ScriptedModelServer
from scripted_model.scripts import PROPOSE, obedient_reviewer
from state.store import StateStore

pytestmark = pytest.mark.slow
REASON = "The buyer asked for no follow-ups until January"


async def test_an_agent_cannot_queue_a_rejected_action_again(sandbox: RunningSandbox, tmp_path: Path) -> None:
    with ScriptedModelServer(obedient_reviewer) as model:
        settings = _settings(sandbox, tmp_path / "home", model)
        first_run, first = await _review(settings, limit=2)
        agent_recs = [r for r in first if r.proposal.origin == "agent"]
        assert first_run.mode == "agents" and len(agent_recs) == 2
        with StateStore.open(settings) as store:
            for rec in agent_recs:
                store.decide(rec.id, "rejected", by="ana@example.com", reason=REASON)
        asked = len(model.agent_requests("recommendation-author"))
        second_run, pending = await _review(settings, limit=2)
    refusals = [
        r.text
        for request in model.agent_requests("recommendation-author")[asked:]
        for r in request.results_of(PROPOSE)
        if r.is_error
    ]
    assert len(refusals) >= 2, refusals
    assert all("a person already rejected this action" in text and REASON in text for text in refusals)
    assert second_run.proposals_created <= 2  # at most the rules' own, other actions
    rejected_situations = {r.situation_key for r in agent_recs}
    assert not [r for r in pending if r.situation_key in rejected_situations]
    with StateStore.open(settings) as store:
        held = [e for e in store.list_audit(kind="proposal") if e.outcome == "held"]
    assert {e.detail["prior_decision"] for e in held} >= {r.id for r in agent_recs}
