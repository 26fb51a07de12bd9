"""Notifications ("watch") endpoints: `/crm/v8/actions/watch`, and the delivery log for tests.

- `POST`   enable channels (`{"watch":[...]}`); an existing channel_id is replaced.
- `GET`    list live channels (`page`, `per_page`, `channel_id`, `module`); 204 when none.
- `PUT`    replace channels; `PATCH` merges (`"_delete_events": true` removes the listed events).
- `DELETE` `?channel_ids=a,b` disables channels.
- `GET /__sandbox/notifications/deliveries` lists recent callback deliveries.

Channels persist in `<data_dir>/notifications.sqlite3`. Every store write is matched against the
unexpired channels and POSTed to their notify_url in the background (see `_watch_delivery`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from sandbox._ext_support import (
    authenticate,
    canonical_module,
    data_dir,
    extension,
    iso,
    module_id,
    record_stat,
    register_extension,
    zoho_error,
    zoho_json,
)
from sandbox._watch_channels import Channel, ChannelStore, Mode, WatchItemError, build_channel
from sandbox._watch_delivery import DeliveryDispatcher, _utc_now

WATCH_PATH = "/crm/v8/actions/watch"
MAX_PER_PAGE = 200


class WatchService:
    """Channels of one sandbox plus the dispatcher that delivers their callbacks."""

    def __init__(self, store: Any, channels: ChannelStore, dispatcher: DeliveryDispatcher) -> None:
        self.store = store
        self.channels = channels
        self.dispatcher = dispatcher
        store.add_listener(dispatcher.on_change)

    def close(self) -> None:
        remove = getattr(self.store, "remove_listener", None)
        if callable(remove):
            remove(self.dispatcher.on_change)
        self.dispatcher.close()
        self.channels.close()


def service(state: Any) -> WatchService:
    existing: WatchService | None = extension(state, "notifications")
    if existing is None:
        channels = ChannelStore(data_dir(state) / "notifications.sqlite3")
        dispatcher = DeliveryDispatcher(channels, now=_clock(state), store=state.store)
        existing = register_extension(state, "notifications", WatchService(state.store, channels, dispatcher))
    return existing


def _clock(state: Any) -> Callable[[], datetime]:
    """The sandbox clock (Zoho's "now" for channel expiry), or real UTC time for a bare state."""
    clock = getattr(state, "clock", None)
    return clock if callable(clock) else _utc_now


def _events_detail(channel: Channel, api_base: str, store: Any, *, with_expiry: bool = True) -> list[dict[str, Any]]:
    out = []
    for module in channel.modules():
        item: dict[str, Any] = {
            "resource_uri": f"{api_base}/crm/v8/{module}",
            "resource_id": module_id(store, module),
            "resource_name": module,
            "channel_id": channel.channel_id,
        }
        if with_expiry:
            item["channel_expiry"] = iso(channel.channel_expiry)
        out.append(item)
    return out


def _subscriptions(channel: Channel, store: Any) -> list[dict[str, Any]]:
    """One listing entry per module the channel watches (as Zoho lists them)."""
    out = []
    for module in channel.modules():
        out.append(
            {
                "channel_id": channel.channel_id,
                "events": [event for event in channel.events if event.startswith(f"{module}.")],
                "notify_url": channel.notify_url,
                "token": channel.token,
                "channel_expiry": iso(channel.channel_expiry),
                "resource_uri": f"{channel.api_base}/crm/v8/{module}",
                "resource_id": module_id(store, module),
                "resource_name": module,
                "return_affected_field_values": channel.return_affected_field_values,
                "notify_on_related_action": channel.notify_on_related_action,
                "notification_condition": channel.notification_condition,
            }
        )
    return out


def _item_error(error: WatchItemError) -> dict[str, Any]:
    return {"code": error.code, "details": error.details, "message": str(error), "status": "error"}


def _envelope_status(results: list[dict[str, Any]]) -> int:
    ok = sum(1 for result in results if result["status"] == "success")
    if ok == len(results):
        return 200
    return 207 if ok else 400


def routes(state: Any) -> list[BaseRoute]:
    watch = service(state)

    async def write(request: Request, mode: Mode) -> Response:
        _, denied = await authenticate(state, request)
        if denied is not None:
            return denied
        try:
            body = json.loads(await request.body() or b"null")
        except ValueError:
            return zoho_error(state, "INVALID_DATA", "body is not valid JSON", 400)
        items = body.get("watch") if isinstance(body, dict) else None
        if not isinstance(items, list) or not items:
            return zoho_error(state, "MANDATORY_NOT_FOUND", "required field not found", 400, {"api_name": "watch"})
        api_base = str(request.base_url).rstrip("/")
        now = _clock(state)()
        results: list[dict[str, Any]] = []
        for index, item in enumerate(items):
            existing = watch.channels.get(str(item.get("channel_id"))) if isinstance(item, dict) else None
            try:
                channel = build_channel(
                    item, index, mode=mode, now=now, existing=existing, store=state.store, api_base=api_base
                )
            except WatchItemError as error:
                results.append(_item_error(error))
                continue
            if channel.events:
                watch.channels.save(channel)
            else:  # PATCH removed every event: the channel is gone
                watch.channels.delete(channel.channel_id)
            message = (
                "Successfully subscribed for actions-watch of the given module"
                if mode == "enable"
                else "Successfully updated the subscribe details"
            )
            results.append(
                {
                    "code": "SUCCESS",
                    "details": {"events": _events_detail(channel, api_base, state.store)},
                    "message": message,
                    "status": "success",
                }
            )
        record_stat(state, f"{request.method} {WATCH_PATH}", 1)
        return zoho_json(state, {"watch": results}, _envelope_status(results))

    async def enable(request: Request) -> Response:
        return await write(request, "enable")

    async def replace(request: Request) -> Response:
        return await write(request, "replace")

    async def merge(request: Request) -> Response:
        return await write(request, "merge")

    async def listing(request: Request) -> Response:
        _, denied = await authenticate(state, request)
        if denied is not None:
            return denied
        params = request.query_params
        try:
            page = max(1, int(params.get("page", "1")))
            per_page = min(MAX_PER_PAGE, max(1, int(params.get("per_page", str(MAX_PER_PAGE)))))
        except ValueError:
            return zoho_error(state, "INVALID_DATA", "page and per_page must be integers", 400)
        module_filter = params.get("module")
        if module_filter is not None and canonical_module(state.store, module_filter) is None:
            return zoho_error(
                state,
                "INVALID_MODULE",
                "the module name given seems to be invalid",
                400,
                {"param_name": "module"},
            )
        record_stat(state, f"GET {WATCH_PATH}", 1)
        now = _clock(state)()
        entries = [
            entry
            for channel in watch.channels.all()
            if not channel.expired(now) and params.get("channel_id") in (None, channel.channel_id)
            for entry in _subscriptions(channel, state.store)
            if module_filter is None or entry["resource_name"].lower() == module_filter.lower()
        ]
        chunk = entries[(page - 1) * per_page : page * per_page]
        if not chunk:
            return Response(status_code=204)
        info = {
            "per_page": per_page,
            "count": len(chunk),
            "page": page,
            "more_records": len(entries) > page * per_page,
        }
        return zoho_json(state, {"watch": chunk, "info": info}, 200)

    async def disable(request: Request) -> Response:
        _, denied = await authenticate(state, request)
        if denied is not None:
            return denied
        raw = request.query_params.get("channel_ids", "")
        channel_ids = [part.strip() for part in raw.split(",") if part.strip()]
        if not channel_ids:
            return zoho_error(
                state,
                "REQUIRED_PARAM_MISSING",
                "One of the expected parameter is missing",
                400,
                {"param_name": "channel_ids"},
            )
        api_base = str(request.base_url).rstrip("/")
        results: list[dict[str, Any]] = []
        for channel_id in channel_ids:
            channel = watch.channels.get(channel_id)
            if channel is None:
                results.append(
                    {
                        "code": "INVALID_DATA",
                        "details": {"channel_id": channel_id},
                        "message": "the given channel_id is not subscribed",
                        "status": "error",
                    }
                )
                continue
            watch.channels.delete(channel_id)
            results.append(
                {
                    "code": "SUCCESS",
                    "details": {"events": _events_detail(channel, api_base, state.store, with_expiry=False)},
                    "message": "Successfully unsubscribed from actions-watch of the given module",
                    "status": "success",
                }
            )
        record_stat(state, f"DELETE {WATCH_PATH}", 1)
        return zoho_json(state, {"watch": results}, _envelope_status(results))

    async def deliveries(request: Request) -> Response:
        return JSONResponse({"deliveries": watch.dispatcher.deliveries()})

    return [
        Route(WATCH_PATH, enable, methods=["POST"]),
        Route(WATCH_PATH, listing, methods=["GET"]),
        Route(WATCH_PATH, replace, methods=["PUT"]),
        Route(WATCH_PATH, merge, methods=["PATCH"]),
        Route(WATCH_PATH, disable, methods=["DELETE"]),
        Route("/__sandbox/notifications/deliveries", deliveries, methods=["GET"]),
    ]


def shutdown(state: Any) -> None:
    existing = extension(state, "notifications")
    if existing is not None:
        existing.close()
