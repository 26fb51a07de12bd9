"""Meeting briefs: one account's state, people, deals, tasks, notes, history, open risks and talking
points, every line citing its record; built by rules (no model), rendered for the terminal, Markdown
or JSON.

    brief = await build_brief(gateway, memory, "Globex")   # a Zoho id or a name
    console.print(brief_renderable(brief))
"""

from briefs.builder import brief_from_view, build_brief
from briefs.markdown import brief_markdown
from briefs.models import Brief
from briefs.resolve import AccountNotFound, AccountRefError, AmbiguousAccount, resolve_account
from briefs.rich_view import brief_renderable


def brief_json(brief: Brief) -> str:
    return brief.model_dump_json(indent=1)


__all__ = [
    "AccountNotFound",
    "AccountRefError",
    "AmbiguousAccount",
    "Brief",
    "brief_from_view",
    "brief_json",
    "brief_markdown",
    "brief_renderable",
    "build_brief",
    "resolve_account",
]
