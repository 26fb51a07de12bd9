"""Turn a record as a client sent it (SDK or raw JSON) into the stored Zoho shape, or say what is wrong.

Ids may come as JSON numbers or strings; lookups as ``{"id": n}`` or a bare id. Unknown keys and
read-only fields are ignored, as Zoho does. Errors are ``RecordError`` carrying the Zoho code and the
offending ``api_name``; the REST layer adds ``json_path``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from sandbox.clock import iso
from sandbox.schema import FIELD_INDEX, MODULE_IDS, FieldSpec


class RecordError(Exception):
    """One record cannot be written. ``code`` is Zoho's (INVALID_DATA, MANDATORY_NOT_FOUND, ...)."""

    def __init__(self, code: str, message: str, details: dict[str, Any] | None = None, status: int = 400):
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details or {}
        self.status = status

    def envelope(self, json_path_prefix: str | None = None) -> dict[str, Any]:
        details = dict(self.details)
        if json_path_prefix is not None and "api_name" in details and "json_path" not in details:
            details["json_path"] = f"{json_path_prefix}.{details['api_name']}"
        return {"code": self.code, "details": details, "message": self.message, "status": "error"}


# resolve(module, id) -> display name of the record, or None when it does not exist
Resolver = Callable[[str, str], "str | None"]
# resolve_user(id) -> {"name","id","email"} or None
UserResolver = Callable[[str], "dict[str, Any] | None"]

_TEXT_TYPES = {"text", "textarea", "email", "phone", "website", "autonumber", "bigint"}


def _invalid(spec: FieldSpec, expected: str | None = None, message: str = "invalid data") -> RecordError:
    details: dict[str, Any] = {"api_name": spec.api_name}
    if expected:
        details["expected_data_type"] = expected
    return RecordError("INVALID_DATA", message, details)


def _id_of(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("id")
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and value.strip().isdigit():
        return value.strip()
    return None


def _convert(
    spec: FieldSpec,
    value: Any,
    record: dict[str, Any],
    module: str,
    resolve: Resolver,
    resolve_user: UserResolver,
) -> Any:
    kind = spec.data_type
    if kind in _TEXT_TYPES:
        return _text(spec, value)
    if kind in _SCALARS:
        return _SCALARS[kind](spec, value)
    if kind == "picklist":
        if not isinstance(value, str) or value not in spec.picklist:
            raise _invalid(spec, "picklist", f"invalid value for {spec.api_name}: {value!r}")
        return value
    if kind == "ownerlookup":
        user_id = _id_of(value)
        user = resolve_user(user_id) if user_id else None
        if user is None:
            raise _invalid(spec, "ownerlookup", "the id given seems to be invalid")
        return user
    if kind == "lookup":
        return _lookup(spec, value, record, module, resolve)
    return value


def _text(spec: FieldSpec, value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise _invalid(spec, "text")
    text = str(value)
    if len(text) > spec.length:
        raise _invalid(spec, message=f"{spec.api_name} is longer than {spec.length} characters")
    if spec.data_type == "email" and text and ("@" not in text or " " in text):
        raise _invalid(spec, "email")
    return text


def _integer(spec: FieldSpec, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            return int(value)
        raise _invalid(spec, "integer")
    return value


def _double(spec: FieldSpec, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        try:
            return float(str(value))
        except ValueError:
            raise _invalid(spec, "double") from None
    return float(value)


def _boolean(spec: FieldSpec, value: Any) -> bool:
    if not isinstance(value, bool):
        raise _invalid(spec, "boolean")
    return value


def _date(spec: FieldSpec, value: Any) -> str:
    text = str(value)
    try:
        parsed_date = date.fromisoformat(text)
    except ValueError:
        raise _invalid(spec, "date") from None
    if len(text) != 10:
        raise _invalid(spec, "date")
    return parsed_date.isoformat()


def _datetime(spec: FieldSpec, value: Any) -> str:
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise _invalid(spec, "datetime") from None
    if parsed.tzinfo is None:
        raise _invalid(spec, "datetime")
    return iso(parsed)


_SCALARS: dict[str, Callable[[FieldSpec, Any], Any]] = {
    "integer": _integer,
    "currency": _double,
    "double": _double,
    "percent": _double,
    "boolean": _boolean,
    "date": _date,
    "datetime": _datetime,
}


def _lookup(spec: FieldSpec, value: Any, record: dict[str, Any], module: str, resolve: Resolver) -> Any:
    record_id = _id_of(value)
    if record_id is None:
        raise _invalid(spec, "lookup", "the related id given seems to be invalid")
    if spec.api_name == "Parent_Id":
        target = _parent_module(value)
        if target is None:
            raise RecordError(
                "MANDATORY_NOT_FOUND",
                "required field not found",
                {"api_name": "Parent_Id.module", "json_path_suffix": "Parent_Id.module"},
            )
        name = resolve(target, record_id)
        if name is None:
            raise _invalid(spec, "lookup", "the related id given seems to be invalid")
        return {"module": {"api_name": target, "id": MODULE_IDS[target]}, "name": name, "id": record_id}
    target = spec.lookup_module or ""
    if target == "se_module":
        target = str(record.get("$se_module") or "Accounts")
        if target not in ("Accounts", "Deals", "Contacts"):
            raise RecordError("INVALID_DATA", "invalid data", {"api_name": "$se_module"})
    name = resolve(target, record_id)
    if name is None:
        raise _invalid(spec, "lookup", "the related id given seems to be invalid")
    return {"name": name, "id": record_id}


def _parent_module(value: Any) -> str | None:
    if not isinstance(value, dict):
        return None
    module = value.get("module")
    if isinstance(module, str):
        module = {"api_name": module}
    if not isinstance(module, dict):
        return None
    api_name = module.get("api_name")
    if api_name in ("Accounts", "Contacts", "Deals", "Tasks"):
        return str(api_name)
    module_id = _id_of(module.get("id"))
    for name, known in MODULE_IDS.items():
        if known == module_id and name in ("Accounts", "Contacts", "Deals", "Tasks"):
            return name
    return None


def normalize(
    module: str, data: dict[str, Any], *, partial: bool, resolve: Resolver, resolve_user: UserResolver
) -> dict[str, Any]:
    """Validate ``data`` for ``module`` and return only the writable fields, in stored form.

    ``partial`` is an update: mandatory fields need not be present but may not be emptied.
    """
    if not isinstance(data, dict):
        raise RecordError("INVALID_DATA", "invalid data", {"expected_data_type": "jsonobject"})
    index = FIELD_INDEX[module]
    out: dict[str, Any] = {}
    if module == "Tasks" and data.get("$se_module") is not None:
        out["$se_module"] = str(data["$se_module"])
    for key, value in data.items():
        spec = index.get(key)
        if spec is None or spec.read_only:
            continue
        if value is None or value == "":
            if spec.mandatory:
                raise RecordError("MANDATORY_NOT_FOUND", "required field not found", {"api_name": key})
            out[key] = None
            continue
        out[key] = _convert(spec, value, data, module, resolve, resolve_user)
    if not partial:
        for spec in index.values():
            if spec.mandatory and out.get(spec.api_name) in (None, ""):
                raise RecordError("MANDATORY_NOT_FOUND", "required field not found", {"api_name": spec.api_name})
    if module == "Tasks" and "What_Id" in out and out["What_Id"] is not None and "$se_module" not in out:
        out["$se_module"] = "Accounts"
    return out
