"""Record routes under ``/crm/v8/{module}``: list, get, search, related lists, notes, create, update,
upsert and delete, with Zoho's paging rules, envelopes and status codes (ZOHO_API_NOTES §4)."""

from __future__ import annotations

import json
from collections.abc import Callable
from email.utils import parsedate_to_datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from sandbox.clock import iso, parse_iso
from sandbox.criteria import parse_criteria
from sandbox.module_support import RECYCLE_BIN_MODULES, not_supported
from sandbox.responses import ZohoHTTPError, empty, zoho_json
from sandbox.schema import (
    CLOSED_TASK_STATUSES,
    DUPLICATE_CHECK_FIELDS,
    FIELD_INDEX,
    MODULE_IDS,
    RECORD_MODULES,
    RELATED_LISTS,
)
from sandbox.state import SandboxState
from sandbox.stats import write_credits
from sandbox.validation import RecordError

MAX_PER_PAGE = 200
DISCRETE_LIMIT = 2000
TOKEN_LIMIT = 100_000
MAX_FIELDS = 50
MAX_IDS = 100
MAX_WRITE = 100
SORTABLE = ("id", "Created_Time", "Modified_Time")
EMAIL_FIELDS = ("Email", "Secondary_Email")
PHONE_FIELDS = ("Phone", "Mobile", "Home_Phone", "Other_Phone", "Fax", "Asst_Phone")


def endpoint_label(request: Request) -> str:
    route = request.scope.get("route")
    return f"{request.method} {getattr(route, 'path', request.url.path)}"


def _module(request: Request) -> str:
    module = request.path_params["module"]
    if module not in RECORD_MODULES:
        raise ZohoHTTPError(
            "INVALID_MODULE", "the module name given seems to be invalid", 400, {"resource_path_index": 0}
        )
    return module


def _int_param(request: Request, name: str, default: int) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ZohoHTTPError("INVALID_DATA", "invalid data", 400, {"param_name": name}) from None
    if value < 1:
        raise ZohoHTTPError("INVALID_DATA", "invalid data", 400, {"param_name": name})
    return value


def _fields(request: Request, module: str, required: bool) -> list[str] | None:
    raw = request.query_params.get("fields")
    if not raw:
        if required:
            raise ZohoHTTPError(
                "REQUIRED_PARAM_MISSING",
                "One of the expected parameter is missing",
                400,
                {"param_name": "fields"},
            )
        return None
    names = [f.strip() for f in raw.split(",") if f.strip()]
    if len(names) > MAX_FIELDS:
        raise ZohoHTTPError(
            "LIMIT_EXCEEDED",
            "fields given exceeds maximum limit",
            400,
            {"param_name": "fields", "limit": MAX_FIELDS},
        )
    return names


def _ids(raw: str | None) -> list[str]:
    ids = [i.strip() for i in (raw or "").split(",") if i.strip()]
    if len(ids) > MAX_IDS:
        raise ZohoHTTPError(
            "LIMIT_EXCEEDED", "ids given exceeds maximum limit", 400, {"param_name": "ids", "limit": MAX_IDS}
        )
    return ids


def project(module: str, record: dict[str, Any], fields: list[str] | None) -> dict[str, Any]:
    """The record as returned: requested fields plus ``id`` (all fields when none requested)."""
    if fields is None:
        out = dict(record)
    else:
        out = {"id": record["id"]}
        for name in fields:
            if name in record:
                out[name] = record[name]
            elif name in FIELD_INDEX[module]:
                out[name] = None
        if module == "Tasks" and "What_Id" in out:
            out["$se_module"] = record.get("$se_module")
    out.setdefault("$editable", True)
    out.setdefault("$approval_state", "approved")
    return out


def _if_modified_since(request: Request) -> str | None:
    raw = request.headers.get("if-modified-since")
    if not raw:
        return None
    try:
        return iso(parse_iso(raw))
    except ValueError:
        try:
            return iso(parsedate_to_datetime(raw))
        except (TypeError, ValueError):
            raise ZohoHTTPError("INVALID_DATA", "invalid data", 400, {"header_name": "If-Modified-Since"}) from None


