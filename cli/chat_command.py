"""``python main.py chat``: an interactive session with the orchestrator and its subagents.

One ``ClaudeSDKClient`` conversation for the whole session; the answer streams and every step shows
which subagent is working. Slash commands: /account NAME, /brief, /pending, /approve, /help, /quit.
Writes the agents propose are put to the user after the turn (the ``approve`` panels and executor).
Without a model key every slash command works and questions get the deterministic answer, labelled.

Exit codes: 0 left normally; 1 the state store or Zoho could not be opened (the message says why).
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import uuid
from collections.abc import Callable
from pathlib import Path

from rich.console import Console
from rich.text import Text

from approvals.composition import open_gateway
from cli.chat.interrupts import InterruptController
from config.settings import Settings
from integrations.zoho.errors import ZohoError
from review.product_names import ProductNamesSource
from review.thresholds import thresholds_for
from state.errors import StateStoreError
from state.store import StateStore

HISTORY_FILE = "chat_history"


def _line_editor(history: Path | None) -> Callable[[str], str]:
    """``input()`` with readline editing and history when a terminal is attached."""
    if history is not None and sys.stdin.isatty():
        try:
            import readline

            with contextlib.suppress(OSError):
                readline.read_history_file(history)
            readline.set_history_length(1000)
            import atexit

            atexit.register(lambda: _save_history(readline, history))
        except ImportError:  # pragma: no cover - platforms without readline
            pass
    return input


def _save_history(readline: object, history: Path) -> None:
    with contextlib.suppress(OSError):
        readline.write_history_file(str(history))  # type: ignore[attr-defined]
        history.chmod(0o600)


def run(settings: Settings, *, console: Console | None = None, read_line: Callable[[str], str] | None = None) -> int:
    console = console or Console(highlight=False)
    settings.ensure_home()
    try:
        store = StateStore.open(settings)
    except StateStoreError as exc:
        console.print(Text(f"{exc} — {exc.hint}", style="red"))
        return 1
    interrupts = InterruptController()
    interrupts.install()
    reader = read_line or _line_editor(settings.home.expanduser() / HISTORY_FILE)
    try:
        return asyncio.run(_main(settings, store, console, interrupts, reader))
    except ZohoError as exc:
        console.print(Text(f"Zoho: {exc} — {exc.hint}", style="red"))
        return 1
    except StateStoreError as exc:
        console.print(Text(f"{exc} — {exc.hint}", style="red"))
        return 1
    finally:
        interrupts.restore()
        store.close()


async def _main(
    settings: Settings,
    store: StateStore,
    console: Console,
    interrupts: InterruptController,
    read_line: Callable[[str], str],
) -> int:
    from agents.availability import model_available
    from agents.session import read_only_memory
    from cli.chat.agent_turns import AgentChat, session_options
    from cli.chat.approval_step import ChatApprovals
    from cli.chat.repl import ChatSession

    where = "the embedded Zoho sandbox (demo data)" if settings.zoho_mode == "sandbox" else "Zoho CRM"
    async with contextlib.AsyncExitStack() as stack:
        with console.status(f"Connecting to {where}…"):
            gateway = await stack.enter_async_context(open_gateway(settings, store))
        notes: list[str] = []
        with console.status("Opening the long-term memory…"):
            memory = await stack.enter_async_context(read_only_memory(settings, notes=notes))
        agent: AgentChat | None = None
        why_keyless: str | None = None
        if model_available(settings):
            run_id = f"chat-{uuid.uuid4().hex[:12]}"
            agent = AgentChat(session_options(settings, gateway=gateway, store=store, memory=memory, run_id=run_id))
            stack.push_async_callback(agent.close)
            try:
                with console.status("Starting the agent session…"):
                    await agent.connect()
            except Exception as exc:  # the CLI could not start: keep the deterministic chat
                why_keyless = f"The agent session could not start ({type(exc).__name__}: {str(exc)[:200]})."
                agent = None
        _banner(console, settings, where, agent is not None, why_keyless)
        for note in notes:
            console.print(Text(note, style="dim"))
        approvals = ChatApprovals(settings, store, gateway, console)
        session = ChatSession(
            console=console,
            gateway=gateway,
            approvals=approvals,
            agent=agent,
            interrupts=interrupts,
            read_line=read_line,
            memory=memory,
            thresholds=thresholds_for(settings),
            product_names=ProductNamesSource(gateway, thresholds_for(settings)),
        )
        return await session.run()
    raise AssertionError("unreachable")  # pragma: no cover - AsyncExitStack does not swallow here


def _banner(console: Console, settings: Settings, where: str, agents: bool, why_keyless: str | None) -> None:
    title = Text("Sergas chat", style="bold")
    title.append(f" — {where}", style="dim")
    console.print(title)
    if agents:
        console.print(
            Text(
                f"Agents: orchestrator + subagents on {settings.model}. Writes are only proposed; "
                "you decide after each answer.",
                style="dim",
            )
        )
    else:
        from cli.chat.keyless import keyless_label

        if why_keyless:
            console.print(Text(why_keyless, style="yellow"))
        console.print(keyless_label())
    console.print(Text("Type a question, /help for commands, Ctrl-D or /quit to leave.", style="dim"))


__all__ = ["run"]
