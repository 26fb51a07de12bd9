"""Boundary types of the listener: what Zoho posts to us, the channels we hold, what /health answers."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

WatchedModule = Literal["Accounts", "Deals", "Contacts", "Tasks", "Notes"]
# Zoho's watch API supports these (v8 "Supported modules"); Notes is not among them, so note changes are
# found by a light poll of ``GET /crm/v8/Notes`` by modified time instead (``listener.notes_poll``)
WATCHED_MODULES: tuple[WatchedModule, ...] = ("Accounts", "Deals", "Contacts", "Tasks")
POLLED_MODULES: tuple[WatchedModule, ...] = ("Notes",)


class Notification(BaseModel):
    """One callback body as Zoho posts it to ``notify_url`` (ZOHO_API_NOTES §4.11)."""

    model_config = ConfigDict(extra="allow")

    module: str
    ids: list[str] = Field(default_factory=list)
    operation: str = "update"
    channel_id: str | None = None
    token: str | None = None
    server_time: int | None = None
    affected_fields: list[Any] = Field(default_factory=list)

    @field_validator("ids", mode="before")
    @classmethod
    def _ids_as_strings(cls, value: Any) -> list[str]:
        if value is None:
            return []
        return [str(v) for v in value]

    @field_validator("channel_id", mode="before")
    @classmethod
    def _channel_as_string(cls, value: Any) -> str | None:
        return None if value is None else str(value)

    def without_token(self) -> dict[str, Any]:
        """The body as stored and logged: the verification token is never kept."""
        return self.model_dump(exclude={"token"})


class Channel(BaseModel):
    """A watch channel as we keep it: one per module."""

    channel_id: str
    module: str
    expiry: datetime
    lifetime_seconds: float


class ChannelHealth(BaseModel):
    channel_id: str
    module: str
    expiry: datetime
    seconds_left: float
    shortened: str | None = None  # Zoho granted a shorter expiry than asked: what was asked and granted


class PolledHealth(BaseModel):
    """A module Zoho cannot watch, read instead by a periodic poll."""

    module: str
    every_seconds: float
    last_poll_at: datetime | None = None
    changes_found: int = 0  # records found changed since the listener started
    error: str | None = None  # the last failed poll (tried again at the next one)


ReviewMode = Literal[
    "agent review of flagged accounts",
    "rules only (no agent reviewer)",
    "triage + rule proposals only (daily budget reached)",
]


class Health(BaseModel):
    """What ``GET /health`` answers."""

    status: Literal["ok"] = "ok"
    queue_depth: int
    accounts_waiting: int
    channels: list[ChannelHealth]
    last_callback_at: datetime | None
    refused_callbacks: int
    reviews_today: int
    budget_usd: float
    budget_spent_today_usd: float
    review_mode: ReviewMode
    worker_error: str | None = None  # the last review / resolution failure (retried with backoff)
    channels_error: str | None = None  # the last failed channel check (retried at the next one)
    modules_refused: dict[str, str] = Field(default_factory=dict)  # module -> why Zoho would not watch it
    zoho_api_calls: int = 0  # since the listener started (channels, polls, syncs and reviews)
    zoho_api_credits: int = 0
    modules_polled: list[PolledHealth] = Field(default_factory=list)  # modules read by polling instead
