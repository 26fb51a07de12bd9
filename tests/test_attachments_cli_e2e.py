"""Review reports attached through the approval queue, with ``python main.py approve`` as a real
subprocess against the sandbox: the reviewed accounts' reports (queued by ``review --attach``'s step,
run in process because a full review subprocess spends a minute feeding memory) become pending upload
proposals, an approval uploads each exactly once, and a SIGKILL after the upload reached Zoho (its reply
held back) followed by a re-run still leaves exactly one copy on the account."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from cli_support import sandbox_cli_env, sandbox_settings_for

from config import load_settings
from domain.proposals import UploadAttachmentProposal
from domain.staged_files import is_upload_of
from sandbox.attachments import service as attachment_service
from sandbox.embedded import RunningSandbox
from state.store import StateStore

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parent.parent


def cli_env(sandbox: RunningSandbox, home: Path) -> dict[str, str]:
    return sandbox_cli_env(sandbox, home, SERGAS_ZOHO_MAX_RETRIES="1", COLUMNS="200")


def main_py(*args: str) -> list[str]:
    return [sys.executable, str(ROOT / "main.py"), *args]


def run(sandbox: RunningSandbox, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        main_py(*args), env=cli_env(sandbox, home), cwd=ROOT, capture_output=True, text=True, timeout=240
    )


def uploads(sandbox: RunningSandbox, account_id: str, key: str) -> list[Any]:
    files = attachment_service(sandbox.state).files
    return [a for a in files.for_record("Accounts", account_id) if is_upload_of(a.file_name, key)]


def review_in_process(sandbox: RunningSandbox, home: Path) -> None:
    """The review pipeline without the subprocess and memory feed (the slow part), then the CLI's
    ``--attach`` step: the same proposals ``review --attach`` queues."""
    from rich.console import Console

    from cli.review_command import queue_report_attachments
    from integrations.zoho.connection import connection_from_sandbox
    from integrations.zoho.factory import build_gateway
    from review.pipeline import run_review

    settings = sandbox_settings_for(sandbox, home)
    settings.ensure_home()

    async def review() -> Any:
        gateway = build_gateway(settings, connection=connection_from_sandbox(sandbox, settings))
        try:
            with StateStore.open(settings) as store:
                return await run_review(settings, gateway=gateway, store=store, limit=2)
        finally:
            await gateway.aclose()

    queued = queue_report_attachments(settings, asyncio.run(review()), Console(stderr=True))
    assert queued and all(created for _, created in queued)


def check_queued(sandbox: RunningSandbox, home: Path) -> list[Any]:
    with StateStore.open(load_settings(home=home)) as store:
        recs = store.list_recommendations(kind="upload_attachment")
    assert recs and all(r.status == "pending" for r in recs)
    for rec in recs:
        assert isinstance(rec.proposal, UploadAttachmentProposal) and rec.proposal.target_id == rec.proposal.account_id
        assert rec.proposal.attachment.file_name.endswith(f"-{rec.proposal.account_id}.html")
        assert Path(rec.proposal.attachment.staged_path).stat().st_mode & 0o777 == 0o600
    listed = run(sandbox, home, "approve", "--list")
    assert "account-review-" in listed.stdout and "text/html" in listed.stdout, listed.stdout
    return recs


def test_review_attach_then_approve_uploads_each_report_once(sandbox: RunningSandbox, tmp_path: Path) -> None:
    home = tmp_path / "home"
    review_in_process(sandbox, home)
    recs = check_queued(sandbox, home)
    done = run(sandbox, home, "approve", "--approve-all", "--yes")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "attached account-review-" in done.stdout, done.stdout
    with StateStore.open(load_settings(home=home)) as store:
        for rec in recs:
            [stored] = uploads(sandbox, rec.proposal.account_id, rec.idempotency_key)
            after = store.get_recommendation(rec.id)
            assert after is not None and after.status == "executed" and after.result_record_id == stored.id
            content = attachment_service(sandbox.state).files.content(stored.id)
            assert rec.proposal.account_id.encode() in content and b"<!DOCTYPE html>" in content
    again = run(sandbox, home, "approve", "--approve-all", "--yes")
    assert again.returncode == 0 and "No pending proposals; nothing to decide." in again.stdout, again.stdout
    for rec in recs:
        assert len(uploads(sandbox, rec.proposal.account_id, rec.idempotency_key)) == 1


def test_sigkill_after_the_upload_reached_zoho_then_rerun_uploads_once(sandbox: RunningSandbox, tmp_path: Path) -> None:
    home = tmp_path / "home"
    review_in_process(sandbox, home)
    recs = check_queued(sandbox, home)
    files = attachment_service(sandbox.state).files
    stored_once, killed = threading.Event(), threading.Event()
    original_add = files.add

    def add_then_hold_reply(attachment: Any, content: bytes) -> Any:  # sandbox server thread, after storing
        result = original_add(attachment, content)
        if "sergas-ref-" in attachment.file_name:
            stored_once.set()
            killed.wait(60)  # the reply is held back until the test killed the client
        return result

    files.add = add_then_hold_reply  # type: ignore[method-assign]
    proc = subprocess.Popen(
        main_py("approve", "--approve-all", "--yes"),
        env=cli_env(sandbox, home),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert stored_once.wait(120), "the upload to kill during never happened"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        killed.set()
        files.add = original_add  # type: ignore[method-assign]
    with StateStore.open(load_settings(home=home)) as store:
        executing = store.executing_recommendations()
        assert [r.proposal.kind for r in executing] == ["upload_attachment"]
    done = run(sandbox, home, "approve", "--approve-all", "--yes")  # the rest were never approved: still pending
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Reconciling 1 write(s)" in done.stdout and "already attached" in done.stdout, done.stdout
    with StateStore.open(load_settings(home=home)) as store:
        for rec in recs:
            [stored] = uploads(sandbox, rec.proposal.account_id, rec.idempotency_key)
            after = store.get_recommendation(rec.id)
            assert after is not None and after.status == "executed" and after.result_record_id == stored.id


def test_brief_attach_queues_the_brief_and_approve_uploads_it_once(sandbox: RunningSandbox, tmp_path: Path) -> None:
    home = tmp_path / "home"
    account_id = str(sandbox.store.list_records("Accounts")[5]["id"])
    briefed = run(sandbox, home, "brief", account_id, "--attach")
    assert briefed.returncode == 0, briefed.stdout + briefed.stderr
    assert "the brief queued for approval" in briefed.stderr, briefed.stderr
    with StateStore.open(load_settings(home=home)) as store:
        [rec] = store.list_recommendations(kind="upload_attachment")
    assert rec.status == "pending" and isinstance(rec.proposal, UploadAttachmentProposal)
    assert rec.proposal.attachment.content_type == "text/markdown" and rec.proposal.target_id == account_id
    assert run(sandbox, home, "brief", account_id, "--attach").stderr.count("was already queued") == 1
    done = run(sandbox, home, "approve", "--approve-all", "--yes")
    assert done.returncode == 0 and "attached meeting-brief-" in done.stdout, done.stdout + done.stderr
    [stored] = uploads(sandbox, account_id, rec.idempotency_key)
    content = attachment_service(sandbox.state).files.content(stored.id).decode("utf-8")
    assert content == Path(rec.proposal.attachment.staged_path).read_text(encoding="utf-8") and content.strip()
