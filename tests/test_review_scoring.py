"""Scoring a run's flags against the sandbox manifest."""

from __future__ import annotations

import pytest

from review.scoring import score_against_manifest

MANIFEST = {
    "anchor": "2025-06-02T00:00:00+00:00",
    "situations": [
        {"account_id": "a1", "kind": "deal_stalled", "evidence": ["d1"]},
        {"account_id": "a2", "kind": "churn_risk", "evidence": ["n2"]},
        {"account_id": "a3", "kind": "silent_account", "evidence": ["a3"]},
        {"account_id": "a4", "kind": "upsell_signal", "evidence": ["n4"]},
    ],
}


def test_recall_false_flags_and_missing_evidence() -> None:
    flagged = [
        {
            "account_id": "a1",
            "signals": [{"kind": "deal_stalled", "evidence": ["d1"]}, {"kind": "overdue_tasks", "evidence": ["t9"]}],
        },
        {"account_id": "a2", "signals": [{"kind": "churn_risk", "evidence": ["n2"]}]},
        {"account_id": "a3", "signals": [{"kind": "silent_account", "evidence": ["a3"]}]},
        {"account_id": "a5", "signals": [{"kind": "churn_risk", "evidence": ["ghost"]}]},
    ]
    score = score_against_manifest(flagged, MANIFEST, existing_ids={"d1", "n2", "a3", "t9"})
    assert score["recall"] == pytest.approx(3 / 4)
    assert score["false_flag_rate"] == pytest.approx(2 / 5)
    assert score["missing_evidence"] == ["ghost"]
    assert score["missed"] == [("a4", "upsell_signal")]
    assert score["per_kind"]["churn_risk"] == {"planted": 1, "found": 1, "false_flags": 1}


def test_two_signals_of_one_kind_on_one_account_count_once() -> None:
    flagged = [
        {
            "account_id": "a1",
            "signals": [{"kind": "deal_stalled", "evidence": ["d1"]}, {"kind": "deal_stalled", "evidence": ["d2"]}],
        }
    ]
    score = score_against_manifest(flagged, MANIFEST, existing_ids={"d1", "d2"})
    assert score["false_flag_rate"] == 0.0 and score["flagged_pairs"] == 1


def test_nothing_flagged() -> None:
    score = score_against_manifest([], MANIFEST, existing_ids=set())
    assert score["recall"] == 0.0 and score["false_flag_rate"] == 0.0
