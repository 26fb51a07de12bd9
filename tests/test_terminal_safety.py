"""CRM text cannot act on the terminal: an account name planted through the sandbox's REST API with
cursor-moving, line-erasing, title-setting and clipboard-writing escape sequences is shown as visible
symbols by ``approve`` (rendered by a real terminal emulator, pyte), ``approve --list`` and ``brief``;
the SUSPICIOUS banner and the whole change stay on the screen."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

import pexpect
import pyte
import pytest
from cli_support import run_main, sandbox_cli_env, spawn_main
from sandbox_rest import SandboxRest

from config import load_settings
from domain.proposals import Citation, CreateTaskProposal, TaskDraft
from sandbox.embedded import RunningSandbox
from state.store import StateStore

pytestmark = pytest.mark.slow

ERASER = "\x1b7\x1b[2A\x1b[2M\x1b8\x1b[2A"  # save cursor, up 2, delete 2 lines, restore, up 2
OSC_CLIPBOARD = "\x1b]52;c;cm0gLXJmIH4K\x07"  # write "rm -rf ~" to the clipboard
OSC_TITLE = "\x1b]0;approved\x07"
NAME = f"Indigo Energy Corp.{ERASER}{OSC_CLIPBOARD}{OSC_TITLE}[bold red]x[/]"
ROWS, COLS = 80, 160


def plant(sandbox: RunningSandbox) -> dict[str, Any]:
    """The first account renamed, through the REST API, to the hostile name; returns it as Zoho has it."""
    account = sandbox.store.list_records("Accounts")[0]
    rest = SandboxRest(sandbox)
    rest.update("Accounts", account["id"], {"Account_Name": NAME})
    planted = rest.get("Accounts", account["id"])
    assert planted["Account_Name"] == NAME
    return planted


def queue_quoting_the_name(home: Path, account: dict[str, Any]) -> None:
    """A proposal an agent made after reading the account: it quotes the name in every text field."""
    name = account["Account_Name"]
    proposal = CreateTaskProposal(
        account_id=account["id"],
        target_id=account["id"],
        task=TaskDraft(subject=f"Renewal call with {name}", due_date=date(2026, 12, 15), priority="High"),
        rationale=f"{name} has been silent for 60 days",
        evidence=[Citation(record_id=account["id"], module="Accounts", excerpt=f"Account {name}")],
    )
    with StateStore.open(load_settings(home=home)) as store:
        store.enqueue(proposal, run_id="r1", suspicious=True)


def screen_of(raw: str) -> pyte.Screen:
    screen = pyte.Screen(COLS, ROWS)
    pyte.Stream(screen).feed(raw)
    return screen


def test_approve_panel_survives_escape_sequences_in_crm_text(sandbox: RunningSandbox, tmp_path: Path) -> None:
    home = tmp_path / "home"
    account = plant(sandbox)
    queue_quoting_the_name(home, account)
    raw = io.StringIO()
    child = spawn_main(
        sandbox_cli_env(sandbox, home, COLUMNS=str(COLS), LINES=str(ROWS), TERM="xterm-256color"),
        "approve",
        rows=ROWS,
        columns=COLS,
    )
    child.logfile_read = raw
    try:
        child.expect(r"\[q\]uit")
        child.sendline("e")  # the edit prompts show the proposal's text as their defaults
        for label in ("Subject", "Due date", "Priority", "Description"):
            child.expect(label)
            child.expect(r"\)\S*: ")  # the prompt, after its (default)
            child.sendline("")  # keep the default
        child.expect("Done: ")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    screen = screen_of(raw.getvalue())
    shown = "\n".join(screen.display)
    for must in ("SUSPICIOUS", "Check the change carefully", "Subject", "Due", "2026-12-15", "Priority", "High"):
        assert must in shown, f"{must!r} is not on the screen:\n{shown}"
    assert "Indigo Energy Corp.\u241b7\u241b[2A\u241b[2M\u241b8\u241b[2A" in shown  # visible, not obeyed
    assert "[bold red]x[/]" in shown  # rich markup in CRM text is shown as typed
    assert screen.title == "" and screen.icon_name == ""  # OSC 0 did not set the window title
    assert "\x1b]52" not in raw.getvalue() and "\x1b]0;" not in raw.getvalue()  # nor reached the clipboard
    assert "\x1b7" not in raw.getvalue() and "\x1b[2M" not in raw.getvalue()  # not in the edit prompts either


def test_list_and_brief_show_escape_sequences_as_symbols(sandbox: RunningSandbox, tmp_path: Path) -> None:
    home = tmp_path / "home"
    account = plant(sandbox)
    queue_quoting_the_name(home, account)
    env = sandbox_cli_env(sandbox, home, COLUMNS="200")
    listed = run_main(env, "approve", "--list")
    brief = run_main(env, "brief", account["id"])
    for done in (listed, brief):
        assert done.returncode == 0, done.stdout + done.stderr
        assert "\x1b" not in done.stdout and "\x07" not in done.stdout
        assert "\u241b" in done.stdout  # ESC shown as a visible symbol
