"""Split a note into sentences without cutting at abbreviations, initials or company suffixes.

"Budget cuts at Cobalt Aerospace S.A. will hit us" stays one sentence; "Met Dr. Lee. She left." is two.
A sentence ends at ``.``, ``!`` or ``?`` followed by space, at a line break, before a bullet, or at a dash before
a word that opens a new thought ("- He's sad about it", "- Need new sponsor"). A period
after a title (Dr., Mr.), an initial (J.), a dotted acronym (S.A., e.g.) or a number ("v2.") does not end
a sentence unless what follows clearly starts one (a company suffix followed by a capitalised word).
"""

from __future__ import annotations

import re

from review.lexicon import word_set

_NEVER_END = word_set(
    "mr mrs ms dr prof st jr sr mt ft vs v e.g i.e eg ie cf approx appr dept est fig no nos ref resp tel ext "
    "min max avg incl excl re attn cc bcc"
)
_COMPANY_SUFFIXES = word_set("inc corp co ltd llc plc gmbh ag sa s.a nv n.v bv b.v sarl srl spa s.p.a pty pte kk")
_GOES_ON = word_set("but though although not as which")  # lower-case words that carry on an exclamation
_MONTHS = word_set("jan feb mar apr jun jul aug sep sept oct nov dec")
# A dash before a word that opens a new thought ("retiring after 30 yrs - He's very sad", "Tom - gone - New IT
# lead tbc") ends a sentence; before a name it does not ("Left last month - Aisha Murphy").
_NEW_THOUGHT = (
    r"He|She|They|We|I|It|Who|What|Why|How|When|Where|Need|Needs|New|Also|So|Pls|Please|Will|Next|Action|Todo|"
    r"TODO|Follow|Anyway|Otherwise|Plus|Btw|BTW|FYI|Note|Asked|Sent|Spoke|Call|Meeting|Nothing|No|Not|Let's"
)
_END = re.compile(
    r"[.!?]+[\"')\]’”»]*(?=\s)|\n+|\s(?=[•▪◦]\s)|\s[-–—]+(?=\s+(?:" + _NEW_THOUGHT + r")(?:\b|'))", re.UNICODE
)
_LAST_TOKEN = re.compile(r"([\w.&'’-]+)[.!?]*[\"')\]]*$")
_NEXT_WORD = re.compile(r"\s*[\"'(\[]?(\S+)")


def _word_before(text: str, end: int) -> str:
    match = _LAST_TOKEN.search(text[max(0, end - 80) : end].rstrip())
    return match.group(1).lower().rstrip(".") if match else ""


def _ends_here(text: str, start: int, end: int) -> bool:
    mark = text[start:end]
    if "\n" in mark:
        return True
    if mark.startswith("!"):  # "Cancelled!! (the check-in, not the contract)", "RFP received!! but it's to expand"
        following = _NEXT_WORD.match(text, end)
        return not (following and (text[following.start() :].lstrip()[:1] == "(" or following.group(1) in _GOES_ON))
    if not mark.startswith("."):
        return True
    if mark.startswith(".."):
        return True
    word = _word_before(text, start + 1)
    following = _NEXT_WORD.match(text, end)
    nxt = following.group(1) if following else ""
    if not nxt:
        return True
    capital = nxt[:1].isupper() or nxt[:1].isdigit()
    if word in _NEVER_END:
        return False
    if word in _COMPANY_SUFFIXES or word in _MONTHS:
        return capital
    if len(word) == 1 and word.isalpha():  # an initial: "J. Smith"
        return False
    if "." in word:  # dotted acronym: "S.A", "U.S"
        return capital
    return True


def split_sentences(text: str) -> list[str]:
    """The sentences of ``text``, each stripped, none empty."""
    sentences: list[str] = []
    begin = 0
    for match in _END.finditer(text):
        if not _ends_here(text, match.start(), match.end()):
            continue
        piece = text[begin : match.end()].strip(" \t\r\n-*•▪◦")
        if piece:
            sentences.append(piece)
        begin = match.end()
    tail = text[begin:].strip(" \t\r\n-*•▪◦")
    if tail:
        sentences.append(tail)
    return sentences
