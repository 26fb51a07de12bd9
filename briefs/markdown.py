"""The brief as Markdown (for files, e-mail, the chat's copy)."""

from __future__ import annotations

from typing import Any

from briefs.models import Brief, Cited
from domain.safe_text import markdown_block, markdown_code, markdown_inline

_code = markdown_code


def _ref(line: Cited) -> str:
    where = "memory:" if line.source == "memory" else ""
    if line.module and line.record_id:
        return " " + _code(f"{where}{line.module}/{line.record_id}")
    return " " + _code(f"{where}{line.record_id}") if line.record_id else ""


def _section(title: str, lines: list[Any], empty: str) -> list[str]:
    out = [f"## {title}", ""]
    if not lines:
        out.append(f"_{empty}_")
    for line in lines:
        prefix = f"**{markdown_inline(line.severity)}** " if getattr(line, "severity", None) else ""
        prefix += "**overdue** " if getattr(line, "overdue", False) else ""
        text = markdown_block(line.text).replace("\n", "  \n  ")  # a line break inside the list item
        out.append(f"- {prefix}{text}{_ref(line)}")
    return [*out, ""]


def brief_markdown(brief: Brief) -> str:
    a = brief.account
    out = [f"# Meeting brief: {markdown_inline(a.name)}", "", f"- Account: {_code(f'Accounts/{a.account_id}')}"]
    if a.owner:
        out.append(f"- Owner: {markdown_inline(a.owner)}")
    details = ", ".join(x for x in (a.industry, a.account_type, a.rating) if x)
    if details:
        out.append(f"- Profile: {markdown_inline(details)}")
    if a.annual_revenue:
        out.append(f"- Revenue: ${a.annual_revenue:,.0f}")
    if a.health_score is not None:
        out.append(f"- Health: {a.health_score}/100")
    out.append("")
    out += _section("Open risks", brief.risks, "none found by the triage")
    out += _section("Suggested talking points", brief.talking_points, "none")
    out += _section("Decided recently", brief.decided, "no decisions on this account's proposals yet")
    out += _section("Open deals", brief.open_deals, "no open deals")
    out += _section("Open tasks", brief.open_tasks, "no open tasks")
    out += _section("Contacts", brief.contacts, "no contacts")
    out += _section("Recent notes", brief.recent_notes, "no notes")
    out += _section(f"History ({markdown_inline(brief.history_status)})", brief.history, "none")
    if brief.warnings:
        out += ["## Warnings", "", *[f"- {markdown_inline(w)}" for w in brief.warnings], ""]
    out.append("## Citations")
    out.append("")
    out += [f"- {c.source}: {_code((c.module + '/' if c.module else '') + c.record_id)}" for c in brief.citations]
    kind = "Deterministic brief (rules, no model)" if brief.deterministic else "Brief written by the agents"
    out += ["", f"_{kind}; {brief.today.isoformat()}._", ""]
    return "\n".join(out)
