"""Read a note: which contacts it says have left, and whether it carries churn risk or expansion interest.

    read_text("Heard from Grace Schmidt that Aisha Murphy left the company in November.",
              (Person("Grace Schmidt"), Person("Aisha Murphy")))
    → (Finding(kind="contact_gone", subject=1, what="left the company", sentence="Heard from …"),)

Steps, per sentence (``sentences.split_sentences``): mask names (``people.mask``), match the triggers of
``review.lexicon``, then keep a match only if its clause does not negate it, dismiss it, or (for a
departure) doubt it; if it is not said of an earlier time (churn and expansion); and, for a departure,
if its subject is a contact (``subjects``). A later sentence that says the trouble is over ("since then…",
"the escalation is closed") undoes the churn language before it.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from typing import Literal

from review.language import scope
from review.language.authors import email_author, message_body
from review.language.people import Person, is_lower_case_note, last_mention, mask
from review.language.sentences import split_sentences
from review.language.spelling import as_written_meant
from review.language.stems import RESOLUTION, SUCCESSION, any_candidate, candidates, stems_in
from review.language.subjects import ACCOUNT, Context, aside_owner, nearest_contact, resolve_group, subjects_before
from review.lexicon import (
    CHURN,
    COMPLETED,
    DEFERRED,
    DEPARTURES,
    DOUBT_AFTER,
    HYPOTHETICAL,
    JOKING,
    MUSING,
    NOT_ABOUT_US,
    OTHER_PARTY,
    OUR_WISH,
    RESOLVED_ALL,
    RESOLVED_SOFT,
    RIVAL_OWNS,
    SAFE_AFTER,
    STILL_BAD,
    STILL_THERE,
    SUCCESSOR,
    TEMPORARY,
    THEIR_CHURN,
    UPSELL,
    UPSELL_UNDONE,
    WE_ESCALATE,
    Trigger,
)

FindingKind = Literal["contact_gone", "churn_risk", "upsell_signal"]
_SOFT = frozenset({"unhappy", "escalation", "usage dropping", "churn"})
_PERSON_ONLY = frozenset({"resigned", "retired", "quit", "on garden leave", "took a job elsewhere", "was let go"})
_THEY_BEFORE = re.compile(r"\bthey(?:'ve|'re|\s+have|\s+had|\s+were)?\s+(?:just\s+|recently\s+|already\s+)?\S*\s*$")
_SUBJECT_AFTER = re.compile(r"[^@:;.]{0,60}?[:\-–—]\s*@p(\d+)\b")
_ALREADY = re.compile(
    r"\balready\s+(?:bought|purchased|signed|added|upgraded|expanded|rolled|has|have|on|using|got)\b|"
    r"\b(?:signed|countersigned)\s+(?:the\s+|an?\s+)?(?:@?\w+\s+){0,2}(?:add-on\s+)?(?:order|contract|po|deal|agreement|"
    r"quote)\b|\bsigned\s+(?:for\s+)?(?:the\s+)?(?:@?\w+\s+){0,2}add-on\b|"
    r"\bcountersigned\b|\bclosed[- ]won\b|\bthe\s+(?:recently\s+)?added\s+(?:users|seats|licen[cs]es)\b"
)


_ASIDE = re.compile(r"\([^()]*\)")
_ABOUT_A_RIVAL = re.compile(r"\b(?:rival|competitor|competing|vendor|another\s+provider)s?\b")


@dataclass(frozen=True)
class Finding:
    """One thing a note says: ``kind``, about whom (``subject``: a contact index, or None for the account),
    ``what`` happened in a few words, and the ``sentence`` that says so."""

    kind: FindingKind
    subject: int | None
    what: str
    sentence: str
    successor: int | None = None


@dataclass
class _Hit:
    kind: FindingKind
    subject: int | None
    what: str
    sentence_no: int
    position: int


def _groups(match: re.Match[str]) -> tuple[str, int] | None:
    for name, value in match.groupdict().items():
        if name.startswith("who") and value:
            return value, match.start(name)
    return None


def _departures(
    masked: str, ctx: Context, triggers: tuple[Trigger, ...], year: int | None = None
) -> tuple[list[tuple[int, str, int]], list[tuple[int, int]]]:
    """Contacts this sentence says have left: (contact, what, position); and the spans of all departure words."""
    found: list[tuple[int, str, int]] = []
    spans: list[tuple[int, int]] = []
    for item in triggers:
        if item.unless is not None and item.unless.search(masked):
            continue
        for match in item.pattern.finditer(masked):
            if item.harmless is not None and item.harmless.search(scope.around(masked, match.start(), match.end())):
                continue
            who = _who(item, match, masked, ctx)
            if who != [ACCOUNT]:
                spans.append((match.start(), match.end()))
            if not who or who == [ACCOUNT] or _defused(item, masked, match) or _years_away(masked, match.end(), year):
                continue
            if not item.strong and TEMPORARY.search(message_body(masked) if ctx.author is not None else masked):
                continue
            found += [(w, item.label, match.start()) for w in who if w != ACCOUNT]
    return found, spans


_LATER_YEAR = re.compile(r"^[^.;]{0,30}?\b(?:in|by|until|end\s+of)\s+((?:19|20)\d\d)\b")


def _years_away(masked: str, end: int, year: int | None) -> bool:
    """ "is retiring in 2029" (in a note of 2025): not gone yet, nothing to act on now."""
    later = _LATER_YEAR.match(masked[end:])
    return year is not None and later is not None and int(later.group(1)) > year


def _who(item: Trigger, match: re.Match[str], masked: str, ctx: Context) -> list[int]:
    if item.who == "group":
        group = _groups(match)
        if group is None:
            return []
        resolved = resolve_group(group[0], masked, group[1], ctx)
        return [resolved] if resolved is not None else []
    found = subjects_before(masked, match.start(), ctx)
    if not found and item.label in _WHERE_THEY_WORK_NOW:  # "@p0 (formerly @x, now at @x)"
        return aside_owner(masked, match.start())
    if found == [ACCOUNT] and item.label in _PERSON_ONLY and _THEY_BEFORE.search(masked, 0, match.start()):
        person = nearest_contact(masked, match.start(), ctx)  # singular "they": "Sam? they resigned"
        return [person] if person is not None else []
    if not found and not re.search(r"\w", masked[: match.start()]):  # "Left the company in May: Aisha Murphy"
        after = _SUBJECT_AFTER.match(masked, match.end())
        if after:
            return [int(after.group(1))]
    return found


_WHERE_THEY_WORK_NOW = frozenset(["now at another company", "took a job elsewhere", "now works elsewhere"])


# An intention or a threat, not a departure: "wants to leave", "he'd quit if they don't fix scheduling"
_INTENT_BEFORE = re.compile(
    r"\b(?:wants?|wanted|would\s+like|'d\s+like|hopes?|threaten\w*)(?:\s+to)?\s*$|(?:\b(?:he|she|they|i)|@p\d+)'d\s*$|"
    r"\bthought\s+(?:that\s+)?(?:@p\d+|she|he)\s+(?:had\s+)?$|"
    r"\b(?:if|unless|once|in\s+case|should)\s+(?:@p\d+|she|he)(?:'s|\s+is|\s+were)?\s*$"
)
_CONDITION_AFTER = re.compile(  # matched at the end of the departure words
    r"\s*(?:if|unless)\b|[^.;]*\b(?:withdrew|withdrawn|rescinded|took\s+back|retracted)\s+(?:the|her|his|their)\s+"
    r"(?:resignation|notice)\b|\W*[\"']?eventually\b"
)


def _defused(item: Trigger, masked: str, match: re.Match[str]) -> bool:
    if _INTENT_BEFORE.search(masked, 0, match.start()) or _CONDITION_AFTER.match(masked, match.end()):
        return True
    if not item.own_negation and scope.pre_negated(masked, match.start()):
        return True
    if scope.post_negated(masked, match.end()) or scope.doubted(masked, match.start()):
        return True
    if _still_there(masked, match.end()) or masked[match.start() - 1 : match.start()] == '"' == masked[match.end()]:
        return True  # still there; or a word in scare quotes: So she "left" — as in, stepped out of the QBR
    after = _ASIDE.sub(" ", masked[match.end() :])  # "moved to another company (a bank, I think)": the doubt is
    joking = JOKING.search(scope.near(masked, match.start()))  # about the aside; a joke about the clause
    return bool(DOUBT_AFTER.search(after) or joking or HYPOTHETICAL.search(masked))


def _still_there(masked: str, end: int) -> bool:
    """Later in the sentence, with no other contact named in between: the person is still there."""
    still = STILL_THERE.search(masked, end)
    if still is None or "@p" in masked[end : still.start()]:
        return False
    return re.search(r"\bno\s+longer\b", masked[still.end() :]) is None  # "still there, but no longer involved"


def _changes_as_said(item: Trigger, match: re.Match[str]) -> bool:
    """For a trigger about a change in numbers ("from 50 to 30 seats"): the numbers move that way."""
    if item.change is None:
        return True
    said = match.groupdict()
    suffix = "" if said.get("a") is not None else "2"
    before, after = (int(said[g + suffix].replace(",", "")) for g in ("a", "b"))
    return after < before if item.change == "down" else after > before


def _inside(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s <= start < e or s < end <= e for s, e in spans)


_ABOUT_FEELINGS = frozenset({"unhappy", "budget cuts"})


def _not_ours(item: Trigger, masked: str, start: int, upsell: bool) -> bool:
    """Said in jest or as a hypothesis, or about someone else's business ("HubSpot's enterprise tier is
    too pricey", "frustrated with her own IT team, not with us")."""
    if JOKING.search(scope.near(masked, start)) or HYPOTHETICAL.search(masked):
        return True
    if upsell and (OUR_WISH.search(masked) or DEFERRED.search(masked)):
        return True
    if upsell and COMPLETED.search(masked[scope.clause_start(masked, start) : scope.clause_end(masked, start)]):
        return True
    if (upsell or item.label in _ABOUT_FEELINGS) and RIVAL_OWNS.search(scope.clause_before(masked, start)):
        return True
    if not upsell and (
        MUSING.search(masked)
        or WE_ESCALATE.search(masked)
        or OTHER_PARTY.search(scope.clause_before(masked, start))
        or THEIR_CHURN.search(masked[scope.clause_start(masked, start) : scope.clause_end(masked, start)])
    ):  # "Renewal at risk?", "Escalating to Jim internally", "a friend's company left us for @v"
        return True
    return bool(NOT_ABOUT_US.search(masked))


