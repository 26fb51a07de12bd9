"""Suggested talking points for a meeting, by rules, from what the brief found (each cites its record)."""

from __future__ import annotations

from briefs.models import Brief, Cited, RiskLine

_BY_KIND = {
    "deal_stalled": "Ask what is holding the deal back and agree a dated next step",
    "closing_soon_no_activity": "Confirm the decision process and date before the deal's close",
    "silent_account": "Reconnect: ask how things are going and what changed since you last spoke",
    "overdue_tasks": "Close the loop on what you promised (overdue follow-ups)",
    "contact_gone": "Find out who replaces the departed contact and ask for an introduction",
    "churn_risk": "Address the concerns raised in recent notes before discussing anything new",
    "upsell_signal": "Explore the expansion interest mentioned in recent notes",
}
MAX_POINTS = 6


# A finding read from a note names its subject: the point says whom it is about and quotes the note.
_ABOUT = {
    "contact_gone": "Ask who replaces {subject} and ask for an introduction",
    "churn_risk": "Address the concern raised about {subject} before discussing anything new",
    "upsell_signal": "Explore the expansion interest at {subject}",
}


def _lead(risk: RiskLine) -> str:
    if risk.quote and risk.subject and risk.kind in _ABOUT:
        return _ABOUT[risk.kind].format(subject=risk.subject)
    return _BY_KIND.get(risk.kind, "Discuss")


def _said(risk: RiskLine) -> str:
    """What the risk rests on: the note's sentence when it was read from one, else the triage's summary."""
    if risk.quote and risk.subject and risk.kind in _ABOUT:
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
