"""What the pipeline needs from its collaborators, as protocols: the state store, the agent reviewer and
the memory sync. ``state.store.StateStore`` satisfies ``ReviewStore``; tests pass small fakes.

A reviewer is ``reviewer(account_triage, account360)`` returning (or awaiting to) either a list of
``ProposedAction`` or an ``AgentReview`` (proposals plus what the model cost).
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol

from approvals.queueing import DecisionQueue
from domain.agent_review import AgentReview as AgentReview  # re-exported: the reviewers return it
from domain.recommendations import Recommendation
from integrations.zoho.models import Account360, CrmRecord
from review.models import AccountTriage


class RunRecord(Protocol):
    id: str
    started_at: datetime
    status: str


class ReviewStore(DecisionQueue, Protocol):
    """The store as the review uses it: the decisions-aware queue (``approvals.queueing``) and the rest."""

    def start_run(self, kind: str, params: dict[str, Any]) -> str: ...
    def finish_run(self, run_id: str, status: Any, summary: dict[str, Any]) -> None: ...
    def resume_run(self, run_id: str) -> Any: ...
    def unfinished_run(self, kind: str) -> Any: ...
    def last_successful_run(self, kind: str) -> Any: ...
    def save_review_result(
        self, run_id: str, account_id: str, score: float, signals: list[dict[str, Any]], recommendation_ids: list[str]
    ) -> None: ...
    def reviewed_account_ids(self, run_id: str) -> set[str]: ...
    def review_results(self, run_id: str) -> list[Any]: ...
    def get_recommendation(self, rec_id: str) -> Recommendation | None: ...
    def acquire_run_lock(self, name: str, *, owner: str, ttl_seconds: float) -> bool: ...
    def release_run_lock(self, name: str, owner: str) -> None: ...
    def lock_holder(self, name: str) -> str | None: ...
    def get_cursor(self, module: str) -> datetime | None: ...
    def set_cursor(self, module: str, value: datetime) -> None: ...


Reviewer = Callable[[AccountTriage, Account360], Any]
MemorySync = Callable[[Mapping[str, Sequence[CrmRecord]]], Any]
Progress = Callable[[str, int, int | None], None]  # (stage, done, total)


async def maybe_await(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


def as_agent_review(value: Any) -> AgentReview:
    """Normalise what a reviewer returned: a list of proposals, an ``AgentReview`` or a look-alike."""
    if isinstance(value, AgentReview):
        return value
    if isinstance(value, list | tuple):
        return AgentReview(proposals=list(value))
    fields = {name: getattr(value, name) for name in AgentReview.model_fields if hasattr(value, name)}
    proposals = list(fields.get("proposals") or [])
    if proposals and all(isinstance(p, str) for p in proposals):  # e.g. agents.runner.AgentRunResult
        fields["proposals"] = []
        fields["queued_ids"] = list(fields.get("queued_ids") or []) + proposals
    if "model_calls" not in fields and hasattr(value, "num_turns"):
        fields["model_calls"] = value.num_turns
    for alias, name in (("total_cost_usd", "cost_usd"), ("api_calls", "model_calls")):
        if name not in fields and hasattr(value, alias):
            fields[name] = getattr(value, alias)
    return AgentReview.model_validate(fields)


AwaitableReview = Awaitable[AgentReview]
