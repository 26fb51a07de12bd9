"""``AgentReview``: what one agent review of one account produced and cost (a plain value, passed up from
``agents.review.review_account`` to ``review.pipeline``; ``review.ports`` re-exports it)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from domain.proposals import ProposedAction


class AgentReview(BaseModel):
    """What one agent review of one account produced and cost."""

    proposals: list[ProposedAction] = Field(default_factory=list)  # for the pipeline to queue
    queued_ids: list[str] = Field(default_factory=list)  # recommendation ids the agent queued itself
    cost_usd: float = 0.0
    model_calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    suspicious: bool = False  # the evidence held instruction-like text
    error: str | None = None
    dismissed: list[tuple[str, str]] = Field(default_factory=list)  # (kind, subject_id) the author dismissed
