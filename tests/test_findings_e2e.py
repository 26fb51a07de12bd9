"""End to end: every example sentence of issue 13 planted as a note on an account of its own (with its own
contacts) through the sandbox's REST API, as a user would, then the real ``python main.py review --json``:
each finding must be right about what happened and to whom, and quote its sentence whole."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import httpx
import pytest
from cli_support import run_main, sandbox_cli_env
from sandbox_rest import access_token

from sandbox.embedded import RunningSandbox, start_sandbox
from sandbox.scopes import DEFAULT_SCOPES
from sandbox.seed_text import ACTIVE_PRODUCTS

pytestmark = pytest.mark.slow

CONTACTS = (("Grace", "Schmidt", "Operations Manager"), ("Aisha", "Murphy", "VP Finance"))
GRACE, AISHA = "Grace Schmidt", "Aisha Murphy"
GONE, CHURN = "contact_gone", "churn_risk"

# (the note, the language findings the review must report as (kind, subject name)); nothing else may be
# reported from these notes (``subject`` "account" = the account itself).
EXAMPLES: tuple[tuple[str, set[tuple[str, str]]], ...] = (
    ("Heard from Grace Schmidt that Aisha Murphy left the company in November.", {(GONE, AISHA)}),
    ("According to Grace Schmidt, Aisha Murphy quit.", {(GONE, AISHA)}),
    ("Aisha Murphy left in March; Grace Schmidt takes over.", {(GONE, AISHA)}),
    ("Asked Grace directly: they're not shopping around.", set()),
    ("Grace says there is zero appetite to switch.", set()),
    ("Two years ago they threatened to leave; since then they have renewed twice.", set()),
    ("The escalation is closed.", set()),
    ("They cancelled the demo, rebooked for next week.", set()),
    ("Aisha Murphy left the call early.", set()),
    ("Aisha Murphy is on leave until May.", set()),
    ("They ended the pilot of a rival tool.", set()),
    ("Aisha Murphy joined a startup.", {(GONE, AISHA)}),
    ("Aisha Murphy handed over her accounts to Grace; her last day was Friday.", {(GONE, AISHA)}),
    ("Renewal call: they went with HubSpot.", {(CHURN, "account")}),
    ("Procurement has an RFP out to three vendors.", {(CHURN, "account")}),
    ("Grace says they will let the contract lapse.", {(CHURN, "account")}),
)
ABBREVIATION = "Budget cuts at Cobalt Aerospace S.A. mean they will cancel at renewal."
RESOLVED = "Aisha Murphy has left the company. Grace Schmidt is our new point of contact."


def _create(api: httpx.Client, module: str, record: dict[str, Any]) -> str:
    response = api.post(f"/crm/v8/{module}", json={"data": [record]})
    assert response.status_code == 201, response.text
    return str(response.json()["data"][0]["details"]["id"])


def _plant(api: httpx.Client, name: str, content: str, title: str = "Call notes") -> dict[str, Any]:
    """An account of its own, its two contacts, and the note on the account."""
    account_id = _create(api, "Accounts", {"Account_Name": name})
    contacts = {}
    for first, last, role in CONTACTS:
        record = {"First_Name": first, "Last_Name": last, "Title": role, "Account_Name": {"id": account_id}}
        contacts[_create(api, "Contacts", record)] = f"{first} {last}"
    parent = {"module": {"api_name": "Accounts"}, "id": account_id}
    note_id = _create(api, "Notes", {"Note_Title": title, "Note_Content": content, "Parent_Id": parent})
    return {"account_id": account_id, "contacts": contacts, "note_id": note_id}


def _findings(flagged: dict[str, Any] | None, planted: dict[str, Any]) -> set[tuple[str, str]]:
    found = set()
    for signal in (flagged or {}).get("signals", []):
        if signal["kind"] == GONE:
            found.add((GONE, planted["contacts"].get(signal["subject_id"], signal["subject_id"])))
        elif signal["kind"] in (CHURN, "upsell_signal"):
            assert signal["subject_id"] == planted["account_id"]
            found.add((signal["kind"], "account"))
    return found


def test_issue_examples_are_right_about_what_and_who(sandbox: RunningSandbox, tmp_path: Path) -> None:
    with httpx.Client(
        base_url=sandbox.base_url, headers={"Authorization": f"Zoho-oauthtoken {access_token(sandbox)}"}
    ) as api:
        planted = [_plant(api, f"Issue Example {i:02d} Ltd", text) for i, (text, _) in enumerate(EXAMPLES)]
        cut = _plant(api, "Cobalt Aerospace S.A.", ABBREVIATION, title="Escalation")
        resolved = _plant(api, "Resolved Example GmbH", RESOLVED)

    done = run_main(sandbox_cli_env(sandbox, tmp_path / "home"), "review", "--json", "--limit", "500")
    assert done.returncode == 0, done.stderr
    flagged = {f["account_id"]: f for f in json.loads(done.stdout)["flagged"]}

    wrong = []
    for (text, expected), where in zip(EXAMPLES, planted, strict=True):
        got = _findings(flagged.get(where["account_id"]), where)
        if got != expected:
            wrong.append(f"{text!r}: expected {sorted(expected)}, got {sorted(got)}")
        for signal in (flagged.get(where["account_id"]) or {}).get("signals", []):
            if signal["kind"] in (GONE, CHURN):
                assert signal["quote"] == text and signal["quote_record_id"] == where["note_id"]
    assert not wrong, "\n".join(wrong)

    [churn] = [s for s in flagged[cut["account_id"]]["signals"] if s["kind"] == CHURN]
    assert churn["quote"] == ABBREVIATION  # whole: not cut at "S.A.", and not the note's title "Escalation"
    assert churn["subject_name"] == "Cobalt Aerospace S.A."

    signals = flagged[resolved["account_id"]]["signals"]
    assert {(s["kind"], s["subject_name"]) for s in signals} == {(GONE, AISHA)}
    assert not any("replacement" in p["summary"] for p in flagged[resolved["account_id"]]["proposals"])


def test_the_demo_org_review_names_who_left_never_who_reported_it(sandbox: RunningSandbox, tmp_path: Path) -> None:
    from review.scoring import score_findings

    done = run_main(sandbox_cli_env(sandbox, tmp_path / "home"), "review", "--json", "--limit", "500")
    assert done.returncode == 0, done.stderr
    score = score_findings(json.loads(done.stdout)["flagged"], sandbox.manifest())
    gone = score["per_kind"][GONE]
    assert gone["planted"] and gone["found"] == gone["planted"], score["missed"]
    assert gone["false_findings"] == 0 and gone["wrong_subject"] == 0, score["false_findings"]
    assert not [f for f in score["lookalikes_reported"] if f[1] == GONE]


SECOND_READER_ONLY = (
    ("Grace hinted the board wants a cheaper tool before renewal.", CHURN),
    ("Grace needs a signed order form for the extra seats for Madrid and Valencia.", "upsell_signal"),
)


def _plant_all(sandbox: RunningSandbox, prefix: str, notes: tuple[tuple[str, str], ...]) -> list[dict[str, Any]]:
    with httpx.Client(
        base_url=sandbox.base_url, headers={"Authorization": f"Zoho-oauthtoken {access_token(sandbox)}"}
    ) as api:
        return [_plant(api, f"{prefix} {i} AG", text) for i, (text, _) in enumerate(notes)]


def _review(
    sandbox: RunningSandbox, home: Path, planted: list[dict[str, Any]], **settings: str
) -> tuple[dict[str, Any], list[set[tuple[str, str]]]]:
    """``review --json`` with ``settings`` in the environment: the run's JSON and the findings on each planted note."""
    done = run_main(sandbox_cli_env(sandbox, home, **settings), "review", "--json", "--limit", "500")
    assert done.returncode == 0, done.stderr
    run = json.loads(done.stdout)
    flagged = {f["account_id"]: f for f in run["flagged"]}
    return run, [_findings(flagged.get(where["account_id"]), where) for where in planted]