def _sort(request: Request, records: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], str, str]:
    sort_by = request.query_params.get("sort_by") or "id"
    sort_order = (request.query_params.get("sort_order") or "desc").lower()
    if sort_by not in SORTABLE:
        raise ZohoHTTPError("INVALID_DATA", "invalid data", 400, {"param_name": "sort_by"})
    if sort_order not in ("asc", "desc"):
        raise ZohoHTTPError("INVALID_DATA", "invalid data", 400, {"param_name": "sort_order"})
    if request.query_params.get("cvid") and request.query_params.get("sort_by"):
        raise ZohoHTTPError("AMBIGUITY_DURING_PROCESSING", "cvid and sort_by cannot be given together", 400)
    records = sorted(records, key=lambda r: (str(r.get(sort_by) or ""), r["id"]), reverse=sort_order == "desc")
    return records, sort_by, sort_order


class Lister:
    """Paged list responses (page / per_page up to 2000, then page_token)."""

    def __init__(self, state: SandboxState) -> None:
        self.state = state

    def respond(
        self,
        request: Request,
        module: str,
        user: dict[str, Any],
        records: list[dict[str, Any]],
        *,
        fields_required: bool = True,
        scope_key: str = "",
    ) -> Response:
        params = request.query_params
        ids = _ids(params.get("ids"))
        fields = _fields(request, module, fields_required and not ids)
        per_page = min(MAX_PER_PAGE, _int_param(request, "per_page", MAX_PER_PAGE))
        token = params.get("page_token")
        if token and params.get("page"):
            raise ZohoHTTPError(
                "AMBIGUITY_DURING_PROCESSING",
                "page and page_token cannot be given together",
                400,
                {"param_names": ["page", "page_token"]},
            )
        binding = json.dumps(
            [
                scope_key,
                module,
                sorted((k, v) for k, v in params.multi_items() if k not in ("page", "page_token")),
            ]
        )
        if token:
            cursor = self.state.page_tokens.resolve(token, str(user["id"]), binding)
            offset, page = cursor.offset, cursor.page
            if offset >= TOKEN_LIMIT:
                raise ZohoHTTPError(
                    "PAGINATION_LIMIT_EXCEEDED", "pagination limit exceeded", 400, {"limit": TOKEN_LIMIT}
                )
        else:
            page = _int_param(request, "page", 1)
            if page * per_page > DISCRETE_LIMIT:
                raise ZohoHTTPError(
                    "DISCRETE_PAGINATION_LIMIT_EXCEEDED",
                    "You can only get the first 2000 records without using page_token param.",
                    400,
                    {"limit": DISCRETE_LIMIT},
                )
            offset = (page - 1) * per_page
        if ids:
            wanted = set(ids)
            records = [r for r in records if r["id"] in wanted]
        since = _if_modified_since(request)
        if since is not None:
            records = [r for r in records if str(r.get("Modified_Time") or "") > since]
            if not records:
                return empty(304)
        records, sort_by, sort_order = _sort(request, records)
        chunk = records[offset : offset + per_page]
        if not chunk:
            return empty(204)
        more = offset + per_page < len(records)
        next_token, expiry = None, None
        if more:
            next_token, expires_at = self.state.page_tokens.issue(str(user["id"]), binding, offset + per_page, page + 1)
            expiry = iso(_from_epoch(expires_at))
        info = {
            "call": False,
            "per_page": per_page,
            "next_page_token": next_token,
            "count": len(chunk),
            "sort_by": sort_by,
            "page": page,
            "previous_page_token": None,
            "page_token_expiry": expiry,
            "sort_order": sort_order,
            "email": False,
            "more_records": more,
        }
        return zoho_json({"data": [project(module, r, fields) for r in chunk], "info": info})


def _from_epoch(seconds: float) -> Any:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(seconds, UTC)


