"""What a proposal looks like, whatever shows it: ``view_of(proposal)`` turns any kind into a neutral
``ProposalView`` (its label, one line naming the change, and the change row by row: old → new for a
field update, the record as it will be created otherwise). The terminal (``approvals.presentation``,
rich), the web inbox (``web/``), the review's run report and the brief render this view; none of them
looks at ``kind`` itself, so a new kind is shown everywhere once it is described here.

Every string of a view that came from the CRM or a model has been through ``domain.safe_text`` (one line:
``safe_inline``; a ``long`` row: ``safe_block``), except ``summary``, which is plain text for JSON and
Markdown (``review --json``, the brief), made safe by whoever shows it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Literal, assert_never

from pydantic import BaseModel, Field

from domain.proposals import (
    AddNoteProposal,
    AttachmentDraft,
    CreateTaskProposal,
    ProposedAction,
    UpdateFieldsProposal,
    UploadAttachmentProposal,
)
from domain.recommendations import WriteResult
from domain.safe_text import safe_block, safe_inline


class ChangeRow(BaseModel):
    """One line of the change: a field of the record to create, or a field update (``old`` → ``new``)."""

    label: str
    new: str
    old: str | None = None  # layout "diff": the value in Zoho now (None: not known)
    field: str | None = None  # layout "diff": the field's API name as sent (not made safe: a key)
    long: bool = False  # several lines (a body)
    main: bool = False  # the line that names the change (shown emphasised)
    quiet: bool = False  # a checksum: shown dimmed


class ProposalView(BaseModel):
    kind: str
    label: str  # "New task"
    layout: Literal["diff", "record"]  # diff: old → new per field; record: what will be created
    headline: str  # the change in one line (a subject, a title, the file, the fields)
    summary: str  # "Task: Call Emma (due 2026-12-04)": plain text (see the module doc)
    rows: list[ChangeRow] = Field(default_factory=list)
    result_noun: str  # what executing it did: "task created"
    result_module: str | None = None  # the module of the record it makes or changes, when one can be linked


def human_size(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def fmt_value(value: Any) -> str:
    """A CRM value as one readable, safe string (a lookup by its name and the id Zoho acts on; lists joined)."""
    if value is None or value == "":
        return "(empty)"
    if isinstance(value, Mapping):
        if value.get("id") not in (None, ""):
            name = value.get("name")
            return safe_inline(f"{name} (id {value['id']})" if name else f"id {value['id']}")
        return safe_inline(json.dumps(value, default=str))
    if isinstance(value, list):
        return ", ".join(fmt_value(v) for v in value)
    return safe_inline(value)


def _file(a: AttachmentDraft, where: str) -> str:
    return f"{a.file_name} ({human_size(a.size)}, {a.content_type}) → {where}"


def _task(p: CreateTaskProposal) -> ProposalView:
    t = p.task
    due = t.due_date.isoformat() if t.due_date else None
    rows = [
        ChangeRow(label="Subject", new=safe_inline(t.subject), main=True),
        ChangeRow(label="Due", new=due or "(none)"),
        ChangeRow(label="Priority", new=t.priority),
    ]
    if t.who_id:
        rows.append(ChangeRow(label="Contact", new=safe_inline(t.who_id)))
    rows.append(ChangeRow(label="Description", new=safe_block(t.description or "(none)"), long=True))
    return ProposalView(
        kind=p.kind,
        label="New task",
        layout="record",
        headline=safe_inline(t.subject),
        summary=f"Task: {t.subject}" + (f" (due {due})" if due else ""),
        rows=rows,
        result_noun="task created",
        result_module="Tasks",
    )


def _note(p: AddNoteProposal) -> ProposalView:
    n = p.note
    return ProposalView(
        kind=p.kind,
        label="New note",
        layout="record",
        headline=safe_inline(n.title or n.content, limit=80),
        summary=f"Note: {n.title or n.content[:80]}",
        rows=[
            ChangeRow(label="Title", new=safe_inline(n.title or "(none)"), main=True),
            ChangeRow(label="Content", new=safe_block(n.content), long=True),
        ],
        result_noun="note added",
        result_module="Notes",
    )


def _update(p: UpdateFieldsProposal, current: Mapping[str, Any] | None) -> ProposalView:
    rows = [
        ChangeRow(
            label=safe_inline(name),
            field=name,
            old=None if current is None or name not in current else fmt_value(current[name]),
            new=fmt_value(value),
        )
        for name, value in p.fields.items()
    ]
    return ProposalView(
        kind=p.kind,
        label="Update fields",
        layout="diff",
        headline=", ".join(f"{safe_inline(k)} → {fmt_value(v)}" for k, v in p.fields.items()),
        summary="Update " + ", ".join(f"{k} → {v}" for k, v in p.fields.items()),
        rows=rows,
        result_noun="record updated",
        result_module=p.target_module,
    )


def _upload(p: UploadAttachmentProposal) -> ProposalView:
    a, where = p.attachment, f"{p.target_module}/{p.target_id}"
    return ProposalView(
        kind=p.kind,
        label="Attach file",
        layout="record",
        headline=safe_inline(_file(a, where)),
        summary=f"File: {_file(a, where)}",
        rows=[
            ChangeRow(label="File", new=safe_inline(a.file_name), main=True),
            ChangeRow(label="Size", new=f"{human_size(a.size)} ({a.size:,} bytes)"),
            ChangeRow(label="Kind", new=safe_inline(a.content_type + (f" — {a.description}" if a.description else ""))),
            ChangeRow(label="Attach to", new=safe_inline(f"{where} (account {p.account_id})")),
            ChangeRow(label="sha256", new=a.sha256, quiet=True),
        ],
        result_noun="file attached",
    )


def view_of(proposal: ProposedAction, current: Mapping[str, Any] | None = None) -> ProposalView:
    """The neutral view of ``proposal``. ``current``: for a field update, field → the value in Zoho now."""
    match proposal:
        case CreateTaskProposal():
            return _task(proposal)
        case AddNoteProposal():
            return _note(proposal)
        case UpdateFieldsProposal():
            return _update(proposal, current)
        case UploadAttachmentProposal():
            return _upload(proposal)
        case _:
            assert_never(proposal)


def compares_current(proposal: ProposedAction) -> bool:
    """Whether its view compares with the target's values in Zoho now (the caller reads them first)."""
    match proposal:
        case UpdateFieldsProposal():
            return True
        case CreateTaskProposal() | AddNoteProposal() | UploadAttachmentProposal():
            return False
        case _:
            assert_never(proposal)


def written_line(proposal: ProposedAction, outcome: WriteResult) -> str:
    """What executing ``proposal`` did, in one line (``outcome.created`` False: it was already done)."""
    record = f"{outcome.module} record {outcome.record_id}"
    match proposal:
        case UploadAttachmentProposal():
            name, where = proposal.attachment.file_name, f"{proposal.target_module}/{proposal.target_id}"
            if outcome.created:
                return f"✔ attached {name} to {where} (attachment {outcome.record_id})"
            return f"✔ {name} was already attached to {where} (attachment {outcome.record_id}); not uploaded again"
        case UpdateFieldsProposal():
            return f"✔ updated {record}" if outcome.created else f"✔ {record} already had these values"
        case CreateTaskProposal() | AddNoteProposal():
            return f"✔ created {record}" if outcome.created else f"✔ already present ({record}); not written again"
        case _:
            assert_never(proposal)


__all__ = ["ChangeRow", "ProposalView", "compares_current", "fmt_value", "human_size", "view_of", "written_line"]
