"""Zoho's notifications "watch" API (ZOHO_API_NOTES §4.11): enable, list, renew and disable channels.

One channel per watched module, events ``<Module>.all``, ``return_affected_field_values: true``,
the verification token, and an expiry. Errors leave as ``ZohoError``s.

Zoho (v8 Enable Notifications): "If it is not specified or set for more than a week, the default expiry
time is for one hour" - an expiry past the week *by Zoho's clock* is not refused, it quietly becomes one
hour. So a channel is asked for ``SAFE_CHANNEL_LIFETIME`` (6 days: a day of margin for a clock ahead of
Zoho's), and a grant much shorter than asked is noticed: when it looks like Zoho's one-hour default, the
client learns how far its clock runs ahead of Zoho's (``clock_skew``), asks once more by Zoho's clock,
and keeps whatever is then granted, so that renewals follow the real expiry instead of a wrong one.
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
MAX_CHANNEL_LIFETIME = timedelta(days=7)  # Zoho's maximum, by Zoho's clock
SAFE_CHANNEL_LIFETIME = timedelta(days=6)  # what we ask for: a day under the maximum
ZOHO_DEFAULT_EXPIRY = timedelta(hours=1)  # what Zoho grants instead of an expiry past the week
SHORTENED = timedelta(minutes=5)  # a grant this much shorter than asked was shortened by Zoho


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
        self.clock_skew = timedelta(0)  # Zoho's clock minus ours, learned from a defaulted grant
        self.shortened: dict[str, str] = {}  # module -> what Zoho did to the last expiry asked for

    def zoho_now(self, now: datetime) -> datetime:
        """Our ``now`` on Zoho's clock (as far as we learned it)."""
        return now + self.clock_skew

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
        if isinstance(reply, dict):  # per-item errors of the watch array (HTTP 400 when all failed, else 207)
            for item in reply.get("watch") or []:
                if isinstance(item, dict) and item.get("status") == "error":
                    raise map_status(status if status >= 400 else 400, item, tier="listener")
        if status >= 400:
            raise map_status(status, reply if isinstance(reply, dict) else None, tier="listener")
        return reply

    async def enable(
        self, module: str, *, now: datetime, lifetime: timedelta, channel_id: str | None = None
    ) -> Channel:
        """Subscribe to every change of ``module`` for ``lifetime`` (at most 7 days) by Zoho's clock."""
        channel_id = channel_id or new_channel_id()
        return await self._subscribe("POST", channel_id, module, now=now, lifetime=lifetime)

    async def _subscribe(
        self, method: str, channel_id: str, module: str, *, now: datetime, lifetime: timedelta
    ) -> Channel:
        lifetime = min(lifetime, MAX_CHANNEL_LIFETIME)
        asked = self.zoho_now(now) + lifetime
        granted = await self._ask(method, channel_id, module, asked)
        if asked - granted > SHORTENED and self._looks_defaulted(granted, asked):
            # Zoho's clock is behind ours: what we asked for was past its week. Ask again by its clock.
            self.clock_skew = granted - ZOHO_DEFAULT_EXPIRY - now
            asked = self.zoho_now(now) + lifetime
            granted = await self._ask("PUT", channel_id, module, asked)
        if asked - granted > SHORTENED:
            self.shortened[module] = f"asked until {_zoho_time(asked)}, Zoho granted until {_zoho_time(granted)}"
        else:
            self.shortened.pop(module, None)
        kept = max(granted - self.zoho_now(now), timedelta(minutes=1))
        return Channel(channel_id=channel_id, module=module, lifetime_seconds=kept.total_seconds(), expiry=granted)

    @staticmethod
    def _looks_defaulted(granted: datetime, asked: datetime) -> bool:
        """Zoho's one-hour default: had Zoho's "now" been ``granted - 1 hour``, what we asked was past its
        week (and that "now" is not absurdly far from ours)."""
        zoho_now = granted - ZOHO_DEFAULT_EXPIRY
        return asked > zoho_now + MAX_CHANNEL_LIFETIME and asked - zoho_now < timedelta(days=40)

    async def _ask(self, method: str, channel_id: str, module: str, expiry: datetime) -> datetime:
        reply = await self._send(method, WATCH_PATH, {"watch": [self._entry(channel_id, module, expiry)]})
        return self._granted_expiry(reply, expiry)

    async def enable_all(
        self, *, now: datetime, lifetime: timedelta, modules: Iterable[str] = WATCHED_MODULES
    ) -> list[Channel]:
        return [await self.enable(module, now=now, lifetime=lifetime) for module in modules]

    async def renew(self, channel: Channel, *, now: datetime, lifetime: timedelta = SAFE_CHANNEL_LIFETIME) -> Channel:
        """Push the expiry of an existing channel ``lifetime`` ahead again (PUT replaces the subscription)."""
        return await self._subscribe("PUT", channel.channel_id, channel.module, now=now, lifetime=lifetime)

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


__all__ = [
    "MAX_CHANNEL_LIFETIME",
    "SAFE_CHANNEL_LIFETIME",
    "WATCH_PATH",
    "WatchClient",
    "ZohoError",
    "new_channel_id",
]
