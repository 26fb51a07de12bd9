"""Departures, churn and expansion said in verb frames rather than set phrases: moved to a named company (not a place),
forced out, out of the company, not our contact any more, a new chapter elsewhere; not convinced of the value,
gone cold, moving off us, cut to a lower tier, contract value down; wanting them on our platform,
moving the rest onto it, a new team that needs access, joining the contract, asking us for a proposal."""

from __future__ import annotations

import pytest

from review.language import Person, read_text

PEOPLE = (Person("Ines Roth", "Ines", "Roth"), Person("Paul Weber", "Paul", "Weber"))
GONE, CHURN, UPSELL = "contact_gone", "churn_risk", "upsell_signal"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ines moved to Siemens last month.", [(GONE, 0)]),
        ("Paul moved to our competitor Zendesk as AE.", [(GONE, 1)]),
        ("Paul was forced out by the board.", [(GONE, 1)]),
        ("Ines is out of the company since May.", [(GONE, 0)]),
        ("Paul won't be our contact anymore.", [(GONE, 1)]),
        ("Ines posted new chapter at Deloitte.", [(GONE, 0)]),
        ("Ines moved to another company (a bank, I think).", [(GONE, 0)]),  # the doubt is about the aside
        ("Paul wants them on our platform by Q3.", [(UPSELL, None)]),
        ("They want to move the rest of finance onto it.", [(UPSELL, None)]),
        ("The new Lyon team starts in May and needs access from day one.", [(UPSELL, None)]),
        ("The retail division wants to join the contract.", [(UPSELL, None)]),
        ("Proposal for the analytics bundle, Ines asked.", [(UPSELL, None)]),
        ("Paul asked us to quote a premium support package.", [(UPSELL, None)]),
        ("She wants our proposal for the Nordic teams.", [(UPSELL, None)]),
        ("They want Gold Support for the hospital sites.", [(UPSELL, None)]),  # a tier's name is no proper name
        ("Paul is not convinced about the ROI.", [(CHURN, None)]),
        ("The exec sponsor has gone cold.", [(CHURN, None)]),
        ("Their board wants to move off us next year.", [(CHURN, None)]),
        ("Cutting the plan to basic from May, Ines says.", [(CHURN, None)]),
        ("Contract value down 20% vs last year.", [(CHURN, None)]),
    ],
)
def test_the_frame_is_found(text: str, expected: list[tuple[str, int | None]]) -> None:
    assert [(f.kind, f.subject) for f in read_text(text, PEOPLE)] == expected


@pytest.mark.parametrize(
    "text",
    [
        "Ines moved to Berlin.",  # a place, not an employer
        "Paul moved to Tel Aviv in May.",
        "Paul went to Siemens.",  # a visit as likely as a new job
        "Ines moved to the Munich office last month.",
        "Ines moved to another company, I think.",  # the doubt is about the move
        "Paul was forced out of the meeting by the fire alarm.",
        "They are moving their tickets into our tool.",  # data, not more of the product
        "The new Lyon team needs access to the shared drive.",
        "They moved to Salesforce last year, Paul says.",  # the account churned, nobody left: not a departure
    ],
)
def test_the_lookalike_is_no_departure_nor_expansion(text: str) -> None:
    assert [f for f in read_text(text, PEOPLE) if f.kind in (GONE, UPSELL)] == []


@pytest.mark.parametrize(
    "text",
    [
        "They are not questioning the value.",
        "Ines went cold on the idea of a second workspace.",  # cold on an idea, not on us
        "Asked Ines whether they would move off us - absolutely not.",  # our question, answered no
        "Expansion talk from last year went nowhere.",
    ],
)
def test_the_churn_lookalike_gives_nothing(text: str) -> None:
    assert read_text(text, PEOPLE) == ()
