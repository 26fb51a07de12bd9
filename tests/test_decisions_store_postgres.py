"""The decisions tests of test_decisions_store.py again on PostgreSQL (the ``store`` fixture is
overridden; the throwaway cluster comes from tests/postgres_cluster.py), including the in-place schema
upgrade of an existing database, and a proposal row stored by the flat model before the union."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from postgres_cluster import postgres_cluster, postgres_url  # noqa: F401  (fixtures)
from pydantic import SecretStr
from test_decisions_store import *  # noqa: F403  (re-collected here with the PostgreSQL ``store`` fixture)
from test_proposal_union import (  # noqa: F401  (re-collected here too)
    test_a_row_written_by_the_old_model_loads_from_the_store_and_is_written_back_in_the_new_shape,
)

from config import load_settings
from state.store import StateStore

pytestmark = pytest.mark.postgres


@pytest.fixture
def store(postgres_url: str, tmp_path: Path) -> Iterator[StateStore]:  # noqa: F811
    settings = load_settings(home=tmp_path / "home", database_url=SecretStr(postgres_url))
    with StateStore.open(settings) as opened:
        assert opened.backend == "postgresql"
        yield opened
