"""The state store's parts the inbox uses, on SQLite and PostgreSQL: sessions (hashed keys, expiry, sign-out,
revoking a user's sessions), the queue's refs without proposals, a page of recommendations by id, and each
account's latest review score."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from inbox_support import task_for
from postgres_cluster import postgres_cluster, postgres_url  # noqa: F401  (fixtures)
from pydantic import SecretStr

from config import load_settings
from state.store import StateStore


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2031, 1, 1, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def clocked(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[StateStore, Clock]]:
    clock = Clock()
    url = SecretStr(request.getfixturevalue("postgres_url")) if request.param == "postgresql" else None
    settings = load_settings(home=tmp_path / "home", database_url=url)
    with StateStore.open(settings, clock=clock) as store:
        assert store.backend == request.param
        yield store, clock


def test_sessions_expire_sign_out_and_can_be_revoked_per_user(clocked: tuple[StateStore, Clock]) -> None:
    store, clock = clocked
    for key, user_id in (("a" * 64, "u1"), ("b" * 64, "u1"), ("c" * 64, "u2")):
        store.create_web_session(key, kind="session", data={"user_id": user_id}, csrf_token="t", ttl_seconds=60)
    assert store.web_session("a" * 64) is not None and store.web_session("a" * 64).data == {"user_id": "u1"}  # type: ignore[union-attr]
    assert store.delete_web_session("a" * 64) and store.web_session("a" * 64) is None
    assert store.delete_web_sessions(user_id="u1") == 1 and store.web_session("b" * 64) is None
    clock.now += timedelta(seconds=61)
    assert store.web_session("c" * 64) is None  # expired
    store.create_web_session("d" * 64, kind="signin", data={}, csrf_token="t", ttl_seconds=60)  # purges expired
    clock.now -= timedelta(seconds=61)
    assert store.web_session("c" * 64) is None


def test_refs_pages_and_latest_scores(clocked: tuple[StateStore, Clock]) -> None:
    store, clock = clocked
    recs = []
    for n, account in enumerate(("101", "102", "101")):
        clock.now += timedelta(seconds=1)
        recs.append(store.enqueue(task_for(account, f"Distinct errand {n} kilo{n} lima{n}"))[0])
    store.decide(recs[1].id, "rejected", by="x", reason="no")
    refs = store.recommendation_refs(status=["pending", "failed"])
    assert [(r.id, r.account_id, r.kind) for r in refs] == [
        (recs[0].id, "101", "create_task"),
        (recs[2].id, "101", "create_task"),
    ]
    assert [r.id for r in store.get_recommendations([recs[2].id, "nope", recs[0].id])] == [recs[2].id, recs[0].id]
    for score, account in ((40.0, "101"), (90.0, "102")):
        store.save_review_result(store.start_run("review", {}), account, score, [{"kind": "silent_account"}], [])
    clock.now += timedelta(seconds=5)
    store.save_review_result(store.start_run("review", {}), "101", 75.0, [], [])
    assert store.latest_review_scores(["101", "102", "103"]) == {"101": 75.0, "102": 90.0}
    latest = store.latest_review_results(["101"])
    assert latest["101"].score == 75.0 and latest["101"].signals == []
