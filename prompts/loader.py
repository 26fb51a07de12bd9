"""Load an agent's system prompt from the text file next to this module."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal

PromptName = Literal["orchestrator", "zoho_data_scout", "memory_analyst", "recommendation_author", "meeting_brief"]
PROMPTS_DIR = Path(__file__).resolve().parent


@cache
def load_prompt(name: PromptName) -> str:
    """The text of ``prompts/<name>.md``. Raises FileNotFoundError naming the file when it is missing."""
    path = PROMPTS_DIR / f"{name}.md"
    return path.read_text(encoding="utf-8").strip()
