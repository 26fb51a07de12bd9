"""What a proposal card holds (pure functions of ``web.inbox_view`` and ``web.links``): the review's finding
with its subject and quoted sentence, record links in Zoho's web UI (or the sandbox's JSON), the outcome."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from domain.proposals import Citation, CreateTaskProposal, TaskDraft
from domain.recommendations import Recommendation
from state.models import ReviewResult
from web.inbox_view import Links, card
from web.links import record_url

NOW = datetime(2031, 1, 1, tzinfo=UTC)


def _rec(**extra: object) -> Recommendation:
    proposal = CreateTaskProposal(
        account_id="100",
        target_module="Contacts",
        target_id="200",
        subject_id="200",
        task=TaskDraft(subject="Find who replaces Aisha"),
        rationale="Aisha left.",
        evidence=[
            Citation(record_id="300", module="Notes", excerpt="Aisha is leaving\x1b[31m"),
            Citation(record_id="400", module="Deals"),
        ],
        signal_kind="champion_left",
        origin="rules",
    )
    values: dict[str, object] = {"id": "r" * 32, "proposal": proposal, "idempotency_key": "k", "dedupe_key": "d"}
    return Recommendation.model_validate({**values, "created_at": NOW, **extra})


def _result() -> ReviewResult:
    signals: list[dict[str, Any]] = [
        {"kind": "champion_left", "summary": "Another contact left", "subject_id": "999"},
        {
            "kind": "champion_left",
            "summary": "Champion left",
            "subject_id": "200",
            "subject_name": "Aisha Murphy",
            "what": "left the company",
            "quote": "Aisha told us she is leaving\nat the end of May.",
            "quote_record_id": "300",
            "evidence_modules": {"300": "Notes"},
        },
    ]
    return ReviewResult(run_id="run", account_id="100", score=42, signals=signals, reviewed_at=NOW)


def test_the_finding_is_the_one_about_the_proposals_subject_with_its_sentence() -> None:
    links = Links(base="http://127.0.0.1:1/__sandbox/web", sandbox=True, org_id="77")
    shown = card(_rec(), links=links, result=_result())
    assert shown.finding is not None
    assert shown.finding.summary == "Champion left" and shown.finding.subject == "Aisha Murphy"
    assert shown.finding.quote == "Aisha told us she is leaving\nat the end of May."
    assert shown.finding.quote_url == "http://127.0.0.1:1/__sandbox/web/crm/org77/tab/Notes/300"
    assert shown.evidence[0].excerpt == "Aisha is leaving\u241b[31m"  # the escape shown, not obeyed


def test_zoho_web_ui_links_use_its_tab_names_and_notes_have_none() -> None:
    assert record_url("https://crm.zoho.eu", sandbox=False, org_id="5", module="Deals", record_id="9") == (
        "https://crm.zoho.eu/crm/org5/tab/Potentials/9"
    )
    assert record_url("https://crm.zoho.eu", sandbox=False, org_id=None, module="Accounts", record_id="9") == (
        "https://crm.zoho.eu/crm/tab/Accounts/9"
    )
    assert record_url("https://crm.zoho.eu", sandbox=False, org_id="5", module="Notes", record_id="9") is None
    links = Links(base="https://crm.zoho.eu", sandbox=False, org_id="5")
    shown = card(_rec(), links=links)
    assert [e.url for e in shown.evidence] == [None, "https://crm.zoho.eu/crm/org5/tab/Potentials/400"]


def test_an_executed_write_shows_where_it_landed() -> None:
    links = Links(base="https://crm.zoho.com", sandbox=False, org_id="5")
    done = card(_rec(status="executed", result_record_id="555", decided_by="m@x (Zoho user 1)"), links=links)
    assert done.outcome == "Written to Zoho: task created (record 555)."
    assert done.outcome_url == "https://crm.zoho.com/crm/org5/tab/Tasks/555" and not done.decidable


def test_record_links_go_to_the_data_centres_web_ui_or_the_sandbox() -> None:
    from config import load_settings
    from integrations.zoho.connection import connection_from_settings
    from web.config import web_ui_base

    creds = {"zoho_client_id": "1000.X", "zoho_client_secret": "s", "zoho_refresh_token": "r"}
    eu = load_settings(zoho_dc="eu", **creds)
    assert web_ui_base(eu, connection_from_settings(eu)) == ("https://crm.zoho.eu", False)
    au_sandbox = load_settings(zoho_dc="au", zoho_environment="sandbox", **creds)
    assert web_ui_base(au_sandbox, connection_from_settings(au_sandbox)) == ("https://crmsandbox.zoho.com.au", False)
    local = load_settings(zoho_api_url="http://127.0.0.1:9", zoho_accounts_url="http://127.0.0.1:9", **creds)
    assert web_ui_base(local, connection_from_settings(local)) == ("http://127.0.0.1:9/__sandbox/web", True)
