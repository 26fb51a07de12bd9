"""Every command finds the account the user means (issue 11): exact names in questions win over partial
matches, typos get "did you mean", lists say how many matched in all, an unknown id gets a plain message.
Through the real CLI (``python main.py``) against the sandbox, without a model key."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from cli_support import run_main, sandbox_cli_env

from sandbox.embedded import RunningSandbox

pytestmark = pytest.mark.slow

NOISE = [f"{w} Logistics GmbH" for w in ("Alpine", "Harbor", "Summit", "Prairie", "Canyon", "Delta", "Coastal")]
NOISE += [f"{w} Logistics GmbH" for w in ("Polar", "Valley", "Granite", "Meadow")]
RIVERSIDE = [  # created before ten other "Riverside …" (a search lists the newest first)
    "Riverside Logistics GmbH",
    "Riverside Logistics S.A.",
    "Riverside Logistics LLC",
    *(f"Riverside {w} {s}" for w, s in [("Foods", "Inc."), ("Health", "Group"), ("Energy", "Partners")]),
    *(f"Riverside {w} Ltd" for w in ("Media", "Retail", "Pharma", "Capital", "Hotels", "Robotics", "Telecom")),
]


@pytest.fixture
def riverside(sandbox: RunningSandbox) -> dict[str, str]:
    """Thirteen "Riverside …" accounts (and eleven other "… Logistics GmbH") added to the org: name → id."""
    ids = {name: sandbox.store.create("Accounts", {"Account_Name": name})["id"] for name in RIVERSIDE}
    for name in NOISE:
        sandbox.store.create("Accounts", {"Account_Name": name})
    return ids


def env_for(sandbox: RunningSandbox, tmp_path: Path) -> dict[str, str]:
    return sandbox_cli_env(sandbox, tmp_path / "home", COLUMNS="200")


def test_ask_picks_the_account_written_in_full_over_partial_matches(
    sandbox: RunningSandbox, riverside: dict[str, str], tmp_path: Path
) -> None:
    done = run_main(env_for(sandbox, tmp_path), "ask", "What should I do about Riverside Logistics GmbH this week?")
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"Accounts/{riverside['Riverside Logistics GmbH']}" in done.stdout
    assert "Riverside Logistics GmbH" in done.stdout and "match" not in done.stderr
    lowercase = run_main(env_for(sandbox, tmp_path), "ask", "any news from riverside logistics s.a.?")
    assert lowercase.returncode == 0, lowercase.stderr
    assert f"Accounts/{riverside['Riverside Logistics S.A.']}" in lowercase.stdout


def test_brief_lists_the_candidates_once_and_says_how_many_matched(
    sandbox: RunningSandbox, riverside: dict[str, str], tmp_path: Path
) -> None:
    done = run_main(env_for(sandbox, tmp_path), "brief", "riverside")
    assert done.returncode == 2, done.stdout + done.stderr
    assert "13 accounts match 'riverside' (the first 10 listed)" in done.stderr, done.stderr
    listed = re.findall(r"^\s+(Riverside [^(]+?)\s+\(id (\d+)\)$", done.stderr, re.MULTILINE)
    assert len(listed) == 10 and len({name for name, _ in listed}) == 10, done.stderr
    assert all(riverside[name] == rid for name, rid in listed)
    assert done.stderr.count("Riverside Logistics GmbH") == 1


def test_brief_with_a_typo_suggests_the_closest_names(
    sandbox: RunningSandbox, riverside: dict[str, str], tmp_path: Path
) -> None:
    done = run_main(env_for(sandbox, tmp_path), "brief", "Riversde Logistcs GmbH")
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Did you mean:" in done.stderr
    first = next(line for line in done.stderr.splitlines() if line.startswith("  "))
    assert f"Riverside Logistics GmbH  (id {riverside['Riverside Logistics GmbH']})" in first, done.stderr
    seeded = run_main(env_for(sandbox, tmp_path), "brief", "Lumen Retial Corp")  # seed 7's "Lumen Retail Corp."
    assert seeded.returncode == 2 and "Did you mean:" in seeded.stderr and "Lumen Retail Corp." in seeded.stderr


def test_an_unknown_id_gets_a_plain_message(sandbox: RunningSandbox, tmp_path: Path) -> None:
    for command in (("brief", "6421000009999999999"), ("ask", "Anything new?", "--account", "6421000009999999999")):
        done = run_main(env_for(sandbox, tmp_path), *command)
        assert done.returncode == 2, done.stdout + done.stderr
        assert "No account has the Zoho id 6421000009999999999" in done.stderr, done.stderr
        assert "INVALID" not in done.stderr and "400" not in done.stderr and "Traceback" not in done.stderr


def test_chat_focus_and_free_text_find_the_named_account(
    sandbox: RunningSandbox, riverside: dict[str, str], tmp_path: Path
) -> None:
    typed = "\n".join(
        [
            "/account riverside logistics gmbh",
            "What about Riverside Logistics S.A. this week?",
            "/account Riversde Logistcs LLC",
            "/account riverside",
            "/quit",
        ]
    )
    done = run_main(env_for(sandbox, tmp_path), "chat", stdin_text=typed + "\n")
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert f"Account in focus: Riverside Logistics GmbH ({riverside['Riverside Logistics GmbH']})" in out, out
    named = f"Riverside Logistics S.A. ({riverside['Riverside Logistics S.A.']})"
    assert f"Answering from the CRM (deterministic, no model) for {named}" in out, out
    assert "named in your question; the focus stays on Riverside Logistics GmbH" in out
    assert "Did you mean:" in out and f"Riverside Logistics LLC  (id {riverside['Riverside Logistics LLC']})" in out
    assert "13 accounts match 'riverside'" in out
