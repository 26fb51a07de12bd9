"""System prompts of the agents, one text file each (``load_prompt(name)``)."""

from prompts.loader import PromptName, load_prompt

__all__ = ["PromptName", "load_prompt"]
