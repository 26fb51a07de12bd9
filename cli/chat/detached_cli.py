"""Run the Claude Code CLI in its own session, so Ctrl-C at the terminal reaches only the chat.

The SDK starts the CLI in the chat's process group: a Ctrl-C typed in the terminal would also hit the
CLI and end its session (the conversation would be lost). The chat handles Ctrl-C itself — it asks the
running turn to stop through ``ClaudeSDKClient.interrupt()`` — so the CLI is started through a tiny
launcher that calls ``setsid()`` and then execs the real CLI (same pid, no terminal, no stray signals).
POSIX only; elsewhere the options are left as they are.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from claude_agent_sdk import ClaudeAgentOptions

LAUNCHER = "claude-detached"


def bundled_cli() -> Path | None:
    """The CLI the SDK would run: the one bundled in its wheel, else ``claude`` on PATH."""
    import claude_agent_sdk

    bundled = Path(claude_agent_sdk.__file__).parent / "_bundled" / "claude"
    if bundled.is_file():
        return bundled
    found = shutil.which("claude")
    return Path(found) if found else None


def launcher_text(target: Path) -> str:
    return (
        f"#!{sys.executable}\n"
        "# Written by `python main.py chat`: start the Claude Code CLI detached from the terminal.\n"
        "import os, sys\n"
        "try:\n"
        "    os.setsid()\n"
        "except OSError:\n"
        "    pass\n"
        f"os.execv({str(target)!r}, [{str(target)!r}, *sys.argv[1:]])\n"
    )


def detach_cli(options: ClaudeAgentOptions, directory: Path) -> bool:
    """Point ``options.cli_path`` at a launcher in ``directory``; False when not possible here."""
    if os.name != "posix":
        return False
    target = Path(options.cli_path) if options.cli_path is not None else bundled_cli()
    if target is None:
        return False
    directory.mkdir(parents=True, exist_ok=True)
    launcher = directory / LAUNCHER
    text = launcher_text(target)
    if not launcher.is_file() or launcher.read_text() != text:
        tmp = launcher.with_suffix(".tmp")
        tmp.write_text(text)
        tmp.chmod(0o700)
        tmp.replace(launcher)
    options.cli_path = launcher
    return True


__all__ = ["detach_cli"]
