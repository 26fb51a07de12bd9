"""Malformed Zoho responses: a tiny local fake of Zoho answers the OAuth token request properly and every
CRM call with a broken body (HTML, truncated JSON, wrong types, ``null``, empty, a 25 MB body, a 500
that is not JSON). The REST tier alone, and the SDK tier with REST behind it, must turn each into a
``ZohoError`` with a readable message, never another exception; and ``review`` / ``doctor`` as real
subprocesses must end with a clear line and no traceback. Also the sandbox's own ``malformed`` fault.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from cli_support import clean_env, run_main

from config import Settings, load_settings
from integrations.zoho.connection import connection_from_sandbox
from integrations.zoho.errors import ZohoError
from integrations.zoho.factory import build_gateway
from sandbox.embedded import RunningSandbox

pytestmark = pytest.mark.faults

HUGE = b'{"data": [{"id": "1", "Account_Name": "' + b"x" * (25 * 1024 * 1024) + b'"'  # 25 MB, never closed
BODIES: dict[str, tuple[int, str, bytes]] = {
    "html": (200, "text/html", b"<html><body>Service Unavailable</body></html>"),
    "truncated": (200, "application/json", b'{"data": [{"id": "1", "Account_Na'),
    "data_not_a_list": (200, "application/json", b'{"data": "not a list", "info": []}'),
    "wrong_types": (
        200,
        "application/json",
        b'{"data": [{"id": {"x": 1}, "Account_Name": 42, "Owner": "nobody", "Modified_Time": 7}],'
        b' "info": {"more_records": "maybe", "count": "many"}}',
    ),
    "null": (200, "application/json", b"null"),
    "list_body": (200, "application/json", b"[1, 2, 3]"),
    "empty_200": (200, "application/json", b""),
    "huge": (200, "application/json", HUGE),
    "500_text": (500, "text/plain", b"upstream exploded"),
}


class FakeZoho:
    """OAuth works; every other path answers with ``BODIES[self.mode]``."""

    def __init__(self) -> None:
        self.mode = "html"
        self.requests = 0
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                return

            def _answer(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                if length:
                    self.rfile.read(length)
                fake.requests += 1
                if self.path.startswith("/oauth/v2/token"):
                    status, ctype, body = (
                        200,
                        "application/json",
                        json.dumps(
                            {
                                "access_token": "1000.fakeaccess.token",
                                "expires_in": 3600,
                                "token_type": "Bearer",
                                "api_domain": fake.url,
                            }
                        ).encode(),
                    )
                else:
                    status, ctype, body = BODIES[fake.mode]
                self.send_response(status)
                self.send_header("content-type", ctype)
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _answer  # noqa: N815

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeZoho:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fake() -> Iterator[FakeZoho]:
    with FakeZoho() as running:
        yield running


def fake_settings(fake: FakeZoho, home: Path) -> Any:
    return load_settings(
        home=home,
        zoho_api_url=fake.url,
        zoho_accounts_url=fake.url,
        zoho_client_id="1000.FAKE",
        zoho_client_secret="fake-secret",
        zoho_refresh_token="fake-refresh",
        zoho_max_retries=1,
        zoho_timeout_seconds=10,
    )


async def _read_everything(gateway: Any) -> None:
    await gateway.search_accounts("acme", limit=5)


async def _read_360(gateway: Any) -> None:
    await gateway.get_account_360("4876000000001")


async def _read_module(gateway: Any) -> None:
    async for _page in gateway.fetch_module("Accounts"):
        break


async def _read_tasks(gateway: Any) -> None:  # COQL alone, apart from the 360 read's concurrent gather
    await gateway.account_tasks("4876000000001")


OPERATIONS = {
    "search_accounts": _read_everything,
    "account_360": _read_360,
    "account_tasks": _read_tasks,
    "fetch_module": _read_module,
}


@pytest.mark.parametrize("use_sdk", [False, True], ids=["rest", "sdk+rest"])
@pytest.mark.parametrize("mode", list(BODIES))
async def test_every_malformed_body_is_a_zoho_error(fake: FakeZoho, tmp_path: Path, mode: str, use_sdk: bool) -> None:
    fake.mode = mode
    settings = fake_settings(fake, tmp_path / "home")
    gateway = build_gateway(settings, use_sdk=use_sdk, use_mcp=False, backoff_base=0.01)
    outcomes: dict[str, str] = {}
    try:
        for name, operation in OPERATIONS.items():
            try:
                await operation(gateway)
            except ZohoError as exc:
                outcomes[name] = str(exc)
                assert str(exc).strip() and "Traceback" not in str(exc)
                assert len(str(exc)) < 2000  # a 25 MB body is never pasted into the message
            else:
                outcomes[name] = "ok"
    finally:
        await gateway.aclose()
    # a body the client cannot read is never taken as an empty, successful answer for search and 360 reads
    if mode not in ("empty_200",):
        assert outcomes["search_accounts"] != "ok" or mode == "wrong_types", outcomes
        assert outcomes["account_360"] != "ok", outcomes
        assert outcomes["account_tasks"] != "ok" or mode == "wrong_types", outcomes
    assert fake.requests > 0


@pytest.mark.slow
def test_review_and_doctor_over_a_broken_zoho_fail_clearly(fake: FakeZoho, tmp_path: Path) -> None:
    env = clean_env(
        **{
            "SERGAS_HOME": str(tmp_path / "home"),
            "SERGAS_ZOHO_API_URL": fake.url,
            "SERGAS_ZOHO_ACCOUNTS_URL": fake.url,
            "SERGAS_ZOHO_CLIENT_ID": "1000.FAKE",
            "SERGAS_ZOHO_CLIENT_SECRET": "fake-secret",
            "SERGAS_ZOHO_REFRESH_TOKEN": "fake-refresh",
            "SERGAS_ZOHO_MAX_RETRIES": "1",
        }
    )
    for mode in ("html", "truncated", "data_not_a_list", "huge"):
        fake.mode = mode
        done = run_main(env, "review", "--json", "--limit", "1")
        assert done.returncode == 1, (mode, done.returncode, done.stdout[-300:], done.stderr[-1500:])
        assert "Traceback" not in done.stderr and "Zoho" in done.stderr, (mode, done.stderr[-1500:])
        assert done.stdout == ""  # no half JSON on stdout
        checked = run_main(env, "doctor", "--json")
        assert "Traceback" not in checked.stderr, (mode, checked.stderr[-1500:])
        report = json.loads(checked.stdout)
        assert report and checked.returncode == 1


async def test_sandbox_malformed_fault_reaches_both_tiers_as_a_zoho_error(
    sandbox: RunningSandbox, sandbox_settings: Settings
) -> None:
    gateway = build_gateway(
        sandbox_settings,
        connection=connection_from_sandbox(sandbox, sandbox_settings),
        use_mcp=False,
        backoff_base=0.01,
    )
    try:
        account = sandbox.store.list_records("Accounts")[0]
        await gateway.get_account_360(account["id"])  # warm up: token, SDK init
        before = {m: sandbox.store.count(m) for m in ("Accounts", "Notes", "Tasks")}
        sandbox.inject_fault(kind="malformed", ratio=1.0, seconds=30, path_prefix="/crm")
        with pytest.raises(ZohoError):
            await gateway.get_account_360(account["id"])
        with pytest.raises(ZohoError):
            await gateway.search_accounts(account["Account_Name"][:5])
        sandbox.clear_faults()
        view = await gateway.get_account_360(account["id"])  # recovers once the fault is gone
        assert view.account.id == account["id"]
        assert {m: sandbox.store.count(m) for m in before} == before
    finally:
        await gateway.aclose()
