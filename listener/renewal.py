"""Keeps one watch channel per module alive: renews before expiry, re-subscribes when one vanished.

A channel is renewed once less than ``max(20 % of its lifetime, min(1 hour, half its lifetime))``
remains, so a 6-day channel is renewed with ~29 hours to spare and a 1-hour one with 30 minutes. The
lifetime is the one Zoho *granted* and expiries are compared on Zoho's clock (``WatchClient.zoho_now``),
so a grant shorter than asked is renewed by its real expiry, never every minute.
Time comes from an injected clock; the check runs every ``interval_seconds`` of real time.

Each module is subscribed on its own: Zoho refusing one (a module it does not support, a permission the
user lacks) is recorded in ``refused`` (shown by ``/health`` and ``doctor``) and never stops the others.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable, Iterable
from datetime import UTC, datetime, timedelta

from integrations.zoho.errors import ZohoError, ZohoNotFoundError, ZohoPermissionError, ZohoValidationError
from listener.callback_queue import CallbackQueue
from listener.models import WATCHED_MODULES, Channel
from listener.watch_client import MAX_CHANNEL_LIFETIME, SAFE_CHANNEL_LIFETIME, WatchClient

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


def renewal_margin(channel: Channel) -> timedelta:
    lifetime = timedelta(seconds=channel.lifetime_seconds)
    return max(lifetime * 0.2, min(timedelta(hours=1), lifetime / 2))


class ChannelKeeper:
    """Subscribes the watched modules and keeps their channels alive. Channels persist in the queue DB."""

    def __init__(
        self,
        watch: WatchClient,
        store: CallbackQueue,
        *,
        clock: Clock = utc_now,
        lifetime: timedelta = SAFE_CHANNEL_LIFETIME,
        modules: Iterable[str] = WATCHED_MODULES,
    ) -> None:
        self._watch = watch
        self._store = store
        self._clock = clock
        self.lifetime = min(lifetime, MAX_CHANNEL_LIFETIME)
        self.modules = tuple(modules)
        self.channels: dict[str, Channel] = self._load()
        self.refused: dict[str, str] = {}  # module -> why Zoho refused to watch it
        self.last_error: str | None = None

    def zoho_now(self, now: datetime) -> datetime:
        return self._watch.zoho_now(now)

    @property
    def shortened(self) -> dict[str, str]:
        """Modules whose last expiry Zoho granted shorter than asked, and how."""
        return dict(self._watch.shortened)

    def _load(self) -> dict[str, Channel]:
        raw = self._store.get_meta("channels")
        if not raw:
            return {}
        return {c["module"]: Channel.model_validate(c) for c in json.loads(raw)}

    def _save(self) -> None:
        channels = [c.model_dump(mode="json") for c in self.channels.values()]
        self._store.set_meta("channels", json.dumps(channels))
        self._store.set_meta("refused_modules", json.dumps(self.refused))

    async def subscribe(self) -> list[Channel]:
        """On start: take over the channels of a previous run (renewing them points them at the current
        notify_url and token), enable the missing ones. A module Zoho refuses is recorded, not fatal."""
        known = await self._watch.list_channels()
        now = self._clock()
        self.refused.clear()
        self.channels = {m: c for m, c in self.channels.items() if m in self.modules}
        for module in self.modules:
            channel = self.channels.get(module)
            await self._refusable(
                module,
                self._renew(channel, now)
                if channel and channel.channel_id in known
                else self._enable(module, now, None),
            )
        await asyncio.to_thread(self._save)
        return list(self.channels.values())

    async def _refusable(self, module: str, step: Awaitable[None]) -> bool:
        """Run one module's subscription step; a refusal (not a passing failure) is recorded, not raised."""
        try:
            await step
        except (ZohoPermissionError, ZohoValidationError, ZohoNotFoundError) as exc:
            self.refused[module] = str(exc)
            self.channels.pop(module, None)
            log.warning("Zoho refused to watch %s: %s; the other modules are watched", module, exc)
            return False
        self.refused.pop(module, None)
        return True

    async def tick(self) -> list[str]:
        """One check. Returns what was done, e.g. ``["renewed Deals", "re-subscribed Tasks"]``. Refused
        modules are not asked again until the next start."""
        now = self._clock()
        zoho_now = self._watch.zoho_now(now)
        known = await self._watch.list_channels()
        actions: list[str] = []
        for module in self.modules:
            if module in self.refused:
                continue
            channel = self.channels.get(module)
            if channel is None or channel.channel_id not in known or channel.expiry <= zoho_now:
                stale = channel if channel is not None and channel.channel_id in known else None
                if await self._refusable(module, self._enable(module, now, stale)):
                    actions.append(f"re-subscribed {module}")
            elif channel.expiry - zoho_now <= renewal_margin(channel) and await self._refusable(
                module, self._renew(channel, now)
            ):
                actions.append(f"renewed {module}")
        if actions:
            await asyncio.to_thread(self._save)
            log.info("watch channels: %s", ", ".join(actions))
        return actions

    async def _enable(self, module: str, now: datetime, previous: Channel | None) -> None:
        if previous is not None:
            # a stale subscription under the old id must not double the callbacks
            with contextlib.suppress(ZohoError):
                await self._watch.disable([previous.channel_id])
        self.channels[module] = await self._watch.enable(module, now=now, lifetime=self.lifetime)

    async def _renew(self, channel: Channel, now: datetime) -> None:
        try:
            self.channels[channel.module] = await self._watch.renew(channel, now=now, lifetime=self.lifetime)
        except (ZohoNotFoundError, ZohoValidationError) as exc:  # it vanished between list and renew
            log.info("renewing %s failed (%s); subscribing again", channel.module, exc)
            await self._enable(channel.module, now, None)

    async def disable_all(self) -> None:
        ids = [c.channel_id for c in self.channels.values()]
        await self._watch.disable(ids)
        self.channels.clear()
        await asyncio.to_thread(self._save)

    async def run(self, stop: asyncio.Event, *, interval_seconds: float = 60.0) -> None:
        while not stop.is_set():
            try:
                await asyncio.wait_for(stop.wait(), timeout=interval_seconds)
                return
            except TimeoutError:
                pass
            try:
                await self.tick()
                self.last_error = None
            except ZohoError as exc:
                self.last_error = str(exc)
                log.warning("watch channel check failed: %s; retrying in %.0fs", exc, interval_seconds)
