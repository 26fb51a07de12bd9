"""Shared by the language signals: which notes are recent, and what they say in a lexicon's terms."""

from __future__ import annotations

from datetime import date

from integrations.zoho.models import Note
from review.activity import days_since, record_activity
from review.index import AccountView
from review.lexicon import Phrase, PhraseHit, find


def note_text(note: Note) -> str:
    return f"{note.title or ''}. {note.content}" if note.title else note.content


def notes_saying(
    view: AccountView, lexicon: tuple[Phrase, ...], *, window_days: int, today: date
) -> list[tuple[Note, list[PhraseHit]]]:
    """Notes of the last ``window_days`` (newest first) in which ``lexicon`` finds affirmative phrases."""
    found = []
    for note in view.notes:
        age = days_since(record_activity(note), today)
        if age is None or age > window_days or age < -1:
            continue
        hits = find(note_text(note), lexicon)
        if hits:
            found.append((note, hits))
    found.sort(key=lambda pair: (pair[0].created_time is not None, pair[0].created_time), reverse=True)
    return found
