"""End to end: the real ``python main.py review`` as a subprocess against a seeded sandbox (rules mode)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_support import clean_env

from review.scoring import score_against_manifest
from sandbox.embedded import RunningSandbox

ROOT = Path(__file__).resolve().parents[1]
MODULES = ("Accounts", "Contacts", "Deals", "Tasks", "Notes")


def review(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "review", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def org(tmp_path: Path) -> Iterator[RunningSandbox]:
    from sandbox.embedded import start_sandbox

    with start_sandbox(tmp_path / "sandbox", accounts=1000, seed=11) as running:
        yield running


def cli_env(home: Path, base_url: str, client_id: str, client_secret: str, refresh_token: str) -> dict[str, str]:
    return clean_env() | {
        "SERGAS_HOME": str(home),
        "SERGAS_ZOHO_API_URL": base_url,
        "SERGAS_ZOHO_ACCOUNTS_URL": base_url,
        "SERGAS_ZOHO_CLIENT_ID": client_id,
        "SERGAS_ZOHO_CLIENT_SECRET": client_secret,
        "SERGAS_ZOHO_REFRESH_TOKEN": refresh_token,
    }


@pytest.fixture
def env(org: RunningSandbox, tmp_path: Path) -> dict[str, str]:
    return cli_env(tmp_path / "home", org.base_url, org.client_id, org.client_secret, org.refresh_token)


def existing_ids(org: RunningSandbox, cited: set[str]) -> set[str]:
    return {rid for rid in cited if any(org.store.exists(m, rid) for m in MODULES)}


@pytest.mark.slow
def test_review_json_scores_reports_and_reruns_without_duplicates(
    org: RunningSandbox, env: dict[str, str], tmp_path: Path
) -> None:
    out = tmp_path / "out" / "tonight.html"
    first = review(env, "--json", "--report", str(out), "--limit", "30")
    assert first.returncode == 0, first.stderr[-3000:]
    doc = json.loads(first.stdout)  # stdout holds only the JSON document
    assert "No model key: rule-based proposals" in first.stderr
    assert set(doc) >= {
        "run_id",
        "started_at",
        "finished_at",
        "mode",
        "accounts_triaged",
        "flagged",
        "api_calls",
        "cost_usd",
    }
    assert doc["mode"] == "rules" and doc["accounts_triaged"] == 1000 and doc["cost_usd"] == 0
    assert doc["flagged"] and all(f["signals"] for f in doc["flagged"])
    for flagged in doc["flagged"]:
        assert set(flagged) == {"account_id", "account_name", "score", "signals", "proposals", "held"}
        for signal in flagged["signals"]:
            assert (
                set(signal)
                == {
                    "kind",
                    "severity",
                    "summary",
                    "evidence",
                    "subject_module",
                    "subject_id",
                    "subject_name",
                    "what",
                    "quote",
                    "quote_record_id",
                }
                and signal["evidence"]
            )
            assert signal["subject_id"] and signal["subject_name"]
        for proposal in flagged["proposals"]:
            assert set(proposal) == {"id", "kind", "summary", "origin", "created", "prior_decision"}
            assert proposal["origin"] == "rules" and proposal["prior_decision"] is None
    with_proposals = [f for f in doc["flagged"] if f["proposals"]]
    assert len(with_proposals) == 30

    cited = {e for f in doc["flagged"] for s in f["signals"] for e in s["evidence"]}
    score = score_against_manifest(doc["flagged"], org.manifest(), existing_ids(org, cited))
    assert score["recall"] >= 0.95, score["missed"]
    assert score["false_flag_rate"] <= 0.10, score["false_flags"]
    assert score["missing_evidence"] == []

    reports = Path(env["SERGAS_HOME"]) / "reports"
    md, html = reports / f"review-{doc['run_id']}.md", reports / f"review-{doc['run_id']}.html"
    assert md.exists() and html.exists() and out.exists()
    page = out.read_text()
    assert page.startswith("<!DOCTYPE html>") and "<svg" in page and "<style>" in page
    assert "<script" not in page.lower()
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", page)
    assert doc["flagged"][0]["account_id"] in md.read_text()

    second = review(env, "--json", "--limit", "30")
    assert second.returncode == 0, second.stderr[-3000:]
    again = json.loads(second.stdout)
    assert again["run_id"] != doc["run_id"]
    assert again["proposals_created"] == 0
    first_ids = {p["id"] for f in doc["flagged"] for p in f["proposals"]}
    second_ids = {p["id"] for f in again["flagged"] for p in f["proposals"]}
    assert second_ids == first_ids  # the same queued proposals, not new ones


@pytest.mark.slow
def test_overlapping_review_exits_3(tmp_path: Path) -> None:
    from config import load_settings
    from state.store import StateStore

    # nothing is fetched when the lock is refused, so no sandbox is needed
    env = cli_env(tmp_path / "home", "http://127.0.0.1:9", "1000.X", "secret", "1000.refresh")
    settings = load_settings(home=Path(env["SERGAS_HOME"]))
    settings.ensure_home()
    with StateStore.open(settings) as store:
        assert store.acquire_run_lock("review", owner="nightly-on-another-host", ttl_seconds=600)
        result = review(env, "--json")
    assert result.returncode == 3
    assert "already running" in result.stderr and result.stdout == ""


def test_bad_since_is_an_operator_error(tmp_path: Path) -> None:
    from cli.review_command import run
    from config import load_settings

    assert run(load_settings(home=tmp_path / "home"), since="last tuesday") == 2


def test_summary_shows_the_whole_report_path_in_an_80_column_terminal() -> None:
    """cron's log and a plain terminal are 80 columns: the report's path was cut to "review-2026120…"."""
    from datetime import UTC, datetime

    from rich.console import Console

    from cli.review_command import summary_table
    from review.run_models import ReviewRun

    path = "/var/lib/sergas/home/reports/review-20261205T042517-8bd35e2d.html"
    run = ReviewRun(run_id="20261205T042517-8bd35e2d", started_at=datetime.now(UTC), report_paths=[path])
    console = Console(width=80, record=True, force_terminal=False)
    console.print(summary_table(run))
    shown = re.sub(r"[\s│┃|]", "", console.export_text())
    assert path in shown, console.export_text()


@pytest.mark.parametrize(
    ("second_reader", "products", "said"),
    [
        (True, 0, "rules and the second reader, no product names"),
        (False, 0, "rules alone"),
        (True, 3, "rules and the second reader, with 3 product names"),
        (False, 1, "rules alone (SERGAS_SECOND_READER=false), with 1 product name"),
    ],
)
def test_summary_says_who_read_the_notes(second_reader: bool, products: int, said: str) -> None:
    from datetime import UTC, datetime

    from rich.console import Console

    from cli.review_command import summary_table
    from review.run_models import ReviewRun

    origin = "2 from Zoho's Products, 1 from SERGAS_PRODUCT_NAMES" if products == 3 else ""
    run = ReviewRun(
        run_id="r",
        started_at=datetime.now(UTC),
        second_reader=second_reader,
        product_names=products,
        product_names_origin=origin,
    )
    console = Console(width=120, record=True, force_terminal=False)
    console.print(summary_table(run))
    rows = [re.sub(r"\s+", " ", line.strip("│ ")) for line in console.export_text().splitlines()]
    assert any(row.startswith("Notes read by │ " + said) for row in rows), rows
    assert any(row.startswith("Product names │ " + origin) for row in rows) is bool(origin), rows
