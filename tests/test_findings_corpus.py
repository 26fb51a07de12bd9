"""The labelled findings corpora (benchmarks/findings_corpus/*.jsonl) are sound, and the checker catches
the mistakes a hand-labelled corpus gets wrong."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from benchmarks.findings_corpus.validate import KINDS, CorpusError, corpus_files, count, load_rows, main

CORPORA = corpus_files()


def test_there_is_a_test_corpus() -> None:
    assert "test.jsonl" in {p.name for p in CORPORA}


@pytest.mark.parametrize("path", CORPORA, ids=[p.name for p in CORPORA])
def test_corpus_file_is_sound(path: Path) -> None:
    rows = load_rows(path)  # raises CorpusError naming every bad line
    assert rows


def test_test_corpus_is_big_and_balanced_enough_to_measure() -> None:
    counts = count(load_rows(next(p for p in CORPORA if p.name == "test.jsonl")))
    assert counts.rows >= 260
    for kind in KINDS:
        assert counts.labels[kind]["positive"] >= 60, (kind, counts.labels[kind])
        assert counts.labels[kind]["negative"] >= 15, (kind, counts.labels[kind])
    assert counts.rows_without_positive >= 0.25 * counts.rows
    assert counts.rows_with_negative >= 0.35 * counts.rows


def _row(**change: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": "x1",
        "text": "Heard from Grace Schmidt that Aisha Murphy left. They want 20 more seats.",
        "contacts": [{"name": "Grace Schmidt", "title": "Ops"}, {"name": "Aisha Murphy", "title": "CFO"}],
        "labels": [
            {
                "kind": "contact_gone",
                "polarity": "positive",
                "subject": "Aisha Murphy",
                "sentence": "Aisha Murphy left.",
            },
            {"kind": "upsell_signal", "polarity": "positive", "subject": "account", "sentence": "20 more seats"},
        ],
    }
    return row | change


def _label(row: dict[str, Any], index: int, **change: Any) -> dict[str, Any]:
    labels = [dict(label) for label in row["labels"]]
    labels[index] |= change
    return row | {"labels": labels}


BROKEN = {
    "a subject that is not a contact": _label(_row(), 0, subject="Grace Smith"),
    "a sentence not in the text": _label(_row(), 0, sentence="Aisha Murphy has left."),
    "an account-level kind about a person": _label(_row(), 1, subject="Grace Schmidt"),
    "an unknown kind": _label(_row(), 1, kind="deal_stalled"),
    "an unknown polarity": _label(_row(), 1, polarity="maybe"),
    "both polarities for one finding": _row(
        labels=[*_row()["labels"], {**_row()["labels"][1], "polarity": "negative"}]
    ),
    "a missing field": {k: v for k, v in _row().items() if k != "contacts"},
    "an unexpected field": _row(note="x"),
    "two contacts with one name": _row(contacts=[{"name": "Aisha Murphy", "title": "a"}] * 2, labels=[]),
}


@pytest.mark.parametrize("row", BROKEN.values(), ids=list(BROKEN))
def test_checker_rejects(row: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(_row(id="ok")) + "\n" + json.dumps(row) + "\n")
    with pytest.raises(CorpusError, match=r"bad\.jsonl:2"):
        load_rows(path)


def test_checker_rejects_a_reused_id_and_accepts_a_sound_file(tmp_path: Path) -> None:
    good = tmp_path / "good.jsonl"
    good.write_text(json.dumps(_row()) + "\n\n" + json.dumps(_row(id="x2")) + "\n")
    assert count(load_rows(good)).labels["upsell_signal"] == {"positive": 2, "negative": 0}
    twice = tmp_path / "twice.jsonl"
    twice.write_text(json.dumps(_row()) + "\n" + json.dumps(_row()) + "\n")
    with pytest.raises(CorpusError, match="used twice"):
        load_rows(twice)


def test_command_line_prints_counts_and_fails_on_a_bad_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good, bad = tmp_path / "good.jsonl", tmp_path / "bad.jsonl"
    good.write_text(json.dumps(_row()) + "\n")
    bad.write_text("{not json\n")
    assert main([str(good)]) == 0
    assert '"rows":1' in capsys.readouterr().out
    assert main([str(good), str(bad)]) == 1
    assert "bad.jsonl:1: not JSON" in capsys.readouterr().err


def test_the_benchmark_scores_every_part_and_keeps_test_sentences_hidden() -> None:
    from benchmarks.findings import PARTS, TUNING_PARTS

    assert {f"{part}.jsonl" for part in PARTS} <= {p.name for p in CORPORA}
    assert "dev_blind" in TUNING_PARTS and not {"test", "test2"} & set(TUNING_PARTS)


def test_a_row_that_names_its_customer_is_read_as_that_account() -> None:
    from benchmarks.findings import detect

    row = _row()
    row["contacts"] = [{"name": "Kat Doyle", "title": "IT Manager"}]
    row["text"] = "Kat Doyle joined Harbourside Vets as IT Manager in May, she runs the rollout now."
    row["labels"] = []
    assert ("contact_gone", "Kat Doyle") in detect(row)[0]  # "Acme Corp": Harbourside is another employer
    assert detect({**row, "account": "Harbourside Vets"})[0] == set()  # a join to the account itself
    assert not _problems_of({**row, "account": "Harbourside Vets"})


def _problems_of(row: dict[str, Any]) -> list[str]:
    from benchmarks.findings_corpus.validate import CorpusRow, row_problems

    return row_problems(CorpusRow.model_validate(row))
