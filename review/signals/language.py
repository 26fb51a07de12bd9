"""Shared by the language signals: the account's contacts as the reader sees them, and what the recent
notes say (``review.language.read_text``), note by note."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from integrations.zoho.models import Contact, Note
from review.activity import days_since, record_activity
from review.index import AccountView
from review.language import Finding, FindingKind, Person, read_text

log = logging.getLogger(__name__)
_MISSING: list[str] = []  # the reason the second reader is unavailable, once known


def person(contact: Contact) -> Person:
    return Person(contact.full_name, contact.first_name, contact.last_name, contact.title)


def people_of(view: AccountView) -> tuple[Person, ...]:
    return tuple(person(c) for c in view.contacts)


def deal_names(view: AccountView) -> tuple[str, ...]:
    """The account's deal names long enough to be read as "the deal" in its notes."""
    return tuple(d.name for d in view.deals if d.name and len(d.name) >= 4)


TITLE_ONLY_BELOW = 20  # characters of body under which the title is read instead


class NoteReader:
    """Reads the notes of one account (``review.language.read_text``) with what it knows about the account:
    its contacts, its name, its deal names (read as "the deal"), which contact a note hangs on, and the vendor's
    product names (read as add-ons: ``SERGAS_PRODUCT_NAMES``)."""

    _last: tuple[AccountView, NoteReader] | None = None  # the detectors of one account share one reader

    def __init__(self, view: AccountView, products: tuple[str, ...] = ()) -> None:
        self.people = people_of(view)
        self.account_name = view.account.name
        self.deals = deal_names(view)
        self.products = products
        self.contact_index = {c.id: i for i, c in enumerate(view.contacts)}
        self._read_notes: dict[tuple[str, bool], tuple[Finding, ...]] = {}
        self._ruled: dict[str, tuple[str, tuple[Finding, ...]]] = {}  # note → the text read, the rules' findings
        self._recent: tuple[tuple[int, date], list[Note]] | None = None

    @classmethod
    def of(cls, view: AccountView, products: tuple[str, ...] = ()) -> NoteReader:
        """The reader of ``view``: the same one for every detector of the account (they run one after
        another), so each note is read once per triage."""
        last = cls._last
        if last is not None and last[0] is view and last[1].products == products:
            return last[1]
        reader = cls(view, products)
        cls._last = (view, reader)
        return reader

    def read(self, note: Note, *, second_reader: bool = False, scores: Path | None = None) -> tuple[Finding, ...]:
        """What ``note`` says: its body; its title only when the body is (nearly) empty, so a quote is a
        sentence of the note rather than its title ("Escalation" over a body that says it is resolved). A note
        on a contact makes that contact the implicit subject ("Left in May."). ``second_reader``: churn and
        expansion findings checked and completed by the fine-tuned model (``review.language.fine_tuned``), its scores
        kept in ``scores`` between runs."""
        key = (note.id, second_reader)
        found = self._read_notes.get(key)
        if found is None:
            ruled = self._ruled.get(note.id)
            if ruled is None:  # the departures detector reads with the rules alone, churn and upsell with both
                ruled = self._ruled[note.id] = self._read_rules(note)
            text, found = ruled
            if second_reader:
                found = _second_opinion(text, found, self.people, self.deals, self.products, scores)
            self._read_notes[key] = found
        return found

    def recent(self, view: AccountView, *, window_days: int, today: date) -> list[Note]:
        """``view``'s notes of the last ``window_days`` (worked out once for the three detectors that read them)."""
        key = (window_days, today)
        if self._recent is None or self._recent[0] != key:
            self._recent = (key, [n for n in view.notes if _recent(n, window_days=window_days, today=today)])
        return self._recent[1]

    def _read_rules(self, note: Note) -> tuple[str, tuple[Finding, ...]]:
        """The text read (body, or a title over a nearly empty body) and the rules' findings in it."""
        content = note.content or ""
        found = self._read(content, note)
        if not found and note.title and len(content.strip()) < TITLE_ONLY_BELOW:
            return note.title, self._read(note.title, note)
        return content, found

    def _read(self, text: str, note: Note) -> tuple[Finding, ...]:
        implicit = self.contact_index.get(note.parent_id or "")
        when = note.created_time or note.modified_time
        return read_text(
            text,
            self.people,
            account_name=self.account_name,
            implicit=implicit,
            record_names=self.deals,
            products=self.products,
            year=when.year if when else None,
        )


def _recent(note: Note, *, window_days: int, today: date) -> bool:
    """Written in the last ``window_days`` (a day ahead of ``today`` allowed: time zones)."""
    age = days_since(record_activity(note), today)
    return age is not None and -1 <= age <= window_days


def findings_in_notes(
    view: AccountView,
    kind: FindingKind,
    *,
    window_days: int,
    today: date,
    second_reader: bool = False,
    scores: Path | None = None,
    products: tuple[str, ...] = (),
) -> list[tuple[Note, list[Finding]]]:
    """Notes of the last ``window_days`` (newest first) with findings of ``kind``."""
    reader = NoteReader.of(view, products)
    found = []
    for note in reader.recent(view, window_days=window_days, today=today):
        hits = [f for f in reader.read(note, second_reader=second_reader, scores=scores) if f.kind == kind]
        if hits:
            found.append((note, hits))
    found.sort(key=lambda pair: (pair[0].created_time is not None, pair[0].created_time), reverse=True)
    return found


def warm_second_reader(
    views: Iterable[AccountView],
    *,
    window_days: int,
    today: date,
    scores: Path | None = None,
    products: tuple[str, ...] = (),
) -> None:
    """Before triage reads the notes one by one: the second reader scores, in one batch, every recent note sentence
    it may add a finding from (batched, a sentence costs a fraction of what it costs alone), taking those it read
    on an earlier run from ``scores``."""
    if _MISSING:
        return
    from memory.embedding.minilm import ModelNotInstalledError
    from review.language.fine_tuned import may_add, prefetch, shared_reader

    notes = []
    for view in views:
        deals = deal_names(view)
        people: tuple[Person, ...] | None = None
        for note in view.notes:
            text = note.content
            if text and _recent(note, window_days=window_days, today=today) and may_add(text, deals, products):
                people = people if people is not None else people_of(view)
                notes.append((text, people, deals, products))
    try:
        prefetch(notes, shared_reader(scores))
    except (ModelNotInstalledError, OSError) as exc:
        _turn_off(exc)


def _second_opinion(
    text: str,
    found: tuple[Finding, ...],
    people: tuple[Person, ...],
    deals: tuple[str, ...],
    products: tuple[str, ...],
    scores: Path | None,
) -> tuple[Finding, ...]:
    """The fine-tuned reader's vetoes and additions; the rules' findings alone when its weights are missing."""
    if _MISSING:
        return found
    from memory.embedding.minilm import ModelNotInstalledError
    from review.language.fine_tuned import may_add, second_opinion, shared_reader

    if not found and not may_add(text, deals, products):  # most notes: nothing the model could veto or add
        return found
    try:
        return second_opinion(text, found, people, record_names=deals, products=products, reader=shared_reader(scores))
    except (ModelNotInstalledError, OSError) as exc:
        _turn_off(exc)
        return found


def _turn_off(exc: Exception) -> None:
    _MISSING.append(str(exc))
    log.warning("The second reader is off, the rules read the notes alone: %s", exc)
