"""The review report as one self-contained HTML page: inline CSS, an inline SVG histogram of health
scores, no scripts and no external assets (it opens offline and can be attached to a CRM record)."""

from __future__ import annotations

from html import escape

from domain.prose import as_sentence
from domain.safe_text import safe_inline
from review.report_markdown import summary_rows
from review.run_models import FlaggedAccount, ReviewRun
from review.signal_kinds import signal_title

_CSS = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;max-width:1100px;
color:#1d2330;padding:0 1rem}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #dde1e8;padding-bottom:.3rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0}td,th{border:1px solid #dde1e8;padding:.35rem .5rem;
vertical-align:top;text-align:left}th{background:#f4f6f9}.acct{border:1px solid #dde1e8;border-radius:6px;
padding:.6rem .9rem;margin:.8rem 0}.score{float:right;font-weight:600}.bad{color:#b42318}.mid{color:#b54708}
.good{color:#067647}.kind{font-weight:600}.sev-high{color:#b42318}.sev-medium{color:#b54708}
.sev-low{color:#475467}code{background:#f4f6f9;padding:0 .25rem;border-radius:3px;font-size:12px}
.label{font-size:11px;border:1px solid #98a2b3;border-radius:3px;padding:0 .3rem;margin-left:.3rem}
.note{color:#475467}
"""
_BINS = 10


def _h(text: object) -> str:
    """CRM text in the page: control characters shown (``domain.safe_text``), then HTML-escaped."""
    return escape(safe_inline(text))


def _score_class(score: int) -> str:
    return "bad" if score < 50 else "mid" if score < 80 else "good"


def histogram_svg(scores: list[int], *, width: int = 640, height: int = 200) -> str:
    """Bars of how many accounts fall in each ten-point band of the health score."""
    counts = [0] * _BINS
    for score in scores:
        counts[min(_BINS - 1, max(0, score) // 10)] += 1
    top = max(counts) or 1
    pad_left, pad_bottom, pad_top = 44, 26, 12
    plot_w, plot_h = width - pad_left - 8, height - pad_bottom - pad_top
    bar_w = plot_w / _BINS
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
        f'aria-label="Histogram of account health scores" viewBox="0 0 {width} {height}">',
        f'<line x1="{pad_left}" y1="{pad_top + plot_h}" x2="{width - 8}" y2="{pad_top + plot_h}" stroke="#98a2b3"/>',
        f'<text x="4" y="{pad_top + 10}" font-size="11" fill="#475467">{top:,}</text>',
        f'<text x="4" y="{pad_top + plot_h}" font-size="11" fill="#475467">0</text>',
    ]
    colours = ["#d92d20"] * 5 + ["#f79009"] * 3 + ["#12b76a"] * 2
    for i, count in enumerate(counts):
        h = plot_h * count / top
        x = pad_left + i * bar_w
        label = f"{i * 10}–{100 if i == _BINS - 1 else i * 10 + 9}"
        parts.append(
            f'<rect x="{x + 2:.1f}" y="{pad_top + plot_h - h:.1f}" width="{bar_w - 4:.1f}" '
            f'height="{h:.1f}" fill="{colours[i]}">'
            f"<title>{label}: {count:,} accounts</title></rect>"
        )
        parts.append(
            f'<text x="{x + bar_w / 2:.1f}" y="{height - 8}" font-size="11" text-anchor="middle" '
            f'fill="#475467">{label}</text>'
        )
        if count:
            parts.append(
                f'<text x="{x + bar_w / 2:.1f}" y="{pad_top + plot_h - h - 3:.1f}" font-size="10" '
                f'text-anchor="middle" fill="#1d2330">{count:,}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


def _signals_html(flagged: FlaggedAccount) -> str:
    items = []
    for s in flagged.triage.signals:
        evidence = " ".join(f"<code>{_h(e)}</code>" for e in s.evidence)
        title = _h(signal_title(s.kind))
        items.append(
            f'<li><span class="kind sev-{s.severity}">{title}</span> '
            f"({_h(s.severity)}): {_h(as_sentence(s.summary))} Evidence: {evidence}</li>"
        )
    return "<ul>" + "".join(items) + "</ul>"


def _account_html(flagged: FlaggedAccount) -> str:
    t = flagged.triage
    owner = f" · owner {_h(t.owner_email)}" if t.owner_email else ""
    breakdown = " ".join(f"{i.points:+d} ({_h(i.reason)})" for i in t.score_breakdown)
    parts = [
        f'<div class="acct"><span class="score {_score_class(t.score)}">health {t.score}/100</span>',
        f"<strong>{_h(t.account_name)}</strong> <code>{_h(t.account_id)}</code>{owner}",
        _signals_html(flagged),
    ]
    if breakdown:
        parts.append(f'<div class="note">Score: 100 {breakdown} = {t.score}</div>')
    if flagged.proposals:
        parts.append("<p>Proposals (waiting for approval):</p><ol>")
        for p in flagged.proposals:
            label = "rule-based" if p.origin == "rules" else "agent"
            state = " — already queued" if not p.created else ""
            parts.append(
                f'<li>{_h(p.summary)}<span class="label">{label}</span>'
                f'<span class="label">{_h(p.priority)}</span> <code>{_h(p.id)}</code>'
                f"{state}</li>"
            )
        parts.append("</ol>")
    parts += _decided_html(flagged)
    parts.append("</div>")
    return "".join(parts)


def _decided_html(flagged: FlaggedAccount) -> list[str]:
    """What a past decision changed: proposed again (and what is new), or held back (and why)."""
    parts = [
        f'<div class="note">Proposed again: {_h(p.prior_decision.message)}</div>'
        for p in flagged.proposals
        if p.prior_decision
    ]
    if flagged.held:
        items = "".join(f"<li>{_h(h.summary)}: {_h(h.reason)}</li>" for h in flagged.held)
        parts.append(f"<p>Not proposed again (decided before):</p><ul>{items}</ul>")
    return parts


def render_html(run: ReviewRun) -> str:
    summary = "".join(f"<tr><th>{_h(k)}</th><td>{_h(v)}</td></tr>" for k, v in summary_rows(run))
    by_kind = "".join(
        f"<tr><td>{_h(signal_title(k))}</td><td>{n:,}</td></tr>" for k, n in run.accounts_by_kind().items()
    )
    reviewed, others = run.reviewed_and_others()
    body = [
        f"<h1>Account review {_h(run.run_id)}</h1>",
        f"<table>{summary}</table>",
        "<h2>Health scores</h2>",
        histogram_svg(run.scores),
        "<h2>Flagged accounts by situation</h2>",
        f"<table><tr><th>Situation</th><th>Accounts</th></tr>{by_kind}</table>",
    ]
    if run.notes:
        body.append("<h2>Notes</h2><ul>" + "".join(f"<li>{_h(n)}</li>" for n in run.notes) + "</ul>")
    body.append(f"<h2>Reviewed accounts ({len(reviewed)})</h2>")
    body += [_account_html(f) for f in reviewed]
    if others:
        body.append(
            f"<h2>Other flagged accounts ({len(others)})</h2><table><tr><th>Account</th><th>Id</th>"
            "<th>Health</th><th>Signals (evidence)</th></tr>"
        )
        for f in others:
            t = f.triage
            signals = "<br>".join(
                f"{_h(signal_title(s.kind))}: {_h(s.summary)} ({' '.join(f'<code>{_h(e)}</code>' for e in s.evidence)})"
                for s in t.signals
            )
            body.append(
                f"<tr><td>{_h(t.account_name)}</td><td><code>{_h(t.account_id)}</code></td>"
                f'<td class="{_score_class(t.score)}">{t.score}</td><td>{signals}</td></tr>'
            )
        body.append("</table>")
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>Account review {_h(run.run_id)}</title><style>{_CSS}</style></head><body>"
        + "\n".join(body)
        + "</body></html>\n"
    )
