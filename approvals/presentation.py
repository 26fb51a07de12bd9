"""How a recommendation looks in the terminal: rationale, evidence, origin, a warning when suspicious,
and the exact change (field diffs old → new; task and note bodies in full; a lookup by the record id
Zoho will act on, with Zoho's name for it; a proposal that fails the write checks, e.g. a change to
another account's record, under a red banner saying why).

Every piece of text that came from a model or from CRM data passes through ``domain.safe_text`` (its
control characters shown as visible symbols) and is rendered as plain ``Text`` (never as rich markup),
so a proposal cannot restyle, move the cursor, erase or hide parts of the screen, set the window title
or reach the clipboard (tests/test_terminal_safety.py renders ``approve`` in a terminal emulator).
Accounts are shown by name (``names``: account id → name, when Zoho told us), with the id where space allows;
a 19-digit id is never cut (every id starts the same way, so a cut one says nothing).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from approvals.executor import ExecutionFailure, ExecutionOutcome
from approvals.proposal_view import ChangeRow, ProposalView, fmt_value, human_size, view_of, written_line
from approvals.write_checks import CheckedWrite, LookupTarget
from domain.proposals import ProposedAction
from domain.recommendations import Recommendation, WriteResult
from domain.safe_text import safe_block, safe_inline

WIDE = 110  # from this console width on, lists show each account's id beside its name
Names = Mapping[str, str]


def short_id(rec_id: str) -> str:
    return safe_inline(rec_id[:8])


def line(text: object, style: str = "") -> Text:
    """CRM or model text as one safe line of ``Text``."""
    return Text(safe_inline(text), style=style)


def block(text: object, style: str = "") -> Text:
    """CRM or model text as safe lines of ``Text``."""
    return Text(safe_block(text), style=style)


def account_text(account_id: str, names: Names | None = None, *, with_id: bool = True) -> Text:
    """The account's name in bold, then its id (dim) when wanted; the id alone when the name is unknown."""
    name = (names or {}).get(account_id)
    if name is None:
        return line(account_id)
    text = Text(safe_inline(name), style="bold")
    if with_id:
        text.append(f" ({safe_inline(account_id)})", style="dim")
    return text


def _proposed(value: str, lookup: LookupTarget | None) -> Text:
    if lookup is None:
        return Text(value, style="green")
    shown = Text(safe_inline(lookup.label()), style="green")
    if lookup.claimed_name is not None:
        shown.append(f"  (the proposal calls it {safe_inline(lookup.claimed_name)!r})", style="bold red")
    return shown


def origin_label(proposal: ProposedAction) -> Text:
    if proposal.origin == "rules":
        return Text("rule-based", style="bold cyan")
    if proposal.origin == "command":
        return Text("command (--attach)", style="bold blue")
    return Text("agent", style="bold magenta")


def _field_table(view: ProposalView, checked: CheckedWrite | None) -> Table:
    table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    table.add_column("Field")
    table.add_column("Now in Zoho")
    table.add_column("")
    table.add_column("Proposed")
    lookups = checked.lookups if checked is not None else {}
    for row in view.rows:
        old_text = Text("(unavailable)", style="dim") if row.old is None else Text(row.old, style="red")
        lookup = lookups.get(row.field) if row.field is not None else None
        table.add_row(Text(row.label), old_text, Text("→"), _proposed(row.new, lookup))
    return table


def _record_value(row: ChangeRow) -> Text:
    style = "green" if row.main else ("dim" if row.quiet else "")
    return block(row.new, style) if row.long else line(row.new, style)


def change_renderable(
    proposal: ProposedAction,
    current: Mapping[str, Any] | None = None,
    current_error: str | None = None,
    checked: CheckedWrite | None = None,
) -> RenderableType:
    """The exact change (``approvals.proposal_view``). For field updates, ``current`` maps field → value
    now in Zoho (``checked``, the write checks' answer, brings both the current values and each lookup as
    Zoho will act on it)."""
    view = view_of(proposal, checked.current if checked else current)
    if view.layout == "diff":
        parts: list[RenderableType] = [_field_table(view, checked)]
        if current_error:
            parts.append(Text("Current values could not be fetched: ", style="yellow") + line(current_error, "yellow"))
        return Group(*parts)
    lines = Table.grid(padding=(0, 1))
    lines.add_column(style="bold", no_wrap=True)
    lines.add_column()
    for row in view.rows:
        lines.add_row(row.label, _record_value(row))
    return lines


def _evidence(p: ProposedAction) -> list[RenderableType]:
    if not p.evidence:
        return [Text("Evidence: none cited", style="yellow")]
    parts: list[RenderableType] = [Text("Evidence:", style="bold")]
    for c in p.evidence:
        row = Text("  • ")
        row.append(safe_inline(f"{c.source}:{c.module + '/' if c.module else ''}{c.record_id}"), style="cyan")
        if c.excerpt:
            row.append(" — ")
            row.append(safe_inline(c.excerpt))
        parts.append(row)
    return parts


