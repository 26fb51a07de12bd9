"""Look-alikes by class, not by phrase: churn or expansion language in a question or a musing, said of another
organisation or of their own customers, our own escalation, a cancelled meeting or ticket or plan, a terminated
integration, a temporary trip, an expansion already done, a question about what a tier includes, enough seats already, a
downgrade, a spending freeze."""

from __future__ import annotations

import pytest

from review.language import Person, read_text

PEOPLE = (Person("Aisha Murphy", "Aisha", "Murphy", "VP Finance"), Person("Grace Schmidt", "Grace", "Schmidt"))


@pytest.mark.parametrize(
    "text",
    [
        "Are they unhappy with us?",
        "I wonder if they would switch vendors were the price to go up.",
        "A friend's company left us for HubSpot last year.",
        "They're churning through support agents, Grace says turnover is high.",
        "Escalating this one to our CTO internally.",
        "Had to cancel the 10am, moved to Friday.",
        "Grace cancelled her support ticket, the issue fixed itself.",
        "The workshop with the finance team was cancelled by them.",
        "Their hiring plan got cancelled, Aisha says.",
        "They terminated the old SFTP feed once the API went live.",
        "Grace hates the new dashboard, but they would never leave over it.",
        "Aisha joked she would quit if we moved the QBR to Monday again.",
        "Vendor consolidation at their end - Grace says we're the one they consolidate onto.",
        "Aisha complained about the price again, but she always does.",
        "lol Grace says they will churn if we change the logo colour.",
        "Aisha is leaving for Berlin tomorrow for 2 weeks, back on the 14th.",
        "Upgrade to Enterprise completed in March.",
        "Does the premium tier include SSO?",
        "Asked Grace about more seats - she said the current 40 are plenty.",
        "They put all new spending on hold until Q2, including the second phase with us.",
    ],
)
def test_a_lookalike_gives_no_finding(text: str) -> None:
    assert read_text(text, PEOPLE) == ()


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("They cancelled the contract with us, Grace confirmed.", "churn_risk"),
        ("The contract was cancelled by them last week.", "churn_risk"),
        ("They want to terminate the contract early.", "churn_risk"),
        ("Aisha asked for a quote for 20 more seats.", "upsell_signal"),
        ("Downgrade request: from 80 to 50 seats at renewal.", "churn_risk"),  # fewer seats, and no expansion
        ("Aisha is leaving end of month, retiring after 30 years, and Grace is very sad about it lol.", "contact_gone"),
    ],
)
def test_the_real_thing_next_to_them_is_still_found(text: str, kind: str) -> None:
    assert [f.kind for f in read_text(text, PEOPLE)] == [kind]
