"""Departures as account managers write them in an ordinary year, not as traps: a date instead of a verb ("last day
31 July"), the auxiliary left out ("Paula made redundant 10/3"), a plan ("will retire at the end of March"), a role
that ends ours ("isn't handling India ops anymore"), a clause without its own subject ("moving to Sales from 5/1 -
will no longer handle our account"), and what only a departure explains ("no replacement for Grace yet"). Each
positive failed before; each negative is the look-alike the same words bring (the reporter, a far-off plan, a thing
not a person)."""

from __future__ import annotations

import pytest
from test_note_reader import GONE, findings

from review.language import Person, read_text


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
        "Grace Schmidt at Midwest Farmers passed away suddenly last week.",
        "Grace out, laid off in the IT reorg 10/31.",
        "Grace told me she will be made redundant when the office closes in April.",
        "Grace has sold Keyway Mortgages to a national network and stepped down as managing director in August.",
        "Grace Schmidt (formerly Northgate, now at Healthwise Consulting) got in touch about a joint talk.",
        "Grace (now Vapiano) pinged me on LinkedIn.",
        "grace: new role at same co but not our contact anymore",
        "Grace's contract with us ended on 31 Oct (she was an external consultant).",
        "Grace Schmidt finished her fixed-term contract at the end of September and won't be renewed.",
        "FYI Grace took the redundancy package.",
        "Grace's been moved to a different region (APAC) and no longer touches the EMEA support tool we sell them.",
        "Grace goes into retirement end of March, 40 yrs in the job.",
        "Bumped into Grace, she's enjoying retirement (garden!).",
        "Grace handed her notice in, going to work for the developer.",
        "Grace giving notice - husband transferred to Texas.",
        "Grace is going freelance; she finishes end of month.",
        "Grace going contracting (self-employed) from next month.",
        "Grace has set up her own brokerage, so she is no longer one of their advisers.",
        "Grace is leaving at end of year, she's opening her own cafe in Bari (!).",
        "Grace? tried LinkedIn, she's at Crestline Capital now since Feb.",
        "Grace gone (left 6/20).",
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
        ("Grace's contract renewal is next month, she wants a discount.", set()),
        ("Grace left the QBR after twenty minutes to deal with an outage.", set()),
        ("Grace joined the renewal call but had to leave after ten minutes for a client meeting.", set()),
        ("Met Grace today, laid off 20 staff in the warehouse they said.", set()),
        ("Met Grace (now at the Leeds office) for lunch.", set()),
        ('From Grace: "Kim Alvarez says hi, she\'s at Travelers now."', set()),  # Kim is no contact
        ("Grace (our old champion at Orbit Retail, left them in 2025) is now our contact here.", set()),
        ("Grace says Tom is leaving, last day 20 Dec.", {(GONE, "Tom Becker")}),
    ],
)
def test_the_same_words_about_someone_else_or_something_else(text: str, expected: set[tuple[str, str]]) -> None:
    assert findings(text) == expected


