"""REST tier: Zoho CRM v8 over a pooled ``httpx.AsyncClient``.

- base URL and transport are injected (tests pass ``httpx.MockTransport`` or the sandbox URL);
- OAuth via ``ZohoAuth`` on the client (``TokenManager``: refresh ahead of expiry, and once on 401 INVALID_TOKEN);
- backoff with full jitter on 5xx / connection errors, at most ``max_retries`` retries;
- 429 (concurrency or credit limit) has its own budget: retried with backoff for up to
  ``rate_limit_patience`` seconds, because a busy org frees its slots within seconds and five quick
  retries are not enough when other integrations of the same org hold most of them;
- at most ``concurrency`` requests in flight (the edition's concurrency limit);
- every request is charged to the shared ``CreditMeter`` before it is sent (Zoho's credit costs; the run's
  budget; the client's request hook, so a resend after a refused token is charged too) and refunded when Zoho
  refuses it (401, 429); a 429 that says the org's credits are spent is not retried
  (``ZohoCreditsExhaustedError``).

Reads return Zoho's JSON records (dicts); the manager turns them into domain models.
Writes are *not* retried after the request may have reached Zoho (the manager owns idempotency).
"""

from __future__ import annotations

import asyncio
import csv
import io
import zipfile
from collections.abc import AsyncIterator, Sequence
from datetime import datetime
from typing import Any

import httpx
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception, wait_random_exponential

from integrations.zoho.attachments import LIST_FIELDS
from integrations.zoho.auth import ZohoAuth
from integrations.zoho.credits import CreditMeter, rest_credits
from integrations.zoho.error_mapping import is_transient, map_httpx_error, map_response
from integrations.zoho.errors import (
    ZohoError,
    ZohoRateLimitedError,
    ZohoUnavailableError,
    ZohoValidationError,
    map_status,
)
from integrations.zoho.models import to_zoho_value
from integrations.zoho.oauth import TokenManager
from integrations.zoho.reply_shape import data_rows, more_records

PER_PAGE = 200
DISCRETE_LIMIT = 2000
IDS_BATCH = 100
WRITE_BATCH = 100
FIRST_POLL_DELAY = 0.6
_COST = "sergas_zoho_credits"  # request extension: what Zoho charges for the call


class _RetryBudget:
    """tenacity stop condition with two budgets: 429s may be retried for ``patience`` seconds (counted
    from the first 429 of this call); any other transient failure at most ``max_retries`` times."""

    def __init__(self, max_retries: int, patience: float) -> None:
        self._max_retries = max_retries
        self._patience = patience
        self._other_failures = 0
        self._first_rate_limit: float | None = None

    def __call__(self, state: RetryCallState) -> bool:
        exc = state.outcome.exception() if state.outcome is not None else None
        if isinstance(exc, ZohoRateLimitedError):
            now = asyncio.get_running_loop().time()
            if self._first_rate_limit is None:
                self._first_rate_limit = now
            return now - self._first_rate_limit >= self._patience
        self._other_failures += 1
        return self._other_failures > self._max_retries


