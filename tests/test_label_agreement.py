"""benchmarks/label_agreement.py: a second annotator scored against the writer's labels, and the note reader
scored against each and on the findings both agree on."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import benchmarks.findings_corpus.parts
import benchmarks.label_agreement
from benchmarks.label_agreement import agreement

CONTACTS = [{"name": "Grace Schmidt", "title": "Ops"}, {"name": "Aisha Murphy", "title": "CFO"}]


def _gone(who: str, sentence: str) -> dict[str, str]:
    return {"kind": "contact_gone", "polarity": "positive", "subject": who, "sentence": sentence}


def _churn(sentence: str) -> dict[str, str]:
    return {"kind": "churn_risk", "polarity": "positive", "subject": "account", "sentence": sentence}


ROWS = [
    {"id": "r1", "text": "Aisha Murphy left the company.", "contacts": CONTACTS},
    {"id": "r2", "text": "Procurement wants three competitor quotes, standard policy.", "contacts": CONTACTS},
    {"id": "r3", "text": "Lunch with Grace, all good.", "contacts": CONTACTS},
]
WRITER = {"r1": [_gone("Aisha Murphy", "Aisha Murphy left the company.")], "r2": [], "r3": []}


def _write(folder: Path, name: str, labels: dict[str, list[dict[str, str]]]) -> None:
    lines = [json.dumps(row | {"labels": labels[str(row["id"])]}) for row in ROWS]
    (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture
def corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(benchmarks.findings_corpus.parts, "CORPUS", tmp_path)
    monkeypatch.setattr(benchmarks.label_agreement, "CORPUS", tmp_path)
    _write(tmp_path, "test.jsonl", WRITER)
    return tmp_path


def _pr(result: dict[str, Any], key: str, kind: str) -> tuple[float, float]:
    return result[key][kind]["precision"], result[key][kind]["recall"]


def test_a_second_reader_who_agrees_scores_full_marks(corpus: Path) -> None:
    _write(corpus, "test.second_reader.jsonl", WRITER)
    result = agreement("test")
    assert _pr(result, "second_reader_vs_writer", "contact_gone") == (1.0, 1.0)
    assert _pr(result, "reader_vs_writer", "contact_gone") == (1.0, 1.0)


def test_a_disagreement_counts_against_the_second_reader_and_is_left_out_of_the_agreed_set(corpus: Path) -> None:
    disagreeing = WRITER | {"r2": [_churn("Procurement wants three competitor quotes, standard policy.")]}
    _write(corpus, "test.second_reader.jsonl", disagreeing)
    result = agreement("test")
    assert _pr(result, "second_reader_vs_writer", "churn_risk") == (0.0, 1.0)  # one finding, not the writer's
    agreed = result["reader_on_agreed_findings"]["churn_risk"]
    assert agreed["expected"] == 0  # only one annotator gave it: neither expected nor held against the reader


def test_a_second_reading_that_lacks_rows_is_refused(corpus: Path) -> None:
    (corpus / "test.second_reader.jsonl").write_text(json.dumps(ROWS[0] | {"labels": []}) + "\n", encoding="utf-8")
    with pytest.raises(SystemExit, match="lacks 2 rows"):
        agreement("test")
