"""``memory search`` through the real CLI against the sandbox: every hit names what it is (a note's title, a
deal's name) and its account by name, says what the record says, and still cites the ids (before: ids only).
The ranking itself is measured by benchmarks/memory_search.py and unit-tested in test_memory_ranking.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_support import run_main, sandbox_cli_env

from sandbox.embedded import RunningSandbox


@pytest.mark.slow
def test_hits_show_names(sandbox: RunningSandbox, tmp_path: Path) -> None:
    env = sandbox_cli_env(sandbox, tmp_path / "home", COLUMNS="200")
    assert run_main(env, "sync").returncode == 0
    accounts = {a["id"]: a["Account_Name"] for a in sandbox.store.list_records("Accounts")}

    found = run_main(env, "memory", "search", "customer unhappy with pricing", "--json")
    assert found.returncode == 0, found.stderr
    hits = json.loads(found.stdout)["results"]
    assert len(hits) == 10
    for hit in hits:
        assert hit["title"], hit
        if hit["account_id"]:
            assert hit["account_name"] == accounts[hit["account_id"]], hit

    shown = run_main(env, "memory", "search", "customer unhappy with pricing", "--limit", "3")
    assert shown.returncode == 0
    first = hits[0]
    assert f"{first['title']}" in shown.stdout and first["citation"]["record_id"] in shown.stdout
    if first["account_name"]:
        assert first["account_name"] in shown.stdout

    # --account takes a name as every other command's does (before: a name matched no id, "Nothing matches")
    named = next(h for h in hits if h["account_id"])
    by_name = run_main(
        env, "memory", "search", "customer unhappy with pricing", "--account", named["account_name"], "--json"
    )
    assert by_name.returncode == 0, by_name.stderr
    narrowed = json.loads(by_name.stdout)
    assert narrowed["account_id"] == named["account_id"] and narrowed["count"] > 0
    assert {h["account_id"] for h in narrowed["results"]} == {named["account_id"]}
    unknown = run_main(env, "memory", "search", "pricing", "--account", "Zzyzx Nonesuch")
    assert unknown.returncode == 2 and "No account matches 'Zzyzx Nonesuch'" in unknown.stdout + unknown.stderr
