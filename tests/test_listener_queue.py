"""The persisted callback queue, the daily ledger and the verification token, on real SQLite files."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from listener.callback_queue import CallbackQueue
from listener.ledger import DailyLedger
from listener.verification_token import MAX_TOKEN_CHARS, TokenTooLong, load_or_create_token, token_matches


def _put(queue: CallbackQueue, account: str, at: float) -> int:
    return queue.put(
        {"module": "Accounts", "ids": [account], "operation": "update"},
        module="Accounts",
        operation="update",
        received_at=at,
    )


def test_queue_survives_reopen_and_acks_only_what_was_reviewed(tmp_path: Path) -> None:
    path = tmp_path / "queue.db"
    queue = CallbackQueue(path)
    for i in range(6):
        _put(queue, f"A{i % 2}", 100.0 + i * 0.1)
    queue.close()

    queue = CallbackQueue(path)  # a restart: nothing lost
    assert queue.depth() == 6
    for callback in queue.unresolved(now=200.0):
        queue.mark_resolved(callback, {str(callback.body["ids"][0])})
    assert queue.unresolved(now=200.0) == []
    assert queue.accounts_waiting() == 2

    # debounce: the last change of each account came at 100.4/100.5; not quiet yet at 100.6
    assert queue.due_accounts(100.6, quiet_seconds=0.3, max_wait_seconds=60) == []
    due = queue.due_accounts(101.0, quiet_seconds=0.3, max_wait_seconds=60)
    assert sorted((d.account_id, d.changes) for d in due) == [("A0", 3), ("A1", 3)]

    # a change arriving while A0 is being reviewed is not acked with it
    late = _put(queue, "A0", 101.0)
    queue.mark_resolved(queue.unresolved(now=101.0)[0], {"A0"})
    queue.ack_accounts(due)
    assert queue.depth() == 1
    remaining = queue.due_accounts(102.0, quiet_seconds=0.3, max_wait_seconds=60)
    assert [(d.account_id, d.up_to_callback) for d in remaining] == [("A0", late)]


def test_failed_review_is_deferred_with_backoff(tmp_path: Path) -> None:
    queue = CallbackQueue(tmp_path / "queue.db")
    _put(queue, "A1", 10.0)
    queue.mark_resolved(queue.unresolved(now=10.0)[0], {"A1"})
    due = queue.due_accounts(11.0, quiet_seconds=0.3, max_wait_seconds=60)
    queue.defer_accounts(["A1"], error="boom", next_attempt_at=15.0)
    assert queue.due_accounts(12.0, quiet_seconds=0.3, max_wait_seconds=60) == []
    again = queue.due_accounts(15.0, quiet_seconds=0.3, max_wait_seconds=60)
    assert [(d.account_id, d.attempts) for d in again] == [("A1", 1)]
    queue.ack_accounts(due)
    assert queue.depth() == 0


def test_constant_edits_do_not_starve_an_account(tmp_path: Path) -> None:
    queue = CallbackQueue(tmp_path / "queue.db")
    for i in range(50):  # an edit every 0.1 s for 5 s: never quiet for 0.3 s
        _put(queue, "busy", 100.0 + i * 0.1)
    for callback in queue.unresolved(now=200.0):
        queue.mark_resolved(callback, {"busy"})
    assert queue.due_accounts(104.95, quiet_seconds=0.3, max_wait_seconds=10) == []
    due = queue.due_accounts(110.0, quiet_seconds=0.3, max_wait_seconds=10)
    assert [d.account_id for d in due] == ["busy"]


def test_callback_touching_no_account_is_done(tmp_path: Path) -> None:
    queue = CallbackQueue(tmp_path / "queue.db")
    _put(queue, "x", 1.0)
    queue.mark_resolved(queue.unresolved(now=2.0)[0], set())
    assert queue.depth() == 0


def test_ledger_budget_is_per_day_and_persisted(tmp_path: Path) -> None:
    now = [1_700_000_000.0]
    ledger = DailyLedger(tmp_path / "queue.db", daily_budget_usd=5.0, clock=lambda: now[0])
    ledger.record_reviews(reviews=2, agent_reviews=2, spent_usd=4.0)
    ledger.record_refused()
    ledger.close()
    ledger = DailyLedger(tmp_path / "queue.db", daily_budget_usd=5.0, clock=lambda: now[0])
    assert (ledger.spent_today(), ledger.remaining_today(), ledger.reviews_today()) == (4.0, 1.0, 2)
    assert ledger.refused_today() == 1
    ledger.record_reviews(reviews=1, agent_reviews=1, spent_usd=3.0)
    assert ledger.remaining_today() == 0.0
    now[0] += 86_400  # the next day starts afresh
    assert (ledger.spent_today(), ledger.remaining_today(), ledger.reviews_today()) == (0.0, 5.0, 0)


def test_token_generated_once_and_kept_private(tmp_path: Path) -> None:
    token = load_or_create_token(tmp_path / "listener")
    assert 0 < len(token) <= MAX_TOKEN_CHARS
    assert load_or_create_token(tmp_path / "listener") == token
    mode = stat.S_IMODE((tmp_path / "listener" / "token").stat().st_mode)
    assert mode == 0o600
    assert load_or_create_token(tmp_path / "listener", "configured") == "configured"
    with pytest.raises(TokenTooLong, match="at most 50"):
        load_or_create_token(tmp_path / "listener", "x" * 51)


def test_token_compare() -> None:
    assert token_matches("abc", "abc")
    assert not token_matches("abc", "abd")
    assert not token_matches("abc", None)
    assert not token_matches("abc", "")
    assert not token_matches("abc", 123)
