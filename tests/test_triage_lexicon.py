"""The note reader on single phrases: what counts as churn, expansion or a departure, and what negation,
another word sense, or an earlier time defuses. (Whole notes with names: tests/test_note_reader.py.)"""

from __future__ import annotations

import re

import pytest

from review.language import Person, read_text
from review.lexicon import CHURN, DEPARTURES, UPSELL

MARIA = (Person("Maria Lopez", "Maria", "Lopez", "Buyer"),)


def kinds(text: str, people: tuple[Person, ...] = MARIA) -> set[str]:
    return {f.kind for f in read_text(text, people)}


@pytest.mark.parametrize(
    "text",
    [
        "They want to cancel the subscription.",
        "Legal asked how to terminate the agreement early.",
        "Procurement confirmed they won't renew in March.",
        "They are evaluating other vendors after the price increase.",
        "Switching to a cheaper provider is on their agenda.",
        "The COO is unhappy with onboarding.",
        "Customer escalated the outage to our VP.",
        "Budget cuts across IT this year.",
        "They do not intend to renew the contract.",
        "They plan to let the subscription lapse.",
        "Head of ops is frustrated with response times",
    ],
)
def test_churn_language(text: str) -> None:
    assert "churn_risk" in kinds(text), text


@pytest.mark.parametrize(
    "text",
    [
        "No plans to cancel.",
        "We cancelled Tuesday's meeting and moved it to Friday.",
        "They have never been unhappy with us.",
        "Renewal confirmed, they will renew for three years.",
        "Customer is not dissatisfied at all.",
        "Escalation resolved last week.",
        "Weekly sync, all good.",
        "Cancellation was ruled out.",
    ],
)
def test_not_churn(text: str) -> None:
    assert "churn_risk" not in kinds(text), text


@pytest.mark.parametrize(
    "text",
    [
        "They need 25 more seats next quarter.",
        "Opening a new office in Lyon and want licenses for it.",
        "Asked about upgrading to the enterprise plan.",
        "Expansion into APAC is planned.",
        "Adding 10 users in June.",
        "Interested in our analytics add-on.",
        "They will roll out to other teams after the pilot.",
    ],
)
def test_upsell_language(text: str) -> None:
    assert "upsell_signal" in kinds(text), text


@pytest.mark.parametrize(
    "text",
    [
        "No plans to expand this year.",
        "Expansion is on hold until the merger closes.",
        "Not interested in upgrading.",
        "They decided against adding more seats.",
        "Quarterly check-in, usage stable.",
    ],
)
def test_not_upsell(text: str) -> None:
    assert "upsell_signal" not in kinds(text), text


@pytest.mark.parametrize(
    ("text", "gone"),
    [
        ("Maria Lopez left the company", True),
        ("Maria is no longer with Acme", True),
        ("Maria Lopez departed in April", True),
        ("Maria resigned last month", True),
        ("Left a voicemail for Maria", False),
        ("Maria has not left, still our champion", False),
        ("Maria Lopez, VP Finance", False),
    ],
)
def test_departure_language(text: str, gone: bool) -> None:
    assert ("contact_gone" in kinds(text)) is gone, text


def test_negation_stays_inside_its_clause() -> None:
    assert kinds("No issues with support, but they will cancel at renewal.") == {"churn_risk"}
    assert kinds("Not a problem for now; however they are moving to a competitor.") == {"churn_risk"}


def test_phrase_patterns_are_lower_case_because_the_masked_sentence_is() -> None:
    for item in (*CHURN, *UPSELL, *DEPARTURES):
        bare = re.sub(r"\\.|\(\?P<\w+>", "", item.pattern.pattern)
        assert bare == bare.lower(), item.label
