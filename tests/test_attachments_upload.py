"""Approved attachment uploads against the real sandbox and the real Zoho manager: queued as pending
proposals, sent once by the executor, found again (not re-uploaded) after a crash, a lost reply or a
re-run; refused when the staged file changed, vanished or lies outside the outbox."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from rich.console import Console

from approvals.attachments import attachment_proposal, stage_file
from approvals.executor import ExecutionFailure, execute_approved
from approvals.presentation import change_renderable, outcome_text, pending_table
from config import Settings
from domain.proposals import ProposedAction, UploadAttachmentProposal
from domain.recommendations import ApprovedWrite, WriteResult
from domain.staged_files import is_upload_of, upload_file_name
from integrations.zoho.connection import connection_from_sandbox
from integrations.zoho.errors import ZohoValidationError, ZohoWriteRefused
from integrations.zoho.factory import build_gateway
from integrations.zoho.manager import ZohoManager
from sandbox.attachments import service as attachment_service
from sandbox.embedded import RunningSandbox
from state.store import StateStore

REPORT = b"<!DOCTYPE html><html><body><h1>Account review</h1><p>Renewal at risk.</p></body></html>\n"


@pytest.fixture
def home(sandbox_settings: Settings) -> Path:
    return Path(sandbox_settings.ensure_home())


def bare_account(sandbox: RunningSandbox) -> str:
    """An account without seeded attachments."""
    seeded = {a.record_id for a in attachment_service(sandbox.state).files.all()}
    return next(str(a["id"]) for a in sandbox.store.list_records("Accounts") if str(a["id"]) not in seeded)


def uploads_of(sandbox: RunningSandbox, account_id: str, key: str) -> list[Any]:
    files = attachment_service(sandbox.state).files
    return [a for a in files.for_record("Accounts", account_id) if is_upload_of(a.file_name, key)]


def render(renderable: Any) -> str:
    console = Console(record=True, width=200)
    console.print(renderable)
    return console.export_text()


def approved(proposal: ProposedAction, key: str = "k" * 32) -> ApprovedWrite:
    return ApprovedWrite(
        recommendation_id=f"rec-{key[:6]}",
        idempotency_key=key,
        action=proposal,
        approved_by="ana",
        approved_at=datetime.now(UTC),
    )


def report_proposal(home: Path, account_id: str, content: bytes = REPORT) -> ProposedAction:
    draft = stage_file(home, "account-review.html", content, description="review report (HTML)")
    return attachment_proposal(draft, account_id=account_id, rationale="Attach the account review report")


def test_staged_file_is_private_and_described(home: Path) -> None:
    draft = stage_file(home, "../../etc/Report Q4.html", REPORT)
    path = Path(draft.staged_path)
    assert path.parent == home / "outbox" and path.read_bytes() == REPORT
    assert path.stat().st_mode & 0o777 == 0o600 and path.parent.stat().st_mode & 0o777 == 0o700
    assert draft.file_name == "Report Q4.html" and draft.content_type == "text/html" and draft.size == len(REPORT)
    assert upload_file_name("a.b.pdf", "abc") == "a.b.sergas-ref-abc.pdf"


def test_agents_cannot_propose_uploads(home: Path) -> None:
    draft = stage_file(home, "x.txt", b"hello")
    with pytest.raises(ValueError, match="not by agents"):
        UploadAttachmentProposal(account_id="1", target_id="1", attachment=draft, rationale="r", origin="agent")


async def test_approved_upload_appears_once_and_a_rerun_finds_it(
    sandbox: RunningSandbox, gateway: ZohoManager, home: Path
) -> None:
    account_id = bare_account(sandbox)
    write = approved(report_proposal(home, account_id))
    first = await gateway.execute_write(write)
    assert first.created and first.module == "Attachments"
    [stored] = uploads_of(sandbox, account_id, write.idempotency_key)
    assert stored.id == first.record_id and stored.size == len(REPORT)
    assert attachment_service(sandbox.state).files.content(stored.id) == REPORT
    again = await gateway.execute_write(write)  # a re-run after a crash: found, not uploaded again
    assert not again.created and again.record_id == first.record_id
    assert len(uploads_of(sandbox, account_id, write.idempotency_key)) == 1
    listed = await gateway.list_attachments("Accounts", account_id)
    assert [a.id for a in listed] == [first.record_id]


async def test_upload_after_a_lost_reply_is_not_repeated(
    sandbox: RunningSandbox, sandbox_settings: Settings, home: Path
) -> None:
    """The upload reaches Zoho and is stored, then the reply is lost (connection reset)."""
    lost = {"n": 0}

    class LoseFirstUploadReply(httpx.AsyncHTTPTransport):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            response = await super().handle_async_request(request)
            if request.method == "POST" and request.url.path.endswith("/Attachments") and lost["n"] == 0:
                lost["n"] += 1
                await response.aread()
                raise httpx.ReadError("connection reset after the upload was sent", request=request)
            return response

    gw = build_gateway(
        sandbox_settings,
        connection=connection_from_sandbox(sandbox, sandbox_settings),
        transport=LoseFirstUploadReply(),
        backoff_base=0.01,
    )
    account_id = bare_account(sandbox)
    write = approved(report_proposal(home, account_id), key="l" * 32)
    try:
        result = await gw.execute_write(write)
    finally:
        await gw.aclose()
    assert lost["n"] == 1 and result.created
    assert [a.id for a in uploads_of(sandbox, account_id, write.idempotency_key)] == [result.record_id]


async def test_changed_missing_or_foreign_files_are_refused(
    sandbox: RunningSandbox, gateway: ZohoManager, home: Path, tmp_path: Path
) -> None:
    account_id = bare_account(sandbox)
    proposal = report_proposal(home, account_id)
    assert isinstance(proposal, UploadAttachmentProposal)
    staged = Path(proposal.attachment.staged_path)
    staged.write_bytes(REPORT.replace(b"at risk", b"is fine"))
    with pytest.raises(ZohoWriteRefused, match="changed after it was proposed"):
        await gateway.execute_write(approved(proposal, key="c" * 32))
    staged.unlink()
    with pytest.raises(ZohoWriteRefused, match="is gone") as gone:
        await gateway.execute_write(approved(proposal, key="g" * 32))
    assert "--attach again" in gone.value.hint
    outside = tmp_path / "secret.txt"
    outside.write_bytes(b"not for the CRM")
    foreign = proposal.model_copy(
        update={
            "attachment": proposal.attachment.model_copy(
                update={
                    "staged_path": str(outside),
                    "size": outside.stat().st_size,
                    "sha256": hashlib.sha256(outside.read_bytes()).hexdigest(),
                }
            )
        }
    )
    with pytest.raises(ZohoWriteRefused, match="outside the outbox"):
        await gateway.execute_write(approved(foreign, key="f" * 32))
    assert attachment_service(sandbox.state).files.for_record("Accounts", account_id) == []


class CrashAfterSend:
    """Passes the write to the real gateway, then dies before the executor can record the outcome."""

    def __init__(self, gateway: ZohoManager) -> None:
        self.gateway = gateway

    def __getattr__(self, name: str) -> Any:
        return getattr(self.gateway, name)

    async def execute_write(self, write: ApprovedWrite) -> WriteResult:
        await self.gateway.execute_write(write)
        raise SystemExit("killed after the upload was sent")


async def test_queue_approve_crash_and_reconcile_upload_exactly_once(
    sandbox: RunningSandbox, gateway: ZohoManager, store: StateStore, home: Path
) -> None:
    account_id = bare_account(sandbox)
    rec, created = store.enqueue(report_proposal(home, account_id), run_id="review-1")
    assert created and rec.status == "pending" and rec.proposal.kind == "upload_attachment"
    again, created_again = store.enqueue(report_proposal(home, account_id), run_id="review-1")
    assert not created_again and again.id == rec.id  # the same bytes on the same account: one proposal
    shown = render(change_renderable(rec.proposal)) + render(pending_table([rec]))
    assert "account-review.html" in shown and f"Accounts/{account_id}" in shown and "text/html" in shown
    store.decide(rec.id, "approved", by="ana")
    with pytest.raises(SystemExit):
        await execute_approved(store, CrashAfterSend(gateway))
    executing = store.get_recommendation(rec.id)
    assert executing is not None and executing.status == "executing"
    assert len(uploads_of(sandbox, account_id, rec.idempotency_key)) == 1
    outcomes = await execute_approved(store, gateway)  # the next `approve` reconciles first
    [outcome] = outcomes
    assert isinstance(outcome, WriteResult) and not outcome.created
    done = store.get_recommendation(rec.id)
    assert done is not None and done.status == "executed"
    [stored] = uploads_of(sandbox, account_id, rec.idempotency_key)
    assert done.result_record_id == stored.id
    assert "already attached" in outcome_text(done, outcome).plain
    assert await execute_approved(store, gateway) == []


async def test_a_vanished_staged_file_fails_the_write_with_a_clear_reason(
    sandbox: RunningSandbox, gateway: ZohoManager, store: StateStore, home: Path
) -> None:
    account_id = bare_account(sandbox)
    proposal = report_proposal(home, account_id, content=b"brief for the QBR\n")
    rec, _ = store.enqueue(proposal)
    store.decide(rec.id, "approved", by="ana")
    assert isinstance(proposal, UploadAttachmentProposal)
    Path(proposal.attachment.staged_path).unlink()
    [outcome] = await execute_approved(store, gateway)
    assert isinstance(outcome, ExecutionFailure) and not outcome.retryable and outcome.status == "failed"
    failed = store.get_recommendation(rec.id)
    assert failed is not None and failed.error is not None and "is gone" in failed.error
    assert attachment_service(sandbox.state).files.for_record("Accounts", account_id) == []


async def test_a_file_over_zohos_limit_is_refused_with_what_to_do(
    sandbox: RunningSandbox, gateway: ZohoManager
) -> None:
    account_id = bare_account(sandbox)
    with pytest.raises(ZohoValidationError) as too_large:
        await gateway.rest.upload_attachment(
            "Accounts", account_id, "huge.pdf", b"%PDF-" + b"0" * (21 << 20), "application/pdf"
        )
    assert too_large.value.status == 413 and "20 MB" in too_large.value.hint
    assert gateway.attachment_outbox is not None
    with pytest.raises(ValueError, match="Zoho accepts at most"):
        stage_file(gateway.attachment_outbox.parent, "huge.pdf", b"0" * (21 << 20))


def test_an_attachment_proposal_is_shown_and_only_its_name_can_be_edited(home: Path) -> None:
    from approvals.editing import edit_proposal
    from approvals.presentation import proposal_panel
    from domain.recommendations import Recommendation

    proposal = report_proposal(home, "6421000001000000066")
    rec = Recommendation(
        id="r" * 32, proposal=proposal, idempotency_key="k" * 32, dedupe_key="d", created_at=datetime.now(UTC)
    )
    shown = render(proposal_panel(rec, index=1, total=1))
    assert "Attach file" in shown and "Account: 6421000001000000066" in shown and "command (--attach)" in shown
    assert "account-review.html" in shown and f"{len(REPORT)} B" in shown and "text/html" in shown
    answers = iter(["renamed.html"])
    edited = edit_proposal(proposal, lambda label, default: next(answers))
    assert isinstance(edited, UploadAttachmentProposal) and isinstance(proposal, UploadAttachmentProposal)
    assert edited.attachment.file_name == "renamed.html"
    assert edited.attachment.sha256 == proposal.attachment.sha256 and edited.dedupe_key() == proposal.dedupe_key()
    with pytest.raises(ValueError, match="plain file name"):
        edit_proposal(proposal, lambda label, default: "../../x.html")
