"""An unusable ``SERGAS_HOME`` (a file, under a file, a data folder that is a file) stops every command with one
line naming the setting and the fix, exit code 2, and no traceback; a usable one is created 0700 on first use."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_support import clean_env, run_main

from config import HomeNotUsableError
from config.home import check_home, prepare_home
from config.settings import HOME_FOLDERS

# Every command, with the arguments it needs to get past its own parsing.
COMMANDS: list[tuple[str, ...]] = [
    ("doctor",),
    ("review", "--limit", "1"),
    ("sync",),
    ("approve", "--list"),
    ("audit",),
    ("ask", "What should I do about Acme?"),
    ("brief", "Acme"),
    ("chat",),
    ("memory", "search", "pricing"),
    ("listen",),
    ("sandbox",),
]


def _unusable_homes(tmp_path: Path) -> dict[str, tuple[Path, Path]]:
    """name → (SERGAS_HOME, the path the message must name)."""
    a_file = tmp_path / "a-file"
    a_file.write_text("not a directory")
    with_state_file = tmp_path / "home"
    with_state_file.mkdir()
    (with_state_file / "state").write_text("oops")
    return {
        "is a file": (a_file, a_file),
        "under a file": (a_file / "sub" / "home", a_file),
        "state folder is a file": (with_state_file, with_state_file / "state"),
    }


def test_check_and_prepare_name_the_blocking_path(tmp_path: Path) -> None:
    for name, (home, blocker) in _unusable_homes(tmp_path).items():
        for probe in (check_home, prepare_home):
            with pytest.raises(HomeNotUsableError) as caught:
                probe(home, HOME_FOLDERS)
            message = str(caught.value)
            assert f"{blocker} is a file, not a directory" in message, (name, message)
            assert "SERGAS_HOME" in message and "\n" not in message


def test_check_creates_nothing_and_prepare_creates_0700(tmp_path: Path) -> None:
    home = tmp_path / "new" / "home"
    assert check_home(home, HOME_FOLDERS) == home
    assert not (tmp_path / "new").exists()
    assert prepare_home(home, HOME_FOLDERS) == home
    assert home.is_dir() and home.stat().st_mode & 0o777 == 0o700
    assert list(home.iterdir()) == []  # the write check leaves nothing behind


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_every_command_stops_with_one_line(tmp_path: Path, command: tuple[str, ...]) -> None:
    for name, (home, blocker) in _unusable_homes(tmp_path).items():
        result = run_main(clean_env(SERGAS_HOME=str(home), SERGAS_SANDBOX_ACCOUNTS="10"), *command, timeout=120)
        assert result.returncode == 2, (name, result.returncode, result.stderr[-800:])
        assert "Traceback" not in result.stderr + result.stdout, (name, result.stderr[-800:])
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert len(lines) == 1, (name, lines)
        assert "SERGAS_HOME" in lines[0] and f"{blocker} is a file" in lines[0], (name, lines[0])
