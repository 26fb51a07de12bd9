"""The note reader on whole notes with names: what happened and to whom (``review.language.read_text``).

Each case is a note, the account's contacts, and the findings it must give as (kind, subject), the subject
being a contact's name or "account". Nothing else may be found."""

from __future__ import annotations

import pytest

from review.language import Person, read_text, split_sentences

PEOPLE = (
    Person("Grace Schmidt", "Grace", "Schmidt", "Operations Manager"),
    Person("Aisha Murphy", "Aisha", "Murphy", "VP Finance"),
    Person("Tom Becker", "Tom", "Becker", "Chief Financial Officer"),
)
GONE, CHURN, UPSELL = "contact_gone", "churn_risk", "upsell_signal"


def findings(
    text: str,
    *,
    implicit: int | None = None,
    record_names: tuple[str, ...] = (),
    year: int | None = None,
    products: tuple[str, ...] = (),
) -> set[tuple[str, str]]:
    names = [p.full_name for p in PEOPLE]
    found = read_text(
        text,
        PEOPLE,
        account_name="Helix Labs",
        implicit=implicit,
        record_names=record_names,
        year=year,
        products=products,
    )
    return {(f.kind, names[f.subject] if f.subject is not None else "account") for f in found}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # who: reported speech, successors, pronouns, titles, names in every position
        ("Heard from Grace Schmidt that Aisha Murphy left the company in November.", {(GONE, "Aisha Murphy")}),
        ("According to Grace, Aisha quit.", {(GONE, "Aisha Murphy")}),
        ("Aisha quit, according to Grace.", {(GONE, "Aisha Murphy")}),
        ("Per Grace, left last week.", set()),
        ("Aisha Murphy has left Helix. Grace Schmidt is our new point of contact.", {(GONE, "Aisha Murphy")}),
        ("Grace takes over from Aisha while she is on leave until May.", set()),
        ("Spoke to Aisha. Her last day was Friday.", {(GONE, "Aisha Murphy")}),
        ("Their CFO resigned last week, Grace told us.", {(GONE, "Tom Becker")}),
        ("Left the company last month: Aisha Murphy.", {(GONE, "Aisha Murphy")}),
        ("Aisha is no longer employed there - Grace says she was laid off.", {(GONE, "Aisha Murphy")}),
        ("Tom handed everything over to Grace before he left for Accenture.", {(GONE, "Tom Becker")}),
        ("Grace and Aisha both left in the summer.", {(GONE, "Grace Schmidt"), (GONE, "Aisha Murphy")}),
        ("Tom's former manager left years ago.", set()),
        # word senses, negation, doubt
        ("Aisha left the call early.", set()),
        ("Aisha Murphy is on leave until May.", set()),
        ("Left a voicemail for Aisha.", set()),
        ("Aisha has not left, she moved desks.", set()),
        ("Aisha might be leaving next year, nothing confirmed.", set()),
        ("Grace is leaving on Friday for a two-week holiday.", set()),
        ("They cancelled the demo.", set()),
        ("They ended the pilot of a rival tool.", set()),
        ("They're not shopping around.", set()),
        ("Zero appetite to switch.", set()),
        ("Two years ago they threatened to leave; since then they renewed twice.", set()),
        ("The escalation is closed.", set()),
        ("Tom escalated the outage. It was resolved the same day and he is happy now.", set()),
        ("Emma joked they'd need a thousand more seats.", set()),
        ("HubSpot's enterprise tier is far too pricey for them.", set()),
        # the real thing, phrased many ways
        ("Aisha Murphy joined a startup.", {(GONE, "Aisha Murphy")}),
        ("They went with HubSpot.", {(CHURN, "account")}),
        ("Procurement has an RFP out to three vendors.", {(CHURN, "account")}),
        ("They will let the contract lapse.", {(CHURN, "account")}),
        ("grace said they might cancle at renwal", {(CHURN, "account")}),
        ("Tom wants 25 more seats for the helpdesk.", {(UPSELL, "account")}),
        ("Expansion to the US team is on hold.", set()),
        ("The upgrade to v5 broke two reports.", set()),
    ],
)
def test_what_and_who(text: str, expected: set[tuple[str, str]]) -> None:
    assert findings(text) == expected, text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # subjects: a place phrase after the name, a quoted speaker, initials, "who", a message's sender
        ("Aisha from finance resigned last week.", {(GONE, "Aisha Murphy")}),
        ('Auto-reply from Tom: "I have left Helix, please contact Grace."', {(GONE, "Tom Becker")}),
        ("Out-of-office from Aisha: no longer with the company.", {(GONE, "Aisha Murphy")}),
        ("TB has left the company. GS confirmed.", {(GONE, "Tom Becker")}),
        ("AM left.", set()),  # "AM" is a time of day, not Aisha Murphy's initials
        ("Grace will take over from Aisha, who is retiring.", {(GONE, "Aisha Murphy")}),
        # a relative clause between the subject and its verb: the clause's noun left, not its object
        ("Tom Becker, who took over from Aisha, has also left.", {(GONE, "Tom Becker"), (GONE, "Aisha Murphy")}),
        ("Grace, who works with Aisha, has left.", {(GONE, "Grace Schmidt")}),
        ("Sam Patel, who took over from Tom, has left too.", {(GONE, "Tom Becker")}),
        ("Tom stays until March for the handover, then leaves.", {(GONE, "Tom Becker")}),
        # departures said other ways, and undone later in the sentence
        ("Aisha left the bank to join a fintech.", {(GONE, "Aisha Murphy")}),
        ("Aisha left the meeting early to join another call.", set()),
        ("Aisha won't be handling our renewal anymore; Grace takes over.", {(GONE, "Aisha Murphy")}),
        ("Aisha retired from the steering group but is still our main contact.", set()),
        ('So Aisha "left" - as in, stepped out of the QBR for a call.', set()),
        ("Rumour is that Aisha is leaving.", set()),
        ("Tom jumped ship to a competitor.", {(GONE, "Tom Becker")}),
        ("They might jump ship at renewal.", {(CHURN, "account")}),
        ("Aisha's out - new VP Finance is Jane Doe.", {(GONE, "Aisha Murphy")}),
        # churn: shrinking, reviews of every vendor, our product spared, a new contract instead
        ("They will drop 20 seats at renewal.", {(CHURN, "account")}),
        ("They'll renew, but at 60 seats not 90.", {(CHURN, "account")}),
        ("All vendor contracts will be reviewed next year.", {(CHURN, "account")}),
        ("They want to cut costs, but the CRM is mission critical.", set()),
        ("We're not renewing the old contract, we're signing the new 3-year one.", set()),
        ("Grace's position was eliminated in the cost cutting.", {(GONE, "Grace Schmidt")}),
        ("They got quotes from two competitors just to compare.", {(CHURN, "account")}),
        ("Cancelled!! (the Thursday check-in, not the contract).", set()),
        # expansion said many ways, and taken back by a later sentence
        ("Their new hires will all need licences.", {(UPSELL, "account")}),
        ("They want SSO + the audit log add-on.", {(UPSELL, "account")}),
        ("They'd like to add the Paris office to the contract.", {(UPSELL, "account")}),
        ("Their UK team wants our platform too.", {(UPSELL, "account")}),
        ("Budget for the analytics module got approved.", {(UPSELL, "account")}),
        ("Grace asked for training on the analytics module.", set()),
        ("We tried to upsell the premium tier.", set()),
        ("Adding 5 users to the sandbox for the audit. Temporary, will remove in Feb.", set()),
    ],
)
def test_general_rules_of_issue_13(text: str, expected: set[tuple[str, str]]) -> None:
    assert findings(text, year=2025) == expected


