"""Suggested talking points for a meeting, by rules, from what the brief found (each cites its record); a risk's
point is its signal spec's (``review.signal_kinds``)."""

from __future__ import annotations

from briefs.models import Brief, Cited, RiskLine
from review.signal_kinds import spec_of

MAX_POINTS = 6


def _about(risk: RiskLine) -> str | None:
    """The point naming the finding's subject, for a finding read from a note (it names whom and quotes it)."""
    about = spec_of(risk.kind).talking_point_about
    return about.format(subject=risk.subject) if about and risk.quote and risk.subject else None


def _lead(risk: RiskLine) -> str:
    return _about(risk) or spec_of(risk.kind).talking_point


def _said(risk: RiskLine) -> str:
    """What the risk rests on: the note's sentence when it was read from one, else the triage's summary."""
    if _about(risk) is not None:
        return f"the note says \u201c{risk.quote}\u201d"
    return risk.text


def _point(risk: RiskLine) -> str:
    """The risk's talking point; a past decision on its action is said, never recommended over."""
    if risk.decided == "rejected":
        return f"Decided, not suggested again: {risk.decision} (the risk: {risk.text})"
    if risk.decided == "done":
        return f"{risk.decision} Not suggested again while it holds (the risk: {risk.text})"
    if risk.decided == "again":
        return f"{_lead(risk)}: {_said(risk)}. {risk.decision}"
    return f"{_lead(risk)}: {_said(risk)}"


def talking_points(brief: Brief) -> list[Cited]:
    points: list[Cited] = []
    for risk in brief.risks:
        points.append(Cited(text=_point(risk), record_id=risk.record_id, module=risk.module))
    covered = {p.record_id for p in points}
    for deal in brief.open_deals[:2]:
        if deal.record_id in covered:
            continue
        step = f" (next step on file: {deal.next_step})" if deal.next_step else ""
        points.append(Cited(text=f"Review {deal.name} at {deal.stage}{step}", record_id=deal.record_id, module="Deals"))
    clean_notes = [n for n in brief.recent_notes if not n.text.startswith("[instruction-like")]
    if clean_notes and len(points) < MAX_POINTS:
        note = clean_notes[0]
        points.append(
            Cited(text=f"Follow up on the latest note: {note.text[:140]}", record_id=note.record_id, module="Notes")
        )
    if not points:
        points.append(
            Cited(
                text="No open risks: ask about upcoming plans and needs",
                record_id=brief.account.account_id,
                module="Accounts",
            )
        )
    return points[:MAX_POINTS]
