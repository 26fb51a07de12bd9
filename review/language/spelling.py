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
from review.lexicon import SPELLED, as_meant

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
    return found.pop() if len(found) == 1 else None


def as_written_meant(text: str) -> str:
    """``text`` with the shorthand of ``TYPOS`` and any misspelt ``SPELLED`` word read as meant (lower-case words
    only: a capitalised word may be a name)."""
    return _LOWER_WORD.sub(lambda m: meant(m.group(0)) or m.group(0), as_meant(text))
