"""Every state-store test again on PostgreSQL, on a throwaway cluster (initdb + pg_ctl, run as a
non-root user when the suite runs as root). Uses ``tests/postgres_cluster.py`` when present."""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr
from test_state_store import *  # noqa: F403  (re-collected here with the PostgreSQL ``store`` fixture)

from config import load_settings
from state.store import StateStore

pytestmark = pytest.mark.postgres
del test_open_is_idempotent_and_sqlite_file_is_private  # noqa: F821  (SQLite-only: about the file)

INITDB = shutil.which("initdb") or "/usr/local/bin/initdb"
PG_CTL = shutil.which("pg_ctl") or "/usr/local/bin/pg_ctl"
PG_USER = "sergaspg"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_user(cmd: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return cmd
    try:
        pwd.getpwnam(PG_USER)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", PG_USER], check=True)
    return ["runuser", "-u", PG_USER, "--", *cmd]


@contextlib.contextmanager
def throwaway_cluster() -> Iterator[str]:
    """Start a PostgreSQL cluster on a free loopback port; yield its ``postgresql://`` URL."""
    if not Path(INITDB).exists():
        pytest.skip("initdb not installed")
    root = Path(tempfile.mkdtemp(prefix="sergas-pg-"))
    root.chmod(0o755)
    data = root / "data"
    if os.geteuid() == 0:
        _as_user(["true"])  # creates the user
        shutil.chown(root, user=PG_USER)
    port = _free_port()
    subprocess.run(_as_user([INITDB, "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8"]),
                   check=True, capture_output=True)
    opts = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off"
    subprocess.run(_as_user([PG_CTL, "-D", str(data), "-o", opts, "-l", str(root / "log"), "-w", "start"]),
                   check=True, capture_output=True)
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(_as_user([PG_CTL, "-D", str(data), "-m", "immediate", "stop"]), capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    with throwaway_cluster() as url:
        yield url


@pytest.fixture
def pg_database(pg_url: str) -> str:
    """A fresh database per test in the session's cluster."""
    import psycopg

    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return pg_url.rsplit("/", 1)[0] + "/" + name


@pytest.fixture
def store(pg_database: str, tmp_path: Path) -> Iterator[StateStore]:
    settings = load_settings(home=tmp_path / "home", database_url=SecretStr(pg_database))
    with StateStore.open(settings) as opened:
        assert opened.backend == "postgresql"
        yield opened


def test_open_twice_concurrently_creates_schema_once(pg_database: str, tmp_path: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    settings = load_settings(home=tmp_path / "home", database_url=SecretStr(pg_database))
    with ThreadPoolExecutor(4) as pool:
        stores = list(pool.map(lambda _: StateStore.open(settings), range(4)))
    assert not (settings.state_dir / "state.db").exists()
    for s in stores:
        s.close()


def test_unreachable_postgres_is_a_state_store_error(tmp_path: Path) -> None:
    from state.errors import StateStoreUnavailable

    settings = load_settings(home=tmp_path / "home",
                             database_url=SecretStr(f"postgresql://x@127.0.0.1:{_free_port()}/db"))
    started = time.monotonic()
    with pytest.raises(StateStoreUnavailable):
        StateStore.open(settings, busy_timeout_seconds=2)
    assert time.monotonic() - started < 10


def test_lock_timeout_is_state_store_locked(pg_database: str, tmp_path: Path) -> None:
    import psycopg

    from state.errors import StateStoreLocked

    settings = load_settings(home=tmp_path / "home", database_url=SecretStr(pg_database))
    store = StateStore.open(settings, busy_timeout_seconds=1)
    with psycopg.connect(pg_database) as holder:
        holder.execute("LOCK TABLE recommendations IN ACCESS EXCLUSIVE MODE")
        with pytest.raises(StateStoreLocked, match="locked by another process; retry"):
            store.enqueue(task())  # noqa: F405
    assert store.enqueue(task())[1]  # noqa: F405
    store.close()
