"""Reading a request the way Zoho does: module, numbers, ``fields``, ``ids``, sorting, ``If-Modified-Since``;
each bad value is Zoho's 400 (``ZohoHTTPError``). And the shapes every listing answers with."""

from __future__ import annotations

from email.utils import parsedate_to_datetime
from typing import Any

from starlette.requests import Request

from sandbox.clock import iso, parse_iso
from sandbox.responses import ZohoHTTPError
from sandbox.schema import FIELD_INDEX, RECORD_MODULES

MAX_PER_PAGE = 200
DISCRETE_LIMIT = 2000
MAX_FIELDS = 50
MAX_IDS = 100
SORTABLE = ("id", "Created_Time", "Modified_Time")

Record = dict[str, Any]


def invalid(param: str) -> ZohoHTTPError:
    return ZohoHTTPError("INVALID_DATA", "invalid data", 400, {"param_name": param})


def missing_param(param: str) -> ZohoHTTPError:
    return ZohoHTTPError(
        "REQUIRED_PARAM_MISSING", "One of the expected parameter is missing", 400, {"param_name": param}
    )


def record_module(request: Request) -> str:
    """The ``{module}`` of the path: a module of the records API, else 400 INVALID_MODULE."""
    module = str(request.path_params["module"])
    if module not in RECORD_MODULES:
        raise ZohoHTTPError(
            "INVALID_MODULE", "the module name given seems to be invalid", 400, {"resource_path_index": 0}
        )
    return module


def int_param(request: Request, name: str, default: int) -> int:
    """A positive integer query parameter (``default`` when absent or blank)."""
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise invalid(name) from None
    if value < 1:
        raise invalid(name)
    return value


def lenient_page(request: Request, max_per_page: int = MAX_PER_PAGE) -> tuple[int, int]:
    """``page`` and ``per_page`` clamped into range (the watch and attachment listings)."""
    params = request.query_params
    try:
        page = max(1, int(params.get("page", "1")))
        per_page = min(max_per_page, max(1, int(params.get("per_page", str(max_per_page)))))
    except ValueError:
        raise ZohoHTTPError("INVALID_DATA", "page and per_page must be integers", 400) from None
    return page, per_page


def page_info(per_page: int, count: int, page: int, more: bool) -> dict[str, Any]:
    """The ``info`` of a page-numbered listing."""
    return {"per_page": per_page, "count": count, "page": page, "more_records": more}


def fields_param(request: Request, required: bool) -> list[str] | None:
    """The ``fields`` asked for (None: all); 400 when required and absent, or past ``MAX_FIELDS``."""
    raw = request.query_params.get("fields")
    if not raw:
        if required:
            raise missing_param("fields")
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


def ids_param(raw: str | None) -> list[str]:
    ids = [i.strip() for i in (raw or "").split(",") if i.strip()]
    if len(ids) > MAX_IDS:
        raise ZohoHTTPError(
            "LIMIT_EXCEEDED", "ids given exceeds maximum limit", 400, {"param_name": "ids", "limit": MAX_IDS}
        )
    return ids


def project(module: str, record: Record, fields: list[str] | None) -> Record:
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


def if_modified_since(request: Request) -> str | None:
    """The ``If-Modified-Since`` header as an ISO timestamp (ISO or HTTP date accepted); None when absent."""
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


def sorted_records(request: Request, records: list[Record]) -> tuple[list[Record], str, str]:
    """The records in ``sort_by`` / ``sort_order`` order (default: id, descending), with both names."""
    sort_by = request.query_params.get("sort_by") or "id"
    sort_order = (request.query_params.get("sort_order") or "desc").lower()
    if sort_by not in SORTABLE:
        raise invalid("sort_by")
    if sort_order not in ("asc", "desc"):
        raise invalid("sort_order")
    if request.query_params.get("cvid") and request.query_params.get("sort_by"):
        raise ZohoHTTPError("AMBIGUITY_DURING_PROCESSING", "cvid and sort_by cannot be given together", 400)
    records = sorted(records, key=lambda r: (str(r.get(sort_by) or ""), r["id"]), reverse=sort_order == "desc")
    return records, sort_by, sort_order
