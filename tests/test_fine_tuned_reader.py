"""The fine-tuned second reader (``review.language.fine_tuned``): its weights load, and with
``Thresholds.second_reader`` it changes churn and upsell verdicts in the direction ``benchmarks/fine_tuned_reader.py``
validated (adds what the rules miss, vetoes what they wrongly flag); without it, or without weights, the rules alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.findings import detect
from memory.embedding.minilm import ModelNotInstalledError
from review.language import fine_tuned
from review.language.fine_tuned import WEIGHTS, FineTunedReader, shared_reader
from review.signals import language


def _kinds(text: str, *, second_reader: bool) -> set[str]:
    row = {"id": "t", "text": text, "contacts": [{"name": "Rosa Marquez", "title": "COO"}], "labels": []}
    found, _ = detect(row, second_reader=second_reader)
    assert all(subject == "account" for kind, subject in found if kind != "contact_gone")
    return {kind for kind, _ in found}


def test_the_weights_are_small_and_load() -> None:
    assert WEIGHTS.stat().st_size <= 8_000_000
    chances = shared_reader().probabilities(
        ["Taylor wants another 40 seats for the Berlin team.", "Lunch with Taylor, we talked about her holiday."]
    )
    assert chances.shape == (2, 3)
    assert ((chances >= 0) & (chances <= 1)).all()
    assert chances[0, 2] > 0.9 > 0.1 > chances[1, 2]  # upsell: the request, not the lunch


def test_missing_weights_are_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(OSError):
        FineTunedReader(tmp_path / "missing.npz")


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Rosa needs a signed order form for the extra seats for Madrid and Valencia.", "upsell_signal"),
        ("Rosa says the new CIO is a Zendesk fan and wants a bake-off before renewal.", "churn_risk"),
    ],
)
def test_the_second_reader_adds_what_the_rules_miss(text: str, kind: str) -> None:
    assert kind not in _kinds(text, second_reader=False)
    assert kind in _kinds(text, second_reader=True)


def test_the_second_reader_vetoes_an_expansion_already_done() -> None:
    text = "Upgrade done last week, the 30 extra seats are live."
    assert "upsell_signal" in _kinds(text, second_reader=False)
    assert "upsell_signal" not in _kinds(text, second_reader=True)


def test_findings_the_model_agrees_with_stay() -> None:
    text = "Rosa's team is evaluating whether to keep us after the summer, they have a Zendesk quote."
    assert _kinds(text, second_reader=False) == _kinds(text, second_reader=True) == {"churn_risk"}


def test_without_weights_the_rules_read_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing() -> FineTunedReader:
        raise ModelNotInstalledError()

    monkeypatch.setattr(fine_tuned, "shared_reader", missing)
    monkeypatch.setattr(language, "_MISSING", [])
    text = "Upgrade done last week, the 30 extra seats are live."
    assert _kinds(text, second_reader=True) == _kinds(text, second_reader=False) == {"upsell_signal"}
    assert language._MISSING  # reported once, then not tried again
