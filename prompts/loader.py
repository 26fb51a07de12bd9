"""Load an agent's system prompt from the text file next to this module.

A prompt may name the proposal kinds through placeholders filled from ``domain.proposals`` (never by hand,
so the prompt cannot fall behind the kinds an agent may propose):

- ``{proposal_kinds}``: "create_task, add_note or update_fields";
- ``{proposal_changes}``: each kind's payload, "`task` with subject, ...; or `note` with title and content; ...".
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal

from domain.proposals import AGENT_TYPES

PromptName = Literal["orchestrator", "zoho_data_scout", "memory_analyst", "recommendation_author", "meeting_brief"]
PROMPTS_DIR = Path(__file__).resolve().parent


def _either(items: list[str], last: str, sep: str = ", ") -> str:
    return items[0] if len(items) == 1 else f"{sep.join(items[:-1])}{last}{items[-1]}"


def placeholders() -> dict[str, str]:
    """What each placeholder of a prompt stands for."""
    return {
        "{proposal_kinds}": _either([t.kind_name() for t in AGENT_TYPES], " or "),
        "{proposal_changes}": _either([t.prompt_hint for t in AGENT_TYPES], "; or ", sep="; or "),
    }


@cache
def load_prompt(name: PromptName) -> str:
    """The text of ``prompts/<name>.md``, placeholders filled. Raises FileNotFoundError naming the file when
    it is missing."""
    path = PROMPTS_DIR / f"{name}.md"
    text = path.read_text(encoding="utf-8").strip()
    for placeholder, value in placeholders().items():
        text = text.replace(placeholder, value)
    return text
