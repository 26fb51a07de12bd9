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
        (
            "From Tom Becker, 28 Mar:\n\"All — I'll be leaving Helix at the end of April to take up a role at Calder "
            'Group. Until a replacement is appointed please direct IT matters to Grace."',
            {(GONE, "Tom Becker")},
        ),
        ("Fwd from Aisha: 'Just to let you know my last day at Helix will be the 28th.'", {(GONE, "Aisha Murphy")}),
        ("Pasted: 'Hi Asif, quick one — I'll be retiring at the end of June. Best, Aisha'", {(GONE, "Aisha Murphy")}),
        ("From Grace: the renewal went through, I left a voicemail for Tom about the invoice.", set()),
        ("I'm leaving early today. Called Aisha about the renewal, all fine.", set()),
        ("I have left Helix a voicemail, no answer from Tom yet.", set()),
    ],
)
def test_first_person_in_a_pasted_message_is_its_sender(text: str, expected: set[tuple[str, str]]) -> None:
    assert findings(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a message in single quotes or after "> ", announced by how it reached us
        ("OOO from Aisha Murphy: 'I have left the clinic to join a hospital group.'", {(GONE, "Aisha Murphy")}),
        (
            "Automatic reply received from Tom Becker's address: 'I no longer work at Helix Labs.'",
            {(GONE, "Tom Becker")},
        ),
        (
            "Emailed Tom re the firmware rollout, got this back:\n> Thank you for your email. I am no longer with "
            "Helix Labs. For billing please contact Grace Schmidt.",
            {(GONE, "Tom Becker")},
        ),
        (
            "Tom:\n> I'm moving over to our sister company as GM from Oct 1. Grace will be your contact.",
            {(GONE, "Tom Becker")},
        ),
        (
            "From: Aisha Murphy\nSubject: Moving on\n\nDear all,\nAfter nine wonderful years I will be stepping down "
            "as Finance Director at the end of April.",
            {(GONE, "Aisha Murphy")},  # "wonderful" is no doubt ("I wonder whether she left" is)
        ),
        # the out-of-office is the envelope, not a leave: but a leave said inside it still is one
        ("OOO from Aisha Murphy: 'I am on annual leave until the 14th.'", set()),
        ("Aisha's email: 'I'm leaving…' - '…for the airport, will reply Mon'.", set()),
        ("Aisha moved to their sister company in Oct, but she still owns the group contract incl. ours.", set()),
    ],
)
def test_a_message_pasted_in_single_quotes_or_as_a_reply_is_its_senders(
    text: str, expected: set[tuple[str, str]]
) -> None:
    assert findings(text) == expected
