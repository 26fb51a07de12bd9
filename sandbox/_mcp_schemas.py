"""Input schemas shaped like those of Zoho's hosted MCP server: arguments wrapped in ``path_variables``,
``query_params``, ``headers`` and ``body`` objects (as public clients of that server send them, e.g.
``ZohoCRM_getRelatedRecords {"path_variables": {"parentRecordModule", "parentRecord", "relatedList"},
"query_params": {"fields", "page", "per_page"}}``), and as large: each parameter carries the
documentation text of the REST API it wraps, so a client pays for them in every prompt as it would there
(public clients measure Zoho's at 1,000 to 15,000 tokens a tool).

A flat argument (``{"module": ...}``) is refused by the schema (``additionalProperties: false``).
"""

from __future__ import annotations

from typing import Any

from sandbox import schema

TRIGGERS = ("workflow", "approval", "blueprint", "pathfinder", "orchestration")
MODULES_TEXT = (
    "Leads, Accounts, Contacts, Deals, Campaigns, Tasks, Cases, Events, Calls, Solutions, Products, Vendors, "
    "Price_Books, Quotes, Sales_Orders, Purchase_Orders, Invoices, Appointments__s, Services__s, Notes and "
    "custom modules"
)


def _fields_text() -> str:
    listing = "; ".join(
        f"{module}: {', '.join(spec.api_name for spec in schema.MODULE_FIELDS[module])}"
        for module in schema.RECORD_MODULES
    )
    return (
        "Comma-separated API names of the fields to return, at most 50 (mandatory when listing records). "
        "Use the Fields Metadata API (GET /settings/fields?module=) to find the API names of a module's "
        "fields, including custom fields. Lookup fields return {name, id}; owner lookups {name, id, email}; "
        "subform and multi-select lookup values are returned only by the single-record read. "
        f"Standard fields per module: {listing}."
    )


def _param(kind: str, text: str, **extra: Any) -> dict[str, Any]:
    return {"type": kind, "description": text, **extra}


def _object(properties: dict[str, Any], required: list[str], text: str) -> dict[str, Any]:
    return {
        "type": "object",
        "description": text,
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }


MODULE = _param(
    "string",
    f"API name of the module, as in Settings > Developer Space > APIs > API names. Possible values: {MODULES_TEXT}. "
    "The name is case-sensitive; an unknown name answers INVALID_MODULE.",
)
RECORD_ID = _param(
    "string",
    "Unique id of the record (a string of 16 to 19 digits), as returned in the id key of a record. "
    "An id that belongs to no record of the module answers with no content.",
    pattern="^[0-9]{1,19}$",
)
PAGE = _param(
    "integer",
    "Page of the result to return (default 1). page x per_page may not pass 2,000: beyond that, use "
    "page_token from info.next_page_token of the previous page.",
    minimum=1,
)
PER_PAGE = _param("integer", "Records per page (default and maximum 200).", minimum=1, maximum=200)
PAGE_TOKEN = _param(
    "string",
    "Token for records past the 2,000th (info.next_page_token of the previous response). A token is "
    "bound to the user and to the other parameters of the call, valid for 24 hours, and reaches at most "
    "100,000 records. Not allowed together with page.",
)
SORT_BY = _param("string", "Field to sort by: id, Created_Time or Modified_Time (default id).")
SORT_ORDER = _param("string", "asc or desc (default desc).", enum=["asc", "desc"])
IF_MODIFIED_SINCE = _param(
    "string",
    "ISO 8601 date-time with offset (2024-07-25T15:26:49+05:30): only records modified after it are "
    "returned; 304 when none is.",
)
HEADERS = _object(
    {
        "If-Modified-Since": IF_MODIFIED_SINCE,
        "X-EXTERNAL": _param("string", "Module.Field API name of an external id field, to address records by it."),
    },
    [],
    "Optional HTTP headers of the call.",
)
CRITERIA = _param(
    "string",
    "Search criteria ((Field:operator:value)and/or(Field:operator:value)), at most 10 criteria. Operators: "
    "equals, not_equal, starts_with, in (up to 100 values), greater_than, greater_equal, less_than, "
    "less_equal, between (two values separated by a comma). Escape commas and brackets in a value with a "
    "backslash. Date-time values in ISO 8601 with offset. equals on a text field matches records that "
    "contain the value. Example: ((Industry:equals:Retail)and(Rating:equals:Hot)).",
)


