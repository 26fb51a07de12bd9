"""Secrets, end to end: real commands run with planted, distinctive secrets; nothing they print or write
holds one.

The sandbox is started with a planted client secret and refresh token (so they are the real, working
credentials), the model key and listener token are planted in the environment, and refresh tokens are
encrypted at rest with a planted Fernet key. Then ``doctor --json``, ``review --json`` (+ Markdown and
HTML reports), ``approve --list --json``, ``audit --json`` and ``sync`` run as subprocesses, and so do
failing runs (wrong client secret, incomplete credentials, a bad Fernet key). Every byte of stdout,
stderr and of every file under SERGAS_HOME (SQLite databases and their WAL files, the memory stores,
reports, token files) is searched for each secret and for every access token the sandbox issued.
Token files must be 0600 and their directory and the data directory 0700.
"""

from __future__ import annotations

import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cli_support import clean_env
from cryptography.fernet import Fernet

from sandbox.embedded import RunningSandbox
from scripted_model import ScriptedModelServer
from scripted_model.scripts import obedient_reviewer

pytestmark = [pytest.mark.faults, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[1]
CLIENT_ID = "1000.PLANTEDCLIENTID"
CLIENT_SECRET = "pl4nted-CLIENT-secret-7d1f0c9a"
REFRESH_TOKEN = "pl4nted-REFRESH-token-91be22ab"
MODEL_KEY = "pl4nted-MODEL-key-3c3c44dd"
LISTENER_TOKEN = "pl4nted-LISTENER-token-8e8e55"
WRONG_SECRET = "pl4nted-WRONG-secret-0b0b0b"
BAD_FERNET = "pl4nted-BAD-fernet-key-6f6f"
TOKEN_KEY = Fernet.generate_key().decode()


@pytest.fixture
def planted_sandbox(tmp_path: Path) -> Iterator[Any]:
    from sandbox.embedded import start_sandbox

    with start_sandbox(
        tmp_path / "sandbox",
        accounts=50,
        seed=7,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        refresh_token=REFRESH_TOKEN,
    ) as running:
        yield running


def base_env() -> dict[str, str]:
    return clean_env()


def planted_env(home: Path, sandbox: RunningSandbox, model: ScriptedModelServer, **extra: str) -> dict[str, str]:
    return base_env() | {
        "SERGAS_HOME": str(home),
        "SERGAS_ZOHO_API_URL": sandbox.base_url,
        "SERGAS_ZOHO_ACCOUNTS_URL": sandbox.base_url,
        "SERGAS_ZOHO_CLIENT_ID": CLIENT_ID,
        "SERGAS_ZOHO_CLIENT_SECRET": CLIENT_SECRET,
        "SERGAS_ZOHO_REFRESH_TOKEN": REFRESH_TOKEN,
        "SERGAS_TOKEN_KEY": TOKEN_KEY,
        "SERGAS_LISTENER_TOKEN": LISTENER_TOKEN,
        "ANTHROPIC_API_KEY": MODEL_KEY,
        "ANTHROPIC_BASE_URL": model.base_url,
        "SERGAS_LOG_LEVEL": "DEBUG",
        **extra,
    }


class Runs:
    """Every command run, with what it printed."""

    def __init__(self) -> None:
        self.outputs: list[tuple[str, str]] = []  # (label, stdout + stderr)

    def __call__(self, env: dict[str, str], *args: str, expect: int | None = 0) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [sys.executable, str(ROOT / "main.py"), *args],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
        )
        self.outputs.append((" ".join(args), done.stdout + done.stderr))
        assert "Traceback" not in done.stderr, done.stderr
        if expect is not None:
            assert done.returncode == expect, (args, done.returncode, done.stdout[-500:], done.stderr[-2000:])
        return done


def leaks(secrets: dict[str, str], runs: Runs, roots: list[Path]) -> list[str]:
    found = []
    for label, text in runs.outputs:
        found += [f"{name} in the output of `{label}`" for name, value in secrets.items() if value in text]
    for root in roots:
        for path in root.rglob("*"):
            if not path.is_file():
                continue
            data = path.read_bytes()
            found += [
                f"{name} in {path.relative_to(root)}" for name, value in secrets.items() if value.encode() in data
            ]
    return found


