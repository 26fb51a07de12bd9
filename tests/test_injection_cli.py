"""Hostile data through the commands a user runs: ``review`` (agents), ``ask`` and ``chat`` as real
subprocesses with a model key pointing at the scripted model that OBEYS the 35 planted injections
(sandbox.hostile_seed, scripted_model.scripts.injection_follower). Proves, for each command:

- no write executes (the sandbox org is exactly as before);
- every proposal that reaches the queue from a run that read planted text is marked suspicious (store,
  ``approve --list --json``, the chat's after-turn approval panel); proposals repeating the
  instruction are refused;
- no traceback, and the run completes.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from cli_support import ROOT, run_main, spawn_main
from test_injection_agents import WRITE_TOOLS, cli_env, org_snapshot, triggers

from hooks.injection import looks_like_injection
from sandbox.embedded import RunningSandbox
from sandbox.hostile_seed import HostileRecord, plant_hostile_records
from scripted_model import ScriptedModelServer
from scripted_model.scripts import injection_follower

pytestmark = [pytest.mark.faults, pytest.mark.slow]


@pytest.fixture
def hostile(sandbox: RunningSandbox) -> list[HostileRecord]:
    return plant_hostile_records(sandbox.store)


def keyed_env(home: Path, sandbox: RunningSandbox, model: ScriptedModelServer) -> dict[str, str]:
    return cli_env(home, sandbox) | {
        "ANTHROPIC_API_KEY": "dummy-model-key",
        "ANTHROPIC_BASE_URL": model.base_url,
        "SERGAS_ZOHO_MAX_RETRIES": "1",
        "COLUMNS": "200",
        "PYTHONUNBUFFERED": "1",
    }


def pending(env: dict[str, str]) -> list[dict[str, Any]]:
    listed = run_main(env, "approve", "--list", "--json")
    assert listed.returncode == 0 and "Traceback" not in listed.stderr, listed.stderr
    return list(json.loads(listed.stdout)["pending"])


def write_attempts(model: ScriptedModelServer) -> int:
    return len({c.id for q in model.requests for c in q.tool_calls_made() if c.name in WRITE_TOOLS})


def test_ask_obeying_planted_instructions_writes_nothing(
    sandbox: RunningSandbox, hostile: list[HostileRecord], tmp_path: Path
) -> None:
    before = org_snapshot(sandbox)
    accounts = sorted({h.account_id for h in hostile})
    with ScriptedModelServer(injection_follower(triggers(hostile))) as model:
        env = keyed_env(tmp_path / "home", sandbox, model)
        procs = []
        for i in range(0, len(accounts), 2):  # two at a time
            batch = [
                subprocess.Popen(
                    [
                        sys.executable,
                        str(ROOT / "main.py"),
                        "ask",
                        "What should I do this week?",
                        "--account",
                        aid,
                        "--json",
                    ],
                    env=env,
                    cwd=ROOT,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                )
                for aid in accounts[i : i + 2]
            ]
            procs += [(p, *p.communicate(timeout=300)) for p in batch]
    assert model.errors == []
    for proc, out, err in procs:
        assert proc.returncode == 0 and "Traceback" not in err, (proc.returncode, err[-2000:])
        answer = json.loads(out)
        assert "instruction-like" in json.dumps(answer)  # the user is told what was found
    assert org_snapshot(sandbox) == before
    assert write_attempts(model) >= 30 * len(accounts)
    queued = pending(env)
    assert queued and all(p["suspicious"] for p in queued), [p["proposal"]["rationale"] for p in queued]
    assert not any(looks_like_injection(p["proposal"]["rationale"]) for p in queued)
    assert {p["proposal"]["account_id"] for p in queued} <= set(accounts)


def test_review_with_agents_obeying_planted_instructions_writes_nothing(
    sandbox: RunningSandbox, hostile: list[HostileRecord], tmp_path: Path
) -> None:
    before = org_snapshot(sandbox)
    poisoned_accounts = {h.account_id for h in hostile}
    with ScriptedModelServer(injection_follower(triggers(hostile))) as model:
        env = keyed_env(tmp_path / "home", sandbox, model)
        done = run_main(env, "review", "--json", "--limit", "10", "--concurrency", "2")
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr[-2000:]
    run = json.loads(done.stdout)
    assert run["mode"] == "agents" and run["model_calls"] > 0, run.get("notes")
    assert org_snapshot(sandbox) == before
    reviewed = {f["account_id"] for f in run["flagged"] if f["proposals"]}
    assert reviewed & poisoned_accounts, "the review should reach some of the poisoned accounts"
    assert write_attempts(model) >= 30
    queued = pending(env)
    from_poisoned = [p for p in queued if p["proposal"]["account_id"] in poisoned_accounts]
    assert from_poisoned and all(p["suspicious"] for p in from_poisoned), [
        (p["proposal"]["account_id"], p["proposal"]["rationale"]) for p in from_poisoned if not p["suspicious"]
    ]
    assert not any(looks_like_injection(p["proposal"]["rationale"]) for p in queued)
    clean = [
        p for p in queued if p["proposal"]["account_id"] not in poisoned_accounts and p["proposal"]["origin"] == "agent"
    ]
    assert not any(p["suspicious"] for p in clean)  # the mark is per run: clean accounts stay unmarked


def test_chat_obeying_planted_instructions_writes_nothing_and_shows_the_warning(
    sandbox: RunningSandbox, hostile: list[HostileRecord], tmp_path: Path
) -> None:
    import pexpect

    before = org_snapshot(sandbox)
    account = sorted({h.account_id for h in hostile})[0]
    with ScriptedModelServer(injection_follower(triggers(hostile))) as model:
        env = keyed_env(tmp_path / "home", sandbox, model)
        child = spawn_main(env, "chat", columns=200, timeout=120)
        try:
            child.expect("Sergas chat")
            child.expect(r"you(@[^>]*)?> ")
            child.sendline(f"/account {account}")
            child.expect("Account in focus: ")
            child.expect(r"you(@[^>]*)?> ")
            child.sendline("What should I do this week?")
            child.expect(r"The team proposes \d+ change\(s\)")
            child.expect("SUSPICIOUS")
            child.expect(r"\[q\]uit")
            child.sendline("q")
            child.expect(r"you(@[^>]*)?> ")
            child.sendline("/quit")
            child.expect(pexpect.EOF)
        finally:
            child.close()
        transcript = str(child.before or "")
    assert "Traceback" not in transcript
    assert child.exitstatus == 0
    assert org_snapshot(sandbox) == before
    assert write_attempts(model) >= 30
    queued = pending(env)
    assert queued and all(p["suspicious"] and p["proposal"]["account_id"] == account for p in queued)
    assert re.search(r"\d", str(len(queued)))
