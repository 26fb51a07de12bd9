"""Notifications watch on the sandbox: subscribe, change a record via REST, receive the callback."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
import pytest
import uvicorn
from sandbox_rest import access_token
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sandbox.embedded import RunningSandbox

WATCH = "/crm/v8/actions/watch"


class Receiver:
    """A tiny callback receiver on 127.0.0.1 (port 0) that records what it is sent."""

    def __init__(self, status: int = 200) -> None:
        self.status = status
        self.bodies: list[dict[str, Any]] = []
        self.paths: list[str] = []
        self._arrived = threading.Condition()

    async def _handle(self, request: Request) -> Response:
        body = await request.json()
        with self._arrived:
            self.bodies.append(body)
            self.paths.append(request.url.path)
            self._arrived.notify_all()
        return Response(status_code=self.status)

    def wait_for(self, count: int, timeout: float = 60.0) -> list[dict[str, Any]]:
        """The bodies once ``count`` arrived (or at the deadline: generous, for a loaded machine)."""
        with self._arrived:
            self._arrived.wait_for(lambda: len(self.bodies) >= count, timeout=timeout)
            return list(self.bodies)

    def serve(self) -> Iterator[str]:
        app = Starlette(routes=[Route("/{path:path}", self._handle, methods=["POST"])])
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
        thread.start()
        deadline = time.monotonic() + 60
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.01)
        assert server.started, "the receiver never started"
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            server.should_exit = True
            thread.join(timeout=5)
            sock.close()


@pytest.fixture
def receiver() -> Iterator[tuple[Receiver, str]]:
    target = Receiver()
    for url in target.serve():
        yield target, url


@pytest.fixture
def api(sandbox: RunningSandbox) -> Iterator[httpx.Client]:
    token = access_token(sandbox)
    with httpx.Client(
        base_url=sandbox.base_url, headers={"Authorization": f"Zoho-oauthtoken {token}"}, timeout=10
    ) as client:
        yield client


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).isoformat()


def _subscribe(api: httpx.Client, url: str, **overrides: Any) -> httpx.Response:
    item = {
        "channel_id": "1000000068001",
        "events": ["Accounts.all"],
        "notify_url": f"{url}/zoho/callback",
        "token": "verify-me-123",
        "return_affected_field_values": True,
        **overrides,
    }
    return api.post(WATCH, json={"watch": [item]})


def test_update_via_rest_delivers_callback_with_ids_and_token(
    api: httpx.Client, sandbox: RunningSandbox, receiver: tuple[Receiver, str]
) -> None:
    target, url = receiver
    enabled = _subscribe(api, url)
    assert enabled.status_code == 200
    answer = enabled.json()["watch"][0]
    assert answer["code"] == "SUCCESS" and answer["status"] == "success"
    event = answer["details"]["events"][0]
    assert event["resource_name"] == "Accounts" and event["channel_id"] == "1000000068001"
    assert event["resource_uri"].endswith("/crm/v8/Accounts")

    account = sandbox.store.list_records("Accounts")[3]
    updated = api.put(f"/crm/v8/Accounts/{account['id']}", json={"data": [{"Rating": "Hot", "Fax": "+1-555-0100"}]})
    assert updated.status_code == 200
    bodies = target.wait_for(1)
    assert bodies, "no callback arrived"
    body = bodies[0]
    assert target.paths[0] == "/zoho/callback"
    assert body["ids"] == [account["id"]]
    assert body["token"] == "verify-me-123"
    assert body["channel_id"] == "1000000068001"
    assert body["operation"] == "update" and body["module"] == "Accounts"
    assert body["resource_uri"] == f"{sandbox.base_url}/crm/v8/Accounts"
    assert isinstance(body["server_time"], int) and body["query_params"] == {}
    assert body["affected_fields"] == [{account["id"]: ["Fax", "Rating"]}]

    deadline = time.monotonic() + 60
    deliveries: list[dict[str, Any]] = []
    while time.monotonic() < deadline and not deliveries:
        deliveries = httpx.get(f"{sandbox.base_url}/__sandbox/notifications/deliveries").json()["deliveries"]
        time.sleep(0.05)
    assert deliveries[0]["url"] == f"{url}/zoho/callback"
    assert deliveries[0]["status"] == 200 and deliveries[0]["attempts"] == 1


def test_event_filter_insert_vs_edit_and_disable(
    api: httpx.Client, sandbox: RunningSandbox, receiver: tuple[Receiver, str]
) -> None:
    target, url = receiver
    assert _subscribe(api, url, channel_id="2001", events=["Tasks.create"]).status_code == 200
    account = sandbox.store.list_records("Accounts")[0]
    sandbox.store.update("Accounts", account["id"], {"Rating": "Cold"})  # not watched: Accounts
    created = sandbox.store.create(
        "Tasks", {"Subject": "Call back", "What_Id": {"id": account["id"]}, "$se_module": "Accounts"}
    )
    sandbox.store.update("Tasks", created["id"], {"Priority": "High"})  # Tasks.edit: not watched
    bodies = target.wait_for(1)
    time.sleep(0.3)
    assert [(b["module"], b["operation"], b["ids"]) for b in target.bodies] == [("Tasks", "insert", [created["id"]])]
    assert "affected_fields" in bodies[0]

    disabled = api.delete(WATCH, params={"channel_ids": "2001"})
    assert disabled.status_code == 200 and disabled.json()["watch"][0]["code"] == "SUCCESS"
    assert api.get(WATCH).status_code == 204
    sandbox.store.create("Tasks", {"Subject": "Nobody hears this"})
    time.sleep(0.4)
    assert len(target.bodies) == 1


def test_expired_channel_stops_firing(
    api: httpx.Client, sandbox: RunningSandbox, receiver: tuple[Receiver, str]
) -> None:
    target, url = receiver
    clock = f"{sandbox.base_url}/__sandbox/clock"
    zoho_now = datetime.fromisoformat(httpx.get(clock).json()["now"])
    expiry = _iso(zoho_now + timedelta(hours=1))  # by Zoho's clock, moved below (not by waiting)
    assert _subscribe(api, url, channel_id="3001", channel_expiry=expiry).status_code == 200
    account = sandbox.store.list_records("Accounts")[1]
    sandbox.store.update("Accounts", account["id"], {"Rating": "Warm"})
    assert len(target.wait_for(1)) == 1
    assert httpx.post(clock, json={"advance_seconds": 3600 + 60}).status_code == 200
    sandbox.store.update("Accounts", account["id"], {"Rating": "Cold"})
    time.sleep(0.5)
    assert len(target.bodies) == 1
    api.headers["Authorization"] = f"Zoho-oauthtoken {access_token(sandbox)}"  # the hour took the token too
    assert api.get(WATCH).status_code == 204  # expired channels are not listed


def test_validation_errors(api: httpx.Client, receiver: tuple[Receiver, str]) -> None:
    _, url = receiver
    cases: dict[str, dict[str, Any]] = {
        "token": {"token": "x" * 51},
        "events": {"events": ["Accounts.explode"]},
        "notify_url": {"notify_url": None},
    }
    for field, override in cases.items():
        reply = _subscribe(api, url, **override)
        assert reply.status_code == 400, field
        error = reply.json()["watch"][0]
        assert error["status"] == "error" and error["details"]["api_name"] == field
        assert error["code"] in ("INVALID_DATA", "MANDATORY_NOT_FOUND")
    past = _subscribe(api, url, channel_expiry=_iso(datetime.now(UTC) - timedelta(minutes=5)))
    assert past.status_code == 400
    assert api.delete(WATCH).json()["code"] == "REQUIRED_PARAM_MISSING"


def test_list_put_patch_and_persistence(
    api: httpx.Client, sandbox: RunningSandbox, receiver: tuple[Receiver, str]
) -> None:
    _, url = receiver
    assert api.get(WATCH).status_code == 204
    expiry = datetime.now(UTC) + timedelta(days=6)
    assert (
        _subscribe(
            api, url, channel_id="4001", events=["Accounts.edit", "Deals.all"], channel_expiry=_iso(expiry)
        ).status_code
        == 200
    )
    listed = api.get(WATCH).json()
    assert listed["info"]["count"] == 2
    by_module = {entry["resource_name"]: entry for entry in listed["watch"]}
    assert by_module["Accounts"]["events"] == ["Accounts.edit"] and by_module["Deals"]["events"] == ["Deals.all"]
    assert by_module["Accounts"]["channel_expiry"] == _iso(expiry)

    merged = api.patch(WATCH, json={"watch": [{"channel_id": "4001", "events": ["Contacts.create"]}]})
    assert merged.status_code == 200
    assert {e["resource_name"] for e in merged.json()["watch"][0]["details"]["events"]} == {
        "Accounts",
        "Deals",
        "Contacts",
    }
    removed = api.patch(
        WATCH, json={"watch": [{"channel_id": "4001", "events": ["Deals.all"], "_delete_events": True}]}
    )
    assert {e["resource_name"] for e in removed.json()["watch"][0]["details"]["events"]} == {
        "Accounts",
        "Contacts",
    }
    replaced = api.put(
        WATCH,
        json={"watch": [{"channel_id": "4001", "events": ["Tasks.all"], "notify_url": f"{url}/other", "token": "t2"}]},
    )
    assert replaced.status_code == 200
    listed = api.get(WATCH, params={"module": "Tasks"}).json()["watch"]
    assert [(e["channel_id"], e["events"], e["token"]) for e in listed] == [("4001", ["Tasks.all"], "t2")]
    unknown = api.put(WATCH, json={"watch": [{"channel_id": "999", "events": ["Tasks.all"], "notify_url": url}]})
    assert unknown.status_code == 400

    from sandbox._watch_channels import ChannelStore

    persisted = ChannelStore(sandbox.state.services["notifications"].channels.path)
    try:
        assert [channel.channel_id for channel in persisted.all()] == ["4001"]
    finally:
        persisted.close()


def test_failed_receiver_is_retried_and_logged(api: httpx.Client, sandbox: RunningSandbox) -> None:
    failing = Receiver(status=503)
    for url in failing.serve():
        assert _subscribe(api, url, channel_id="5001").status_code == 200
        account = sandbox.store.list_records("Accounts")[2]
        sandbox.store.update("Accounts", account["id"], {"Rating": "Hot"})
        failing.wait_for(3)
        deadline = time.monotonic() + 60
        log: list[dict[str, Any]] = []
        while time.monotonic() < deadline and not log:
            log = httpx.get(f"{sandbox.base_url}/__sandbox/notifications/deliveries").json()["deliveries"]
            time.sleep(0.05)
        assert len(failing.bodies) == 3
        assert log[0]["status"] == 503 and log[0]["attempts"] == 3 and log[0]["ok"] is False


def test_expiry_past_a_week_is_granted_one_hour_by_zohos_clock(api: httpx.Client, sandbox: RunningSandbox) -> None:
    """Zoho v8: "If it is not specified or set for more than a week, the default expiry time is for one
    hour" - not refused. Zoho's clock decides: a client clock one day ahead of Zoho's asks 7 days by its
    clock, which is 8 days by Zoho's."""
    url = "http://127.0.0.1:9/cb"
    zoho_now = datetime.fromisoformat(
        httpx.post(f"{sandbox.base_url}/__sandbox/clock", json={"advance_seconds": -86400}).json()["now"]
    )
    asked = datetime.now(UTC) + timedelta(days=7)  # a week by the client's clock, a day ahead of Zoho's
    reply = _subscribe(api, url, channel_id="5001", channel_expiry=_iso(asked))
    assert reply.status_code == 200
    dated = parsedate_to_datetime(reply.headers["date"])  # answers are dated by Zoho's clock
    assert abs(dated - zoho_now) < timedelta(minutes=1)
    granted = datetime.fromisoformat(reply.json()["watch"][0]["details"]["events"][0]["channel_expiry"])
    assert timedelta(minutes=59) <= granted - zoho_now <= timedelta(hours=1, minutes=1)
    within = _subscribe(api, url, channel_id="5002", channel_expiry=_iso(zoho_now + timedelta(days=6)))
    granted_within = within.json()["watch"][0]["details"]["events"][0]["channel_expiry"]
    assert granted_within == _iso(zoho_now + timedelta(days=6))


