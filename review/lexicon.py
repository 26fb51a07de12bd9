"""Phrase lexicons for the language signals (churn, upsell, a contact who left), with negation care.

A lexicon is a list of ``Phrase``s (a label and a regular expression over word stems). ``find`` splits a
text into clauses (sentences, and parts joined by commas or "but"), matches every phrase, and drops a
match when its clause negates it: a negator shortly before it ("no plans to expand", "not unhappy",
"never mentioned cancelling") or a dismissal after it ("expansion is on hold", "cancellation ruled out").
A phrase may also list nearby words that make it harmless ("cancelled the meeting").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_FLAGS = re.IGNORECASE


@dataclass(frozen=True)
class Phrase:
    label: str
    pattern: re.Pattern[str]
    harmless_near: re.Pattern[str] | None = None  # words within a few words that defuse the phrase


@dataclass(frozen=True)
class PhraseHit:
    label: str
    matched: str
    clause: str


def phrase(label: str, regex: str, harmless_near: str | None = None) -> Phrase:
    harmless = re.compile(harmless_near, _FLAGS) if harmless_near else None
    return Phrase(label, re.compile(regex, _FLAGS), harmless)


_CLAUSE_SPLIT = re.compile(r"[.;!?\n]+|,|\s[-–—]\s|\b(?:but|however|although|though|whereas|yet)\b", _FLAGS)
_PRE_NEGATORS = re.compile(
    r"\b(?:no|not|never|none|nothing|without|neither|nor|hardly|unlikely|against|instead\s+of|rather\s+than|"
    r"ruled?\s+out|decided\s+against|no\s+longer|stopped|refused?|doubt)\b|n't\b|\bnot\b",
    _FLAGS,
)
_POST_NEGATORS = re.compile(
    r"\b(?:on\s+hold|off\s+the\s+table|ruled\s+out|shelved|postponed|paused|frozen|not\s+happening|"
    r"no\s+longer|dropped|abandoned|unlikely|not\s+(?:a|an)\s+(?:issue|concern|risk|option)|resolved)\b",
    _FLAGS,
)
_WORD = re.compile(r"[\w'’-]+")
_PRE_WINDOW_WORDS = 6
_POST_WINDOW_WORDS = 5
_HARMLESS_WINDOW_WORDS = 4


def clauses(text: str) -> list[str]:
    return [c.strip() for c in _CLAUSE_SPLIT.split(text) if c and c.strip()]


def _last_words(text: str, count: int) -> str:
    return " ".join(_WORD.findall(text)[-count:])


def _first_words(text: str, count: int) -> str:
    return " ".join(_WORD.findall(text)[:count])


def _negated(clause: str, start: int, end: int, *, own_negation: bool) -> bool:
    before = _last_words(clause[:start], _PRE_WINDOW_WORDS).replace("’", "'")
    after = _first_words(clause[end:], _POST_WINDOW_WORDS)
    if not own_negation and _PRE_NEGATORS.search(before + " "):
        return True
    return bool(_POST_NEGATORS.search(after))


def _harmless(item: Phrase, clause: str, start: int, end: int) -> bool:
    if item.harmless_near is None:
        return False
    around = (
        _last_words(clause[:start], _HARMLESS_WINDOW_WORDS) + " " + _first_words(clause[end:], _HARMLESS_WINDOW_WORDS)
    )
    return bool(item.harmless_near.search(around))


_OWN_NEGATION = re.compile(r"^(?:not|never|no|won't|wont|will\s+not|n't|non)\b|n't\b", _FLAGS)


_ANY_CACHE: dict[int, tuple[tuple[Phrase, ...], re.Pattern[str]]] = {}


def _any_phrase(lexicon: tuple[Phrase, ...]) -> re.Pattern[str]:
    """One pattern matching any phrase of ``lexicon`` in lower-cased text (a fast pre-check: Python's
    regex engine is several times faster without IGNORECASE). Phrase patterns are written in lower case."""
    cached = _ANY_CACHE.get(id(lexicon))
    if cached is None or cached[0] is not lexicon:
        pattern = re.compile("|".join(f"(?:{p.pattern.pattern})" for p in lexicon))
        cached = _ANY_CACHE[id(lexicon)] = (lexicon, pattern)
    return cached[1]


def mentions(text: str | None, lexicon: tuple[Phrase, ...]) -> bool:
    """Cheap pre-check: does any phrase occur at all (negated or not)?"""
    return bool(text) and _any_phrase(lexicon).search((text or "").lower()) is not None


def find(text: str | None, lexicon: tuple[Phrase, ...]) -> list[PhraseHit]:
    """Every phrase of ``lexicon`` that ``text`` says affirmatively (not negated, not defused)."""
    if not text or not mentions(text, lexicon):
        return []
    hits: list[PhraseHit] = []
    anywhere = _any_phrase(lexicon)
    for clause in clauses(text):
        if anywhere.search(clause.lower()) is None:
            continue
        for item in lexicon:
            for match in item.pattern.finditer(clause):
                own = bool(_OWN_NEGATION.search(match.group(0)))
                if _negated(clause, match.start(), match.end(), own_negation=own):
                    continue
                if _harmless(item, clause, match.start(), match.end()):
                    continue
                hits.append(PhraseHit(item.label, match.group(0), clause))
                break
    return hits


_EVENT_NOUNS = (
    r"\b(?:meeting|call|demo|appointment|session|visit|webinar|lunch|dinner|trip|workshop|"
    r"training|onsite|on-site|sync|check-?in|qbr|review)s?\b"
)
_SEATS = r"(?:seats?|licen[cs]es?|users?|subscriptions?)"

CHURN: tuple[Phrase, ...] = (
    phrase("cancel", r"\bcancel(?:s|led|ed|ling|ing|lations?|ations?)?\b", harmless_near=_EVENT_NOUNS),
    phrase("terminate", r"\bterminat(?:e|es|ed|ing|ion)\b(?!\s+(?:employee|staff))"),
    phrase(
        "not renew",
        r"\b(?:not|never|won't|wont|will\s+not|don't|do\s+not|doesn't|isn't|aren't)\s+"
        r"(?:\w+\s+){0,3}?renew\w*|\bnon-?renew\w*|\b(?:declin\w+|refus\w+)\s+to\s+renew\b|"
        r"\blet\s+(?:the\s+|their\s+|our\s+)?(?:contract|subscription|licen[cs]es?|renewal)\s+"
        r"(?:lapse|expire)\b",
    ),
    phrase(
        "competitor",
        r"\bcompetitors?\b|\brival\s+(?:vendor|product|platform|offer)\b|"
        r"\b(?:switch|switching|switched|mov(?:e|ing|ed)|migrat\w+|go(?:ing)?)\s+(?:over\s+)?to\s+"
        r"(?:a\s+|an\s+)?(?:another|different|other|cheaper|new)\s+(?:vendor|provider|supplier|"
        r"platform|solution|tool|crm)\b|"
        r"\b(?:evaluat\w+|look\w*\s+at|consider\w*|explor\w+|trial\w*)\s+(?:other|alternative|"
        r"competing)\s+(?:vendors?|providers?|solutions?|options?|platforms?|tools?)\b|"
        r"\bshopping\s+around\b|\b(?:look\w*|evaluat\w+|consider\w*|explor\w+|review\w*|assess\w*)\s+(?:at\s+)?"
        r"(?:\w+\s+){0,2}alternatives\b|\brfp\b",
    ),
    phrase(
        "unhappy",
        r"\b(?:unhappy|dissatisf\w+|frustrat\w+|disappoint\w+|upset|angry|furious|"
        r"complain\w*|fed\s+up)\b|\bnot\s+(?:happy|satisfied|pleased)\b",
    ),
    phrase("escalate", r"\bescalat\w+"),
    phrase(
        "budget cut",
        r"\bbudget\s+(?:cuts?|freeze|reductions?|slashed|cut\s+back)\b|"
        r"\bcut(?:s|ting)?\s+(?:\w+\s+){0,2}(?:budgets?|spend|costs?)\b|\bcost[- ]cutting\b|"
        r"\bdownsiz\w+|\bdowngrad\w+|\breduc\w+\s+(?:the\s+)?(?:number\s+of\s+)?" + _SEATS + r"|\bfewer\s+" + _SEATS,
    ),
    phrase("churn", r"\bchurn\w*"),
    phrase(
        "walk away",
        r"\bwalk(?:ing)?\s+away\b|\bpull(?:ing)?\s+the\s+plug\b|"
        r"\bend(?:ing)?\s+(?:the|our|their)\s+(?:contract|relationship|partnership|subscription)\b",
    ),
)

UPSELL: tuple[Phrase, ...] = (
    phrase("expand", r"\bexpan(?:d|ds|ded|ding|sion|sions)\b"),
    phrase(
        "more seats",
        r"\b(?:more|additional|extra|another)\s+(?:\d[\d,]*\s+)?"
        r"(?:seats?|licen[cs]es?|users?|modules?|teams?|departments?|offices?|regions?|sites?|"
        r"locations?|business\s+units?|divisions?|subsidiar\w+|countr\w+|markets?|workspaces?|"
        r"capacity|products?|add-?ons?)\b|"
        r"\badd(?:s|ing|ed)?\s+(?:\d[\d,]*|a\s+few|several|some|more)\s+(?:more\s+)?"
        + _SEATS
        + r"\b|\b\d[\d,]*\s+(?:more|additional|extra)\s+"
        + _SEATS
        + r"\b",
    ),
    phrase(
        "new team",
        r"\bnew\s+(?:teams?|offices?|regions?|departments?|sites?|locations?|"
        r"business\s+units?|divisions?|subsidiar\w+|countr\w+|markets?|hires)\b",
    ),
    phrase("upgrade", r"\bupgrad\w+"),
    phrase(
        "enterprise tier",
        r"\benterprise\s+(?:tier|plan|edition|licen[cs]es?|package|version)\b|"
        r"\b(?:bigger|larger|higher|premium|top)\s+(?:plan|tier|package|edition)\b",
    ),
    phrase(
        "roll out",
        r"\broll(?:s|ed|ing)?\s+(?:(?:it|them|the|our|this|that|\w+)\s+){0,3}?out\s+to\s+"
        r"(?:other|more|new|the\s+rest|all|every|their|\w+\s+(?:more|other|new))\b|"
        r"\brollout\s+to\s+(?:other|more|the\s+rest|all)\b",
    ),
    phrase(
        "cross-sell",
        r"\binterest(?:ed)?\s+in\s+(?:our\s+|the\s+|a\s+)?(?:\w+\s+)?(?:add-?on|module|"
        r"product|offering|package)s?\b",
    ),
)

LEFT: tuple[Phrase, ...] = (
    phrase(
        "left",
        r"\bleft\b",
        harmless_near=r"\b(?:message|voicemail|vm|note|feedback|comments?|review|"
        r"side|hand|turn|over|behind|open|blank|alone|out)\b",
    ),
    phrase(
        "no longer with",
        r"\bno\s+longer\s+(?:with|at|works?\s+(?:at|for|here|there)|employed|part\s+of|"
        r"in\s+(?:the|her|his)\s+role)\b|\bnot\s+with\s+(?:the\s+)?company\s+anymore\b",
    ),
    phrase(
        "departed",
        r"\bdepart(?:ed|ure)\b|\bresign(?:ed|ation)\b|\bretired\b|\bmoved\s+on\b|"
        r"\bformer\s+(?:employee|contact|staff)\b|\bex-employee\b|\blaid\s+off\b",
    ),
)
