"""``approvals.write_checks.check_write`` against the sandbox through the real Zoho manager: a target
must be the account's own record, an update may set only writable fields of the target module, and a
lookup must name an existing record (shown by Zoho's name and id)."""

from __future__ import annotations

from typing import Any

import pytest

from approvals.write_checks import WriteRefused, check_write, outside_account
from domain.proposals import (
    AddNoteProposal,
    CreateTaskProposal,
    NoteDraft,
    ProposedAction,
    TaskDraft,
    UpdateFieldsProposal,
)
from integrations.zoho.field_meta import FieldMeta
from integrations.zoho.manager import update_payload
from sandbox.embedded import RunningSandbox


def linked(sandbox: RunningSandbox, module: str) -> list[tuple[str, str]]:
    """(account id, record id) of ``module`` records linked to an account."""
    field = "What_Id" if module == "Tasks" else "Account_Name"
    out = []
    for row in sandbox.store.list_records(module):
        parent = row.get(field) or {}
        if parent.get("id") and (module != "Tasks" or row.get("$se_module") == "Accounts"):
            out.append((str(parent["id"]), str(row["id"])))
    return out


def note_on(account: str, module: str, target: str) -> ProposedAction:
    return AddNoteProposal(
        account_id=account,
        target_module=module,  # type: ignore[arg-type]
        target_id=target,
        note=NoteDraft(content="x"),
        rationale="why",
    )


def update_on(account: str, module: str, target: str, fields: dict[str, Any]) -> ProposedAction:
    return UpdateFieldsProposal(
        account_id=account,
        target_module=module,  # type: ignore[arg-type]
        target_id=target,
        fields=fields,
        rationale="why",
    )


async def test_targets_must_belong_to_the_account(sandbox: RunningSandbox, gateway: Any) -> None:
    (acc, contact), *_ = linked(sandbox, "Contacts")
    other_contact = next(c for a, c in linked(sandbox, "Contacts") if a != acc)
    task_acc, task = linked(sandbox, "Tasks")[0]
    other_task = next(t for a, t in linked(sandbox, "Tasks") if a != task_acc)
    for proposal in (
        note_on(acc, "Contacts", contact),
        note_on(task_acc, "Tasks", task),
        note_on(acc, "Accounts", acc),
    ):
        checked = await check_write(proposal, gateway)
        assert checked.target_name
    refused = {
        "belongs to account": note_on(acc, "Contacts", other_contact),
        "not to account": note_on(task_acc, "Tasks", other_task),
        "another account": note_on(acc, "Accounts", other_contact),
        "does not exist": note_on(acc, "Deals", "6421000001999999999"),
    }
    for reason, proposal in refused.items():
        with pytest.raises(WriteRefused, match=reason):
            await check_write(proposal, gateway)
    task_for_other = CreateTaskProposal(
        account_id=acc,
        target_id=acc,
        task=TaskDraft(subject="Call", who_id=other_contact),
        rationale="why",
    )
    with pytest.raises(WriteRefused, match="is not a contact of account"):
        await check_write(task_for_other, gateway)


async def test_updates_set_only_writable_fields_and_existing_lookups(sandbox: RunningSandbox, gateway: Any) -> None:
    acc, deal = linked(sandbox, "Deals")[0]
    _other_acc, contact = next((a, c) for a, c in linked(sandbox, "Contacts") if a != acc)
    user = sandbox.store.users[1]
    checked = await check_write(
        update_on(acc, "Deals", deal, {"Stage": "Closed Won", "Owner": {"id": user["id"], "name": "Someone"}}),
        gateway,
    )
    assert checked.payload == {"id": deal, "Stage": "Closed Won", "Owner": {"id": user["id"]}}
    owner = checked.lookups["Owner"]
    assert (owner.module, owner.id, owner.name, owner.claimed_name) == (
        "Users",
        user["id"],
        user["full_name"],
        "Someone",
    )
    assert set(checked.current) == {"Stage", "Owner"}
    shown = await check_write(update_on(acc, "Deals", deal, {"Contact_Name": {"id": contact}}), gateway)
    assert shown.lookups["Contact_Name"].module == "Contacts"
    refused: dict[str, dict[str, Any]] = {
        "'id'": {"id": "6421000001000000001"},
        "'\\$se_module'": {"$se_module": "Accounts"},
        "not a field of Deals": {"Rating": "Hot"},
        "read-only": {"Expected_Revenue": 5},
        "system field": {"Modified_Time": "2026-01-01T00:00:00+00:00"},
        "does not exist": {"Owner": {"id": "1"}},
        "must name a record id": {"Contact_Name": "Kenji Sato"},
    }
    for reason, fields in refused.items():
        with pytest.raises(WriteRefused, match=reason):
            await check_write(update_on(acc, "Deals", deal, fields), gateway)
    tasks_acc, task = linked(sandbox, "Tasks")[0]
    with pytest.raises(WriteRefused, match="any module"):
        await check_write(update_on(tasks_acc, "Tasks", task, {"What_Id": {"id": tasks_acc}}), gateway)


async def test_field_metadata_is_read_once_per_run(sandbox: RunningSandbox, gateway: Any) -> None:
    acc, deal = linked(sandbox, "Deals")[0]
    before = gateway.api_calls()
    for stage in ("Qualification", "Needs Analysis", "Value Proposition"):
        await check_write(update_on(acc, "Deals", deal, {"Stage": stage}), gateway)
    assert gateway.api_calls() - before == 1 + 3  # the metadata once, the deal once per check
    assert isinstance((await gateway.field_specs("Deals"))["Stage"], FieldMeta)


def test_the_update_payload_never_lets_fields_choose_the_record() -> None:
    assert update_payload("1", {"id": "2", "$x": 1, "Created_Time": "t", "Stage": "s"}) == {"id": "1", "Stage": "s"}
    assert update_payload("1", {"Owner": {"id": "9", "name": "N"}}) == {"id": "1", "Owner": {"id": "9"}}


def test_rules_proposals_stay_in_their_account() -> None:
    own = [("Accounts", "A"), ("Deals", "D"), ("Contacts", "C")]
    assert outside_account(note_on("A", "Deals", "D"), own) is None
    assert "not a record of account A" in (outside_account(note_on("A", "Deals", "X"), own) or "")
    assert "another account" in (outside_account(note_on("A", "Accounts", "B"), own) or "")
