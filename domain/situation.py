"""What a proposal is ABOUT, so that a decision sticks to the action rather than to one queued row.

A situation is "the same account, the same kind of action, the same target and the same substance":

* **from a finding** (the proposal carries ``signal_kind``): the account, the kind, the finding's kind and
  the record it is about (``subject_id``: the contact who left, the stalled deal; else the target). An
  agent that rephrases a task subject is still talking about the same situation; rules are deterministic,
  agents are not, and the finding is what both have in common.
* **a field update**: the account, the target record and the fields with their new values (another value
  is another action).
* **a file**: the target record and the file's sha256.
* **a free task or note** (no finding): the account, the target record (and the task's contact) and its
  words: two subjects are the same situation when at least two words, and most of the shorter one's words,
  are in the other (``similar_words``), so "Follow up with Emma Walsh" and "Call Emma Walsh to follow up" are one.

``situation_key`` is the exact part (a hash, indexed in the state store); ``same_situation`` adds the words
comparison for free tasks and notes. Pure functions: no I/O.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from domain.proposal_base import ProposalBase

SIMILAR_WORDS = 0.7  # share of the shorter text's words found in the other one
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_DATE = re.compile(
    r"\b\d{4}-\d{1,2}-\d{1,2}\b|\b\d{1,2}[./]\d{1,2}(?:[./]\d{2,4})?\b"
    r"|\b\d{1,2}(?:st|nd|rd|th)?\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b"
    r"|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\s+\d{1,2}(?:st|nd|rd|th)?\b"
    r"|\b(?:today|tomorrow|monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b",
    re.IGNORECASE,
)
_STOP_WORDS = (
    "a an and the to of for on in at with by about from up re via per or our your their his her its is are be "
    "this that these those it we you they them me my new next please asap"
)
_STOP = frozenset(_STOP_WORDS.split())
_LINKED_MODULES = ("Contacts", "Deals")


def subject_of(proposal: ProposalBase) -> str:
    """The record a finding-based proposal is about: ``subject_id``; for proposals queued before it existed,
    the first cited contact or deal when the action hangs on the account itself; else the target."""
    if proposal.subject_id:
        return proposal.subject_id
    if proposal.target_id == proposal.account_id:
        for cite in proposal.evidence:
            if cite.source == "zoho" and cite.module in _LINKED_MODULES:
                return cite.record_id
    return proposal.target_id


def anchored(proposal: ProposalBase) -> bool:
    """True when the key alone decides (a finding, a field update or a file); False for free tasks/notes."""
    return bool(proposal.signal_kind) or proposal.substance_text() is None


def _anchor(proposal: ProposalBase) -> list[Any]:
    if proposal.signal_kind:
        return ["finding", proposal.signal_kind, subject_of(proposal), *proposal.finding_detail()]
    return proposal.situation_anchor()


def situation_key(proposal: ProposalBase) -> str:
    """The exact part of a proposal's situation (see the module doc), as a 32-character hash."""
    raw = json.dumps([proposal.account_id, proposal.kind_name(), *_anchor(proposal)], default=str)
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def words(text: str) -> frozenset[str]:
    """The meaningful words of a subject: casefolded, no stop words, no dates, crude plural."""
    out = set()
    for word in _WORD.findall(_DATE.sub(" ", text).casefold()):
        if word in _STOP or (len(word) < 2 and not word.isdigit()):
            continue
        out.add(word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word)
    return frozenset(out)


def substance(proposal: ProposalBase) -> frozenset[str]:
    text = proposal.substance_text()
    return words(text) if text else frozenset()


def similar_words(a: frozenset[str], b: frozenset[str]) -> bool:
    """Equal word sets, or at least two shared words making up most of the shorter text."""
    if a == b:
        return True
    shared = len(a & b)
    return shared >= 2 and shared / min(len(a), len(b)) >= SIMILAR_WORDS


def same_situation(a: ProposalBase, b: ProposalBase) -> bool:
    """Whether two proposals are about the same situation (the key, and for free tasks/notes the words)."""
    if situation_key(a) != situation_key(b):
        return False
    return anchored(a) or similar_words(substance(a), substance(b))


__all__ = ["anchored", "same_situation", "similar_words", "situation_key", "subject_of", "substance", "words"]
