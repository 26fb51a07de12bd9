"""``--help`` of every command, through the real CLI: each option and argument has a description, flags show no
value type (before: ``<bool>`` on every flag, ``--help`` included), and options whose default is not a value
(``review --since/--limit``, ``sync --since``) say what the default is."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import typer.main
from cli_support import clean_env, run_main

import main


def _commands(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    subcommands = getattr(command, "commands", None)
    if subcommands:
        for name, sub in subcommands.items():
            yield from _commands(sub, (*path, name))
    else:
        yield path, command


COMMANDS = dict(_commands(typer.main.get_command(main.app)))


def _help(*path: str) -> str:
    result = run_main(clean_env(COLUMNS="200"), *path, "--help", timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


def _row(text: str, option: str) -> str:
    """The help table's row of ``option`` with its continuation lines (the text until the next option)."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.lstrip("│ ").startswith(f"{option} "))
    end = next((i for i, line in enumerate(lines[start + 1 :]) if line.lstrip("│ ").startswith("-")), 0)
    return " ".join(" ".join(line.strip("│╰─ ").split()) for line in lines[start : start + 1 + end])


def test_there_are_commands_to_check() -> None:
    assert {("review",), ("listen",), ("memory", "search"), ("doctor",), ("chat",)} <= set(COMMANDS)


@pytest.mark.parametrize("path", sorted(COMMANDS), ids=" ".join)
def test_every_option_has_a_description_and_flags_no_value_type(path: tuple[str, ...]) -> None:
    text = _help(*path)
    assert "<bool>" not in text
    for param in COMMANDS[path].params:
        assert (param.help or "").strip(), f"{' '.join(path)}: {param.name} has no description"
        if param.param_type_name != "option":
            continue
        row = _row(text, param.opts[0])
        assert param.help.split()[0] in row, (param.opts[0], row)
        if getattr(param, "is_flag", False) and not param.secondary_opts:
            # the flag's names (``--yes -y``), then straight away its description: no value type between
            assert row.split()[len(param.opts)] == param.help.split()[0], f"a flag shows a value type: {row}"
    assert _row(text, "--help").split()[1] == "Show", "--help shows a value type"


def test_options_without_a_value_default_say_what_they_default_to() -> None:
    review = _help("review")
    assert "[default: (since the last successful review)]" in _row(review, "--since")
    assert "[default: (SERGAS_REVIEW_TOP_N, 25 unless set)]" in _row(review, "--limit")
    assert "[default: (since the last sync)]" in _row(_help("sync"), "--since")
    port = _row(_help("listen"), "--port")
    assert "callbacks" in port and "[default: 8780]" in port
