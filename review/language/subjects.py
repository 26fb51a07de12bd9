"""Who a departure is about: walk back from the verb to its subject, past auxiliaries, adverbs, asides and
reporting frames, and resolve what is found there (a contact, a pronoun, the account, a role, or someone
the account does not know).

    "Heard from @p0 that @p1 left"      → contact 1 (the reporter @p0 is not the subject)
    "@p1, according to @p0, has left"   → contact 1
    "Per @p0, left last week"           → nobody known (a reporter is never the subject)
    "@p0 said she is leaving"           → contact 0 (she → the nearest contact before)
    "their cfo resigned"                → the contact whose title is CFO, if exactly one
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from review.language.people import Person
from review.lexicon import (
    ACCOUNT_WORDS,
    GAP_PHRASES,
    GAP_WORDS,
    PRONOUNS,
    REPORTER_PHRASES,
    REPORTER_WORDS,
    ROLE_STOP,
    TITLE_ABBREVIATIONS,
)

_TOKEN = re.compile(r"@p\d+|@acct|@v|@x|[\w-]+|(?<=\w)'\w+|[^\w\s]")  # "'s" after a word; an opening quote alone
ACCOUNT = -1  # subject: the account itself ("they", "the customer")


@dataclass(frozen=True)
class Context:
    """What the reader knows beyond the sentence: the contacts, the last contact mentioned before this
    sentence, and the contact the note hangs on (the implicit subject of "Left in May.")."""

    people: tuple[Person, ...]
    previous: int | None = None
    implicit: int | None = None
    author: int | None = None  # the sender of a pasted message this sentence is part of: "I" and "my" (authors.py)


def _contact(token: str) -> int | None:
    return int(token[2:]) if token.startswith("@p") and token[2:].isdigit() else None


def _gap_pair(first: str, second: str) -> bool:
    """Two words that may stand between a subject and its verb ("last week", "in May")."""
    if f"{first} {second}" in GAP_PHRASES:
        return True
    return first in ("in", "on") and second.isalpha() and second not in PRONOUNS


def _strip_gap(tokens: list[str]) -> list[str]:
    while tokens:
        if len(tokens) >= 2 and _gap_pair(tokens[-2], tokens[-1]):
            del tokens[-2:]
        elif tokens[-1] == ")" and "(" in tokens:
            del tokens[len(tokens) - 1 - tokens[::-1].index("(") :]
        elif tokens[-1] in GAP_WORDS or tokens[-1] == '"':  # she's "no longer handling…"
            tokens.pop()
        else:
            break
    return tokens


def _is_reported(tokens: list[str], at: int) -> bool:
    """The contact at ``tokens[at]`` follows a preposition or reporting frame ("according to X", "from X")."""
    if at >= 2 and f"{tokens[at - 2]} {tokens[at - 1]}" in REPORTER_PHRASES:
        return True
    return at >= 1 and tokens[at - 1] in REPORTER_WORDS


_REPORTS = re.compile(
    r"^\s*(?:\w+\s+){0,2}?(?:said|says|told\s+(?:us|me)|tells\s+(?:us|me)|confirmed|confirms|mentioned|explained|"
    r"wrote|writes|reported|reports|thinks|believes|added|noted|informed\s+(?:us|me)|let\s+(?:us|me)\s+know)\s+"
    r"(?:that\s+)?$"
)


_MESSAGE_FROM = re.compile(
    r"\b(?:auto-?reply|autoreply|auto-?response|out[- ]of[- ]office|ooo|bounce\w*|e-?mail|message|reply|response)\s+"
    r"from\s+@p(\d+)\s*[:\-–—]\s*\"?\s*(?:(?:she|he|is|has|was|'s)\s+){0,2}$"
)
_SENDER_SAYING = re.compile(
    r"\b(?:from|by)\s+@p(\d+)\s+(?:saying|to\s+say|that\s+says|who\s+says|which\s+says)\s+(?:that\s+)?$"
)
_RELATIVE_ASIDE = re.compile(
    r"(?P<who>@p\d+|@x)\s*,\s*(?:who|which)\b[^,;:.()]*,\s*"
    r"(?:(?:has|had|have|is|was|also|now|since|just|too|already|recently|then|sadly|apparently)\s+)*$"
)
_OBJECT_BEFORE = re.compile(
    r"\b(?:to|with|from|for|about|by|per|via|cc|of|at|than|like|thanks\s+to|according\s+to|told|asked|"
    r"called|emailed|met|pinged)\s+$"
)


# A contact named as the owner of someone else: "@p0's cover", "@p0's old deputy", "@p0's boss".
_RELATION_AFTER = re.compile(
    r"'s\s+(?:old\s+|new\s+|former\s+|line\s+|previous\s+)?(?:cover|deputy|boss|manager|assistant|colleague|pa|husband|"
    r"wife|partner|son|daughter|mum|dad|mother|father|secretary|intern|report|counterpart|opposite\s+number)\b"
)
# The same in brackets after someone else's name: "@x (@p0's cover) emailed: he's got a post" (he is the cover).
_OWNER_IN_ASIDE = re.compile(r"\(\s*(@p\d+)" + _RELATION_AFTER.pattern + r"[^)]{0,20}\)")
_REPORTER_BEFORE = re.compile(r"(?:\bper|\baccording\s+to|\bheard\s+from|\btold\s+by)\s*$")


def nearest_contact(masked: str, position: int, ctx: Context, *, own_sentence_only: bool = False) -> int | None:
    """The contact a pronoun at ``position`` refers to: the nearest one before it, else the previous one.
    After a reporter ("Julia says she was laid off") the pronoun means someone else already named, if any
    ("Priya is no longer there - Julia says she was laid off" → Priya)."""
    sender = _SENDER_SAYING.search(masked, 0, position)
    if sender is not None:  # "an email from @p3 saying she's resigned": the sender
        return int(sender.group(1))
    named = list(re.finditer(r"@p(\d+)", masked[:position]))
    asides = [m.start(1) for m in _OWNER_IN_ASIDE.finditer(masked, 0, position)]
    found = [m for m in named if m.start() not in asides]
    if not found:
        if own_sentence_only or named:  # "@x (@p0's cover) emailed: he's got a post": the cover, not a contact
            return None
        return ctx.previous if ctx.previous is not None else ctx.implicit
    subjects = [m for m in found if not _OBJECT_BEFORE.search(masked[: m.start()])]
    if subjects and subjects[-1] is not found[-1]:  # "Raj handed over to Nora before he left" → Raj
        found = subjects
    nearest = int(found[-1].group(1))
    if _REPORTER_BEFORE.search(masked, 0, found[-1].start()):  # "per @p0 (it), her last day was…": someone else
        others = [int(m.group(1)) for m in found[:-1] if int(m.group(1)) != nearest]
        if others:
            return others[-1]
        return ctx.previous if ctx.previous is not None and ctx.previous != nearest else None
    if _REPORTS.match(masked[found[-1].end() : position]):
        others = [int(m.group(1)) for m in found[:-1] if int(m.group(1)) != nearest]
        if others:
            return others[-1]
        if ctx.previous is not None and ctx.previous != nearest:
            return ctx.previous
    return nearest


def _coordinated(tokens: list[str], at: int) -> list[int]:
    """Contacts joined to ``tokens[at]`` by "and" or commas ("@p0 and @p1 both left")."""
    extra: list[int] = []
    i = at - 1
    joined = False
    while i >= 1 and (tokens[i] in ("and", "&") or tokens[i] == "," and joined):
        contact = _contact(tokens[i - 1])
        if contact is None or _is_reported(tokens, i - 1):
            break
        joined = True
        extra.append(contact)
        i -= 2
    return extra


def _title_words(person: Person) -> set[str]:
    words: set[str] = set()
    for word in re.findall(r"[\w&]+", (person.title or "").lower()):
        words.add(word)
        words.update(TITLE_ABBREVIATIONS.get(word, "").split())
    initials = "".join(w[0] for w in re.findall(r"[a-z]+", (person.title or "").lower()) if w not in ("of", "and"))
    if len(initials) >= 2:
        words.add(initials)
    return words


_NOT_CURRENT = frozenset({"former", "previous", "old", "ex", "prior", "last", "earlier", "predecessor", "outgoing"})


def by_role(words: list[str], people: tuple[Person, ...]) -> int | None:
    """The one contact whose title has every word of ``words`` ("cfo", "ops manager"), else None."""
    if any(w in _NOT_CURRENT for w in words):  # "their previous CFO left": not the CFO we know
        return None
    wanted: list[str] = []
    for word in words:
        if word in ROLE_STOP:
            continue
        wanted += TITLE_ABBREVIATIONS.get(word, word).split()
    if not wanted or wanted == ["it"]:  # "it was retired last year": a thing, not the IT Director
        return None
    if len(people) == 1 and _OUR_CONTACT & set(wanted) and set(wanted) <= _OUR_CONTACT | _OUR_CONTACT_FILLER:
        return 0  # "my contact there has retired", "champion gone": the account's one contact
    wanted = [_LEADS.get(w, w) for w in wanted]
    hits = [i for i, p in enumerate(people) if p.title and all(w in _lead_words(p) for w in wanted)]
    return hits[0] if len(hits) == 1 else None


# The words for "our contact" at an account: who they mean when the account has one contact.
_OUR_CONTACT = frozenset({"contact", "champion", "sponsor", "poc", "day-to-day"})
_OUR_CONTACT_FILLER = frozenset({"my", "there", "over", "go-to", "person", "usual", "only", "sole", "-"})

# "head of IT" and "IT director" are the same role: leadership words match one another.
_LEADS = {w: "@lead" for w in ("head", "director", "lead", "manager", "chief", "boss", "mgr", "dir")}


def _lead_words(person: Person) -> set[str]:
    words = _title_words(person)
    return words | {"@lead"} if words & set(_LEADS) else words


def _role_phrase(tokens: list[str]) -> list[str]:
    """The role words before a verb ("their cfo"); none for someone else's role ("Grace's manager")."""
    words: list[str] = []
    for token in reversed(tokens[-5:]):
        if token in ("'s", "'", "’"):
            return []
        if not re.fullmatch(r"[\w-]+", token) or token in ("and", "that", "who"):
            break
        words.insert(0, token)
        if token in ("the", "their", "our", "its"):
            break
    return words