def _head(rec: Recommendation) -> Text:
    p = rec.proposal
    head = Text()
    head.append("Origin: ")
    head.append_text(origin_label(p))
    head.append(f"   Priority: {p.priority}")
    if p.signal_kind:
        head.append(f"   Signal: {safe_inline(p.signal_kind)}")
    if rec.run_id:
        head.append(f"   Run: {safe_inline(rec.run_id)}", style="dim")
    return head


def _target_line(p: ProposedAction, checked: CheckedWrite | None, unchecked: str | None) -> Text:
    where = Text("Target: ", style="bold") + line(f"{p.target_module}/{p.target_id}")
    if checked is not None and checked.target_name:
        where.append(" ")
        where.append(f"“{safe_inline(checked.target_name)}”")
    if checked is not None:
        where.append("  ✔ checked against Zoho", style="green")
    elif unchecked:
        where.append(
            "  (not checked against Zoho now: it could not be reached; checked again before writing)", style="yellow"
        )
    return where


def proposal_panel(
    rec: Recommendation,
    *,
    index: int | None = None,
    total: int | None = None,
    current: Mapping[str, Any] | None = None,
    current_error: str | None = None,
    checked: CheckedWrite | None = None,
    refused: str | None = None,
    names: Names | None = None,
) -> Panel:
    """One proposal. ``checked`` is its write check's answer; ``refused`` the reason it failed the
    checks (shown under a red banner: approving it would write nothing); ``names`` the accounts' names."""
    p = rec.proposal
    title = Text()
    if index is not None and total is not None:
        title.append(f"{index}/{total}  ")
    title.append(kind_label(p), style="bold")  # the title line is cut at the panel's width: no ids in it
    title.append(f"  [{short_id(rec.id)}]", style="dim")
    parts: list[RenderableType] = [Text("Account: ", style="bold") + account_text(p.account_id, names), _head(rec)]
    if rec.suspicious:
        parts.append(
            Text(
                "⚠ SUSPICIOUS: the evidence behind this proposal contains instruction-like text "
                "(possible prompt injection). Check the change carefully before approving.",
                style="bold white on red",
            )
        )
    if refused:
        parts.append(
            Text("✘ REFUSED BY THE WRITE CHECKS — approving it writes nothing: ", style="bold white on red")
            + line(refused, "bold white on red")
        )
    if rec.prior_decision is not None:  # the same situation was decided before: what is new since
        parts.append(Text("Proposed again: ", style="bold yellow") + line(rec.prior_decision.message))
        parts += [line(f"  • new: {item}") for item in rec.prior_decision.what_is_new]
    if rec.status == "failed" and rec.error:
        parts.append(Text("Last attempt failed: ", style="yellow") + line(rec.error, "yellow"))
    parts.append(_target_line(p, checked, current_error))
    parts.append(Text("Why: ", style="bold") + block(p.rationale))
    if p.expected_impact:
        parts.append(Text("Expected impact: ", style="bold") + block(p.expected_impact))
    parts += _evidence(p)
    parts.append(Text("Change:", style="bold"))
    parts.append(change_renderable(p, current, current_error, checked))
    border = "red" if rec.suspicious or refused else ("cyan" if p.origin == "rules" else "magenta")
    return Panel(Group(*parts), title=title, title_align="left", border_style=border)


def kind_label(p: ProposedAction) -> str:
    return view_of(p).label


def change_summary(p: ProposedAction) -> str:
    """The change in one safe line (a task's subject, a note's title, a file, the fields)."""
    return view_of(p).headline


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
            account.append(f"\n{safe_inline(p.account_id)}", style="dim")
        kind = Text(kind_label(p) + "\n")
        kind.append_text(origin_label(p))
        kind.append(f" · {p.priority}")
        table.add_row(ident, account, Text(change_summary(p)), kind)
    return table


def _written(rec: Recommendation | None, outcome: WriteResult) -> str:
    if rec is not None:
        return written_line(rec.proposal, outcome)
    record = f"{outcome.module} record {outcome.record_id}"
    return f"✔ created {record}" if outcome.created else f"✔ already present ({record}); not written again"


def outcome_text(rec: Recommendation | None, outcome: ExecutionOutcome, names: Names | None = None) -> Text:
    label = Text(f"[{short_id(outcome.recommendation_id)}] ", style="dim")
    if rec is not None:
        label.append(f"{kind_label(rec.proposal)} for ")
        label.append_text(account_text(rec.proposal.account_id, names, with_id=False))
        label.append(": ")
    if isinstance(outcome, WriteResult):
        return label + line(_written(rec, outcome), "green")
    assert isinstance(outcome, ExecutionFailure)
    style = "yellow" if outcome.retryable else "red"
    mark = "⟳" if outcome.retryable else "✘"
    return label + line(f"{mark} {outcome.error}. {outcome.hint}", style)


__all__ = [
    "WIDE",
    "account_text",
    "change_summary",
    "block",
    "line",
    "change_renderable",
    "human_size",
    "kind_label",
    "fmt_value",
    "outcome_text",
    "pending_table",
    "proposal_panel",
    "short_id",
]
