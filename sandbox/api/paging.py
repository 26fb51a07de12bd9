"""Record listings as Zoho pages them: ``page`` / ``per_page`` up to the 2,000th record, ``page_token``
beyond (bound to the user and the other parameters, up to 100,000 records), ``ids``, ``fields``,
``If-Modified-Since`` (304), sorting, and 204 for an empty page."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from sandbox.access import Caller
from sandbox.api.params import (
    DISCRETE_LIMIT,
    MAX_PER_PAGE,
    Record,
    fields_param,
    ids_param,
    if_modified_since,
    int_param,
    project,
    sorted_records,
)
from sandbox.clock import iso
from sandbox.page_tokens import PageTokens
from sandbox.responses import ZohoHTTPError, empty, zoho_json

TOKEN_LIMIT = 100_000


@dataclass(frozen=True)
class Window:
    """Where a page starts, which page it is, how long, and what its token is bound to."""

    offset: int
    page: int
    per_page: int
    binding: str


class Lister:
    """Paged list responses (page / per_page up to 2000, then page_token)."""

    def __init__(self, page_tokens: PageTokens) -> None:
        self.page_tokens = page_tokens

    def respond(
        self,
        request: Request,
        module: str,
        caller: Caller,
        records: list[Record],
        *,
        fields_required: bool = True,
        scope_key: str = "",
    ) -> Response:
        ids = ids_param(request.query_params.get("ids"))
        fields = fields_param(request, fields_required and not ids)
        window = self.window(request, module, caller, scope_key)
        if ids:
            wanted = set(ids)
            records = [r for r in records if r["id"] in wanted]
        since = if_modified_since(request)
        if since is not None:
            records = [r for r in records if str(r.get("Modified_Time") or "") > since]
            if not records:
                return empty(304)
        records, sort_by, sort_order = sorted_records(request, records)
        chunk = records[window.offset : window.offset + window.per_page]
        if not chunk:
            return empty(204)
        info = self.info(window, caller, len(chunk), window.offset + window.per_page < len(records))
        info.update(sort_by=sort_by, sort_order=sort_order)
        return zoho_json({"data": [project(module, r, fields) for r in chunk], "info": _ordered(info)})

    def window(self, request: Request, module: str, caller: Caller, scope_key: str) -> Window:
        """The page asked for, by ``page_token`` or by ``page``; Zoho's 400 past either limit."""
        params = request.query_params
        per_page = min(MAX_PER_PAGE, int_param(request, "per_page", MAX_PER_PAGE))
        token = params.get("page_token")
        if token and params.get("page"):
            raise ZohoHTTPError(
                "AMBIGUITY_DURING_PROCESSING",
                "page and page_token cannot be given together",
                400,
                {"param_names": ["page", "page_token"]},
            )
        others = sorted((k, v) for k, v in params.multi_items() if k not in ("page", "page_token"))
        binding = json.dumps([scope_key, module, others])
        if token:
            cursor = self.page_tokens.resolve(token, caller.user_id, binding)
            if cursor.offset >= TOKEN_LIMIT:
                raise ZohoHTTPError(
                    "PAGINATION_LIMIT_EXCEEDED", "pagination limit exceeded", 400, {"limit": TOKEN_LIMIT}
                )
            return Window(cursor.offset, cursor.page, per_page, binding)
        page = int_param(request, "page", 1)
        if page * per_page > DISCRETE_LIMIT:
            raise ZohoHTTPError(
                "DISCRETE_PAGINATION_LIMIT_EXCEEDED",
                "You can only get the first 2000 records without using page_token param.",
                400,
                {"limit": DISCRETE_LIMIT},
            )
        return Window((page - 1) * per_page, page, per_page, binding)

    def info(self, window: Window, caller: Caller, count: int, more: bool) -> dict[str, Any]:
        """The page's ``info``, with a ``next_page_token`` (and its expiry) when more records follow."""
        next_token, expiry = None, None
        if more:
            next_offset = window.offset + window.per_page
            next_token, expires_at = self.page_tokens.issue(
                caller.user_id, window.binding, next_offset, window.page + 1
            )
            expiry = iso(datetime.fromtimestamp(expires_at, UTC))
        return {
            "per_page": window.per_page,
            "next_page_token": next_token,
            "count": count,
            "page": window.page,
            "page_token_expiry": expiry,
            "more_records": more,
        }


INFO_ORDER = (
    "call",
    "per_page",
    "next_page_token",
    "count",
    "sort_by",
    "page",
    "previous_page_token",
    "page_token_expiry",
    "sort_order",
    "email",
    "more_records",
)


def _ordered(info: dict[str, Any]) -> dict[str, Any]:
    """Zoho's ``info`` keys in Zoho's order (``call``, ``email`` false; no previous page token)."""
    full = {"call": False, "previous_page_token": None, "email": False, **info}
    return {key: full[key] for key in INFO_ORDER}
