"""Churn as account managers jot it down in an ordinary year: a rival named by a name the reader has never seen
("they've chosen Dayforce", "shortlist is us + Cegid"), a seat count as numbers ("seats 100 -> 78", "at 34 seats (was
48)"), a quote from a named rival, every contract under review, users dropping off our count, the account closing,
a team moving to another tool, a rival made one by the comparison with us ("benchmark us against Asana", "3 quotes
(us, Rippling, Gusto)"). Each positive failed before; each negative is the look-alike the same words bring
(more seats, not fewer; a temp's seasonal licences; a person picked for a role; a complaint about lunch)."""

from __future__ import annotations

import pytest
from test_note_reader import CHURN, UPSELL, findings


@pytest.mark.parametrize(
    "text",
    [
        "Harbour Mutual have chosen Verisol.",
        "Grace called: they've chosen Dayforce.",
        "WinkelWijs – shortlist is us + Cegid.",
        "Kristin called, it's between us and Lightspeed now, board decides 20/10.",
        "Seats 100 -> 78 in Sept.",
        "Denise wants to go 55 -> 40 seats at renewal.",
        "Renewal Nov at 34 seats (was 48).",
        "He asked procurement to get a quote from Verisol.",
        "Oliver flagged a competing quote from Procore for the whole firm.",
        "She wants 3 alternative quotes per procurement policy.",
        "Norgate account closing 31 Jan.",
        "Last payroll with us is 24 October.",
        "Formal notice from Thamesgate received on 1 August, effective at contract end, 31 October.",
        "Group finance is going line by line through every SaaS contract.",
        "Deb's audit team (12 seats) moving to Karbon Jan 1.",
        "Seat count will drop at the March true-up, she says.",
        "Their 6 users will come off our account.",
        "Coral Coast RFP released 4 Aug.",
        "Academy OFF from 3/15, seats 45 -> 30.",
        "Summit switched off the Pest Log module at renewal. Rest of the contract renewed as is.",
        "Bellhaven: shortlisted (us, Zenput).",
        "St Brigid decision: the Audit Pro module gets switched off at the Oct renewal.",
        "Final invoice Jan, then they're off to Ops360.",
        "Ironbridge systems move to Ops360 from 1 Jan.",
        "Their new CFO wants to benchmark us against Asana and Smartsheet before signing 2026.",
        "He wants to run a side-by-side with Wrike before the renewal in January.",
        "He wants 3 quotes by 6/15 (us, Rippling, Gusto).",
        "Invited: us, Samsara, Motive, Geotab.",
        "Liam says Phil wants to look at Karbon & CCH before signing.",
        "Carmen has been asked to 'look at the market'.",
        "Mentioned AppFolio has been courting them.",
        "She said they're piloting Rippling in the two Miami properties, not us, for three months to compare.",
        "Greyfriars have gone with ezyVet.",
        "Kensington confirmed move to Dentally, effective end of contract (Aug).",
        "Energy monitoring moves to Honeywell at renewal (Aug).",
        "Keith asked to keep read-only access to history after our contract ends in Aug (they're moving to Envizi).",
        "Sent Nicola the data export pack for the Sphera migration.",
        "The group's been approached by Carbonly w/ an offer of 50% off year 1.",
        "New owners want every vendor contract over £20k re-tendered.",
        "Board now considering a full retender in the autumn.",
        "Final months of our contract anyway.",
        "Dr Farah asked about our data export process and the notice period in the contract.",
    ],
)
def test_everyday_churn_is_found(text: str) -> None:
    assert (CHURN, "account") in findings(text)


@pytest.mark.parametrize(
    "text",
    [
        "Seats 40 -> 55 from March.",
        "Invoice 100 -> 78 after the credit note, seats unchanged at 40.",
        "Rob reminded me the seasonal temps end 31 May and the monthly licences drop off automatically.",
        "They picked Dave as project lead for the rollout.",
        "The support team is moving to the new office at Riverside House next month.",
        "Lunch was at the Italian on Call Lane; Fiona had the risotto and complained about the parking.",
        "Joost forwarded a customer complaint about a mis-shipped pallet.",
        "Price 4.5 -> 3.2 per user after the discount, seats unchanged.",
        "They are off to Lisbon for the conference.",
        "They threatened to cancel the module; after the fix the whole contract renewed.",
        "Ran a side-by-side with Kate on the new dashboards.",
        "Attendees: us, Kate Moss and Jon.",
        "We benchmarked the load times against Oracle last year.",
        "They are not looking at the market, happy with us.",
        "Grace is moving to Envizi after her notice period.",
        "They are moving the office to Riverside House when the contract ends.",
        "They use an iPad at reception and pH strips.",
    ],
)
def test_the_same_words_in_another_sense_are_no_churn(text: str) -> None:
    assert (CHURN, "account") not in findings(text)


def test_a_seat_count_that_rises_is_expansion() -> None:
    assert (UPSELL, "account") in findings("Seats 40 -> 55 from March.")


def test_a_year_heading_the_sentence_sets_it_in_the_past() -> None:
    assert (CHURN, "account") not in findings("2022: they ran a bake-off vs Samsara.", year=2025)
    assert (CHURN, "account") in findings("2025: they ran a bake-off vs Samsara.", year=2025)


@pytest.mark.parametrize(
    "text",
    [
        "She wants to discuss reducing Pulse to the 2 main sites.",
        "Pulse cut from the 9 managed hotels, kept at the 4 owned ones.",
        "He has asked procurement to benchmark Ledger against Watershed and Greenly before the Oct renewal.",
    ],
)
def test_a_product_of_ours_cut_or_benchmarked_is_churn(text: str) -> None:
    assert (CHURN, "account") in findings(text, products=("Pulse", "Ledger"))
    assert (CHURN, "account") not in findings("Pulse is live at the 9 managed hotels.", products=("Pulse", "Ledger"))
