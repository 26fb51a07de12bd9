"""The review report as Markdown: summary, the reviewed accounts with their proposals, then every other
flagged account in a table. Every signal names its evidence (Zoho record ids)."""

from __future__ import annotations

from domain.prose import as_sentence
from domain.safe_text import markdown_code, markdown_inline
from review.run_models import FlaggedAccount, ReviewRun, queued_line
from review.signal_kinds import signal_title


def _codes(ids: list[str]) -> str:
    return ", ".join(markdown_code(i) for i in ids)


def _md(text: object) -> str:
    """CRM text in the report: one line, HTML and Markdown (``|`` too: table cells) escaped."""
    return markdown_inline(text)


def _md_note(text: str) -> str:
    """A run note: its `command` spans as code spans (shown literally, whatever they hold), the rest escaped."""
    parts = text.split("`")
    if len(parts) % 2 == 0:  # an odd number of backticks: no spans to trust
        return _md(text)
    return "".join(markdown_code(part) if i % 2 else _md(part) for i, part in enumerate(parts))


def summary_rows(run: ReviewRun) -> list[tuple[str, str]]:
    rows = [
        ("Run", run.run_id + (" (resumed)" if run.resumed else "")),
        ("Started", run.started_at.isoformat(timespec="seconds")),
        ("Finished", run.finished_at.isoformat(timespec="seconds") if run.finished_at else "—"),
        ("Mode", "agents" if run.mode == "agents" else "rules (no model: rule-based proposals)"),
        ("Accounts triaged", f"{run.accounts_triaged:,}"),
        (run.changed_label(), f"{run.changed_accounts:,}"),
        ("Accounts flagged", f"{len(run.flagged):,}"),
        ("Proposals queued", queued_line(run)),
        ("Zoho API calls", f"{run.api_calls} ({run.sync_detail()})"),
        ("Zoho API credits", str(run.api_credits)),
        ("Model cost", f"${run.cost_usd:.4f} ({run.model_calls} model calls)"),
    ]
    return rows


def _account_block(flagged: FlaggedAccount) -> list[str]:
    t = flagged.triage
    owner = f", owner {_md(t.owner_email)}" if t.owner_email else ""
    lines = [f"### {_md(t.account_name)} ({markdown_code(t.account_id)}) — health {t.score}/100{owner}", ""]
    for s in t.signals:
        lines.append(
            f"- **{_md(signal_title(s.kind))}** ({_md(s.severity)}): {_md(as_sentence(s.summary))}"
            f" Evidence: {_codes(s.evidence)}"
        )
    if t.score_breakdown:
        lines.append(
            "- Score: 100 " + " ".join(f"{i.points:+d} ({_md(i.reason)})" for i in t.score_breakdown) + f" = {t.score}"
        )
    if flagged.proposals:
        lines += ["", "Proposals (waiting for approval):", ""]
        for p in flagged.proposals:
            label = "rule-based" if p.origin == "rules" else "agent"
            state = "" if p.created else " — already queued"
            lines.append(f"1. {_md(p.summary)} \\[{label}, {_md(p.priority)}\\] {markdown_code(p.id)}{state}")
    lines += _decided_lines(flagged)
    lines.append("")
    return lines


def _decided_lines(flagged: FlaggedAccount) -> list[str]:
    """What a past decision changed: proposed again (and what is new), or held back (and why)."""
    lines = [
        f"- Proposed again: {markdown_inline(p.prior_decision.message)}" for p in flagged.proposals if p.prior_decision
    ]
    if flagged.held:
        lines += ["", "Not proposed again (decided before):", ""]
        lines += [f"- {markdown_inline(h.summary)}: {markdown_inline(h.reason)}" for h in flagged.held]
    return lines


def render_markdown(run: ReviewRun) -> str:
    lines = [f"# Account review {_md(run.run_id)}", "", "| | |", "|---|---|"]
    lines += [f"| {k} | {_md(v)} |" for k, v in summary_rows(run)]
    lines += ["", "## Flagged accounts by situation", "", "| Situation | Accounts |", "|---|---|"]
    lines += [f"| {_md(signal_title(k))} | {n} |" for k, n in run.accounts_by_kind().items()]
    if run.notes:
        lines += ["", "## Notes", ""] + [f"- {_md_note(n)}" for n in run.notes]
    reviewed, others = run.reviewed_and_others()
    lines += ["", f"## Reviewed accounts ({len(reviewed)})", ""]
    for flagged in reviewed:
        lines += _account_block(flagged)
    if others:
        lines += [
            f"## Other flagged accounts ({len(others)})",
            "",
            "| Account | Id | Health | Signals (evidence) |",
            "|---|---|---|---|",
        ]
        for f in others:
            t = f.triage
            signals = "; ".join(
                f"{_md(signal_title(s.kind))}: {_md(s.summary)} ({_codes(s.evidence)})" for s in t.signals
            )
            lines.append(f"| {_md(t.account_name)} | {markdown_code(t.account_id)} | {t.score} | {signals} |")
    lines.append("")
    return "\n".join(lines)
