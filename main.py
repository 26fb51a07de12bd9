"""Sergas Super Account Manager — command-line entry point.

Builds the settings once and hands them to the command. Each command's work lives in
``cli/<command>.py``; heavy modules (the agent SDK, cognee) are imported only by the commands
that need them, so ``--help``, ``doctor`` and ``approve`` start fast.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from config import ConfigError, Settings, load_settings
from config.home import check_home
from config.settings import HOME_FOLDERS
from domain.proposals import PROPOSAL_KINDS

app = typer.Typer(
    name="sergas",
    help="Watches your Zoho CRM accounts and tells you what to do next. Nothing is written without your yes.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
memory_app = typer.Typer(help="Ask the long-term memory of account history.", no_args_is_help=True)
app.add_typer(memory_app, name="memory")


def _flags_show_no_value_type() -> None:
    """typer's rich help prints ``<bool>`` in the type column of every flag (``--json``, ``--help``), as if the
    flag took a value; its plain help shows nothing there. Show nothing in the rich help too."""
    from typer.core import TyperOption

    shown = TyperOption.display_type_rich

    def display_type_rich(self: TyperOption, ctx: Any) -> str | None:
        if self.is_flag and not self.count and self.metavar is None:
            return None
        return shown(self, ctx)

    TyperOption.display_type_rich = display_type_rich  # type: ignore[method-assign]


_flags_show_no_value_type()


def _settings(ctx: typer.Context) -> Settings:
    """The settings, once the data directory is known to be usable (checked here, before any command runs:
    one line and exit code 2 instead of a traceback deep inside; nothing is created before the command
    has accepted its arguments)."""
    settings: Settings = ctx.obj
    try:
        check_home(settings.home, HOME_FOLDERS)
    except ConfigError as exc:
        typer.echo(f"Configuration error: {exc}", err=True)
        raise typer.Exit(2) from None
    return settings


@app.callback()
def _load(ctx: typer.Context) -> None:
    """Build the settings once for whichever command runs."""
    if ctx.resilient_parsing:
        return
    try:
        ctx.obj = load_settings()
    except ConfigError as exc:
        typer.echo(f"Configuration error: {exc}", err=True)
        raise typer.Exit(2) from None


def _run(fn: Any, *args: Any, **kwargs: Any) -> None:
    """Run a command function and turn its return value into the exit code; a configuration problem found
    on the way (e.g. an unusable SERGAS_HOME) is one line and exit code 2, never a traceback."""
    try:
        code = fn(*args, **kwargs)
    except ConfigError as exc:
        typer.echo(f"Configuration error: {exc}", err=True)
        raise typer.Exit(2) from None
    raise typer.Exit(int(code or 0))


@app.command()
def sandbox(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=0, max=65535)] = 8765,
    accounts: Annotated[int, typer.Option(help="Accounts in the seeded demo org.", min=1, max=100_000)] = 5000,
    seed: Annotated[int, typer.Option(help="Seed of the demo org.")] = 42,
    client_id: Annotated[str | None, typer.Option(help="OAuth client id it accepts.")] = None,
    client_secret: Annotated[str | None, typer.Option(help="OAuth client secret it accepts.")] = None,
    refresh_token: Annotated[str | None, typer.Option(help="Refresh token it accepts.")] = None,
    reset: Annotated[bool, typer.Option(help="Start from a freshly seeded org, dropping saved writes.")] = False,
    scopes: Annotated[
        str | None, typer.Option(help="OAuth scopes its tokens carry (comma-separated); default: the README's list.")
    ] = None,
    profile: Annotated[
        str, typer.Option(help="Profile of the user its tokens belong to: administrator or standard.")
    ] = "standard",
    edition: Annotated[
        str,
        typer.Option(
            help="Zoho edition whose API credits (rolling 24 h) and concurrency the org gets: "
            "free, standard, professional, enterprise or ultimate."
        ),
    ] = "enterprise",
    user_licenses: Annotated[int, typer.Option(help="User licenses (add credits per license).", min=0)] = 10,
    addon_credits: Annotated[int, typer.Option(help="Purchased add-on API credits.", min=0)] = 0,
) -> None:
    """Run the local Zoho CRM v8 sandbox (OAuth, REST, COQL, bulk, notifications, MCP) with a demo org."""
    from cli.sandbox_command import run

    _run(
        run,
        _settings(ctx),
        host=host,
        port=port,
        accounts=accounts,
        seed=seed,
        client_id=client_id,
        client_secret=client_secret,
        refresh_token=refresh_token,
        reset=reset,
        scopes=scopes,
        profile=profile,
        edition=edition,
        user_licenses=user_licenses,
        addon_credits=addon_credits,
    )


@app.command()
def doctor(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print the checks as JSON.")] = False,
) -> None:
    """Check settings, each Zoho tier, breakers, token store, model key and memory; say how to fix what fails."""
    from cli.doctor_command import run

    _run(run, _settings(ctx), as_json=as_json)


@app.command()
def sync(
    ctx: typer.Context,
    full: Annotated[bool, typer.Option("--full", help="Fetch everything, not only what changed.")] = False,
    since: Annotated[
        str | None,
        typer.Option(help="Fetch what changed since this (24h, 7d or ISO time).", show_default="since the last sync"),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Fetch from Zoho (bulk) and store into long-term memory, incrementally."""
    from cli.sync_command import run

    _run(run, _settings(ctx), full=full, since=since, as_json=as_json)


@memory_app.command("search")
def memory_search(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="What to look for, in plain words.")],
    account: Annotated[
        str | None, typer.Option(help="Only this account (a name, part of one, or the Zoho id).")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=100, help="Show at most this many results.")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print results as JSON.")] = False,
) -> None:
    """Search account history by meaning; every result cites its record."""
    from cli.memory_command import search

    _run(search, _settings(ctx), query=query, account=account, limit=limit, as_json=as_json)


