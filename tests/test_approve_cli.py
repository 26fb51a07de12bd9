"""``approve`` in-process with a scripted stdin and a fake idempotent gateway (the real sandbox and a
real terminal are in test_approve_cli_e2e.py)."""

from __future__ import annotations

import io
import json
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from rich.console import Console
from test_approvals_executor import IdempotentZoho
from test_state_store import note, task, update

from cli import approve_command
from config.settings import Settings
from domain.proposals import CreateTaskProposal, UpdateFieldsProposal
from domain.recommendations import ApprovedWrite, Recommendation, WriteResult
from integrations.zoho.field_meta import FieldMeta
from integrations.zoho.models import Account, Account360
from state.store import StateStore


class FakeZoho(IdempotentZoho):
    async def get_account_360(self, account_id: str) -> Account360:
        return Account360(
            account=Account(
                id=account_id,
                name=f"Acme {account_id}",
                raw={"id": account_id, "Rating": "Warm", "Account_Name": "Acme"},
            )
        )

    async def get_records(self, module: str, ids: Sequence[str]) -> list[Any]:
        return [Account(id=i, name=f"Acme {i}", raw={"id": i}) for i in ids if module == "Accounts"]

    async def search_accounts(self, query: str, *, owner_email: str | None = None, limit: int = 20) -> list[Account]:
        return [Account(id=i, name=f"Acme {i}") for i in ("A1", "A2") if query.lower() in f"acme {i}".lower()]

    async def field_specs(self, module: str) -> dict[str, FieldMeta]:
        return {"Rating": FieldMeta(api_name="Rating", data_type="picklist")}

    async def record_fields(self, module: str, record_id: str, fields: Sequence[str]) -> dict[str, Any] | None:
        return {"id": record_id, "Rating": "Warm", "Account_Name": "Acme"} if module == "Accounts" else None

    async def execute_write(self, approved: ApprovedWrite) -> WriteResult:
        result = await super().execute_write(approved)
        if isinstance(approved.action, UpdateFieldsProposal):
            return result.model_copy(update={"module": "Accounts", "record_id": approved.action.target_id})
        return result

    async def aclose(self) -> None:
        pass


def invoke(settings: Settings, zoho: FakeZoho, stdin: str | None = None, **options: Any) -> tuple[int, str]:
    @asynccontextmanager
    async def factory(_settings: Settings, _store: StateStore) -> AsyncIterator[Any]:
        yield zoho

    out = io.StringIO()
    console = Console(file=out, width=140, force_terminal=False, color_system=None)
    decisions: list[tuple[str, str, str | None]] = []

    def remember(rec: Recommendation, decision: str, reason: str | None) -> None:
        decisions.append((rec.id, decision, reason))

    old = approve_command.sys.stdin
    try:
        if stdin is not None:
            approve_command.sys.stdin = io.StringIO(stdin)
        options.setdefault("interactive", stdin is not None)
        code = approve_command.run(settings, console=console, gateway_factory=factory, on_decision=remember, **options)
    finally:
        approve_command.sys.stdin = old
    invoke.decisions = decisions  # type: ignore[attr-defined]
    return code, out.getvalue()


def test_list_json_is_parseable(settings: Settings, store: StateStore) -> None:
    a, _ = store.enqueue(task(), run_id="r1")
    store.enqueue(note(account="A2"), suspicious=True)
    code, out = invoke(settings, FakeZoho(), list_only=True, as_json=True, account="A1")
    assert code == 0
    payload = json.loads(out)
    assert [r["id"] for r in payload["pending"]] == [a.id]
    assert payload["pending"][0]["proposal"]["task"]["subject"] == "Call the CFO about renewal"


def test_non_interactive_without_flags_lists_and_explains(settings: Settings, store: StateStore) -> None:
    store.enqueue(task())
    code, out = invoke(settings, FakeZoho(), interactive=False)
    assert code == 0
    assert "Call the CFO about renewal" in out and "--approve-all" in out and "stdin is not a terminal" in out
    assert store.list_recommendations(status="pending")


def test_bad_options_exit_2(settings: Settings) -> None:
    assert invoke(settings, FakeZoho(), kind="delete_everything")[0] == 2
    assert invoke(settings, FakeZoho(), approve_all=True, reject_all="no")[0] == 2
    assert invoke(settings, FakeZoho(), reject_all="  ")[0] == 2
    assert invoke(settings, FakeZoho(), as_json=True)[0] == 2


def test_approve_all_with_filters_executes_once(settings: Settings, store: StateStore) -> None:
    t, _ = store.enqueue(task())
    n, _ = store.enqueue(note())
    other, _ = store.enqueue(task(subject="Other account", account="A2"))
    zoho = FakeZoho()
    code, out = invoke(settings, zoho, approve_all=True, account="A1")
    assert code == 0, out
    assert "created Tasks record Z1" in out and "Done: 2 written" in out
    assert {store.get_recommendation(x.id).status for x in (t, n)} == {"executed"}  # type: ignore[union-attr]
    assert store.get_recommendation(other.id).status == "pending"  # type: ignore[union-attr]
    assert sorted(d[1] for d in invoke.decisions) == ["approved", "approved"]  # type: ignore[attr-defined]
    code, out = invoke(settings, zoho, execute_only=True)
    assert code == 0 and "Nothing approved to execute" in out and len(zoho.records) == 2


