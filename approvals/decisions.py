"""A human decision on a recommendation: record it (audited), then tell whoever listens (memory).

``on_decision(recommendation, decision, reason)`` may be sync or async (``memory.record_decision``
is async). Its failure never undoes the decision: it is audited as ``decision_hook`` / ``error``.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable

from domain.proposals import ProposedAction
from domain.recommendations import Recommendation
from state.models import Decision
from state.store import StateStore

OnDecision = Callable[[Recommendation, str, str | None], Awaitable[None] | None]


async def decide(
    store: StateStore,
    rec_id: str,
    decision: Decision,
    *,
    by: str,
    reason: str | None = None,
    edited: ProposedAction | None = None,
    on_decision: OnDecision | None = None,
) -> Recommendation:
    """Record ``decision`` (see ``StateStore.decide``) and call ``on_decision`` afterwards."""
    rec = store.decide(rec_id, decision, by=by, reason=reason, edited=edited)
    if on_decision is not None:
        try:
            maybe = on_decision(rec, decision, reason)
            if inspect.isawaitable(maybe):
                await maybe
        except Exception as exc:  # the decision stands; the listener (memory) is best effort
            store.record_audit(
                {
                    "kind": "decision_hook",
                    "outcome": "error",
                    "recommendation_id": rec.id,
                    "account_id": rec.proposal.account_id,
                    "run_id": rec.run_id,
                    "detail": {"error": f"{type(exc).__name__}: {exc}", "decision": decision},
                }
            )
    return rec


__all__ = ["OnDecision", "decide"]
