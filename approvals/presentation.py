"""How a recommendation looks in the terminal: rationale, evidence, origin, a warning when suspicious,
and the exact change (field diffs old → new; task and note bodies in full).

Every piece of text that came from a model or from CRM data passes through ``domain.safe_text`` and is
rendered as plain ``Text`` (never as rich markup), so a proposal cannot restyle or hide parts of the screen.
Accounts are shown by name (``names``: account id → name, when Zoho told us), with the id where space allows;
a 19-digit id is never cut (every id starts the same way, so a cut one says nothing).
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
from domain.safe_text import safe_block, safe_inline

KIND_LABEL = {
    "create_task": "New task",
    "add_note": "New note",
    "update_fields": "Update fields",
    "upload_attachment": "Attach file",
}
UNKNOWN = object()  # the current value could not be fetched
WIDE = 110  # from this console width on, lists show each account's id beside its name
Names = Mapping[str, str]


def account_text(account_id: str, names: Names | None = None, *, with_id: bool = True) -> Text:
    """The account's name in bold, then its id (dim) when wanted; the id alone when the name is unknown."""
    name = (names or {}).get(account_id)
    if name is None:
        return Text(account_id)
    text = Text(safe_inline(name), style="bold")
    if with_id:
        text.append(f" ({account_id})", style="dim")
    return text


def short_id(rec_id: str) -> str:
    return rec_id[:8]


def fmt_value(value: Any) -> str:
    """A CRM value as one readable string (lookups show their name, lists are joined)."""
    if value is None or value == "":
        return "(empty)"
    if isinstance(value, Mapping):
        return safe_inline(value.get("name") or value.get("id") or json.dumps(value, default=str))
    if isinstance(value, list):
        return ", ".join(fmt_value(v) for v in value)
    return safe_inline(value)


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
    where = f"{proposal.target_module}/{proposal.target_id}"
    return f"{safe_inline(a.file_name)} ({human_size(a.size)}, {safe_inline(a.content_type)}) → {where}"


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
            table.add_row(Text(safe_inline(field)), old_text, Text("→"), Text(fmt_value(new), style="green"))
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
        lines.add_row("Subject", Text(safe_inline(t.subject), style="green"))
        lines.add_row("Due", Text(t.due_date.isoformat() if t.due_date else "(none)"))
        lines.add_row("Priority", Text(t.priority))
        if t.who_id:
            lines.add_row("Contact", Text(safe_inline(t.who_id)))
        lines.add_row("Description", Text(safe_block(t.description or "(none)")))
    elif proposal.kind == "upload_attachment":
        assert proposal.attachment is not None
        a = proposal.attachment
        lines.add_row("File", Text(safe_inline(a.file_name), style="green"))
        lines.add_row("Size", Text(f"{human_size(a.size)} ({a.size:,} bytes)"))
        lines.add_row("Kind", Text(safe_inline(a.content_type + (f" — {a.description}" if a.description else ""))))
        lines.add_row(
            "Attach to", Text(f"{proposal.target_module}/{proposal.target_id} (account {proposal.account_id})")
        )
        lines.add_row("sha256", Text(a.sha256, style="dim"))
    else:
        assert proposal.note is not None
        lines.add_row("Title", Text(safe_inline(proposal.note.title or "(none)"), style="green"))
        lines.add_row("Content", Text(safe_block(proposal.note.content)))
    return lines


def proposal_panel(
    rec: Recommendation,
    *,
    index: int | None = None,
    total: int | None = None,
    current: Mapping[str, Any] | None = None,
    current_error: str | None = None,
    names: Names | None = None,
) -> Panel:
    p = rec.proposal
    title = Text()
    if index is not None and total is not None:
        title.append(f"{index}/{total}  ")
    title.append(KIND_LABEL[p.kind], style="bold")
    title.append(f"  [{short_id(rec.id)}]", style="dim")

    parts: list[RenderableType] = [Text("Account: ", style="bold") + account_text(p.account_id, names)]
    if (p.target_module, p.target_id) != ("Accounts", p.account_id):
        parts.append(Text("On: ", style="bold") + Text(f"{p.target_module}/{safe_inline(p.target_id)}"))
    head = Text()
    head.append("Origin: ")
    head.append_text(origin_label(p))
    head.append(f"   Priority: {p.priority}")
    if p.signal_kind:
        head.append(f"   Signal: {safe_inline(p.signal_kind)}")
    if rec.run_id:
        head.append(f"   Run: {rec.run_id}", style="dim")
    parts.append(head)
    if rec.suspicious:
        parts.append(
            Text(
                "⚠ SUSPICIOUS: the evidence behind this proposal contains instruction-like text "
                "(possible prompt injection). Check the change carefully before approving.",
                style="bold white on red",
            )
        )
    if rec.prior_decision is not None:  # the same situation was decided before: what is new since
        parts.append(Text("Proposed again: ", style="bold yellow") + Text(safe_inline(rec.prior_decision.message)))
        parts += [Text(f"  • new: {safe_inline(item)}") for item in rec.prior_decision.what_is_new]
    if rec.status == "failed" and rec.error:
        parts.append(Text(f"Last attempt failed: {safe_inline(rec.error)}", style="yellow"))
    parts += _reasons(p)
    parts.append(Text("Change:", style="bold"))
    parts.append(change_renderable(p, current, current_error))
    border = "red" if rec.suspicious else ("cyan" if p.origin == "rules" else "magenta")
    return Panel(Group(*parts), title=title, title_align="left", border_style=border)


