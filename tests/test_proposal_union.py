"""``ProposedAction`` as a discriminated union: rows stored by the flat model before it still load (with the
same dedupe and situation keys, which the state store indexes), are written back in the new shape, and a
proposal holds only its own kind's payload."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import ValidationError
from sqlalchemy import update

from domain.proposals import (
    PROPOSAL_KINDS,
    AddNoteProposal,
    CreateTaskProposal,
    UpdateFieldsProposal,
    UploadAttachmentProposal,
    parse_proposal,
)
from state import schema
from state.store import StateStore

_EMPTY: dict[str, Any] = {"fields": {}, "task": None, "note": None, "attachment": None}
_COMMON: dict[str, Any] = {
    "evidence": [],
    "priority": "medium",
    "expected_impact": None,
    "origin": "agent",
    "subject_id": None,
}
# Rows as the flat model (before the union) stored them, and the keys it computed for them (from that code).
OLD_ROWS: list[tuple[dict[str, Any], str, str]] = [
    (
        _EMPTY
        | _COMMON
        | {
            "kind": "create_task",
            "account_id": "A1",
            "target_module": "Contacts",
            "target_id": "C1",
            "task": {
                "subject": "Call Emma Walsh",
                "due_date": "2026-12-15",
                "priority": "High",
                "description": "renewal",
                "who_id": "C1",
            },
            "rationale": "quiet",
            "evidence": [{"source": "zoho", "record_id": "C1", "module": "Contacts", "excerpt": None}],
            "origin": "rules",
            "signal_kind": "contact_gone",
            "subject_id": "C9",
        },
        "f1bcb699a64b92097686e2f9da2f9d72",
        "bb6eecb11e29831564bb86137558ad85",
    ),
    (
        _EMPTY
        | _COMMON
        | {
            "kind": "create_task",
            "account_id": "A1",
            "target_module": "Accounts",
            "target_id": "A1",
            "task": {
                "subject": "Follow up with Emma",
                "due_date": None,
                "priority": "Normal",
                "description": None,
                "who_id": None,
            },
            "rationale": "quiet",
            "signal_kind": None,
        },
        "eb9176fbfc50b6b08297e47b57991ad4",
        "34da3443feed323b5c4e2bc7ce61dce6",
    ),
    (
        _EMPTY
        | _COMMON
        | {
            "kind": "add_note",
            "account_id": "A1",
            "target_module": "Accounts",
            "target_id": "A1",
            "note": {"title": "Budget freeze", "content": "Frozen until Q2"},
            "rationale": "r",
            "signal_kind": None,
        },
        "2c2d8de3dbddbaea4060d4df639b415c",
        "f43b410ca5902506d735f9e1c59d80df",
    ),
    (
        _EMPTY
        | _COMMON
        | {
            "kind": "update_fields",
            "account_id": "A1",
            "target_module": "Deals",
            "target_id": "D1",
            "fields": {"Stage": " Closed Lost ", "Amount": 10},
            "rationale": "r",
            "signal_kind": "deal_stalled",
        },
        "c4a80b11717bd52d1ca4a617bb91dd5d",
        "00c4a758ec61def10ed4a1a3ab4417d3",
    ),
    (
        _EMPTY
        | _COMMON
        | {
            "kind": "update_fields",
            "account_id": "A1",
            "target_module": "Accounts",
            "target_id": "A1",
            "fields": {"Rating": "Cold"},
            "rationale": "r",
            "signal_kind": None,
        },
        "310224f174405ee0455f49d2a5cb20c3",
        "b2f096f09abcd95ee383e0eba03a69ec",
    ),
    (
        _EMPTY
        | _COMMON
        | {
            "kind": "upload_attachment",
            "account_id": "A1",
            "target_module": "Accounts",
            "target_id": "A1",
            "attachment": {
                "file_name": "report.html",
                "content_type": "text/html",
                "size": 12,
                "sha256": "a" * 64,
                "staged_path": "/tmp/x/outbox/report.html",
                "description": "review report (HTML)",
            },
            "rationale": "r",
            "origin": "command",
            "signal_kind": None,
        },
        "eb9dc05f1212dd89592bcb907dcde08f",
        "ebc6066719488dc1fb5df6e1322f9b7e",
    ),
]
# the kinds the flat model had (a kind added since has no old rows) and the key of each one's payload
PAYLOAD_KEYS = {"create_task": "task", "add_note": "note", "update_fields": "fields", "upload_attachment": "attachment"}


@pytest.mark.parametrize(("row", "dedupe", "situation"), OLD_ROWS, ids=[r[0]["kind"] for r in OLD_ROWS])
def test_an_old_flat_row_loads_as_its_kind_with_the_same_keys(row: dict[str, Any], dedupe: str, situation: str) -> None:
    proposal = parse_proposal(row)
    assert proposal.kind == row["kind"] and type(proposal).kind_name() == row["kind"]
    assert proposal.dedupe_key() == dedupe and proposal.situation_key() == situation
    key = PAYLOAD_KEYS[row["kind"]]
    assert proposal.payload() == (
        {k: v for k, v in row[key].items() if v is not None and k != "staged_path"}
        if isinstance(row[key], dict) and key != "fields"
        else row[key]
    )
    stored = proposal.model_dump(mode="json")  # the new shape: only its own payload
    assert key in stored and not {k for k in PAYLOAD_KEYS.values() if k != key} & set(stored)
    assert parse_proposal(stored) == proposal


def test_every_kind_the_flat_model_stored_has_an_old_row_here() -> None:
    assert sorted({row["kind"] for row, _, _ in OLD_ROWS}) == sorted(PAYLOAD_KEYS)
    assert set(PAYLOAD_KEYS) <= set(PROPOSAL_KINDS)  # rows stored before the union: none of their kinds may go


def test_a_row_written_by_the_old_model_loads_from_the_store_and_is_written_back_in_the_new_shape(
    store: StateStore,
) -> None:
    old = OLD_ROWS[1][0]
    rec, _ = store.enqueue(parse_proposal(old))
    t = schema.recommendations
    with store._engine.begin() as conn:  # the row as the flat model wrote it
        conn.execute(update(t).where(t.c.id == rec.id).values(proposal=old))
    loaded = store.get_recommendation(rec.id)
    assert loaded is not None and isinstance(loaded.proposal, CreateTaskProposal)
    assert loaded.proposal.task.subject == "Follow up with Emma" and loaded.dedupe_key == OLD_ROWS[1][1]
    assert [r.id for r in store.list_recommendations(status="pending", kind="create_task")] == [rec.id]
    edited = loaded.proposal.with_payload({"subject": "Follow up with Emma Walsh"})
    decided = store.decide(rec.id, "approved", by="tester", edited=edited)
    assert isinstance(decided.proposal, CreateTaskProposal) and decided.proposal.task.subject.endswith("Walsh")
    with store._engine.connect() as conn:
        row = conn.execute(t.select().where(t.c.id == rec.id)).one()
    raw = row.proposal if isinstance(row.proposal, dict) else json.loads(row.proposal)
    assert raw["task"]["subject"] == "Follow up with Emma Walsh" and not {"note", "fields", "attachment"} & set(raw)
    original = store.original_proposal(rec.id)  # the old flat row, kept as it was, still readable
    assert isinstance(original, CreateTaskProposal) and original.task.subject == "Follow up with Emma"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "create_task"}, "create_task needs a task"),
        ({"kind": "add_note", "note": None}, "add_note needs a note"),
        ({"kind": "update_fields", "fields": {}}, "update_fields needs fields"),
        ({"kind": "upload_attachment"}, "upload_attachment needs an attachment"),
        ({"kind": "send_email", "task": {"subject": "x"}}, "does not match any of the expected tags"),
    ],
)
def test_a_proposal_without_its_payload_or_of_no_known_kind_is_refused(data: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        parse_proposal({"account_id": "A1", "target_id": "A1", "rationale": "r", "origin": "command"} | data)


def test_each_kind_holds_only_its_own_payload() -> None:
    note = parse_proposal(
        {"kind": "add_note", "account_id": "A1", "target_id": "A1", "rationale": "r", "note": {"content": "c"}}
        | {"fields": {"Rating": "Cold"}, "task": {"subject": "ignored"}}
    )
    assert isinstance(note, AddNoteProposal) and not hasattr(note, "fields") and not hasattr(note, "task")
    assert not isinstance(note, (CreateTaskProposal, UpdateFieldsProposal, UploadAttachmentProposal))
