"""Who a note can be about: the account's contacts (by full, first or last name, or by title) and the account.

``mask`` rewrites a sentence so the reading rules can refer to people and organisations by placeholder:
``@p3`` is contact 3 of the account, ``@acct`` the account itself, ``@v`` a rival vendor (a known CRM
vendor, or a capitalised name ending in CRM, Suite, Cloud…), ``@x`` any other proper name (a person who
is not a contact, another company, a city). The result is lower case, so every rule is written in lower case.

Names are matched word by word against a per-account index (no regular expression is compiled per
account: the triage reads thousands of accounts).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from review.lexicon import BRAND_START, COMMON_CAPITALISED, NICKNAMES, PLACES, VENDORS, word_set


@dataclass(frozen=True)
class Person:
    """A contact of the account, as the reader needs it."""

    full_name: str
    first_name: str | None = None
    last_name: str | None = None
    title: str | None = None


ACCOUNT = -1  # the placeholder index of the account itself in a name index
_WORD = re.compile(r"[\w][\w'’-]*")
_HONORIFICS = word_set("mr mrs ms miss dr prof mr. mrs. ms. dr. prof.")
_NAME_WORD = rf"(?:[A-Z]|{BRAND_START})[\w'’-]*"  # "Dentally", "ezyVet"
_PROPER_RUN = re.compile(
    rf"(?<![\w@])(?:{_NAME_WORD})(?:\s+(?:(?:de|van|von|der|da|di|le|la|del|du)\s+)?{_NAME_WORD})*"
)
_VENDOR_SUFFIX = re.compile(r"\s(?:crm|suite|cloud|sales|365|one|cx|hub|platform)$", re.IGNORECASE)
_VENDORS = re.compile(r"\b(?:" + "|".join(re.escape(v) for v in VENDORS) + r")\b", re.IGNORECASE)
_VENDOR_WORDS = tuple(sorted({v.lower().split()[0] for v in VENDORS}))  # the cheap test before the regex
_SHORTHANDS = {"w/o": "without ", "w/": "with ", "b/c": "because", "&": "and"}
_SHORTHAND = re.compile(r"(?<!\w)(?:w/o|w/|b/c)|&", re.IGNORECASE)
_COMPANY_SUFFIXES = word_set("inc inc. llc ltd ltd. gmbh group corp corp. s.a. sa ag plc partners co co.")


def fold_accents(text: str) -> str:
    """``text`` without accents: notes often write "Maria Jose" for "María José"."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _fold(word: str) -> str:
    """Lower case without accents."""
    return word.lower() if word.isascii() else fold_accents(word.lower())


def _words(text: str) -> list[str]:
    return [_fold(w) for w in _WORD.findall(text)]


@dataclass(frozen=True)
class _Index:
    """First word (lower case) → [(all words, contact index or ACCOUNT, needs a capital)], longest first."""

    by_first: dict[str, list[tuple[tuple[str, ...], int, bool]]]
    initials: frozenset[str] = frozenset()  # "jm" for Jean-Marc Lefebvre: matched only as written in capitals


def _add(index: dict[str, list[tuple[tuple[str, ...], int, bool]]], words: list[str], who: int, capital: bool) -> None:
    if words:
        index.setdefault(words[0], []).append((tuple(words), who, capital))


_LONG_FORMS: dict[str, tuple[str, ...]] = {}
for _long, _shorts in NICKNAMES.items():
    for _short in _shorts:
        _LONG_FORMS[_short] = (*_LONG_FORMS.get(_short, ()), _long)


def _short_forms(first_name: str | None) -> tuple[str, ...]:
    """Other forms of a first name a note may use: "tom" for Thomas, "thomas" for Tom."""
    if not first_name:
        return ()
    key = first_name.strip().lower()
    return (*NICKNAMES.get(key, ()), *_LONG_FORMS.get(key, ()))


