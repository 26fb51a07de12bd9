"""The vendor's product names (``SERGAS_PRODUCT_NAMES`` and the org's active products in Zoho's Products module): notes
are read with them, so "wants Yard for the new depot" is a wish for more and "switch off RouteX at renewal" a risk,
while "the container yard" stays a yard (a name is matched as the Products list spells it). The setting is read once
and reaches the triage as its thresholds; Zoho's names join them (``review.product_names``), the setting's first, and
a failed read of Zoho's leaves the setting's with one line saying why."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import cast

import pytest
from test_review_pipeline import NOW, FakeGateway

from agents.testing import InMemoryGateway, demo_views
from briefs import build_brief
from config import ConfigError, load_settings
from integrations.zoho.errors import ZohoPermissionError, ZohoUnavailableError
from integrations.zoho.gateway import ZohoGateway
from integrations.zoho.models import CrmRecord
from review.language import Person, read_text
from review.language.reader import products_as_add_ons
from review.pipeline import run_review
from review.product_names import ProductNamesSource, read_product_names
from review.record_builders import account, note, org
from review.thresholds import DEFAULT_THRESHOLDS, Thresholds, thresholds_for
from state.store import StateStore

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


# --- the setting and Zoho's Products (review.product_names) ----------------------------------------------------------
class CatalogueGateway:
    """A gateway that only knows the org's active product names, or fails to read them with ``error``."""

    def __init__(self, names: list[str], error: Exception | None = None) -> None:
        self.names, self.error, self.reads = names, error, 0

    async def active_product_names(self) -> list[str]:
        self.reads += 1
        if self.error is not None:
            raise self.error
        return self.names


async def test_zohos_names_join_the_settings_each_once_the_settings_first() -> None:
    names = await read_product_names(
        CatalogueGateway(["Harbor", "Yard", " RouteWise", "Harbor", "-", "x" * 81]), PRODUCTS
    )
    assert names.names == ("Yard", "RouteX", "SLA Guard", "Harbor", "RouteWise")
    assert (names.source, names.origin(), names.problem) == (
        "setting+zoho",
        "2 from Zoho's Products, 3 from SERGAS_PRODUCT_NAMES",
        None,
    )
    assert (await read_product_names(CatalogueGateway(["Harbor"]), ())).source == "zoho"
    assert (await read_product_names(object(), PRODUCTS)).names == PRODUCTS  # a gateway that cannot read them


@pytest.mark.parametrize(
    ("error", "says"),
    [
        (
            ZohoPermissionError("invalid oauth scope", status=401, code="OAUTH_SCOPE_MISMATCH", module="Products"),
            "the OAuth token lacks ZohoCRM.modules.products.READ; grant it, or ZohoCRM.modules.ALL",
        ),
        (ZohoUnavailableError("Zoho is down", code="INTERNAL_ERROR", status=500), "Zoho is down"),
    ],
)
async def test_a_failed_read_says_why_in_one_line_and_keeps_the_settings_names(error: Exception, says: str) -> None:
    names = await read_product_names(CatalogueGateway([], error), PRODUCTS)
    assert names.names == PRODUCTS and names.source == "setting"
    assert names.problem is not None and "\n" not in names.problem
    assert names.problem.startswith("product names could not be read from Zoho's Products (" + says)
    assert names.problem.endswith("notes were read with the 3 of SERGAS_PRODUCT_NAMES")


async def test_a_long_running_process_reads_zohos_names_once_an_hour() -> None:
    now = [0.0]
    gateway = CatalogueGateway(["Harbor"], ZohoUnavailableError("down"))
    source = ProductNamesSource(gateway, thresholds_for_products(PRODUCTS), clock=lambda: now[0])
    assert (await source.thresholds()).product_names == PRODUCTS  # failed: tried again after five minutes
    now[0] = 299.0
    await source.get()
    gateway.error, now[0] = None, 301.0
    assert (await source.thresholds()).product_names == (*PRODUCTS, "Harbor") and gateway.reads == 2
    gateway.names, now[0] = ["Harbor", "Ledgerly"], 3600.0
    assert (await source.get()).zoho == ("Harbor",)
    now[0] = 3902.0
    assert (await source.get()).zoho == ("Harbor", "Ledgerly") and gateway.reads == 3


