"""The listener's intake against hostile bodies, over real HTTP: every malformed body is a counted 4xx
(never a 500), a callback names at most 100 Zoho ids, only the channels the listener holds are
heard, a replay within the window is dropped and each channel has a rate limit."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import httpx
import pytest
from test_listener_service import ACCOUNTS, TOKEN, RecordingReview, callback, health, make_service


def nested(depth: int) -> bytes:
    return b'{"token": "' + TOKEN.encode() + b'", "a": ' + b"[" * depth + b"]" * depth + b"}"


async def test_malformed_bodies_are_counted_4xx_never_500(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    async with make_service(tmp_path, RecordingReview()) as service, httpx.AsyncClient() as client:
        url = f"{service.base_url}/zoho/notify"
        bodies: dict[str, bytes] = {
            "deep, no token": b"[" * 100_000 + b"]" * 100_000,
            "deep, with token": nested(50),
            "not utf-8": json.dumps(callback(ACCOUNTS[0])).encode("utf-16"),
            "ids not a list": json.dumps({**callback(ACCOUNTS[0]), "ids": 5}).encode(),
            "ids not Zoho ids": json.dumps({**callback(ACCOUNTS[0]), "ids": ["../../etc"]}).encode(),
            "101 ids": json.dumps({**callback(ACCOUNTS[0]), "ids": [str(10**15 + i) for i in range(101)]}).encode(),
            "unwatched module": json.dumps({**callback(ACCOUNTS[0]), "module": "Leads"}).encode(),
            "no module": json.dumps({"token": TOKEN, "ids": [ACCOUNTS[0]]}).encode(),
        }
        statuses = {name: (await client.post(url, content=body)).status_code for name, body in bodies.items()}
        forty_thousand = {**callback(ACCOUNTS[0]), "ids": [str(10**15 + i) for i in range(40_000)]}
        statuses["40,000 ids"] = (await client.post(url, json=forty_thousand)).status_code
        state = await health(client, service)
    assert statuses == {
        "deep, no token": 400,
        "deep, with token": 400,
        "not utf-8": 400,
        "ids not a list": 400,
        "ids not Zoho ids": 400,
        "101 ids": 400,
        "unwatched module": 400,
        "no module": 400,
        "40,000 ids": 413,
    }
    assert state["refused_callbacks"] == len(statuses) and state["queue_depth"] == 0
    assert "Traceback" not in caplog.text and "RecursionError" not in caplog.text


async def test_only_held_channels_are_heard_and_replays_are_dropped(tmp_path: Path) -> None:
    async with make_service(tmp_path, RecordingReview(), debounce_seconds=30) as service, httpx.AsyncClient() as client:
        assert service.queue is not None
        held = [{"channel_id": "1000000000001", "module": "Accounts", "expiry": "2030-01-01T00:00:00+00:00"}]
        service.queue.set_meta("channels", json.dumps([{**c, "lifetime_seconds": 3600} for c in held]))
        url = f"{service.base_url}/zoho/notify"
        body = callback(ACCOUNTS[0])
        replays = [(await client.post(url, json=body)).status_code for _ in range(4)]
        unknown = await client.post(url, json={**callback(ACCOUNTS[1]), "channel_id": "999"})
        wrong_module = await client.post(url, json={**callback(ACCOUNTS[1]), "module": "Deals"})
        state = await health(client, service)
    assert replays == [200, 200, 200, 200]
    assert (unknown.status_code, wrong_module.status_code) == (403, 403)
    assert state["queue_depth"] == 1 and state["refused_callbacks"] == 2


async def test_each_channel_has_a_rate_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import listener.callback_guard as guard

    monkeypatch.setattr(guard, "RATE_BURST", 5.0)
    monkeypatch.setattr(guard, "RATE_PER_SECOND", 0.001)
    async with make_service(tmp_path, RecordingReview(), debounce_seconds=30) as service, httpx.AsyncClient() as client:
        url = f"{service.base_url}/zoho/notify"
        codes = [(await client.post(url, json=callback(ACCOUNTS[i % 10]))).status_code for i in range(8)]
        other: dict[str, Any] = {**callback(ACCOUNTS[0]), "channel_id": "1000000000002"}
        other_code = (await client.post(url, json=other)).status_code
        state = await health(client, service)
    assert codes == [200] * 5 + [429] * 3 and other_code == 200  # the limit is per channel
    assert state["refused_callbacks"] == 3 and state["queue_depth"] == 6
