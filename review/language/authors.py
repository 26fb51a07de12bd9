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
    r"(?:auto-?reply|autoreply|auto-?response|out[- ]of[- ]office(?:\s+reply)?|ooo|oof|bounce-?back|e-?mail|mail|"
    r"message|note|(?:farewell|goodbye)(?:\s+(?:e-?mail|mail|note|message|post))?|post|reply|response|letter|"
    r"announcement|update)"
)
# a mark that opens the message: the sentences after it (and its own) are the sender's
_OPENS = re.compile(
    r"\bfrom:\s*@p(\d+)|"
    rf"\b{_MESSAGE}s?\s+(?:from|by)\s+@p(\d+)|"
    rf"(?<![\w@])@p(\d+)'s\s+{_MESSAGE}\b|"
    rf"(?<![\w@])@p(\d+)\s+is\s+{_MESSAGE}\s*[:\"“]|"  # "Ethan's out of office:" as the reader reads it
    r"\b(?:quoting|quoted|pasting|pasted|forwarding|forwarded)\s+@p(\d+)\b|"
    r"(?<![\w@])@p(\d+)\s+(?:\([^)]*\)\s+)?(?:wrote|writes|e-?mailed|replied|replies|posted|responded|announced)\s*:|"
    r"^\W*@p(\d+)\s*(?:here\b|:)"  # "Seamus here — some news: …", "Bruno: I'm retiring …" (a thread as a chat)
)
# a mark that closes it: a signature (a sign-off and the name, alone), or "that's from Kelly"
_CLOSES = re.compile(
    r"^\W*(?:(?:kind|best|warm|warmest|many|with)\s+)?(?:regards|wishes|thanks|thank\s+you|cheers|sincerely|rgds|br|"
    r"thx|love|all\s+the\s+best|@x)?[\s,!.]*[-–—~]*\s*@p(\d+)\W*$|"  # a capitalised sign-off may read as a name (@x)
    r"\b(?:that's|that\s+is|that\s+was|this\s+is|this\s+was|it's|it\s+was)\s+(?:from|by)\s+@p(\d+)"
)


def _mark(pattern: re.Pattern[str], sentence: str) -> int | None:
    found = pattern.search(sentence)
    if found is None:
        return None
    return int(next(group for group in found.groups() if group is not None))


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


__all__ = ["email_author"]
