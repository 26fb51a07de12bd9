"""Every proposal kind has all its pieces: a sample here (its test), a view (``approvals.proposal_view``: the
terminal and the web inbox show it), edit rules, execution by the manager exactly once against the sandbox,
and, when an agent may propose it, its place in the propose tool's schema and the Recommendation Author's
prompt. A kind added to ``domain.proposals`` without one of them fails here (and mypy fails on each
``match`` over kinds that lacks it)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from agents.tools.propose import PROPOSE_SCHEMA
from approvals.attachments import attachment_proposal, stage_file
from approvals.presentation import change_renderable, pending_table, proposal_panel
from approvals.proposal_view import view_of, written_line
from cli.approve_command import KINDS
from domain.proposals import (
    AGENT_KINDS,
    PROPOSAL_KINDS,
    PROPOSAL_TYPES,
    AddNoteProposal,
    CreateTaskProposal,
    NoteDraft,
    ProposedAction,
    TaskDraft,
    UpdateFieldsProposal,
)
from domain.recommendations import ApprovedWrite, Recommendation, WriteResult
from integrations.zoho.connection import connection_from_sandbox
from integrations.zoho.factory import build_gateway
from prompts import load_prompt
from review.run_models import proposal_summary
from web.editing_form import questions
from web.inbox_view import Links
from web.inbox_view import card as inbox_card

Sample = Callable[[dict[str, Any], Path], ProposedAction]


def _task(account: dict[str, Any], home: Path) -> ProposedAction:
    subject = f"Call {account['Account_Name']} about the renewal"
    task = TaskDraft(subject=subject, due_date=date(2026, 12, 15), priority="High", description="Budget talk")
    return CreateTaskProposal(account_id=account["id"], target_id=account["id"], task=task, rationale="Quiet")


def _note(account: dict[str, Any], home: Path) -> ProposedAction:
    note = NoteDraft(title="Budget freeze", content=f"{account['Account_Name']} froze budgets until Q2.")
    return AddNoteProposal(account_id=account["id"], target_id=account["id"], note=note, rationale="From the call")


def _update(account: dict[str, Any], home: Path) -> ProposedAction:
    fields = {"Rating": "Cold" if account.get("Rating") != "Cold" else "Warm"}
    return UpdateFieldsProposal(account_id=account["id"], target_id=account["id"], fields=fields, rationale="Lost")


def _upload(account: dict[str, Any], home: Path) -> ProposedAction:
    draft = stage_file(home, "review.html", b"<html><body>Review</body></html>\n", description="review report")
    return attachment_proposal(draft, account_id=account["id"], rationale="Attach the review")


SAMPLES: dict[str, Sample] = {
    "create_task": _task,
    "add_note": _note,
    "update_fields": _update,
    "upload_attachment": _upload,
}
ACCOUNT = {"id": "4150868000000000001", "Account_Name": "Acme Corp", "Rating": "Hot"}


def _render(renderable: Any) -> str:
    console = Console(record=True, width=200)
    console.print(renderable)
    return console.export_text()


def _rec(proposal: ProposedAction) -> Recommendation:
    return Recommendation(
        id="rec-1",
        proposal=proposal,
        idempotency_key="k" * 32,
        dedupe_key=proposal.dedupe_key(),
        created_at=datetime.now(UTC),
    )


def test_every_kind_has_a_sample_and_is_listed_where_kinds_are_chosen() -> None:
    assert sorted(SAMPLES) == sorted(PROPOSAL_KINDS), "add a sample of the new kind to SAMPLES (and its pieces)"
    assert KINDS == PROPOSAL_KINDS  # approve --kind
    assert len(set(PROPOSAL_KINDS)) == len(PROPOSAL_TYPES)


@pytest.mark.parametrize("kind", PROPOSAL_KINDS)
def test_every_kind_is_shown_in_the_terminal_and_as_a_neutral_view(kind: str, tmp_path: Path) -> None:
    proposal = SAMPLES[kind](ACCOUNT, tmp_path)
    view = view_of(proposal)
    assert view.kind == kind and view.label and view.headline and view.summary and view.result_noun
    assert view.rows and all(row.label and row.new for row in view.rows)
    assert view.layout == "diff" or any(row.main for row in view.rows)
    labels = {view_of(SAMPLES[k](ACCOUNT, tmp_path)).label for k in PROPOSAL_KINDS}
    assert len(labels) == len(PROPOSAL_KINDS)  # each kind says what it is
    shown = _render(proposal_panel(_rec(proposal))) + _render(pending_table([_rec(proposal)]))
    assert view.label in shown and all(row.label in shown for row in view.rows)
    assert _render(change_renderable(proposal))
    card = inbox_card(_rec(proposal), links=Links(base="http://127.0.0.1:1", sandbox=True))  # the web inbox
    assert (card.kind_label, card.layout, card.change) == (view.label, view.layout, view.rows)
    assert proposal_summary(proposal) == view.summary  # the review's run report and --json
    for created in (True, False):
        done = WriteResult(recommendation_id="rec-1", record_id="9", module="M", created=created, tier="rest")
        assert written_line(proposal, done).startswith("✔")


def test_the_run_report_names_an_upload_as_the_file_not_as_an_update(tmp_path: Path) -> None:
    upload = SAMPLES["upload_attachment"](ACCOUNT, tmp_path)
    line = proposal_summary(upload)
    assert line.startswith("File: review") and ".html" in line and f"Accounts/{ACCOUNT['id']}" in line


@pytest.mark.parametrize("kind", PROPOSAL_KINDS)
def test_every_kind_has_edit_rules(kind: str, tmp_path: Path) -> None:
    proposal = SAMPLES[kind](ACCOUNT, tmp_path)
    asked: list[str] = []

    def keep(label: str, default: str) -> str:
        asked.append(label)
        return default

    assert proposal.edited(keep) == proposal and asked  # Enter on every question: nothing changes
    long = [q.label for q in questions(proposal) if q.long]  # the web form's text areas
    assert all(any(label.startswith(p) for label in long) for p in type(proposal).long_questions)
    renamed = proposal.edited(lambda label, default: f"{default} 2" if label == asked[0] else default)
    assert renamed.payload() != proposal.payload()  # the first question edits a part of it
    assert (renamed.kind, renamed.account_id, renamed.target_id) == (kind, proposal.account_id, proposal.target_id)


def test_the_agents_are_told_exactly_the_kinds_they_may_propose() -> None:
    prompt = load_prompt("recommendation_author")
    for t in PROPOSAL_TYPES:
        named = t.kind_name() in prompt and t.prompt_hint in prompt
        assert named == t.agent_may_propose, t.kind_name()
        if t.agent_may_propose:
            assert t.payload_hint and PROPOSE_SCHEMA["properties"][t.payload_key]["description"] == t.payload_hint
    assert PROPOSE_SCHEMA["properties"]["kind"]["enum"] == list(AGENT_KINDS)
    assert not re.search(r"\{proposal_\w+\}", prompt)  # every placeholder filled


@pytest.mark.parametrize("kind", PROPOSAL_KINDS)
async def test_every_kind_is_written_once(kind: str, sandbox: Any, sandbox_settings: Any) -> None:
    home = Path(sandbox_settings.ensure_home())
    account = sandbox.store.list_records("Accounts")[3]
    gateway = build_gateway(sandbox_settings, connection=connection_from_sandbox(sandbox, sandbox_settings))
    try:
        write = ApprovedWrite(
            recommendation_id="rec-1",
            idempotency_key="k" * 32,
            action=SAMPLES[kind](dict(account), home),
            approved_by="ana",
            approved_at=datetime.now(UTC),
        )
        first = await gateway.execute_write(write)
        again = await gateway.execute_write(write)  # a re-run after a crash: found, not written twice
    finally:
        await gateway.aclose()
    assert first.created and not again.created and again.record_id == first.record_id
    assert view_of(write.action).result_module in (None, first.module)
