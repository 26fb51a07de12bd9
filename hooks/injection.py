"""A small detector for instruction-like text inside data (possible prompt injection).

It is a tripwire, not a defence: the defences are that CRM text reaches the model wrapped as data, that
no agent can write, and that every proposal waits for a human. The detector only marks proposals whose
evidence (or the data the run read) looks like it tries to give orders, so the human looks twice.
"""

from __future__ import annotations

import re

_PATTERNS = [
    r"\bignore\b.{0,40}\b(instructions?|prompts?|rules|guidelines|directives)\b",
    r"\bdisregard\b.{0,40}\b(instructions?|prompts?|rules|above|previous)\b",
    r"\bforget\b.{0,30}\b(instructions?|everything|rules)\b",
    r"\b(new|updated|real|actual)\s+instructions?\b",
    r"\bsystem\s*prompt\b",
    r"\byou\s+are\s+now\b",
    r"\bact\s+as\b.{0,30}\b(admin|administrator|system|developer)\b",
    r"\b(update|change|modify|delete|set|close|reassign)\b.{0,30}\b(every|all)\b.{0,20}"
    r"\b(accounts?|deals?|records?|contacts?)\b",
    r"\b(call|use|invoke|run)\b.{0,20}\b(the\s+)?(tool|function)\b",
    r"\b(create_task|add_note|update_fields|propose_action|mcp__\w+)\b",
    r"</?\s*(system|assistant|instructions?|system-reminder)\s*>",
    r"\bdo\s+not\s+(tell|inform|mention)\b.{0,30}\b(user|human|manager)\b",
    r"\bwithout\s+(approval|asking|confirmation)\b",
]
_DETECTOR = re.compile("|".join(f"(?:{p})" for p in _PATTERNS), re.IGNORECASE | re.DOTALL)


def looks_like_injection(text: str | None) -> bool:
    """True when ``text`` holds instruction-like phrasing aimed at an AI agent."""
    if not text:
        return False
    return _DETECTOR.search(" ".join(text.split())) is not None


def injection_excerpt(text: str, width: int = 160) -> str | None:
    """The matching phrase with a little context, for warnings and the audit log."""
    flat = " ".join(text.split())
    match = _DETECTOR.search(flat)
    if match is None:
        return None
    start = max(0, match.start() - 40)
    return flat[start : start + width]
