"""``python main.py ask "QUESTION" [--account REF] [--json]``: one answer about your accounts.

With a model key the orchestrator and its subagents answer (``agents.runner.run_orchestrator`` over
``agents.session.build_session_options``); proposed writes wait in the approval queue
(``python main.py approve``). Without a key the answer is the account's deterministic meeting brief
(``briefs.build_brief``), labelled as such.

Exit codes: 0 answered; 1 the run stopped (budget, turn limit, model API failing) or Zoho/the state store
failed: the message says what happened, and only whole proposals were queued; 2 no single account
matches (the candidates are listed).
"""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

from rich.console import Console, Group
from rich.markdown import Markdown
from rich.panel import Panel
from rich.text import Text

from briefs.resolve import ResolveError
from cli.resolve_view import print_resolve_error
from config.settings import Settings
from domain.safe_text import safe_block, safe_inline

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
CHOOSE_HINT = "Name the account with --account NAME (or its Zoho id)."
APPROVE_HINT = "Nothing was written to the CRM: review the proposals with `python main.py approve`."


# --- shared with cli.brief_command ------------------------------------------------------------
def agent_json(result: Any, **extra: Any) -> dict[str, Any]:
    """The JSON shape of an agent answer (``agents.runner.AgentRunResult``)."""
    return {
        "deterministic": False,
        "run_id": result.run_id,
        "answer": result.answer,
        "proposals": result.proposals,
        "suspicious_proposals": result.suspicious_proposals,
        "cost_usd": round(result.cost_usd, 6),
        "input_tokens": result.input_tokens,
        "output_tokens": result.output_tokens,
        "num_turns": result.num_turns,
        "stopped_reason": result.stopped_reason,
        "warnings": result.warnings,
        "mcp_servers": result.mcp_servers,
        **extra,
    }


def agent_renderable(result: Any, title: str) -> Group:
    parts: list[Any] = [
        Panel(
            Markdown(safe_block(result.answer or "(no answer)"), hyperlinks=False),
            title=title,
            border_style="cyan" if result.ok else "red",
        )
    ]
    if result.proposals:
        parts.append(
            Text(
                f"{len(result.proposals)} proposal(s) queued for approval: " + ", ".join(result.proposals), style="bold"
            )
        )
        parts.append(Text(APPROVE_HINT))
    if result.suspicious_proposals:
        parts.append(Text(f"Suspicious (check twice): {', '.join(result.suspicious_proposals)}", style="yellow"))
    for warning in result.warnings:
        parts.append(Text(f"⚠ {safe_inline(warning)}", style="yellow"))
    parts.append(
        Text(
            f"Model cost ${result.cost_usd:.4f}, {result.input_tokens:,} in / {result.output_tokens:,} "
            f"out tokens, {result.num_turns} turns; run {result.run_id}",
            style="dim",
        )
    )
    return Group(*parts)


async def resolve_ref(gateway: Any, ref: str) -> Any:
    """``briefs.resolve.resolve_account``; its ``ResolveError`` is shown by ``cli.resolve_view`` (exit 2)."""
    from briefs.resolve import resolve_account

    return await resolve_account(gateway, ref)


async def run_agents(
    settings: Settings, gateway: Any, store: Any, prompt: str, model_env: dict[str, str] | None = None
) -> Any:
    """One orchestrated run on ``prompt`` with the store's queue and audit and the read-only memory."""
    from agents.memory_access import read_only_memory
    from agents.runner import run_orchestrator
    from agents.session import build_session_options
    from approvals.agent_door import store_approvals

    notes: list[str] = []
    async with read_only_memory(settings, notes=notes) as memory:
        options = build_session_options(
            settings,
            gateway=gateway,
            approvals=store_approvals(settings, store, gateway),
            memory=memory,
            model_env=model_env,
        )
        return await run_orchestrator(options, prompt)


def open_store(settings: Settings, err: Console) -> Any:
    from state.store import StateStore

    settings.ensure_home()
    try:
        return StateStore.open(settings)
    except Exception as exc:  # the store's own errors say how to fix them
        err.print(Text(safe_inline(f"State store: {exc}"), style="red"))
        return None


def zoho_failure(exc: BaseException) -> str | None:
    from integrations.zoho.credits import stop_message
    from integrations.zoho.errors import ZohoCreditsExhaustedError, ZohoError

    if isinstance(exc, ZohoCreditsExhaustedError):
        return stop_message(exc)
    if isinstance(exc, ZohoError):
        return f"Zoho: {exc} — {exc.hint}" if getattr(exc, "hint", None) else f"Zoho: {exc}"
    return None


