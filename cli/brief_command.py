"""``python main.py brief ACCOUNT [--json] [--attach]``: the meeting-prep brief of one account.

With a model key the orchestrator writes it (a meeting-prep prompt; any proposals wait for
``python main.py approve``); if that run stops or fails, the deterministic brief is shown instead.
Without a key the brief is deterministic (``briefs.build_brief``), and says so.

Exit codes: 0 done; 1 Zoho/the state store failed or the agent run stopped (the deterministic brief is
still printed); 2 no single account matches ACCOUNT (the candidates are listed).
"""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

from rich.console import Console
from rich.text import Text

from briefs.resolve import ResolveError
from cli.ask_command import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    agent_json,
    agent_renderable,
    deterministic_brief,
    open_store,
    resolve_ref,
    run_agents,
    zoho_failure,
)
from cli.resolve_view import print_resolve_error
from config.settings import Settings
from domain.safe_text import markdown_document, safe_inline


def brief_prompt(account: Any) -> str:
    """The orchestrator's task: a meeting-prep brief, every fact cited (``prompts/meeting_brief.md``)."""
    from prompts import load_prompt

    return load_prompt("meeting_brief").format(account_id=account.id, account_name=account.name)


def attach_brief(err: Console, *, account: Any, text: str, store: Any, settings: Settings) -> None:
    """``--attach``: queue the brief (Markdown) as an upload to the account, waiting for approval."""
    from datetime import UTC, datetime

    from approvals.attachments import queue_attachment

    if not text.strip():
        err.print("--attach: the brief is empty; nothing to attach.")
        return
    try:
        rec, created = queue_attachment(
            store,
            settings.home,
            account_id=str(account.id),
            content=text.encode("utf-8"),
            file_name=f"meeting-brief-{account.id}-{datetime.now(UTC):%Y%m%d}.md",
            content_type="text/markdown",
            description="meeting-prep brief (Markdown)",
            rationale=f"Keep the meeting-prep brief for {account.name} with the account in the CRM.",
        )
    except Exception as exc:  # the brief is printed already; only the attachment could not be queued
        err.print(Text(safe_inline(f"--attach: could not queue the brief as an attachment: {exc}"), style="red"))
        return
    state = "queued for approval" if created else "was already queued"
    err.print(
        f"--attach: the brief {state} as recommendation {rec.id[:8]}; nothing is uploaded until "
        "`python main.py approve`."
    )


def run(
    settings: Settings,
    *,
    account: str,
    as_json: bool = False,
    attach: bool = False,
    model_env: dict[str, str] | None = None,
) -> int:
    err, out = Console(stderr=True), Console()
    store = open_store(settings, err)
    if store is None:
        return EXIT_FAILED
    keyed = settings.has_model_key

    async def main() -> tuple[Any, Any, Any]:
        from approvals.composition import open_gateway

        async with open_gateway(settings, store) as gateway:
            target = await resolve_ref(gateway, account)
            result = await run_agents(settings, gateway, store, brief_prompt(target), model_env) if keyed else None
            brief = None
            if result is None or not result.ok:
                brief = await deterministic_brief(settings, gateway, target, store)
            return target, result, brief

    try:
        target, result, brief = asyncio.run(main())
    except ResolveError as exc:
        print_resolve_error(err, exc)
        store.close()
        return EXIT_USAGE
    except Exception as exc:
        store.close()
        message = zoho_failure(exc)
        if message is None:
            raise
        err.print(Text(safe_inline(message), style="red"))
        return EXIT_FAILED

    try:
        code = _print(out, err, target, result, brief, as_json=as_json)
        if attach:
            from briefs import brief_markdown

            attach_brief(
                err,
                account=target,
                text=markdown_document(result.answer) if brief is None else brief_markdown(brief),
                store=store,
                settings=settings,
            )
    finally:
        store.close()
    return code


def _print(out: Console, err: Console, target: Any, result: Any, brief: Any, *, as_json: bool) -> int:
    from agents.availability import NO_MODEL_KEY_MESSAGE
    from briefs import brief_markdown, brief_renderable

    if brief is None:  # the agents wrote it
        if as_json:
            sys.stdout.write(json.dumps(agent_json(result, account_id=target.id, account_name=target.name)) + "\n")
        else:
            out.print(agent_renderable(result, "Meeting brief"))
        return EXIT_OK
    note = (
        NO_MODEL_KEY_MESSAGE
        if result is None
        else (
            f"The agent run did not finish ({result.stopped_reason}): {result.answer.splitlines()[-1]} "
            "Showing the deterministic brief instead."
        )
    )
    if as_json:
        payload: dict[str, Any] = {
            "deterministic": True,
            "message": note,
            "brief": brief.model_dump(mode="json"),
            "markdown": brief_markdown(brief),
        }
        if result is not None:
            payload["agent_run"] = agent_json(result)
        sys.stdout.write(json.dumps(payload) + "\n")
    else:
        out.print(Text(safe_inline(note), style="bold yellow"))
        out.print(brief_renderable(brief))
    if result is not None:
        err.print(Text(safe_inline(note), style="red"))
        return EXIT_FAILED
    return EXIT_OK
