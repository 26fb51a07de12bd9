"""Small helpers shared by the bulk, notifications, MCP and attachment code: numeric ids, user references,
and module names and ids as the metadata family reports them (datetimes: `sandbox.clock`)."""

from __future__ import annotations

import itertools
import threading
import time
from typing import Any

from sandbox import schema

_ID_LOCK = threading.Lock()
_ID_COUNTER = itertools.count(1)


def new_numeric_id(prefix: str = "58430000") -> str:
    """A fresh 19-digit numeric id in Zoho's style (unique within this process)."""
    with _ID_LOCK:
        serial = next(_ID_COUNTER)
    millis = int(time.time() * 1000) % 10**8
    return f"{prefix}{millis:08d}{serial % 1000:03d}"


def user_ref(user: Any) -> dict[str, Any]:
    """`{"name","id"}` (plus `email` when known) for the authenticated user, whatever its shape."""
    if user is None:
        return {"name": "Sandbox Admin", "id": "0"}
    if isinstance(user, dict):
        name = user.get("full_name") or user.get("name") or ""
        ref = {"name": name, "id": str(user.get("id", ""))}
        if user.get("email"):
            ref["email"] = user["email"]
        return ref
    name = getattr(user, "full_name", None) or getattr(user, "name", "")
    ref = {"name": name, "id": str(getattr(user, "id", ""))}
    email = getattr(user, "email", None)
    if email:
        ref["email"] = email
    return ref


def module_names(store: Any) -> list[str]:
    """API names of the record modules the sandbox serves."""
    return list(schema.RECORD_MODULES)


def canonical_module(store: Any, name: str) -> str | None:
    """The module's API name as the sandbox spells it (case-insensitive lookup), or None."""
    for known in module_names(store):
        if known.lower() == name.lower():
            return known
    return None


def module_field_names(store: Any, module: str) -> list[str]:
    """Field API names of `module` in metadata order (empty for a module without metadata)."""
    return [spec.api_name for spec in schema.MODULE_FIELDS.get(module, ())]


def module_id(store: Any, module: str) -> str:
    """The module's numeric id as `/settings/modules` reports it."""
    return schema.MODULE_IDS.get(module, "6421000000000000001")
