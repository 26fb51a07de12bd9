"""Read a misspelt trigger word as the word meant: "resgined" → "resigned", "cancelation" → "cancellation".

A lower-case word of five letters or more that is one slip (a letter missing, added, wrong, or two letters
swapped; never the first letter) away from a word of ``review.lexicon.SPELLED`` is read as that word, unless it
is a real word itself (``real_words.REAL_WORDS``, generated from the MiniLM vocabulary by
``scripts/real_words.py``). This covers the misspellings nobody has seen yet; ``review.lexicon.TYPOS`` keeps
shorthand and the bigger slips.
"""

from __future__ import annotations

import functools
import re
import string

from review.language.real_words import REAL_WORDS
from review.lexicon import SPELLED, TYPOS, as_meant

_MIN_LETTERS = 5
_LETTERS = string.ascii_lowercase
_LOWER_WORD = re.compile(r"(?<![\w@'-])[a-z]{5,}(?![\w'-])")


def _deletes(word: str) -> list[str]:
    return [word[:i] + word[i + 1 :] for i in range(len(word))]


def neighbours(word: str) -> set[str]:
    """Every word one slip away from ``word`` (lower-case ASCII letters)."""
    found = set(_deletes(word))
    found.update(word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(len(word) - 1))
    for i in range(len(word) + 1):
        for letter in _LETTERS:
            found.add(word[:i] + letter + word[i:])
            if i < len(word):
                found.add(word[:i] + letter + word[i + 1 :])
    found.discard(word)
    return found


def _index() -> dict[str, tuple[str, ...]]:
    """Each spelled word and each of its one-letter deletions → the spelled words it comes from."""
    index: dict[str, tuple[str, ...]] = {}
    for word in sorted(SPELLED):
        for key in {word, *_deletes(word)}:
            index[key] = (*index.get(key, ()), word)
    return index


_INDEX = _index()


def _one_slip(typed: str, meant: str) -> bool:
    """One slip, but not in the first letter ("chopping" is no "shopping") nor a letter added at the end
    ("cancels", "renewals": another form of the word, which the triggers read as written)."""
    if typed[0] != meant[0] or typed[:-1] == meant:
        return False
    if len(typed) == len(meant) + 1:
        return meant in _deletes(typed)
    if len(typed) + 1 == len(meant):
        return typed in _deletes(meant)
    return len(typed) == len(meant) and typed != meant and _swap_or_change(typed, meant)


def _swap_or_change(typed: str, meant: str) -> bool:
    diff = [i for i, (a, b) in enumerate(zip(typed, meant, strict=True)) if a != b]
    if len(diff) == 1:
        return True
    first, second = diff if len(diff) == 2 else (0, 0)
    return second == first + 1 and typed[first] == meant[second] and typed[second] == meant[first]


@functools.lru_cache(maxsize=65536)
def meant(word: str) -> str | None:
    """The word of ``SPELLED`` that ``word`` (lower case) misspells, or None (a real word, or no single one)."""
    if len(word) < _MIN_LETTERS or word in SPELLED or word in REAL_WORDS or not word.isalpha():
        return None
    found = {m for key in (word, *_deletes(word)) for m in _INDEX.get(key, ()) if _one_slip(word, m)}
    if len(found) != 1:
        return None
    return found.pop()


# Said between an auxiliary and its verb, these change neither what happened nor whether it did: "was apparently
# let go", "is officially closed". (Not the words of doubt, time or negation: "probably", "already", "now", "not".)
_FILLER = (
    r"apparently|reportedly|actually|officially|finally|basically|really|definitely|indeed|seemingly|obviously|"
    r"clearly|honestly|totally|fully|formally|quietly|suddenly|abruptly|effectively|eventually|literally|"
    r"certainly|surely|sadly|unfortunately|also|even|just|both|all|evidently|unexpectedly|ultimately"
)
_AUX_FILLER = re.compile(
    r"\b((?:is|are|was|were|has|have|had|will|would|be|been|being|did|does|do)|(?<=\w)'(?:s|re|ve|d|ll))"
    r"((?:\s+(?:" + _FILLER + r")\b,?)+)(?=\s+[a-z])"
)
# "usage's dropped", "adoption's really low", "the budget's been cut": a noun's "'s" before a verb or a state
# is "is" or "has", not a possessive (pronouns are read as written, and "'s leaving", which may be a leaving do).
_NOUN_IS = re.compile(
    r"(?<![\w@'])(?!(?i:it|that|there|here|what|who|he|she|where|how|let)['’])([A-Za-z][a-z]{2,})['’]s\s+(?!leaving\b)(?=(?:been|got|gotten|"
    r"gone|not|no|now|still|really|very|only|just|down|up|out|off|over|done|low|high|minimal|flat|frozen|cut|"
    r"closed|resolved|dead|fine|unlikely|likely|on\s+hold|the|an?|his|her|their|our|at|with|in|on|[a-z]+ed|[a-z]+ing)\b)"
)
# After a noun's "'s", these past forms say what it has done ("usage's dropped"); other "-ed" words what it is
# ("the renewal's agreed", "the escalation's closed").
_HAS_DONE = re.compile(
    r"(?:been|got|gotten|gone|left|dropped|fallen|fell|declined|grown|grew|increased|decreased|halved|doubled|tripled|"
    r"slipped|shrunk|shrank|risen|rose|moved|changed|started|stopped|quit|joined|tanked|plummeted|plunged|crashed|"
    r"cratered|dipped|spiked|jumped)\b"
)
_SPACES = re.compile(r"[ \t\u00a0]{2,}")
_TYPO_WORDS = frozenset(TYPOS)
_FILLER_WORDS = frozenset(_FILLER.split("|"))
_PUNCTUATION = str.maketrans({c: " " for c in "!\"$%&()*+,./:;<=>?[\\]^_`{|}~‘’“”…–—-'"})


def as_written_meant(text: str) -> str:
    """``text`` as meant: the shorthand of ``TYPOS`` and any misspelt ``SPELLED`` word (lower-case words only: a
    capitalised word may be a name), filler adverbs after an auxiliary dropped, a noun's "'s" read as "is" or
    "has", runs of spaces as one. (Each rewrite runs only if the text has what it looks for: this is on the
    path of every note read.)"""
    words = set(text.lower().translate(_PUNCTUATION).split())
    if not _TYPO_WORDS.isdisjoint(words):
        text = as_meant(text)
    if any(meant(word) for word in words):
        text = _LOWER_WORD.sub(lambda m: meant(m.group(0)) or m.group(0), text)
    if "'s " in text or "’s " in text:
        text = _NOUN_IS.sub(_noun_is, text)
    if not _FILLER_WORDS.isdisjoint(words):
        text = _AUX_FILLER.sub(r"\1", text)
    return _SPACES.sub(" ", text) if "  " in text or "\t" in text or "\u00a0" in text else text


def _noun_is(match: re.Match[str]) -> str:
    verb = "has" if _HAS_DONE.match(match.string, match.end()) else "is"
    return f"{match.group(1)} {verb} "
