"""The orchestrator and its three subagents on claude-agent-sdk.

``review_account`` (the review pipeline's agent reviewer) is imported lazily: ``import agents`` stays
light for commands that never run a model.
"""

from typing import Any

__all__ = ["review_account"]


def __getattr__(name: str) -> Any:
    if name == "review_account":
        from agents.review import review_account

        return review_account
    raise AttributeError(f"module 'agents' has no attribute {name!r}")
