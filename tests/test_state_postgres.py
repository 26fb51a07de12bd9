"""Every state-store test again on PostgreSQL (the ``store`` fixture is overridden; the tests are
imported from test_state_store.py), plus PostgreSQL-only checks. The throwaway cluster comes from
tests/postgres_cluster.py (initdb + pg_ctl, run as a non-root user when the suite runs as root)."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from postgres_cluster import postgres_cluster, postgres_url  # noqa: F401  (fixtures)
from pydantic import SecretStr
from test_state_store import *  # noqa: F403  (re-collected here with the PostgreSQL ``store`` fixture)

from config import load_settings
from state.errors import StateStoreLocked, StateStoreUnavailable
from state.store import StateStore

pytestmark = pytest.mark.postgres
del test_open_is_idempotent_and_sqlite_file_is_private  # noqa: F821  (SQLite-only: about the file)


@pytest.fixture
def store(postgres_url: str, tmp_path: Path) -> Iterator[StateStore]:  # noqa: F811
    settings = load_settings(home=tmp_path / "home", database_url=SecretStr(postgres_url))
    with StateStore.open(settings) as opened:
        assert opened.backend == "postgresql"
        yield opened


def test_plain_postgresql_urls_use_psycopg3(postgres_url: str, tmp_path: Path) -> None:  # noqa: F811
    assert postgres_url.startswith("postgresql://")
    settings = load_settings(home=tmp_path / "home", database_url=SecretStr(postgres_url))
    with StateStore.open(settings) as opened:
        assert opened._engine.dialect.driver == "psycopg"


def test_concurrent_opens_create_the_schema_once(postgres_url: str, tmp_path: Path) -> None:  # noqa: F811
    settings = load_settings(home=tmp_path / "home", database_url=SecretStr(postgres_url))
    with ThreadPoolExecutor(4) as pool:
        stores = list(pool.map(lambda _: StateStore.open(settings), range(4)))
    assert not (settings.state_dir / "state.db").exists()  # nothing on disk with PostgreSQL
    stores[0].enqueue(task())  # noqa: F405
    assert len(stores[3].list_recommendations()) == 1
    for s in stores:
        s.close()


def test_lock_timeout_is_state_store_locked(postgres_url: str, tmp_path: Path) -> None:  # noqa: F811
    import psycopg

    settings = load_settings(home=tmp_path / "home", database_url=SecretStr(postgres_url))
    store = StateStore.open(settings, busy_timeout_seconds=1)
    with psycopg.connect(postgres_url) as holder:
        holder.execute("LOCK TABLE recommendations IN ACCESS EXCLUSIVE MODE")
        with pytest.raises(StateStoreLocked, match="locked by another process; retry"):
            store.enqueue(task())  # noqa: F405
    assert store.enqueue(task())[1]  # noqa: F405
    store.close()


def test_unreachable_postgres_is_state_store_unavailable(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings = load_settings(home=tmp_path / "home", database_url=SecretStr(f"postgresql://x@127.0.0.1:{port}/db"))
    started = time.monotonic()
    with pytest.raises(StateStoreUnavailable):
        StateStore.open(settings, busy_timeout_seconds=2)
    assert time.monotonic() - started < 10
