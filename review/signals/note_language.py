"""Build a churn or upsell signal from the notes that say so (``review.language``): one signal for the
account, quoting the sentence of the newest such note and citing every such note."""

from __future__ import annotations

from review.index import AccountView
from review.language import FindingKind
from review.models import Severity, Signal
from review.signal_kinds import SignalKind
from review.signals.context import TriageContext, quote
from review.signals.language import findings_in_notes

QUOTE_LIMIT = 240


def language_signal(
    view: AccountView,
    ctx: TriageContext,
    *,
    kind: SignalKind,
    finding_kind: FindingKind,
    what: str,
    severity: Severity,
) -> list[Signal]:
    found = findings_in_notes(
        view,
        finding_kind,
        window_days=ctx.thresholds.language_window_days,
        today=ctx.today,
        second_reader=ctx.thresholds.second_reader,
        scores=ctx.thresholds.second_reader_scores,
        products=ctx.thresholds.product_names,
    )
    if not found:
        return []
    newest, hits = found[0]
    when = newest.created_time.date().isoformat() if newest.created_time else "recently"
    labels = sorted({h.what for _, note_hits in found for h in note_hits})
    more = f" (and {len(found) - 1} more note{'s' if len(found) > 2 else ''})" if len(found) > 1 else ""
    title = f"'{newest.title}' " if newest.title else ""
    sentence = quote(hits[0].sentence, QUOTE_LIMIT)
    account = view.account
    return [
        Signal(
            kind=kind,
            severity=severity,
            summary=f"{account.name}: note {title}of {when} has {what} ({', '.join(labels)}): "
            f"\u201c{sentence}\u201d{more}",
            evidence=[note.id for note, _ in found],
            evidence_modules={note.id: "Notes" for note, _ in found},
            subject_id=account.id,
            subject_module="Accounts",
            facts={"phrases": ", ".join(labels), "notes": len(found)},
            subject_name=account.name,
            what=hits[0].what,
            quote=sentence,
            quote_record_id=newest.id,
        )
    ]