async def _body(request: Request) -> dict[str, Any]:
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


def _success(record: dict[str, Any], message: str, **extra: Any) -> dict[str, Any]:
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


def _write_status(results: list[dict[str, Any]], ok_status: int) -> int:
    ok = sum(1 for r in results if r.get("status") == "success")
    if ok == len(results):
        return ok_status
    return 207 if ok else 400


def routes(state: SandboxState) -> list[BaseRoute]:
    store = state.store
    lister = Lister(state)

    async def list_records(request: Request) -> Response:
        module = _module(request)
        user = state.authenticate(request)
        if module == "Notes" and state.config.notes_list_admin_only and not state.is_admin(user):
            raise ZohoHTTPError("NOT_SUPPORTED", "listing all notes is supported for administrators only", 403)
        return lister.respond(request, module, user, store.iter_live(module))

    async def deleted(request: Request) -> Response:
        """``GET /crm/v8/{module}/deleted``: the recycle bin (``type`` all|recycle|permanent, ``page``,
        ``per_page`` up to 200, ``If-Modified-Since``: deleted after). 204 when there is nothing."""
        module = _module(request)
        state.authenticate(request)
        if module not in RECYCLE_BIN_MODULES:
            raise not_supported(module, "recycle bin", resource_path_index=0)
        kind = request.query_params.get("type") or "all"
        if kind not in ("all", "recycle", "permanent"):
            raise ZohoHTTPError("INVALID_DATA", "invalid data", 400, {"param_name": "type"})
        page, per_page = _int_param(request, "page", 1), _int_param(request, "per_page", 200)
        if per_page > 200:
            raise ZohoHTTPError("INVALID_DATA", "invalid data", 400, {"param_name": "per_page"})
        entries = [] if kind == "permanent" else store.deleted_records(module, since=_if_modified_since(request))
        chunk = entries[(page - 1) * per_page : page * per_page]
        if not chunk:
            return empty(204)
        return zoho_json(
            {
                "data": chunk,
                "info": {
                    "per_page": per_page,
                    "count": len(chunk),
                    "page": page,
                    "more_records": page * per_page < len(entries),
                },
            }
        )

    async def get_record(request: Request) -> Response:
        module = _module(request)
        state.authenticate(request)
        record = store.get(module, request.path_params["record_id"])
        if record is None:
            return empty(204)
        since = _if_modified_since(request)
        if since is not None and str(record.get("Modified_Time") or "") <= since:
            return empty(304)
        return zoho_json({"data": [project(module, record, _fields(request, module, False))]})

    async def search(request: Request) -> Response:
        module = _module(request)
        user = state.authenticate(request)
        params = request.query_params
        predicate: Callable[[dict[str, Any]], bool]
        if params.get("criteria"):
            predicate = parse_criteria(params["criteria"], module)
        elif params.get("email"):
            email = params["email"].lower()
            predicate = lambda r: any(str(r.get(f) or "").lower() == email for f in EMAIL_FIELDS)  # noqa: E731
        elif params.get("phone"):
            digits = "".join(ch for ch in params["phone"] if ch.isdigit())
            predicate = lambda r: any(  # noqa: E731
                digits and digits in "".join(ch for ch in str(r.get(f) or "") if ch.isdigit()) for f in PHONE_FIELDS
            )
        elif params.get("word"):
            word = params["word"].lower()
            predicate = lambda r: any(isinstance(v, str) and word in v.lower() for v in r.values())  # noqa: E731
        else:
            raise ZohoHTTPError(
                "REQUIRED_PARAM_MISSING",
                "One of the expected parameter is missing",
                400,
                {"param_name": "criteria"},
            )
        per_page = min(MAX_PER_PAGE, _int_param(request, "per_page", MAX_PER_PAGE))
        page = _int_param(request, "page", 1)
        if page * per_page > DISCRETE_LIMIT:
            raise ZohoHTTPError(
                "LIMIT_REACHED", "Maximum response iteration limit reached", 400, {"limit": DISCRETE_LIMIT}
            )
        matches = [r for r in store.iter_live(module) if predicate(r)]
        matches, sort_by, sort_order = _sort(request, matches)
        offset = (page - 1) * per_page
        chunk = matches[offset : offset + per_page]
        if not chunk:
            return empty(204)
        fields = _fields(request, module, False)
        more = offset + per_page < min(len(matches), DISCRETE_LIMIT)
        del user
        return zoho_json(
            {
                "data": [project(module, r, fields) for r in chunk],
                "info": {
                    "per_page": per_page,
                    "count": len(chunk),
                    "page": page,
                    "sort_by": sort_by,
                    "sort_order": sort_order,
                    "more_records": more,
                },
            }
        )

    def related_records(module: str, record: dict[str, Any], related: str) -> list[dict[str, Any]]:
        rel = next((r for r in RELATED_LISTS.get(module, ()) if r.api_name == related), None)
        if rel is None:
            raise ZohoHTTPError(
                "INVALID_DATA", "the related list name given seems to be invalid", 400, {"api_name": related}
            )
        rid = record["id"]
        if module == "Deals" and related == "Contacts":
            contact = record.get("Contact_Name")
            return [c for c in store.iter_live("Contacts") if isinstance(contact, dict) and c["id"] == contact["id"]]
        out = []
        for child in store.iter_live(rel.module):
            if rel.closed is not None and (str(child.get("Status") or "") in CLOSED_TASK_STATUSES) != rel.closed:
                continue
            for link in rel.link_fields:
                ref = child.get(link)
                if isinstance(ref, dict) and ref.get("id") == rid:
                    if link == "What_Id" and child.get("$se_module", "Accounts") != module:
                        continue
                    if link == "Parent_Id" and ref.get("module", {}).get("api_name") != module:
                        continue
                    out.append(child)
                    break
        return out

    async def related(request: Request) -> Response:
        module = _module(request)
        user = state.authenticate(request)
        record = store.get(module, request.path_params["record_id"])
        if record is None:
            raise ZohoHTTPError(
                "INVALID_DATA",
                "the related id given seems to be invalid",
                400,
                {"id": request.path_params["record_id"]},
            )
        related_name = request.path_params["related"]
        children = related_records(module, record, related_name)
        child_module = next(r.module for r in RELATED_LISTS[module] if r.api_name == related_name)
        return lister.respond(request, child_module, user, children, scope_key=f"{module}/{record['id']}")

    async def write(
        request: Request,
        module: str,
        mode: str,
        path_id: str | None = None,
        parent: tuple[str, str] | None = None,
    ) -> Response:
        user = state.authenticate(request)
        body = await _body(request)
        results: list[dict[str, Any]] = []
        dup_fields = body.get("duplicate_check_fields") or list(DUPLICATE_CHECK_FIELDS[module])
        for index, item in enumerate(body["data"]):
            prefix = f"$.data[{index}]"
            try:
                if not isinstance(item, dict):
                    raise RecordError("INVALID_DATA", "invalid data", {"expected_data_type": "jsonobject"})
                if parent is not None:
                    item = {**item, "Parent_Id": {"module": {"api_name": parent[0]}, "id": parent[1]}}
                if mode == "create":
                    results.append(_success(store.create(module, item, user), "record added"))
                elif mode == "update":
                    record_id = path_id or item.get("id")
                    if record_id in (None, ""):
                        raise RecordError("MANDATORY_NOT_FOUND", "required field not found", {"api_name": "id"})
                    results.append(_success(store.update(module, str(record_id), item, user), "record updated"))
                else:
                    results.append(upsert_one(module, item, dup_fields, user))
            except RecordError as exc:
                envelope = exc.envelope(prefix)
                if exc.details.get("api_name") == "id" and "json_path" in envelope["details"]:
                    envelope["details"]["json_path"] = f"{prefix}.id"
                results.append(envelope)
        state.stats.record(endpoint_label(request), write_credits(len(body["data"])))
        ok_status = 201 if mode == "create" else 200
        if mode == "upsert" and all(r.get("action") == "insert" for r in results):
            ok_status = 201
        return zoho_json({"data": results}, _write_status(results, ok_status))

    def upsert_one(module: str, item: dict[str, Any], dup_fields: list[str], user: dict[str, Any]) -> dict[str, Any]:
        if item.get("id"):
            return {
                **_success(store.update(module, str(item["id"]), item, user), "record updated"),
                "action": "update",
                "duplicate_field": None,
            }
        for name in dup_fields:
            value = item.get(name)
            if value in (None, ""):
                continue
            needle = str(value).lower()
            match = next((r for r in store.iter_live(module) if str(r.get(name) or "").lower() == needle), None)
            if match is not None:
                return {
                    **_success(store.update(module, match["id"], item, user), "record updated"),
                    "action": "update",
                    "duplicate_field": name,
                }
        return {
            **_success(store.create(module, item, user), "record added"),
            "action": "insert",
            "duplicate_field": None,
        }

    async def create(request: Request) -> Response:
        return await write(request, _module(request), "create")

    async def update_many(request: Request) -> Response:
        return await write(request, _module(request), "update")

    async def update_one(request: Request) -> Response:
        return await write(request, _module(request), "update", path_id=request.path_params["record_id"])

    async def upsert(request: Request) -> Response:
        return await write(request, _module(request), "upsert")

    async def create_note_under(request: Request) -> Response:
        module = _module(request)
        record_id = request.path_params["record_id"]
        if not store.exists(module, record_id):
            raise ZohoHTTPError("INVALID_DATA", "the related id given seems to be invalid", 400, {"id": record_id})
        return await write(request, "Notes", "create", parent=(module, record_id))

    async def delete(request: Request, ids: list[str]) -> Response:
        state.authenticate(request)
        module = _module(request)
        if not ids:
            raise ZohoHTTPError(
                "REQUIRED_PARAM_MISSING",
                "One of the expected parameter is missing",
                400,
                {"param_name": "ids"},
            )
        results = []
        for record_id in ids:
            try:
                store.delete(module, record_id)
                results.append(
                    {
                        "code": "SUCCESS",
                        "details": {"id": record_id},
                        "message": "record deleted",
                        "status": "success",
                    }
                )
            except RecordError as exc:
                results.append(
                    {
                        "code": exc.code,
                        "details": {"id": record_id},
                        "message": exc.message,
                        "status": "error",
                    }
                )
        return zoho_json({"data": results}, _write_status(results, 200))

    async def delete_many(request: Request) -> Response:
        return await delete(request, _ids(request.query_params.get("ids")))

    async def delete_one(request: Request) -> Response:
        return await delete(request, [request.path_params["record_id"]])

    return [
        Route("/crm/v8/{module}", list_records, methods=["GET"]),
        Route("/crm/v8/{module}", create, methods=["POST"]),
        Route("/crm/v8/{module}", update_many, methods=["PUT"]),
        Route("/crm/v8/{module}", delete_many, methods=["DELETE"]),
        Route("/crm/v8/{module}/upsert", upsert, methods=["POST"]),
        Route("/crm/v8/{module}/search", search, methods=["GET"]),
        Route("/crm/v8/{module}/deleted", deleted, methods=["GET"]),
        Route("/crm/v8/{module}/{record_id}", get_record, methods=["GET"]),
        Route("/crm/v8/{module}/{record_id}", update_one, methods=["PUT"]),
        Route("/crm/v8/{module}/{record_id}", delete_one, methods=["DELETE"]),
        Route("/crm/v8/{module}/{record_id}/Notes", create_note_under, methods=["POST"]),
        Route("/crm/v8/{module}/{record_id}/{related}", related, methods=["GET"]),
    ]


__all__ = ["routes", "project", "Lister", "endpoint_label", "MODULE_IDS"]
