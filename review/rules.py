"""Rule-based next-best actions: one ``ProposedAction`` (origin ``"rules"``) per signal, used when no model
key is configured or an agent review fails. Each is a task on the record the signal is about, due in a few
business days, citing the signal's evidence; the rationale says plainly that a rule, not a model, wrote it.

Task subjects carry no counts or dates, so the same situation on two nights dedupes to one proposal.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Literal

from domain.proposals import Citation, CreateTaskProposal, Priority, ProposedAction, TaskDraft
from review.models import AccountTriage, Signal

RULES_LABEL = "Rule-based proposal (no model)"
TargetModule = Literal["Accounts", "Contacts", "Deals", "Tasks"]
TaskPriority = Literal["Highest", "High", "Normal", "Low", "Lowest"]
_TASK_PRIORITY: dict[str, TaskPriority] = {"low": "Low", "medium": "Normal", "high": "High"}


def add_business_days(start: date, days: int) -> date:
    current = start
    while days > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            days -= 1
    return current


def _citations(signal: Signal) -> list[Citation]:
    return [
        Citation(source="zoho", record_id=rid, module=signal.evidence_modules.get(rid), excerpt=signal.summary[:2000])
        for rid in signal.evidence
    ]


def _task(
    triage: AccountTriage,
    signal: Signal,
    *,
    today: date,
    subject: str,
    due_in: int,
    priority: Priority,
    why: str,
    impact: str,
    on_account: bool = False,
) -> ProposedAction:
    target_module: TargetModule = "Accounts"
    target_id = triage.account_id
    if not on_account and signal.subject_id and signal.subject_module in ("Deals", "Contacts"):
        target_module = "Deals" if signal.subject_module == "Deals" else "Contacts"
        target_id = signal.subject_id
    owner = f" (owner: {triage.owner_email})" if triage.owner_email else ""
    description = f"{RULES_LABEL}. {signal.summary}.\nSuggested: {why}{owner}.\nEvidence: {', '.join(signal.evidence)}"
    task_priority: TaskPriority = "Highest" if signal.kind == "churn_risk" else _TASK_PRIORITY[priority]
    return CreateTaskProposal(
        account_id=triage.account_id,
        target_module=target_module,
        target_id=target_id,
        task=TaskDraft(
            subject=subject[:255],
            due_date=add_business_days(today, due_in),
            priority=task_priority,
            description=description,
        ),
        rationale=f"{RULES_LABEL}: {signal.summary}. {why}.",
        evidence=_citations(signal),
        priority=priority,
        expected_impact=impact,
        origin="rules",
        signal_kind=signal.kind,
        subject_id=signal.subject_id,
    )


def _name(signal: Signal, key: str, fallback: str) -> str:
    value = signal.facts.get(key)
    return str(value) if value else fallback


Rule = Callable[[AccountTriage, Signal, date], ProposedAction]


def _stalled(t: AccountTriage, s: Signal, today: date) -> ProposedAction:
    deal = _name(s, "deal_name", "the deal")
    return _task(
        t,
        s,
        today=today,
        subject=f"Follow up on stalled deal '{deal}'",
        due_in=2,
        priority="high" if s.severity == "high" else "medium",
        why="Contact the buyer, confirm the next step and update the stage or close the deal",
        impact="Moves a stuck deal forward or clears it from the pipeline",
    )


def _closing(t: AccountTriage, s: Signal, today: date) -> ProposedAction:
    deal = _name(s, "deal_name", "the deal")
    return _task(
        t,
        s,
        today=today,
        subject=f"Plan the close of '{deal}'",
        due_in=1,
        priority="high",
        why="Book a call with the decision maker before the closing date and agree what remains",
        impact="Protects a deal about to close with nobody working it",
    )


def _silent(t: AccountTriage, s: Signal, today: date) -> ProposedAction:
    return _task(
        t,
        s,
        today=today,
        subject=f"Check in with {t.account_name}",
        due_in=3,
        priority="high" if s.severity == "high" else "medium",
        why="Reach out to the main contact for a check-in call; nobody has been in touch for months",
        impact="Re-engages a big account before it drifts away",
        on_account=True,
    )


def _overdue(t: AccountTriage, s: Signal, today: date) -> ProposedAction:
    return _task(
        t,
        s,
        today=today,
        subject=f"Reschedule overdue tasks on {t.account_name}",
        due_in=1,
        priority="medium",
        why="Complete, reschedule or close each overdue task listed in the evidence",
        impact="Keeps commitments to the customer visible and current",
        on_account=True,
    )


def _gone(t: AccountTriage, s: Signal, today: date) -> ProposedAction:
    who = _name(s, "contact_name", "a contact")
    return _task(
        t,
        s,
        today=today,
        subject=f"Find the replacement for {who} at {t.account_name}",
        due_in=3,
        priority="high" if s.severity == "high" else "medium",
        why=f"Identify who took over from {who} and add them as a contact",
        impact="Restores a working relationship at the account",
        on_account=True,
    )


def _churn(t: AccountTriage, s: Signal, today: date) -> ProposedAction:
    return _task(
        t,
        s,
        today=today,
        subject=f"Escalate churn risk at {t.account_name}",
        due_in=1,
        priority="high",
        why="Escalate to the account team lead and set up a retention call with the customer",
        impact="Gives the account a chance to be saved before renewal",
        on_account=True,
    )


def _upsell(t: AccountTriage, s: Signal, today: date) -> ProposedAction:
    return _task(
        t,
        s,
        today=today,
        subject=f"Prepare an expansion offer for {t.account_name}",
        due_in=5,
        priority="medium",
        why="Prepare an offer for the expansion the customer mentioned and schedule a call",
        impact="Turns stated interest into pipeline",
        on_account=True,
    )


RULES: dict[str, Rule] = {
    "deal_stalled": _stalled,
    "closing_soon_no_activity": _closing,
    "silent_account": _silent,
    "overdue_tasks": _overdue,
    "contact_gone": _gone,
    "churn_risk": _churn,
    "upsell_signal": _upsell,
}


def propose_for_signal(triage: AccountTriage, signal: Signal, *, today: date) -> ProposedAction:
    return RULES[signal.kind](triage, signal, today)


def propose_for(triage: AccountTriage, *, today: date) -> list[ProposedAction]:
    """One rule-based proposal per signal of the account, most urgent first."""
    order = {"high": 0, "medium": 1, "low": 2}
    proposals = [propose_for_signal(triage, s, today=today) for s in triage.signals]
    return sorted(proposals, key=lambda p: order[p.priority])
