"""Editing a proposal in a form with exactly the terminal's questions and validation: the form's fields are
the prompts ``approvals.editing.edit_proposal`` asks (label and default), and the answers go back through
the same function, so what is valid in ``approve`` is valid here and nothing else is.

The fields show the text made safe (``domain.safe_text``): what is approved is what the person saw, so an
invisible control character in a proposal cannot ride along unseen."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ValidationError

from approvals.editing import edit_proposal
from domain.proposals import ProposedAction
from domain.safe_text import safe_block, safe_inline


class Question(BaseModel):
    name: str  # q0, q1, ... in the order the terminal asks
    label: str
    value: str
    long: bool = False


def questions(proposal: ProposedAction, answers: Mapping[str, Any] | None = None) -> list[Question]:
    """The prompts of ``edit_proposal`` for this proposal, with the defaults (or the answers given); a text
    area for the ones its kind says take several lines (``long_questions``)."""
    asked: list[tuple[str, str]] = []

    def record(label: str, default: str) -> str:
        asked.append((label, default))
        return default

    edit_proposal(proposal, record)
    out = []
    for index, (label, default) in enumerate(asked):
        name = f"q{index}"
        value = str(answers[name]) if answers is not None and name in answers else default
        long = label.startswith(type(proposal).long_questions)
        out.append(
            Question(
                name=name, label=safe_inline(label), value=safe_block(value) if long else safe_inline(value), long=long
            )
        )
    return out


class EditRefused(Exception):
    """The answers do not make a valid proposal: ``problems`` says which part and why, one line each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def apply_answers(proposal: ProposedAction, answers: Mapping[str, Any]) -> ProposedAction:
    """The edited proposal, validated as the terminal validates it. Raises ``EditRefused``."""
    counter = iter(range(10_000))

    def ask(label: str, default: str) -> str:
        value = answers.get(f"q{next(counter)}")
        return default if value is None else str(value).replace("\r\n", "\n")

    try:
        return edit_proposal(proposal, ask)
    except ValidationError as exc:
        problems = []
        for error in exc.errors(include_url=False):
            where = ".".join(str(x) for x in error.get("loc", ()))
            problems.append(safe_inline(f"{where}: {error.get('msg')}"))
        raise EditRefused(problems) from None
