"""Token stores: round trips, privacy (0600, encryption, repr), and one refresh across processes."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from pydantic import SecretStr

from integrations.zoho.errors import ZohoConfigError
from integrations.zoho.token_store import (
    FileTokenStore,
    SecretCodec,
    SqliteTokenStore,
    TokenRecord,
    TokenStore,
    build_token_store,
    token_key,
)

WORKER = Path(__file__).with_name("_token_refresh_worker.py")
ROOT = Path(__file__).resolve().parents[1]


def _record(key: str = "k1") -> TokenRecord:
    return TokenRecord(
        key=key,
        client_id="1000.CID",
        refresh_token=SecretStr("1000.refresh-SECRET"),
        access_token=SecretStr("1000.access-SECRET"),
        expires_at=datetime.now(UTC) + timedelta(hours=1),
        api_domain="http://127.0.0.1:1",
    )


@pytest.fixture(params=["file", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> TokenStore:
    if request.param == "file":
        return FileTokenStore(tmp_path / "tokens")
    return SqliteTokenStore(tmp_path / "tokens.sqlite3")


def test_round_trip_and_delete(store: TokenStore) -> None:
    assert store.get("k1") is None
    store.save(_record())
    got = store.get("k1")
    assert got is not None and got.refresh_token.get_secret_value() == "1000.refresh-SECRET"
    assert got.valid_for()
    store.delete("k1")
    assert store.get("k1") is None


def test_repr_never_shows_secrets(store: TokenStore) -> None:
    record = _record()
    assert "SECRET" not in repr(record) and "SECRET" not in str(record) and "SECRET" not in repr(store)


def test_file_store_is_private_and_atomic(tmp_path: Path) -> None:
    store = FileTokenStore(tmp_path / "tokens")
    store.save(_record())
    store.save(_record())
    files = list((tmp_path / "tokens").iterdir())
    assert [f.name for f in files if f.suffix == ".json"] == ["k1.json"]
    assert not [f for f in files if f.name.startswith(".tok-")]  # no temp file left behind
    assert stat.S_IMODE(files[0].stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "tokens").stat().st_mode) == 0o700


def test_refresh_tokens_are_encrypted_at_rest(tmp_path: Path) -> None:
    key = Fernet.generate_key().decode()
    store = FileTokenStore(tmp_path / "tokens", codec=SecretCodec(SecretStr(key)))
    store.save(_record())
    raw = (tmp_path / "tokens" / "k1.json").read_text()
    assert "refresh-SECRET" not in raw and "fernet:" in raw
    assert store.get("k1").refresh_token.get_secret_value() == "1000.refresh-SECRET"  # type: ignore[union-attr]
    with pytest.raises(ZohoConfigError):
        FileTokenStore(tmp_path / "tokens").get("k1")  # no key: clear error, not garbage
    with pytest.raises(ZohoConfigError):
        FileTokenStore(tmp_path / "tokens", codec=SecretCodec(Fernet.generate_key().decode())).get("k1")
    with pytest.raises(ZohoConfigError):
        SecretCodec("not-a-fernet-key")


def test_token_key_hides_the_refresh_token() -> None:
    key = token_key("1000.CID", "1000.refresh-SECRET")
    assert "SECRET" not in key and key == token_key("1000.CID", "1000.refresh-SECRET")
    assert key != token_key("1000.CID", "another")


def test_sandbox_mode_uses_the_file_store_under_home(tmp_path: Path) -> None:
    from config import load_settings

    settings = load_settings(home=tmp_path / "home", token_store="sqlite")
    store = build_token_store(settings)
    assert isinstance(store, FileTokenStore) and store.directory == tmp_path / "home" / "tokens"


def run_two_refreshers(kind: str, where: str, tmp_path: Path, key: str | None = None) -> list[str]:
    """Two processes refresh the same token at the same moment; returns their tokens."""
    counter = tmp_path / "refresh-count"
    start_line = tmp_path / "go"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    args = [sys.executable, str(WORKER), kind, where, str(counter), str(start_line)] + ([key] if key else [])
    procs = [
        subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
        for _ in range(2)
    ]
    deadline = time.monotonic() + 30
    while len(list(tmp_path.glob("go.ready.*"))) < 2 and time.monotonic() < deadline:
        time.sleep(0.02)  # both processes are ready and waiting at the start line
    start_line.touch()
    outs = []
    for proc in procs:
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        outs.append(out.strip())
    assert counter.read_text().count("refresh") == 1, "both processes refreshed"
    return outs


@pytest.mark.parametrize("kind", ["file", "sqlite"])
def test_two_processes_refresh_once(kind: str, tmp_path: Path) -> None:
    where = str(tmp_path / ("tokens" if kind == "file" else "tokens.sqlite3"))
    first, second = run_two_refreshers(kind, where, tmp_path, Fernet.generate_key().decode())
    assert first == second and first.startswith("1000.")