def list_query_params() -> dict[str, Any]:
    """The query parameters of GET /{module} (Get Records)."""
    return _object(
        {
            "fields": _param("string", _fields_text()),
            "ids": _param("string", "Comma-separated record ids to fetch (at most 100); fields become optional."),
            "page": PAGE,
            "per_page": PER_PAGE,
            "page_token": PAGE_TOKEN,
            "sort_by": SORT_BY,
            "sort_order": SORT_ORDER,
            "cvid": _param("string", "Id of a custom view whose records to return. Not allowed with sort_by."),
            "territory_id": _param("string", "Id of a territory whose records to return."),
            "include_child": _param("boolean", "With territory_id: also the child territories' records."),
            "converted": _param("string", "Leads only: true, false or both."),
            "approved": _param("string", "true, false or both: records by approval state."),
            "startDateTime": _param("string", "Events only: start of the period (ISO 8601)."),
            "endDateTime": _param("string", "Events only: end of the period (ISO 8601)."),
            "uid": _param("string", "Events only: id of the user whose events to return."),
        },
        [],
        "Query parameters of the call.",
    )


def search_query_params() -> dict[str, Any]:
    return _object(
        {
            "criteria": CRITERIA,
            "email": _param("string", "Search every email field of the module for this address."),
            "phone": _param("string", "Search every phone field of the module for this number."),
            "word": _param("string", "Full-text search of the module's records for this word."),
            "fields": _param("string", _fields_text()),
            "page": PAGE,
            "per_page": PER_PAGE,
            "converted": _param("string", "Leads only: true, false or both."),
            "approved": _param("string", "true, false or both."),
            "cvid": _param("string", "Id of a custom view to search in."),
            "type": _param("string", "Users only: the type of users to search."),
        },
        [],
        "Query parameters: exactly one of criteria, email, phone or word applies (criteria > email > phone > "
        "word). Search reaches the first 2,000 results (LIMIT_REACHED beyond), and a record written a moment "
        "ago may not be found yet (search is index-backed).",
    )


def related_query_params() -> dict[str, Any]:
    return _object(
        {
            "fields": _param("string", _fields_text()),
            "page": PAGE,
            "per_page": PER_PAGE,
            "page_token": PAGE_TOKEN,
            "ids": _param("string", "Comma-separated ids of related records to return."),
            "sort_by": SORT_BY,
            "sort_order": SORT_ORDER,
        },
        ["fields"],
        "Query parameters of the call.",
    )


def related_path_variables() -> dict[str, Any]:
    names = "; ".join(
        f"{module}: {', '.join(rel.api_name for rel in lists)}" for module, lists in schema.RELATED_LISTS.items()
    )
    return _object(
        {
            "parentRecordModule": MODULE,
            "parentRecord": RECORD_ID,
            "relatedList": _param(
                "string",
                "API name of the related list, the last part of the href that the Related Lists Metadata API "
                "(GET /settings/related_lists?module=) returns for the parent module. Activities are the "
                "Activities (open) and Activities_History (closed) lists, not a Tasks list. "
                f"Related lists per module: {names}.",
            ),
        },
        ["parentRecordModule", "parentRecord", "relatedList"],
        "Path variables of /{parentRecordModule}/{parentRecord}/{relatedList}.",
    )


def module_path(*, with_record: bool = False) -> dict[str, Any]:
    properties: dict[str, Any] = {"module": MODULE}
    required = ["module"]
    if with_record:
        properties["recordID"] = RECORD_ID
        required.append("recordID")
    return _object(properties, required, "Path variables of the call.")


def wrapped(*, required: list[str], **parts: dict[str, Any]) -> dict[str, Any]:
    """The tool's input schema: the given wrappers (path_variables, query_params, headers, body)."""
    return {"type": "object", "properties": parts, "required": required, "additionalProperties": False}


def write_body(*, text: str) -> dict[str, Any]:
    record = {
        "type": "object",
        "description": 'Field API name -> value. Lookups as {"id": "..."}; a task names its parent with What_Id '
        'and $se_module; a note its parent with Parent_Id {"module": {"api_name"}, "id"}.',
    }
    return _object(
        {
            "data": {"type": "array", "items": record, "minItems": 1, "maxItems": 100, "description": text},
            "trigger": {
                "type": "array",
                "items": {
                    "type": "string",
                    "enum": ["workflow", "approval", "blueprint", "pathfinder", "orchestration"],
                },
                "description": "Automation to run for the records; [] runs none.",
            },
        },
        ["data"],
        "Request body.",
    )


COQL_BODY = _object(
    {
        "select_query": _param(
            "string",
            "A COQL SELECT statement: select f1, Lookup.f2 from Module where <conditions> [group by ...] "
            "[order by f [asc|desc]] [limit [offset,] n]. Strings in single quotes, a quote inside doubled "
            "(''); more than two conditions need brackets ((a and b) and c); lookups return {id} only; "
            "LIMIT at most 2,000 and OFFSET + LIMIT at most 100,000; without ORDER BY rows come by id. "
            "Operators: = != > >= < <= like, not like, in, not in, between, not between, is null, is not "
            "null. Aggregates: COUNT, SUM, MIN, MAX, AVG. COQL on Notes is for administrators.",
            minLength=1,
        )
    },
    ["select_query"],
    "Request body.",
)
