"""The phrase lexicons: what counts as churn, expansion or a departure, and what negation defuses."""

from __future__ import annotations

import pytest

from review.lexicon import CHURN, LEFT, UPSELL, Phrase, find


def labels(text: str, lexicon: tuple[Phrase, ...] = CHURN) -> set[str]:
    return {h.label for h in find(text, lexicon)}


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
    assert labels(text), text


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
    assert not labels(text), text


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
    assert labels(text, UPSELL), text


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
    assert not labels(text, UPSELL), text


@pytest.mark.parametrize(
    ("text", "gone"),
    [
        ("Left the company", True),
        ("No longer with Acme", True),
        ("Departed in April", True),
        ("She resigned last month", True),
        ("Left a voicemail", False),
        ("Has not left, still our champion", False),
        ("VP Finance", False),
    ],
)
def test_departure_language(text: str, gone: bool) -> None:
    assert bool(labels(text, LEFT)) is gone, text


def test_negation_stays_inside_its_clause() -> None:
    assert labels("No issues with support, but they will cancel at renewal.") == {"cancel"}
    assert labels("Not a problem for now; however they are moving to a competitor.", CHURN) == {"competitor"}


def test_phrase_patterns_are_lower_case_for_the_fast_pre_check() -> None:
    import re

    for phrase in (*CHURN, *UPSELL, *LEFT):
        bare = re.sub(r"\\.", "", phrase.pattern.pattern)
        assert bare == bare.lower(), phrase.label
