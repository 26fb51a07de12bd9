"""Whether a proposal may be queued, given what a person already decided about the same situation.

``screen(proposal, history, records, ...)`` looks at the latest decision on the proposal's situation
(``StateStore.situation_history``) and at the account's records as just read from Zoho:

* nothing decided before → ``new``;
* **rejected** before → ``held`` unless the evidence changed since: a record the proposal cites now that
  the rejected one did not, or a cited record modified since (Zoho's own ``Modified_Time`` against the
  version recorded when the rejected one was queued: ``EvidenceBasis``). Then ``again``, carrying a
  ``PriorDecision`` that says what is new ("New since you rejected this on 12 Dec: note 'X' of 14 Dec");
* **executed** before → ``held`` while its result stands (the task exists and is open, the note is there,
  the field still holds the value). When it no longer does (the task was completed or deleted, the field
  changed), what was done is not done twice on the same evidence: still ``held`` unless the evidence
  changed since (as for a rejection) or the action is older than ``window``; then ``again``, saying both.
  When the result cannot be seen in the records read (a task on a deal in a 360 view that lists only the
  account's open tasks, an attachment), it counts as standing for ``window`` after it was executed.

Pure: the caller reads the records (the review's synced copy, or ``get_account_360``) and the history.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Any, Literal

from pydantic import BaseModel

from domain.proposals import ProposedAction, UpdateFieldsProposal
from domain.recommendations import EvidenceBasis, PriorDecision, Recommendation
from domain.situation import subject_of
from integrations.zoho.models import Account, Contact, CrmRecord, Deal, Note, Task

Verdict = Literal["new", "again", "held"]
_QUOTE = 60


class Screening(BaseModel):
    """The verdict on one proposal: queue it (``new``/``again``, with the prior decision) or hold it."""

    verdict: Verdict
    proposal: ProposedAction
    basis: EvidenceBasis
    prior: PriorDecision | None = None  # again: the decision it follows; held: the decision that holds it
    reason: str | None = None  # held: one line saying why (for the review report and the model)

    @property
    def queue(self) -> bool:
        return self.verdict != "held"


class ResultCheck(BaseModel):
    stands: bool
    detail: str  # "Task 'X' created on 2 Dec is still open" / "was completed"


def day(moment: datetime | date | None, *, today: date | None = None) -> str:
    """``14 Dec`` (with the year when it is not the current one)."""
    if moment is None:
        return "an unknown date"
    the_day = moment.date() if isinstance(moment, datetime) else moment
    year = f" {the_day.year}" if today is None or the_day.year != today.year else ""
    return f"{the_day.day} {the_day:%b}{year}"


def _quote(text: str | None) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= _QUOTE else text[: _QUOTE - 1].rstrip() + "…"


def describe(record: CrmRecord, *, today: date | None = None) -> str:
    """A record as a person would name it: "note 'Omar has left' of 14 Dec", "contact 'Omar Navarro'"."""
    when = day(record.modified_time or record.created_time, today=today)
    if isinstance(record, Note):
        written = day(record.created_time or record.modified_time, today=today)
        return f"note '{_quote(record.title or record.content)}' of {written}"
    if isinstance(record, Task):
        return f"task '{_quote(record.subject)}' ({(record.status or 'open').lower()}, changed {when})"
    if isinstance(record, Contact):
        return f"contact '{_quote(record.full_name)}' (changed {when})"
    if isinstance(record, Deal):
        return f"deal '{_quote(record.name)}' at {record.stage} (changed {when})"
    if isinstance(record, Account):
        return f"account '{_quote(record.name)}' (changed {when})"
    return f"{record.module} record {record.id} (changed {when})"


def basis_of(proposal: ProposedAction, records: Iterable[CrmRecord]) -> EvidenceBasis:
    """The versions of the records ``proposal`` rests on (its citations and its subject), as read now."""
    by_id = {r.id: r for r in records}
    ids = [c.record_id for c in proposal.evidence if c.source == "zoho"] + [subject_of(proposal)]
    versions = {rid: by_id[rid].modified_time if rid in by_id else None for rid in dict.fromkeys(ids)}
    newest = max((r.modified_time for r in by_id.values() if r.modified_time is not None), default=None)
    return EvidenceBasis(versions=versions, as_of=newest)


def what_is_new(
    proposal: ProposedAction, before: EvidenceBasis, records: Iterable[CrmRecord], *, today: date | None = None
) -> list[str]:
    """Records the proposal rests on now that were not there, or were modified, since ``before``. A record
    cited now but not then counts only when it was written after ``before.as_of`` (an agent citing an old
    note it had not cited before brings nothing new)."""
    by_id = {r.id: r for r in records}
    now = basis_of(proposal, by_id.values())
    found = []
    for rid, version in now.versions.items():
        record = by_id.get(rid)
        if record is None:
            continue
        if rid not in before.versions:  # newly cited: new if it did not exist (or was older) back then
            written = record.modified_time or record.created_time
            if before.as_of is None or written is None or written > before.as_of:
                found.append(describe(record, today=today))
            continue
        then = before.versions[rid]
        changed = version is not None and then is not None and version > then
        if changed and not isinstance(record, Account):  # an account's Modified_Time moves with any edit
            found.append(describe(record, today=today))
    return found


def _same_value(current: Any, wanted: Any) -> bool:
    if isinstance(current, dict):
        current = current.get("id") if isinstance(wanted, str) and wanted.isdigit() else current.get("name")
    if isinstance(current, (int, float)) and not isinstance(current, bool):
        try:
            return float(current) == float(wanted)
        except (TypeError, ValueError):
            return False
    if isinstance(current, str) and isinstance(wanted, str):
        return current.strip().casefold() == wanted.strip().casefold()
    return bool(current == wanted)


def result_check(
    rec: Recommendation,
    records: Iterable[CrmRecord],
    *,
    complete: bool,
    now: datetime,
    window: timedelta,
) -> ResultCheck:
    """Whether what ``rec`` wrote still stands in ``records`` (``complete``: every record of the account,
    so a missing one is gone; else only some of them, so a missing one is unknown)."""
    by_id = {r.id: r for r in records}
    proposal, done = rec.proposal, day(rec.executed_at, today=now.date())
    if isinstance(proposal, UpdateFieldsProposal):
        target = by_id.get(proposal.target_id)
        if target is not None:
            changed = [k for k, v in proposal.fields.items() if not _same_value(target.raw.get(k), v)]
            if not changed:
                return ResultCheck(stands=True, detail=f"set on {done} and still holds the value")
            return ResultCheck(stands=False, detail=f"set on {done}, but {', '.join(changed)} changed since")
    elif proposal.creates_record and rec.result_record_id:  # a record the account's records show
        record = by_id.get(rec.result_record_id)
        what = f"{proposal.creates_record} {rec.result_record_id} created on {done}"
        if isinstance(record, Task):
            if record.is_open:
                return ResultCheck(stands=True, detail=f"{what} is still open")
            return ResultCheck(stands=False, detail=f"{what} is {(record.status or 'closed').lower()}")
        if record is not None:
            return ResultCheck(stands=True, detail=f"{what} is still there")
        if complete:
            return ResultCheck(stands=False, detail=f"{what} is no longer in Zoho")
    recent = rec.executed_at is not None and rec.executed_at >= now - window
    if recent:
        return ResultCheck(stands=True, detail=f"done on {done} (less than {window.days} days ago)")
    return ResultCheck(stands=False, detail=f"done on {done}, more than {window.days} days ago")


def _prior(rec: Recommendation, *, new: list[str], message: str) -> PriorDecision:
    return PriorDecision(
        recommendation_id=rec.id,
        status="executed" if rec.status == "executed" else "rejected",
        decided_at=rec.decided_at,
        decided_by=rec.decided_by,
        reason=rec.decision_reason,
        executed_at=rec.executed_at,
        result_record_id=rec.result_record_id,
        result_module=rec.result_module,
        what_is_new=new,
        message=message,
    )


def legacy_basis(rec: Recommendation) -> EvidenceBasis:
    """For a row queued before bases were recorded: what it cited, versions unknown."""
    ids = [c.record_id for c in rec.proposal.evidence if c.source == "zoho"] + [subject_of(rec.proposal)]
    return EvidenceBasis(versions=dict.fromkeys(ids))


def _after_rejection(
    proposal: ProposedAction, basis: EvidenceBasis, rec: Recommendation, records: Sequence[CrmRecord], today: date
) -> Screening:
    new = what_is_new(proposal, rec.basis or legacy_basis(rec), records, today=today)
    when = day(rec.decided_at, today=today)
    why = f" (your reason: {_quote(rec.decision_reason)})" if rec.decision_reason else ""
    if not new:
        reason = f"rejected on {when}{why}; nothing new since"
        return Screening(
            verdict="held",
            proposal=proposal,
            basis=basis,
            prior=_prior(rec, new=[], message=f"You rejected this on {when}{why}; nothing new since."),
            reason=reason,
        )
    message = f"New since you rejected this on {when}{why}: {'; '.join(new)}."
    return Screening(verdict="again", proposal=proposal, basis=basis, prior=_prior(rec, new=new, message=message))


def screen(
    proposal: ProposedAction,
    history: Sequence[Recommendation],
    records: Sequence[CrmRecord],
    *,
    complete: bool,
    now: datetime,
    window: timedelta,
) -> Screening:
    """The verdict on ``proposal`` (see the module doc). ``history``: the same situation's decided
    recommendations, latest first (``StateStore.situation_history``); ``records``: the account's records
    as read from Zoho now (``complete`` when they are all of them)."""
    basis = basis_of(proposal, records)
    decided = [r for r in history if r.status in ("rejected", "executed")]
    if not decided:
        return Screening(verdict="new", proposal=proposal, basis=basis)
    latest = decided[0]
    if latest.status == "rejected":
        return _after_rejection(proposal, basis, latest, records, now.date())
    check = result_check(latest, records, complete=complete, now=now, window=window)
    if check.stands:
        message = f"Already done: {check.detail}."
        prior = _prior(latest, new=[], message=message)
        return Screening(
            verdict="held", proposal=proposal, basis=basis, prior=prior, reason=f"already done: {check.detail}"
        )
    return _after_execution(proposal, basis, latest, check, records, now=now, window=window)


def _after_execution(
    proposal: ProposedAction,
    basis: EvidenceBasis,
    rec: Recommendation,
    check: ResultCheck,
    records: Sequence[CrmRecord],
    *,
    now: datetime,
    window: timedelta,
) -> Screening:
    """Done, and its result no longer stands (the task completed or deleted, the field changed): the action is
    not done twice on the same evidence. It comes back with new evidence since it was proposed, or once it
    is older than ``window`` (the situation outlived the action)."""
    new = what_is_new(proposal, rec.basis or legacy_basis(rec), records, today=now.date())
    long_ago = rec.executed_at is not None and rec.executed_at < now - window
    if not new and not long_ago:
        reason = f"already done: {check.detail}; nothing new since"
        prior = _prior(rec, new=[], message=f"Already done: {check.detail}; nothing new since.")
        return Screening(verdict="held", proposal=proposal, basis=basis, prior=prior, reason=reason)
    since = f"; new since: {'; '.join(new)}" if new else f"; done more than {window.days} days ago"
    message = f"Done before, but it no longer holds: {check.detail}{since}."
    prior = _prior(rec, new=[check.detail, *new], message=message)
    return Screening(verdict="again", proposal=proposal, basis=basis, prior=prior)


__all__ = ["ResultCheck", "Screening", "basis_of", "day", "describe", "result_check", "screen", "what_is_new"]
