"""The tools of the Zoho-MCP-like endpoint: names like Zoho's hosted MCP, Zoho-shaped JSON results.

Each tool is a plain function `(ToolContext, arguments) -> payload`. A `ToolError` becomes an
`isError: true` tool result holding Zoho's error envelope, so a model can read and act on it.
Reads and writes go through the same `SandboxStore` as the REST API.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jsonschema

from sandbox import schema
from sandbox.stats import write_credits
from sandbox.validation import RecordError

MAX_PER_PAGE = 200
MAX_DISCRETE_RECORDS = 2000
MAX_WRITE_RECORDS = 100


class ToolError(Exception):
    """A failure the model can act on; carries Zoho's code, message and details."""

    def __init__(self, code: str, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details or {}

    def envelope(self) -> dict[str, Any]:
        return {"code": self.code, "details": self.details, "message": self.message, "status": "error"}


@dataclass
class ToolContext:
    store: Any
    user: dict[str, Any]
    coql: Callable[[str], dict[str, Any]] | None = None
    search: Callable[[str, dict[str, Any]], list[dict[str, Any]]] | None = None


@dataclass(frozen=True)
class Tool:
    name: str
    description: str
    input_schema: dict[str, Any]
    handler: Callable[[ToolContext, dict[str, Any]], dict[str, Any]]
    read_only: bool

    def credits(self, arguments: dict[str, Any]) -> int:
        data = arguments.get("data") or arguments.get("notes")
        return write_credits(len(data)) if not self.read_only and isinstance(data, list) else 1

    def describe(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "inputSchema": self.input_schema,
            "annotations": {"readOnlyHint": self.read_only, "destructiveHint": False, "openWorldHint": False},
        }

    def run(self, context: ToolContext, arguments: dict[str, Any]) -> dict[str, Any]:
        try:
            jsonschema.validate(arguments, self.input_schema)
        except jsonschema.ValidationError as error:
            where = ".".join(str(part) for part in error.absolute_path) or "arguments"
            raise ToolError("INVALID_DATA", f"invalid tool input at {where}: {error.message}") from error
        return self.handler(context, arguments)


# ---------------------------------------------------------------------------- schema pieces
_MODULE = {
    "type": "string",
    "enum": list(schema.RECORD_MODULES),
    "description": "Module API name, e.g. Accounts",
}
_RECORD_ID = {"type": "string", "pattern": "^[0-9]{1,19}$", "description": "Record id (numeric string)"}
_FIELDS = {
    "description": "Field API names to return (comma-separated string or list); default: all fields",
    "anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}, "maxItems": 50}],
}
_PAGE = {"type": "integer", "minimum": 1, "default": 1}
_PER_PAGE = {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": MAX_PER_PAGE}


def _object(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": required, "additionalProperties": False}


# ---------------------------------------------------------------------------- helpers
def _field_list(raw: Any) -> list[str] | None:
    if raw is None:
        return None
    names = raw.split(",") if isinstance(raw, str) else list(raw)
    cleaned = [name.strip() for name in names if name.strip()]
    return cleaned or None


def _project(record: dict[str, Any], fields: list[str] | None) -> dict[str, Any]:
    if fields is None:
        return record
    out = {name: record.get(name) for name in fields}
    out["id"] = record["id"]
    return out


def _page(records: list[dict[str, Any]], arguments: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    page = int(arguments.get("page", 1))
    per_page = int(arguments.get("per_page", MAX_PER_PAGE))
    if page * per_page > MAX_DISCRETE_RECORDS:
        raise ToolError(
            "DISCRETE_PAGINATION_LIMIT_EXCEEDED",
            "You can only get the first 2000 records without using page_token param.",
            {"limit": MAX_DISCRETE_RECORDS},
        )
    fields = _field_list(arguments.get("fields"))
    chunk = records[(page - 1) * per_page : page * per_page]
    info = {
        "per_page": per_page,
        "count": len(chunk),
        "page": page,
        "more_records": len(records) > page * per_page,
        **extra,
    }
    return {"data": [_project(record, fields) for record in chunk], "info": info}


def _sort(records: list[dict[str, Any]], sort_by: str, sort_order: str) -> list[dict[str, Any]]:
    def key(record: dict[str, Any]) -> Any:
        value = record.get(sort_by)
        return int(str(value)) if sort_by == "id" else str(value or "")

    return sorted(records, key=key, reverse=sort_order == "desc")


def _require_record(store: Any, module: str, record_id: str) -> dict[str, Any]:
    record = store.get(module, record_id)
    if record is None:
        raise ToolError("INVALID_DATA", "the id given seems to be invalid", {"id": record_id, "api_name": "id"})
    return dict(record)


def _success(record: dict[str, Any], message: str) -> dict[str, Any]:
    details = {key: record.get(key) for key in ("Modified_Time", "Modified_By", "Created_Time", "Created_By")}
    details["id"] = record["id"]
    return {"code": "SUCCESS", "details": details, "message": message, "status": "success"}


def _write_result(results: list[dict[str, Any]]) -> dict[str, Any]:
    if results and all(result["status"] == "error" for result in results):
        raise _AllFailed(results)
    return {"data": results}


class _AllFailed(ToolError):
    def __init__(self, results: list[dict[str, Any]]) -> None:
        super().__init__(results[0]["code"], results[0]["message"], results[0]["details"])
        self.results = results

    def envelope(self) -> dict[str, Any]:
        return {"data": self.results}


# ---------------------------------------------------------------------------- read tools
def get_records(context: ToolContext, arguments: dict[str, Any]) -> dict[str, Any]:
    module = arguments["module"]
    records = context.store.list_records(module)
    ids = _field_list(arguments.get("ids"))
    if ids is not None:
        if len(ids) > 100:
            raise ToolError("LIMIT_EXCEEDED", "at most 100 ids", {"limit": 100})
        wanted = set(ids)
        records = [record for record in records if record["id"] in wanted]
    sort_by, sort_order = arguments.get("sort_by", "id"), arguments.get("sort_order", "desc")
    return _page(_sort(records, sort_by, sort_order), arguments, {"sort_by": sort_by, "sort_order": sort_order})


def get_record(context: ToolContext, arguments: dict[str, Any]) -> dict[str, Any]:
    record = _require_record(context.store, arguments["module"], arguments["record_id"])
    return {"data": [_project(record, _field_list(arguments.get("fields")))]}


def search_records(context: ToolContext, arguments: dict[str, Any]) -> dict[str, Any]:
    keys = [key for key in ("criteria", "email", "phone", "word") if arguments.get(key)]
    if not keys:
        raise ToolError(
            "REQUIRED_PARAM_MISSING",
            "One of the expected parameter is missing",
            {"param_name": "criteria|email|phone|word"},
        )
    if context.search is None:
        raise ToolError("INTERNAL_ERROR", "search is not available in this sandbox")
    records = context.search(arguments["module"], {key: arguments[key] for key in keys})
    return _page(records, arguments, {"sort_by": "id", "sort_order": "desc"})


def get_related_records(context: ToolContext, arguments: dict[str, Any]) -> dict[str, Any]:
    module, record_id, related = arguments["module"], arguments["record_id"], arguments["related_list"]
    parent = _require_record(context.store, module, record_id)
    relation = next((rel for rel in schema.RELATED_LISTS.get(module, ()) if rel.api_name == related), None)
    if relation is None:
        raise ToolError(
            "INVALID_DATA",
            "the related list given seems to be invalid",
            {"api_name": "related_list", "related_list": related},
        )
    children = context.store.list_records(relation.module)
    if relation.link_fields:
        matched = [
            child
            for child in children
            if any((child.get(name) or {}).get("id") == record_id for name in relation.link_fields)
        ]
    else:  # e.g. Deals → Contacts: the parent points at the child
        pointed = {str((value or {}).get("id")) for value in parent.values() if isinstance(value, dict)}
        matched = [child for child in children if child["id"] in pointed]
    return _page(_sort(matched, "id", "desc"), arguments, {})


def execute_coql(context: ToolContext, arguments: dict[str, Any]) -> dict[str, Any]:
    if context.coql is None:
        raise ToolError("INTERNAL_ERROR", "COQL is not available in this sandbox")
    return context.coql(arguments["select_query"])


# ---------------------------------------------------------------------------- write tools
def _record_error(error: RecordError, index: int, prefix: str = "$.data") -> dict[str, Any]:
    return error.envelope(f"{prefix}[{index}]")


def create_records(context: ToolContext, arguments: dict[str, Any]) -> dict[str, Any]:
    results = []
    for index, data in enumerate(arguments["data"]):
        try:
            stored = context.store.create(arguments["module"], data, context.user)
            results.append(_success(stored, "record added"))
        except RecordError as error:
            results.append(_record_error(error, index))
    return _write_result(results)


def update_records(context: ToolContext, arguments: dict[str, Any]) -> dict[str, Any]:
    results = []
    for index, data in enumerate(arguments["data"]):
        record_id = str(data.get("id", "")).strip()
        if not record_id:
            results.append(
                {
                    "code": "MANDATORY_NOT_FOUND",
                    "details": {"api_name": "id", "json_path": f"$.data[{index}].id"},
                    "message": "required field not found",
                    "status": "error",
                }
            )
            continue
        try:
            stored = context.store.update(arguments["module"], record_id, data, context.user)
            results.append(_success(stored, "record updated"))
        except RecordError as error:
            results.append(_record_error(error, index))
    return _write_result(results)


def add_notes(context: ToolContext, arguments: dict[str, Any]) -> dict[str, Any]:
    module, record_id = arguments["module"], arguments["record_id"]
    _require_record(context.store, module, record_id)
    results = []
    for index, note in enumerate(arguments["notes"]):
        data = {**note, "Parent_Id": {"module": {"api_name": module}, "id": record_id}}
        try:
            results.append(_success(context.store.create("Notes", data, context.user), "record added"))
        except RecordError as error:
            results.append(_record_error(error, index, "$.notes"))
    return _write_result(results)


# ---------------------------------------------------------------------------- the catalogue
_WRITE_RECORD = {"type": "object", "description": 'Field API name → value; lookups as {"id": "..."}'}

TOOLS: tuple[Tool, ...] = (
    Tool(
        "ZohoCRM_getRecords",
        "List records of a module, newest id first, 200 per page (first 2000 only).",
        _object(
            {
                "module": _MODULE,
                "fields": _FIELDS,
                "page": _PAGE,
                "per_page": _PER_PAGE,
                "sort_by": {"type": "string", "enum": ["id", "Created_Time", "Modified_Time"]},
                "sort_order": {"type": "string", "enum": ["asc", "desc"]},
                "ids": {"type": "string", "description": "Comma-separated record ids (at most 100)"},
            },
            ["module"],
        ),
        get_records,
        True,
    ),
    Tool(
        "ZohoCRM_getRecord",
        "Fetch one record by id.",
        _object({"module": _MODULE, "record_id": _RECORD_ID, "fields": _FIELDS}, ["module", "record_id"]),
        get_record,
        True,
    ),
    Tool(
        "ZohoCRM_searchRecords",
        "Search a module by criteria '(Field:operator:value)' joined with and/or, or by email/phone/word.",
        _object(
            {
                "module": _MODULE,
                "criteria": {
                    "type": "string",
                    "description": "e.g. ((Industry:equals:Retail)and(Rating:equals:Hot))",
                },
                "email": {"type": "string"},
                "phone": {"type": "string"},
                "word": {"type": "string"},
                "fields": _FIELDS,
                "page": _PAGE,
                "per_page": _PER_PAGE,
            },
            ["module"],
        ),
        search_records,
        True,
    ),
    Tool(
        "ZohoCRM_getRelatedRecords",
        "List the records of a related list (Contacts, Deals, Notes, Tasks) of a record.",
        _object(
            {
                "module": _MODULE,
                "record_id": _RECORD_ID,
                "related_list": {"type": "string", "enum": ["Contacts", "Deals", "Notes", "Tasks"]},
                "fields": _FIELDS,
                "page": _PAGE,
                "per_page": _PER_PAGE,
            },
            ["module", "record_id", "related_list"],
        ),
        get_related_records,
        True,
    ),
    Tool(
        "ZohoCRM_executeCOQLQuery",
        "Run a COQL SELECT query (e.g. select Account_Name from Accounts where id is not null limit 10).",
        _object({"select_query": {"type": "string", "minLength": 1}}, ["select_query"]),
        execute_coql,
        True,
    ),
    Tool(
        "ZohoCRM_createRecords",
        "Create up to 100 records in a module.",
        _object(
            {
                "module": _MODULE,
                "data": {
                    "type": "array",
                    "items": _WRITE_RECORD,
                    "minItems": 1,
                    "maxItems": MAX_WRITE_RECORDS,
                },
            },
            ["module", "data"],
        ),
        create_records,
        False,
    ),
    Tool(
        "ZohoCRM_updateRecords",
        "Update up to 100 records of a module; each item needs its id.",
        _object(
            {
                "module": _MODULE,
                "data": {
                    "type": "array",
                    "minItems": 1,
                    "maxItems": MAX_WRITE_RECORDS,
                    "items": {
                        **_WRITE_RECORD,
                        "required": ["id"],
                        "properties": {"id": {"type": ["string", "integer"]}},
                    },
                },
            },
            ["module", "data"],
        ),
        update_records,
        False,
    ),
    Tool(
        "ZohoCRM_addNotes",
        "Add notes to a record (Accounts, Contacts, Deals or Tasks).",
        _object(
            {
                "module": {"type": "string", "enum": ["Accounts", "Contacts", "Deals", "Tasks"]},
                "record_id": _RECORD_ID,
                "notes": {
                    "type": "array",
                    "minItems": 1,
                    "maxItems": MAX_WRITE_RECORDS,
                    "items": _object(
                        {
                            "Note_Title": {"type": "string"},
                            "Note_Content": {"type": "string", "minLength": 1},
                        },
                        ["Note_Content"],
                    ),
                },
            },
            ["module", "record_id", "notes"],
        ),
        add_notes,
        False,
    ),
)
TOOLS_BY_NAME: dict[str, Tool] = {tool.name: tool for tool in TOOLS}