@functools.lru_cache(maxsize=8192)
def _index(people: tuple[Person, ...], account_name: str | None) -> _Index:
    index: dict[str, list[tuple[tuple[str, ...], int, bool]]] = {}
    single: dict[str, set[int]] = {}
    for i, person in enumerate(people):
        _add(index, _words(person.full_name), i, False)
        if person.first_name and person.last_name:
            _add(index, _words(f"{person.last_name} {person.first_name}"), i, False)
        whole = _words(person.full_name)
        given = (" ".join(whole[:2]), " ".join(whole[-2:])) if len(whole) >= 4 else ()  # "María José", "García López"
        surname = _words(person.last_name or "")
        final = (surname[-1],) if len(surname) >= 2 else ()  # "Vu" of Nguyen Van Vu
        spaced = tuple(
            n.replace("-", " ") for n in (person.first_name, person.last_name) if n and "-" in n
        )  # Mary Jane
        for name in (person.first_name, person.last_name, *given, *final, *spaced, *_short_forms(person.first_name)):
            if name and len(name.strip()) >= 2:
                single.setdefault(" ".join(_words(name)), set()).add(i)
    initials: dict[tuple[str, str], set[int]] = {}
    for i, person in enumerate(people):
        if person.first_name and person.last_name and _words(person.first_name) and _words(person.last_name):
            initials.setdefault((_words(person.first_name)[0], _words(person.last_name)[0][0]), set()).add(i)
    for (first, initial), ids in initials.items():
        if len(ids) == 1:  # "Tom B." when there are two Toms
            _add(index, [first, initial], next(iter(ids)), True)
    for name, ids in single.items():
        if len(ids) == 1 and len(_words(name)) == 1:
            _add(index, [name], next(iter(ids)), True)
        elif len(ids) == 1 and len(_words(name)) > 1:  # "Ann Lee", "van der Berg": distinctive as they are
            _add(index, _words(name), next(iter(ids)), False)
    if account_name:
        words = _words(account_name)
        _add(index, words, ACCOUNT, False)
        while len(words) > 1 and words[-1].rstrip(".") in {s.rstrip(".") for s in _COMPANY_SUFFIXES}:
            words = words[:-1]
            _add(index, words, ACCOUNT, False)
    initials_found = _add_initials(index, people)
    for entries in index.values():
        entries.sort(key=lambda e: len(e[0]), reverse=True)
    return _Index(index, initials_found)


# Capitalised short words that are not someone's initials: "AM", "IT", "HR", "CFO", "EOM".
_NOT_INITIALS = word_set(
    "am pm it hr us uk eu an as at be by do go he if in is me my no of on or so to up we ok qa ui ux ai ar ap ps cs "
    "ms mr dr tv pr bi ml id pa ea ad re vs ny la sf dc crm erp ceo cfo coo cto cio cmo cro vp svp evp hq fyi asap eta "
    "eod eom eoq eoy tbd tbc qbr poc rfp rfq sla api sso mrr arr kpi roi sms pdf usa ooo wfh pto nda sow msa po"
)


def _initials_of(person: Person) -> set[str]:
    """ "JM" and "JML" for Jean-Marc Lefebvre, "AK" for Anne Kessler."""
    first = [w[0] for w in re.split(r"[\s-]+", _fold(person.first_name or "")) if w]
    last = [w[0] for w in re.split(r"[\s-]+", _fold(person.last_name or "")) if w]
    found = {"".join(first + last)} if first and last else set()
    if len(first) >= 2:
        found.add("".join(first))
    return {i for i in found if 2 <= len(i) <= 3}


def _add_initials(
    index: dict[str, list[tuple[tuple[str, ...], int, bool]]], people: tuple[Person, ...]
) -> frozenset[str]:
    owners: dict[str, set[int]] = {}
    for i, person in enumerate(people):
        for initials in _initials_of(person):
            owners.setdefault(initials, set()).add(i)
    unique = {
        initials: next(iter(ids))
        for initials, ids in owners.items()
        if len(ids) == 1 and initials not in index and initials not in _NOT_INITIALS
    }
    for initials, who in unique.items():
        _add(index, [initials], who, True)
    return frozenset(unique)


