"""Watch channels: the subscription model, its validation rules, and its SQLite persistence.

A channel is what `POST /crm/v8/actions/watch` registers: events (`<Module>.<create|edit|delete|all>`),
a notify_url, an optional token (at most 50 characters), and an expiry.

Zoho's v8 notification docs (Enable Notifications):
- `channel_expiry` "If it is not specified or set for more than a week, the default expiry time is for
  one hour": an expiry past a week is *not* refused, the channel silently gets one hour (by Zoho's clock);
- "Supported modules": Leads, Accounts, Contacts, Deals, Campaigns, Tasks, Cases, Meetings, Calls,
  Solutions, Products, Vendors, Price Books, Quotes, Sales Orders, Purchase Orders, Invoices,
  Appointments, Services and custom modules. Notes is not among them: an event on Notes is refused
  (`UNSUPPORTED_MODULES`; Zoho documents no error code for it, so the item fails with NOT_SUPPORTED).
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from sandbox._ext_support import canonical_module
from sandbox.clock import iso, parse_iso

MAX_TOKEN_LENGTH = 50
MAX_EXPIRY = timedelta(days=7)
DEFAULT_EXPIRY = timedelta(hours=1)
UNSUPPORTED_MODULES = frozenset({"Notes"})  # modules of the sandbox that Zoho's watch does not support
_EVENT = re.compile(r"^([A-Za-z0-9_]+)\.(create|edit|delete|all)$")
OPERATION_ACTIONS = {"insert": "create", "update": "edit", "delete": "delete"}

Mode = Literal["enable", "replace", "merge"]


@dataclass(frozen=True)
class Channel:
    channel_id: str
    events: tuple[str, ...]
    notify_url: str
    channel_expiry: datetime
    token: str | None = None
    return_affected_field_values: bool = False
    notify_on_related_action: bool = False
    notification_condition: list[dict[str, Any]] | None = None
    api_base: str = ""

    def modules(self) -> list[str]:
        return list(dict.fromkeys(event.split(".", 1)[0] for event in self.events))

    def wants(self, module: str, operation: str) -> bool:
        action = OPERATION_ACTIONS.get(operation)
        return f"{module}.all" in self.events or (action is not None and f"{module}.{action}" in self.events)

    def selected_fields(self, module: str) -> set[str] | None:
        """Fields a `field_selection` condition limits update callbacks to (None = no condition)."""
        selected: set[str] = set()
        for condition in self.notification_condition or []:
            if condition.get("type") != "field_selection":
                continue
            if (condition.get("module") or {}).get("api_name") not in (None, module):
                continue
            selected.update(_selection_fields(condition.get("field_selection") or {}))
        return selected or None

    def expired(self, now: datetime) -> bool:
        return self.channel_expiry <= now


def _selection_fields(selection: dict[str, Any]) -> list[str]:
    if "group" in selection:
        return [name for item in selection["group"] if isinstance(item, dict) for name in _selection_fields(item)]
    api_name = (selection.get("field") or {}).get("api_name")
    return [api_name] if isinstance(api_name, str) else []


class WatchItemError(ValueError):
    """One watch item is invalid; carries Zoho's code and details."""

    def __init__(self, code: str, message: str, details: dict[str, Any]) -> None:
        super().__init__(message)
        self.code = code
        self.details = details


def build_channel(
    item: Any, index: int, *, mode: Mode, now: datetime, existing: Channel | None, store: Any, api_base: str
) -> Channel:
    """Validate one item of a `watch` array into a Channel (merged with `existing` for PATCH)."""
    path = f"$.watch[{index}]"
    if not isinstance(item, dict):
        raise WatchItemError("INVALID_DATA", "invalid data", {"json_path": path})
    channel_id = _channel_id(item, path, mode, existing)
    base = existing if mode == "merge" and existing is not None else None
    events = _merged_events(item, path, store, base)
    notify_url = _notify_url(item, path, base)
    token = _token(item, path, base)
    expiry = _expiry(item, path, now, base)
    condition = item.get("notification_condition", base.notification_condition if base else None)
    if condition is not None and not isinstance(condition, list):
        raise WatchItemError(
            "INVALID_DATA",
            "notification_condition must be a list",
            {"api_name": "notification_condition", "json_path": f"{path}.notification_condition"},
        )
    return Channel(
        channel_id=channel_id,
        events=events,
        notify_url=notify_url,
        channel_expiry=expiry,
        token=token,
        return_affected_field_values=bool(
            item.get("return_affected_field_values", base.return_affected_field_values if base else False)
        ),
        notify_on_related_action=bool(
            item.get("notify_on_related_action", base.notify_on_related_action if base else False)
        ),
        notification_condition=condition,
        api_base=api_base or (existing.api_base if existing else ""),
    )


def _channel_id(item: dict[str, Any], path: str, mode: Mode, existing: Channel | None) -> str:
    """The item's ``channel_id``: required, and already subscribed unless enabling."""
    channel_id = item.get("channel_id")
    if channel_id is None or str(channel_id).strip() == "":
        raise WatchItemError(
            "MANDATORY_NOT_FOUND",
            "required field not found",
            {"api_name": "channel_id", "json_path": f"{path}.channel_id"},
        )
    if mode != "enable" and existing is None:
        raise WatchItemError(
            "INVALID_DATA",
            "the given channel_id is not subscribed",
            {"api_name": "channel_id", "json_path": f"{path}.channel_id"},
        )
    return str(channel_id).strip()


