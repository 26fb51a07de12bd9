"""Build a churn or upsell signal from the notes whose language matches a lexicon."""

from __future__ import annotations

from review.index import AccountView
from review.lexicon import Phrase
from review.models import Severity, Signal
from review.signal_kinds import SignalKind
from review.signals.context import TriageContext, quote
from review.signals.language import notes_saying


def language_signal(
    view: AccountView,
    ctx: TriageContext,
    *,
    kind: SignalKind,
    lexicon: tuple[Phrase, ...],
    what: str,
    severity: Severity,
) -> list[Signal]:
    found = notes_saying(view, lexicon, window_days=ctx.thresholds.language_window_days, today=ctx.today)
    if not found:
        return []
    newest, hits = found[0]
    when = newest.created_time.date().isoformat() if newest.created_time else "recently"
    labels = sorted({h.label for _, note_hits in found for h in note_hits})
    more = f" (and {len(found) - 1} more note{'s' if len(found) > 2 else ''})" if len(found) > 1 else ""
    title = f"'{newest.title}' " if newest.title else ""
    return [
        Signal(
            kind=kind,
            severity=severity,
            summary=f"Note {title}of {when} has {what} ({', '.join(labels)}): "
            f"\u201c{quote(hits[0].clause)}\u201d{more}",
            evidence=[note.id for note, _ in found],
            evidence_modules={note.id: "Notes" for note, _ in found},
            subject_id=view.account.id,
            subject_module="Accounts",
            facts={"phrases": ", ".join(labels), "notes": len(found)},
        )
    ]
