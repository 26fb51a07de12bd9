"""The tools of the Zoho-MCP-like endpoint: the hosted Zoho MCP server's names and wrapped argument
shapes (``path_variables``, ``query_params``, ``body``; schemas in ``_mcp_schemas``), Zoho-shaped JSON
results.

Each tool is a plain function `(ToolContext, arguments) -> payload`. A `ToolError` becomes an
`isError: true` tool result holding Zoho's error envelope, so a model can read and act on it.
Reads and writes go through the same `SandboxStore` as the REST API, and each tool needs the OAuth
scope of the REST endpoint it wraps (``OAUTH_SCOPE_MISMATCH`` otherwise).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jsonschema

from sandbox import _mcp_schemas as shapes
from sandbox import schema
from sandbox.scopes import SCOPE_MISMATCH_MESSAGE, missing
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
    scopes: tuple[str, ...] | None = None  # the token's scopes; None: not checked


Endpoint = Callable[[dict[str, Any]], tuple[str, str]]  # arguments -> the REST (method, path) it wraps


@dataclass(frozen=True)
class Tool:
    name: str
    description: str
    input_schema: dict[str, Any]
    handler: Callable[[ToolContext, dict[str, Any]], dict[str, Any]]
    read_only: bool
    endpoint: Endpoint

    def credits(self, arguments: dict[str, Any]) -> int:
        data = (arguments.get("body") or {}).get("data")
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
        if context.scopes is not None and missing(context.scopes, *self.endpoint(arguments)):
            raise ToolError("OAUTH_SCOPE_MISMATCH", SCOPE_MISMATCH_MESSAGE)
        return self.handler(context, arguments)


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


def _path(arguments: dict[str, Any]) -> dict[str, Any]:
    return dict(arguments.get("path_variables") or {})


def _query(arguments: dict[str, Any]) -> dict[str, Any]:
    return dict(arguments.get("query_params") or {})


def _module(name: Any) -> str:
    if name not in schema.RECORD_MODULES:
        raise ToolError("INVALID_MODULE", "the module name given seems to be invalid", {"module": name})
    return str(name)


def _page(records: list[dict[str, Any]], arguments: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """``arguments``: the call's query parameters (page, per_page, fields)."""
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
    module, query = _module(_path(arguments).get("module")), _query(arguments)
    records = context.store.list_records(module)
    ids = _field_list(query.get("ids"))
    if ids is not None:
        if len(ids) > 100:
            raise ToolError("LIMIT_EXCEEDED", "at most 100 ids", {"limit": 100})
        wanted = set(ids)
        records = [record for record in records if record["id"] in wanted]
    elif not query.get("fields"):
        raise ToolError("REQUIRED_PARAM_MISSING", "One of the expected parameter is missing", {"param_name": "fields"})
    sort_by, sort_order = query.get("sort_by", "id"), query.get("sort_order", "desc")
    if sort_by not in ("id", "Created_Time", "Modified_Time"):
        raise ToolError("INVALID_DATA", "invalid data", {"param_name": "sort_by"})
    return _page(_sort(records, sort_by, sort_order), query, {"sort_by": sort_by, "sort_order": sort_order})


def get_record(context: ToolContext, arguments: dict[str, Any]) -> dict[str, Any]:
    path = _path(arguments)
    record = _require_record(context.store, _module(path.get("module")), str(path.get("recordID")))
    return {"data": [_project(record, _field_list(_query(arguments).get("fields")))]}


def search_records(context: ToolContext, arguments: dict[str, Any]) -> dict[str, Any]:
    module, query = _module(_path(arguments).get("module")), _query(arguments)
    keys = [key for key in ("criteria", "email", "phone", "word") if query.get(key)]
    if not keys:
        raise ToolError(
            "REQUIRED_PARAM_MISSING",
            "One of the expected parameter is missing",
            {"param_name": "criteria|email|phone|word"},
        )
    if context.search is None:
        raise ToolError("INTERNAL_ERROR", "search is not available in this sandbox")
    records = context.search(module, {key: query[key] for key in keys})
    return _page(records, query, {"sort_by": "id", "sort_order": "desc"})