def _framed_subject(masked: str, start: int) -> list[int] | None:
    """The subject a frame right before the verb names, or None when there is no such frame."""
    speaker = _MESSAGE_FROM.search(masked, 0, start)
    if speaker is not None:  # "Out-of-office from @p1: no longer with the company"
        return [int(speaker.group(1))]
    relative = _RELATIVE_ASIDE.search(masked, 0, start)
    if relative is not None:  # "@p1, who took over from @p0, has also left": the clause's noun, not its object
        named = _contact(relative.group("who"))
        return [named] if named is not None else []
    return None


# A clause without its own subject after one of these has the previous clause's ("Marcus was headhunted by a bank and
# is leaving"; "Katrin moves to Sales from 5/1 - will no longer handle our account"; "not on the project now, so no
# longer our contact").
_SAME_SUBJECT = frozenset(["and", "then", "but", "so", "-", "–", "—"])


_OWNER_OF_ASIDE = re.compile(r"@p(\d+)\s*$")


def aside_owner(masked: str, start: int) -> list[int]:
    """ "@p0 (formerly @x, now at @x) got in touch": the contact an aside in brackets follows, when ``start`` is in
    it."""
    opened = masked.rfind("(", 0, start)
    if opened == -1 or ")" in masked[opened:start]:
        return []
    owner = _OWNER_OF_ASIDE.search(masked, 0, opened)
    return [int(owner.group(1))] if owner is not None else []