def _account_language(
    masked: str,
    lexicon: tuple[Trigger, ...],
    ctx: Context,
    person_spans: list[tuple[int, int]],
    year: int | None,
    *,
    upsell: bool,
) -> list[tuple[str, int]]:
    """(what, position) of every affirmative churn or expansion phrase of the sentence."""
    found: list[tuple[str, int]] = []
    for item in lexicon:
        if item.requires is not None and not item.requires.search(masked):
            continue
        if item.unless is not None and item.unless.search(masked):
            continue
        for match in item.pattern.finditer(masked):
            if _inside(person_spans, match.start(), match.end()) or not _changes_as_said(item, match):
                continue
            if item.harmless is not None and item.harmless.search(scope.around(masked, match.start(), match.end())):
                continue
            if not item.own_negation and scope.pre_negated(masked, match.start()):
                continue
            if scope.post_negated(masked, match.end()) or scope.in_the_past(masked, match.start(), year):
                continue
            if _not_ours(item, masked, match.start(), upsell) or (
                not upsell and SAFE_AFTER.search(masked, match.end())
            ):
                continue
            if item.who == "before" and (
                item.of_a_person_is_a_departure or re.search(r"leav|left|quit|jump", match.group(0))
            ):
                who = subjects_before(masked, match.start(), ctx)
                if who and who != [ACCOUNT]:  # a person giving notice or leaving: a departure, not churn
                    continue
            found.append((item.label, match.start()))
            break
    return found


