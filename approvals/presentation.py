"""How a recommendation looks in the terminal: rationale, evidence, origin, a warning when suspicious,
and the exact change (field diffs old → new; task and note bodies in full).

Every piece of text that came from a model or from CRM data is rendered as plain ``Text`` (never as
rich markup), so a proposal cannot restyle or hide parts of the screen.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from approvals.executor import ExecutionFailure, ExecutionOutcome
from approvals.models import ProposedAction, Recommendation, WriteResult

KIND_LABEL = {
    "create_task": "New task",
    "add_note": "New note",
    "update_fields": "Update fields",
    "upload_attachment": "Attach file",
}
UNKNOWN = object()  # the current value could not be fetched


def short_id(rec_id: str) -> str:
    return rec_id[:8]


def fmt_value(value: Any) -> str:
    """A CRM value as one readable string (lookups show their name, lists are joined)."""
    if value is None or value == "":
        return "(empty)"
    if isinstance(value, Mapping):
        return str(value.get("name") or value.get("id") or json.dumps(value, default=str))
    if isinstance(value, list):
        return ", ".join(fmt_value(v) for v in value)
    return str(value)


def human_size(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def attachment_summary(proposal: ProposedAction) -> str:
    """``report.html (12.3 KB, text/html) → Accounts/123``."""
    assert proposal.attachment is not None
    a = proposal.attachment
    return f"{a.file_name} ({human_size(a.size)}, {a.content_type}) → {proposal.target_module}/{proposal.target_id}"


def origin_label(proposal: ProposedAction) -> Text:
    if proposal.origin == "rules":
        return Text("rule-based", style="bold cyan")
    if proposal.origin == "command":
        return Text("command (--attach)", style="bold blue")
    return Text("agent", style="bold magenta")


def change_renderable(
    proposal: ProposedAction, current: Mapping[str, Any] | None = None, current_error: str | None = None
) -> RenderableType:
    """The exact change. For field updates, ``current`` maps field → value now in Zoho."""
    if proposal.kind == "update_fields":
        table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
        table.add_column("Field")
        table.add_column("Now in Zoho")
        table.add_column("")
        table.add_column("Proposed")
        for field, new in proposal.fields.items():
            old: Any = UNKNOWN if current is None or field not in current else current[field]
            old_text = Text("(unavailable)", style="dim") if old is UNKNOWN else Text(fmt_value(old), style="red")
            table.add_row(Text(field), old_text, Text("→"), Text(fmt_value(new), style="green"))
        parts: list[RenderableType] = [table]
        if current_error:
            parts.append(Text(f"Current values could not be fetched: {current_error}", style="yellow"))
        return Group(*parts)
    lines = Table.grid(padding=(0, 1))
    lines.add_column(style="bold", no_wrap=True)
    lines.add_column()
    if proposal.kind == "create_task":
        assert proposal.task is not None
        t = proposal.task
        lines.add_row("Subject", Text(t.subject, style="green"))
        lines.add_row("Due", Text(t.due_date.isoformat() if t.due_date else "(none)"))
        lines.add_row("Priority", Text(t.priority))
        if t.who_id:
            lines.add_row("Contact", Text(t.who_id))
        lines.add_row("Description", Text(t.description or "(none)"))
    elif proposal.kind == "upload_attachment":
        assert proposal.attachment is not None
        a = proposal.attachment
        lines.add_row("File", Text(a.file_name, style="green"))
        lines.add_row("Size", Text(f"{human_size(a.size)} ({a.size:,} bytes)"))
        lines.add_row("Kind", Text(a.content_type + (f" — {a.description}" if a.description else "")))
        lines.add_row(
            "Attach to", Text(f"{proposal.target_module}/{proposal.target_id} (account {proposal.account_id})")
        )
        lines.add_row("sha256", Text(a.sha256, style="dim"))
    else:
        assert proposal.note is not None
        lines.add_row("Title", Text(proposal.note.title or "(none)", style="green"))
        lines.add_row("Content", Text(proposal.note.content))
    return lines


def proposal_panel(
    rec: Recommendation,
    *,
    index: int | None = None,
    total: int | None = None,
    current: Mapping[str, Any] | None = None,
    current_error: str | None = None,
) -> Panel:
    p = rec.proposal
    title = Text()
    if index is not None and total is not None:
        title.append(f"{index}/{total}  ")
    title.append(f"{KIND_LABEL[p.kind]} on {p.target_module}/{p.target_id}", style="bold")
    title.append(f"  [{short_id(rec.id)}]", style="dim")

    head = Text()
    head.append("Origin: ")
    head.append_text(origin_label(p))
    head.append(f"   Priority: {p.priority}")
    if p.signal_kind:
        head.append(f"   Signal: {p.signal_kind}")
    if rec.run_id:
        head.append(f"   Run: {rec.run_id}", style="dim")
    parts: list[RenderableType] = [head]
    if rec.suspicious:
        parts.append(
            Text(
                "⚠ SUSPICIOUS: the evidence behind this proposal contains instruction-like text "
                "(possible prompt injection). Check the change carefully before approving.",
                style="bold white on red",
            )
        )
    if rec.status == "failed" and rec.error:
        parts.append(Text(f"Last attempt failed: {rec.error}", style="yellow"))
    parts.append(Text("Why: ", style="bold") + Text(p.rationale))
    if p.expected_impact:
        parts.append(Text("Expected impact: ", style="bold") + Text(p.expected_impact))
    if p.evidence:
        parts.append(Text("Evidence:", style="bold"))
        for c in p.evidence:
            line = Text("  • ")
            line.append(f"{c.source}:{c.module + '/' if c.module else ''}{c.record_id}", style="cyan")
            if c.excerpt:
                line.append(" — ")
                line.append(c.excerpt)
            parts.append(line)
    else:
        parts.append(Text("Evidence: none cited", style="yellow"))
    parts.append(Text("Change:", style="bold"))
    parts.append(change_renderable(p, current, current_error))
    border = "red" if rec.suspicious else ("cyan" if p.origin == "rules" else "magenta")
    return Panel(Group(*parts), title=title, title_align="left", border_style=border)


def pending_table(recs: Sequence[Recommendation]) -> Table:
    table = Table(title=f"{len(recs)} pending proposal(s)", show_lines=False)
    for col in ("Id", "Account", "Kind", "Change", "Origin", "Priority", ""):
        table.add_column(col)
    for rec in recs:
        p = rec.proposal
        if p.kind == "create_task" and p.task:
            change = p.task.subject
        elif p.kind == "add_note" and p.note:
            change = p.note.title or p.note.content[:60]
        elif p.kind == "upload_attachment" and p.attachment:
            change = attachment_summary(p)
        else:
            change = ", ".join(f"{k} → {fmt_value(v)}" for k, v in p.fields.items())
        table.add_row(
            short_id(rec.id),
            p.account_id,
            p.kind,
            Text(change),
            origin_label(p),
            p.priority,
            Text("⚠ suspicious", style="bold red") if rec.suspicious else Text(""),
        )
    return table


def outcome_text(rec: Recommendation | None, outcome: ExecutionOutcome) -> Text:
    label = Text(f"[{short_id(outcome.recommendation_id)}] ", style="dim")
    if rec is not None:
        label.append(f"{KIND_LABEL[rec.proposal.kind]} on {rec.proposal.account_id}: ")
    if isinstance(outcome, WriteResult):
        if rec is not None and rec.proposal.kind == "upload_attachment" and rec.proposal.attachment:
            name, where = rec.proposal.attachment.file_name, f"{rec.proposal.target_module}/{rec.proposal.target_id}"
            if outcome.created:
                return label + Text(f"✔ attached {name} to {where} (attachment {outcome.record_id})", style="green")
            return label + Text(
                f"✔ {name} was already attached to {where} (attachment {outcome.record_id}); not uploaded again",
                style="green",
            )
        if rec is not None and rec.proposal.kind == "update_fields":
            if outcome.created:
                return label + Text(f"✔ updated {outcome.module} record {outcome.record_id}", style="green")
            return label + Text(
                f"✔ {outcome.module} record {outcome.record_id} already had these values", style="green"
            )
        if outcome.created:
            return label + Text(f"✔ created {outcome.module} record {outcome.record_id}", style="green")
        return label + Text(
            f"✔ already present ({outcome.module} record {outcome.record_id}); not written again", style="green"
        )
    assert isinstance(outcome, ExecutionFailure)
    style = "yellow" if outcome.retryable else "red"
    mark = "⟳" if outcome.retryable else "✘"
    return label + Text(f"{mark} {outcome.error}. {outcome.hint}", style=style)


__all__ = [
    "attachment_summary",
    "change_renderable",
    "human_size",
    "fmt_value",
    "outcome_text",
    "pending_table",
    "proposal_panel",
    "short_id",
]