def subjects_before(masked: str, start: int, ctx: Context) -> list[int]:
    """Who did what the verb at ``start`` says: contact indexes, ``[ACCOUNT]``, or ``[]`` (unknown)."""
    framed = _framed_subject(masked, start)
    if framed is not None:
        return framed
    raw = _TOKEN.findall(masked[:start])
    if raw and raw[-1] == "then":  # "stays until then for handover, then leaves": the same subject
        raw = [*raw[:-1], "and"]
    tokens = _strip_gap(list(raw))
    if not tokens:
        return [ctx.implicit] if ctx.implicit is not None else []
    joined = not _SAME_SUBJECT.isdisjoint(raw[len(tokens) :])  # "from 5/1 - will no longer": the gap held a "-"
    aside = _aside_contact(raw)
    if aside is not None and _contact(tokens[-1]) is None and tokens[-1] not in ("she", "he", "who"):
        return [aside]  # "The person who signed (Sofia) is gone"
    last = tokens[-1]
    contact = _contact(last)
    if contact is not None:
        if _is_reported(tokens, len(tokens) - 1):
            return []
        return [contact, *_coordinated(tokens, len(tokens) - 1)]
    if last in ("she", "he"):
        return _pronoun_subject(last, masked, start, ctx)
    if last == "who":
        return _relative_subject(tokens, masked, ctx)
    first = _contact(tokens[0])
    if len(tokens) == 2 and first is not None and last in ("out", "gone") and "," in raw[len(tokens) :]:
        return [first]  # "@p0 out, laid off in the reorg"
    modified = _post_modified(tokens)
    if modified is not None:
        return [modified]
    if last in ACCOUNT_WORDS:
        return [ACCOUNT]
    if last in _SAME_SUBJECT or joined:  # "Marcus was headhunted by a bank and is leaving": the same subject
        return _previous_clauses_subject(tokens, masked, start, ctx)
    if last == "i":
        return _first_person(tokens, masked, start, ctx)
    if last in ("@x", "@v", "you"):
        return []
    appositive = _appositive(tokens)
    if appositive is not None:
        return [appositive]
    role = by_role(_role_phrase(tokens), ctx.people)
    return [role] if role is not None else []