def thresholds_for_products(products: tuple[str, ...]) -> Thresholds:
    return DEFAULT_THRESHOLDS.model_copy(update={"product_names": products})


class CatalogueOrg(FakeGateway):
    """The review pipeline's small in-memory org, with a Products catalogue."""

    def __init__(self, records: dict[str, list[CrmRecord]], products: list[str]) -> None:
        super().__init__(records)
        self.products, self.reads = products, 0

    async def active_product_names(self) -> list[str]:
        self.reads += 1
        return self.products


async def test_the_review_reads_zohos_names_once_and_says_where_they_came_from(tmp_path: Path) -> None:
    wish = account(id="a-wish", name="Wish Co")
    records = org(wish, note(wish.id, "Grace wants Harbor for the container yard at the new depot.", days_ago=3))
    settings = load_settings(home=tmp_path / "home")
    settings.ensure_home()
    for catalogue, source, found in ((["Harbor"], "zoho", True), ([], "none", False)):
        gateway = CatalogueOrg(records, catalogue)
        with StateStore.open(settings) as store:
            run = await run_review(settings, gateway=gateway, store=store, clock=lambda: NOW)
        doc = run.to_json()
        assert (doc["product_names"], doc["product_names_source"], gateway.reads) == (len(catalogue), source, 1)
        kinds = {s["kind"] for f in doc["flagged"] for s in f["signals"]}
        assert ("upsell_signal" in kinds) is found, doc["flagged"]


async def test_the_brief_reads_notes_with_the_orgs_products_and_warns_when_it_cannot() -> None:
    """The brief (``ask``/``brief`` without a model, the keyless chat, the inbox) reads notes as the review does."""
    views = demo_views()
    views[0].notes[0] = views[0].notes[0].model_copy(update={"content": "Grace wants Harbor for the Lyon depot."})
    gateway = InMemoryGateway(views)
    acme = views[0].account.id

    async def kinds(source: ProductNamesSource) -> tuple[set[str], list[str]]:
        brief = await build_brief(gateway, None, acme, today=date(2026, 2, 20), product_names=source)
        return {r.kind for r in brief.risks} & {"upsell_signal"}, brief.warnings

    assert await kinds(ProductNamesSource(gateway, DEFAULT_THRESHOLDS)) == (set(), [])  # the org sells no Harbor
    gateway.products = ["Harbor"]
    found, warnings = await kinds(ProductNamesSource(gateway, DEFAULT_THRESHOLDS))
    assert "upsell_signal" in found and warnings == []
    gateway.fail_with = ZohoPermissionError("refused", code="OAUTH_SCOPE_MISMATCH")
    source = ProductNamesSource(gateway, thresholds_for_products(("Harbor",)))
    names = await source.get()
    gateway.fail_with = None
    found, warnings = await kinds(source)  # the failed read is kept five minutes: the setting's names are read
    assert "upsell_signal" in found and warnings == [names.problem]


async def test_the_listener_reads_them_too_and_its_run_says_so(tmp_path: Path) -> None:
    from listener.review_adapter import PipelineReview

    wish = account(id="a-wish", name="Wish Co")
    records = org(wish, note(wish.id, "Grace wants Harbor for the Lyon depot.", days_ago=3))
    settings = load_settings(home=tmp_path / "home", second_reader=False)
    settings.ensure_home()
    gateway = CatalogueOrg(records, ["Harbor"])
    with StateStore.open(settings) as store:
        # the small org is enough of a gateway for the listener's sync and triage
        review = PipelineReview(settings, gateway=cast(ZohoGateway, gateway), store=store, clock=lambda: NOW)
        for _ in range(2):  # read once, kept for the hour
            [result] = await review.review_accounts(["a-wish"], agent_budget_usd=0.0)
            assert result.flagged
        run = store.last_successful_run("listener")
        assert run is not None and run.summary is not None
        assert (run.summary["product_names"], run.summary["product_names_source"], gateway.reads) == (1, "zoho", 1)