def test_reject_all_needs_no_zoho(settings: Settings, store: StateStore) -> None:
    store.enqueue(task())
    code, out = invoke(settings, FakeZoho(), reject_all="Already handled by phone", kind="create_task")
    assert code == 0 and "Rejected 1" in out
    [rec] = store.list_recommendations()
    assert rec.status == "rejected" and rec.decision_reason == "Already handled by phone"


def test_failed_write_exit_1_with_the_reason(settings: Settings, store: StateStore) -> None:
    from integrations.zoho.errors import ZohoValidationError

    store.enqueue(task(subject="Bad"))
    zoho = FakeZoho(errors={"Bad": ZohoValidationError("Due_Date is in the past", status=400, code="INVALID_DATA")})
    code, out = invoke(settings, zoho, approve_all=True, yes=True)
    assert code == 1 and "Due_Date is in the past" in out and "1 failed" in out


def test_interactive_approve_edit_reject_skip_with_diff(settings: Settings, store: StateStore) -> None:
    upd, _ = store.enqueue(update())  # A1: shows Warm → Cold, approve
    tsk, _ = store.enqueue(task())  # A1: edit subject + due date
    nte, _ = store.enqueue(note(), suspicious=True)  # A1: reject with a reason
    skip, _ = store.enqueue(task(subject="Later", account="A2"))  # A2: skip
    answers = (
        "\n".join(
            [
                "a",
                "e",
                "Call the CFO and procurement",
                "2026-12-09",
                "High",
                "-",
                "r",
                "",
                "Not a real risk",
                "s",
            ]
        )
        + "\n"
    )
    zoho = FakeZoho()
    code, out = invoke(settings, zoho, stdin=answers)
    assert code == 0, out
    assert "Warm" in out and "Cold" in out and "rule-based" in out
    assert "SUSPICIOUS" in out and "Champion left the company" in out
    recs = {r.id: r for r in store.list_recommendations()}
    assert recs[upd.id].status == "executed" and recs[tsk.id].status == "executed"
    edited_proposal = recs[tsk.id].proposal
    assert isinstance(edited_proposal, CreateTaskProposal)
    edited = edited_proposal.task
    assert edited.subject == "Call the CFO and procurement"
    assert str(edited.due_date) == "2026-12-09" and edited.priority == "High" and edited.description is None
    assert recs[tsk.id].idempotency_key == tsk.idempotency_key
    assert recs[nte.id].status == "rejected" and recs[nte.id].decision_reason == "Not a real risk"
    assert recs[skip.id].status == "pending"
    assert len(zoho.records) == 2
    assert "1 approved" not in out and "2 approved, 1 rejected, 1 skipped" in out


def test_interactive_quit_still_executes_what_was_approved(settings: Settings, store: StateStore) -> None:
    first, _ = store.enqueue(task(subject="First"))
    second, _ = store.enqueue(task(subject="Second"))
    code, out = invoke(settings, FakeZoho(), stdin="a\nq\n")
    assert code == 0
    assert store.get_recommendation(first.id).status == "executed"  # type: ignore[union-attr]
    assert store.get_recommendation(second.id).status == "pending"  # type: ignore[union-attr]


def test_approve_prunes_the_staged_copies_no_open_proposal_needs(settings: Settings, store: StateStore) -> None:
    """Rejected (or uploaded) attachments leave the outbox after an ``approve`` session; pending ones stay,
    and so does anything staged within the last hour (it may be a proposal being queued right now)."""
    import os
    import time

    from approvals.attachments import attachment_proposal, stage_file

    def staged(name: str, account: str) -> Path:
        draft = stage_file(settings.home, name, f"report for {account}\n".encode())
        store.enqueue(attachment_proposal(draft, account_id=account, rationale="Attach the report"))
        return Path(draft.staged_path)

    rejected, kept = staged("a.html", "1"), staged("b.html", "2")
    stray_old, stray_new = rejected.with_name("old-stray.html"), rejected.with_name("new-stray.html")
    stray_old.write_text("x")
    stray_new.write_text("y")
    hour_ago = time.time() - 3700
    for path in (rejected, kept, stray_old):
        os.utime(path, (hour_ago, hour_ago))
    code, out = invoke(settings, FakeZoho(), reject_all="Not this one", account="1")
    assert code == 0 and "Rejected 1" in out
    assert not rejected.exists() and not stray_old.exists()
    assert kept.exists() and stray_new.exists()


def test_a_proposal_made_again_says_what_was_decided_and_what_is_new(settings: Settings, store: StateStore) -> None:
    from domain.recommendations import PriorDecision

    prior = PriorDecision(
        recommendation_id="r0",
        status="rejected",
        decided_by="ana",
        reason="Omar is still there",
        what_is_new=["note 'Omar has left' of 14 Dec"],
        message="New since you rejected this on 12 Dec (Omar is still there): note 'Omar has left' of 14 Dec",
    )
    store.enqueue(task(), prior=prior)
    code, out = invoke(settings, FakeZoho(), list_only=True)
    assert code == 0 and "↻ again" in out and "Acme A1" in out
    code, out = invoke(settings, FakeZoho(), stdin="s\n")
    assert code == 0 and "Proposed again: New since you rejected this on 12 Dec" in out
    assert "• new: note 'Omar has left' of 14 Dec" in out
