"""Departures said by role (``review.language.subjects.by_role``): a title written with capitals is a role, not a
proper name; "my contact" or "our champion" is the account's one contact when it has only one. Four positive cases
failed before (the title read as a name, "@x"; the generic role word matched nobody)."""

from __future__ import annotations

import pytest
from test_note_reader import GONE, findings

from review.language import Person, read_text

ALONE = (Person("Rhiannon Ingram", "Rhiannon", "Ingram", "COO"),)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Grace called: the VP Finance has resigned.", {(GONE, "Aisha Murphy")}),
        ("Looks like the Operations Manager has left: LinkedIn shows her at KPMG.", {(GONE, "Grace Schmidt")}),
        ("Chief Financial Officer retiring in June after 22 yrs.", {(GONE, "Tom Becker")}),
        ("The Operations Manager is on leave until May.", set()),
        ("Tom is no longer Chief Financial Officer - he left the practice last month.", {(GONE, "Tom Becker")}),
    ],
)
def test_a_capitalised_title_names_its_contact(text: str, expected: set[tuple[str, str]]) -> None:
    assert findings(text) == expected


@pytest.mark.parametrize(
    ("text", "gone"),
    [
        ("Price list sent over. My contact there has retired. No handover.", True),
        ("mon: our champion resigned. invoice 10492 paid.", True),
        ("Our champion is on holiday until the 14th.", False),
        ("Asked my contact there about the renewal date.", False),
    ],
)
def test_our_contact_is_the_accounts_only_contact(text: str, gone: bool) -> None:
    found = {(f.kind, f.subject) for f in read_text(text, ALONE, account_name="Helix Labs")}
    assert found == ({(GONE, 0)} if gone else set())
    assert not read_text(text, (*ALONE, Person("Tom Becker", "Tom", "Becker", "CFO")), account_name="Helix Labs")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tom gone!!", {(GONE, "Tom Becker")}),
        ("=> Aisha gone. Grace is picking up.", {(GONE, "Aisha Murphy")}),
        ("Aisha gone, back monday", set()),
        ("tom gone for the day", set()),
        ("tom retd last month", {(GONE, "Tom Becker")}),
        ("tom? hes gone", {(GONE, "Tom Becker")}),
    ],
)
def test_phone_shorthand_for_a_departure(text: str, expected: set[tuple[str, str]]) -> None:
    assert findings(text) == expected