def _lower_case_note(text: str) -> bool:
    """Written without capitals for names ("fyi lucas left"): no capitalised word inside a sentence."""
    return _MID_CAPITAL.search(text) is None


_MID_CAPITAL = re.compile(rf"(?<=[a-z,;:]\s)[A-Z][a-z]|(?<=\s){BRAND_START}[A-Z][a-z]")  # "…with ezyVet": mixed case
_INITIAL = re.compile(r"\s+[A-Z]\.(?=\s|$)")


def _name_spans(sentence: str, index: _Index, *, lower_case: bool) -> list[tuple[int, int, int]]:
    """(start, end, who) of every contact or account name in ``sentence``."""
    folded = _fold(sentence)
    if not any(first in folded for first in index.by_first):
        return []  # the cheap test: no name's first word anywhere in the sentence
    tokens = list(_WORD.finditer(sentence))
    spans: list[tuple[int, int, int]] = []
    i = 0
    while i < len(tokens):
        found = _name_at(sentence, tokens, i, index, lower_case=lower_case)
        if found is None:
            i += 1
            continue
        start, stop, who, i = found
        spans.append((start, stop, who))
    return spans


def _name_at(
    sentence: str, tokens: list[re.Match[str]], i: int, index: _Index, *, lower_case: bool
) -> tuple[int, int, int, int] | None:
    """The first name of the index (longest first) that starts at token ``i``: (start, stop, who, the index
    of the token after it), or None."""
    word = tokens[i].group(0)
    key = _fold(word)
    possessive = key.endswith(("'s", "’s"))
    bare = key[:-2] if possessive else key.rstrip("'’")
    for words, who, capital in index.by_first.get(bare) or index.by_first.get(key) or []:
        end = i + len(words)
        if end > len(tokens):
            continue
        got = [_fold(t.group(0)) for t in tokens[i:end]]
        if not _name_fits(sentence, tokens, i, words, got, index, capital=capital, lower_case=lower_case):
            continue
        start = tokens[i].start()
        if i > 0 and tokens[i - 1].group(0).lower().rstrip(".") in _HONORIFICS:
            start = tokens[i - 1].start()
        stop, end = _name_stop(sentence, tokens, words, got, end)
        return start, stop, who, end
    return None


def _name_fits(
    sentence: str,
    tokens: list[re.Match[str]],
    i: int,
    words: tuple[str, ...],
    got: list[str],
    index: _Index,
    *,
    capital: bool,
    lower_case: bool,
) -> bool:
    """Whether the tokens from ``i`` (folded: ``got``) are the name ``words``, written as a name is."""
    word = tokens[i].group(0)
    key = _fold(word)
    if (
        len(words) == 2
        and len(words[1]) == 1
        and not (
            tokens[i + 1].group(0).isupper() and sentence[tokens[i + 1].end() : tokens[i + 1].end() + 1] in ".,;: "
        )
    ):
        return False  # an initial is one capital letter: "Tom B." (not "Tom b" of some word)
    last = got[-1][:-2] if got[-1].endswith(("'s", "’s")) else got[-1].rstrip("'’")  # "Maureen'" closing a quote
    if tuple(got[:-1] + [last]) != words and tuple(got) != words:
        return False
    if key in index.initials and not word.isupper():
        return False
    if capital and not lower_case and key in COMMON_CAPITALISED:
        return False
    if capital and not lower_case and not word[:1].isupper() and not _lower_name(sentence, tokens[i].start(), key):
        return False
    return not (capital and lower_case and key in COMMON_CAPITALISED)


