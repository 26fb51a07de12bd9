"""Bulk Read (export) jobs, served by the bulk family (``sandbox.api.bulk``) at `/crm/bulk/v8/read`.

- `POST /crm/bulk/v8/read` creates a job (201, 50 credits). A background task moves it
  ADDED → IN PROGRESS → COMPLETED within about half a second, snapshotting the matching records.
- `GET /crm/bulk/v8/read/{job_id}` reports the job; `result` appears once it is COMPLETED.
- `GET /crm/bulk/v8/read/{job_id}/result` downloads the zip (one `<job_id>.csv`); more than 10
  downloads per minute answer 429 TOO_MANY_REQUESTS.
"""

from __future__ import annotations

import asyncio
import base64
import json
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sandbox import _bulk_criteria as criteria_rules
from sandbox._bulk_export import build_csv, build_zip, columns_for
from sandbox._ext_support import (
    canonical_module,
    module_field_names,
    module_id,
    new_numeric_id,
    user_ref,
)
from sandbox.clock import iso
from sandbox.module_support import BULK_READ_MODULES, NOT_SUPPORTED

PER_PAGE = 200_000
CREATE_CREDITS = 50
DOWNLOADS_PER_MINUTE = 10
TOKEN_LIFETIME_SECONDS = 24 * 3600
MAX_FIELDS = 200


@dataclass
class BulkJob:
    id: str
    module: str
    query: dict[str, Any]
    fields: list[str] | None
    criteria: dict[str, Any] | None
    page: int
    created_by: dict[str, Any]
    created_time: str
    file_type: str = "csv"
    callback: dict[str, Any] | None = None
    state: str = "ADDED"
    count: int = 0
    more_records: bool = False
    next_page_token: str | None = None
    archive: bytes | None = None

    def describe(self) -> dict[str, Any]:
        detail: dict[str, Any] = {
            "id": self.id,
            "operation": "read",
            "state": self.state,
            "query": self.query,
            "created_by": self.created_by,
            "created_time": self.created_time,
            "file_type": self.file_type,
        }
        if self.state == "COMPLETED":
            detail["result"] = {
                "page": self.page,
                "per_page": PER_PAGE,
                "count": self.count,
                "download_url": f"/crm/bulk/v8/read/{self.id}/result",
                "more_records": self.more_records,
                "next_page_token": self.next_page_token,
            }
        return detail


@dataclass
class DownloadLimiter:
    """At most `limit` downloads in any sliding 60-second window."""

    limit: int = DOWNLOADS_PER_MINUTE
    clock: Callable[[], float] = time.monotonic
    _times: deque[float] = field(default_factory=deque)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def allow(self) -> bool:
        now = self.clock()
        with self._lock:
            while self._times and now - self._times[0] >= 60.0:
                self._times.popleft()
            if len(self._times) >= self.limit:
                return False
            self._times.append(now)
            return True


class BulkRequestError(ValueError):
    def __init__(self, code: str, message: str, details: dict[str, Any]) -> None:
        super().__init__(message)
        self.code = code
        self.details = details