# someone named who is no contact greets us: a pronoun after it is that person ("Kim Alvarez says hi, she's at …")
_GREETING_FROM_SOMEONE = re.compile(
    r"@x\s+(?:says|said|sends|sent)\s+(?:(?:her|his|their)\s+)?(?:hi|hello|hey|regards|best|love|thanks)\b"
)


def _pronoun_subject(pronoun: str, masked: str, start: int, ctx: Context) -> list[int]:
    """Who "she" or "he" before ``start`` is: the nearest contact, unless the other pronoun stands between them
    ("@p0 confirmed … she cancelled them the day after he left": she is @p0, he someone else)."""
    said = [m.start() for m in re.finditer(r"\b(?:she|he)\b", masked[:start])]
    at = said[-1] if said else start
    found = nearest_contact(masked, at, ctx)
    if found is None:
        return []
    named = masked.rfind(f"@p{found}", 0, at)
    if named >= 0 and _GREETING_FROM_SOMEONE.search(masked, named, at):  # "@p0: @x says hi, she's at @x now": @x
        return []
    other = "he" if pronoun == "she" else "she"
    return [] if named >= 0 and re.search(rf"\b{other}\b", masked[named:at]) else [found]


def _relative_subject(tokens: list[str], masked: str, ctx: Context) -> list[int]:
    """Who "who" is: the noun before it ("take over from @p1, who is retiring"), a role ("the office manager who
    retired"), nobody for a name that is not a contact's, else the nearest contact."""
    before = tokens[-2] if len(tokens) >= 2 else ","
    at = len(tokens) - (3 if before == "," else 2)
    named = _contact(tokens[at]) if at >= 0 else None
    if named is not None and not (at >= 1 and tokens[at - 1] == "not"):  # "it was @p1, not @p0, who left"
        return [named]
    if before in ("@x", "@v") or (before == "(" and len(tokens) >= 3 and tokens[-3] in ("@x", "@v")):
        return []  # "he replaces Director @x who retired", "@x (who left in April)": someone not in the contacts
    if _contact(before) is None and re.fullmatch(r"[\w-]+", before) and before not in ("she", "he", "they"):
        role = by_role(_role_phrase(tokens[:-1]), ctx.people)
        return [role] if role is not None else []
    found = nearest_contact(masked, len(" ".join(tokens)), ctx)
    return [found] if found is not None else []


def _previous_clauses_subject(tokens: list[str], masked: str, start: int, ctx: Context) -> list[int]:
    """The subject of a clause that has none of its own, after "and", "then", "-"…: the previous clause's, "I" when that
    was the writer ("I've been appointed at @x and will be leaving"), nobody when it was someone not in the contacts
    ("…that Elena (not a contact) handed in notice and is gone")."""
    people = [t for i, t in enumerate(tokens) if t.startswith("@p") or t == "@x" and not _in_phrase(tokens, i)]
    mine = [i for i, t in enumerate(tokens) if t == "i"]
    if mine and (not people or mine[-1] > len(tokens) - 1 - tokens[::-1].index(people[-1])):
        return _first_person(tokens, masked, start, ctx)
    if not people or people[-1] == "@x":
        return []
    found = nearest_contact(masked, len(" ".join(tokens)), ctx, own_sentence_only=True)
    return [found] if found is not None else []