def get_related_records(context: ToolContext, arguments: dict[str, Any]) -> dict[str, Any]:
    path = _path(arguments)
    module, record_id = _module(path.get("parentRecordModule")), str(path.get("parentRecord"))
    related = path.get("relatedList")
    parent = _require_record(context.store, module, record_id)
    relation = next((rel for rel in schema.RELATED_LISTS.get(module, ()) if rel.api_name == related), None)
    if relation is None:
        raise ToolError(
            "INVALID_DATA",
            "the related list given seems to be invalid",
            {"api_name": "relatedList", "related_list": related},
        )
    children = context.store.list_records(relation.module)
    if relation.closed is not None:
        children = [c for c in children if (c.get("Status") in schema.CLOSED_TASK_STATUSES) == relation.closed]
    if relation.link_fields:
        matched = [
            child
            for child in children
            if any((child.get(name) or {}).get("id") == record_id for name in relation.link_fields)
        ]
    else:  # e.g. Deals → Contacts: the parent points at the child
        pointed = {str((value or {}).get("id")) for value in parent.values() if isinstance(value, dict)}
        matched = [child for child in children if child["id"] in pointed]
    return _page(_sort(matched, "id", "desc"), _query(arguments), {})


def execute_coql(context: ToolContext, arguments: dict[str, Any]) -> dict[str, Any]:
    if context.coql is None:
        raise ToolError("INTERNAL_ERROR", "COQL is not available in this sandbox")
    return context.coql(str(arguments["body"]["select_query"]))


def get_record_count(context: ToolContext, arguments: dict[str, Any]) -> dict[str, Any]:
    module, query = _module(_path(arguments).get("module")), _query(arguments)
    keys = [key for key in ("criteria", "email", "phone", "word") if query.get(key)]
    if keys and context.search is not None:
        return {"count": len(context.search(module, {key: query[key] for key in keys}))}
    return {"count": len(context.store.list_records(module))}


def get_fields(context: ToolContext, arguments: dict[str, Any]) -> dict[str, Any]:
    module = _module(_query(arguments).get("module"))
    return {"fields": schema.fields_payload(module)}


def get_modules(context: ToolContext, arguments: dict[str, Any]) -> dict[str, Any]:
    return {"modules": schema.modules_payload()}


def get_users(context: ToolContext, arguments: dict[str, Any]) -> dict[str, Any]:
    kind = _query(arguments).get("type", "AllUsers")
    users = [context.user] if kind == "CurrentUser" else list(context.store.users)
    return {"users": users, "info": {"count": len(users), "page": 1, "per_page": 200, "more_records": False}}


def get_organization(context: ToolContext, arguments: dict[str, Any]) -> dict[str, Any]:
    return {"org": [{k: v for k, v in context.store.org.items() if not k.startswith("$")}]}


# ---------------------------------------------------------------------------- write tools
def _record_error(error: RecordError, index: int, prefix: str = "$.data") -> dict[str, Any]:
    return error.envelope(f"{prefix}[{index}]")


def create_records(context: ToolContext, arguments: dict[str, Any]) -> dict[str, Any]:
    module = _module(_path(arguments).get("module"))
    results = []
    for index, data in enumerate(arguments["body"]["data"]):
        try:
            stored = context.store.create(module, data, context.user)
            results.append(_success(stored, "record added"))
        except RecordError as error:
            results.append(_record_error(error, index))
    return _write_result(results)


def update_records(context: ToolContext, arguments: dict[str, Any]) -> dict[str, Any]:
    module = _module(_path(arguments).get("module"))
    results = []
    for index, data in enumerate(arguments["body"]["data"]):
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
            stored = context.store.update(module, record_id, data, context.user)
            results.append(_success(stored, "record updated"))
        except RecordError as error:
            results.append(_record_error(error, index))
    return _write_result(results)


def create_notes(context: ToolContext, arguments: dict[str, Any]) -> dict[str, Any]:
    results = []
    for index, note in enumerate(arguments["body"]["data"]):
        parent = note.get("Parent_Id") if isinstance(note, dict) else None
        module = ((parent or {}).get("module") or {}).get("api_name") if isinstance(parent, dict) else None
        try:
            if module not in ("Accounts", "Contacts", "Deals", "Tasks") or not context.store.exists(
                module,
                str(parent.get("id")),  # type: ignore[union-attr]
            ):
                raise RecordError("INVALID_DATA", "the related id given seems to be invalid", {"api_name": "Parent_Id"})
            results.append(_success(context.store.create("Notes", note, context.user), "record added"))
        except RecordError as error:
            results.append(_record_error(error, index))
    return _write_result(results)


# ---------------------------------------------------------------------------- the catalogue
def _at(method: str, template: str) -> Endpoint:
    """The REST endpoint a tool wraps, for its scope check."""

    def endpoint(arguments: dict[str, Any]) -> tuple[str, str]:
        values = _Missing({k: str(v) for k, v in {**_path(arguments), **_query(arguments)}.items()})
        return method, template.format_map(values)

    return endpoint


