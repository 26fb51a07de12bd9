"""Zoho's notifications "watch" API (ZOHO_API_NOTES §4.11): enable, list, renew and disable channels.

One channel per watched module, events ``<Module>.all``, ``return_affected_field_values: true``,
the verification token, and an expiry of at most 7 days. Errors leave as ``ZohoError``s.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from integrations.zoho.errors import ZohoError, ZohoUnavailableError, map_status
from listener.models import WATCHED_MODULES, Channel
from listener.rest import ZohoRestCall

WATCH_PATH = "/crm/v8/actions/watch"
MAX_CHANNEL_LIFETIME = timedelta(days=7)


def new_channel_id() -> str:
    """Zoho wants a numeric channel id chosen by the subscriber."""
    return str(10**15 + secrets.randbelow(9 * 10**15))


def _zoho_time(value: datetime) -> str:
    return value.astimezone(UTC).replace(microsecond=0).isoformat()


def _parse_time(value: Any) -> datetime | None:
    if not value:
        return None
    parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


class WatchClient:
    """Subscribes ``notify_url`` to changes of the watched modules."""

    def __init__(self, rest: ZohoRestCall, *, notify_url: str, token: str) -> None:
        self._rest = rest
        self.notify_url = notify_url
        self._token = token

    def _entry(self, channel_id: str, module: str, expiry: datetime) -> dict[str, Any]:
        return {
            "channel_id": channel_id,
            "events": [f"{module}.all"],
            "notify_url": self.notify_url,
            "token": self._token,
            "channel_expiry": _zoho_time(expiry),
            "return_affected_field_values": True,
            "notify_on_related_action": False,
        }

    async def _send(self, method: str, path: str, body: dict[str, Any] | None) -> Any:
        status, reply = await self._rest(method, path, body)
        if status >= 400:
            raise map_status(status, reply if isinstance(reply, dict) else None, tier="listener")
        if isinstance(reply, dict):
            for item in reply.get("watch") or []:
                if isinstance(item, dict) and item.get("status") == "error":
                    raise map_status(400, item, tier="listener")
        return reply

    async def enable(
        self, module: str, *, now: datetime, lifetime: timedelta, channel_id: str | None = None
    ) -> Channel:
        """Subscribe to every change of ``module`` until ``now + lifetime`` (at most 7 days)."""
        lifetime = min(lifetime, MAX_CHANNEL_LIFETIME)
        channel_id = channel_id or new_channel_id()
        expiry = now + lifetime
        reply = await self._send("POST", WATCH_PATH, {"watch": [self._entry(channel_id, module, expiry)]})
        return Channel(
            channel_id=channel_id,
            module=module,
            lifetime_seconds=lifetime.total_seconds(),
            expiry=self._granted_expiry(reply, expiry),
        )

    async def enable_all(
        self, *, now: datetime, lifetime: timedelta, modules: Iterable[str] = WATCHED_MODULES
    ) -> list[Channel]:
        return [await self.enable(module, now=now, lifetime=lifetime) for module in modules]

    async def renew(self, channel: Channel, *, now: datetime) -> Channel:
        """Push the expiry of an existing channel forward by its lifetime (PUT replaces the subscription)."""
        lifetime = min(timedelta(seconds=channel.lifetime_seconds), MAX_CHANNEL_LIFETIME)
        expiry = now + lifetime
        reply = await self._send(
            "PUT", WATCH_PATH, {"watch": [self._entry(channel.channel_id, channel.module, expiry)]}
        )
        return channel.model_copy(update={"expiry": self._granted_expiry(reply, expiry)})

    async def list_channels(self) -> dict[str, datetime | None]:
        """Channels Zoho currently holds: channel id → expiry (None when Zoho does not say)."""
        found: dict[str, datetime | None] = {}
        page = 1
        while True:
            reply = await self._send("GET", f"{WATCH_PATH}?page={page}&per_page=200", None)
            if not isinstance(reply, dict):
                return found  # 204: no channels
            for entry in reply.get("watch") or []:
                if isinstance(entry, dict) and entry.get("channel_id") is not None:
                    found[str(entry["channel_id"])] = _parse_time(entry.get("channel_expiry"))
            if not (reply.get("info") or {}).get("more_records"):
                return found
            page += 1

    async def subscriptions(self) -> list[dict[str, Any]]:
        """The raw subscriptions, for display."""
        reply = await self._send("GET", f"{WATCH_PATH}?per_page=200", None)
        return [e for e in (reply or {}).get("watch") or [] if isinstance(e, dict)]

    async def disable(self, channel_ids: Iterable[str]) -> None:
        ids = ",".join(channel_ids)
        if ids:
            await self._send("DELETE", f"{WATCH_PATH}?channel_ids={ids}", None)

    @staticmethod
    def _granted_expiry(reply: Any, asked: datetime) -> datetime:
        """The expiry Zoho granted (it may shorten it), else the one asked for."""
        try:
            for item in reply.get("watch") or []:
                for event in (item.get("details") or {}).get("events") or []:
                    granted = _parse_time(event.get("channel_expiry"))
                    if granted:
                        return granted
        except AttributeError:
            raise ZohoUnavailableError("malformed watch reply from Zoho", tier="listener") from None
        return asked


__all__ = ["MAX_CHANNEL_LIFETIME", "WATCH_PATH", "WatchClient", "ZohoError", "new_channel_id"]
