"""The sentences the product writes around CRM text: one way to end them."""

from __future__ import annotations

_CLOSERS = "\u201d\u2019\"')]"


def as_sentence(text: str) -> str:
    """``text`` ending in one full stop: “…after 6 wks.” and “Cedar Media Corp.” already end their sentence."""
    return text if text.rstrip(_CLOSERS).endswith((".", "!", "?", "\u2026")) else f"{text}."
