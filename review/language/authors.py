"""Who wrote a pasted email. Account managers paste auto-replies, farewells and forwarded messages into notes; in
them "I" and "my" are the sender ("I have left Pinecrest Analytics.", "today is my last day"), not the account manager,
when the note names the sender as a contact: "Pasting Ethan's out of office:", "From: Rebecca Stone", "Auto-reply
from Harvey Quinn", "Best wishes, Harvey Quinn", "that's from Kelly Brown". Read on masked sentences (contacts as
``@pN``); without such a sender, "I" stays the account manager and names nobody.
"""

from __future__ import annotations

import re
from collections.abc import Callable

REACH = 4  # sentences between the sender's mark and the first-person sentence: one pasted message, not the whole note

_MESSAGE = (
    r"(?:(?:auto-?|automatic\s+)(?:reply|response)|autoreply|out[- ]of[- ]office(?:\s+reply)?|ooo|oof|bounce-?back|"
    r"e-?mail|mail|message|note|(?:farewell|goodbye)(?:\s+(?:e-?mail|mail|note|message|post))?|post|reply|response|letter|"
    r"announcement|update)"
)
# a mark that opens the message: the sentences after it (and its own) are the sender's
_OPENS = re.compile(
    r"\bfrom:\s*@p(\d+)|"
    rf"\b{_MESSAGE}s?\s+(?:received\s+|back\s+)?(?:from|by)\s+@p(\d+)|"
    r"\b(?:e-?mailed|wrote\s+to|messaged|pinged)\s+@p(\d+)\b[^.;]*\b(?:got|received|had)\s+(?:this|the\s+following|"
    r"an?\s+(?:auto-?reply|reply|bounce|ooo|out[- ]of[- ]office))\s+back\b|"
    r"(?<![\w@])@p(\d+)\s+(?:forwarded|sent|shared)\s+(?:us\s+|me\s+)?(?:this|the\s+following)\b|"
    rf"(?<![\w@])@p(\d+)'s\s+{_MESSAGE}\b|"
    rf"(?<![\w@])@p(\d+)\s+is\s+{_MESSAGE}\s*[:\"“]|"  # "Ethan's out of office:" as the reader reads it
    r"\b(?:quoting|quoted|pasting|pasted|forwarding|forwarded)\s+@p(\d+)(?:'s)?\b|"
    r"^\W*(?:fwd?|fw|from)\s*(?:from\s+|:\s*)?@p(\d+)\b[^.;:]{0,24}:|"
    r"(?<![\w@])@p(\d+)\s+(?:\([^)]*\)\s+)?(?:wrote|writes|e-?mailed|replied|replies|posted|responded|announced)\s*:|"
    r"^\W*@p(\d+)\s*(?:here\b|:)"  # "Seamus here — some news: …", "Bruno: I'm retiring …" (a thread as a chat)
)
# a mark that closes it: a signature (a sign-off and the name, alone), or "that's from Kelly"
_CLOSES = re.compile(
    r"^\W*(?:(?:kind|best|warm|warmest|many|with)\s+)?(?:regards|wishes|thanks|thank\s+you|cheers|sincerely|rgds|br|"
    # a capitalised sign-off may read as a name (@x)
    r"thx|love|all\s+the\s+best|best|warmly|yours|ta|@x)?[\s,!.]*[-–—~]*\s*@p(\d+)\W*$|"
    r"\b(?:that's|that\s+is|that\s+was|this\s+is|this\s+was|it's|it\s+was)\s+(?:from|by)\s+@p(\d+)"
)


def _mark(pattern: re.Pattern[str], sentence: str) -> int | None:
    found = pattern.search(sentence)
    if found is None:
        return None
    return int(next(group for group in found.groups() if group is not None))


def message_body(sentence: str) -> str:
    """``sentence`` without the words that open a pasted message in it ("OOO from @p0: 'I have left …'" → "'I have
    left …'"): an out-of-office is the envelope, not a leave of absence."""
    opened = _OPENS.search(sentence)
    return sentence[opened.end() :] if opened is not None else sentence


def email_author(masked: Callable[[int], str], count: int, number: int) -> int | None:
    """The contact who wrote sentence ``number`` of a note of ``count`` sentences (``masked(i)``: sentence ``i``
    masked), when it is part of a message the note pastes and names the sender of; else None."""
    for earlier in range(number, max(-1, number - REACH - 1), -1):
        opened = _mark(_OPENS, masked(earlier))
        if opened is not None:
            return opened
    for later in range(number, min(count, number + REACH + 1)):
        closed = _mark(_CLOSES, masked(later))
        if closed is not None:
            return closed
    return None


__all__ = ["email_author", "message_body"]
