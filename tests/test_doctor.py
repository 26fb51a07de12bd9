"""`main.py doctor --json` as a user runs it: on the embedded sandbox (passes) and with bad credentials
against a running sandbox (fails with a fix, exit 1, secrets never printed)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from cli_support import clean_env

from sandbox.embedded import RunningSandbox

ROOT = Path(__file__).resolve().parents[1]


def _doctor(env: dict[str, str], tmp_path: Path) -> tuple[int, dict[str, Any], str]:
    clean = clean_env(SERGAS_HOME=str(tmp_path / "home"), **env)
    proc = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "doctor", "--json"],
        capture_output=True,
        text=True,
        env=clean,
        cwd=tmp_path,
        timeout=180,
    )
    return proc.returncode, json.loads(proc.stdout), proc.stdout + proc.stderr


@pytest.mark.slow
def test_doctor_passes_on_the_embedded_sandbox(tmp_path: Path) -> None:
    code, report, _ = _doctor({"SERGAS_SANDBOX_ACCOUNTS": "30", "ANTHROPIC_API_KEY": "sk-ant-DONOTPRINT"}, tmp_path)
    checks = {c["name"]: c for c in report["checks"]}
    assert code == 0, report
    assert {
        "settings",
        "token store",
        "zoho auth",
        "tier rest",
        "tier sdk",
        "tier mcp",
        "zoho scopes",
        "breakers",
        "state store",
        "model key",
        "memory store",
        "second reader",
    } <= set(checks)
    assert all(c["ok"] for c in checks.values())
    assert "mode sandbox" in checks["settings"]["detail"]
    assert checks["state store"]["detail"].startswith(f"sqlite {tmp_path / 'home' / 'state' / 'state.db'}")
    assert "DONOTPRINT" not in json.dumps(report)
    assert (tmp_path / "home" / "tokens").is_dir()
    # a fresh home has no memory yet: say so and how to build it (before: "(writable)" and nothing else)
    assert "not built yet" in checks["memory store"]["detail"], checks["memory store"]
    assert "python main.py sync" in checks["memory store"]["fix"]


@pytest.mark.slow
def test_doctor_fails_with_a_fix_on_bad_credentials(sandbox: RunningSandbox, tmp_path: Path) -> None:
    code, report, output = _doctor(
        {
            "SERGAS_ZOHO_API_URL": sandbox.base_url,
            "SERGAS_ZOHO_ACCOUNTS_URL": sandbox.base_url,
            "SERGAS_ZOHO_CLIENT_ID": sandbox.client_id,
            "SERGAS_ZOHO_CLIENT_SECRET": "wrong-s3cr3t-value",
            "SERGAS_ZOHO_REFRESH_TOKEN": "1000.revoked-r3fr3sh-token",
        },
        tmp_path,
    )
    checks = {c["name"]: c for c in report["checks"]}
    assert code == 1
    assert "mode zoho" in checks["settings"]["detail"] and sandbox.base_url in checks["settings"]["detail"]
    assert not checks["zoho auth"]["ok"] and "ZohoAuthError" in checks["zoho auth"]["detail"]
    assert "SERGAS_ZOHO_REFRESH_TOKEN" in checks["zoho auth"]["fix"]
    assert "s3cr3t" not in output and "r3fr3sh" not in output


@pytest.mark.slow
def test_doctor_names_each_missing_scope_and_what_it_breaks(tmp_path: Path) -> None:
    from integrations.zoho.scope_probe import REQUIRED_SCOPES
    from sandbox.embedded import start_sandbox

    granted = [s for s in REQUIRED_SCOPES if s not in ("ZohoSearch.securesearch.READ", "ZohoCRM.coql.READ")]
    with start_sandbox(tmp_path / "sandbox", accounts=10, seed=7, scopes=granted) as sb:
        code, report, _ = _doctor(
            {
                "SERGAS_ZOHO_API_URL": sb.base_url,
                "SERGAS_ZOHO_ACCOUNTS_URL": sb.base_url,
                "SERGAS_ZOHO_CLIENT_ID": sb.client_id,
                "SERGAS_ZOHO_CLIENT_SECRET": sb.client_secret,
                "SERGAS_ZOHO_REFRESH_TOKEN": sb.refresh_token,
            },
            tmp_path,
        )
    scopes = {c["name"]: c for c in report["checks"]}["zoho scopes"]
    assert code == 1 and not scopes["ok"]
    assert "missing ZohoSearch.securesearch.READ (breaks searching accounts" in scopes["detail"]
    assert "missing ZohoCRM.coql.READ (breaks sync and review" in scopes["detail"]
    assert "ZohoCRM.modules.ALL" not in scopes["detail"].split("missing", 1)[0]
    assert ",".join(REQUIRED_SCOPES) in scopes["fix"]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("garbage", "not a database URL"),
        ("postgresql://sergas:pw-DONOTPRINT@127.0.0.1:1/sergas", "cannot be reached"),
    ],
    ids=["not a URL", "nothing listening"],
)
def test_doctor_fails_on_a_state_store_it_cannot_open(tmp_path: Path, url: str, expected: str) -> None:
    """Before: doctor said all ok with SERGAS_DATABASE_URL=garbage, and the next `review` failed."""
    code, report, output = _doctor({"SERGAS_SANDBOX_ACCOUNTS": "10", "SERGAS_DATABASE_URL": url}, tmp_path)
    checks = {c["name"]: c for c in report["checks"]}
    assert code == 1
    state = checks["state store"]
    assert not state["ok"] and expected in state["detail"], state
    assert "SERGAS_DATABASE_URL" in state["fix"]
    assert "\n" not in state["detail"] and "DONOTPRINT" not in output
