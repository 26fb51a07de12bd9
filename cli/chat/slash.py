"""What the user typed: a question for the agents, or a slash command. Pure parsing, no I/O."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

CommandName = Literal["account", "brief", "pending", "approve", "help", "quit"]

COMMANDS: dict[str, str] = {
    "account": "/account NAME   focus on an account (name or Zoho id); /account alone shows the current one",
    "brief": "/brief [NAME]   the meeting-prep brief for the current (or named) account",
    "pending": "/pending        proposals waiting for your decision",
    "approve": "/approve        decide on the pending proposals, then run the approved writes once",
    "help": "/help           this list",
    "quit": "/quit           leave (Ctrl-D works too)",
}
ALIASES: dict[str, CommandName] = {"exit": "quit", "q": "quit", "?": "help", "h": "help"}


class Question(BaseModel):
    text: str


class Command(BaseModel):
    name: CommandName
    argument: str = ""


class UnknownCommand(BaseModel):
    typed: str

    @property
    def message(self) -> str:
        return f"Unknown command /{self.typed}. Type /help for the list."


class Blank(BaseModel):
    pass


Parsed = Question | Command | UnknownCommand | Blank


def parse_line(line: str) -> Parsed:
    """``/name args`` → Command (or UnknownCommand); empty → Blank; anything else → Question."""
    text = line.strip()
    if not text:
        return Blank()
    if not text.startswith("/") or text.startswith("//"):
        return Question(text=text[1:] if text.startswith("//") else text)
    head, _, rest = text[1:].partition(" ")
    name = head.strip().lower()
    name = ALIASES.get(name, name)
    if name not in COMMANDS:
        return UnknownCommand(typed=head)
    return Command(name=name, argument=rest.strip())  # type: ignore[arg-type]


def help_lines() -> list[str]:
    return [*COMMANDS.values(), "Anything else is a question for the agents (start with // to send a literal /)."]


__all__ = ["COMMANDS", "Blank", "Command", "Parsed", "Question", "UnknownCommand", "help_lines", "parse_line"]
