"""Departures as account managers write them in an ordinary year, not as traps: a date instead of a verb ("last day
31 July"), the auxiliary left out ("Paula made redundant 10/3"), a plan ("will retire at the end of March"), a role
that ends ours ("isn't handling India ops anymore"), a clause without its own subject ("moving to Sales from 5/1 -
will no longer handle our account"), and what only a departure explains ("no replacement for Grace yet"). Each
positive failed before; each negative is the look-alike the same words bring (the reporter, a far-off plan, a thing
not a person)."""

from __future__ import annotations

import pytest
from test_note_reader import GONE, findings


@pytest.mark.parametrize(
    "text",
    [
        "Grace is relocating to London with her husband, last day 31 July.",
        "Grace accepted an offer from a logistics startup, last day 29/11.",
        "Grace's last working day was the 24th.",
        "Grace made redundant 10/3, purchasing now via the administrators.",
        "Grace was retrenched along with half the ops team.",
        "Grace moving to Maersk, mid-Nov. New ops manager not named.",
        "Grace announced retirement, effective 8/29.",
        "Grace will retire at the end of March, after 31 years.",
        "Rebecca mentioned that Grace is to retire on 30 September.",
        "Grace finishing 1/31, her contract ends; going back to consulting.",
        "Grace finishes up here on the 14th.",
        "Grace is moving to Sales from 5/1 - will no longer handle our account.",
        "Grace is not involved in the Leeds site anymore, so no longer our contact.",
        "Grace isn't handling India ops anymore.",
        "Grace no longer runs the PMO or any of the tools.",
        "No replacement for Grace yet.",
        "No word on who replaces Grace, probably nobody tbh.",
        "Grace emigrated to Perth end of Feb.",
        "Grace's send off in the canteen today, half of IT there.",
    ],
)
def test_an_everyday_departure_is_found_about_the_right_person(text: str) -> None:
    assert findings(text) == {(GONE, "Grace Schmidt")}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Grace says Dmitri is gone, last day was the 14th.", set()),  # the reporter; Dmitri is no contact
        ("According to Grace, Nathan got poached by a rival, last day next Fri.", set()),
        ("Exec sponsor: Tom, who says he will retire 'when he's 70' (he's 61).", set()),
        ("No replacement for the old label printer yet, Grace is chasing it.", set()),
        ("Grace says the pilot's last day is Friday.", set()),
        ("Grace is handling the renewal herself this year.", set()),
        ("Grace says Tom is leaving, last day 20 Dec.", {(GONE, "Tom Becker")}),
    ],
)
def test_the_same_words_about_someone_else_or_something_else(text: str, expected: set[tuple[str, str]]) -> None:
    assert findings(text) == expected