def test_a_note_on_a_contact_makes_it_the_subject_of_a_bare_departure() -> None:
    assert findings("Left the company in March.", implicit=1) == {(GONE, "Aisha Murphy")}
    assert findings("Left the company in March.") == set()


def test_deal_names_are_not_read_as_what_the_customer_wants() -> None:
    text = "Sent the revised quote for Helix - Analytics Add-on expansion to Tom."
    assert findings(text, record_names=("Helix - Analytics Add-on expansion",)) == set()


def test_a_year_before_the_note_is_the_past() -> None:
    assert findings("In 2023 they threatened to cancel.", year=2025) == set()
    assert findings("They will cancel in 2025.", year=2025) == {(CHURN, "account")}


def test_quotes_are_whole_sentences_not_cut_at_abbreviations() -> None:
    text = "Budget cuts at Cobalt Aerospace S.A. mean they will cancel. Dr. Lee agreed."
    assert split_sentences(text) == ["Budget cuts at Cobalt Aerospace S.A. mean they will cancel.", "Dr. Lee agreed."]
    [finding] = read_text(text, PEOPLE)
    assert finding.sentence == "Budget cuts at Cobalt Aerospace S.A. mean they will cancel."


def test_a_short_form_of_a_first_name_is_the_same_contact() -> None:
    thomas = (Person("Thomas Becker", "Thomas", "Becker", "IT Director"), Person("Grace Schmidt", "Grace", "Schmidt"))
    [finding] = read_text("Grace told me Tom quit last week.", thomas)
    assert (finding.kind, finding.subject) == ("contact_gone", 0)


