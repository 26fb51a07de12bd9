"""The notifications ("watch") family at ``/crm/v8/actions/watch`` (``sandbox.notifications`` keeps the
channels and delivers their callbacks):

- ``POST`` enables channels (``{"watch":[...]}``); an existing channel_id is replaced.
- ``GET`` lists live channels (``page``, ``per_page``, ``channel_id``, ``module``); 204 when none.
- ``PUT`` replaces channels; ``PATCH`` merges (``"_delete_events": true`` removes the listed events).
- ``DELETE`` ``?channel_ids=a,b`` disables channels.
- ``GET /__sandbox/notifications/deliveries`` lists recent callback deliveries (for tests).

Each call costs 1 credit, also when every item of a write failed.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from sandbox._ext_support import canonical_module
from sandbox._watch_channels import ChannelStore, Mode, WatchItemError, build_channel
from sandbox._watch_delivery import DeliveryDispatcher
from sandbox.api.family import Family
from sandbox.api.params import lenient_page, missing_param, page_info
from sandbox.notifications import WatchService, envelope_status, events_detail, item_error, subscriptions
from sandbox.responses import ZohoHTTPError, empty, zoho_json
from sandbox.state import SandboxState

WATCH_PATH = "/crm/v8/actions/watch"
ENABLED = "Successfully subscribed for actions-watch of the given module"
UPDATED = "Successfully updated the subscribe details"
DISABLED = "Successfully unsubscribed from actions-watch of the given module"


class WatchApi(Family):
    def __init__(self, state: SandboxState) -> None:
        super().__init__(state)
        channels = ChannelStore(state.files_dir() / "notifications.sqlite3")
        dispatcher = DeliveryDispatcher(channels, now=state.clock, store=state.store)
        self.watch = state.services["notifications"] = WatchService(state.store, channels, dispatcher)

    def routes(self) -> list[BaseRoute]:
        return [
            Route(WATCH_PATH, self.enable, methods=["POST"]),
            Route(WATCH_PATH, self.listing, methods=["GET"]),
            Route(WATCH_PATH, self.replace, methods=["PUT"]),
            Route(WATCH_PATH, self.merge, methods=["PATCH"]),
            Route(WATCH_PATH, self.disable, methods=["DELETE"]),
            Route("/__sandbox/notifications/deliveries", self.deliveries, methods=["GET"]),
        ]

    async def shutdown(self) -> None:
        self.watch.close()

    async def enable(self, request: Request) -> Response:
        return await self.write(request, "enable")

    async def replace(self, request: Request) -> Response:
        return await self.write(request, "replace")

    async def merge(self, request: Request) -> Response:
        return await self.write(request, "merge")

    async def write(self, request: Request, mode: Mode) -> Response:
        self.caller(request)
        items = await watch_items(request)
        api_base = str(request.base_url).rstrip("/")
        now = self.state.clock()
        results = [self.write_item(item, index, mode, api_base, now) for index, item in enumerate(items)]
        self.charge(request, 1)
        return zoho_json({"watch": results}, envelope_status(results))

    def write_item(self, item: Any, index: int, mode: Mode, api_base: str, now: datetime) -> dict[str, Any]:
        """Save (or, when a merge removed every event, delete) one channel; its answer."""
        channels = self.watch.channels
        existing = channels.get(str(item.get("channel_id"))) if isinstance(item, dict) else None
        try:
            channel = build_channel(
                item, index, mode=mode, now=now, existing=existing, store=self.store, api_base=api_base
            )
        except WatchItemError as error:
            return item_error(error)
        if channel.events:
            channels.save(channel)
        else:  # PATCH removed every event: the channel is gone
            channels.delete(channel.channel_id)
        return {
            "code": "SUCCESS",
            "details": {"events": events_detail(channel, api_base, self.store)},
            "message": ENABLED if mode == "enable" else UPDATED,
            "status": "success",
        }

    async def listing(self, request: Request) -> Response:
        self.caller(request)
        page, per_page = lenient_page(request)
        params = request.query_params
        module_filter = params.get("module")
        if module_filter is not None and canonical_module(self.store, module_filter) is None:
            message = "the module name given seems to be invalid"
            raise ZohoHTTPError("INVALID_MODULE", message, 400, {"param_name": "module"})
        self.charge(request, 1)
        now = self.state.clock()
        entries = [
            entry
            for channel in self.watch.channels.all()
            if not channel.expired(now) and params.get("channel_id") in (None, channel.channel_id)
            for entry in subscriptions(channel, self.store)
            if module_filter is None or entry["resource_name"].lower() == module_filter.lower()
        ]
        chunk = entries[(page - 1) * per_page : page * per_page]
        if not chunk:
            return empty(204)
        info = page_info(per_page, len(chunk), page, len(entries) > page * per_page)
        return zoho_json({"watch": chunk, "info": info}, 200)

    async def disable(self, request: Request) -> Response:
        self.caller(request)
        raw = request.query_params.get("channel_ids", "")
        channel_ids = [part.strip() for part in raw.split(",") if part.strip()]
        if not channel_ids:
            raise missing_param("channel_ids")
        api_base = str(request.base_url).rstrip("/")
        results = [self.disable_one(channel_id, api_base) for channel_id in channel_ids]
        self.charge(request, 1)
        return zoho_json({"watch": results}, envelope_status(results))

    def disable_one(self, channel_id: str, api_base: str) -> dict[str, Any]:
        channel = self.watch.channels.get(channel_id)
        if channel is None:
            message = "the given channel_id is not subscribed"
            return {
                "code": "INVALID_DATA",
                "details": {"channel_id": channel_id},
                "message": message,
                "status": "error",
            }
        self.watch.channels.delete(channel_id)
        events = events_detail(channel, api_base, self.store, with_expiry=False)
        return {"code": "SUCCESS", "details": {"events": events}, "message": DISABLED, "status": "success"}

    async def deliveries(self, request: Request) -> Response:
        return JSONResponse({"deliveries": self.watch.dispatcher.deliveries()})


async def watch_items(request: Request) -> list[Any]:
    """The body's ``watch`` list; Zoho's 400 when the body is not JSON or the list is missing or empty."""
    try:
        body = json.loads(await request.body() or b"null")
    except ValueError:
        raise ZohoHTTPError("INVALID_DATA", "body is not valid JSON", 400) from None
    items = body.get("watch") if isinstance(body, dict) else None
    if not isinstance(items, list) or not items:
        raise ZohoHTTPError("MANDATORY_NOT_FOUND", "required field not found", 400, {"api_name": "watch"})
    return items