def _resolutions(masked: str) -> tuple[int | None, int | None]:
    """Positions where the sentence says all trouble, or the soft trouble, is over (None: it does not)."""
    if STILL_BAD.search(masked):
        return None, None
    every = RESOLVED_ALL.search(masked)
    soft = RESOLVED_SOFT.search(masked)
    every_at = every.start() if every and not scope.pre_negated(masked, every.start()) else None
    soft_at = soft.start() if soft and not scope.pre_negated(masked, soft.start()) else None
    return every_at, soft_at


def _drop_resolved(hits: list[_Hit], sentence_no: int, every: int | None, soft: int | None) -> list[_Hit]:
    def before(hit: _Hit, at: int | None) -> bool:
        return at is not None and (hit.sentence_no, hit.position) < (sentence_no, at)

    return [
        h for h in hits if h.kind != "churn_risk" or not (before(h, every) or (h.what in _SOFT and before(h, soft)))
    ]


def _successors(masked: str) -> list[int]:
    found = []
    for match in SUCCESSOR.finditer(masked):
        group = _groups(match)
        if group is not None and group[0].startswith("@p"):
            found.append(int(group[0][2:]))
    return found


def _shouting(text: str) -> bool:
    return len(text) >= 12 and text.isupper()


def record_names_as_the_deal(text: str, names: tuple[str, ...]) -> str:
    """``text`` with each of ``names`` (the account's deal names) read as "the deal"."""
    for name in names:
        if name in text:
            text = text.replace(name, "the deal")
    return text