def _first_person(tokens: list[str], masked: str, start: int, ctx: Context) -> list[int]:
    """Who "I" is: the quoted speaker ("an auto-reply from @p0: "I have left …""), else the sender of the pasted
    message the sentence is part of ("From: @p0 … i have left @x", ``authors.py``), else nobody (the account
    manager)."""
    quoted = None
    if '"' in tokens:
        quoted = nearest_contact(masked, masked.rfind('"', 0, start), ctx, own_sentence_only=True)
    if quoted is None:
        quoted = ctx.author
    return [quoted] if quoted is not None else []


_POST_MODIFIER = frozenset({"from", "in", "at", "of", "on"})
_CLAUSE_WORDS = frozenset({"that", "who", "which", "said", "says", "told", "and", "but", "or", "so", "because"})


def _in_phrase(tokens: list[str], at: int) -> bool:
    """ "the @x project", "in @x", "sold @x": a name inside a noun or place phrase, or a verb's object, not someone who
    acts."""
    return at >= 1 and tokens[at - 1] in _BEFORE_AN_OBJECT


_BEFORE_AN_OBJECT = frozenset(
    [
        "the",
        "a",
        "an",
        "in",
        "to",
        "at",
        "for",
        "from",
        "of",
        "with",
        "on",
        "sold",
        "bought",
        "acquired",
        "founded",
        "joined",
        "left",
        "appointed",
        "runs",
        "run",
        "running",
        "manages",
        "managed",
        "leads",
        "led",
        "their",  # "moving to their @x business": a company's name after a possessive
        "our",
        "its",
    ]
)


def _post_modified(tokens: list[str]) -> int | None:
    """ "@p0 from the warehouse team quit", "@p2 from IT left": the contact a short place phrase describes."""
    for back in range(2, min(6, len(tokens))):
        i = len(tokens) - back
        if tokens[i] not in _POST_MODIFIER:
            continue
        contact = _contact(tokens[i - 1])
        rest = tokens[i + 1 :]
        org = tokens[i] in ("at", "from", "of")  # "@p0 at @x passed away": an organisation's name, not a person
        if (
            contact is None
            or _is_reported(tokens, i - 1)
            or any(t.startswith("@") and not (org and t in ("@x", "@v")) for t in rest)
        ):
            return None
        if all(re.fullmatch(r"@[xv]|[\w-]+", t) and t not in _CLAUSE_WORDS for t in rest):
            return contact
        return None
    return None


def _aside_contact(tokens: list[str]) -> int | None:
    """The contact named alone in brackets right before the verb: "(Sofia) is gone"."""
    while tokens and tokens[-1] in GAP_WORDS and tokens[-1] != ")":
        tokens = tokens[:-1]
    if len(tokens) >= 3 and tokens[-1] == ")" and tokens[-3] == "(":
        return _contact(tokens[-2])
    return None


def _appositive(tokens: list[str]) -> int | None:
    """ "@p0, our ops manager," → contact 0; "@p0, their manager who built the whole set-up," → contact 0 (a longer
    aside when it holds a relative clause and no one else)."""
    for back in range(2, min(26, len(tokens) + 1)):
        i = len(tokens) - back
        if back > 8 and ("who" not in tokens[i:] or any(t.startswith("@p") for t in tokens[i + 1 :])):
            continue
        if tokens[i] in (",", "-", "–", "—", "(") and i >= 1:
            contact = _contact(tokens[i - 1])
            if contact is not None and not _is_reported(tokens, i - 1):
                return contact
            return None
    return None


def resolve_group(value: str, masked: str, position: int, ctx: Context) -> int | None:
    """A named group's text ("@p2", "her") as a contact index; none for the owner of someone else ("took over from
    @p0's old deputy": the deputy)."""
    contact = _contact(value)
    if contact is not None:
        return None if _RELATION_AFTER.match(masked, position + len(value)) else contact
    if value in PRONOUNS:
        return nearest_contact(masked, position, ctx)
    if value == "my":
        return ctx.author
    return None
