"""The review's summary through the real CLI against the sandbox: "Accounts changed since last run" agrees with what
the incremental sync brought (before: 0 beside "incremental sync, 5 records", the records at the cursor's boundary
that every incremental fetch returns again), and the reports list reviewed accounts worst health first."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from cli_support import run_main, sandbox_cli_env

from sandbox.embedded import RunningSandbox


def _review(env: dict[str, str]) -> dict[str, Any]:
    result = run_main(env, "review", "--json")
    assert result.returncode == 0, result.stderr[-1500:]
    doc: dict[str, Any] = json.loads(result.stdout)
    return doc


@pytest.mark.slow
def test_changed_accounts_agree_with_the_incremental_sync(sandbox: RunningSandbox, tmp_path: Path) -> None:
    env = sandbox_cli_env(sandbox, tmp_path / "home")
    first = _review(env)
    assert first["sync"]["full"] and first["changed_accounts"] == first["accounts_triaged"]

    quiet = _review(env)  # nothing changed in Zoho
    assert not quiet["sync"]["full"] and quiet["sync"]["records_fetched"] > 0  # the boundary, fetched again
    assert quiet["sync"]["records_changed"] == 0 and quiet["changed_accounts"] == 0, quiet["sync"]

    store = sandbox.store
    deal = store.list_records("Deals")[0]
    store.update("Deals", deal["id"], {"Next_Step": "Call the CFO about the renewal"})
    other = next(a for a in store.list_records("Accounts") if a["id"] != deal["Account_Name"]["id"])
    store.create(
        "Notes",
        {
            "Note_Title": "Budget",
            "Note_Content": "They freeze all spend until April.",
            "Parent_Id": {"module": {"api_name": "Accounts"}, "id": other["id"]},
        },
    )
    changed = _review(env)
    assert changed["changed_accounts"] == 2, changed["sync"]
    assert 2 <= changed["sync"]["records_changed"] <= changed["sync"]["records_fetched"]

    summary = run_main({**env, "COLUMNS": "200"}, "review")
    assert summary.returncode == 0
    text = " ".join(summary.stdout.split())
    assert re.search(r"Accounts changed since last run │ 0 ", text), text
    assert "incremental sync: " in text and " fetched, 0 new or changed" in text


@pytest.mark.slow
def test_reports_list_reviewed_accounts_worst_health_first(sandbox: RunningSandbox, tmp_path: Path) -> None:
    doc = _review(sandbox_cli_env(sandbox, tmp_path / "home"))
    markdown = next(Path(p) for p in doc["report_paths"] if p.endswith(".md")).read_text()
    reviewed = markdown.split("## Reviewed accounts", 1)[1].split("## Other flagged accounts", 1)[0]
    scores = [int(s) for s in re.findall(r"^### .* — health (\d+)/100", reviewed, flags=re.M)]
    assert len(scores) >= 3 and scores == sorted(scores), scores
    html = next(Path(p) for p in doc["report_paths"] if p.endswith(".html")).read_text()
    names = [f["account_name"] for f in sorted(doc["flagged"], key=lambda f: f["score"]) if f["proposals"]]
    positions = [html.find(name) for name in names]
    assert all(p >= 0 for p in positions), names


@pytest.mark.slow
def test_since_names_what_changed_is_counted_from(sandbox: RunningSandbox, tmp_path: Path) -> None:
    """`review --since 24h` counts the accounts touched in those 24 hours: the row said "since last run"."""
    env = {**sandbox_cli_env(sandbox, tmp_path / "home"), "COLUMNS": "200"}
    assert run_main(env, "review").returncode == 0
    windowed = run_main(env, "review", "--since", "24h")
    assert windowed.returncode == 0, windowed.stderr[-1500:]
    assert "since last run" not in windowed.stdout
    assert re.search(r"Accounts changed since \d{4}-\d\d-\d\d \d\d:\d\d UTC", windowed.stdout), windowed.stdout
    [report] = [p for p in re.findall(r"\S+\.md", windowed.stdout)]
    assert "Accounts changed since last run" not in Path(report).read_text()