def test_notes_is_not_a_supported_watch_module(api: httpx.Client) -> None:
    reply = _subscribe(api, "http://127.0.0.1:9/cb", channel_id="6001", events=["Notes.all"])
    assert reply.status_code == 400
    error = reply.json()["watch"][0]
    assert error["status"] == "error" and error["code"] == "NOT_SUPPORTED"
    assert error["details"]["module"] == "Notes" and error["details"]["api_name"] == "events"
    assert api.get(WATCH).status_code == 204  # nothing was subscribed
    mixed = api.post(
        WATCH,
        json={
            "watch": [
                {"channel_id": "6002", "events": ["Accounts.all"], "notify_url": "http://127.0.0.1:9/a"},
                {"channel_id": "6003", "events": ["Notes.edit"], "notify_url": "http://127.0.0.1:9/n"},
            ]
        },
    )
    assert mixed.status_code == 207
    assert [item["status"] for item in mixed.json()["watch"]] == ["success", "error"]


def test_callback_carries_affected_values_and_echoes_the_query_string(
    api: httpx.Client, sandbox: RunningSandbox, receiver: tuple[Receiver, str]
) -> None:
    target, url = receiver
    notify = f"{url}/zoho/callback?tenant=acme&key2=val%202"
    assert _subscribe(api, url, channel_id="7001", notify_url=notify).status_code == 200
    account = sandbox.store.list_records("Accounts")[2]
    api.put(f"/crm/v8/Accounts/{account['id']}", json={"data": [{"Rating": "Hot"}]})
    body = target.wait_for(1)[0]
    assert body["query_params"] == {"tenant": "acme", "key2": "val 2"}
    assert body["affected_fields"] == [{account["id"]: ["Rating"]}]
    assert body["affected_values"] == [{"record_id": account["id"], "values": {"Rating": "Hot"}}]
