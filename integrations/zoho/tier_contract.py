"""What a tier is to ``ZohoManager``: three typed contracts, each a step up the other.

- ``ReadTier`` — what every tier serves (MCP, SDK, REST): one record, records by id, a related list, a
  search, one COQL call. Interactive reads go through it.
- ``BulkTier`` — a ``ReadTier`` that also pages through a module's list (``GET /{module}``, page tokens
  past 2,000) and runs Bulk Read jobs (SDK, REST). Bulk reads and the notes list go through it.
- ``WriteTier`` — a ``BulkTier`` that also serves what only REST is wired for: writes, attachments,
  users, field metadata, the recycle bin, related lists by Zoho's ``href`` and any other endpoint as JSON
  (``call_json``: the listener's watch API).

Every method returns Zoho's JSON shapes (dicts), raises only ``ZohoError``s, and is charged to the
shared ``CreditMeter`` by the tier itself. A test's fake tier implements the contract it stands for.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import datetime
from typing import Any, Protocol

import httpx

from integrations.zoho.credits import CreditMeter
from integrations.zoho.oauth import TokenManager

Row = dict[str, Any]


class ReadTier(Protocol):
    name: str  # "mcp", "sdk" or "rest": its breaker, its stats and the audit name it
    calls: int  # API calls sent so far (OAuth not included)

    async def aclose(self) -> None: ...

    async def get_record(self, module: str, record_id: str, fields: Sequence[str] | None = None) -> Row | None: ...

    async def get_records_by_ids(
        self, module: str, ids: Sequence[str], fields: Sequence[str] | None = None
    ) -> list[Row]: ...

    async def related(self, module: str, record_id: str, related_list: str, fields: Sequence[str]) -> list[Row]: ...

    async def search(
        self,
        module: str,
        *,
        criteria: str | None = None,
        word: str | None = None,
        email: str | None = None,
        fields: Sequence[str] | None = None,
        limit: int = 200,
    ) -> list[Row]: ...

    async def coql(self, query: str, *, module: str | None = None) -> tuple[list[Row], bool]:
        """One COQL call: (rows, more_records)."""
        ...


class BulkTier(ReadTier, Protocol):
    def list_pages(
        self,
        module: str,
        fields: Sequence[str],
        *,
        sort_by: str = "id",
        sort_order: str = "asc",
        modified_since: datetime | None = None,
    ) -> AsyncIterator[list[Row]]:
        """Every record of the module's list, page by page (``modified_since``: If-Modified-Since)."""
        ...

    async def bulk_read(
        self,
        module: str,
        fields: Sequence[str] | None = None,
        criteria: dict[str, Any] | None = None,
        *,
        poll_seconds: float = 1.0,
        max_wait_seconds: float = 600.0,
    ) -> list[dict[str, str]]:
        """A Bulk Read job's CSV rows (all pages)."""
        ...

    async def current_user(self) -> Row | None: ...


class WriteTier(BulkTier, Protocol):
    meter: CreditMeter  # the gateway's one meter (every tier draws on it)
    tokens: TokenManager  # the connection's OAuth tokens (the other tiers are built on the same manager)

    def list_pages(
        self,
        module: str,
        fields: Sequence[str],
        *,
        sort_by: str = "id",
        sort_order: str = "asc",
        modified_since: datetime | None = None,
        path: str | None = None,
    ) -> AsyncIterator[list[Row]]:
        """As ``BulkTier.list_pages``; ``path`` pages a related list instead (``related_list_path``)."""
        ...

    async def related_list_path(self, module: str, record_id: str, related_list: str) -> str: ...

    async def call_json(self, method: str, path: str, body: dict[str, Any] | None) -> tuple[int, Any]:
        """One call to an endpoint the gateway does not wrap: ``(status, JSON body or None)``."""
        ...

    async def deleted_records(self, module: str, *, since: datetime | None = None) -> list[Row]: ...

    async def users(self, user_type: str = "ActiveUsers") -> list[Row]: ...

    async def user(self, user_id: str) -> Row | None: ...

    async def field_metadata(self, module: str) -> list[Row]: ...

    async def list_attachments(self, module: str, record_id: str) -> list[Row]: ...

    async def download_attachment(self, module: str, record_id: str, attachment_id: str) -> httpx.Response: ...

    async def create_records(self, module: str, records: Sequence[Row]) -> list[Row]:
        """Not retried once it may have reached Zoho: the manager owns idempotency."""
        ...

    async def update_records(self, module: str, records: Sequence[Row]) -> list[Row]: ...

    async def upload_attachment(
        self, module: str, record_id: str, file_name: str, content: bytes, content_type: str
    ) -> Row: ...
