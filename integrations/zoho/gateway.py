"""The contract the rest of the product uses to reach Zoho: agents' tools, memory sync, the review
pipeline and the approval executor all depend on ``ZohoGateway`` and never on a tier.

``integrations.zoho.manager.ZohoManager`` implements it (MCP → SDK → REST with breakers);
tests may pass any object with the same methods.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import datetime
from typing import Any, Literal, Protocol, runtime_checkable

from pydantic import BaseModel, Field

from domain.recommendations import ApprovedWrite, WriteResult
from integrations.zoho.attachments import AttachmentFile, AttachmentInfo
from integrations.zoho.field_meta import FieldMeta
from integrations.zoho.models import Account, Account360, CrmRecord, Deal, Module, UserRef

Tier = Literal["mcp", "sdk", "rest"]


class TimelineEvent(BaseModel):
    """One dated thing that happened on an account (note, task, deal change, activity)."""

    at: datetime
    kind: Literal["note", "task", "deal", "contact", "account"]
    record_id: str
    module: str
    summary: str


class OrgSnapshot(BaseModel):
    """Every record of the modules the review needs, as fetched in bulk (or incrementally merged)."""

    fetched_at: datetime
    records: dict[str, list[CrmRecord]] = Field(default_factory=dict)  # module -> records
    api_calls: int = 0


class TierStats(BaseModel):
    tier: Tier
    operation: str
    calls: int = 0
    failures: int = 0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    last_error: str | None = None


class CursorStore(Protocol):
    """Where incremental-fetch cursors live (the state store implements it)."""

    def get_cursor(self, module: str) -> datetime | None: ...

    def set_cursor(self, module: str, value: datetime) -> None: ...


class InMemoryCursors:
    """A ``CursorStore`` in a dict: for one-off fetches, benchmarks and tests (nothing is persisted)."""

    def __init__(self) -> None:
        self.values: dict[str, datetime] = {}

    def get_cursor(self, module: str) -> datetime | None:
        return self.values.get(module)

    def set_cursor(self, module: str, value: datetime) -> None:
        self.values[module] = value


@runtime_checkable
class ZohoGateway(Protocol):
    # --- interactive reads (MCP when configured, else SDK; fallback to REST) -------------------
    async def search_accounts(
        self, query: str, *, owner_email: str | None = None, limit: int = 20
    ) -> list[Account]: ...

    async def get_account_360(self, account_id: str) -> Account360: ...

    async def get_records(self, module: Module, ids: Sequence[str]) -> list[CrmRecord]: ...

    async def list_users(self) -> list[UserRef]: ...

    async def changes_since(self, module: Module, since: datetime, *, limit: int = 200) -> list[CrmRecord]: ...

    async def pipeline_for_owner(self, owner_email: str) -> list[Deal]: ...

    async def activity_timeline(self, account_id: str, *, limit: int = 50) -> list[TimelineEvent]: ...

    # --- attachments (REST): a record's files; uploads are writes and go through execute_write ----
    async def list_attachments(self, module: str, record_id: str) -> list[AttachmentInfo]: ...

    async def download_attachment(
        self, module: str, record_id: str, attachment_id: str, *, max_bytes: int | None = None
    ) -> AttachmentFile: ...

    # --- bulk reads (SDK: COQL or Bulk Read by volume; fallback to REST) ------------------------
    def fetch_module(
        self, module: Module, *, modified_since: datetime | None = None, fields: tuple[str, ...] | None = None
    ) -> AsyncIterator[list[CrmRecord]]: ...

    async def fetch_incremental(self, module: Module, cursors: CursorStore) -> list[CrmRecord]: ...

    # --- the org's catalogue (SDK, then REST): what the vendor sells, read as add-ons in notes --------
    async def active_product_names(self) -> list[str]: ...

    # --- what the write checks read (approvals.write_checks): REST, the tier writes go to ---------
    async def field_specs(self, module: str) -> dict[str, FieldMeta]: ...

    async def record_fields(self, module: str, record_id: str, fields: Sequence[str]) -> dict[str, Any] | None: ...

    # --- writes: only with an approval record; idempotent ---------------------------------------
    async def execute_write(self, approved: ApprovedWrite) -> WriteResult: ...

    # --- observability -------------------------------------------------------------------------
    def tier_stats(self) -> list[TierStats]: ...

    def breaker_states(self) -> dict[str, str]: ...

    async def aclose(self) -> None: ...
