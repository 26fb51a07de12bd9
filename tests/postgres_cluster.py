"""A throwaway PostgreSQL cluster for tests: ``initdb`` + ``pg_ctl`` on a free 127.0.0.1 port.

Use it from a test module::

    from postgres_cluster import postgres_cluster, postgres_url  # noqa: F401  (fixtures)

    @pytest.mark.postgres
    def test_something(postgres_url: str) -> None: ...   # a fresh database per test

``postgres_cluster`` is session-scoped (one cluster per test session); ``postgres_url`` creates a new
database in it for each test. When the suite runs as root, the cluster runs as the system user
``sergas-pg`` (created with ``useradd`` if missing) via ``runuser``, since PostgreSQL refuses root.
Tests are skipped, with the reason, only when no PostgreSQL binaries are installed.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cli_support import free_port

PG_USER = "sergas-pg"


def find_pg_bin() -> Path | None:
    """The directory holding ``initdb`` and ``pg_ctl`` (both must be there), or None."""
    candidates = [Path("/usr/local/bin")]
    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    which = shutil.which("initdb")
    if which:
        candidates.insert(0, Path(which).resolve().parent)
    for directory in candidates:
        if (directory / "initdb").exists() and (directory / "pg_ctl").exists():
            return directory
    return None


def _ensure_user() -> None:
    try:
        pwd.getpwnam(PG_USER)
    except KeyError:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", PG_USER],
            check=True,
            capture_output=True,
        )


def _as_user(cmd: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return cmd
    return ["runuser", "-u", PG_USER, "--", *cmd]


@dataclass(frozen=True)
class PostgresCluster:
    url: str  # postgresql://postgres@127.0.0.1:<port>/postgres
    port: int
    data_dir: Path

    def database_url(self, name: str) -> str:
        return self.url.rsplit("/", 1)[0] + f"/{name}"

    def create_database(self, prefix: str = "t") -> str:
        """A new empty database; returns its URL."""
        import psycopg

        name = f"{prefix}_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.database_url(name)


@contextlib.contextmanager
def throwaway_cluster() -> Iterator[PostgresCluster]:
    """Start a cluster (trust auth, loopback only, fsync off); stop it with ``-m immediate`` after."""
    bin_dir = find_pg_bin()
    if bin_dir is None:
        pytest.skip("no PostgreSQL binaries (initdb/pg_ctl) in /usr/local/bin or /usr/lib/postgresql/*/bin")
    initdb, pg_ctl = str(bin_dir / "initdb"), str(bin_dir / "pg_ctl")
    root = Path(tempfile.mkdtemp(prefix="sergas-pg-"))
    root.chmod(0o755)
    if os.geteuid() == 0:
        _ensure_user()
        shutil.chown(root, user=PG_USER)
    data = root / "data"
    port = free_port()
    subprocess.run(
        _as_user([initdb, "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-instructions"]),
        check=True,
        capture_output=True,
    )
    opts = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
    started = subprocess.run(
        _as_user([pg_ctl, "-D", str(data), "-o", opts, "-l", str(root / "log"), "-w", "-t", "60", "start"]),
        capture_output=True,
        text=True,
    )
    if started.returncode != 0:
        log = (root / "log").read_text(errors="replace") if (root / "log").exists() else ""
        shutil.rmtree(root, ignore_errors=True)
        raise RuntimeError(f"pg_ctl start failed: {started.stderr}\n{log[-2000:]}")
    url = f"postgresql://postgres@127.0.0.1:{port}/postgres"
    try:
        _wait_ready(url)
        yield PostgresCluster(url=url, port=port, data_dir=data)
    finally:
        subprocess.run(_as_user([pg_ctl, "-D", str(data), "-m", "immediate", "-w", "stop"]), capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


def _wait_ready(url: str, seconds: float = 30.0) -> None:
    import psycopg

    deadline = time.monotonic() + seconds
    while True:
        try:
            with psycopg.connect(url, connect_timeout=2):
                return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[PostgresCluster]:
    """One throwaway cluster for the whole session."""
    with throwaway_cluster() as cluster:
        yield cluster


@pytest.fixture
def postgres_url(postgres_cluster: PostgresCluster) -> str:
    """A fresh, empty database in the session's cluster."""
    return postgres_cluster.create_database()