@app.command()
def ask(
    ctx: typer.Context,
    question: Annotated[str, typer.Argument(help="Your question, e.g. 'What should I do about Acme this week?'")],
    account: Annotated[str | None, typer.Option(help="Focus on this account (Zoho id or name).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the answer as JSON.")] = False,
) -> None:
    """One orchestrated answer. Proposed writes land in the approval queue."""
    from cli.ask_command import run

    _run(run, _settings(ctx), question=question, account=account, as_json=as_json)


@app.command()
def review(
    ctx: typer.Context,
    owner: Annotated[str | None, typer.Option(help="Only accounts owned by this user (email or Zoho user id).")] = None,
    since: Annotated[
        str | None,
        typer.Option(help="Changes since (24h, 7d or ISO time).", show_default="since the last successful review"),
    ] = None,
    limit: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="Agent-review at most this many of the flagged accounts (all are triaged).",
            show_default=f"SERGAS_REVIEW_TOP_N, {Settings.model_fields['review_top_n'].default} unless set",
        ),
    ] = None,
    budget_usd: Annotated[float | None, typer.Option(min=0.0, help="Model budget for the run.")] = None,
    concurrency: Annotated[int | None, typer.Option(min=1, max=32, help="Agent sessions at once.")] = None,
    report: Annotated[Path | None, typer.Option(help="Write the report here (.md or .html).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the run as JSON.")] = False,
    attach: Annotated[
        bool, typer.Option("--attach", help="Queue each reviewed account's report as an attachment (approval needed).")
    ] = False,
) -> None:
    """The scheduled account review: sync, triage every account, agent review of the top ones, report."""
    from cli.review_command import run

    _run(
        run,
        _settings(ctx),
        owner=owner,
        since=since,
        limit=limit,
        budget_usd=budget_usd,
        concurrency=concurrency,
        report=report,
        as_json=as_json,
        attach=attach,
    )


@app.command()
def approve(
    ctx: typer.Context,
    list_only: Annotated[bool, typer.Option("--list", help="List pending proposals and exit.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="With --list: print JSON.")] = False,
    account: Annotated[str | None, typer.Option(help="Only proposals for this account (name or Zoho id).")] = None,
    owner: Annotated[
        str | None, typer.Option(help="Only proposals for accounts owned by this user (email or Zoho user id).")
    ] = None,
    kind: Annotated[str | None, typer.Option(help=f"Only this kind: {', '.join(PROPOSAL_KINDS)}.")] = None,
    approve_all: Annotated[
        bool, typer.Option("--approve-all", help="Approve every proposal matching the filters.")
    ] = False,
    reject_all: Annotated[str | None, typer.Option("--reject-all", help="Reject every match with this reason.")] = None,
    execute_only: Annotated[
        bool, typer.Option("--execute", help="Only (re)execute already approved proposals.")
    ] = False,
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="With --approve-all / --reject-all and no filter: do not ask first.")
    ] = False,
) -> None:
    """Review pending proposals: approve, edit, reject or skip. Each approved write runs at once, exactly once."""
    from cli.approve_command import run

    _run(
        run,
        _settings(ctx),
        list_only=list_only,
        as_json=as_json,
        account=account,
        owner=owner,
        kind=kind,
        approve_all=approve_all,
        reject_all=reject_all,
        execute_only=execute_only,
        yes=yes,
    )


@app.command()
def chat(ctx: typer.Context) -> None:
    """Interactive session with the orchestrator (/account, /brief, /pending, /approve, /help, /quit)."""
    from cli.chat_command import run

    _run(run, _settings(ctx))


@app.command()
def brief(
    ctx: typer.Context,
    account: Annotated[str, typer.Argument(help="Account id or name.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the brief as JSON.")] = False,
    attach: Annotated[bool, typer.Option("--attach", help="Propose attaching the brief to the account.")] = False,
) -> None:
    """Meeting-prep brief for one account: state, history, risks, talking points, citations."""
    from cli.brief_command import run

    _run(run, _settings(ctx), account=account, as_json=as_json, attach=attach)


@app.command()
def audit(
    ctx: typer.Context,
    account: Annotated[str | None, typer.Option(help="Only this account (name or Zoho id).")] = None,
    owner: Annotated[str | None, typer.Option(help="Only accounts owned by this user (email or Zoho user id).")] = None,
    run_id: Annotated[str | None, typer.Option("--run", help="Only this run id.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """Show the chain proposal → approval → write, and the tool calls behind it."""
    from cli.audit_command import run

    _run(run, _settings(ctx), account=account, owner=owner, run_id=run_id, as_json=as_json)


@app.command()
def listen(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port the listener takes Zoho's callbacks on.")] = 8780,
    public_url: Annotated[str | None, typer.Option(help="URL Zoho calls (behind your HTTPS proxy).")] = None,
) -> None:
    """Near-real-time reviews: subscribe to Zoho notifications and review changed accounts."""
    from cli.listen_command import run

    _run(run, _settings(ctx), host=host, port=port, public_url=public_url)


@app.command()
def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port to listen on (0 picks a free one).")] = 8080,
    public_url: Annotated[
        str | None, typer.Option(help="The URL people open (your HTTPS proxy); Zoho redirects to it.")
    ] = None,
) -> None:
    """The web inbox: account managers sign in with Zoho and decide the proposals for their own accounts."""
    from cli.serve_command import run

    _run(run, _settings(ctx), host=host, port=port, public_url=public_url)


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("Interrupted.", err=True)
        sys.exit(130)


if __name__ == "__main__":
    main()
