"""How a resolver error (``briefs.resolve``) is shown in the terminal: its message, then one candidate per
line. Names come from the CRM: they pass through ``domain.safe_text`` and are printed as ``Text``."""

from __future__ import annotations

from rich.console import Console, Group
from rich.text import Text

from briefs.resolve import ResolveError
from domain.safe_text import safe_inline
from integrations.zoho.errors import ZohoError


def resolve_error_renderable(exc: ResolveError, *, hint: str | None = None) -> Group:
    """``exc.lines()`` (message first, in yellow), then ``hint`` (how to choose in this command)."""
    message, *listed = exc.lines()
    parts = [Text(safe_inline(message), style="yellow"), *(Text(safe_inline(line)) for line in listed)]
    if hint:
        parts.append(Text(hint, style="dim"))
    return Group(*parts)


def print_resolve_error(console: Console, exc: ResolveError, *, hint: str | None = None) -> None:
    console.print(resolve_error_renderable(exc, hint=hint))


def report_lookup_failure(console: Console, exc: ResolveError | ZohoError) -> int:
    """Say why a lookup of ``--account`` / ``--owner`` failed; the exit code: 2 names nothing, 1 Zoho failed."""
    if isinstance(exc, ResolveError):
        print_resolve_error(console, exc)
        return 2
    console.print(Text(f"Zoho: {exc} — {exc.hint}", style="red"))
    return 1


__all__ = ["print_resolve_error", "report_lookup_failure", "resolve_error_renderable"]
