"""Zoho's token throttle (10 access tokens per refresh token in 10 minutes, then "Access Denied"): processes
that share a token store share one access token and stay under it; a throttled refresh says so plainly and
backs off instead of asking again."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from integrations.zoho.errors import ZohoAuthError, ZohoTokenThrottledError
from integrations.zoho.oauth import OAuthClient, TokenManager
from integrations.zoho.token_store import FileTokenStore, SecretCodec
from sandbox.embedded import RunningSandbox, start_sandbox

ROOT = Path(__file__).resolve().parents[1]
WORKER = Path(__file__).with_name("_token_refresh_worker.py")
PROCESSES = 12


@pytest.fixture
def org(tmp_path: Path) -> Iterator[RunningSandbox]:
    with start_sandbox(tmp_path / "sandbox", accounts=10, seed=7) as running:
        yield running


def _refresh_in_processes(org: RunningSandbox, tmp_path: Path, stores: list[Path]) -> list[str]:
    """One process per store path (paths may repeat: shared store), all refreshing at the same moment."""
    start_line = tmp_path / "go"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [
        subprocess.Popen(
            [sys.executable, str(WORKER), "file", str(where), str(tmp_path / "n"), str(start_line), "-", org.base_url],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=ROOT,
        )
        for where in stores
    ]
    deadline = time.monotonic() + 60
    while len(list(tmp_path.glob("go.ready.*"))) < len(procs) and time.monotonic() < deadline:
        time.sleep(0.02)
    start_line.touch()
    outs = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        outs.append(out.strip())
    return outs


@pytest.mark.slow
def test_processes_sharing_a_token_store_use_one_access_token(org: RunningSandbox, tmp_path: Path) -> None:
    outs = _refresh_in_processes(org, tmp_path, [tmp_path / "shared"] * PROCESSES)
    assert len(set(outs)) == 1 and outs[0].startswith("1000."), outs
    form = {
        "grant_type": "refresh_token",
        "client_id": org.client_id,
        "client_secret": org.client_secret,
        "refresh_token": org.refresh_token,
    }
    # one token made of the ten allowed: nine more can still be had
    assert all("access_token" in httpx.post(org.accounts_url, data=form).json() for _ in range(9))


@pytest.mark.slow
def test_processes_each_with_its_own_store_hit_the_throttle_and_say_so(org: RunningSandbox, tmp_path: Path) -> None:
    outs = _refresh_in_processes(org, tmp_path, [tmp_path / f"own-{i}" for i in range(PROCESSES)])
    refused = [o for o in outs if o.startswith("REFUSED")]
    assert len(refused) == PROCESSES - 10, outs
    for line in refused:
        assert line.startswith("REFUSED ZohoTokenThrottledError")
        assert "10 tokens in 10 minutes" in line and "credentials themselves are fine" in line


async def test_a_throttled_refresh_backs_off_and_reuses_a_token_another_process_saved(tmp_path: Path) -> None:
    asked: list[int] = []

    def accounts(request: httpx.Request) -> httpx.Response:
        asked.append(1)
        body = {"error_description": "Token creation throttle limit reached.", "error": "Access Denied"}
        return httpx.Response(200, json=body)

    store = FileTokenStore(tmp_path / "tokens", codec=SecretCodec(None))
    client = OAuthClient(
        accounts_url="http://accounts.test",
        client_id="1000.CID",
        client_secret=SecretStr("s"),
        refresh_token=SecretStr("1000.rt"),
    )
    tokens = TokenManager(client, store, http=httpx.AsyncClient(transport=httpx.MockTransport(accounts)))
    with pytest.raises(ZohoTokenThrottledError) as first:
        await tokens.access_token()
    assert not isinstance(first.value, ZohoAuthError)  # not "your credentials were refused"
    assert "until about" in str(first.value) and "Wait 10 minutes" in first.value.hint
    with pytest.raises(ZohoTokenThrottledError):
        await tokens.access_token()
    assert len(asked) == 1  # backed off: the accounts server was not asked again

    other = TokenManager(client, store, http=httpx.AsyncClient(transport=httpx.MockTransport(_good)))
    fresh = await other.access_token()  # another process, whose throttle window has passed
    assert await tokens.access_token() == fresh  # the shared store's token is used despite the back-off
    assert len(asked) == 1


def _good(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json={"access_token": "1000.fresh", "expires_in": 3600})
