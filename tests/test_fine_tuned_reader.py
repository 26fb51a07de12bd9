"""The fine-tuned second reader (``review.language.fine_tuned``): its weights load, and with
``Thresholds.second_reader`` it changes churn and upsell verdicts in the direction ``benchmarks/fine_tuned_reader.py``
validated (adds what the rules miss, vetoes what they wrongly flag); without it, or without weights, the rules alone."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from benchmarks.findings import detect
from memory.embedding.minilm import ModelNotInstalledError
from review.language import fine_tuned
from review.language.fine_tuned import WEIGHTS, FineTunedReader, shared_reader
from review.record_builders import TODAY, account, contact, deal, note, org
from review.signals import language
from review.thresholds import DEFAULT_THRESHOLDS
from review.triage import triage_org


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
        ("Rosa hinted the board wants a cheaper tool before renewal.", "churn_risk"),
    ],
)
def test_the_second_reader_adds_what_the_rules_miss(text: str, kind: str) -> None:
    assert kind not in _kinds(text, second_reader=False)
    assert kind in _kinds(text, second_reader=True)


def test_a_finding_the_second_reader_adds_says_so_once() -> None:
    row = {"text": "Rosa hinted the board wants a cheaper tool before renewal.", "contacts": [{"name": "Rosa Marquez"}]}
    _, said = detect(row, second_reader=True)
    quote = "\u201cRosa hinted the board wants a cheaper tool before renewal.\u201d"
    assert said[("churn_risk", "account")].endswith(f"has churn language (read by the second reader): {quote}")


def test_the_second_reader_vetoes_an_expansion_already_done() -> None:
    text = "Upgrade done last week, the 30 extra seats are live."
    assert "upsell_signal" in _kinds(text, second_reader=False)
    assert "upsell_signal" not in _kinds(text, second_reader=True)


def test_the_second_reader_reads_a_negated_search_for_vendors_as_no_risk() -> None:
    """Trained with the negation and stance part (dev_w6): the first weights added churn here (0.93)."""
    text = "Rosa said they won't be looking at other vendors this year."
    assert _kinds(text, second_reader=True) == _kinds(text, second_reader=False) == set()


def test_findings_the_model_agrees_with_stay() -> None:
    text = "Rosa's team is evaluating whether to keep us after the summer, they have a Zendesk quote."
    assert _kinds(text, second_reader=False) == _kinds(text, second_reader=True) == {"churn_risk"}


def test_without_weights_the_rules_read_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(scores: Path | None = None) -> FineTunedReader:
        raise ModelNotInstalledError()

    monkeypatch.setattr(fine_tuned, "shared_reader", missing)
    monkeypatch.setattr(language, "_MISSING", [])
    text = "Upgrade done last week, the 30 extra seats are live."
    assert _kinds(text, second_reader=True) == _kinds(text, second_reader=False) == {"upsell_signal"}
    assert language._MISSING  # reported once, then not tried again


def test_triage_scores_the_candidate_sentences_in_one_batch_and_reads_deal_names_as_the_deal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    acc = account(name="Lumen Biotech", revenue=100_000)
    seats = note(acc.id, "Rosa needs a signed order form for the extra seats for Madrid and Valencia.", days_ago=5)
    records = org(
        acc,
        contact(acc.id, first="Rosa", last="Marquez"),
        deal(acc.id, name="Lumen Biotech - Analytics Add-on"),
        seats,
        note(acc.id, "demo for Rosa's team on Lumen Biotech - Analytics Add-on; agreed next step: call", days_ago=6),
    )
    fresh = FineTunedReader()  # nothing cached yet
    batches: list[int] = []
    encoder = fresh._encoder_now()
    pooled = encoder.pooled

    def counted(texts: list[str]) -> Any:
        batches.append(len(texts))
        return pooled(texts)

    monkeypatch.setattr(encoder, "pooled", counted)
    monkeypatch.setattr(fine_tuned, "shared_reader", lambda scores=None: fresh)
    on = DEFAULT_THRESHOLDS.model_copy(update={"second_reader": True})
    [triage] = triage_org(records, today=TODAY, thresholds=on)
    assert len(batches) == 1  # scored before triage reads the notes one by one; the reads find them scored
    [upsell] = [s for s in triage.signals if s.kind == "upsell_signal"]
    assert upsell.evidence == [seats.id]  # the deal's name ("... Analytics Add-on") is no wish for an add-on


def _second_reader_kinds(text: str, deal_name: str | None = None) -> set[str]:
    acc = account(name="Lumen Biotech", revenue=100_000)
    records = [acc, contact(acc.id, first="Rosa", last="Marquez"), note(acc.id, text, days_ago=5)]
    if deal_name:
        records.append(deal(acc.id, name=deal_name))
    on = DEFAULT_THRESHOLDS.model_copy(update={"second_reader": True})
    [triage] = triage_org(org(*records), today=TODAY, thresholds=on)
    return {s.kind for s in triage.signals}


def test_the_second_reader_adds_nothing_from_a_deal_s_own_progress_or_a_wish_undone_later() -> None:
    said = "demo for Rosa's team on Lumen Biotech - Support Plan; agreed next step: send proposal"
    assert "upsell_signal" not in _second_reader_kinds(said, "Lumen Biotech - Support Plan")  # the deal is in the CRM
    asked = "Rosa asked about Tally Sync for the Zurich team."
    assert "upsell_signal" in _second_reader_kinds(asked)
    assert "upsell_signal" not in _second_reader_kinds(asked + " it was retired last year, nothing to quote.")
