"""``python main.py listen`` end to end: the embedded sandbox, the real gateway, review pipeline parts and
state store; a change made in the sandbox becomes a listener review run, printed as a line; Ctrl-C stops it
cleanly."""

from __future__ import annotations

import os
import re
import signal
import sys
import time
from pathlib import Path

import httpx
import pexpect
import pytest

from config.settings import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, SANDBOX_REFRESH_TOKEN

pytestmark = pytest.mark.slow
MAIN = Path(__file__).resolve().parents[1] / "main.py"


def test_listen_command_reviews_a_sandbox_change_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SERGAS_", "ANTHROPIC_"))}
    env.update(SERGAS_HOME=str(home), SERGAS_SANDBOX_ACCOUNTS="50", SERGAS_SANDBOX_SEED="7", COLUMNS="120")
    child = pexpect.spawn(
        sys.executable, [str(MAIN), "listen", "--port", "0"], env=env, cwd=str(tmp_path), encoding="utf-8", timeout=60
    )
    try:
        child.expect(r"Listening on (http://127\.0\.0\.1:\d+)")
        listener = child.match.group(1)
        child.expect(r"Zoho: (http://127\.0\.0\.1:\d+) \(embedded sandbox\)")
        api = child.match.group(1)
        child.expect("Press Ctrl-C to stop.")
        assert re.search(r"Deals\s+│\s+\d+", child.before)  # the channels are listed
        assert re.search(r"Notes\s+│\s+polled", child.before)  # Zoho cannot watch Notes: they are polled

        grant = {
            "grant_type": "refresh_token",
            "client_id": SANDBOX_CLIENT_ID,
            "client_secret": SANDBOX_CLIENT_SECRET,
            "refresh_token": SANDBOX_REFRESH_TOKEN,
        }
        token = httpx.post(f"{api}/oauth/v2/token", data=grant).json()["access_token"]
        headers = {"Authorization": f"Zoho-oauthtoken {token}"}
        account = httpx.get(f"{api}/crm/v8/Accounts?fields=Account_Name&per_page=1", headers=headers).json()["data"][0][
            "id"
        ]
        changed = httpx.put(
            f"{api}/crm/v8/Accounts/{account}",
            headers=headers,
            json={"data": [{"Description": "changed while listening"}]},
        )
        assert changed.status_code == 200

        deadline = time.monotonic() + 120  # generous: the debounce, then a review, on a loaded machine
        health = httpx.get(f"{listener}/health").json()
        while health["reviews_today"] < 1 and time.monotonic() < deadline:
            time.sleep(0.25)
            health = httpx.get(f"{listener}/health").json()
        assert health["reviews_today"] == 1
        # a line for the review it ran (before: nothing but refused callbacks were printed)
        child.expect(rf"\d\d:\d\d:\d\d reviewed .+ \({account}\): health \d+, ")
        assert health["queue_depth"] == 0
        assert health["review_mode"] == "rules only (no agent reviewer)"  # no model key in tests
        assert sorted(c["module"] for c in health["channels"]) == ["Accounts", "Contacts", "Deals", "Tasks"]
        assert [p["module"] for p in health["modules_polled"]] == ["Notes"] and health["modules_refused"] == {}

        child.kill(signal.SIGINT)
        child.expect("Stopped.")
        child.expect(pexpect.EOF)
    finally:
        if child.isalive():
            child.terminate(force=True)
    child.close()
    assert child.exitstatus == 0

    from config import load_settings
    from state.store import StateStore

    with StateStore.open(load_settings(home=home)) as store:
        runs = store.list_runs("listener")
        assert [r.status for r in runs] == ["succeeded"]
        assert [r.account_id for r in store.review_results(runs[0].id)] == [account]
