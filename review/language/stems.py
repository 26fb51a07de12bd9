"""Which trigger words a text has, cheaply: the stems of ``review.lexicon.KEYS`` its words start with.

Reading a sentence in full (masking names, matching every trigger with its scope rules) costs far more than
looking up its words, so the reader first asks ``stems_in`` and matches only the triggers whose every key
group is present (``candidates``). Most notes have no candidate at all and cost one pass over their words.
"""

from __future__ import annotations

import re

from review.language.spelling import meant
from review.lexicon import BRAND_START, STEMS, TYPOS, VENDOR_STEMS, Trigger, word_set

_MID_CAPITAL = re.compile(rf"(?<=[a-z,;:]\s)[A-Z]|(?<=\s){BRAND_START}[A-Z]")  # a name inside: "with Provet", "ezyVet"
_DIGIT = re.compile(r"\d")
# Words that say a departure has a successor, or that earlier trouble is over: such sentences are read too.
SUCCESSION = word_set(
    "new take takes took taking taken replac succe step steps stepped stepping backfill handed point poc contact go"
)
RESOLUTION = word_set(
    "since resolved fixed settled closed sorted withdrew retracted renewed re signed decided chose staying changed "
    "back good happy talked longer threat risk false addressed handled cleared nothing fine ok okay renewal"
)
_ALL = STEMS | SUCCESSION | RESOLUTION
_AS_MEANT = TYPOS | {"w": "with"}  # "w/" loses its slash here
_TYPO_WORDS = frozenset(_AS_MEANT)
_BIGRAMS: frozenset[str] = frozenset(s for s in _ALL if "_" in s)  # two words in a row: "went_with"
_BIGRAM_FIRST: frozenset[str] = frozenset(s.split("_")[0] for s in _BIGRAMS)
_EXACT: frozenset[str] = frozenset(s[:-1] for s in _ALL if s.endswith("$"))
_SHORT: frozenset[str] = frozenset(s for s in _ALL if len(s) < 3)
_BY_PREFIX: dict[str, tuple[str, ...]] = {}
for _stem in sorted(_ALL, key=len):
    if len(_stem) >= 3 and not _stem.startswith(("@", "#")) and not _stem.endswith("$") and "_" not in _stem:
        _BY_PREFIX[_stem[:3]] = (*_BY_PREFIX.get(_stem[:3], ()), _stem)
_SPACES = str.maketrans({c: " " for c in "!\"$%&()*+,./:;<=>?[\\]^_`{|}~‘’“”…–—-'≈"})


# Whole words that stand for a stem or pseudo-stem of their own ("walk$", "@v", "go").
_SPECIAL: dict[str, tuple[str, ...]] = {}
for _word in _EXACT:
    _SPECIAL[_word] = (*_SPECIAL.get(_word, ()), _word + "$")
for _word in _SHORT:
    _SPECIAL[_word] = (*_SPECIAL.get(_word, ()), _word)
for _word in VENDOR_STEMS:
    _SPECIAL[_word] = (*_SPECIAL.get(_word, ()), "@v")


def stems_in(text: str) -> frozenset[str]:
    """The stems (and pseudo-stems) of ``text``'s words."""
    hits: set[str] = set()
    words = text.lower().translate(_SPACES).split()
    present = set(words)
    if not _TYPO_WORDS.isdisjoint(present):  # read as meant: "cancle" → "cancel"
        words = [_AS_MEANT.get(w, w) for w in words]
        present = set(words)
    digits = _DIGIT.search(text) is not None
    if digits or not _BIGRAM_FIRST.isdisjoint(present):
        _bigrams(words, hits, digits)
    for token in present:
        found = _TOKEN_STEMS.get(token)
        if found is None:
            found = _token_stems(token)
        if found:
            hits.update(found)
    if digits:
        hits.add("#")
    if _MID_CAPITAL.search(text):
        hits.add("@x")
    return frozenset(hits)


_TOKEN_STEMS: dict[str, tuple[str, ...]] = {}  # a word's stems, worked out once per word


def _token_stems(token: str) -> tuple[str, ...]:
    found = list(_SPECIAL.get(token, ()))
    spelled = meant(token)  # "resgined" has the stems of "resigned" (review.language.spelling)
    for word in (token, spelled) if spelled else (token,):
        found += [stem for stem in _BY_PREFIX.get(word[:3], ()) if word.startswith(stem)]
    if len(_TOKEN_STEMS) > 200_000:
        _TOKEN_STEMS.clear()
    _TOKEN_STEMS[token] = result = tuple(found)
    return result


def _bigrams(words: list[str], hits: set[str], digits: bool) -> None:
    """Two-word stems ("went_with"), numbers before or after a word ("#_seats", "add_#")."""
    for first, second in zip(words, words[1:], strict=False):
        if first in _BIGRAM_FIRST and f"{first}_{second}" in _BIGRAMS:
            hits.add(f"{first}_{second}")
        if digits:
            if first[:1].isdigit() and f"#_{second}" in _BIGRAMS:  # "40 seats", "20 more"
                hits.add(f"#_{second}")
            elif second[:1].isdigit() and f"{first}_#" in _BIGRAMS:  # "add 10"
                hits.add(f"{first}_#")


_FIRST: dict[int, dict[str, tuple[Trigger, ...]]] = {}


def _first_index(lexicon: tuple[Trigger, ...]) -> dict[str, tuple[Trigger, ...]]:
    index = _FIRST.get(id(lexicon))
    if index is None:
        built: dict[str, list[Trigger]] = {}
        for item in lexicon:
            for stem in item.keys[0]:
                built.setdefault(stem, []).append(item)
        index = _FIRST[id(lexicon)] = {k: tuple(v) for k, v in built.items()}
    return index


def candidates(hits: frozenset[str], lexicon: tuple[Trigger, ...]) -> tuple[Trigger, ...]:
    """The triggers of ``lexicon`` whose every key group has a stem in ``hits`` (in the lexicon's order)."""
    index = _first_index(lexicon)
    first: dict[int, Trigger] = {}
    for stem in hits:
        found = index.get(stem)
        if found:
            for item in found:
                first[id(item)] = item
    if not first:
        return ()
    kept = [t for t in first.values() if all(not group.isdisjoint(hits) for group in t.keys[1:])]
    if len(kept) > 1:
        kept.sort(key=lexicon.index)
    return tuple(kept)


_FIRST_OF: dict[tuple[int, ...], frozenset[str]] = {}


def _first_stems(lexicons: tuple[tuple[Trigger, ...], ...]) -> frozenset[str]:
    """Every stem that can start a trigger of ``lexicons`` (triggers are looked up by their first key group, see
    INDEX_BY: no note without one of these is read), computed once per set of lexicons."""
    key = tuple(id(lexicon) for lexicon in lexicons)
    stems = _FIRST_OF.get(key)
    if stems is None:
        stems = _FIRST_OF[key] = frozenset(stem for lex in lexicons for t in lex for stem in t.keys[0])
    return stems


def any_candidate(hits: frozenset[str], lexicons: tuple[tuple[Trigger, ...], ...]) -> bool:
    """Whether any trigger of ``lexicons`` could match (the cheap test that rules most notes out)."""
    if _first_stems(lexicons).isdisjoint(hits):
        return False
    for lexicon in lexicons:
        index = _first_index(lexicon)
        for stem in hits:
            for item in index.get(stem, ()):
                if all(not group.isdisjoint(hits) for group in item.keys[1:]):
                    return True
    return False