def issued_access_tokens(sandbox: RunningSandbox) -> list[str]:
    return list(sandbox.state.tokens._access)  # every access token the sandbox handed out and still honours


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_planted_secrets_never_leave_the_token_store(planted_sandbox: RunningSandbox, tmp_path: Path) -> None:
    home = tmp_path / "home"
    runs = Runs()
    with ScriptedModelServer(obedient_reviewer) as model:
        env = planted_env(home, planted_sandbox, model)
        runs(env, "doctor", "--json", expect=None)  # exit 1 is fine (e.g. memory not built yet); no traceback
        runs(env, "review", "--json", "--limit", "5", "--report", str(home / "out" / "night.html"))
        runs(env, "approve", "--list", "--json")
        runs(env, "audit", "--json")
        runs(env, "sync")
        planted_sandbox.inject_fault(kind="expire_tokens")  # the next command refreshes: a second access token
        runs(env, "approve", "--list")
        runs(env, "doctor", "--json", expect=None)
        # failures: their messages must not echo what was given
        wrong = env | {"SERGAS_ZOHO_CLIENT_SECRET": WRONG_SECRET, "SERGAS_HOME": str(tmp_path / "home-wrong")}
        runs(wrong, "doctor", "--json", expect=None)
        runs(wrong, "review", "--json", "--limit", "1", expect=1)
        partial = base_env() | {
            "SERGAS_HOME": str(tmp_path / "home-partial"),
            "SERGAS_ZOHO_CLIENT_SECRET": CLIENT_SECRET,
        }
        assert "Configuration error" in runs(partial, "doctor", expect=2).stderr
        bad_key = env | {"SERGAS_TOKEN_KEY": BAD_FERNET, "SERGAS_HOME": str(tmp_path / "home-badkey")}
        runs(bad_key, "doctor", "--json", expect=None)
        runs(bad_key, "review", "--json", "--limit", "1", expect=None)

    access = issued_access_tokens(planted_sandbox)
    assert access, "the commands should have obtained access tokens from the sandbox"
    secrets = {
        "client secret": CLIENT_SECRET,
        "refresh token": REFRESH_TOKEN,
        "model key": MODEL_KEY,
        "listener token": LISTENER_TOKEN,
        "token key": TOKEN_KEY,
        "wrong secret": WRONG_SECRET,
        "bad token key": BAD_FERNET,
    } | {f"access token {i}": t for i, t in enumerate(access)}
    roots = [
        p for p in (home, tmp_path / "home-wrong", tmp_path / "home-partial", tmp_path / "home-badkey") if p.exists()
    ]
    assert list(home.rglob("*.sqlite*")) or list(home.rglob("*.db*")), "the state store should be on disk"
    assert (home / "out" / "night.html").exists() and list((home / "reports").glob("review-*.md"))
    assert leaks(secrets, runs, roots) == []

    # permissions: data directory and token directory 0700, token files 0600
    assert mode(home) == 0o700
    token_files = [p for p in (home / "tokens").rglob("*.json")]
    assert token_files, "the file token store should hold the refreshed tokens"
    assert mode(home / "tokens") == 0o700
    assert all(mode(p) == 0o600 for p in token_files), {p.name: oct(mode(p)) for p in token_files}


def test_without_a_token_key_tokens_live_only_in_0600_token_files(
    planted_sandbox: RunningSandbox, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    runs = Runs()
    with ScriptedModelServer(obedient_reviewer) as model:
        env = planted_env(home, planted_sandbox, model)
        del env["SERGAS_TOKEN_KEY"]
        runs(env, "doctor", "--json", expect=None)
        runs(env, "approve", "--list", "--json")
        runs(env, "audit", "--json")
    access = issued_access_tokens(planted_sandbox)
    secrets = {"client secret": CLIENT_SECRET, "refresh token": REFRESH_TOKEN, "model key": MODEL_KEY} | {
        f"access token {i}": t for i, t in enumerate(access)
    }
    token_dir = home / "tokens"
    holders = {
        p for p in home.rglob("*") if p.is_file() and any(v.encode() in p.read_bytes() for v in secrets.values())
    }
    assert holders, "unencrypted, the refresh token is in the token file"
    assert all(token_dir in p.parents and mode(p) == 0o600 for p in holders), {str(p): oct(mode(p)) for p in holders}
    assert mode(home) == 0o700 and mode(token_dir) == 0o700
    assert [f for f in leaks(secrets, runs, []) if "output" in f] == []
