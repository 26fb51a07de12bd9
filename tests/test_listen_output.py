"""The line ``listen`` prints for each account it reviews: account, health, who reviewed it, what was queued."""

from __future__ import annotations

from datetime import datetime

from cli.listen_command import review_line
from listener.review_adapter import ListenerReviewResult

AT = datetime(2026, 12, 4, 9, 30, 5)


def _line(**fields: object) -> str:
    base: dict[str, object] = {
        "account_id": "642100",
        "account_name": "Delta Capital LLC",
        "score": 55,
        "flagged": True,
    }
    return review_line(ListenerReviewResult.model_validate({"reviewed_by": "rules", **base, **fields}), at=AT).plain


def test_a_flagged_account_says_what_was_queued() -> None:
    line = _line(recommendation_ids=["r1", "r2"], already_queued=1)
    assert line == (
        "09:30:05 reviewed Delta Capital LLC (642100): health 55, rule-based review: 1 proposal(s) queued, "
        "1 already waiting"
    )
    agent = _line(reviewed_by="agent", recommendation_ids=["r1"], cost_usd=0.0123, note="slow")
    assert "agent review: 1 proposal(s) queued, $0.0123 (slow)" in agent


def test_an_unflagged_account_and_a_hostile_name() -> None:
    assert _line(flagged=False, score=92, reviewed_by="none").endswith("health 92, nothing flagged")
    assert "\x1b" not in _line(account_name="Evil\x1b[2J Corp", flagged=False)