def test_sergas_second_reader_turns_the_fine_tuned_reader_on_for_the_review(
    sandbox: RunningSandbox, tmp_path: Path
) -> None:
    """``SERGAS_SECOND_READER=true`` reaches the review: findings the rules alone miss are reported with it, not
    without it (the setting is read once, in main.py, and passed down as the triage's thresholds)."""
    planted = _plant_all(sandbox, "Second Reader", SECOND_READER_ONLY)
    found = {}
    for on in ("false", "true"):
        run, found[on] = _review(sandbox, tmp_path / f"home-{on}", planted, SERGAS_SECOND_READER=on)
        assert run["second_reader"] is (on == "true")  # the run says how its notes were read
    assert found["false"] == [set(), set()]
    assert found["true"] == [{(kind, "account")} for _, kind in SECOND_READER_ONLY]
    scores = tmp_path / "home-true" / "state" / "second_reader_scores.sqlite3"
    assert scores.is_file() and not (tmp_path / "home-false" / "state" / scores.name).exists()
    with sqlite3.connect(scores) as kept:  # the next night reads these instead of running the model
        assert kept.execute("SELECT count(*) FROM scores").fetchone()[0] >= len(SECOND_READER_ONLY)


PRODUCT_NOTES = (  # neither reader finds these without the names (the rules and the model both run by default)
    ("Grace asked about SLA Guard for the two new sites.", "upsell_signal"),
    ("Grace wants RouteX too after seeing the Malmö demo.", "upsell_signal"),
)


