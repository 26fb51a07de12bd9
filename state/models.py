"""Rows of the state store as pydantic models (what the store's read methods return)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

RunStatus = Literal["running", "succeeded", "failed", "interrupted"]
FinishedStatus = Literal["succeeded", "failed", "interrupted"]
Decision = Literal["approved", "rejected", "skipped"]


class Run(BaseModel):
    id: str
    kind: str
    status: RunStatus
    params: dict[str, Any] = Field(default_factory=dict)
    summary: dict[str, Any] | None = None
    started_at: datetime
    finished_at: datetime | None = None
    attempts: int = 1  # 1 + how many times it was resumed


class ReviewResult(BaseModel):
    run_id: str
    account_id: str
    score: float
    signals: list[dict[str, Any]] = Field(default_factory=list)
    recommendation_ids: list[str] = Field(default_factory=list)
    reviewed_at: datetime


class AuditEvent(BaseModel):
    id: int
    at: datetime
    kind: str
    run_id: str | None = None
    agent_id: str | None = None
    agent_type: str | None = None
    tool: str | None = None
    input_summary: str | None = None
    duration_ms: float | None = None
    outcome: str | None = None
    tier: str | None = None
    account_id: str | None = None
    recommendation_id: str | None = None
    detail: dict[str, Any] = Field(default_factory=dict)


class WebSession(BaseModel):
    """A web inbox sign-in (or a sign-in under way), as stored: no Zoho token, only who and until when."""

    key_hash: str
    kind: Literal["signin", "session"]
    data: dict[str, Any] = Field(default_factory=dict)
    csrf_token: str
    created_at: datetime
    expires_at: datetime


class RecommendationRef(BaseModel):
    """A recommendation without its proposal: enough to filter and sort a long queue."""

    id: str
    account_id: str
    kind: str
    status: str
    created_at: datetime
