"""The staged copy of a file waiting for approval (``<SERGAS_HOME>/outbox/``), as the write executor reads it
back, and the name an approved upload carries in Zoho.

- ``read_staged`` refuses (``StagedFileError``, with what to do) when the copy is gone, changed since it
  was proposed, or lies outside the outbox.
- ``upload_file_name`` puts the idempotency key in the name Zoho stores, so a re-run after a crash or a
  lost reply finds the upload that already happened instead of uploading twice (``is_upload_of``).

Staging the copy and queueing its upload are the approval workflow's (``approvals.attachments``).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from domain.proposals import AttachmentDraft

OUTBOX_DIR = "outbox"
UPLOAD_MARKER = "sergas-ref-"


class StagedFileError(Exception):
    """The staged copy of an approved attachment cannot be sent as approved."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.hint = hint


def read_staged(draft: AttachmentDraft, *, outbox: Path | None) -> bytes:
    """The approved bytes, or ``StagedFileError`` when they are gone, changed, or outside ``outbox``."""
    path = Path(draft.staged_path)
    if outbox is not None:
        try:
            path.resolve().relative_to(outbox.expanduser().resolve())
        except ValueError:
            raise StagedFileError(
                f"the staged file {path} is outside the outbox {outbox}; it was not sent",
                "Only files staged by `review --attach` / `brief --attach` can be attached; queue it again.",
            ) from None
    try:
        content = path.read_bytes()
    except FileNotFoundError:
        raise StagedFileError(
            f"the staged file {draft.file_name} is gone ({path}); nothing was sent",
            "Run the command with --attach again to stage and queue a fresh copy.",
        ) from None
    except OSError as exc:
        raise StagedFileError(
            f"cannot read the staged file {path}: {exc}", "Check the permissions of SERGAS_HOME/outbox."
        ) from None
    if len(content) != draft.size or hashlib.sha256(content).hexdigest() != draft.sha256:
        raise StagedFileError(
            f"the staged file {draft.file_name} changed after it was proposed (sha256 differs); nothing was sent",
            "The approval covers the exact bytes that were shown; run the command with --attach again.",
        )
    return content


def upload_file_name(file_name: str, idempotency_key: str) -> str:
    """The name stored in Zoho: ``report.sergas-ref-<key>.html`` (found again by the key)."""
    stem, dot, suffix = file_name.rpartition(".")
    if not dot or not stem:
        return f"{file_name}.{UPLOAD_MARKER}{idempotency_key}"
    return f"{stem}.{UPLOAD_MARKER}{idempotency_key}.{suffix}"


def is_upload_of(stored_name: str, idempotency_key: str) -> bool:
    return f"{UPLOAD_MARKER}{idempotency_key}" in stored_name


__all__ = ["OUTBOX_DIR", "UPLOAD_MARKER", "StagedFileError", "is_upload_of", "read_staged", "upload_file_name"]