@functools.cache
def _everyday_words() -> frozenset[str]:
    """The whole words of the MiniLM tokenizer's vocabulary (an English word list that ships with the product), or
    none when the model is not installed (every product name is then matched as spelled)."""
    try:
        from memory.embedding.minilm import model_dir

        vocab = json.loads((model_dir() / "tokenizer.json").read_text(encoding="utf-8"))["model"]["vocab"]
    except Exception:  # noqa: BLE001 - no model, no word list: a missing list only narrows the matching
        return frozenset()
    return frozenset(word for word in vocab if word.isalpha())


def _coined(name: str) -> bool:
    """A product name with a made-up word in it ("Molarix", "Wattline Gateway"), which no everyday sentence says: it
    is matched in any case ("molarix lic"); a name of everyday words ("Yard", "Pulse Mobile") only as spelled."""
    words = _everyday_words()
    return bool(words) and any(
        len(word) >= _COINED_LENGTH and not _known(word, words) for word in re.findall(r"[a-z]+", name.lower())
    )


def _known(word: str, words: frozenset[str]) -> bool:
    """``word``, its stem or its two halves are in the word list (which holds "roster", "approval", "work" and "flow",
    not "rostering" or "workflows")."""
    return _stem_known(word, words) or any(
        word[:cut] in words and _stem_known(word[cut:], words) for cut in range(3, len(word) - 2)
    )


def _stem_known(word: str, words: frozenset[str]) -> bool:
    return word in words or any(
        word.endswith(end) and (word[: -len(end)] in words or word[: -len(end)] + "e" in words)
        for end in ("s", "es", "ing", "ed", "er", "ers", "ings")
    )


_COINED_LENGTH = 6  # shorter unknown words are often everyday ones the word list lacks ("rota")


@functools.lru_cache(maxsize=64)
def _product_pattern(products: tuple[str, ...]) -> re.Pattern[str]:
    names = "|".join(
        f"(?i:{re.escape(p)})" if _coined(p) else re.escape(p) for p in sorted(products, key=len, reverse=True)
    )
    return re.compile(rf"(?<![\w@-])({names})(?![\w-])(?!\s+(?:add-?ons?|modules?|product)\b)")


