"""Glue shared by the extension endpoints (bulk, notifications, MCP, attachments).

Everything here adapts to the core `SandboxState`: authentication, Zoho-shaped JSON responses,
error envelopes, stats, and the sandbox data directory. Keeping that glue in one place means the
extension modules never guess at the core's internals twice.
"""

from __future__ import annotations

import itertools
import sqlite3
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from sandbox import responses, schema
from sandbox.responses import ZohoHTTPError

_ID_LOCK = threading.Lock()
_ID_COUNTER = itertools.count(1)


async def authenticate(state: Any, request: Request) -> tuple[dict[str, Any] | None, Response | None]:
    """Return `(user, None)` when the request carries a valid token, else `(None, error_response)`."""
    try:
        return state.authenticate(request), None
    except ZohoHTTPError as error:
        return None, error.response()


def zoho_json(state: Any, payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return responses.zoho_json(payload, status, headers)


def zoho_error(state: Any, code: str, message: str, status: int, details: dict[str, Any] | None = None) -> Response:
    return responses.zoho_error(code, message, status, details or {})


def record_stat(state: Any, label: str, credits: int = 1) -> None:
    state.stats.record(label, credits)


def data_dir(state: Any) -> Path:
    """The sandbox's data directory: an explicit `data_dir` if the state/config/store has one, else the
    folder of the store's SQLite file, else a private temporary folder (an in-memory store)."""
    for owner in (state, getattr(state, "config", None), getattr(state, "store", None)):
        value = getattr(owner, "data_dir", None) if owner is not None else None
        if value:
            return _ensure(Path(value))
    connection = getattr(getattr(state, "store", None), "_db", None)
    if isinstance(connection, sqlite3.Connection):
        for _, name, filename in connection.execute("PRAGMA database_list").fetchall():
            if name == "main" and filename:
                return _ensure(Path(filename).parent)
    fallback = state.extensions.get("_data_dir")
    if fallback is None:
        fallback = state.extensions["_data_dir"] = Path(tempfile.mkdtemp(prefix="sandbox-ext-"))
    return Path(fallback)


def _ensure(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def iso_now() -> str:
    """Now as Zoho writes datetimes: ISO-8601 with offset, no fractional seconds."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).isoformat()


def parse_iso(text: str) -> datetime:
    """Parse an ISO-8601 datetime (a trailing `Z` is accepted); naive values are taken as UTC."""
    moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


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


def extension(state: Any, name: str) -> Any:
    """The per-sandbox object an extension module registered under `name` (None if absent)."""
    return state.extensions.get(name)


def register_extension(state: Any, name: str, value: Any) -> Any:
    state.extensions[name] = value
    return value


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
