"""The second reader's scores kept between runs (``review.language.score_store``): a later run reads them instead
of running the model, never across different weights, and a broken file costs time, not findings."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from config import load_settings
from integrations.zoho.models import CrmRecord
from review.language import fine_tuned
from review.language.fine_tuned import WEIGHTS, FineTunedReader
from review.language.reader import note_stems
from review.language.score_store import ScoreStore, weights_digest
from review.record_builders import TODAY, account, contact, note, org
from review.thresholds import DEFAULT_THRESHOLDS, thresholds_for
from review.triage import triage_org

SENTENCES = ["Taylor wants another 40 seats for the Berlin team.", "Lunch with Taylor, we talked about her holiday."]


def _scores(*values: float) -> np.ndarray:
    return np.array(values, dtype=np.float32)


def test_scores_come_back_from_the_file_in_a_new_process(tmp_path: Path) -> None:
    path = tmp_path / "scores.sqlite3"
    first = ScoreStore(path, "w1")
    first.put({"a": _scores(0.1, 0.2, 0.3), "b": _scores(0.9, 0.0, 1.0)})
    first.close()
    again = ScoreStore(path, "w1")
    got = again.get(["a", "b", "c"])
    assert set(got) == {"a", "b"}
    np.testing.assert_array_equal(got["a"], _scores(0.1, 0.2, 0.3))
    np.testing.assert_array_equal(got["b"], _scores(0.9, 0.0, 1.0))


def test_other_weights_never_read_the_scores_of_these(tmp_path: Path) -> None:
    path = tmp_path / "scores.sqlite3"
    old = ScoreStore(path, "old weights")
    new = ScoreStore(path, "new weights")  # starts the file over
    old.put({"a": _scores(0.1, 0.2, 0.3)})  # an older process still running writes after the newer one opened
    assert new.get(["a"]) == {}
    assert set(old.get(["a"])) == {"a"}


def test_the_file_keeps_the_newest_rows_only(tmp_path: Path) -> None:
    store = ScoreStore(tmp_path / "scores.sqlite3", "w", keep_rows=3)
    for name in "abcde":
        store.put({name: _scores(0, 0, 0)})
    assert set(store.get("abcde")) == {"c", "d", "e"}


def test_a_broken_file_is_logged_once_and_costs_only_time(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "scores.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    with caplog.at_level(logging.WARNING):
        store = ScoreStore(path, "w")
        store.put({"a": _scores(0.1, 0.2, 0.3)})
        assert store.get(["a"]) == {}
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "scores.sqlite3 is unusable, sentences are scored afresh" in warnings[0]


def test_a_reader_with_the_file_scores_as_before_and_a_later_one_needs_no_model(tmp_path: Path) -> None:
    path = tmp_path / "scores.sqlite3"
    plain = FineTunedReader().probabilities(SENTENCES)
    first = FineTunedReader(scores=path)
    np.testing.assert_allclose(first.probabilities(SENTENCES), plain, atol=1e-6)
    later = FineTunedReader(scores=path)
    np.testing.assert_allclose(later.probabilities(SENTENCES), plain, atol=1e-6)
    assert later._encoder is None  # every sentence came from the file: the model was never loaded
    later.probabilities(["Something new about Taylor."])
    assert later._encoder is not None


def test_the_weights_are_named_by_their_content(tmp_path: Path) -> None:
    copy = tmp_path / "copy.npz"
    copy.write_bytes(WEIGHTS.read_bytes())
    assert weights_digest(copy) == weights_digest(WEIGHTS)
    copy.write_bytes(WEIGHTS.read_bytes() + b"\0")
    assert weights_digest(copy) != weights_digest(WEIGHTS)


def test_every_triage_keeps_its_scores_under_the_state_folder(tmp_path: Path) -> None:
    settings = load_settings(home=tmp_path / "home")
    assert thresholds_for(settings).second_reader_scores == settings.state_dir / "second_reader_scores.sqlite3"


def test_a_file_another_run_is_writing_skips_these_scores_and_keeps_the_next(tmp_path: Path) -> None:
    path = tmp_path / "scores.sqlite3"
    store = ScoreStore(path, "w")
    store._conn.execute("PRAGMA busy_timeout=50")  # type: ignore[union-attr]
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # the nightly review writes while the listener scores
    store.put({"a": _scores(0.1, 0.2, 0.3)})
    other.execute("ROLLBACK")
    other.close()
    store.put({"b": _scores(0.4, 0.5, 0.6)})
    assert set(store.get(["a", "b"])) == {"b"}  # "a" is scored again next time; the file still works


def test_the_next_nights_triage_finds_every_score_in_the_file_and_never_loads_the_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    acc = account(name="Lumen Biotech", revenue=100_000)
    records = org(
        acc,
        contact(acc.id, first="Rosa", last="Marquez"),
        note(acc.id, "Rosa needs a signed order form for the extra seats for Madrid and Valencia.", days_ago=5),
        note(acc.id, "Rosa hinted the board wants a cheaper tool before renewal.", days_ago=6),
        note(acc.id, "Lunch with Rosa, we talked about her holiday.", days_ago=7),
    )
    on = DEFAULT_THRESHOLDS.model_copy(update={"second_reader": True, "second_reader_scores": tmp_path / "s.sqlite3"})
    readers: list[FineTunedReader] = []

    def new_process(scores: Path | None = None) -> FineTunedReader:  # a new reader every time: nothing in memory
        readers.append(FineTunedReader(scores=scores))
        return readers[-1]

    monkeypatch.setattr(fine_tuned, "shared_reader", new_process)
    first = {s.kind for s in triage_org(records, today=TODAY, thresholds=on)[0].signals}
    fine_tuned._note.cache_clear()
    note_stems.cache_clear()
    loaded = len(readers)
    second = {s.kind for s in triage_org(records, today=TODAY, thresholds=on)[0].signals}
    assert {"upsell_signal", "churn_risk"} <= first == second
    assert len(readers) > loaded and all(r._encoder is None for r in readers[loaded:])


def _planted_org() -> dict[str, list[CrmRecord]]:
    acc = account(name="Lumen Biotech", revenue=100_000)
    return org(
        acc,
        contact(acc.id, first="Rosa", last="Marquez"),
        note(acc.id, "Rosa needs a signed order form for the extra seats for Madrid and Valencia.", days_ago=5),
        note(acc.id, "Rosa hinted the board wants a cheaper tool before renewal.", days_ago=6),
        note(acc.id, "Lunch with Rosa, we talked about her holiday.", days_ago=7),
    )


def test_the_next_night_reads_one_opinion_per_note_and_never_a_sentence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    on = DEFAULT_THRESHOLDS.model_copy(update={"second_reader": True, "second_reader_scores": tmp_path / "s.sqlite3"})
    first = triage_org(_planted_org(), today=TODAY, thresholds=on)[0].signals
    asked: list[int] = []
    real_scores = FineTunedReader.scores

    def counted(self: FineTunedReader, keys: list[str], text_of: object) -> np.ndarray:
        asked.append(len(keys))
        return real_scores(self, keys, text_of)  # type: ignore[arg-type]

    monkeypatch.setattr(FineTunedReader, "scores", counted)
    monkeypatch.setattr(fine_tuned, "shared_reader", lambda scores=None: FineTunedReader(scores=scores))
    again = triage_org(_planted_org(), today=TODAY, thresholds=on)[0].signals
    assert [s.kind for s in again] == [s.kind for s in first]
    assert asked == []  # each note's opinion came from the file: no sentence was looked up, split or scored


def test_a_new_release_works_its_opinions_out_again_from_the_kept_sentence_scores(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    on = DEFAULT_THRESHOLDS.model_copy(update={"second_reader": True, "second_reader_scores": tmp_path / "s.sqlite3"})
    first = {s.kind for s in triage_org(_planted_org(), today=TODAY, thresholds=on)[0].signals}
    readers: list[FineTunedReader] = []

    def new_process(scores: Path | None = None) -> FineTunedReader:
        readers.append(FineTunedReader(scores=scores))
        return readers[-1]

    monkeypatch.setattr(fine_tuned, "shared_reader", new_process)
    monkeypatch.setattr(fine_tuned, "_CODE", "the next release")  # how notes are split or the lexicon may differ
    again = {s.kind for s in triage_org(_planted_org(), today=TODAY, thresholds=on)[0].signals}
    assert {"upsell_signal", "churn_risk"} <= first == again
    assert readers and all(r._encoder is None for r in readers)  # the sentences' scores were kept: no model


def test_an_opinion_survives_the_file_as_it_was_worked_out() -> None:
    opinion = fine_tuned.Opinion(highest=(0.25, 0.875), adds=(None, 3))
    assert fine_tuned.Opinion.of_vector(opinion.vector()) == opinion
