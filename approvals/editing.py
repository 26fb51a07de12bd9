"""Edit a proposal before approving it, one prompt per editable part.

``ask(label, default)`` returns the operator's answer (the default when they just press Enter); the
CLI passes a rich prompt, tests pass a scripted function. The result is validated as a whole; the
kind, account and target never change (the state store refuses that too).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from domain.proposals import ProposedAction

Ask = Callable[[str, str], str]
CLEAR = "-"  # answer that empties an optional text


def _coerce(answer: str, like: Any) -> Any:
    """Keep the type of the proposed value when the answer parses as one."""
    if isinstance(like, bool):
        return answer.strip().lower() in ("1", "true", "yes", "y")
    if isinstance(like, int):
        try:
            return int(answer)
        except ValueError:
            return answer
    if isinstance(like, float):
        try:
            return float(answer)
        except ValueError:
            return answer
    if like is None and answer == "":
        return None
    return answer


def _optional(answer: str) -> str | None:
    return None if answer.strip() in ("", CLEAR) else answer


def edit_proposal(proposal: ProposedAction, ask: Ask) -> ProposedAction:
    """Return the edited proposal (raises pydantic ``ValidationError`` when an answer is invalid)."""
    data = proposal.model_dump(mode="json")
    if proposal.kind == "create_task":
        assert proposal.task is not None
        t = proposal.task
        task = data["task"]
        task["subject"] = ask("Subject", t.subject).strip()
        due = ask(f"Due date (YYYY-MM-DD, '{CLEAR}' for none)", t.due_date.isoformat() if t.due_date else "")
        task["due_date"] = _optional(due.strip())
        task["priority"] = ask("Priority (Highest, High, Normal, Low, Lowest)", t.priority).strip().title()
        desc = ask(f"Description ('{CLEAR}' for none)", t.description or "")
        task["description"] = _optional(desc)
    elif proposal.kind == "add_note":
        assert proposal.note is not None
        note = data["note"]
        note["title"] = _optional(ask(f"Title ('{CLEAR}' for none)", proposal.note.title or ""))
        note["content"] = ask("Content", proposal.note.content)
    elif proposal.kind == "upload_attachment":
        assert proposal.attachment is not None  # the bytes were approved as shown: only the name may change
        data["attachment"]["file_name"] = ask("File name", proposal.attachment.file_name).strip()
    else:
        fields: dict[str, Any] = {}
        for name, value in proposal.fields.items():
            answer = ask(f"New value for {name}", "" if value is None else str(value))
            fields[name] = _coerce(answer, value)
        data["fields"] = fields
    return ProposedAction.model_validate(data)


__all__ = ["CLEAR", "Ask", "edit_proposal"]
