"""An account's activity timeline: one event per dated note, task, deal, contact activity and the account's
own last activity, built from its 360° view."""

from __future__ import annotations

from collections.abc import Iterator

from integrations.zoho.gateway import TimelineEvent
from integrations.zoho.models import Account360


def timeline_events(view: Account360, *, limit: int) -> list[TimelineEvent]:
    """The ``limit`` newest events of ``view``; equal times keep the order notes, tasks, deals, contacts,
    account."""
    events = [*_note_events(view), *_task_events(view), *_deal_events(view), *_contact_events(view)]
    events.extend(_account_events(view))
    events.sort(key=lambda e: e.at, reverse=True)
    return events[:limit]


def _note_events(view: Account360) -> Iterator[TimelineEvent]:
    for note in view.notes:
        if note.created_time:
            summary = (note.title or note.content)[:200]
            yield TimelineEvent(at=note.created_time, kind="note", record_id=note.id, module="Notes", summary=summary)


def _task_events(view: Account360) -> Iterator[TimelineEvent]:
    for task in view.tasks:
        at = task.modified_time or task.created_time
        if at:
            summary = f"{task.subject} ({task.status or 'open'})"
            yield TimelineEvent(at=at, kind="task", record_id=task.id, module="Tasks", summary=summary)


def _deal_events(view: Account360) -> Iterator[TimelineEvent]:
    for deal in view.deals:
        at = deal.modified_time or deal.created_time
        if at:
            summary = f"{deal.name}: {deal.stage}" + (f" {deal.amount:,.0f}" if deal.amount else "")
            yield TimelineEvent(at=at, kind="deal", record_id=deal.id, module="Deals", summary=summary)


def _contact_events(view: Account360) -> Iterator[TimelineEvent]:
    for contact in view.contacts:
        if at := contact.last_activity_time:
            summary = f"activity with {contact.full_name}"
            yield TimelineEvent(at=at, kind="contact", record_id=contact.id, module="Contacts", summary=summary)


def _account_events(view: Account360) -> Iterator[TimelineEvent]:
    account = view.account
    if at := account.last_activity_time:
        yield TimelineEvent(
            at=at, kind="account", record_id=account.id, module="Accounts", summary=f"last activity on {account.name}"
        )
