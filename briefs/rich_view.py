"""The brief as a rich renderable for the terminal (``brief`` command, chat ``/brief``)."""

from __future__ import annotations

from typing import Any

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from briefs.models import Brief, Cited
from domain.safe_text import safe_block, safe_inline

_SEVERITY = {"high": "bold red", "medium": "yellow", "low": "dim"}


def _ref(line: Cited) -> str:
    where = "memory:" if line.source == "memory" else ""
    if line.module and line.record_id:
        return safe_inline(f"[{where}{line.module}/{line.record_id}]")
    return safe_inline(f"[{where}{line.record_id}]") if line.record_id else ""


def _section(title: str, lines: list[Any], empty: str, style: Any = None) -> RenderableType:
    body = Text()
    if not lines:
        body.append(empty, style="dim")
    for i, line in enumerate(lines):
        if i:
            body.append("\n")
        body.append("• ")
        body.append(safe_block(line.text), style=style(line) if callable(style) else style)
        ref = _ref(line)
        if ref:
            body.append(f" {ref}", style="dim cyan")
    return Group(Text(safe_inline(title), style="bold underline"), body, Text(""))


def brief_renderable(brief: Brief) -> RenderableType:
    a = brief.account
    head = Table.grid(padding=(0, 2))
    head.add_column(style="bold")
    head.add_column()
    head.add_row("Account", Text(safe_inline(f"{a.name} [Accounts/{a.account_id}]")))
    if a.owner:
        head.add_row("Owner", Text(safe_inline(a.owner)))
    details = ", ".join(x for x in (a.industry, a.account_type, a.rating) if x)
    if details:
        head.add_row("Profile", Text(safe_inline(details)))
    if a.annual_revenue:
        head.add_row("Revenue", f"${a.annual_revenue:,.0f}")
    if a.health_score is not None:
        colour = "green" if a.health_score >= 70 else "yellow" if a.health_score >= 40 else "red"
        head.add_row("Health", Text(f"{a.health_score}/100", style=colour))
    if a.last_activity:
        head.add_row("Last activity", a.last_activity.date().isoformat())
    parts: list[RenderableType] = [head, Text("")]
    parts.append(
        _section("Open risks", brief.risks, "none found by the triage", lambda r: _SEVERITY.get(r.severity, ""))
    )
    parts.append(_section("Suggested talking points", brief.talking_points, "none"))
    parts.append(_section("Waiting for your decision", brief.pending, "nothing pending"))
    parts.append(_section("Decided recently", brief.decided, "no decisions on this account's proposals yet"))
    parts.append(_section("Open deals", brief.open_deals, "no open deals"))
    parts.append(_section("Open tasks", brief.open_tasks, "no open tasks", lambda t: "red" if t.overdue else ""))
    parts.append(_section("Contacts", brief.contacts, "no contacts"))
    parts.append(_section("Recent notes", brief.recent_notes, "no notes"))
    parts.append(_section(f"History ({brief.history_status})", brief.history, "—"))
    for warning in brief.warnings:
        parts.append(Text(f"⚠ {safe_inline(warning)}", style="bold yellow"))
    footer = "Deterministic brief (rules, no model)." if brief.deterministic else "Brief written by the agents."
    parts.append(Text(f"{footer} {len(brief.citations)} records cited. Today: {brief.today.isoformat()}", style="dim"))
    return Panel(Group(*parts), title=Text(f"Meeting brief — {safe_inline(a.name)}"), border_style="cyan")