# --- the deterministic answer -----------------------------------------------------------------
async def deterministic_brief(settings: Settings, gateway: Any, account: Any, decisions: Any = None) -> Any:
    """The rule-built brief; ``decisions`` (the state store) makes it list and respect past decisions."""
    from agents.memory_access import read_only_memory
    from briefs import build_brief
    from review.product_names import ProductNamesSource
    from review.thresholds import thresholds_for

    products = ProductNamesSource(gateway, thresholds_for(settings))  # the org's active products: one read
    async with read_only_memory(settings) as memory:
        return await build_brief(gateway, memory, account.id, decisions=decisions, product_names=products)


# --- the command --------------------------------------------------------------------------------
async def _answer(
    settings: Settings,
    store: Any,
    question: str,
    account: str | None,
    model_env: dict[str, str] | None,
    usage: dict[str, int],
) -> tuple[str, Any]:
    """("agents", their result) with a model key, else ("brief", the account's deterministic brief);
    ``usage`` gets the Zoho calls and credits spent either way."""
    from approvals.composition import open_gateway
    from briefs.resolve import account_in_text
    from integrations.zoho.credits import gateway_usage

    async with open_gateway(settings, store) as gateway:
        try:
            target = await resolve_ref(gateway, account) if account else None
            if settings.has_model_key:
                prompt = question + (f"\nAccount: {target.id} ({target.name})" if target else "")
                return "agents", await run_agents(settings, gateway, store, prompt, model_env)
            target = target or await account_in_text(gateway, question)
            return "brief", await deterministic_brief(settings, gateway, target, store)
        finally:
            usage["zoho_api_calls"], usage["zoho_api_credits"] = gateway_usage(gateway)


def _print_usage(usage: dict[str, int], err: Console) -> None:
    if usage:
        err.print(f"Zoho: {usage['zoho_api_calls']} API calls, {usage['zoho_api_credits']} credits")


def _print_brief(brief: Any, usage: dict[str, int], as_json: bool, out: Console, err: Console) -> None:
    """The keyless answer: the account's brief, said to be deterministic."""
    from agents.availability import NO_MODEL_KEY_MESSAGE
    from briefs import brief_markdown, brief_renderable

    if not as_json:
        out.print(Text(NO_MODEL_KEY_MESSAGE, style="bold yellow"))
        out.print(brief_renderable(brief))
        _print_usage(usage, err)
        return
    document = {
        "deterministic": True,
        "message": NO_MODEL_KEY_MESSAGE,
        "answer": brief_markdown(brief),
        "brief": brief.model_dump(mode="json"),
        "proposals": [],
        "cost_usd": 0.0,
        "input_tokens": 0,
        "output_tokens": 0,
        "stopped_reason": "completed",
        "warnings": brief.warnings,
        **usage,
    }
    sys.stdout.write(json.dumps(document) + "\n")


def run(
    settings: Settings,
    *,
    question: str,
    account: str | None = None,
    as_json: bool = False,
    model_env: dict[str, str] | None = None,
) -> int:
    err, out = Console(stderr=True), Console()
    question = question.strip()
    if not question:
        err.print('[red]Ask a question, e.g. python main.py ask "What should I do about Acme this week?"[/red]')
        return EXIT_USAGE
    store = open_store(settings, err)
    if store is None:
        return EXIT_FAILED
    usage: dict[str, int] = {}
    try:
        kind, answer = asyncio.run(_answer(settings, store, question, account, model_env, usage))
    except ResolveError as exc:
        print_resolve_error(err, exc, hint=CHOOSE_HINT)
        return EXIT_USAGE
    except Exception as exc:
        message = zoho_failure(exc)
        if message is None:
            raise
        err.print(Text(safe_inline(message), style="red"))
        return EXIT_FAILED
    finally:
        store.close()
    if kind == "brief":
        _print_brief(answer, usage, as_json, out, err)
        return EXIT_OK
    if as_json:
        sys.stdout.write(json.dumps(agent_json(answer, **usage)) + "\n")
    else:
        out.print(agent_renderable(answer, "Answer"))
        _print_usage(usage, err)
    if not answer.ok:
        last = answer.answer.splitlines()[-1] if answer.answer else answer.stopped_reason
        err.print(Text(safe_inline(last), style="red"))
        return EXIT_FAILED
    return EXIT_OK
