"""Rule-based next-best actions: one ``ProposedAction`` (origin ``"rules"``) per signal, used when no model
key is configured or an agent review fails. Each is a task on the record the signal is about, due in a few
business days, citing the signal's evidence; the rationale says plainly that a rule, not a model, wrote it.
What each kind's task says, when it is due and how urgent it is: the kind's ``RuleTask``
(``review.signal_kinds``).

Task subjects carry no counts or dates, so the same situation on two nights dedupes to one proposal.
A finding read from a note names its subject and quotes its sentence in the task; a departure whose notes
already name who takes over gets no proposal (the records resolve it).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Literal

from domain.proposals import Citation, CreateTaskProposal, Priority, ProposedAction, TaskDraft
from review.models import AccountTriage, Signal
from review.signal_kinds import spec_of
from review.signal_spec import RuleTask, TaskPriority

RULES_LABEL = "Rule-based proposal (no model)"
TargetModule = Literal["Accounts", "Contacts", "Deals", "Tasks"]
_TASK_PRIORITY: dict[str, TaskPriority] = {"low": "Low", "medium": "Normal", "high": "High"}


def add_business_days(start: date, days: int) -> date:
    current = start
    while days > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            days -= 1
    return current


def _citations(signal: Signal) -> list[Citation]:
    def excerpt(rid: str) -> str:
        if signal.quote and rid == signal.quote_record_id:
            return signal.quote[:2000]
        return signal.summary[:2000]

    return [
        Citation(source="zoho", record_id=rid, module=signal.evidence_modules.get(rid), excerpt=excerpt(rid))
        for rid in signal.evidence
    ]


def _sentence(text: str) -> str:
    """``text`` ending in one full stop: “…after 6 wks.” and “Cedar Media Corp.” already end their sentence."""
    return text if text.rstrip("\u201d\"')").endswith((".", "!", "?")) else f"{text}."


def _evidence_line(signal: Signal) -> str:
    """Whom the finding is about and the sentence it rests on, quoted once: "About: Aisha Murphy (record 123)." when
    the summary already quotes the sentence, else "About: Aisha Murphy. Said: “…” (record 123)"; "" when nothing
    was read."""
    if not signal.quote:
        return ""
    where = f" (record {signal.quote_record_id})" if signal.quote_record_id else ""
    about = signal.subject_name or "the account"
    if signal.quote in signal.summary:
        return f"\nAbout: {_sentence(about + where)}"
    return f"\nAbout: {_sentence(about)} Said: \u201c{signal.quote}\u201d{where}"


def _target(triage: AccountTriage, signal: Signal, rule: RuleTask) -> tuple[TargetModule, str]:
    """The record the task hangs on: the signal's deal or contact, else (or when the rule says so) the account."""
    if not rule.on_account and signal.subject_id and signal.subject_module in ("Deals", "Contacts"):
        return ("Deals" if signal.subject_module == "Deals" else "Contacts"), signal.subject_id
    return "Accounts", triage.account_id


def _names(triage: AccountTriage, signal: Signal) -> dict[str, str]:
    """What a rule's text may name (``review.signal_spec.TEMPLATE_FIELDS``)."""
    deal = signal.facts.get("deal_name")
    contact = signal.facts.get("contact_name")
    return {
        "account": triage.account_name,
        "deal": str(deal) if deal else "the deal",
        "who": signal.subject_name or (str(contact) if contact else "a contact"),
    }


def _priority(rule: RuleTask, signal: Signal) -> Priority:
    if rule.priority == "as_severity":
        return "high" if signal.severity == "high" else "medium"
    return rule.priority


def _task(triage: AccountTriage, signal: Signal, rule: RuleTask, *, today: date) -> ProposedAction:
    names = _names(triage, signal)
    subject, why = rule.subject.format(**names), rule.why.format(**names)
    impact = rule.impact.format(**names)
    priority = _priority(rule, signal)
    target_module, target_id = _target(triage, signal, rule)
    owner = f" (owner: {triage.owner_email})" if triage.owner_email else ""
    description = (
        f"{RULES_LABEL}. {_sentence(signal.summary)}{_evidence_line(signal)}\nSuggested: {why}{owner}.\n"
        f"Evidence: {', '.join(signal.evidence)}"
    )
    return CreateTaskProposal(
        account_id=triage.account_id,
        target_module=target_module,
        target_id=target_id,
        task=TaskDraft(
            subject=subject[:255],
            due_date=add_business_days(today, rule.due_in),
            priority=rule.task_priority or _TASK_PRIORITY[priority],
            description=description,
        ),
        rationale=f"{RULES_LABEL}: {_sentence(signal.summary)} {why}.",
        evidence=_citations(signal),
        priority=priority,
        expected_impact=impact,
        origin="rules",
        signal_kind=signal.kind,
        subject_id=signal.subject_id,
    )


def propose_for_signal(triage: AccountTriage, signal: Signal, *, today: date) -> ProposedAction | None:
    """The rule's proposal for ``signal`` (its spec's ``RuleTask``), or None when the records already resolve it."""
    rule = spec_of(signal.kind).proposal
    if rule.unless_fact and signal.facts.get(rule.unless_fact):
        return None
    return _task(triage, signal, rule, today=today)


def propose_for(triage: AccountTriage, *, today: date) -> list[ProposedAction]:
    """One rule-based proposal per signal of the account (none for a resolved one), most urgent first."""
    order = {"high": 0, "medium": 1, "low": 2}
    proposals = [p for s in triage.signals if (p := propose_for_signal(triage, s, today=today)) is not None]
    return sorted(proposals, key=lambda p: order[p.priority])
