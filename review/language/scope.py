"""Where a word's meaning stops: the clause around a match, and whether it is negated, doubted or in the past.

All functions take a *masked* sentence (``review.language.people.mask``) and character offsets in it.
"""

from __future__ import annotations

import re

from review.lexicon import CLAUSE_BREAK, NEGATOR, PAST, POST_NEGATOR, STILL_NOW, UNCERTAIN, YEAR

_WORD = re.compile(r"@?[\w'-]+")
# Anywhere before the claim: "Rumour is that she is leaving", "Aisha denied she was leaving".
_RUMOUR = re.compile(
    r"\b(?:rumou?rs?|rumou?red|grapevine|gossip|hearsay|unconfirmed)\b|"
    r"\bden(?:y|ies|ied|ying)\s+(?:that\s+|the\s+rumou?rs?\s+that\s+)?(?:@p\d+|she|he|they)\b"
)
PRE_WINDOW_WORDS = 6
_OPENS_WITH_A_JOKE = re.compile(r"\W*(?:lol|haha+|jk|lmao|rofl)\b")


def clause_start(masked: str, start: int) -> int:
    """Offset where the clause holding ``start`` begins."""
    begin = 0
    for match in CLAUSE_BREAK.finditer(masked, 0, start):
        if match.end() <= start:
            begin = match.end()
    return begin


def clause_end(masked: str, end: int) -> int:
    match = CLAUSE_BREAK.search(masked, end)
    return match.start() if match else len(masked)


def near(masked: str, start: int) -> str:
    """The clause holding ``start`` with the one before and the one after it: where a "lol" or "joked" still speaks
    of the match ("Tom joked he'd quit", "she left, lol, just the call"; not "Sharon is leaving end of month,
    retiring after 30 yrs, and he's very sad about it lol")."""
    if _OPENS_WITH_A_JOKE.match(masked):  # "lol julia says they'll churn if…": the whole sentence
        return masked
    begin = clause_start(masked, start)
    begin = clause_start(masked, begin - 1) if begin > 0 else 0
    end = clause_end(masked, start)
    following = CLAUSE_BREAK.search(masked, end + 1) if end < len(masked) else None
    return masked[begin : following.start() if following else len(masked)]


def _last_words(text: str, count: int) -> str:
    return " ".join(_WORD.findall(text)[-count:])


def pre_negated(masked: str, start: int) -> bool:
    """A negator shortly before ``start`` in its clause ("not", "never", "zero appetite to", "ruled out")."""
    before = _last_words(masked[clause_start(masked, start) : start], PRE_WINDOW_WORDS)
    return bool(NEGATOR.search(before + " "))


def post_negated(masked: str, end: int) -> bool:
    """A dismissal right after the match in its clause ("… is on hold", "… was resolved")."""
    return bool(POST_NEGATOR.search(masked[end : clause_end(masked, end)]))


def doubted(masked: str, start: int) -> bool:
    """Said as a rumour, a question or a possibility ("might be leaving", "not sure whether she left")."""
    if masked.rstrip().endswith("?") or _RUMOUR.search(masked, 0, start):
        return True
    return bool(UNCERTAIN.search(masked[clause_start(masked, start) : start]))


def in_the_past(masked: str, start: int, year: int | None = None) -> bool:
    """The match at ``start`` is said of an earlier time ("two years ago they…", "back in 2022", when the note
    is of a later year) and its clause does not say it is still so ("…and they are still unhappy")."""
    end = clause_end(masked, start)
    before_end = masked[:end]
    earlier = PAST.search(before_end) or (year is not None and any(int(y) < year for y in YEAR.findall(before_end)))
    if not earlier:
        return False
    return not STILL_NOW.search(masked[clause_start(masked, start) : end])


def around(masked: str, start: int, end: int, words: int = 8) -> str:
    """The match with a few words either side (within the sentence: a word sense can hang on a word of
    the next clause, "happy with support since the upgrade")."""
    before = _WORD.findall(masked[max(0, start - 120) : start])[-words:]
    after = _WORD.findall(masked[end : end + 120])[:words]
    return " ".join([*before, masked[start:end], *after])


def clause_before(masked: str, start: int) -> str:
    """The clause holding ``start``, up to ``start``."""
    return masked[clause_start(masked, start) : start]
