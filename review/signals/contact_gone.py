"""contact_gone: a contact of the account has left — marked so on the contact record (a title such as
"Former CFO", a description saying they left), or said to have left in a recent note of the account, its
deals or the contact. A note counts for the contact it is *about* (``review.language``): "Heard from Grace
that Aisha left" is about Aisha, never Grace; a successor who "takes over" has not left.
Evidence: the contact and the notes saying so; the signal quotes the sentence and names a successor when a
note names one among the contacts."""

from __future__ import annotations

import re

from integrations.zoho.models import Contact, Note
from review.activity import days_since, record_activity
from review.index import AccountView
from review.language import Finding, read_text
from review.models import Signal
from review.signals.context import TriageContext, quote
from review.signals.language import NoteReader, person

QUOTE_LIMIT = 240
_FORMER_TITLE = re.compile(r"^\s*(?:former|ex-|ex\s|previous|past)\b|\((?:left|former|gone)\b", re.IGNORECASE)
# A contact's own fields are read only if they have a word of leaving (most titles and descriptions do not).
_LEAVING_WORDS = re.compile(
    r"left|leav|former|ex-|longer|depart|resign|retir|quit|gone|last day|moved|laid off|let go|notice|joined|bounc",
    re.IGNORECASE,
)


def _marked(contact: Contact) -> str | None:
    """The contact record's own words saying the contact left, if any."""
    if contact.title and _FORMER_TITLE.search(contact.title):
        return contact.title
    for text in (contact.title, contact.description):
        if text and _LEAVING_WORDS.search(text):
            found = [f for f in read_text(text, (person(contact),), implicit=0) if f.kind == "contact_gone"]
            if found:
                return found[0].sentence
    return None


def _departures(view: AccountView, ctx: TriageContext) -> dict[int, list[tuple[Note, Finding]]]:
    """Contact index → the recent notes saying that contact left (newest first), with the finding."""
    reader = NoteReader.of(view, ctx.thresholds.product_names)
    by_contact: dict[int, list[tuple[Note, Finding]]] = {}
    for note in view.notes:
        age = days_since(record_activity(note), ctx.today)
        if age is not None and age > ctx.thresholds.contact_note_window_days:
            continue
        for finding in reader.read(note):
            if finding.kind == "contact_gone" and finding.subject is not None:
                by_contact.setdefault(finding.subject, []).append((note, finding))
    for notes in by_contact.values():
        notes.sort(key=lambda pair: (pair[0].created_time is not None, pair[0].created_time), reverse=True)
    return by_contact


def _successor(view: AccountView, notes: list[tuple[Note, Finding]]) -> Contact | None:
    for _, finding in notes:
        if finding.successor is not None and finding.successor < len(view.contacts):
            return view.contacts[finding.successor]
    return None


def _signal(view: AccountView, contact: Contact, marked: str | None, notes: list[tuple[Note, Finding]]) -> Signal:
    how = []
    if notes:
        note, finding = notes[0]
        when = note.created_time.date().isoformat() if note.created_time else "recent"
        title = f"'{note.title}' " if note.title else ""
        how.append(f"note {title}of {when} says \u201c{quote(finding.sentence, QUOTE_LIMIT)}\u201d")
    if marked:
        how.append(f"the contact record says \u201c{quote(marked, 100)}\u201d")
    if contact.email_opt_out:
        how.append("opted out of email")
    successor = _successor(view, notes)
    if successor is not None:
        how.append(f"{successor.full_name} is named as taking over")
    deal_contact = any(d.contact_id == contact.id and d.is_open for d in view.deals)
    role = f" ({contact.title})" if contact.title else ""
    return Signal(
        kind="contact_gone",
        severity="high" if deal_contact else "medium",
        summary=f"{contact.full_name}{role} has left {view.account.name}: " + "; ".join(how),
        evidence=[contact.id] + [n.id for n, _ in notes],
        evidence_modules={contact.id: "Contacts"} | {n.id: "Notes" for n, _ in notes},
        subject_id=contact.id,
        subject_module="Contacts",
        facts={
            "contact_name": contact.full_name,
            "email_opt_out": contact.email_opt_out,
            "successor_name": successor.full_name if successor else None,
            "successor_id": successor.id if successor else None,
        },
        subject_name=contact.full_name,
        what=notes[0][1].what if notes else "marked as gone",
        quote=quote(notes[0][1].sentence, QUOTE_LIMIT) if notes else marked,
        quote_record_id=notes[0][0].id if notes else contact.id,
    )


def detect(view: AccountView, ctx: TriageContext) -> list[Signal]:
    if not view.contacts:
        return []
    departures = _departures(view, ctx)
    signals: list[Signal] = []
    for index, contact in enumerate(view.contacts):
        marked = _marked(contact)
        notes = departures.get(index, [])
        if marked or notes:
            signals.append(_signal(view, contact, marked, notes))
    return signals