@pytest.mark.parametrize(
    ("text", "contacts", "gone"),
    [
        ("Sid is leaving end of May to do his MBA. He's handing over to Meera.", ("Siddharth Jain", "Meera Pillai"), 0),
        ("Bev's last day is 27 June.", ("Beverley Shaw", "Stuart Penrose"), 0),
        (
            "Dr Iyer let me know she's accepted a CMIO job at a health system in Seattle, leaving end of September.",
            ("Ananya Iyer", "Tom Becker"),
            0,
        ),
        (
            "Fraser has accepted a post as Head of Digital at NHS Highland and will leave at the end of October.",
            ("Fraser McAllister", "Tom Becker"),
            0,
        ),
        (
            "Greg's finished up at Bright Harbour - he's gone to a super fund in the city.",
            ("Greg Sandoval", "Tom Becker"),
            0,
        ),
        ("Nurul moved to Dubai with her family, she finished in Sept.", ("Nurul Aziz", "Tom Becker"), 0),
        ("Fraser accepted the renewal offer at the meeting.", ("Fraser McAllister", "Tom Becker"), None),
        ("Nurul ran the training, she finished in time for lunch.", ("Nurul Aziz", "Tom Becker"), None),
        ("kath retiring xmas. replacement not hired yet.", ("Kathleen Byrne", "Tom Becker"), 0),
        (
            "Jo rang to say goodbye - she's taking early retirement at the end of March.",
            ("Joanne Fisher", "Tom Becker"),
            0,
        ),
        ("Pippa has handed in notice; last day 31/1.", ("Philippa Dunmore", "Tom Becker"), 0),
        ("Tessa gone - moved to Scotland w/ family. new PM tbc.", ("Tessa Blake", "Tom Becker"), 0),
        ("lisa off - new job at the council. last wk was her last", ("Lisa Fenwick", "Tom Becker"), 0),
        ("Hannah? She left at Christmas to go travelling, Tom said.", ("Hannah Price", "Tom Becker"), 0),
        ("Keith off on gardening leave, leaves the group in March.", ("Keith Morgan", "Tom Becker"), 0),
        ("Dr Hughes has sold the practice and is stepping away completely.", ("Gwyn Hughes", "Tom Becker"), 0),
        ("Rachel has moved up to Harmony Dental (the parent group) as group lead.", ("Rachel Dean", "Tom Becker"), 0),
        ("Maria has decided not to come back after mat leave - twins.", ("Maria Okafor", "Tom Becker"), 0),
        ("Oakhurst let their PM go (Dean Fowler) - disciplinary, don't ask.", ("Dean Fowler", "Tom Becker"), 0),
        ("Lydia's agency contract ends Fri", ("Lydia Crane", "Tom Becker"), 0),
        ("Tom says Marcus, who'd been covering, is leaving too — off to Whitbread.", ("Marcus Webb", "Tom Becker"), 0),
        ("Stuart Gill finishes at Haverley end of Oct, going to Dobbies.", ("Stuart Gill", "Tom Becker"), 0),
        (
            "Tomasz moving to their Polish business as MD – not our contact any more.",
            ("Tomasz Wojcik", "Tom Becker"),
            0,
        ),
        ("Ann is back from mat leave, not coming back to the Leeds site though.", ("Ann Lee", "Tom Becker"), None),
        ("Ann won't be back from leave till Monday.", ("Ann Lee", "Tom Becker"), None),
        ("Ann finishes at Acme Corp training on the 5th.", ("Ann Lee", "Tom Becker"), None),
        ("Tessa is gone - back Monday though.", ("Tessa Blake", "Tom Becker"), None),
        ("Hannah left at 5 for the train.", ("Hannah Price", "Tom Becker"), None),
    ],
)
def test_nicknames_new_posts_and_finishing(text: str, contacts: tuple[str, str], gone: int | None) -> None:
    people = tuple(Person(name, name.split()[0], name.split()[-1], None) for name in contacts)
    found = {(f.kind, f.subject) for f in read_text(text, people, account_name="Helix Labs")}
    assert found == ({(GONE, gone)} if gone is not None else set())


