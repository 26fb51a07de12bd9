"""Deliver watch callbacks: a store listener queues change events; a worker thread POSTs them.

The listener only enqueues, so a write never waits on a receiver. Each callback goes to the
channel's registered notify_url and nowhere else (redirects are not followed), with a short timeout
and a couple of retries. Every attempt sequence ends in the delivery log that
`GET /__sandbox/notifications/deliveries` serves.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx

from sandbox._watch_channels import Channel, ChannelStore

log = logging.getLogger(__name__)

Now = Callable[[], datetime]


def _utc_now() -> datetime:
    return datetime.now(UTC)


def callback_body(channel: Channel, event: Any, server_time_ms: int, store: Any = None) -> dict[str, Any]:
    """The JSON Zoho POSTs to notify_url for one change event.

    ``query_params`` echoes the notify URL's query string; with ``return_affected_field_values`` an update
    also carries ``affected_fields`` (per record, the field names) and ``affected_values`` (per record, the
    new values of those fields), read from ``store`` when one is given."""
    ids = [str(record_id) for record_id in event.ids]
    body: dict[str, Any] = {
        "server_time": server_time_ms,
        "query_params": dict(parse_qsl(urlsplit(channel.notify_url).query, keep_blank_values=True)),
        "module": event.module,
        "resource_uri": f"{channel.api_base}/crm/v8/{event.module}",
        "ids": ids,
        "operation": event.operation,
        "channel_id": channel.channel_id,
        "token": channel.token,
    }
    if channel.return_affected_field_values:
        affected = list(event.affected_fields or [])
        updated = event.operation == "update"
        body["affected_fields"] = [{record_id: affected} for record_id in ids] if updated else []
        body["affected_values"] = _affected_values(store, event.module, ids, affected) if updated else []
    return body


def _affected_values(store: Any, module: str, ids: list[str], fields: list[str]) -> list[dict[str, Any]]:
    out = []
    for record_id in ids:
        record = store.get(module, record_id) if store is not None else None
        if record is not None:
            out.append({"record_id": record_id, "values": {name: record.get(name) for name in fields}})
    return out


class DeliveryDispatcher:
    """Matches change events to channels and POSTs callbacks in the background."""

    def __init__(
        self,
        channels: ChannelStore,
        *,
        timeout: float = 2.0,
        attempts: int = 3,
        retry_delay: float = 0.2,
        now: Now = _utc_now,
        log_size: int = 500,
        transport: httpx.BaseTransport | None = None,
        store: Any = None,
    ) -> None:
        self.channels = channels
        self.store = store
        self.timeout = timeout
        self.attempts = attempts
        self.retry_delay = retry_delay
        self.now = now
        self._transport = transport
        self._queue: queue.Queue[Any] = queue.Queue()
        self._log: deque[dict[str, Any]] = deque(maxlen=log_size)
        self._log_lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._pool: ThreadPoolExecutor | None = None
        self._start_lock = threading.Lock()
        self._closed = False

    # -- the store listener ----------------------------------------------------------------------
    def on_change(self, event: Any) -> None:
        """Store listener: enqueue and return at once."""
        if self._closed:
            return
        self._ensure_started()
        self._queue.put(event)

    def _ensure_started(self) -> None:
        with self._start_lock:
            if self._thread is not None:
                return
            self._pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="sandbox-watch-post")
            self._thread = threading.Thread(target=self._loop, name="sandbox-watch", daemon=True)
            self._thread.start()

    def _loop(self) -> None:
        while True:
            event = self._queue.get()
            if event is None:
                return
            try:
                self._dispatch(event)
            except Exception:
                log.exception("watch dispatch failed")

    def _dispatch(self, event: Any) -> None:
        now = self.now()
        for channel in self.channels.all():
            if channel.expired(now) or not channel.wants(event.module, event.operation):
                continue
            selected = channel.selected_fields(event.module)
            if selected is not None and event.operation == "update" and not selected & set(event.affected_fields):
                continue
            body = callback_body(channel, event, int(now.timestamp() * 1000), self.store)
            assert self._pool is not None
            self._pool.submit(self._deliver, channel, body)

    def _deliver(self, channel: Channel, body: dict[str, Any]) -> None:
        status: int | None = None
        error: str | None = None
        attempts = 0
        with httpx.Client(
            timeout=self.timeout, follow_redirects=False, transport=self._transport, trust_env=False
        ) as client:
            for attempt in range(1, self.attempts + 1):
                attempts = attempt
                try:
                    response = client.post(channel.notify_url, json=body)
                    status, error = response.status_code, None
                    if status < 500:
                        break
                except httpx.HTTPError as exc:
                    status, error = None, type(exc).__name__
                if attempt < self.attempts:
                    time.sleep(self.retry_delay * attempt)
        entry = {
            "url": channel.notify_url,
            "channel_id": channel.channel_id,
            "status": status,
            "attempts": attempts,
            "ok": status is not None and 200 <= status < 300,
            "error": error,
            "module": body["module"],
            "operation": body["operation"],
            "ids": body["ids"],
            "delivered_at": _utc_now().isoformat(),
        }
        with self._log_lock:
            self._log.append(entry)

    # -- inspection and shutdown -----------------------------------------------------------------
    def deliveries(self) -> list[dict[str, Any]]:
        with self._log_lock:
            return list(self._log)

    def close(self) -> None:
        self._closed = True
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join(timeout=2.0)
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
