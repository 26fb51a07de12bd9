"""Notifications ("watch"): the channels of one sandbox and how Zoho describes them, served by the watch
family (``sandbox.api.watch``) at `/crm/v8/actions/watch`, with the delivery log for tests.

- `POST`   enable channels (`{"watch":[...]}`); an existing channel_id is replaced.
- `GET`    list live channels (`page`, `per_page`, `channel_id`, `module`); 204 when none.
- `PUT`    replace channels; `PATCH` merges (`"_delete_events": true` removes the listed events).
- `DELETE` `?channel_ids=a,b` disables channels.
- `GET /__sandbox/notifications/deliveries` lists recent callback deliveries.

Channels persist in `<data_dir>/notifications.sqlite3`. Every store write is matched against the
unexpired channels and POSTed to their notify_url in the background (see `_watch_delivery`).
"""

from __future__ import annotations

from typing import Any

from sandbox._ext_support import module_id
from sandbox._watch_channels import Channel, ChannelStore, WatchItemError
from sandbox._watch_delivery import DeliveryDispatcher
from sandbox.clock import iso


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


def events_detail(channel: Channel, api_base: str, store: Any, *, with_expiry: bool = True) -> list[dict[str, Any]]:
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


def subscriptions(channel: Channel, store: Any) -> list[dict[str, Any]]:
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


def item_error(error: WatchItemError) -> dict[str, Any]:
    return {"code": error.code, "details": error.details, "message": str(error), "status": "error"}


def envelope_status(results: list[dict[str, Any]]) -> int:
    ok = sum(1 for result in results if result["status"] == "success")
    if ok == len(results):
        return 200
    return 207 if ok else 400