@pytest.mark.parametrize(
    "text",
    [
        "Grace left the Teams call early, bad connection from the Cairo site.",
        "Grace left mid-workshop to handle a PR crisis.",
        "Grace joined for the first 20 min, then left for another meeting.",
        "Call got cut, Grace had to leave to take an urgent call from the plant floor.",
        "Grace walked out halfway through the roadmap session, apparently a fire drill.",
        "Grace retired from the board of the parent charity but remains Ops Director and our contact.",
        "Grace's resignation from the works council doesn't affect us.",
        "Grace mentioned she'll be retiring in a couple of years, probably.",
        "Grace's last week before mat leave - sent her a little gift hamper.",
        "Grace is leaving on a sabbatical Feb-Aug, returns after.",
        "Grace says she's leaving for Hajj in the summer, 2 weeks off.",
        "Heard Grace wants to leave, but she told me in the meeting she stays.",
        "Grace said she'd quit if they don't fix scheduling, lol.",
        "Not gonna lie, I thought Grace had left.",
        "dunno if they'll stick with us if Grace leaves",
        "Aisha said Grace resigned last wk but then withdrew the resignation - she's staying.",
        'Aisha said her boss, Grace, is leaving "eventually" — maybe next year, maybe not.',
        "Heard from an ex-colleague that Grace might be leaving for a competitor of theirs.",
        "Tom is new since November, he replaces Director Kubiak who retired.",
        "Per Grace (IT), her last day was 12 Jan and she's gone to Wipro.",
        "Grace set up her own dashboards for the ops team.",
        "Grace wants to start her own pilot with two stores.",
        "Grace is going to retire the old server; she's at Gartner now but back Monday.",
        "Grace gave notice that the Leeds office moves in May.",
        "Grace is going independent contractors route for the install.",
        "Grace says Dr. Nkemelu and Dr. Afolabi both left the practice to start their own clinic.",
    ],
)
def test_a_meeting_left_a_board_retired_from_a_leave_or_a_threat_is_no_departure(text: str) -> None:
    assert findings(text) == set()


def test_a_successor_cc_d_on_an_email_still_tells_who_left() -> None:
    text = "Grace cc'd her successor Tom on the renewal email and said she's transferring to the bank's securities arm."
    assert (GONE, "Grace Schmidt") in findings(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Tom asked if they can drop 3 users since the team shrank.", {("churn_risk", "account")}),
        ("They want 10 more users for the Leeds office.", {("upsell_signal", "account")}),
    ],
)
def test_dropping_users_is_no_request_for_more(text: str, expected: set[tuple[str, str]]) -> None:
    assert {f for f in findings(text) if f[0] != "upsell_signal" or f in expected} == expected
    assert ("upsell_signal", "account") not in findings(text) or ("upsell_signal", "account") in expected