# First names that are also everyday words: written in lower case they are the word ("will leave", "mark as done").
_NAMES_THAT_ARE_WORDS = word_set(
    """will mark bill grace hope joy rose june may rob pat sue jack frank drew max ray dean guy art faith dawn amber
    ruby sky summer april august chase hunter carter mason page bishop cook baker young long king rich sunny lane
    glen penny holly ivy iris jade pearl crystal angel chance victor brook cliff dale heath wade reed rush stone
    ford gene jean don ken nick sam al ed norm bob tim jo di val viv lou mo cal len stu tess nell russ mel seb"""
)
_CLAUSE_OPENERS = (":", "-", "–", "—", ";", "(", "!", "?", ".")


def _lower_name(sentence: str, start: int, key: str) -> bool:
    """A contact's first name in lower case in a note that is not all lower case ("pellham: derek made redundant"):
    a name at the start of a clause, unless the name is also an everyday word."""
    if key in _NAMES_THAT_ARE_WORDS or len(key) < 3:
        return False
    before = sentence[:start].rstrip()
    return not before or before.endswith(_CLAUSE_OPENERS)


def _name_stop(
    sentence: str, tokens: list[re.Match[str]], words: tuple[str, ...], got: list[str], end: int
) -> tuple[int, int]:
    """Where the name ending at token ``end - 1`` stops in ``sentence`` (a possessive's "'s" left out, an
    initial's full stop taken in), and the index of the first token after it."""
    stop = tokens[end - 1].end()
    if got[-1].endswith(("'s", "’s")):
        stop -= 2
    elif len(words) == 2 and len(words[1]) == 1 and sentence[stop : stop + 1] == ".":
        stop += 1  # "Tom B." is one name, full stop included
    else:
        initial = _INITIAL.match(sentence, stop)  # "Aisha M." → one name
        stop = initial.end() if initial and end < len(tokens) else stop
        while end < len(tokens) and tokens[end].start() < stop:
            end += 1
    return stop, end


@functools.lru_cache(maxsize=8_192)
def _titles(people: tuple[Person, ...]) -> tuple[str, ...]:
    """The contacts' titles as they may be written capitalised ("Office Manager"), longest first."""
    titles = {p.title.strip() for p in people if p.title and len(p.title.strip()) >= 3}
    return tuple(sorted(titles, key=len, reverse=True))


def _titles_as_words(text: str, people: tuple[Person, ...]) -> str:
    """A contact's title written with capitals is a role, not a proper name: "the Office Manager has resigned" reads
    as "the office manager has resigned" (``subjects.by_role``), not as "the @x has resigned"."""
    for title in _titles(people):
        if title in text and not title.islower():
            text = re.sub(rf"(?<!\w){re.escape(title)}(?!\w)", title.lower(), text)
    return text


def _sub_proper(sentence: str) -> str:
    def replace(match: re.Match[str]) -> str:
        run = match.group(0)
        if match.start() == 0 or sentence[: match.start()].rstrip().endswith((":", "-", "(", '"', ";")):
            first, _, rest = run.partition(" ")  # a capital that starts a sentence says nothing
            return first + (" " + _sub_proper_run(rest) if rest else "")
        return _sub_proper_run(run)

    return _PROPER_RUN.sub(replace, sentence)


# Note words written in capitals after a name: "the Coral Coast RFP" is "@x rfp", not one name.
_AFTER_A_NAME = word_set("rfp rfps rfi rfq itt rft poc")


def _sub_proper_run(run: str) -> str:
    words = run.split()
    if not words:
        return run
    if len(words) > 1 and words[-1].lower() in _AFTER_A_NAME:
        head, _, last = run.rpartition(" ")
        return _sub_proper_run(head.rstrip()) + " " + last
    if all(w.lower() in COMMON_CAPITALISED or w.isupper() and len(w) <= 5 for w in words):
        return run
    if len(words) > 1 and words[0].lower() == "google" and all(w.lower() in COMMON_CAPITALISED for w in words[1:]):
        return run  # "Google Meet" is a tool; "Google" alone is a company someone may join
    if all(w.lower() in PLACES for w in words):
        return "@l"  # a place: "moved to Berlin" (see review.lexicon.PLACES)
    return "@v" if _VENDOR_SUFFIX.search(run) else "@x"


