"""Input tokens per Data Scout request, with and without the remote Zoho MCP server.

    .venv/bin/python benchmarks/scout_prompt_size.py [--accounts 20] [--json]

Runs one orchestrated answer three times against the sandbox and the scripted model, which records every
request the Claude Code CLI sends: (a) no remote server; (b) the remote server (the sandbox's ``/mcp``,
Zoho's tool names, wrapped argument shapes and large schemas) with the Data Scout given the short named
list of its read tools and every other tool of it switched off (what the product does); (c) the same
server handed over whole (``mcp__zoho_remote__*``, what it did before). The orchestrator's first request
is shown too: the CLI offers it every tool of every server that is not switched off. Tokens are
estimated as the scripted model's ``count_tokens`` does (JSON characters / 4); tool-schema tokens are the
part spent on tool definitions.
The sandbox serves 13 tools; Zoho's hosted server serves about 200 (public clients measure 37 of them
over 4,000 characters), so (c) understates the wildcard's cost on a real org while (b) does not depend
on the server's size.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from agents import definitions  # noqa: E402
from agents import options as agent_options  # noqa: E402
from agents.runner import run_orchestrator  # noqa: E402
from agents.session import build_session_options  # noqa: E402
from agents.tool_names import REMOTE_PREFIX, REMOTE_READ_TOOLS  # noqa: E402
from approvals.agent_door import store_approvals  # noqa: E402
from config import load_settings  # noqa: E402
from integrations.zoho.connection import connection_from_sandbox  # noqa: E402
from integrations.zoho.factory import build_gateway  # noqa: E402
from scripted_model import ModelRequest, ModelTurn, ScriptedModelServer  # noqa: E402
from scripted_model.scripts import obedient_reviewer  # noqa: E402
from state.store import StateStore  # noqa: E402

ROLE = "zoho-data-scout"


def _tokens(payload: Any) -> int:
    return max(1, len(json.dumps(payload)) // 4)


def _script(account_id: str, read: str | None) -> Any:
    def script(request: ModelRequest) -> ModelTurn:
        if read and request.agent() == ROLE and not request.called(read):
            return ModelTurn.call(read, {"path_variables": {"module": "Accounts", "recordID": account_id}})
        return obedient_reviewer(request)

    return script


async def _one_run(sandbox: Any, home: Path, mode: str) -> dict[str, Any]:
    remote = mode != "none"
    mcp = {
        "zoho_mcp_url": f"{sandbox.base_url}/mcp",
        "zoho_mcp_auth_header": f"Zoho-oauthtoken {sandbox.access_token()}",
    }
    settings = load_settings(home=home, **(mcp if remote else {}))
    account = next(iter(sandbox.store.iter_live("Accounts")))
    gateway = build_gateway(
        settings, connection=connection_from_sandbox(sandbox, settings), use_sdk=False, use_mcp=False
    )
    store = StateStore.open(settings)
    wildcard = mode == "wildcard"
    original, hide = definitions.REMOTE_READ_TOOLS, agent_options._hidden_remote_tools
    try:
        if wildcard:  # the old way, for comparison: the whole remote server, nothing switched off
            definitions.REMOTE_READ_TOOLS = (f"{REMOTE_PREFIX}*",)
            agent_options._hidden_remote_tools = lambda settings, ctx: []
        with ScriptedModelServer(_script(account["id"], REMOTE_READ_TOOLS[0] if remote else None)) as model:
            options = build_session_options(
                settings, gateway=gateway, approvals=store_approvals(settings, store, gateway), model_env=model.env()
            )
            result = await run_orchestrator(options, f"How is this account?\nAccount: {account['id']}")
    finally:
        definitions.REMOTE_READ_TOOLS = original
        agent_options._hidden_remote_tools = hide
        store.close()
        await gateway.aclose()
    scout = model.agent_requests(ROLE)
    if not scout:
        raise RuntimeError(f"{mode}: the Data Scout made no request ({result.stopped_reason})")
    inputs = [_tokens(r.body) for r in scout]
    tools = [_tokens(r.body.get("tools") or []) for r in scout]
    remote_tools = sorted(t for t in scout[0].tools if t.startswith(REMOTE_PREFIX))
    orchestrator = model.agent_requests("orchestrator")
    return {
        "orchestrator_input_tokens_first": _tokens(orchestrator[0].body) if orchestrator else 0,
        "requests": len(scout),
        "input_tokens_first": inputs[0],
        "input_tokens_mean": round(sum(inputs) / len(inputs)),
        "tool_schema_tokens": tools[0],
        "remote_tools": len(remote_tools),
        "stopped": result.stopped_reason,
    }


async def run(accounts: int) -> dict[str, Any]:
    from sandbox.embedded import start_sandbox

    root = Path(tempfile.mkdtemp(prefix="sergas-scout-"))
    results: dict[str, Any] = {}
    with start_sandbox(root / "sandbox", accounts=accounts, seed=7) as sandbox:
        for mode in ("none", "named", "wildcard"):
            results[mode] = await _one_run(sandbox, root / f"home-{mode}", mode)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=20)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results = asyncio.run(run(args.accounts))
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    labels = {
        "none": "(a) no remote server",
        "named": "(b) remote, named read tools",
        "wildcard": "(c) remote, whole server (*)",
    }
    print(f"{'Data Scout request':32}{'tools':>7}{'first':>9}{'mean':>9}{'tool defs':>11}{'orchestrator':>14}")
    for mode, label in labels.items():
        r = results[mode]
        print(
            f"{label:32}{r['remote_tools']:>7}{r['input_tokens_first']:>9}{r['input_tokens_mean']:>9}"
            f"{r['tool_schema_tokens']:>11}{r['orchestrator_input_tokens_first']:>14}"
        )
    base = results["none"]["input_tokens_first"]
    print(
        f"remote server adds {results['named']['input_tokens_first'] - base} tokens a request with the named list, "
        f"{results['wildcard']['input_tokens_first'] - base} handed over whole"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
