"""MCP tier: reads through a remote Zoho MCP endpoint (streamable HTTP) with the ``mcp`` 2.x client.

Tools used (Zoho's hosted MCP names): ``ZohoCRM_getRecord``, ``ZohoCRM_getRecords``,
``ZohoCRM_searchRecords``, ``ZohoCRM_getRelatedRecords``, ``ZohoCRM_executeCOQLQuery``, called with the
hosted server's wrapped arguments: ``path_variables`` (the REST path's parts), ``query_params`` and
``body`` (e.g. ``ZohoCRM_getRecord {"path_variables": {"module", "recordID"}}``). Tool results are Zoho
REST JSON in a text block; ``isError`` results carry Zoho's error envelope.

One long-lived MCP session is owned by a worker task (the client's task groups must be entered and
left in one task); calls are queued to it. The session is re-opened after a transport failure. Its
HTTP client is signed by ``ZohoAuth`` (our OAuth token, refreshed once when Zoho refuses it), or carries
a fixed ``Authorization`` header when one is configured. Only read tools are ever called from here.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Mapping, Sequence
from functools import partial
from typing import Any

import httpx2

from integrations.zoho.auth import ZohoAuth, with_token_retry
from integrations.zoho.credits import CreditMeter, mcp_credits
from integrations.zoho.error_mapping import map_mcp_error
from integrations.zoho.errors import ZohoCreditsExhaustedError, ZohoError, ZohoRateLimitedError
from integrations.zoho.reply_shape import data_rows, more_records
from integrations.zoho.rest_tier import DISCRETE_LIMIT, IDS_BATCH, PER_PAGE

READ_TOOLS = frozenset(
    {
        "ZohoCRM_getRecord",
        "ZohoCRM_getRecords",
        "ZohoCRM_searchRecords",
        "ZohoCRM_getRelatedRecords",
        "ZohoCRM_executeCOQLQuery",
    }
)

_STOP = object()


class _TransportFailure(Exception):
    """A call that failed below the tool result (HTTP, the session): its ``ZohoError`` passes ``with_token_retry``
    untouched, since ``ZohoAuth`` already refreshed a refused token once for that request."""

    def __init__(self, error: ZohoError) -> None:
        super().__init__(str(error))
        self.error = error


class McpTier:
    name = "mcp"

    def __init__(
        self,
        url: str,
        *,
        auth: ZohoAuth | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float = 30.0,
        meter: CreditMeter | None = None,
    ) -> None:
        """``auth`` signs every request with our OAuth token; ``headers`` carry fixed credentials instead
        (``SERGAS_ZOHO_MCP_AUTH_HEADER``: nothing to refresh then)."""
        self.url = url
        self.meter = meter or CreditMeter()
        self._auth = auth
        self._headers = dict(headers or {})
        self._timeout = timeout
        self._queue: asyncio.Queue[Any] | None = None
        self._worker: asyncio.Task[None] | None = None
        self.calls = 0
        self._last_http_status: int | None = None

    async def aclose(self) -> None:
        if self._worker is not None and self._queue is not None:
            await self._queue.put(_STOP)
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._worker, timeout=5)
        self._worker = None
        self._queue = None

    # ------------------------------------------------------------------ session worker
    async def _run_worker(self, queue: asyncio.Queue[Any]) -> None:
        stack: contextlib.AsyncExitStack | None = None
        client: Any = None
        try:
            while True:
                item = await queue.get()
                if item is _STOP:
                    return
                name, arguments, future = item
                if future.cancelled():
                    continue
                try:
                    if client is None:
                        stack = contextlib.AsyncExitStack()
                        client = await stack.enter_async_context(self._client())
                    result = await client.call_tool(name, arguments, read_timeout_seconds=self._timeout)
                    if not future.cancelled():
                        future.set_result(result)
                except BaseException as exc:  # the MCP edge: anything the client or transport raised
                    if stack is not None:
                        with contextlib.suppress(BaseException):
                            await stack.aclose()
                    stack, client = None, None
                    if not future.cancelled():
                        future.set_exception(exc if isinstance(exc, Exception) else RuntimeError(repr(exc)))
                    if isinstance(exc, asyncio.CancelledError):
                        raise
        finally:
            if stack is not None:
                with contextlib.suppress(BaseException):
                    await stack.aclose()

    def _client(self) -> Any:
        from mcp.client import Client
        from mcp.client.streamable_http import streamable_http_client

        async def remember_status(response: Any) -> None:
            # the MCP client turns HTTP errors into a generic JSON-RPC error; keep the status for mapping
            if response.status_code >= 400:
                self._last_http_status = response.status_code

        http = httpx2.AsyncClient(
            auth=self._auth,
            headers=self._headers,
            timeout=httpx2.Timeout(self._timeout, read=self._timeout),
            event_hooks={"response": [remember_status]},
        )
        transport = streamable_http_client(self.url, http_client=http)

        @contextlib.asynccontextmanager
        async def _session() -> AsyncIterator[Any]:
            async with http, Client(transport, mode="legacy", cache=None) as client:
                yield client

        return _session()

    async def call_tool(
        self, name: str, arguments: dict[str, Any], *, module: str | None = None, record_id: str | None = None
    ) -> dict[str, Any] | None:
        """Call a read tool; returns its JSON payload (None for an empty result). A tool result that says
        Zoho refused our token is answered like a 401 (``with_token_retry``: one refresh, one retry); a refusal
        at the HTTP level was already answered by ``ZohoAuth`` and is not retried again."""
        if name not in READ_TOOLS:
            raise ZohoError(f"MCP tool {name} is not a read tool", tier=self.name)
        tokens = self._auth.tokens if self._auth is not None else None
        try:
            return await with_token_retry(
                tokens, partial(self._call_once, name, arguments, module=module, record_id=record_id)
            )
        except _TransportFailure as failure:
            raise failure.error from None

    async def _call_once(
        self, name: str, arguments: dict[str, Any], *, module: str | None, record_id: str | None
    ) -> dict[str, Any] | None:
        if self._worker is None or self._worker.done() or self._queue is None:
            self._queue = asyncio.Queue()
            self._worker = asyncio.create_task(self._run_worker(self._queue))
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        cost = mcp_credits(name, arguments)
        self.meter.charge(cost, operation=f"MCP {name}")
        await self._queue.put((name, arguments, future))
        self.calls += 1
        self._last_http_status = None
        try:
            result = await future
        except Exception as exc:
            cause = _unwrap(exc)
            if self._last_http_status is not None and not isinstance(cause, dict):
                cause = {"status_code": self._last_http_status, "message": str(cause)}
            error = self._refund_refused(map_mcp_error(cause, module=module, record_id=record_id), cost)
            raise _TransportFailure(error) from None
        text = "".join(getattr(block, "text", "") for block in (result.content or []))
        payload = _parse(text)
        if result.is_error if hasattr(result, "is_error") else getattr(result, "isError", False):
            error = map_mcp_error(payload if isinstance(payload, dict) else text, module=module, record_id=record_id)
            raise self._refund_refused(error, cost)
        return payload if isinstance(payload, dict) else None

    def _refund_refused(self, error: ZohoError, cost: int) -> ZohoError:
        """A call Zoho refused (401, 429) cost the org no credits. Returns ``error``, to raise."""
        if error.status in (401, 429) or isinstance(error, ZohoRateLimitedError | ZohoCreditsExhaustedError):
            self.meter.refund(cost)
        return error

    # ------------------------------------------------------------------ reads (same shapes as REST)
    async def get_record(
        self, module: str, record_id: str, fields: Sequence[str] | None = None
    ) -> dict[str, Any] | None:
        args: dict[str, Any] = {"path_variables": {"module": module, "recordID": str(record_id)}}
        if fields:
            args["query_params"] = {"fields": ",".join(fields)}
        body = await self.call_tool("ZohoCRM_getRecord", args, module=module, record_id=record_id)
        data = data_rows(body, tier=self.name, module=module, record_id=record_id)
        return data[0] if data else None

    async def get_records_by_ids(
        self, module: str, ids: Sequence[str], fields: Sequence[str] | None = None
    ) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        unique = list(dict.fromkeys(str(i) for i in ids))
        for start in range(0, len(unique), IDS_BATCH):
            query: dict[str, Any] = {"ids": ",".join(unique[start : start + IDS_BATCH])}
            if fields:
                query["fields"] = ",".join(fields)
            args = {"path_variables": {"module": module}, "query_params": query}
            body = await self.call_tool("ZohoCRM_getRecords", args, module=module)
            out.extend(data_rows(body, tier=self.name, module=module))
        return out

    async def related(
        self, module: str, record_id: str, related_list: str, fields: Sequence[str]
    ) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        page = 1
        while page * PER_PAGE <= DISCRETE_LIMIT:
            args = {
                "path_variables": {
                    "parentRecordModule": module,
                    "parentRecord": str(record_id),
                    "relatedList": related_list,
                },
                "query_params": {"fields": ",".join(fields), "page": page, "per_page": PER_PAGE},
            }
            body = await self.call_tool("ZohoCRM_getRelatedRecords", args, module=module, record_id=record_id)
            if not body:
                break
            rows = data_rows(body, tier=self.name, module=module, record_id=record_id)
            out.extend(_with_parent_module(row, module, str(record_id)) for row in rows)
            if not more_records(body, tier=self.name, module=module, record_id=record_id):
                break
            page += 1
        return out

    async def search(
        self,
        module: str,
        *,
        criteria: str | None = None,
        word: str | None = None,
        email: str | None = None,
        fields: Sequence[str] | None = None,
        limit: int = 200,
    ) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        page = 1
        while len(out) < limit:
            query: dict[str, Any] = {"page": page, "per_page": min(limit, PER_PAGE)}
            if criteria:
                query["criteria"] = criteria
            elif email:
                query["email"] = email
            elif word:
                query["word"] = word
            if fields:
                query["fields"] = ",".join(fields)
            args = {"path_variables": {"module": module}, "query_params": query}
            body = await self.call_tool("ZohoCRM_searchRecords", args, module=module)
            if not body:
                break
            out.extend(data_rows(body, tier=self.name, module=module))
            if not more_records(body, tier=self.name, module=module) or page * PER_PAGE >= DISCRETE_LIMIT:
                break
            page += 1
        return out[:limit]

    async def coql(self, query: str, *, module: str | None = None) -> tuple[list[dict[str, Any]], bool]:
        body = await self.call_tool("ZohoCRM_executeCOQLQuery", {"body": {"select_query": query}}, module=module)
        if not body:
            return [], False
        return data_rows(body, tier=self.name, module=module), more_records(body, tier=self.name, module=module)


def _parse(text: str) -> Any:
    if not text.strip():
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def _unwrap(exc: BaseException) -> Any:
    """ExceptionGroups from task groups hide the real error; HTTP status errors carry a status."""
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        exc = exc.exceptions[0]
    response = getattr(exc, "response", None)
    status = getattr(response, "status_code", None)
    if status is not None:
        body: dict[str, Any] = {}
        with contextlib.suppress(Exception):
            parsed = response.json() if response is not None else None
            body = parsed if isinstance(parsed, dict) else {}
        return {**body, "status_code": status}
    return exc


def _with_parent_module(row: Any, module: str, record_id: str) -> Any:
    """The MCP server's related Tasks lack ``$se_module`` (REST and the SDK send it): a task whose
    ``What_Id`` is the parent asked for hangs on that parent's module, so say so."""
    if not isinstance(row, dict) or row.get("$se_module"):
        return row
    what = row.get("What_Id")
    what_id = what.get("id") if isinstance(what, dict) else what
    if what_id is not None and str(what_id) == record_id:
        return {**row, "$se_module": module}
    return row