def test_a_named_successor_is_reported_with_the_departure() -> None:
    [finding] = read_text("Aisha Murphy has left. Grace Schmidt is our new point of contact.", PEOPLE)
    assert (finding.subject, finding.successor) == (1, 0)


def test_a_trigger_that_matches_a_sentence_is_always_a_candidate_for_it() -> None:
    """The stems of ``review.lexicon.KEYS`` must be necessary words of their patterns: checked on every
    sentence of the development corpora (a stem missing from KEYS would silently hide a trigger)."""
    import json
    from pathlib import Path

    from review.language.people import mask
    from review.language.stems import candidates, stems_in
    from review.lexicon import CHURN, DEPARTURES, UPSELL, as_meant

    folder = Path(__file__).resolve().parents[1] / "benchmarks" / "findings_corpus"
    lines = [line for part in ("dev", "dev_blind") for line in (folder / f"{part}.jsonl").read_text().splitlines()]
    hidden = []
    for line in lines:
        row = json.loads(line)
        people = tuple(
            Person(c["name"], c["name"].partition(" ")[0], c["name"].partition(" ")[2], c.get("title"))
            for c in row["contacts"]
        )
        for sentence in split_sentences(row["text"]):
            masked = mask(as_meant(sentence), people, "Acme Corp", lower_case=False)
            stems = stems_in(sentence)
            for lexicon in (DEPARTURES, CHURN, UPSELL):
                found = candidates(stems, lexicon)
                hidden += [
                    (t.label, sentence)
                    for t in lexicon
                    if t.pattern.search(masked) and (t.requires is None or t.requires.search(masked)) and t not in found
                ]
    assert not hidden, hidden[:5]


@pytest.mark.parametrize("text", ["", "the a and of to", "bump", "left", "we", "@p0", "cancel the", "more"])
def test_no_trigger_matches_a_bare_word_or_nothing(text: str) -> None:
    """A broken alternative in a pattern (an empty branch) would match anything: catch it on trivial text."""
    from review.lexicon import CHURN, DEPARTURES, UPSELL

    loose = [
        t.label for t in (*DEPARTURES, *CHURN, *UPSELL) if (m := t.pattern.search(text)) and not m.group(0).strip()
    ]
    assert not loose, loose


def test_no_stem_is_two_stems_glued_together() -> None:
    """KEYS strings are split over lines: a fragment without its trailing space glues two stems into one."""
    from review.lexicon import KEYS

    glued = [s for groups in KEYS.values() for g in groups for s in g.split() if s.count("_") > 1 and s[0] != "#"]
    assert not glued, glued
