"""contact_gone: a contact of the account has left — marked so in its title or description, or named as
gone in a note (on the contact, or on the account or a deal naming them). Evidence: the contact and the
notes saying so."""

from __future__ import annotations

import functools
import re

from integrations.zoho.models import Contact, Note
from review.activity import days_since, record_activity
from review.index import AccountView
from review.lexicon import LEFT, find
from review.models import Signal
from review.signals.context import TriageContext, quote
from review.signals.language import note_text


@functools.lru_cache(maxsize=4096)
def _name_pattern(names: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(re.escape(n) for n in names) + r")\b", re.IGNORECASE)


def _names(contact: Contact) -> re.Pattern[str] | None:
    names = tuple(n for n in (contact.full_name, contact.last_name) if n and len(n) >= 3)
    return _name_pattern(names) if names else None


def _departure_notes(view: AccountView, ctx: TriageContext) -> list[tuple[Note, list[str]]]:
    """Recent notes of the account that say someone left, with the clauses saying so."""
    found = []
    for note in view.notes:
        age = days_since(record_activity(note), ctx.today)
        if age is not None and age > ctx.thresholds.contact_note_window_days:
            continue
        hits = find(note_text(note), LEFT)
        if hits:
            found.append((note, [h.clause for h in hits]))
    return found


def _notes_about(contact: Contact, notes: list[tuple[Note, list[str]]]) -> list[tuple[Note, str]]:
    named = _names(contact)
    found = []
    for note, clauses in notes:
        if note.parent_id != contact.id:
            if named is None or not named.search(note_text(note)):
                continue
            clauses = [c for c in clauses if named.search(c) or _pronoun_only(c)]
        if clauses:
            found.append((note, clauses[0]))
    return found


def _pronoun_only(clause: str) -> bool:
    return bool(re.match(r"^\s*(?:she|he|they)\b", clause, re.IGNORECASE))


def detect(view: AccountView, ctx: TriageContext) -> list[Signal]:
    signals: list[Signal] = []
    if not view.contacts:
        return signals
    departures = _departure_notes(view, ctx)
    for contact in view.contacts:
        marked = [h for field in (contact.title, contact.description) for h in find(field, LEFT)]
        notes = _notes_about(contact, departures) if departures else []
        if not marked and not notes:
            continue
        how = []
        if marked:
            how.append(f"marked as gone (\u201c{quote(marked[0].clause, 80)}\u201d)")
        if contact.email_opt_out:
            how.append("opted out of email")
        if notes:
            how.append(f"a note says \u201c{quote(notes[0][1], 100)}\u201d")
        evidence = [contact.id] + [n.id for n, _ in notes]
        modules = {contact.id: "Contacts"} | {n.id: "Notes" for n, _ in notes}
        deal_contact = any(d.contact_id == contact.id and d.is_open for d in view.deals)
        signals.append(
            Signal(
                kind="contact_gone",
                severity="high" if deal_contact else "medium",
                summary=f"Contact {contact.full_name}{f' ({contact.title})' if contact.title else ''} has left: "
                + "; ".join(how),
                evidence=evidence,
                evidence_modules=modules,
                subject_id=contact.id,
                subject_module="Contacts",
                facts={"contact_name": contact.full_name, "email_opt_out": contact.email_opt_out},
            )
        )
    return signals
