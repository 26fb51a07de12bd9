"""Misspelt trigger words are read as meant, by class (one slip), not only the misspellings listed in TYPOS."""

from __future__ import annotations

import pytest

from review.language import Person, read_text
from review.language.spelling import as_written_meant, meant
from review.lexicon import TYPOS

PEOPLE = (Person("Aisha Murphy", "Aisha", "Murphy", "VP Finance"), Person("Grace Schmidt", "Grace", "Schmidt"))


@pytest.mark.parametrize(
    ("typed", "word"),
    [
        ("reisgned", "resigned"),  # two letters swapped
        ("cancellaton", "cancellation"),  # a letter missing
        ("compatitor", "competitor"),  # a letter wrong
        ("swiitching", "switching"),  # a letter added
        ("expanssion", "expansion"),
    ],
)
def test_one_slip_is_read_as_meant(typed: str, word: str) -> None:
    assert typed not in TYPOS  # the class covers what no list has seen
    assert meant(typed) == word


@pytest.mark.parametrize(
    "word",
    ["retried", "chopping", "sender", "cancels", "renewals", "contact", "complain", "leading", "Resigned", "seats"],
)
def test_real_words_other_forms_and_capitals_are_left_alone(word: str) -> None:
    assert meant(word) is None


def test_a_capitalised_word_may_be_a_name_and_is_kept() -> None:
    assert as_written_meant("Resgned said they are swtiching vendors") == "Resgned said they are switching vendors"


@pytest.mark.parametrize(
    ("text", "kind", "subject"),
    [
        ("Aisha resgined last week, Grace is taking over.", "contact_gone", 0),
        ("They are evalauting alternatives ahead of the renewal.", "churn_risk", None),
        ("Grace asked about an expanssion to the Lyon office, 40 more users.", "upsell_signal", None),
    ],
)
def test_a_note_with_an_unseen_misspelling_gives_its_finding(text: str, kind: str, subject: int | None) -> None:
    assert [(f.kind, f.subject) for f in read_text(text, PEOPLE)] == [(kind, subject)]


def test_a_real_word_near_a_trigger_gives_nothing() -> None:
    assert read_text("Grace retried the import twice; the sender was the old mailbox.", PEOPLE) == ()
