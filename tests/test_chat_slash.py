"""Parsing what the user types in ``python main.py chat``."""

from __future__ import annotations

from cli.chat.slash import Blank, Command, Question, UnknownCommand, help_lines, parse_line


def test_plain_text_is_a_question() -> None:
    assert parse_line("  What should I do about Acme?  ") == Question(text="What should I do about Acme?")


def test_slash_commands_with_and_without_arguments() -> None:
    assert parse_line("/account Lumen Retail Corp.") == Command(name="account", argument="Lumen Retail Corp.")
    assert parse_line("/brief") == Command(name="brief", argument="")
    assert parse_line("/PENDING") == Command(name="pending")
    assert parse_line("/approve") == Command(name="approve")
    assert parse_line("/help") == Command(name="help")


def test_aliases_for_leaving_and_help() -> None:
    assert parse_line("/exit") == Command(name="quit")
    assert parse_line("/q") == Command(name="quit")
    assert parse_line("/?") == Command(name="help")


def test_unknown_command_says_how_to_list_them() -> None:
    parsed = parse_line("/delete everything")
    assert isinstance(parsed, UnknownCommand) and parsed.typed == "delete"
    assert "/help" in parsed.message


def test_blank_and_escaped_slash() -> None:
    assert isinstance(parse_line("   "), Blank)
    assert parse_line("//account is a word") == Question(text="/account is a word")


def test_help_names_every_command() -> None:
    text = "\n".join(help_lines())
    for name in ("/account", "/brief", "/pending", "/approve", "/help", "/quit"):
        assert name in text
