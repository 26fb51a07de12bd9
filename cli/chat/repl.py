"""``ChatSession``: the read–dispatch loop of ``python main.py chat``.

Each line is a question (an agent turn, or without a model the deterministic answer) or a slash
command. After an agent turn, the writes it proposed are put to the user right there. Ctrl-D or
``/quit`` leave; Ctrl-C interrupts a running turn, or clears the line at the prompt.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from cli.chat.agent_turns import AgentChat, TurnOutcome
from cli.chat.approval_step import ChatApprovals
from cli.chat.interrupts import InterruptController
from cli.chat.keyless import account_in_question, account_named_in, keyless_label, show_brief
from cli.chat.slash import COMMANDS, Blank, Command, Parsed, Question, UnknownCommand, parse_line
from cli.chat.turn_view import TurnView
from cli.resolve_view import print_resolve_error
from domain.safe_text import safe_inline
from integrations.zoho.errors import ZohoError
from integrations.zoho.gateway import ZohoGateway
from integrations.zoho.models import Account
from review.product_names import ProductNamesSource
from review.thresholds import DEFAULT_THRESHOLDS, Thresholds
from state.errors import StateStoreError

ReadLine = Callable[[str], str]


class ChatSession:
    def __init__(
        self,
        *,
        console: Console,
        gateway: ZohoGateway,
        approvals: ChatApprovals,
        agent: AgentChat | None,
        interrupts: InterruptController,
        read_line: ReadLine,
        memory: Any = None,
        thresholds: Thresholds = DEFAULT_THRESHOLDS,
        product_names: ProductNamesSource | None = None,
    ) -> None:
        self.console = console
        self.gateway = gateway
        self.approvals = approvals
        self.agent = agent
        self.interrupts = interrupts
        self.read_line = read_line
        self.memory = memory
        self.thresholds = thresholds
        self.product_names = product_names  # the org's active products, read at most hourly for the session
        self.account: Account | None = None

    # --- the loop ----------------------------------------------------------------------------------
    def prompt(self) -> str:
        return f"you@{safe_inline(self.account.name, limit=40)}> " if self.account else "you> "

    async def run(self) -> int:
        waiting = self.approvals.pending_count()
        if waiting:
            self.console.print(
                Text(
                    f"{waiting} proposal(s) wait for your decision: /pending to list, /approve to decide.", style="bold"
                )
            )
        while True:
            try:
                line = self.read_line(self.prompt())
            except EOFError:
                self.console.print()
                self.console.print("Bye.")
                return 0
            except KeyboardInterrupt:
                self.console.print()
                self.console.print(Text("(Ctrl-D or /quit to leave)", style="dim"))
                continue
            parsed = parse_line(line)
            if isinstance(parsed, Blank):
                continue
            if isinstance(parsed, Command) and parsed.name == "quit":
                self.console.print("Bye.")
                return 0
            await self.interruptible(parsed)

    async def interruptible(self, parsed: Parsed) -> None:
        """Run one line's work as a task that Ctrl-C can cancel while it waits on the network."""
        loop = asyncio.get_running_loop()
        task = asyncio.ensure_future(self.dispatch(parsed))

        def cancel() -> None:
            loop.call_soon_threadsafe(task.cancel)

        with self.interrupts.during_command(cancel):
            try:
                await task
            except asyncio.CancelledError:
                if not task.cancelled():
                    raise
                self.console.print()
                self.console.print(Text("Stopped.", style="yellow"))

    async def dispatch(self, parsed: Parsed) -> None:
        try:
            if isinstance(parsed, UnknownCommand):
                self.console.print(Text(parsed.message, style="yellow"))
            elif isinstance(parsed, Command):
                await self.command(parsed)
            elif isinstance(parsed, Question):
                await self.question(parsed.text)
        except ZohoError as exc:
            self.console.print(Text(safe_inline(f"Zoho: {exc} — {exc.hint}"), style="red"))
        except StateStoreError as exc:
            self.console.print(Text(f"State store: {exc} — {exc.hint}", style="red"))
        except (KeyboardInterrupt, EOFError):  # at a prompt inside the command (e.g. an approval)
            self.console.print()
            self.console.print(Text("Stopped. Undecided proposals stay pending (/pending, /approve).", style="yellow"))

    # --- slash commands ------------------------------------------------------------------------------
    async def command(self, command: Command) -> None:
        if command.name == "help":
            self.help()
        elif command.name == "account":
            await self.pick_account(command.argument)
        elif command.name == "brief":
            await self.brief(command.argument)
        elif command.name == "pending":
            await self.list_pending()
        elif command.name == "approve":
            await self.approvals.decide_all()

    async def list_pending(self) -> None:
        """The pending proposals, of the account in focus when there is one (and how many others wait)."""
        if self.account is None:
            await self.approvals.list_pending()
            return
        line = Text("Pending for ")
        line.append(safe_inline(self.account.name), style="bold")
        line.append(safe_inline(f" ({self.account.id}):"), style="dim")
        self.console.print(line)
        await self.approvals.list_pending(self.account.id)
        others = self.approvals.pending_count() - self.approvals.pending_count(self.account.id)
        if others:
            self.console.print(Text(f"{others} more on other accounts (/approve walks them all).", style="dim"))

    def help(self) -> None:
        table = Table(show_header=False, box=None, pad_edge=False)
        table.add_column(style="bold")
        table.add_column()
        for line in COMMANDS.values():
            usage, _, what = line.partition("  ")
            table.add_row(usage, what.strip())
        self.console.print(table)
        self.console.print("Anything else is a question for the agents (start with // to send a literal /).")
        if self.agent is None:
            self.console.print(keyless_label())

    async def find(self, ref: str) -> Account | None:
        """The one account ``ref`` names (``briefs.resolve.resolve_account``), or None after saying why."""
        from briefs.resolve import ResolveError, resolve_account

        try:
            return await resolve_account(self.gateway, ref)
        except ResolveError as exc:
            print_resolve_error(self.console, exc, hint="Pick one with /account and its exact name or Zoho id.")
        return None

    async def pick_account(self, ref: str) -> None:
        if not ref:
            if self.account is None:
                self.console.print("No account in focus. Pick one with /account NAME.")
            else:
                self.console.print(Text(f"In focus: {safe_inline(self.account.name)} ({self.account.id})."))
            return
        account = await self.find(ref)
        if account is None:
            return
        self.account = account
        line = Text("Account in focus: ")
        line.append(safe_inline(account.name), style="bold")
        line.append(f" ({account.id})", style="dim")
        self.console.print(line)

    async def brief(self, ref: str) -> None:
        account = await self.find(ref) if ref else self.account
        if account is None:
            if not ref:
                self.console.print("Which account? Use /brief NAME or pick one with /account NAME.")
            return
        await self.show_brief(account)

    async def show_brief(self, account: Account) -> None:
        await show_brief(
            self.console,
            self.gateway,
            self.memory,
            account,
            self.approvals.store,
            self.thresholds,
            self.product_names,
        )

    # --- questions -----------------------------------------------------------------------------------
    async def question(self, text: str) -> None:
        if self.agent is None:
            await self.deterministic_answer(text)
            return
        outcome = await self.agent_turn(self.with_focus(text, await self.account_for(text)))
        self.after_turn(outcome)
        if outcome.proposals:
            await self.put_proposals(outcome.proposals)

    async def account_for(self, text: str) -> Account | None:
        """The account a question is about: one it names in full wins over the one in focus."""
        if self.account is None:
            return None
        named = await account_named_in(self.gateway, text)
        if named is not None and named.id != self.account.id:
            line = Text("About ")
            line.append(safe_inline(named.name), style="bold")
            line.append(f" ({named.id}), named in your question; the focus stays on ", style="dim")
            line.append(safe_inline(self.account.name), style="dim")
            self.console.print(line)
            return named
        return self.account

    def with_focus(self, text: str, account: Account | None) -> str:
        if account is None:
            return text
        return f"{text}\n\nAccount: {account.id} ({account.name})"

    async def agent_turn(self, prompt: str) -> TurnOutcome:
        assert self.agent is not None
        agent = self.agent
        loop = asyncio.get_running_loop()
        view = TurnView(self.console)

        def stop_turn() -> None:
            view.finish()
            self.console.print(Text("Interrupting the turn…", style="yellow"))
            loop.create_task(agent.interrupt())

        def on_interrupt() -> None:  # runs in the signal handler: only schedule work
            loop.call_soon_threadsafe(stop_turn)

        with self.interrupts.during_turn(on_interrupt):
            return await agent.ask(prompt, view)

    def after_turn(self, outcome: TurnOutcome) -> None:
        if outcome.interrupted:
            self.console.print(
                Text("Turn interrupted. The conversation goes on: ask again or carry on.", style="yellow")
            )
        elif outcome.problem:
            self.console.print(Text(safe_inline(outcome.problem), style="red"))
        for warning in outcome.warnings:
            self.console.print(Text(f"⚠ {safe_inline(warning)}", style="yellow"))
        footer = Text()
        if outcome.agents:
            footer.append("agents: " + safe_inline(", ".join(outcome.agents)))
        if outcome.cost_usd:
            footer.append(("  ·  " if footer else "") + f"${outcome.cost_usd:.4f} so far")
        if footer:
            self.console.print(footer, style="dim")

    async def put_proposals(self, ids: list[str]) -> None:
        pending = self.approvals.still_pending(ids)
        if not pending:
            return
        self.console.rule(Text(f"The team proposes {len(pending)} change(s): your decision", style="bold"))
        try:
            await self.approvals.decide_on(pending)
        except (KeyboardInterrupt, EOFError):
            self.console.print()
            self.console.print(Text("Left pending: decide later with /approve.", style="yellow"))

    async def deterministic_answer(self, text: str) -> None:
        """The brief of the account named in full or in focus (the banner said once why: no model key)."""
        account = await self.account_for(text) or await account_in_question(self.console, self.gateway, text)
        if account is None:
            return
        line = Text("Answering from the CRM (deterministic, no model) for ")
        line.append(safe_inline(account.name), style="bold")
        line.append(f" ({account.id}):", style="dim")
        self.console.print(line)
        await self.show_brief(account)


__all__ = ["ChatSession", "ReadLine"]
