"""How a resolver error (``briefs.resolve``) is shown in the terminal: its message, then one candidate per
line. Names come from the CRM: they pass through ``domain.safe_text`` and are printed as ``Text``."""

from __future__ import annotations

from rich.console import Console, Group
from rich.text import Text

from briefs.resolve import ResolveError
from domain.safe_text import safe_inline


def resolve_error_renderable(exc: ResolveError, *, hint: str | None = None) -> Group:
    """``exc.lines()`` (message first, in yellow), then ``hint`` (how to choose in this command)."""
    message, *listed = exc.lines()
    parts = [Text(safe_inline(message), style="yellow"), *(Text(safe_inline(line)) for line in listed)]
    if hint:
        parts.append(Text(hint, style="dim"))
    return Group(*parts)


def print_resolve_error(console: Console, exc: ResolveError, *, hint: str | None = None) -> None:
    console.print(resolve_error_renderable(exc, hint=hint))


__all__ = ["print_resolve_error", "resolve_error_renderable"]
