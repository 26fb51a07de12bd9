"""The vendor's product names (``SERGAS_PRODUCT_NAMES``): notes are read with them, so "wants Yard for the new depot"
is a wish for more and "switch off RouteX at renewal" a risk, while "the container yard" stays a yard (a name is
matched as the Products list spells it). The setting is read once and reaches the triage as its thresholds."""

from __future__ import annotations

from pathlib import Path

import pytest

from config import ConfigError, load_settings
from review.language import Person, read_text
from review.language.reader import products_as_add_ons
from review.thresholds import thresholds_for

GRACE = (Person("Grace Schmidt", "Grace", "Schmidt", "Operations Manager"),)
PRODUCTS = ("Yard", "RouteX", "SLA Guard")


def kinds(text: str, products: tuple[str, ...]) -> set[str]:
    return {f.kind for f in read_text(text, GRACE, account_name="Helix Labs", products=products)}


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Mette wants Yard for the container yard at the new depot.", "upsell_signal"),
        ("Grace asked us to switch off RouteX at renewal.", "churn_risk"),
        ("Grace asked about SLA Guard for the two new sites.", "upsell_signal"),
        ("Grace wants a demo of RouteX for the Leeds team.", "upsell_signal"),
    ],
)
def test_a_product_named_in_a_note_is_read_as_what_the_vendor_sells(text: str, kind: str) -> None:
    assert kind not in kinds(text, ())
    assert kind in kinds(text, PRODUCTS)


def test_a_name_is_matched_as_spelled_and_an_add_on_is_not_named_twice() -> None:
    assert products_as_add_ons("the container yard is full", PRODUCTS) == "the container yard is full"
    assert products_as_add_ons("Yard add-on live since May", PRODUCTS) == "Yard add-on live since May"
    assert products_as_add_ons("YardMaster and RouteXL are rivals", PRODUCTS) == "YardMaster and RouteXL are rivals"
    assert products_as_add_ons("SLA Guard quote sent", PRODUCTS) == "SLA Guard add-on quote sent"


def test_a_made_up_name_is_matched_in_any_case_everyday_words_or_compounds_only_as_spelled() -> None:
    products = ("Molarix", "Clinicast SMS", "Rota", "Pulse Mobile", "Workflows")
    assert products_as_add_ons("+1 molarix lic from feb", products) == "+1 molarix add-on lic from feb"
    assert products_as_add_ons("wants clinicast sms, 3 sites", products) == "wants clinicast sms add-on, 3 sites"
    assert products_as_add_ons("their approval workflows", products) == "their approval workflows"
    assert products_as_add_ons("asked to see the nurses' rota", products) == "asked to see the nurses' rota"
    assert products_as_add_ons("pulse mobile reception", products) == "pulse mobile reception"
    assert "upsell_signal" in kinds("harriet wants kelvra for the new ward (opens spring).", ("Kelvra",))


@pytest.mark.parametrize(
    "text",
    [
        "Karen wants to drop Yard - 'nobody uses it on nights'.",
        "Amara wants to keep Yard even after RouteX goes in Aug.",
        "Grace needs to update tariffs in Yard.",
        "Grace sent over a list of 14 GMs who need Yard logins.",
    ],
)
def test_wanting_less_or_something_else_of_a_product_is_no_wish_for_more(text: str) -> None:
    assert "upsell_signal" not in kinds(text, PRODUCTS)


def test_a_product_already_live_is_no_wish_for_more() -> None:
    assert "upsell_signal" not in kinds("Yard went live at all five hubs last week, Grace is happy.", PRODUCTS)


def test_the_setting_reaches_the_triage_once_each_name_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SERGAS_PRODUCT_NAMES", " Yard, RouteX ,,Yard, SLA Guard ")
    settings = load_settings(home=tmp_path)
    assert settings.products == PRODUCTS
    assert thresholds_for(settings).product_names == PRODUCTS


@pytest.mark.parametrize("value", ["Yard, ---", "x" * 81])
def test_a_value_that_is_no_list_of_names_fails_in_one_line(
    value: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SERGAS_PRODUCT_NAMES", value)
    with pytest.raises(ConfigError) as raised:
        load_settings(home=tmp_path)
    assert "SERGAS_PRODUCT_NAMES" in str(raised.value) and "separated by commas" in str(raised.value)
