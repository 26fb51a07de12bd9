"""Writing records as Zoho does: up to 100 in a body, each answered on its own (``SUCCESS`` or its error at
``$.data[i]``), 201 / 200 when all succeed, 207 when some do, 400 when none; 1 credit per 10 records.
Used by the records family (create, update, upsert) and the notes family (a note under a record)."""

from __future__ import annotations

import json
from typing import Any, Literal

from starlette.requests import Request
from starlette.responses import Response

from sandbox.access import Caller
from sandbox.api.family import endpoint_label
from sandbox.api.params import Record
from sandbox.responses import ZohoHTTPError, zoho_json
from sandbox.schema import DUPLICATE_CHECK_FIELDS
from sandbox.state import SandboxState
from sandbox.stats import write_credits
from sandbox.validation import RecordError

MAX_WRITE = 100
WriteMode = Literal["create", "update", "upsert"]


async def write_body(request: Request) -> dict[str, Any]:
    """The JSON body ``{"data": [...]}`` with 1 to ``MAX_WRITE`` records; Zoho's 400 otherwise."""
    raw = await request.body()
    try:
        body = json.loads(raw) if raw.strip() else None
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise ZohoHTTPError("INVALID_DATA", "body is not valid JSON", 400) from None
    if not isinstance(body, dict) or not isinstance(body.get("data"), list) or not body["data"]:
        raise ZohoHTTPError(
            "MANDATORY_NOT_FOUND",
            "required field not found",
            400,
            {"api_name": "data", "json_path": "$.data"},
        )
    if len(body["data"]) > MAX_WRITE:
        raise ZohoHTTPError(
            "LIMIT_EXCEEDED",
            "the number of records exceeds the limit",
            400,
            {"limit": MAX_WRITE, "json_path": "$.data"},
        )
    return body


def success(record: Record, message: str, **extra: Any) -> dict[str, Any]:
    """One record's ``SUCCESS`` answer, with its times and who made and changed it."""

    def short(ref: Any) -> Any:
        return {"name": ref.get("name"), "id": ref.get("id")} if isinstance(ref, dict) else ref

    details = {
        "Modified_Time": record.get("Modified_Time"),
        "Modified_By": short(record.get("Modified_By")),
        "Created_Time": record.get("Created_Time"),
        "id": record["id"],
        "Created_By": short(record.get("Created_By")),
    }
    return {"code": "SUCCESS", "details": details, "message": message, "status": "success", **extra}


def write_status(results: list[dict[str, Any]], ok_status: int) -> int:
    """``ok_status`` when every item succeeded, 207 when some did, 400 when none did."""
    ok = sum(1 for r in results if r.get("status") == "success")
    if ok == len(results):
        return ok_status
    return 207 if ok else 400


class RecordWriter:
    """The write loop over a body's records, for one module and one mode."""

    def __init__(self, state: SandboxState) -> None:
        self.state = state
        self.store = state.store

    async def write(
        self,
        request: Request,
        module: str,
        mode: WriteMode,
        path_id: str | None = None,
        parent: tuple[str, str] | None = None,
    ) -> Response:
        caller = self.state.caller(request)
        body = await write_body(request)
        dup_fields = body.get("duplicate_check_fields") or list(DUPLICATE_CHECK_FIELDS[module])
        results: list[dict[str, Any]] = []
        for index, item in enumerate(body["data"]):
            try:
                results.append(self.write_one(module, mode, item, caller, path_id, parent, dup_fields))
            except RecordError as exc:
                results.append(_item_error(exc, f"$.data[{index}]"))
        self.state.stats.record(endpoint_label(request), write_credits(len(body["data"])))
        ok_status = 201 if mode == "create" else 200
        if mode == "upsert" and all(r.get("action") == "insert" for r in results):
            ok_status = 201
        return zoho_json({"data": results}, write_status(results, ok_status))

    def write_one(
        self,
        module: str,
        mode: WriteMode,
        item: Any,
        caller: Caller,
        path_id: str | None,
        parent: tuple[str, str] | None,
        dup_fields: list[str],
    ) -> dict[str, Any]:
        if not isinstance(item, dict):
            raise RecordError("INVALID_DATA", "invalid data", {"expected_data_type": "jsonobject"})
        if parent is not None:
            item = {**item, "Parent_Id": {"module": {"api_name": parent[0]}, "id": parent[1]}}
        if mode == "create":
            return success(self.store.create(module, item, caller.user), "record added")
        if mode == "update":
            record_id = path_id or item.get("id")
            if record_id in (None, ""):
                raise RecordError("MANDATORY_NOT_FOUND", "required field not found", {"api_name": "id"})
            return success(self.store.update(module, str(record_id), item, caller.user), "record updated")
        return self.upsert_one(module, item, dup_fields, caller.user)

    def upsert_one(self, module: str, item: Record, dup_fields: list[str], user: Record) -> dict[str, Any]:
        """Update the record named by ``id`` or matched on a duplicate-check field, else insert it."""
        if item.get("id"):
            updated = self.store.update(module, str(item["id"]), item, user)
            return {**success(updated, "record updated"), "action": "update", "duplicate_field": None}
        for name in dup_fields:
            value = item.get(name)
            if value in (None, ""):
                continue
            needle = str(value).lower()
            match = next((r for r in self.store.iter_live(module) if str(r.get(name) or "").lower() == needle), None)
            if match is not None:
                updated = self.store.update(module, match["id"], item, user)
                return {**success(updated, "record updated"), "action": "update", "duplicate_field": name}
        created = self.store.create(module, item, user)
        return {**success(created, "record added"), "action": "insert", "duplicate_field": None}


def _item_error(exc: RecordError, prefix: str) -> dict[str, Any]:
    envelope = exc.envelope(prefix)
    if exc.details.get("api_name") == "id" and "json_path" in envelope["details"]:
        envelope["details"]["json_path"] = f"{prefix}.id"
    return envelope