class _Missing(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "x"


def _read(name: str, text: str, schema_: dict[str, Any], handler: Any, endpoint: Endpoint) -> Tool:
    return Tool(name, text, schema_, handler, True, endpoint)


_RECORDS = "/crm/v8/{module}"
TOOLS: tuple[Tool, ...] = (
    _read(
        "ZohoCRM_getRecords",
        "Get Records: list the records of a module (Get Records API, GET /crm/v8/{module}).",
        shapes.wrapped(
            required=["path_variables"],
            path_variables=shapes.module_path(),
            query_params=shapes.list_query_params(),
            headers=shapes.HEADERS,
        ),
        get_records,
        _at("GET", _RECORDS),
    ),
    _read(
        "ZohoCRM_getRecord",
        "Get Record: one record of a module by its id (GET /crm/v8/{module}/{recordID}).",
        shapes.wrapped(
            required=["path_variables"],
            path_variables=shapes.module_path(with_record=True),
            query_params=shapes.list_query_params(),
            headers=shapes.HEADERS,
        ),
        get_record,
        _at("GET", _RECORDS + "/1"),
    ),
    _read(
        "ZohoCRM_searchRecords",
        "Search Records: records of a module by criteria, email, phone or word (GET /crm/v8/{module}/search).",
        shapes.wrapped(
            required=["path_variables", "query_params"],
            path_variables=shapes.module_path(),
            query_params=shapes.search_query_params(),
        ),
        search_records,
        _at("GET", _RECORDS + "/search"),
    ),
    _read(
        "ZohoCRM_getRelatedRecords",
        "Get Related Records: the records of a related list of a record "
        "(GET /crm/v8/{parentRecordModule}/{parentRecord}/{relatedList}).",
        shapes.wrapped(
            required=["path_variables", "query_params"],
            path_variables=shapes.related_path_variables(),
            query_params=shapes.related_query_params(),
            headers=shapes.HEADERS,
        ),
        get_related_records,
        _at("GET", "/crm/v8/{parentRecordModule}/1/{relatedList}"),
    ),
    _read(
        "ZohoCRM_executeCOQLQuery",
        "Execute COQL Query: run a COQL SELECT statement (POST /crm/v8/coql).",
        shapes.wrapped(required=["body"], body=shapes.COQL_BODY),
        execute_coql,
        _at("POST", "/crm/v8/coql"),
    ),
    _read(
        "ZohoCRM_getRecordCount",
        "Get Record Count: how many records of a module match (GET /crm/v8/{module}/actions/count).",
        shapes.wrapped(
            required=["path_variables"], path_variables=shapes.module_path(), query_params=shapes.search_query_params()
        ),
        get_record_count,
        _at("GET", _RECORDS),
    ),
    _read(
        "ZohoCRM_getFields",
        "Get Fields: the fields metadata of a module (GET /crm/v8/settings/fields).",
        shapes.wrapped(required=["query_params"], query_params=shapes.module_path()),
        get_fields,
        _at("GET", "/crm/v8/settings/fields"),
    ),
    _read(
        "ZohoCRM_getModules",
        "Get Modules: the modules of the org (GET /crm/v8/settings/modules).",
        shapes.wrapped(required=[]),
        get_modules,
        _at("GET", "/crm/v8/settings/modules"),
    ),
    _read(
        "ZohoCRM_getUsers",
        "Get Users: the users of the org (GET /crm/v8/users).",
        shapes.wrapped(required=[], query_params=shapes.list_query_params()),
        get_users,
        _at("GET", "/crm/v8/users"),
    ),
    _read(
        "ZohoCRM_getOrganization",
        "Get Organization: the org's details (GET /crm/v8/org).",
        shapes.wrapped(required=[]),
        get_organization,
        _at("GET", "/crm/v8/org"),
    ),
    Tool(
        "ZohoCRM_createRecords",
        "Create Records: add up to 100 records to a module (POST /crm/v8/{module}).",
        shapes.wrapped(
            required=["path_variables", "body"],
            path_variables=shapes.module_path(),
            body=shapes.write_body(text="The records to create."),
        ),
        create_records,
        False,
        _at("POST", _RECORDS),
    ),
    Tool(
        "ZohoCRM_updateRecords",
        "Update Records: change up to 100 records of a module; each needs its id (PUT /crm/v8/{module}).",
        shapes.wrapped(
            required=["path_variables", "body"],
            path_variables=shapes.module_path(),
            body=shapes.write_body(text="The records to update, each with its id."),
        ),
        update_records,
        False,
        _at("PUT", _RECORDS),
    ),
    Tool(
        "ZohoCRM_createNotes",
        "Create Notes: add notes to records (POST /crm/v8/Notes); each names its parent in Parent_Id.",
        shapes.wrapped(required=["body"], body=shapes.write_body(text="The notes to create.")),
        create_notes,
        False,
        _at("POST", "/crm/v8/Notes"),
    ),
)
TOOLS_BY_NAME: dict[str, Tool] = {tool.name: tool for tool in TOOLS}
