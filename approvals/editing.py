"""Edit a proposal before approving it, one prompt per editable part.

``ask(label, default)`` returns the operator's answer (the default when they just press Enter); the
CLI passes a rich prompt, the web inbox a form's answers, tests a scripted function. Which questions a
kind asks is the kind's own rule (``edited`` in ``domain.proposals``). The result is validated as a
whole; the kind, account and target never change (the state store refuses that too).
"""

from __future__ import annotations

from domain.proposal_base import CLEAR, Ask
from domain.proposals import ProposedAction


def edit_proposal(proposal: ProposedAction, ask: Ask) -> ProposedAction:
    """Return the edited proposal (raises pydantic ``ValidationError`` when an answer is invalid)."""
    return proposal.edited(ask)


__all__ = ["CLEAR", "Ask", "edit_proposal"]
