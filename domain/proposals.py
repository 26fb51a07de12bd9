"""What an agent, a rule or a command proposes: the change a person approves before anything is written.
Shared by the agents' ``propose_*`` tools, the review pipeline, the approval queue, the state store and
the write executor of the integration layer.

``ProposedAction`` is a discriminated union on ``kind``: one model per kind, each holding only its own
payload and its own rules (``domain.proposal_base``). ``parse_proposal`` reads any of them, including the
rows stored before the union (one flat shape with ``task``/``note``/``fields``/``attachment`` all present,
most of them null or empty: the keys of the other kinds are ignored), and they are written back in the
new shape. ``PROPOSAL_KINDS`` / ``AGENT_KINDS`` are the kinds as every list of them is derived.

Adding a kind: its model here (and in ``ProposedAction``), how it looks (``approvals.proposal_view``),
how it is written (``ZohoManager.execute_write``), its test; ``tests/test_proposal_kinds.py`` fails
until each piece is there.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal, Self, get_args

from pydantic import BaseModel, Field, TypeAdapter, model_validator

from domain.proposal_base import (
    CLEAR,
    Ask,
    Citation,
    Origin,
    Priority,
    ProposalBase,
    TargetModule,
    coerce_answer,
    optional_answer,
)

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024  # Zoho's limit for one attachment
TaskPriority = Literal["Highest", "High", "Normal", "Low", "Lowest"]
_TASK_PRIORITIES: dict[str, TaskPriority] = {
    "highest": "Highest",
    "high": "High",
    "normal": "Normal",
    "medium": "Normal",
    "low": "Low",
    "lowest": "Lowest",
}


class TaskDraft(BaseModel):
    subject: str = Field(min_length=1, max_length=255)
    due_date: date | None = None
    priority: TaskPriority = "Normal"
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


class CreateTaskProposal(ProposalBase):
    """A follow-up task on the target record (optionally with one of the account's contacts)."""

    payload_key = "task"
    missing_payload = "create_task needs a task (subject, due_date, priority, description)"
    payload_hint = (
        "create_task: subject, due_date (YYYY-MM-DD), priority (Highest|High|Normal|Low|Lowest), description, who_id"
    )
    prompt_hint = "`task` with subject, due_date, priority, description"
    long_questions = ("Description",)
    creates_record = "task"

    kind: Literal["create_task"] = "create_task"
    task: TaskDraft

    def payload(self) -> dict[str, Any]:
        return self.task.model_dump(mode="json", exclude_none=True)

    def dedupe_change(self) -> Any:
        return self.task.subject.strip().lower()

    def situation_anchor(self) -> list[Any]:
        return ["task", self.target_module, self.target_id, self.task.who_id or ""]

    def substance_text(self) -> str | None:
        return self.task.subject

    def contact_id(self) -> str | None:
        return self.task.who_id

    def edited(self, ask: Ask) -> Self:
        t = self.task
        task = t.model_dump(mode="json")
        task["subject"] = ask("Subject", t.subject).strip()
        due = ask(f"Due date (YYYY-MM-DD, '{CLEAR}' for none)", t.due_date.isoformat() if t.due_date else "")
        task["due_date"] = optional_answer(due.strip())
        task["priority"] = ask("Priority (Highest, High, Normal, Low, Lowest)", t.priority).strip().title()
        task["description"] = optional_answer(ask(f"Description ('{CLEAR}' for none)", t.description or ""))
        return self.with_payload(task)

    @classmethod
    def claims_write(cls, tool_name: str, tool_input: dict[str, Any]) -> bool:
        return tool_name == "create_task" or "subject" in tool_input

    @classmethod
    def write_payload(cls, tool_input: dict[str, Any]) -> dict[str, Any]:
        return {
            "subject": tool_input.get("subject"),
            "due_date": tool_input.get("due_date") or None,
            "priority": _TASK_PRIORITIES.get(str(tool_input.get("priority") or "normal").lower(), "Normal"),
            "description": tool_input.get("description"),
        }


class AddNoteProposal(ProposalBase):
    """A note on the target record."""

    payload_key = "note"
    missing_payload = "add_note needs a note (title, content)"
    payload_hint = "add_note: title, content"
    prompt_hint = "`note` with title and content"
    long_questions = ("Content",)
    creates_record = "note"

    kind: Literal["add_note"] = "add_note"
    note: NoteDraft

    def payload(self) -> dict[str, Any]:
        return self.note.model_dump(mode="json", exclude_none=True)

    def dedupe_change(self) -> Any:
        return (self.note.title or self.note.content[:80]).strip().lower()

    def situation_anchor(self) -> list[Any]:
        return ["note", self.target_module, self.target_id]

    def substance_text(self) -> str | None:
        return self.note.title or self.note.content[:200]

    def edited(self, ask: Ask) -> Self:
        note = self.note.model_dump(mode="json")
        note["title"] = optional_answer(ask(f"Title ('{CLEAR}' for none)", self.note.title or ""))
        note["content"] = ask("Content", self.note.content)
        return self.with_payload(note)

    @classmethod
    def claims_write(cls, tool_name: str, tool_input: dict[str, Any]) -> bool:
        return tool_name == "add_note" or "content" in tool_input

    @classmethod
    def write_payload(cls, tool_input: dict[str, Any]) -> dict[str, Any]:
        return {"title": tool_input.get("title"), "content": tool_input.get("content")}


def _casefolded(value: Any) -> Any:
    return value.strip().casefold() if isinstance(value, str) else value


class UpdateFieldsProposal(ProposalBase):
    """New values for fields of the target record (field API name → value)."""

    payload_key = "fields"
    missing_payload = "update_fields needs fields: {field API name: new value}"
    payload_hint = "update_fields: Zoho field API name -> new value"
    prompt_hint = "`fields` with Zoho field API names and new values"
    repeats_harmlessly = True  # the manager compares the values first: a second send changes nothing

    kind: Literal["update_fields"] = "update_fields"
    fields: dict[str, Any]

    def payload(self) -> dict[str, Any]:
        return dict(self.fields)

    def dedupe_change(self) -> Any:
        return sorted(self.fields.items())

    def _values(self) -> list[Any]:
        return sorted((name, _casefolded(v)) for name, v in self.fields.items())

    def situation_anchor(self) -> list[Any]:
        return ["fields", self.target_module, self.target_id, self._values()]

    def finding_detail(self) -> list[Any]:
        return [self._values()]

    def edited(self, ask: Ask) -> Self:
        fields: dict[str, Any] = {}
        for name, value in self.fields.items():
            answer = ask(f"New value for {name}", "" if value is None else str(value))
            fields[name] = coerce_answer(answer, value)
        return self.with_payload(fields)

    @classmethod
    def claims_write(cls, tool_name: str, tool_input: dict[str, Any]) -> bool:
        return True  # the last agent kind: any other write is an attempt to change fields

    @classmethod
    def write_payload(cls, tool_input: dict[str, Any]) -> dict[str, Any]:
        return dict(tool_input.get("fields") or tool_input.get("data") or {})


class UploadAttachmentProposal(ProposalBase):
    """A file staged by ``review --attach`` / ``brief --attach``, attached to the target record."""

    payload_key = "attachment"
    missing_payload = "upload_attachment needs an attachment (a file staged by the CLI)"
    agent_may_propose = False

    kind: Literal["upload_attachment"] = "upload_attachment"
    attachment: AttachmentDraft

    @model_validator(mode="after")
    def _not_from_agents(self) -> UploadAttachmentProposal:
        if self.origin == "agent":
            raise ValueError("attachments are queued by `review --attach` / `brief --attach`, not by agents")
        return self

    def payload(self) -> dict[str, Any]:
        return self.attachment.model_dump(mode="json", exclude_none=True, exclude={"staged_path"})

    def dedupe_change(self) -> Any:
        return self.attachment.sha256  # the same bytes on the same record: one proposal

    def situation_anchor(self) -> list[Any]:
        return ["file", self.target_module, self.target_id, self.attachment.sha256]

    def edited(self, ask: Ask) -> Self:
        attachment = self.attachment.model_dump(mode="json")  # the bytes were approved as shown: only the name
        attachment["file_name"] = ask("File name", self.attachment.file_name).strip()
        return self.with_payload(attachment)


ProposedAction = Annotated[
    CreateTaskProposal | AddNoteProposal | UpdateFieldsProposal | UploadAttachmentProposal,
    Field(discriminator="kind"),
]
PROPOSAL_ADAPTER: TypeAdapter[ProposedAction] = TypeAdapter(ProposedAction)
PROPOSAL_TYPES: tuple[type[ProposalBase], ...] = get_args(get_args(ProposedAction)[0])  # in the union's order
PROPOSAL_KINDS: tuple[str, ...] = tuple(t.kind_name() for t in PROPOSAL_TYPES)
AGENT_TYPES: tuple[type[ProposalBase], ...] = tuple(t for t in PROPOSAL_TYPES if t.agent_may_propose)
AGENT_KINDS: tuple[str, ...] = tuple(t.kind_name() for t in AGENT_TYPES)


def parse_proposal(data: Any) -> ProposedAction:
    """Any proposal from JSON-like data (raises pydantic ``ValidationError``), old flat rows included."""
    return PROPOSAL_ADAPTER.validate_python(data)


__all__ = [
    "AGENT_KINDS",
    "AGENT_TYPES",
    "MAX_ATTACHMENT_BYTES",
    "PROPOSAL_ADAPTER",
    "PROPOSAL_KINDS",
    "PROPOSAL_TYPES",
    "AddNoteProposal",
    "AttachmentDraft",
    "Citation",
    "CreateTaskProposal",
    "NoteDraft",
    "Origin",
    "Priority",
    "ProposalBase",
    "ProposedAction",
    "TargetModule",
    "TaskDraft",
    "TaskPriority",
    "UpdateFieldsProposal",
    "UploadAttachmentProposal",
    "parse_proposal",
]