def _merged_events(item: dict[str, Any], path: str, store: Any, base: Channel | None) -> tuple[str, ...]:
    """The item's events; merged into ``base``'s for PATCH (or removed from them with ``_delete_events``)."""
    events = _events(item, path, store, required=base is None)
    if base is not None:
        if events is None:
            events = base.events
        elif item.get("_delete_events") is True:
            events = tuple(event for event in base.events if event not in events)
        else:
            events = tuple(dict.fromkeys((*base.events, *events)))
    assert events is not None
    return events


def _notify_url(item: dict[str, Any], path: str, base: Channel | None) -> str:
    """The item's ``notify_url`` (``base``'s when a PATCH leaves it out): required, http(s) with a host."""
    notify_url = item.get("notify_url", base.notify_url if base else None)
    if not notify_url:
        raise WatchItemError(
            "MANDATORY_NOT_FOUND",
            "required field not found",
            {"api_name": "notify_url", "json_path": f"{path}.notify_url"},
        )
    parts = urlsplit(str(notify_url))
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise WatchItemError(
            "INVALID_DATA",
            "invalid notify_url",
            {"api_name": "notify_url", "json_path": f"{path}.notify_url"},
        )
    return str(notify_url)


def _token(item: dict[str, Any], path: str, base: Channel | None) -> str | None:
    """The item's ``token`` (``base``'s when a PATCH leaves it out): a string of at most 50 characters."""
    token = item.get("token", base.token if base else None)
    if token is not None and (not isinstance(token, str) or len(token) > MAX_TOKEN_LENGTH):
        raise WatchItemError(
            "INVALID_DATA",
            f"token must be a string of at most {MAX_TOKEN_LENGTH} characters",
            {"api_name": "token", "json_path": f"{path}.token", "maximum_length": MAX_TOKEN_LENGTH},
        )
    return token


def _events(item: dict[str, Any], path: str, store: Any, *, required: bool) -> tuple[str, ...] | None:
    raw = item.get("events")
    if raw is None and not required:
        return None
    if not isinstance(raw, list) or not raw:
        raise WatchItemError(
            "MANDATORY_NOT_FOUND",
            "required field not found",
            {"api_name": "events", "json_path": f"{path}.events"},
        )
    events: list[str] = []
    for position, event in enumerate(raw):
        match = _EVENT.match(event) if isinstance(event, str) else None
        module = canonical_module(store, match.group(1)) if match else None
        if match is None or module is None:
            raise WatchItemError(
                "INVALID_DATA",
                "invalid event",
                {"api_name": "events", "json_path": f"{path}.events[{position}]"},
            )
        if module in UNSUPPORTED_MODULES:
            raise WatchItemError(
                "NOT_SUPPORTED",
                f"notifications are not supported for the module {module}",
                {"api_name": "events", "json_path": f"{path}.events[{position}]", "module": module},
            )
        events.append(f"{module}.{match.group(2)}")
    return tuple(dict.fromkeys(events))


def _expiry(item: dict[str, Any], path: str, now: datetime, base: Channel | None) -> datetime:
    raw = item.get("channel_expiry")
    if raw is None:
        return base.channel_expiry if base else now + DEFAULT_EXPIRY
    details = {"api_name": "channel_expiry", "json_path": f"{path}.channel_expiry"}
    try:
        expiry = parse_iso(str(raw))
    except ValueError as error:
        raise WatchItemError("INVALID_DATA", "invalid channel_expiry", details) from error
    if expiry <= now:
        raise WatchItemError("INVALID_DATA", "channel_expiry must be in the future", details)
    if expiry > now + MAX_EXPIRY:  # not refused: Zoho quietly falls back to its one-hour default
        return now + DEFAULT_EXPIRY
    return expiry


class ChannelStore:
    """Channels persisted in a small SQLite table of the sandbox data directory."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False)
        self._db.execute("CREATE TABLE IF NOT EXISTS watch_channels (channel_id TEXT PRIMARY KEY, body TEXT NOT NULL)")
        self._db.commit()

    def save(self, channel: Channel) -> None:
        body = json.dumps(
            {
                "events": list(channel.events),
                "notify_url": channel.notify_url,
                "channel_expiry": iso(channel.channel_expiry),
                "token": channel.token,
                "return_affected_field_values": channel.return_affected_field_values,
                "notify_on_related_action": channel.notify_on_related_action,
                "notification_condition": channel.notification_condition,
                "api_base": channel.api_base,
            }
        )
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO watch_channels (channel_id, body) VALUES (?, ?)",
                (channel.channel_id, body),
            )
            self._db.commit()

    def get(self, channel_id: str) -> Channel | None:
        with self._lock:
            row = self._db.execute(
                "SELECT channel_id, body FROM watch_channels WHERE channel_id = ?", (channel_id,)
            ).fetchone()
        return _channel(row) if row else None

    def all(self) -> list[Channel]:
        with self._lock:
            rows = self._db.execute("SELECT channel_id, body FROM watch_channels ORDER BY channel_id").fetchall()
        return [_channel(row) for row in rows]

    def delete(self, channel_id: str) -> bool:
        with self._lock:
            cursor = self._db.execute("DELETE FROM watch_channels WHERE channel_id = ?", (channel_id,))
            self._db.commit()
        return cursor.rowcount > 0

    def close(self) -> None:
        with self._lock:
            self._db.close()


def _channel(row: tuple[str, str]) -> Channel:
    body = json.loads(row[1])
    return Channel(
        channel_id=row[0],
        events=tuple(body["events"]),
        notify_url=body["notify_url"],
        channel_expiry=parse_iso(body["channel_expiry"]),
        token=body.get("token"),
        return_affected_field_values=bool(body.get("return_affected_field_values")),
        notify_on_related_action=bool(body.get("notify_on_related_action")),
        notification_condition=body.get("notification_condition"),
        api_base=body.get("api_base", ""),
    )
