"""The PostgreSQL token store on a throwaway cluster: round trip, encryption, and two processes
refreshing at once (advisory lock → exactly one refresh)."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from postgres_cluster import postgres_cluster, postgres_url  # noqa: F401  (fixtures)
from test_token_store import _record, run_two_refreshers

from integrations.zoho.token_store import SecretCodec
from integrations.zoho.token_store.postgres_store import PostgresTokenStore

pytestmark = pytest.mark.postgres


def test_round_trip_encrypted(postgres_url: str) -> None:  # noqa: F811
    import psycopg

    store = PostgresTokenStore(postgres_url, codec=SecretCodec(Fernet.generate_key().decode()))
    store.save(_record())
    store.save(_record())  # upsert
    got = store.get("k1")
    assert got is not None and got.refresh_token.get_secret_value() == "1000.refresh-SECRET"
    with psycopg.connect(postgres_url) as conn:
        raw = conn.execute("SELECT refresh_token FROM sergas_zoho_tokens").fetchall()
    assert len(raw) == 1 and "refresh-SECRET" not in raw[0][0]
    assert store.keys() == ["k1"]
    store.delete("k1")
    assert store.get("k1") is None
    store.close()


def test_two_processes_refresh_once(postgres_url: str, tmp_path: Path) -> None:  # noqa: F811
    PostgresTokenStore(postgres_url).close()  # create the table before the race
    first, second = run_two_refreshers("postgres", postgres_url, tmp_path)
    assert first == second and first.startswith("1000.")
