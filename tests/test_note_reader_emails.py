"""Pasted emails in notes (``review.language.authors``): in an auto-reply, a farewell or a forwarded message, "I"
and "my" are the sender the note names; in the account manager's own words they name nobody. Each case failed
before the reader knew who wrote a pasted message (first-person departures were never attributed)."""

from __future__ import annotations

import pytest
from test_note_reader import GONE, findings


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "From: Aisha Murphy\nSent: Friday\nSubject: Goodbye\n\nToday is my last day at Helix.",
            {(GONE, "Aisha Murphy")},
        ),
        (
            'Pasting Aisha\'s out of office:\n"I have left Helix Labs. Please contact Grace Schmidt."',
            {(GONE, "Aisha Murphy")},
        ),
        (
            ">I no longer work at Helix Labs. For billing, email ap@helix.com.\n>Regards, Tom Becker",
            {(GONE, "Tom Becker")},
        ),
        ("FW: OOO\n\"I'm no longer with Helix.\"\n-- that's from Aisha Murphy (finance).", {(GONE, "Aisha Murphy")}),
        ("Re: intro\nTom: I'm retiring end of Dec, so loop Grace in on the renewal.", {(GONE, "Tom Becker")}),
        ("Auto-reply from Grace Schmidt: I am on parental leave until May.", set()),
        (
            "From: Grace Schmidt\nAisha has left the company; I will be your contact from now on.",
            {(GONE, "Aisha Murphy")},
        ),
        ("I'm leaving early today. Called Aisha about the renewal, all fine.", set()),
        ("I have left Helix a voicemail, no answer from Tom yet.", set()),
    ],
)
def test_first_person_in_a_pasted_message_is_its_sender(text: str, expected: set[tuple[str, str]]) -> None:
    assert findings(text) == expected
