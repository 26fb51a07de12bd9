"""Triage pauses the garbage collector's full collections (``review.triage.young_collections_only``) and always
gives the collector back as it found it: nested, and when triage fails."""

from __future__ import annotations

import gc

import pytest

from review.triage import FULL_COLLECTIONS_AFTER, young_collections_only


def test_full_collections_wait_inside_and_the_collector_comes_back_as_it_was() -> None:
    before = gc.get_threshold()
    with young_collections_only():
        assert gc.get_threshold() == (before[0], before[1], FULL_COLLECTIONS_AFTER)
        assert gc.get_freeze_count() > 0
        with young_collections_only():  # the pipeline's block holds the triage's
            assert gc.get_threshold()[2] == FULL_COLLECTIONS_AFTER
        assert gc.get_threshold()[2] == FULL_COLLECTIONS_AFTER  # the inner block left the outer's pause alone
        assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_a_failing_triage_gives_the_collector_back() -> None:
    before = gc.get_threshold()
    with pytest.raises(RuntimeError), young_collections_only():
        raise RuntimeError("a detector failed")
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