@pytest.mark.parametrize(
    ("text", "contacts", "gone"),
    [
        # meeting minutes: a person who leaves the meeting has not left the company
        ("Attendees: D Burke, S Kaur (left after item 2), Asif", ("Simran Kaur", "Dan Burke"), None),
        (
            "Attendees: Lydia Fairweather, Tom Ashdown (left 11:15 for theatre), Bryony",
            ("Tom Ashdown", "Lydia Lee"),
            None,
        ),
        ("Hugo opened it and left after the coffee break, as MDs do.", ("Hugo Pratt", "Tom Becker"), None),
        ("garrow qbr - callum's boss sat in 10 min then left.", ("Callum Baird", "Tom Becker"), None),
        (
            "Bev walked out twenty minutes in because a ward had flagged a serious incident.",
            ("Beverley Okonjo", "Tom Becker"),
            None,
        ),
        (
            "Sunita said she's off to Lanzarote next week so anything urgent should go to the AP inbox.",
            ("Sunita Rao", "Tom Becker"),
            None,
        ),
        # someone else's cover, deputy or boss; the other pronoun
        (
            "02/09 – Dominic (Sinead's cover) emailed: he's got a band 7 post at Leeds Teaching Hospitals",
            ("Sinead Gallagher", "Tom Becker"),
            None,
        ),
        ("Mia is new, she's taking over from Rosa's old deputy.", ("Rosa Delgado", "Mia Lund"), None),
        (
            "Dominic ( Sinead's cover) emailed: he's got a band 7 post at Leeds",
            ("Sinead Gallagher", "Tom Becker"),
            None,
        ),
        (
            "Shabana confirmed Pemberton ended the trial licences Graham had taken out — she cancelled them the day "
            "after he left.",
            ("Shabana Iqbal", "Tom Becker"),
            None,
        ),
        # ...and the departures the same notes hold
        ("Since Divya left — 12/40 active.", ("Divya Raman", "Owen Hughes"), 0),
        ("Sunita is off to Deloitte next month.", ("Sunita Rao", "Tom Becker"), 0),
        ("Janet's successor: Tamika Hughes, from 4/1.", ("Janet Okafor", "Luis Romero"), 0),
        (
            "pellham: derek made redundant as part of their restructure, last day fri. Jo Tate inheriting it.",
            ("Derek Fairbanks", "Jo Tate"),
            0,
        ),
        (
            "stourside - bernie leaving!! new job @ JCB, finishes 2 feb. Carl Eames will hold.",
            ("Bernadette Walsh", "Carl Eames"),
            0,
        ),
        (
            "While we were on, he mentioned Kerry has handed in her notice, which sounds like the dream honestly.",
            ("Kerry Lowe", "Sam Pike"),
            0,
        ),
        (
            "Ines, their L&D manager who built the whole Trellis set-up, has resigned.",
            ("Ines Carvalho", "Oliver Brandt"),
            0,
        ),
        ("Carl: will leave the old system running until May.", ("Will Barnes", "Carl Eames"), None),
        # a successor picking up the relationship; a session left early; someone else's "(who left in April)"
        ("No longer our contact - Ruth Abiodun is picking up the relationship.", ("Ruth Abiodun", "Mark Lee"), None),
        (
            "Mark is no longer our contact - Ruth Abiodun is picking up the relationship.",
            ("Ruth Abiodun", "Mark Lee"),
            1,
        ),
        (
            'Fiona Delaney, 14 May: "Sorry I had to leave this morning\'s session early!"',
            ("Fiona Delaney", "Mark Lee"),
            None,
        ),
        (
            "Imani left the Kitchenbook admin call early, had a health dept walkthrough.",
            ("Imani Brooks", "Mark Lee"),
            None,
        ),
        (
            "Helen mentioned Stuart Lamb (who left in April) is doing well at the trust.",
            ("Helen Achebe", "Mark Lee"),
            None,
        ),
        # a new post: the parent company with a title, the client side, a headship, an appointment elsewhere
        (
            "Ewan McBride moved to Hallam's parent co (Arden Services) as group ops director.",
            ("Ewan McBride", "Ann Lee"),
            0,
        ),
        ("Nina Sorensen's moved to the client side", ("Nina Sorensen", "Ann Lee"), 0),
        (
            "RO reported that Jonas Lindqvist has accepted the headship at a school in Cumbria.",
            ("Jonas Lindqvist", "Ann Lee"),
            0,
        ),
        ("Ruth announced she's been appointed COO at a trust in Bristol from January.", ("Ruth Okafor", "Ann Lee"), 0),
        (
            "Ruth has been appointed as project lead at a partner site for the rollout.",
            ("Ruth Okafor", "Ann Lee"),
            None,
        ),
        ("Ruth has been appointed chair of the steering group.", ("Ruth Okafor", "Ann Lee"), None),
        ("claire off to hollowmere cc end of aug (same job, better pay lol)", ("Claire Redfern", "Ann Lee"), 0),
        ("Sunil Varma moving to Northshire CC procurement in April", ("Sunil Varma", "Ann Lee"), 0),
        (
            "Yvonne, who has been the backbone of their mandatory training for about a decade, is moving to Spire "
            "Healthcare in April",
            ("Yvonne Tully", "Ann Lee"),
            0,
        ),
        ("Natalie off to Lisbon for a week.", ("Natalie Osei", "Ann Lee"), None),
    ],
)
def test_minutes_asides_and_names_written_in_lower_case(text: str, contacts: tuple[str, str], gone: int | None) -> None:
    people = tuple(Person(name, name.split()[0], name.split()[-1], None) for name in contacts)
    found = {(f.kind, f.subject) for f in read_text(text, people, account_name="Helix Labs") if f.kind == GONE}
    assert found == ({(GONE, gone)} if gone is not None else set())


def test_it_is_a_thing_not_the_it_director() -> None:
    people = (Person("Ruth Berg", "Ruth", "Berg", "IT Director"),)
    said = "Ruth asked about Tally Sync for the Zurich team. it was retired last year, nothing to quote."
    assert not [f for f in read_text(said, people, account_name="Helix Labs") if f.kind == GONE]
    their = read_text("Their IT director retired last year.", people, account_name="Helix Labs")
    assert [(f.kind, f.subject) for f in their] == [(GONE, 0)]
