"""What an agent, a rule or a command proposes: the change a person approves before anything is written.
Shared by the agents' ``propose_*`` tools, the review pipeline, the approval queue, the state store and
the write executor of the integration layer."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, Field, model_validator

from domain import situation

ActionKind = Literal["create_task", "add_note", "update_fields", "upload_attachment"]
Priority = Literal["low", "medium", "high"]
Origin = Literal["agent", "rules", "command"]  # command: queued by a CLI command the operator ran (--attach)
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024  # Zoho's limit for one attachment


class Citation(BaseModel):
    """A piece of evidence: a CRM record or a memory fact."""

    source: Literal["zoho", "memory"] = "zoho"
    record_id: str
    module: str | None = None
    excerpt: str | None = Field(default=None, max_length=2000)


class TaskDraft(BaseModel):
    subject: str = Field(min_length=1, max_length=255)
    due_date: date | None = None
    priority: Literal["Highest", "High", "Normal", "Low", "Lowest"] = "Normal"
    description: str | None = Field(default=None, max_length=32000)
    who_id: str | None = None  # a contact id


class NoteDraft(BaseModel):
    title: str | None = Field(default=None, max_length=120)
    content: str = Field(min_length=1, max_length=32000)


class AttachmentDraft(BaseModel):
    """A file to attach to a record. The bytes are not in the queue: they wait in a staged copy under
    SERGAS_HOME (``approvals.attachments.stage_file``) whose sha256 must still match when it is sent."""

    file_name: str = Field(min_length=1, max_length=200)
    content_type: str = Field(min_length=1, max_length=120)
    size: int = Field(ge=1, le=MAX_ATTACHMENT_BYTES)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    staged_path: str = Field(min_length=1)  # absolute path of the staged copy
    description: str | None = Field(default=None, max_length=500)  # e.g. "review report (HTML)"

    @model_validator(mode="after")
    def _plain_file_name(self) -> AttachmentDraft:
        if any(c in self.file_name for c in "/\\\x00") or self.file_name.strip(". ") == "":
            raise ValueError("file_name must be a plain file name (no directories)")
        return self


class ProposedAction(BaseModel):
    """One next-best action, with exactly the change it would make and why."""

    kind: ActionKind
    account_id: str
    target_module: Literal["Accounts", "Contacts", "Deals", "Tasks"] = "Accounts"
    target_id: str  # the record the task/note hangs on, or the record to update
    fields: dict[str, Any] = Field(default_factory=dict)  # update_fields: field API name -> new value
    task: TaskDraft | None = None
    note: NoteDraft | None = None
    attachment: AttachmentDraft | None = None
    rationale: str = Field(min_length=1, max_length=4000)
    evidence: list[Citation] = Field(default_factory=list)
    priority: Priority = "medium"
    expected_impact: str | None = Field(default=None, max_length=1000)
    origin: Origin = "agent"
    signal_kind: str | None = None  # the triage signal that led to it, when any
    subject_id: str | None = None  # the record that finding is about (the contact who left), when not the target

    @model_validator(mode="after")
    def _payload_matches_kind(self) -> ProposedAction:
        if self.kind == "create_task" and self.task is None:
            raise ValueError("create_task needs a task (subject, due_date, priority, description)")
        if self.kind == "add_note" and self.note is None:
            raise ValueError("add_note needs a note (title, content)")
        if self.kind == "update_fields" and not self.fields:
            raise ValueError("update_fields needs fields: {field API name: new value}")
        if self.kind == "upload_attachment":
            if self.attachment is None:
                raise ValueError("upload_attachment needs an attachment (a file staged by the CLI)")
            if self.origin == "agent":
                raise ValueError("attachments are queued by `review --attach` / `brief --attach`, not by agents")
        return self

    def payload(self) -> dict[str, Any]:
        """The exact change, as plain JSON."""
        if self.kind == "create_task":
            assert self.task is not None
            return self.task.model_dump(mode="json", exclude_none=True)
        if self.kind == "add_note":
            assert self.note is not None
            return self.note.model_dump(mode="json", exclude_none=True)
        if self.kind == "upload_attachment":
            assert self.attachment is not None
            return self.attachment.model_dump(mode="json", exclude_none=True, exclude={"staged_path"})
        return dict(self.fields)

    def dedupe_key(self) -> str:
        """Same kind, same target and same change → same key (so a re-run does not double proposals).

        Task subjects and note titles are compared case-insensitively without their due dates, so the
        same follow-up proposed on two nights is one proposal. (What a decision sticks to is broader:
        ``situation_key``.)"""
        if self.kind == "create_task":
            assert self.task is not None
            change: Any = self.task.subject.strip().lower()
        elif self.kind == "add_note":
            assert self.note is not None
            change = (self.note.title or self.note.content[:80]).strip().lower()
        elif self.kind == "upload_attachment":
            assert self.attachment is not None
            change = self.attachment.sha256  # the same bytes on the same record: one proposal
        else:
            change = sorted(self.fields.items())
        parts = [self.kind, self.target_module, self.target_id, change]
        if self.subject_id and self.subject_id != self.target_id:  # the same words about another contact
            parts.append(self.subject_id)
        raw = json.dumps(parts, default=str)
        return hashlib.sha256(raw.encode()).hexdigest()[:32]

    def situation_key(self) -> str:
        """What the proposal is about, beyond its wording (``domain.situation``): decisions stick to it."""
        return situation.situation_key(self)
