"""``build_brief``: the meeting brief of one account from the CRM (and memory when there is one), by rules.

The open risks are the review triage's own signals (``review.triage.triage_account``), so a brief and a
review never disagree about an account. Nothing here calls a model.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import Any, Literal

from briefs.decisions import DecisionSource, decided_lines, decision_note, pending_lines, screen_signal
from briefs.models import (
    AccountState,
    Brief,
    Citation,
    Cited,
    ContactLine,
    DealLine,
    RiskLine,
    TaskLine,
)
from briefs.resolve import looks_like_id, resolve_account
from briefs.talking_points import talking_points
from domain.recommendations import Recommendation
from integrations.zoho.errors import ZohoNotFoundError, ZohoValidationError
from integrations.zoho.gateway import ZohoGateway
from integrations.zoho.models import Account360
from review.index import AccountView
from review.models import AccountTriage, Signal
from review.product_names import ProductNamesSource
from review.signals import TriageContext
from review.thresholds import DEFAULT_THRESHOLDS, Thresholds
from review.triage import triage_account

MAX_NOTES = 5
MAX_HISTORY = 8
MAX_CONTACTS = 8


def _one_line(text: str, limit: int = 200) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _looks_like_injection() -> Callable[[str], bool]:
    try:
        from hooks.injection import looks_like_injection
    except ImportError:  # pragma: no cover - hooks ships with the product
        return lambda _text: False
    return looks_like_injection


def _history_line(item: Any) -> Cited | None:
    """A memory fact (``memory.models.MemoryFact`` or the agents' dict shape) as a cited line."""
    if isinstance(item, dict):
        text = item.get("text") or item.get("summary") or ""
        return (
            Cited(
                text=_one_line(str(text)),
                record_id=str(item.get("citation") or "") or None,
                module=item.get("module"),
                at=item.get("at"),
                source="memory",
            )
            if text
            else None
        )
    fact = getattr(item, "fact", item)  # a MemoryHit holds its fact
    summary = getattr(fact, "summary", None)
    if not summary:
        return None
    citation = getattr(fact, "citation", None)
    return Cited(
        text=_one_line(str(summary)),
        record_id=getattr(citation, "record_id", None),
        module=getattr(citation, "module", None),
        at=getattr(fact, "at", None),
        source="memory",
    )


async def memory_history(memory: Any, account_id: str) -> tuple[list[Cited], str]:
    """(newest-first history lines, status) from the memory; never raises."""
    if memory is None:
        return [], "not available: long-term memory is not built yet (`python main.py sync`)"
    try:
        facts = list(await memory.timeline(account_id))
    except Exception as exc:  # memory is optional: say why it is missing
        return [], f"not available: memory failed ({type(exc).__name__})"
    lines = [line for line in (_history_line(f) for f in facts) if line is not None]
    lines.sort(key=lambda c: _sort_key(c.at), reverse=True)
    return lines[:MAX_HISTORY], "from memory" if lines else "memory holds nothing for this account yet"


def _sort_key(at: datetime | date | None) -> datetime:
    if at is None:
        return datetime.min.replace(tzinfo=UTC)
    if isinstance(at, datetime):
        return at if at.tzinfo else at.replace(tzinfo=UTC)
    if isinstance(at, str):  # tolerate ISO strings from dict-shaped facts
        try:
            parsed = datetime.fromisoformat(at)
        except ValueError:
            return datetime.min.replace(tzinfo=UTC)
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return datetime(at.year, at.month, at.day, tzinfo=UTC)


def brief_from_view(
    view: Account360,
    *,
    today: date,
    history: list[Cited] | None = None,
    history_status: str = "not available",
    now: datetime | None = None,
    decisions: Sequence[Recommendation] = (),
    pending: Sequence[Recommendation] = (),
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> Brief:
    """The brief of one account from its 360 view (pure: no I/O). ``decisions``: the account's decided
    recommendations, latest first (``StateStore.recent_decisions``): listed as "decided recently", and a
    risk whose action was rejected (nothing new since) or is done is not recommended again. ``pending``: its
    proposals waiting for a decision, listed so that nobody prepares a meeting blind to them."""
    now = now or datetime.now(UTC)
    account = view.account
    triage = triage_account(
        AccountView(
            account=account,
            contacts=list(view.contacts),
            deals=list(view.deals),
            tasks=list(view.tasks),
            notes=list(view.notes),
        ),
        TriageContext(today=today, thresholds=thresholds),
    )
    recent_notes = _note_lines(view)
    warnings = _flag_injection(view, recent_notes)
    brief = Brief(
        account=_account_state(view, triage),
        today=today,
        generated_at=now,
        contacts=_contact_lines(view),
        open_deals=_deal_lines(view),
        open_tasks=_task_lines(view, today),
        recent_notes=recent_notes,
        history=list(history or []),
        history_status=history_status,
        risks=[_risk_line(view, triage, s, decisions, now) for s in _by_severity(triage.signals)],
        warnings=warnings,
        decided=decided_lines(decisions, today=today),
        pending=pending_lines(pending),
    )
    brief.talking_points = talking_points(brief)
    brief.citations = collect_citations(brief, view)
    return brief


def _account_state(view: Account360, triage: AccountTriage) -> AccountState:
    account = view.account
    return AccountState(
        account_id=account.id,
        name=account.name,
        owner=(account.owner.name or account.owner.email) if account.owner else None,
        industry=account.industry,
        account_type=account.account_type,
        annual_revenue=account.annual_revenue,
        rating=account.rating,
        website=account.website,
        last_activity=account.last_activity_time,
        health_score=triage.score,
        score_reasons=[f"{item.reason} ({item.points:+d})" for item in triage.score_breakdown],
    )


def _contact_lines(view: Account360) -> list[ContactLine]:
    return [
        ContactLine(
            text=" ".join(p for p in (c.first_name, c.last_name) if p) + (f", {c.title}" if c.title else ""),
            record_id=c.id,
            module="Contacts",
            name=" ".join(p for p in (c.first_name, c.last_name) if p),
            title=c.title,
            email=c.email,
            email_opt_out=c.email_opt_out,
        )
        for c in view.contacts[:MAX_CONTACTS]
    ]


def _deal_lines(view: Account360) -> list[DealLine]:
    deals = sorted(view.open_deals, key=lambda d: (d.closing_date or date.max, d.id))
    return [
        DealLine(
            text=f"{d.name}: {d.stage}"
            + (f", ${d.amount:,.0f}" if d.amount else "")
            + (f", closes {d.closing_date.isoformat()}" if d.closing_date else ""),
            record_id=d.id,
            module="Deals",
            at=d.closing_date,
            name=d.name,
            stage=d.stage,
            amount=d.amount,
            closing_date=d.closing_date,
            next_step=d.next_step,
        )
        for d in deals
    ]


def _task_lines(view: Account360, today: date) -> list[TaskLine]:
    tasks = sorted(view.open_tasks, key=lambda t: (t.due_date or date.max, t.id))
    open_tasks = []
    for t in tasks:
        late = (today - t.due_date).days if t.due_date else 0
        open_tasks.append(
            TaskLine(
                text=t.subject
                + (
                    f" (due {t.due_date.isoformat()}" + (f", {late} days overdue)" if late > 0 else ")")
                    if t.due_date
                    else ""
                ),
                record_id=t.id,
                module="Tasks",
                at=t.due_date,
                subject=t.subject,
                due_date=t.due_date,
                status=t.status,
                overdue=late > 0,
                days_overdue=max(late, 0),
            )
        )
    return open_tasks


def _note_lines(view: Account360) -> list[Cited]:
    notes = sorted(view.notes, key=lambda n: _sort_key(n.created_time or n.modified_time), reverse=True)
    return [
        Cited(
            text=_one_line((f"{n.title}: " if n.title else "") + n.content),
            record_id=n.id,
            module="Notes",
            at=n.created_time or n.modified_time,
        )
        for n in notes[:MAX_NOTES]
    ]


def _by_severity(signals: Sequence[Signal]) -> list[Signal]:
    return sorted(signals, key=lambda s: ("high", "medium", "low").index(s.severity))


def _risk_line(
    view: Account360, triage: AccountTriage, s: Signal, decisions: Sequence[Recommendation], now: datetime
) -> RiskLine:
    """One open risk, pointing at its record, with what was decided about it before."""
    account = view.account
    record_id: str = s.subject_id or account.id
    module: str | None = s.subject_module or "Accounts"
    if record_id == account.id and s.evidence and s.evidence[0] != account.id:  # point at the record itself
        record_id, module = s.evidence[0], s.evidence_modules.get(s.evidence[0]) or modules_of(view, s.evidence[0])
    risk = RiskLine(
        text=s.summary,
        kind=s.kind,
        severity=s.severity,
        record_id=record_id,
        module=module,
        evidence=list(s.evidence),
        subject=s.subject_name,
        quote=s.quote,
    )
    screening = screen_signal(triage, s, decisions, view, now=now) if decisions else None
    if screening is not None and screening.prior is not None:
        risk.decision = decision_note(screening)
        if screening.queue:
            risk.decided = "again"
        else:
            risk.decided = "rejected" if screening.prior.status == "rejected" else "done"
    return risk


def _flag_injection(view: Account360, recent_notes: list[Cited]) -> list[str]:
    """Warnings for the notes holding instruction-like text; their lines in ``recent_notes`` say so."""
    suspicious = _looks_like_injection()
    flagged = {n.id for n in view.notes if suspicious(n.content or "")}
    for line in recent_notes:
        if line.record_id in flagged:
            line.text = "[instruction-like text, shown as data] " + line.text
    return [
        f"Note {rid} holds instruction-like text (possible prompt injection): it is shown as data only."
        for rid in sorted(flagged)
    ]


def modules_of(view: Account360, record_id: str) -> str | None:
    for record in (view.account, *view.contacts, *view.deals, *view.tasks, *view.notes):
        if record.id == record_id:
            return record.module
    return None


def collect_citations(brief: Brief, view: Account360) -> list[Citation]:
    """Every record the brief cites, once, in order of first use (memory facts marked as such)."""
    modules = {r.id: r.module for r in (view.account, *view.contacts, *view.deals, *view.tasks, *view.notes)}
    seen: dict[tuple[str, str], Citation] = {}

    def add(record_id: str | None, module: str | None, source: Literal["zoho", "memory"] = "zoho") -> None:
        if record_id and (source, record_id) not in seen:
            seen[(source, record_id)] = Citation(
                source=source, record_id=record_id, module=module or modules.get(record_id)
            )

    add(brief.account.account_id, "Accounts")
    for line in [*brief.contacts, *brief.open_deals, *brief.open_tasks, *brief.recent_notes]:
        add(line.record_id, line.module)
    for risk in brief.risks:
        add(risk.record_id, risk.module)
        for rid in risk.evidence:
            add(rid, None)
    for fact in brief.history:
        add(fact.record_id, fact.module, fact.source)
    return list(seen.values())


async def build_brief(
    gateway: ZohoGateway,
    memory: Any,
    account_ref: str,
    *,
    today: date | None = None,
    decisions: DecisionSource | None = None,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    product_names: ProductNamesSource | None = None,
) -> Brief:
    """The meeting brief for ``account_ref`` (a Zoho id or a name). ``memory`` is an ``AccountMemory``
    (read-only), anything with ``async timeline(account_id)``, or None; ``decisions`` the state store (its
    past decisions on the account are listed and respected); ``thresholds`` those of the review (``thresholds_for``);
    ``product_names`` joins the org's active products to their product names, as the review does (a failed read is
    a warning of the brief). Raises ``AccountNotFound`` / ``AmbiguousAccount`` (briefs.resolve) and the gateway's
    ``ZohoError``s."""
    view = None
    if looks_like_id(account_ref):  # one call instead of resolve + fetch
        with contextlib.suppress(ZohoNotFoundError, ZohoValidationError):  # 400 INVALID_DATA: an id never issued
            view = await gateway.get_account_360(account_ref.strip())
    if view is None:
        account = await resolve_account(gateway, account_ref)
        view = await gateway.get_account_360(account.id)
    history, status = await memory_history(memory, view.account.id)
    decided = decisions.recent_decisions(account_id=view.account.id) if decisions is not None else []
    pending = (
        decisions.list_recommendations(status="pending", account_id=view.account.id) if decisions is not None else []
    )
    names = await product_names.get() if product_names is not None else None
    brief = brief_from_view(
        view,
        today=today or datetime.now(UTC).date(),
        history=history,
        history_status=status,
        decisions=decided,
        pending=pending,
        thresholds=names.applied_to(thresholds) if names is not None else thresholds,
    )
    if names is not None and names.problem:
        brief.warnings.append(names.problem)
    return brief