def _reasons(p: ProposedAction) -> list[RenderableType]:
    """Why, the expected impact and the evidence (each citation on its own line)."""
    parts: list[RenderableType] = [Text("Why: ", style="bold") + Text(safe_block(p.rationale))]
    if p.expected_impact:
        parts.append(Text("Expected impact: ", style="bold") + Text(safe_block(p.expected_impact)))
    if not p.evidence:
        return [*parts, Text("Evidence: none cited", style="yellow")]
    parts.append(Text("Evidence:", style="bold"))
    for c in p.evidence:
        line = Text("  • ")
        line.append(f"{c.source}:{c.module + '/' if c.module else ''}{safe_inline(c.record_id)}", style="cyan")
        if c.excerpt:
            line.append(" — ")
            line.append(safe_inline(c.excerpt))
        parts.append(line)
    return parts


def change_summary(p: ProposedAction) -> str:
    """The change in one line (a task's subject, a note's title, a file, the fields)."""
    if p.kind == "create_task" and p.task:
        return safe_inline(p.task.subject)
    if p.kind == "add_note" and p.note:
        return safe_inline(p.note.title or p.note.content, limit=80)
    if p.kind == "upload_attachment" and p.attachment:
        return attachment_summary(p)
    return ", ".join(f"{safe_inline(k)} → {fmt_value(v)}" for k, v in p.fields.items())


def pending_table(recs: Sequence[Recommendation], names: Names | None = None, *, width: int = WIDE) -> Table:
    """One row per proposal: its short id, the account's name (and id when ``width`` allows), the change,
    the kind with its origin and priority. Nothing is cut: cells wrap."""
    with_ids = width >= WIDE
    table = Table(title=f"{len(recs)} pending proposal(s)", show_lines=False, expand=False)
    table.add_column("Id", no_wrap=True)
    table.add_column("Account", overflow="fold")
    table.add_column("Change", overflow="fold", ratio=2)
    table.add_column("Kind", overflow="fold")
    for rec in recs:
        p = rec.proposal
        ident = Text(short_id(rec.id))
        if rec.suspicious:
            ident.append("\n⚠ suspicious", style="bold red")
        if rec.prior_decision is not None:
            ident.append("\n↻ again", style="yellow")
        account = account_text(p.account_id, names, with_id=False)
        if with_ids and (names or {}).get(p.account_id) is not None:
            account.append(f"\n{p.account_id}", style="dim")
        kind = Text(KIND_LABEL[p.kind] + "\n")
        kind.append_text(origin_label(p))
        kind.append(f" · {p.priority}")
        table.add_row(ident, account, Text(change_summary(p)), kind)
    return table


def outcome_text(rec: Recommendation | None, outcome: ExecutionOutcome, names: Names | None = None) -> Text:
    label = Text(f"[{short_id(outcome.recommendation_id)}] ", style="dim")
    if rec is not None:
        label.append(f"{KIND_LABEL[rec.proposal.kind]} for ")
        label.append_text(account_text(rec.proposal.account_id, names, with_id=False))
        label.append(": ")
    if isinstance(outcome, WriteResult):
        if rec is not None and rec.proposal.kind == "upload_attachment" and rec.proposal.attachment:
            name = safe_inline(rec.proposal.attachment.file_name)
            where = f"{rec.proposal.target_module}/{rec.proposal.target_id}"
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
    return label + Text(f"{mark} {safe_inline(outcome.error)}. {safe_inline(outcome.hint)}", style=style)


__all__ = [
    "WIDE",
    "account_text",
    "attachment_summary",
    "change_renderable",
    "change_summary",
    "human_size",
    "fmt_value",
    "outcome_text",
    "pending_table",
    "proposal_panel",
    "short_id",
]