class BulkReadService:
    """Holds the jobs of one sandbox and runs them against its store."""

    def __init__(self, store: Any, *, queue_delay: float = 0.1, min_run_time: float = 0.3) -> None:
        self.store = store
        self.queue_delay = queue_delay
        self.min_run_time = min_run_time
        self.jobs: dict[str, BulkJob] = {}
        self.limiter = DownloadLimiter()
        self._tasks: set[asyncio.Task[None]] = set()

    # -- creation -------------------------------------------------------------------------------
    def create_job(self, body: Any, user: Any) -> BulkJob:
        if not isinstance(body, dict) or not isinstance(body.get("query"), dict):
            raise BulkRequestError("MANDATORY_NOT_FOUND", "required field not found", {"api_name": "query"})
        query = body["query"]
        module_ref = query.get("module")
        module_name = module_ref.get("api_name") if isinstance(module_ref, dict) else None
        if not isinstance(module_name, str) or not module_name:
            raise BulkRequestError(
                "MANDATORY_NOT_FOUND",
                "required field not found",
                {"api_name": "module", "json_path": "$.query.module"},
            )
        module = canonical_module(self.store, module_name)
        if module is None:
            raise BulkRequestError(
                "INVALID_DATA",
                "the given module is not supported",
                {"api_name": "module", "json_path": "$.query.module.api_name"},
            )
        if module not in BULK_READ_MODULES:
            raise BulkRequestError(
                NOT_SUPPORTED,
                f"the module {module} is not supported for the bulk read API",
                {"api_name": "module", "json_path": "$.query.module.api_name"},
            )
        fields = self._fields(query.get("fields"), module)
        criteria = query.get("criteria")
        if criteria is not None:
            try:
                criteria_rules.validate(criteria)
            except criteria_rules.CriteriaError as error:
                raise BulkRequestError("INVALID_DATA", str(error), {"json_path": error.json_path}) from error
        page = self._page(query, module)
        file_type = body.get("file_type", "csv")
        if file_type not in ("csv", "ics"):
            raise BulkRequestError("INVALID_DATA", "invalid file_type", {"api_name": "file_type"})
        if file_type == "ics" and module != "Events":
            raise BulkRequestError("INVALID_DATA", "ics export is only available for Events", {"api_name": "file_type"})
        echoed = {key: value for key, value in query.items() if key != "module"}
        echoed["module"] = {"id": module_id(self.store, module), "api_name": module}
        echoed.setdefault("page", page)
        job = BulkJob(
            id=new_numeric_id("64210002"),
            module=module,
            query=echoed,
            fields=fields,
            criteria=criteria,
            page=page,
            created_by=user_ref(user),
            created_time=iso(self.store.now()),
            file_type=file_type,
            callback=body.get("callback") if isinstance(body.get("callback"), dict) else None,
        )
        self.jobs[job.id] = job
        return job

    def _fields(self, raw: Any, module: str) -> list[str] | None:
        if raw is None or raw == []:
            return None
        if not isinstance(raw, list) or not all(isinstance(name, str) and name for name in raw):
            raise BulkRequestError(
                "INVALID_DATA",
                "fields must be a list of field API names",
                {"api_name": "fields", "json_path": "$.query.fields"},
            )
        if len(raw) > MAX_FIELDS:
            raise BulkRequestError("LIMIT_EXCEEDED", "too many fields", {"limit": MAX_FIELDS})
        known = module_field_names(self.store, module)
        if known:
            for index, name in enumerate(raw):
                if name.partition(".")[0] not in known and name != "id":
                    raise BulkRequestError(
                        "INVALID_DATA",
                        f"invalid field {name}",
                        {"api_name": name, "json_path": f"$.query.fields[{index}]"},
                    )
        return list(raw)

    def _page(self, query: dict[str, Any], module: str) -> int:
        token = query.get("page_token")
        if token is not None and "page" in query:
            raise BulkRequestError(
                "AMBIGUITY_DURING_PROCESSING", "use either page or page_token", {"param_name": "page_token"}
            )
        if token is not None:
            return decode_page_token(str(token), module)
        page = query.get("page", 1)
        if isinstance(page, bool) or not isinstance(page, int) or page < 1:
            raise BulkRequestError(
                "INVALID_DATA",
                "page must be a positive integer",
                {"api_name": "page", "json_path": "$.query.page"},
            )
        return page

    # -- running ---------------------------------------------------------------------------------
    def start(self, job: BulkJob) -> None:
        task = asyncio.get_running_loop().create_task(self._run(job))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run(self, job: BulkJob) -> None:
        started = time.monotonic()
        await asyncio.sleep(self.queue_delay)
        job.state = "IN PROGRESS"
        try:
            records = list(self.store.list_records(job.module))
            await asyncio.to_thread(self._complete, job, records)
        except Exception:
            job.state = "FAILURE"
            raise
        remaining = self.min_run_time - (time.monotonic() - started)
        if remaining > 0:
            await asyncio.sleep(remaining)
        job.state = "COMPLETED"

    def _complete(self, job: BulkJob, records: list[dict[str, Any]]) -> None:
        if job.criteria is not None:
            records = [record for record in records if criteria_rules.matches(record, job.criteria)]
        records.sort(key=lambda record: int(record["id"]) if str(record["id"]).isdigit() else 0)
        start = (job.page - 1) * PER_PAGE
        page_records = records[start : start + PER_PAGE]
        columns = columns_for(job.fields, page_records, module_field_names(self.store, job.module))
        job.archive = build_zip(job.id, build_csv(columns, page_records))
        job.count = len(page_records)
        job.more_records = len(records) > start + PER_PAGE
        job.next_page_token = encode_page_token(job.module, job.page + 1) if job.more_records else None

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        self._tasks.clear()


def encode_page_token(module: str, page: int, issued: float | None = None) -> str:
    payload = {"m": module, "p": page, "t": int(issued if issued is not None else time.time())}
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


def decode_page_token(token: str, module: str) -> int:
    try:
        padded = token + "=" * (-len(token) % 4)
        payload = json.loads(base64.urlsafe_b64decode(padded.encode()))
        page, token_module, issued = int(payload["p"]), str(payload["m"]), float(payload["t"])
    except (ValueError, KeyError, TypeError) as error:
        raise BulkRequestError("INVALID_DATA", "invalid page_token", {"api_name": "page_token"}) from error
    if token_module != module:
        raise BulkRequestError("INVALID_DATA", "page_token belongs to another module", {"api_name": "page_token"})
    if time.time() - issued > TOKEN_LIFETIME_SECONDS:
        raise BulkRequestError("EXPIRED_VALUE", "page_token has expired", {"api_name": "page_token"})
    return page
