"""Attachments waiting for approval: stage a file, queue its upload, check it again before sending.

An upload is a write like any other: ``review --attach`` / ``brief --attach`` stage the file here and
queue an ``upload_attachment`` proposal; ``python main.py approve`` sends it exactly once.

- The bytes never go into the queue row: ``stage_file`` copies them to ``<SERGAS_HOME>/outbox/`` (dir
  0700, file 0600) and the proposal carries the copy's path, size and sha256.
- Reading the copy back before sending it (``read_staged``) and the name the upload carries in Zoho
  (``upload_file_name``) are ``domain.staged_files``: the write executor of the integration layer uses them.
- ``prune_outbox`` removes the copies no open proposal needs any more (uploaded, rejected, superseded);
  ``python main.py approve`` runs it after each session.
"""

from __future__ import annotations

import hashlib
import mimetypes
import os
import re
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Literal, Protocol

from domain.proposals import (
    MAX_ATTACHMENT_BYTES,
    AttachmentDraft,
    Citation,
    Priority,
    ProposedAction,
    UploadAttachmentProposal,
)
from domain.recommendations import Recommendation
from domain.staged_files import OUTBOX_DIR

TargetModule = Literal["Accounts", "Contacts", "Deals", "Tasks"]
_UNSAFE = re.compile(r"[^A-Za-z0-9._ -]+")


def outbox_dir(home: Path) -> Path:
    """``<home>/outbox``, created 0700."""
    path = home.expanduser().resolve() / OUTBOX_DIR
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(0o700)
    return path


def safe_file_name(name: str) -> str:
    """A plain, portable file name (no directories, no control characters), at most 120 characters."""
    base = _UNSAFE.sub("_", Path(name).name).strip(" .") or "attachment"
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        return base[:120]
    return f"{stem[: 120 - len(suffix) - 1]}.{suffix}"


def stage_file(
    home: Path, file_name: str, content: bytes, *, content_type: str | None = None, description: str | None = None
) -> AttachmentDraft:
    """Copy ``content`` into the outbox (0600) and describe it for a proposal."""
    if not content:
        raise ValueError("an attachment cannot be empty")
    if len(content) > MAX_ATTACHMENT_BYTES:
        raise ValueError(f"{file_name} is {len(content):,} bytes; Zoho accepts at most {MAX_ATTACHMENT_BYTES:,}")
    name = safe_file_name(file_name)
    digest = hashlib.sha256(content).hexdigest()
    target = outbox_dir(home) / f"{digest[:16]}-{name}"
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(content)
    tmp.replace(target)
    target.chmod(0o600)
    kind = content_type or mimetypes.guess_type(name)[0] or "application/octet-stream"
    return AttachmentDraft(
        file_name=name,
        content_type=kind,
        size=len(content),
        sha256=digest,
        staged_path=str(target),
        description=description,
    )


def attachment_proposal(
    draft: AttachmentDraft,
    *,
    account_id: str,
    rationale: str,
    target_module: TargetModule = "Accounts",
    target_id: str | None = None,
    evidence: list[Citation] | None = None,
    priority: Priority = "low",
) -> UploadAttachmentProposal:
    """An ``upload_attachment`` proposal queued by a command the operator ran."""
    cited = evidence or [Citation(source="zoho", record_id=account_id, module="Accounts")]
    return UploadAttachmentProposal(
        account_id=account_id,
        target_module=target_module,
        target_id=target_id or account_id,
        attachment=draft,
        rationale=rationale,
        evidence=cited,
        priority=priority,
        origin="command",
    )


# proposals whose staged copy may still be sent: waiting, approved, in flight, or failed (can be approved again)
OPEN_STATUSES = ("pending", "approved", "executing", "failed")
STAGING_GRACE_SECONDS = 3600.0  # a copy staged this recently may belong to a proposal being queued right now


class RecommendationSource(Protocol):
    """The part of ``state.store.StateStore`` that lists proposals."""

    def list_recommendations(
        self,
        *,
        status: str | Iterable[str] | None = None,
        account_id: str | None = None,
        kind: str | None = None,
        run_id: str | None = None,
    ) -> Sequence[Recommendation]: ...


def prune_outbox(
    home: Path, store: RecommendationSource, *, now: float | None = None, grace_seconds: float = STAGING_GRACE_SECONDS
) -> int:
    """Delete the outbox files that no open proposal refers to and that are older than ``grace_seconds``.
    Returns how many were deleted."""
    outbox = home.expanduser().resolve() / OUTBOX_DIR
    if not outbox.is_dir():
        return 0
    keep = {
        Path(rec.proposal.attachment.staged_path).expanduser().resolve()
        for rec in store.list_recommendations(status=OPEN_STATUSES, kind=UploadAttachmentProposal.kind_name())
        if isinstance(rec.proposal, UploadAttachmentProposal)
    }
    cutoff = (time.time() if now is None else now) - grace_seconds
    removed = 0
    for path in outbox.iterdir():
        if not path.is_file() or path.resolve() in keep or path.stat().st_mtime > cutoff:
            continue
        path.unlink(missing_ok=True)
        removed += 1
    return removed


class Queue(Protocol):
    """The part of ``state.store.StateStore`` that queues proposals."""

    def enqueue(
        self, proposal: ProposedAction, *, run_id: str | None = None, suspicious: bool = False
    ) -> tuple[Recommendation, bool]: ...


def queue_attachment(
    queue: Queue,
    home: Path,
    *,
    account_id: str,
    file_name: str,
    content: bytes,
    rationale: str,
    content_type: str | None = None,
    description: str | None = None,
    run_id: str | None = None,
) -> tuple[Recommendation, bool]:
    """Stage ``content`` and queue its upload to the account as a pending proposal. Returns
    ``(recommendation, created)``; ``created`` is False when the same bytes are already queued for it."""
    draft = stage_file(home, file_name, content, content_type=content_type, description=description)
    return queue.enqueue(attachment_proposal(draft, account_id=account_id, rationale=rationale), run_id=run_id)


__all__ = [
    "Queue",
    "attachment_proposal",
    "outbox_dir",
    "prune_outbox",
    "queue_attachment",
    "safe_file_name",
    "stage_file",
]