def test_sergas_product_names_reads_the_vendors_products_in_notes(sandbox: RunningSandbox, tmp_path: Path) -> None:
    """``SERGAS_PRODUCT_NAMES`` reaches the review: a note naming what the vendor sells reads as a wish for more with
    the names, and as nothing without them."""
    planted = _plant_all(sandbox, "Product Names", PRODUCT_NOTES)
    found = {}
    for names in ("", "Yard, RouteX, SLA Guard"):
        run, found[names] = _review(sandbox, tmp_path / f"home-{len(names)}", planted, SERGAS_PRODUCT_NAMES=names)
        # the run says what it read with: the setting's names and the demo org's active products
        assert run["product_names"] == (3 if names else 0) + len(ACTIVE_PRODUCTS)
    assert found[""] == [set(), set()]
    assert found["Yard, RouteX, SLA Guard"] == [{(kind, "account")} for _, kind in PRODUCT_NOTES]


UPSELL = ("upsell_signal", "account")
CATALOGUE_NOTES = (  # the demo org's Products: Harbor is active, Tally Sync retired (Product_Active false); neither
    # reader finds a wish for more in these without the name among the product names
    ("Grace wants Harbor for the Lyon depot, asked for a price.", "upsell_signal"),
    ("Grace wants Tally Sync for the Lyon depot, asked for a price.", "upsell_signal"),
)


def test_the_orgs_active_products_are_read_without_any_setting(sandbox: RunningSandbox, tmp_path: Path) -> None:
    """With no SERGAS_PRODUCT_NAMES the review reads the org's active products from Zoho's Products module: a note
    naming one is a wish for more; a retired product's name is not read as a product (named in the setting, it is)."""
    planted = _plant_all(sandbox, "Catalogue", CATALOGUE_NOTES)
    run, found = _review(sandbox, tmp_path / "home", planted)
    assert (run["product_names"], run["product_names_source"]) == (len(ACTIVE_PRODUCTS), "zoho")
    assert found == [{UPSELL}, set()]
    run, found = _review(sandbox, tmp_path / "home-setting", planted, SERGAS_PRODUCT_NAMES="Tally Sync, Harbor")
    assert (run["product_names"], run["product_names_source"]) == (len(ACTIVE_PRODUCTS) + 1, "setting+zoho")
    assert found == [{UPSELL}, {UPSELL}]
    assert not [n for n in run["notes"] if "product names" in n]


def test_without_the_products_scope_the_review_goes_on_with_the_settings_names(tmp_path: Path) -> None:
    """A token without ZohoCRM.modules.products.READ: the review succeeds, says in one line why Zoho's products
    could not be read, and reads the notes with SERGAS_PRODUCT_NAMES."""
    scopes = [s for s in DEFAULT_SCOPES if s != "ZohoCRM.modules.ALL"]
    scopes += [f"ZohoCRM.modules.{m}.ALL" for m in ("accounts", "contacts", "deals", "tasks", "notes")]
    with start_sandbox(tmp_path / "sb", accounts=10, seed=7, scopes=scopes) as limited:
        planted = _plant_all(limited, "No Scope", CATALOGUE_NOTES)
        run, found = _review(limited, tmp_path / "home", planted, SERGAS_PRODUCT_NAMES="Tally Sync")
        human = run_main(sandbox_cli_env(limited, tmp_path / "home", SERGAS_PRODUCT_NAMES="Tally Sync"), "review")
    assert (run["product_names"], run["product_names_source"]) == (1, "setting")
    assert found == [set(), {UPSELL}]
    [said] = [n for n in run["notes"] if "product names" in n]
    assert said == (
        "product names could not be read from Zoho's Products (the OAuth token lacks ZohoCRM.modules.products.READ; "
        "grant it, or ZohoCRM.modules.ALL); notes were read with the 1 of SERGAS_PRODUCT_NAMES"
    )
    assert human.returncode == 0, human.stderr
    assert "ZohoCRM.modules.products.READ" in " ".join(human.stdout.split())