class RestTier:
    name = "rest"

    def __init__(
        self,
        api_url: str,
        tokens: TokenManager,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = 30.0,
        max_retries: int = 5,
        concurrency: int = 10,
        backoff_base: float = 0.25,
        backoff_max: float = 8.0,
        rate_limit_patience: float = 60.0,
        meter: CreditMeter | None = None,
    ) -> None:
        self.api_url = api_url.rstrip("/")
        self.meter = meter or CreditMeter()
        self.tokens = tokens
        self._http = httpx.AsyncClient(
            transport=transport,
            timeout=timeout,
            limits=httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency),
            auth=ZohoAuth(tokens),
            event_hooks={"request": [self._charge], "response": [self._refund_refused]},
        )
        self._max_retries = max_retries
        self._semaphore = asyncio.Semaphore(concurrency)
        self._backoff_base = backoff_base
        self._backoff_max = backoff_max
        self._rate_limit_patience = rate_limit_patience
        self.calls = 0
        self._related_lists: dict[str, dict[str, dict[str, Any]]] = {}

    async def aclose(self) -> None:
        await self._http.aclose()

    # ------------------------------------------------------------------ plumbing
    async def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
        headers: dict[str, str] | None = None,
        module: str | None = None,
        record_id: str | None = None,
        retry_unsafe: bool = True,
        raw: bool = False,
        files: dict[str, Any] | None = None,
        rate_limit_patience: float | None = None,
    ) -> httpx.Response:
        """One API call with auth, concurrency cap and retries; raises ``ZohoError`` on failure.

        ``retry_unsafe=False`` (creating writes): only retry failures where Zoho surely did nothing
        (429, connection refused). ``rate_limit_patience`` overrides the tier's 429 budget for this call."""
        url = path if path.startswith("http") else f"{self.api_url}{path}"

        def _retryable(exc: BaseException) -> bool:
            if not is_transient(exc):
                return False
            if retry_unsafe:
                return True
            return isinstance(exc, ZohoRateLimitedError) or getattr(exc, "code", None) == "ConnectError"

        retrying = AsyncRetrying(
            retry=retry_if_exception(_retryable),
            wait=wait_random_exponential(multiplier=self._backoff_base, max=self._backoff_max),
            stop=_RetryBudget(
                self._max_retries, self._rate_limit_patience if rate_limit_patience is None else rate_limit_patience
            ),
            reraise=True,
        )
        async for attempt in retrying:
            with attempt:
                return await self._send_once(
                    method,
                    url,
                    params=params,
                    json=json,
                    headers=headers,
                    module=module,
                    record_id=record_id,
                    raw=raw,
                    files=files,
                )
        raise ZohoUnavailableError("unreachable", tier=self.name)  # pragma: no cover

    async def _send_once(
        self,
        method: str,
        url: str,
        *,
        params: dict[str, Any] | None,
        json: Any,
        headers: dict[str, str] | None,
        module: str | None,
        record_id: str | None,
        raw: bool,
        files: dict[str, Any] | None = None,
    ) -> httpx.Response:
        cost = rest_credits(method, httpx.URL(url).path, params, json)
        async with self._semaphore:
            try:
                response = await self._http.request(
                    method, url, params=params, json=json, headers=headers, files=files, extensions={_COST: cost}
                )
            except httpx.HTTPError as exc:
                raise map_httpx_error(exc, module=module, record_id=record_id, tier=self.name) from None
        if response.status_code >= 400:
            raise map_response(response, module=module, record_id=record_id, tier=self.name)
        if not raw and response.status_code not in (204, 304) and response.content:
            try:
                response.json()
            except ValueError:
                raise ZohoUnavailableError(
                    "malformed JSON reply from Zoho",
                    status=response.status_code,
                    module=module,
                    record_id=record_id,
                    tier=self.name,
                ) from None
        return response

    async def _charge(self, request: httpx.Request) -> None:
        """Request hook: every request sent (a resend after a refused token too) is counted and charged."""
        self.meter.charge(int(request.extensions.get(_COST, 1)), operation=f"{request.method} {request.url.path}")
        self.calls += 1

    async def _refund_refused(self, response: httpx.Response) -> None:
        """Response hook: Zoho charges no credits for a call it refused (401, 429)."""
        if response.status_code in (401, 429):
            self.meter.refund(int(response.request.extensions.get(_COST, 1)))

    async def call_json(self, method: str, path: str, body: dict[str, Any] | None) -> tuple[int, Any]:
        """One call to an endpoint the gateway does not wrap (the listener's ``actions/watch``, records by
        id): ``(status, JSON body)``, the body None for an empty reply. Failures are ``ZohoError``s."""
        response = await self.request(method, path, json=body)
        if response.status_code in (204, 304) or not response.content:
            return response.status_code, None
        return response.status_code, response.json()

    async def _get_json(
        self,
        path: str,
        params: dict[str, Any] | None = None,
        *,
        module: str | None = None,
        record_id: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> dict[str, Any] | None:
        response = await self.request("GET", path, params=params, module=module, record_id=record_id, headers=headers)
        return self._object_body(response, module=module, record_id=record_id)

    def _object_body(
        self, response: httpx.Response, *, module: str | None, record_id: str | None = None
    ) -> dict[str, Any] | None:
        """The JSON object of a reply (None for an empty one: 204, 304, no content)."""
        if response.status_code in (204, 304) or not response.content:
            return None
        body = response.json()
        if not isinstance(body, dict):  # null, a list, a number: never a Zoho reply, never "no data"
            raise ZohoUnavailableError(
                "Zoho sent a JSON reply that is not an object",
                status=response.status_code,
                module=module,
                record_id=record_id,
                tier=self.name,
            )
        return body

    # ------------------------------------------------------------------ reads
    async def get_record(
        self, module: str, record_id: str, fields: Sequence[str] | None = None
    ) -> dict[str, Any] | None:
        params = {"fields": ",".join(fields)} if fields else None
        body = await self._get_json(f"/crm/v8/{module}/{record_id}", params, module=module, record_id=record_id)
        data = data_rows(body, tier=self.name, module=module, record_id=record_id)
        return data[0] if data else None

    async def get_records_by_ids(
        self, module: str, ids: Sequence[str], fields: Sequence[str] | None = None
    ) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        unique = list(dict.fromkeys(str(i) for i in ids))
        for start in range(0, len(unique), IDS_BATCH):
            params: dict[str, Any] = {"ids": ",".join(unique[start : start + IDS_BATCH])}
            if fields:
                params["fields"] = ",".join(fields)
            body = await self._get_json(f"/crm/v8/{module}", params, module=module)
            out.extend(data_rows(body, tier=self.name, module=module))
        return out

    async def list_pages(
        self,
        module: str,
        fields: Sequence[str],
        *,
        sort_by: str = "id",
        sort_order: str = "asc",
        modified_since: datetime | None = None,
        path: str | None = None,
    ) -> AsyncIterator[list[dict[str, Any]]]:
        """Every record of a module (or a related list when ``path`` is given), page by page:
        pages 1..10 by number, then ``page_token``. ``modified_since`` sends If-Modified-Since."""
        headers = {"If-Modified-Since": to_zoho_value(modified_since) or ""} if modified_since else None
        base: dict[str, Any] = {
            "fields": ",".join(fields),
            "per_page": PER_PAGE,
            "sort_by": sort_by,
            "sort_order": sort_order,
        }
        page, token = 1, None
        while True:
            params = dict(base)
            if token:
                params["page_token"] = token
            else:
                params["page"] = page
            body = await self._get_json(path or f"/crm/v8/{module}", params, module=module, headers=headers)
            if not body:
                return
            rows = data_rows(body, tier=self.name, module=module)
            if rows:
                yield rows
            if not more_records(body, tier=self.name, module=module):
                return
            if page * PER_PAGE < DISCRETE_LIMIT and not token:
                page += 1
            else:
                token = (body.get("info") or {}).get("next_page_token")
                if not token:
                    return

    async def related_list_path(self, module: str, record_id: str, related_list: str) -> str:
        """The URL path of a related list, from the ``href`` of Zoho's related-list metadata
        (``GET /settings/related_lists?module=``, read once per module): Zoho's own names, never guessed."""
        lists = self._related_lists.get(module)
        if lists is None:
            body = await self._get_json("/crm/v8/settings/related_lists", {"module": module}, module=module)
            entries = (body or {}).get("related_lists") or []
            lists = {str(e["api_name"]): e for e in entries if isinstance(e, dict) and e.get("api_name")}
            self._related_lists[module] = lists
        entry = lists.get(related_list)
        href = entry.get("href") if entry else None
        if not href:
            raise ZohoValidationError(
                f"{module} has no related list {related_list} that the API serves "
                f"(its lists: {', '.join(sorted(lists)) or 'none'})",
                code="INVALID_DATA",
                module=module,
                record_id=record_id,
                tier=self.name,
            )
        return "/crm/v8/" + str(href).lstrip("/").replace("{ENTITYID}", str(record_id))

    async def related(
        self, module: str, record_id: str, related_list: str, fields: Sequence[str]
    ) -> list[dict[str, Any]]:
        path = await self.related_list_path(module, record_id, related_list)
        out: list[dict[str, Any]] = []
        async for rows in self.list_pages(related_list, fields, sort_by="id", sort_order="asc", path=path):
            out.extend(rows)
        return out

    async def deleted_records(self, module: str, *, since: datetime | None = None) -> list[dict[str, Any]]:
        """The module's recycle bin (``GET /crm/v8/{module}/deleted``), deleted after ``since`` if given."""
        headers = {"If-Modified-Since": to_zoho_value(since) or ""} if since else None
        out: list[dict[str, Any]] = []
        page = 1
        while True:
            body = await self._get_json(
                f"/crm/v8/{module}/deleted",
                {"type": "all", "page": page, "per_page": PER_PAGE},
                module=module,
                headers=headers,
            )
            rows = data_rows(body, tier=self.name, module=module)
            out.extend(rows)
            if not rows or not more_records(body, tier=self.name, module=module):
                return out
            page += 1

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
        params: dict[str, Any] = {"per_page": min(limit, PER_PAGE)}
        if criteria:
            params["criteria"] = criteria
        elif email:
            params["email"] = email
        elif word:
            params["word"] = word
        if fields:
            params["fields"] = ",".join(fields)
        out: list[dict[str, Any]] = []
        page = 1
        while len(out) < limit:
            params["page"] = page
            body = await self._get_json(f"/crm/v8/{module}/search", params, module=module)
            if not body:
                break
            out.extend(data_rows(body, tier=self.name, module=module))
            if not more_records(body, tier=self.name, module=module) or page * PER_PAGE >= DISCRETE_LIMIT:
                break
            page += 1
        return out[:limit]

    async def coql(self, query: str, *, module: str | None = None) -> tuple[list[dict[str, Any]], bool]:
        """One COQL call: (rows, more_records)."""
        response = await self.request("POST", "/crm/v8/coql", json={"select_query": query}, module=module)
        body = self._object_body(response, module=module)
        if body is None:
            return [], False
        return data_rows(body, tier=self.name, module=module), more_records(body, tier=self.name, module=module)

    async def list_attachments(
        self, module: str, record_id: str, fields: Sequence[str] = LIST_FIELDS
    ) -> list[dict[str, Any]]:
        """Every attachment row of one record (Zoho's JSON), all pages."""
        out: list[dict[str, Any]] = []
        page = 1
        while True:
            body = await self._get_json(
                f"/crm/v8/{module}/{record_id}/Attachments",
                {"fields": ",".join(fields), "page": page, "per_page": PER_PAGE},
                module=module,
                record_id=record_id,
            )
            if not body:
                return out
            out.extend(data_rows(body, tier=self.name, module=module, record_id=record_id))
            if not more_records(body, tier=self.name, module=module, record_id=record_id):
                return out
            page += 1

    async def download_attachment(self, module: str, record_id: str, attachment_id: str) -> httpx.Response:
        """The raw download (bytes, ``Content-Type``, ``Content-Disposition``)."""
        return await self.request(
            "GET",
            f"/crm/v8/{module}/{record_id}/Attachments/{attachment_id}",
            module=module,
            record_id=attachment_id,
            raw=True,
        )

    async def users(self, user_type: str = "ActiveUsers") -> list[dict[str, Any]]:
        body = await self._get_json("/crm/v8/users", {"type": user_type, "per_page": PER_PAGE})
        return (body or {}).get("users") or []

    async def field_metadata(self, module: str) -> list[dict[str, Any]]:
        """The module's fields (``GET /crm/v8/settings/fields?module=``): API names, types, read-only flags."""
        body = await self._get_json("/crm/v8/settings/fields", {"module": module}, module=module)
        fields = (body or {}).get("fields") or []
        return [f for f in fields if isinstance(f, dict)]

    async def user(self, user_id: str) -> dict[str, Any] | None:
        """One CRM user by id (``GET /crm/v8/users/{id}``), or None."""
        body = await self._get_json(f"/crm/v8/users/{user_id}", module="Users", record_id=user_id)
        users = (body or {}).get("users") or []
        return users[0] if users and isinstance(users[0], dict) else None

    async def current_user(self) -> dict[str, Any] | None:
        users = await self.users("CurrentUser")
        return users[0] if users else None

    # ------------------------------------------------------------------ bulk read
    async def bulk_read(
        self,
        module: str,
        fields: Sequence[str] | None = None,
        criteria: dict[str, Any] | None = None,
        *,
        poll_seconds: float = 1.0,
        max_wait_seconds: float = 600.0,
    ) -> list[dict[str, str]]:
        """Create a Bulk Read job, poll it, download the zip and parse the CSV (all pages)."""
        out: list[dict[str, str]] = []
        page = 1
        while True:
            query: dict[str, Any] = {"module": {"api_name": module}, "page": page}
            if fields:
                query["fields"] = list(fields)
            if criteria:
                query["criteria"] = criteria
            # Zoho caps Bulk Read jobs and downloads (10 a minute): a 429 here is raised at once, and the
            # manager pages on with COQL instead of waiting for the next minute
            created = await self.request(
                "POST",
                "/crm/bulk/v8/read",
                json={"query": query, "file_type": "csv"},
                module=module,
                rate_limit_patience=0.0,
            )
            job_id = str(created.json()["data"][0]["details"]["id"])
            job = await self._wait_for_job(job_id, module, poll_seconds, max_wait_seconds)
            result = job.get("result") or {}
            download = await self.request(
                "GET", f"/crm/bulk/v8/read/{job_id}/result", module=module, raw=True, rate_limit_patience=0.0
            )
            out.extend(parse_bulk_zip(download.content))
            if not result.get("more_records"):
                return out
            page += 1

    async def _wait_for_job(
        self, job_id: str, module: str, poll_seconds: float, max_wait_seconds: float
    ) -> dict[str, Any]:
        await asyncio.sleep(FIRST_POLL_DELAY)  # a job never completes instantly: do not spend a call on it
        waited = FIRST_POLL_DELAY
        while True:
            body = await self._get_json(f"/crm/bulk/v8/read/{job_id}", module=module, record_id=job_id)
            job = ((body or {}).get("data") or [{}])[0]
            state = job.get("state")
            if state == "COMPLETED":
                return job
            if state == "FAILURE":
                raise ZohoUnavailableError(
                    "bulk read job failed", code="BULK_FAILURE", module=module, record_id=job_id, tier=self.name
                )
            if waited >= max_wait_seconds:
                raise ZohoUnavailableError(
                    "bulk read job did not finish in time",
                    code="BULK_TIMEOUT",
                    module=module,
                    record_id=job_id,
                    tier=self.name,
                )
            await asyncio.sleep(poll_seconds)
            waited += poll_seconds

    # ------------------------------------------------------------------ writes
    async def create_records(self, module: str, records: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
        """POST up to 100 records per call; returns Zoho's per-record results (raises on a failed one)."""
        results: list[dict[str, Any]] = []
        for start in range(0, len(records), WRITE_BATCH):
            response = await self.request(
                "POST",
                f"/crm/v8/{module}",
                json={"data": list(records[start : start + WRITE_BATCH])},
                module=module,
                retry_unsafe=False,
            )
            results.extend(_write_results(response, module, self.name))
        return results

    async def update_records(self, module: str, records: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
        results: list[dict[str, Any]] = []
        for start in range(0, len(records), WRITE_BATCH):
            response = await self.request(
                "PUT", f"/crm/v8/{module}", json={"data": list(records[start : start + WRITE_BATCH])}, module=module
            )  # an update is idempotent: safe to retry
            results.extend(_write_results(response, module, self.name))
        return results

    async def upload_attachment(
        self, module: str, record_id: str, file_name: str, content: bytes, content_type: str
    ) -> dict[str, Any]:
        """POST one file (multipart ``file``); returns Zoho's details (``id``...). Not retried once it
        may have reached Zoho: the manager finds an upload whose reply was lost by its file name."""
        try:
            response = await self.request(
                "POST",
                f"/crm/v8/{module}/{record_id}/Attachments",
                files={"file": (file_name, content, content_type)},
                module=module,
                record_id=record_id,
                retry_unsafe=False,
            )
        except ZohoError as exc:
            if exc.status == 413 or exc.code == "REQUEST_ENTITY_TOO_LARGE":
                exc.hint = (
                    f"{file_name} is {len(content):,} bytes, more than Zoho accepts for one attachment "
                    "(20 MB); attach a smaller file (e.g. the HTML report instead of a PDF)."
                )
            raise
        return _write_results(response, module, self.name)[0]


def _write_results(response: httpx.Response, module: str, tier: str) -> list[dict[str, Any]]:
    body = response.json() if response.content else {}
    items = body.get("data") or []
    for item in items:
        if item.get("status") != "success":
            failed_id = (item.get("details") or {}).get("id")
            raise map_status(400, item, module=module, record_id=str(failed_id) if failed_id else None, tier=tier)
    return [item.get("details") or {} for item in items]


def parse_bulk_zip(content: bytes) -> list[dict[str, str]]:
    """The rows of the CSV inside a Bulk Read zip (header row = field API names)."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = [n for n in archive.namelist() if n.endswith(".csv")]
            if not names:
                raise ZohoUnavailableError("bulk read zip holds no CSV", code="BULK_MALFORMED")
            text = archive.read(names[0]).decode("utf-8-sig")
    except zipfile.BadZipFile as exc:
        raise ZohoUnavailableError("bulk read download is not a zip", code="BULK_MALFORMED") from exc
    return list(csv.DictReader(io.StringIO(text)))


__all__ = ["ZohoError", "RestTier", "parse_bulk_zip"]