def mask(sentence: str, people: tuple[Person, ...], account_name: str | None, *, lower_case: bool) -> str:
    """``sentence`` in lower case, with contacts, the account, vendors and other proper names replaced."""
    text = _SHORTHAND.sub(lambda m: _SHORTHANDS[m.group(0).lower()], sentence.replace("’", "'").replace("‘", "'"))
    spans = _name_spans(text, _index(people, account_name), lower_case=lower_case) if people or account_name else []
    if spans:
        parts = []
        at = 0
        for start, stop, who in spans:
            parts += [text[at:start], "@acct" if who == ACCOUNT else f"@p{who}"]
            at = stop
        text = "".join(parts) + text[at:]
    lowered = text.lower()
    if any(word in lowered for word in _VENDOR_WORDS):
        text = _VENDORS.sub("@v", text)
    if not lower_case:
        text = _sub_proper(_titles_as_words(text, people))
        return text.lower()
    return _LOWER_EMPLOYER.sub(_employer, text.lower())


# In a note written all in lower case, the word after "joined", "left for", "gone to", "starts at", "new role at"… is
# an employer unless it is a common word: "julia left for nexa" reads as "left for @x"; after a bare "left" only
# before "for", "in", "last"…, or a comma ("left nexa for a cfo job", not "left feedback on the report").
_LOWER_EMPLOYER = re.compile(
    r"\b((?:joined|joining|left\s+for|leaving\s+for|leaves\s+for|gone\s+to|went\s+to|moved\s+to|off\s+to|starts?\s+at|starting\s+at|"
    r"started\s+at|(?:is|'s)\s+(?:now\s+)?(?:at|with)|now\s+(?:at|with)|(?:role|job|position)\s+at|job\s+with)\s+)"
    r"([a-z][a-z0-9&-]{2,})\b|"
    r"\b((?:left|leaving|leaves|quit|quitting)\s+)(?!mid-)([a-z][a-z0-9&-]{2,})(?=\s*(?:,|\s(?:for|to|in|last|this|after|"
    r"recently|already|end|at\s+the\s+end|\w+\s+ago)\b))"
)
_NOT_EMPLOYER = word_set(
    """the a an our their his her its us them him it me you we they she he for to in on at of by with from as last this
    next early late work home office town today tonight yesterday tomorrow already recently now then and but so after
    before abruptly suddenly over back there here everything all meeting call demo company firm team business role job
    position group org organisation organization earlier end start beginning middle week month year quarter early
    without effective immediately soon shortly around about just also still really only some few couple many two three
    several maternity paternity parental sick medical annual garden leave holiday vacation sabbatical notice good
    another other different new rival competitor competitors startup consultancy agency bank vendor one same when
    while because since until if once twice least most risk lunch dinner breakfast bed school college university
    hospital church court market site customer client partner partners least peace capacity full half stake hand
    hands odds pains ease large length first last best worst liberty loss war play trip holiday holidays vacation
    day night weekend good"""
)


def _employer(match: re.Match[str]) -> str:
    frame, word = (match.group(1), match.group(2)) if match.group(1) else (match.group(3), match.group(4))
    if word in _NOT_EMPLOYER or word in COMMON_CAPITALISED or word in PLACES or word.endswith(("ly", "ing", "ed")):
        return match.group(0)
    return frame + "@x"


def is_lower_case_note(text: str) -> bool:
    return _lower_case_note(text)


def last_mention(sentence: str, people: tuple[Person, ...], *, lower_case: bool) -> int | None:
    """The last contact ``sentence`` names (without masking the rest of it), or None."""
    if not people:
        return None
    found = [who for _, _, who in _name_spans(sentence, _index(people, None), lower_case=lower_case) if who >= 0]
    return found[-1] if found else None
