"""Owners by email or id everywhere (issue 11): ``review --owner``, ``approve --owner`` and ``audit --owner``
(and ``--account NAME``) through the real CLI against the sandbox. An owner who is no Zoho user, or owns no
account, is a clear message and exit 2, never an empty all-clear report."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from cli_support import run_main, sandbox_cli_env

from domain.proposals import CreateTaskProposal, TaskDraft
from domain.recommendations import Recommendation
from sandbox.embedded import RunningSandbox
from state.store import StateStore

pytestmark = pytest.mark.slow
OWNER = "james.okafor@sergas-demo.example"


@pytest.fixture
def env(sandbox: RunningSandbox, home: Path) -> dict[str, str]:
    return sandbox_cli_env(sandbox, home, COLUMNS="200", SERGAS_ZOHO_MAX_RETRIES="1")


def owned(sandbox: RunningSandbox, email: str) -> list[dict[str, Any]]:
    return [a for a in sandbox.store.list_records("Accounts") if (a.get("Owner") or {}).get("email") == email]


def user_id(sandbox: RunningSandbox, email: str) -> str:
    return str(next(u["id"] for u in sandbox.store.users if u["email"] == email))


def queue_one_per_account(store: StateStore, accounts: list[dict[str, Any]]) -> list[Recommendation]:
    return [
        store.enqueue(
            CreateTaskProposal(
                account_id=a["id"],
                target_id=a["id"],
                task=TaskDraft(subject=f"Call {a['Account_Name']}"),
                rationale="Quiet for 45 days",
            )
        )[0]
        for a in accounts
    ]


def test_review_owner_by_email_or_id_reviews_exactly_their_accounts(
    sandbox: RunningSandbox, env: dict[str, str]
) -> None:
    theirs = owned(sandbox, OWNER)
    assert 0 < len(theirs) < len(sandbox.store.list_records("Accounts"))
    for ref in (OWNER, OWNER.upper(), user_id(sandbox, OWNER)):
        done = run_main(env, "review", "--owner", ref, "--json")
        assert done.returncode == 0, done.stdout + done.stderr
        run = json.loads(done.stdout)
        assert run["accounts_triaged"] == len(theirs), (ref, run["accounts_triaged"])
        assert {f["account_id"] for f in run["flagged"]} <= {a["id"] for a in theirs}


def test_review_owner_who_is_no_user_or_owns_nothing_is_an_error(sandbox: RunningSandbox, env: dict[str, str]) -> None:
    done = run_main(env, "review", "--owner", "james.okafr@sergas-demo.example")
    assert done.returncode == 2, done.stdout + done.stderr
    assert "No Zoho user has the email, id or name 'james.okafr@sergas-demo.example'" in done.stderr
    assert "Did you mean:" in done.stderr and OWNER in done.stderr
    assert "Accounts triaged" not in done.stdout
    newcomer = {**sandbox.store.users[-1], "id": "6421000000999990001", "email": "new.hire@sergas-demo.example"}
    sandbox.store.users.append(newcomer | {"full_name": "New Hire", "first_name": "New", "last_name": "Hire"})
    done = run_main(env, "review", "--owner", "new.hire@sergas-demo.example")
    assert done.returncode == 2, done.stdout + done.stderr
    assert "New Hire <new.hire@sergas-demo.example>" in done.stderr and "owns no account" in done.stderr
    assert "Accounts triaged" not in done.stdout


def test_approve_and_audit_narrow_by_owner_and_by_account_name(
    sandbox: RunningSandbox, env: dict[str, str], store: StateStore
) -> None:
    theirs = owned(sandbox, OWNER)[:2]
    others = [a for a in sandbox.store.list_records("Accounts") if a not in owned(sandbox, OWNER)][:2]
    mine, not_mine = queue_one_per_account(store, theirs), queue_one_per_account(store, others)

    listed = run_main(env, "approve", "--list", "--json", "--owner", OWNER)
    assert listed.returncode == 0, listed.stderr
    assert {r["id"] for r in json.loads(listed.stdout)["pending"]} == {r.id for r in mine}

    done = run_main(env, "approve", "--approve-all", "--owner", OWNER)  # a filter: no confirmation needed
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Done: 2 written" in done.stdout and theirs[0]["Account_Name"] in done.stdout
    assert {store.get_recommendation(r.id).status for r in mine} == {"executed"}  # type: ignore[union-attr]
    assert {store.get_recommendation(r.id).status for r in not_mine} == {"pending"}  # type: ignore[union-attr]

    audit = run_main(env, "audit", "--owner", user_id(sandbox, OWNER), "--json")
    assert audit.returncode == 0, audit.stderr
    assert {c["recommendation"]["id"] for c in json.loads(audit.stdout)["chains"]} == {r.id for r in mine}
    by_name = run_main(env, "audit", "--account", others[0]["Account_Name"].lower())
    assert by_name.returncode == 0, by_name.stderr
    assert f"Account {others[0]['Account_Name']} ({others[0]['id']})" in by_name.stdout, by_name.stdout
    assert theirs[0]["Account_Name"] not in by_name.stdout

    rejected = run_main(env, "approve", "--reject-all", "Not now", "--account", others[1]["Account_Name"])
    assert rejected.returncode == 0 and "Rejected 1" in rejected.stdout, rejected.stdout + rejected.stderr
    assert store.get_recommendation(not_mine[1].id).status == "rejected"  # type: ignore[union-attr]

    for command in (("approve", "--list"), ("audit",)):
        nobody = run_main(env, *command, "--owner", "nobody@example.com")
        assert nobody.returncode == 2 and "No Zoho user" in nobody.stdout + nobody.stderr, nobody.stdout