@functools.lru_cache(maxsize=64)
def _coined_lower(products: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(p.lower() for p in products if _coined(p))


def products_as_add_ons(text: str, products: tuple[str, ...]) -> str:
    """``text`` with each of ``products`` (what the vendor sells, as its Products list spells them) read as an add-on:
    "Mette wants Yard for the container yard" → "Mette wants Yard add-on for the container yard". Written as the list
    spells it (case and all), so "the container yard" stays a yard; a made-up name in any case ("molarix")."""
    if not products:
        return text
    if not any(p in text for p in products):
        coined = _coined_lower(products)
        if not coined or not any(p in text.lower() for p in coined):
            return text
    return _product_pattern(products).sub(r"\1 add-on", text)


def as_read(text: str, record_names: tuple[str, ...] = (), products: tuple[str, ...] = ()) -> str:
    """``text`` as the reader reads it: deal names as "the deal", product names as add-ons."""
    return products_as_add_ons(record_names_as_the_deal(text, record_names), products)


@dataclass
class _Note:
    """One note being read: its sentences, masked on demand (most are never masked)."""

    sentences: list[str]  # as written (quoted in findings)
    plain: list[str]  # the same without record names (what is read)
    people: tuple[Person, ...]
    account_name: str | None
    lower_case: bool
    implicit: int | None
    year: int | None
    _masked: dict[int, str] = field(default_factory=dict)
    _named: dict[int, int | None] = field(default_factory=dict)  # sentence → the last contact it names

    def masked(self, number: int) -> str:
        if number not in self._masked:
            self._masked[number] = mask(self.plain[number], self.people, self.account_name, lower_case=self.lower_case)
        return self._masked[number]

    def context(self, number: int) -> Context:
        """The reader's context for sentence ``number``: the last contact named before it."""
        previous = None
        for earlier in range(number - 1, -1, -1):
            if earlier not in self._named:
                self._named[earlier] = last_mention(self.plain[earlier], self.people, lower_case=self.lower_case)
            if self._named[earlier] is not None:
                previous = self._named[earlier]
                break
        author = email_author(self.masked, len(self.sentences), number)
        return Context(people=self.people, previous=previous, implicit=self.implicit, author=author)


_LEXICONS = (DEPARTURES, CHURN, UPSELL)


@functools.lru_cache(maxsize=32_768)  # the second reader asks first (``fine_tuned.may_add``), then the rules
def note_stems(text: str, record_names: tuple[str, ...] = (), products: tuple[str, ...] = ()) -> frozenset[str]:
    """The stems of a whole note as it is read (``as_read``): what rules out most notes unsplit."""
    return stems_in(as_read(text, record_names, products))


@functools.lru_cache(maxsize=16384)
def read_text(
    text: str,
    people: tuple[Person, ...] = (),
    *,
    account_name: str | None = None,
    implicit: int | None = None,
    record_names: tuple[str, ...] = (),
    products: tuple[str, ...] = (),
    year: int | None = None,
) -> tuple[Finding, ...]:
    """Everything ``text`` says about departures, churn and expansion (see the module docstring).
    ``record_names`` (the account's deal names) are read as "the deal": a deal called "Analytics Add-on
    expansion" says nothing about what the customer wants. ``products`` (what the vendor sells) are read as add-ons:
    "wants Yard for the new site" asks for more. ``year``: the note's year ("in 2023" is past)."""
    if not text:
        return ()
    stems = note_stems(text, record_names, products)
    if not any_candidate(stems, _LEXICONS):
        return ()
    sentences = split_sentences(text)
    plain = [as_written_meant(as_read(s, record_names, products)) for s in sentences]
    shouting = _shouting(text)
    if shouting:  # "HANNAH BERG HAS LEFT": read as lower case, quoted as written
        plain = [s.lower() for s in plain]
    note = _Note(sentences, plain, people, account_name, shouting or is_lower_case_note(text), implicit, year)
    hits: list[_Hit] = []
    successors: list[int] = []
    single = len(note.sentences) == 1
    for number in range(len(note.sentences)):
        if not single:
            stems = stems_in(note.plain[number])
        gone_triggers, churn_triggers, upsell_triggers = (candidates(stems, lexicon) for lexicon in _LEXICONS)
        if gone_triggers or churn_triggers or upsell_triggers:
            hits += _read_sentence(note, number, gone_triggers, churn_triggers, upsell_triggers)
        if not SUCCESSION.isdisjoint(stems):
            successors += _successors(note.masked(number))
        if any(hit.kind == "upsell_signal" and hit.sentence_no < number for hit in hits):
            later = note.plain[number].lower()
            if UPSELL_UNDONE.search(later) and not _ABOUT_A_RIVAL.search(
                later
            ):  # "not interested" in the rival's offer
                hits = [hit for hit in hits if hit.kind != "upsell_signal"]
        if hits and not RESOLUTION.isdisjoint(stems):
            every, soft = _resolutions(note.masked(number))
            if every is not None or soft is not None:
                hits = _drop_resolved(hits, number, every, soft)
    return _findings(hits, note.sentences, successors)


def _read_sentence(
    note: _Note,
    number: int,
    gone_triggers: tuple[Trigger, ...],
    churn_triggers: tuple[Trigger, ...],
    upsell_triggers: tuple[Trigger, ...],
) -> list[_Hit]:
    masked = note.masked(number)
    ctx = note.context(number)
    gone, spans = _departures(masked, ctx, gone_triggers, note.year)
    named = _successors(masked) if gone else []
    hits = [_Hit("contact_gone", who, what, number, at) for who, what, at in gone if who not in named]
    churn = _account_language(masked, churn_triggers, ctx, spans, note.year, upsell=False)
    if gone:  # "Shauna's position was eliminated in the cost cutting": the cuts explain a departure
        churn = [(what, at) for what, at in churn if what != "budget cuts"]
    hits += [_Hit("churn_risk", None, what, number, at) for what, at in churn]
    if upsell_triggers and not _ALREADY.search(masked):
        upsell = _account_language(masked, upsell_triggers, ctx, spans, note.year, upsell=True)
        hits += [_Hit("upsell_signal", None, what, number, at) for what, at in upsell]
    return hits


def _findings(hits: list[_Hit], sentences: list[str], successors: list[int]) -> tuple[Finding, ...]:
    seen: set[tuple[str, int | None]] = set()
    findings = []
    for hit in hits:
        key = (hit.kind, hit.subject)
        if key in seen:
            continue
        seen.add(key)
        successor = next((s for s in successors if s != hit.subject), None) if hit.kind == "contact_gone" else None
        findings.append(Finding(hit.kind, hit.subject, hit.what, sentences[hit.sentence_no], successor))
    return tuple(findings)
