"""The write is the proposal shown, through the real CLI against the sandbox (data planted through its
REST API): an ``update_fields`` that names another record's ``id``, an unknown or a read-only field is
refused before anything is sent; a lookup change is shown by the ids it will write and the names Zoho
has for them; a proposal whose target belongs to another account is refused (``--account`` batches
never touch another account's records); and the agents' ``propose_action`` checks all of it when
queuing."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pexpect
import pyte
import pytest
from cli_support import run_main, sandbox_cli_env, spawn_main
from sandbox_rest import SandboxRest

from agents.run_context import RunContext
from agents.testing import ListQueue
from agents.tools.propose import build_propose_tool
from approvals.agent_door import zoho_write_check
from domain.proposals import (
    AddNoteProposal,
    CreateTaskProposal,
    NoteDraft,
    TaskDraft,
    UpdateFieldsProposal,
)
from domain.recommendations import Recommendation
from integrations.zoho.manager import ref_marker
from sandbox.embedded import RunningSandbox
from state.store import StateStore

pytestmark = pytest.mark.slow


@pytest.fixture
def rest(sandbox: RunningSandbox) -> SandboxRest:
    return SandboxRest(sandbox)


def two_accounts_with_deals(sandbox: RunningSandbox) -> tuple[str, str, str, str]:
    """(account A, a deal of A, account B, a deal of B)."""
    by_account: dict[str, str] = {}
    for deal in sandbox.store.list_records("Deals"):
        account = (deal.get("Account_Name") or {}).get("id")
        if account and account not in by_account:
            by_account[str(account)] = str(deal["id"])
    (a, deal_a), (b, deal_b) = list(by_account.items())[:2]
    return a, deal_a, b, deal_b


def approve(sandbox: RunningSandbox, home: Path, *args: str) -> Any:
    return run_main(sandbox_cli_env(sandbox, home, SERGAS_ZOHO_MAX_RETRIES="1", COLUMNS="200"), "approve", *args)


def update(store: StateStore, account: str, deal: str, fields: dict[str, Any]) -> Recommendation:
    proposal = UpdateFieldsProposal(
        account_id=account,
        target_module="Deals",
        target_id=deal,
        fields=fields,
        rationale="The buyer asked for the contract",
    )
    return store.enqueue(proposal, run_id="r1")[0]


def test_an_update_naming_another_records_id_is_refused(
    sandbox: RunningSandbox, store: StateStore, home: Path, rest: SandboxRest
) -> None:
    a, deal_a, _b, deal_b = two_accounts_with_deals(sandbox)
    for deal in (deal_a, deal_b):
        rest.update("Deals", deal, {"Stage": "Qualification"})
    rec = update(store, a, deal_a, {"Stage": "Negotiation/Review", "id": deal_b})
    done = approve(sandbox, home, "--approve-all", "--yes")
    assert rest.get("Deals", deal_b)["Stage"] == "Qualification", "another account's deal was written"
    assert rest.get("Deals", deal_a)["Stage"] == "Qualification"
    assert done.returncode == 1 and "refused" in done.stdout, done.stdout
    stored = store.get_recommendation(rec.id)
    assert stored is not None and stored.status == "failed" and "'id'" in (stored.error or "")


def test_unknown_and_read_only_fields_are_refused(
    sandbox: RunningSandbox, store: StateStore, home: Path, rest: SandboxRest
) -> None:
    a, deal_a, _b, _deal_b = two_accounts_with_deals(sandbox)
    before = rest.get("Deals", deal_a)
    unknown = update(store, a, deal_a, {"Stage": "Closed Won", "Secret_Field": "x"})
    read_only = update(store, a, deal_a, {"Expected_Revenue": 1})
    system = update(store, a, deal_a, {"$approved": True})
    done = approve(sandbox, home, "--approve-all", "--yes")
    assert done.returncode == 1
    assert rest.get("Deals", deal_a)["Stage"] == before["Stage"]
    reasons = {r.id: r.error or "" for r in store.list_recommendations(status="failed")}
    assert "'Secret_Field' is not a field of Deals" in reasons[unknown.id]
    assert "read-only" in reasons[read_only.id]
    assert "'$approved'" in reasons[system.id]


def users(rest: SandboxRest) -> list[dict[str, Any]]:
    import httpx

    reply = httpx.get(f"{rest.base}/users", headers=rest.headers, params={"type": "AllUsers"})
    return list(reply.json()["users"])


def test_a_lookup_change_is_shown_by_the_ids_it_writes(
    sandbox: RunningSandbox, store: StateStore, home: Path, rest: SandboxRest
) -> None:
    a, deal_a, _b, _deal_b = two_accounts_with_deals(sandbox)
    owner = rest.get("Deals", deal_a)["Owner"]
    other = next(u for u in users(rest) if u["id"] != owner["id"])
    # the proposal calls the new owner by the current owner's name: the old display showed "no change"
    rec = update(store, a, deal_a, {"Owner": {"id": other["id"], "name": owner["name"]}})
    raw = io.StringIO()
    child = spawn_main(sandbox_cli_env(sandbox, home, COLUMNS="200", LINES="60"), "approve", columns=200)
    child.logfile_read = raw
    try:
        child.expect(r"\[q\]uit")
        child.sendline("a")
        child.expect("Done: 1 written")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    screen = pyte.Screen(200, 60)
    pyte.Stream(screen).feed(raw.getvalue())
    shown = " ".join(" ".join(screen.display).split())
    assert f"{owner['name']} (id {owner['id']})" in shown  # now in Zoho: name and id
    assert f"{other['full_name']} (Users/{other['id']})" in shown  # what Zoho will act on
    assert f"the proposal calls it '{owner['name']}'" in shown
    assert rest.get("Deals", deal_a)["Owner"]["id"] == other["id"]
    sent = [e for e in store.list_audit(recommendation_id=rec.id) if e.outcome == "sending"]
    assert sent and sent[0].detail["payload"] == {"id": deal_a, "Owner": {"id": other["id"]}}


def test_a_target_of_another_account_is_refused_and_the_account_batch_stays_in_it(
    sandbox: RunningSandbox, store: StateStore, home: Path, rest: SandboxRest
) -> None:
    a, _deal_a, b, deal_b = two_accounts_with_deals(sandbox)
    note, _ = store.enqueue(
        AddNoteProposal(
            account_id=a,
            target_id=b,
            note=NoteDraft(title="Renewal", content="Budget approved"),
            rationale="From the call",
        )
    )
    task, _ = store.enqueue(
        CreateTaskProposal(
            account_id=a,
            target_module="Deals",
            target_id=deal_b,
            task=TaskDraft(subject="Send the contract"),
            rationale="Buyer asked",
        )
    )
    done = approve(sandbox, home, "--approve-all", "--account", a)
    assert done.returncode == 1, done.stdout
    on_b = rest.related("Accounts", b, "Notes", "Note_Content")
    assert not any(ref_marker(note.idempotency_key) in str(n.get("Note_Content")) for n in on_b)
    tasks = [  # Zoho's activity lists (open and closed): there is no Tasks related list
        t
        for module, record in (("Deals", deal_b), ("Accounts", b))
        for related in ("Activities", "Activities_History")
        for t in rest.related(module, record, related, "Description")
    ]
    assert not any(ref_marker(task.idempotency_key) in str(t.get("Description")) for t in tasks)
    for rec, reason in ((note, "another account"), (task, f"belongs to account {b}")):
        stored = store.get_recommendation(rec.id)
        assert stored is not None and stored.status == "failed" and reason in (stored.error or ""), stored
    assert "✔" not in done.stdout


async def test_propose_action_checks_against_zoho_before_queuing(sandbox: RunningSandbox, gateway: Any) -> None:
    a, deal_a, b, deal_b = two_accounts_with_deals(sandbox)
    queue = ListQueue()
    ctx = RunContext(run_id="r", enqueue=queue, audit_sink=lambda e: None, require_grounding=False)
    ctx.check = zoho_write_check(gateway)
    propose = build_propose_tool(ctx).handler
    base = {"account_id": a, "rationale": "why", "evidence": [{"record_id": deal_a, "module": "Deals"}]}
    refused = {
        "id": {"kind": "update_fields", "target_module": "Deals", "target_id": deal_a, "fields": {"id": deal_b}},
        "not a field": {"kind": "update_fields", "target_module": "Deals", "target_id": deal_a, "fields": {"X": 1}},
        f"belongs to account {b}": {
            "kind": "add_note",
            "target_module": "Deals",
            "target_id": deal_b,
            "note": {"content": "hi"},
        },
        "another account": {"kind": "add_note", "target_id": b, "note": {"content": "hi"}},
        "does not exist": {
            "kind": "update_fields",
            "target_module": "Deals",
            "target_id": deal_a,
            "fields": {"Contact_Name": {"id": "1"}},
        },
    }
    for reason, args in refused.items():
        result = await propose({**base, **args})
        text = json.dumps(result)
        assert result.get("is_error") is True and reason in text, (reason, text)
    ok = await propose({**base, "kind": "update_fields", "target_module": "Deals", "target_id": deal_a,
                        "fields": {"Stage": "Negotiation/Review"}})  # fmt: skip
    assert "is_error" not in ok, ok
    assert len(queue.items) == 1
