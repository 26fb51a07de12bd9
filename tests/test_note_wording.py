"""Notes read as meant, by class of wording rather than by phrase: misspellings (one slip), filler adverbs, a
noun's "'s", runs of spaces, a dash that starts a new thought (``review.language.spelling``, ``sentences``)."""

from __future__ import annotations

import pytest

from review.language import Person, read_text, split_sentences
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


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("Daniel was apparently let go", "Daniel was let go"),
        ("the escalation is officially closed", "the escalation is closed"),
        ("they are now unhappy", "they are now unhappy"),  # "now" says when: kept
        ("they're actually evaluating", "they're evaluating"),
        ("usage's dropped off a cliff", "usage has dropped off a cliff"),
        ("headcount's doubling", "headcount is doubling"),
        ("the budget's been cut", "the budget has been cut"),
        ("Tom Becker's boss", "Tom Becker's boss"),  # a possessive: as written
        ("the renewal's agreed", "the renewal is agreed"),
        ("Aisha's with Stripe now", "Aisha is with Stripe now"),
        ("Salesforce's the frontrunner", "Salesforce is the frontrunner"),
        ("it is not apparently true", "it is not apparently true"),  # a negation is never dropped
        ("Emma  Walsh  -  gone", "Emma Walsh - gone"),
    ],
)
def test_wording_that_changes_nothing_is_read_plainly(written: str, read: str) -> None:
    assert as_written_meant(written) == read


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Aisha was reportedly let go in the restructuring.", [("contact_gone", 0)]),
        ("Usage's dropped off a cliff since October.", [("churn_risk", None)]),
        ("The escalation is apparently closed, Grace confirmed the fix works.", []),
        (
            "Aisha Murphy is leaving end of month - He's very sad about it - Need new exec sponsor.",
            [("contact_gone", 0)],
        ),
    ],
)
def test_notes_with_such_wording_give_the_same_findings(text: str, expected: list[tuple[str, int | None]]) -> None:
    assert [(f.kind, f.subject) for f in read_text(text, PEOPLE)] == expected


def test_a_dash_before_a_name_does_not_split_the_sentence() -> None:
    assert split_sentences("Left the company last month - Aisha Murphy.") == [
        "Left the company last month - Aisha Murphy."
    ]
    assert split_sentences("Tom - gone - New IT lead tbc.") == ["Tom - gone", "New IT lead tbc."]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("aisha left nexa for a cfo job at vantage.", [("contact_gone", 0)]),
        ("grace left feedback on the new dashboard.", []),
        ("aisha is leaving for initech next month, grace says.", [("contact_gone", 0)]),
        ("grace has joined globant as cmo.", [("contact_gone", 1)]),
        ("aisha left for lunch, grace took the call.", []),  # a common word after "left for" is no employer
        ("they're leaving when the contract ends.", [("churn_risk", None)]),
    ],
)
def test_in_a_lower_case_note_the_word_after_a_departure_verb_is_an_employer(
    text: str, expected: list[tuple[str, int | None]]
) -> None:
    assert [(f.kind, f.subject) for f in read_text(text, PEOPLE)] == expected
