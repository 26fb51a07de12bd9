"""``build_options``: the orchestrator's ``ClaudeAgentOptions`` with its subagents, tools and hooks.

Nothing built in is switched on: the orchestrator has only the Agent tool, each subagent only its own
MCP tools, and every call passes the PreToolUse gate (writes → approval queue, fail closed), the
``can_use_tool`` fallback (deny unless explicitly allowed) and the audit hooks.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from claude_agent_sdk import ClaudeAgentOptions, HookMatcher, create_sdk_mcp_server

from agents.availability import model_env as settings_model_env
from agents.definitions import build_agent_definitions
from agents.run_context import AuditSink, Enqueue, RunContext, WriteCheck
from agents.tool_names import (
    APPROVALS_SERVER,
    BUILTIN_TOOLS_OFF,
    MEMORY_SERVER,
    REMOTE_READ_TOOL_NAMES,
    REMOTE_ZOHO_SERVER,
    ZOHO_SERVER,
    full_name,
)
from agents.tools import (
    build_attachment_tools,
    build_dismiss_tool,
    build_memory_tools,
    build_propose_tool,
    build_zoho_tools,
)
from agents.tools.memory_tools import MemoryReader
from config.settings import Settings
from hooks.approval_gate import make_pre_tool_use
from hooks.audit import make_post_tool_use, make_post_tool_use_failure
from hooks.permissions import make_can_use_tool
from hooks.redact import settings_secrets
from integrations.zoho.errors import ZohoError
from integrations.zoho.gateway import ZohoGateway
from integrations.zoho.mcp_catalog import list_remote_tools
from prompts import load_prompt

_CONTEXT_ATTR = "_sergas_run_context"
HOOK_TIMEOUT_SECONDS = 30.0


def agent_dirs(settings: Settings) -> tuple[Path, Path]:
    """(cwd, CLAUDE_CONFIG_DIR) for agent sessions, under SERGAS_HOME, created 0700."""
    home = settings.home.expanduser().resolve()
    workdir, config = home / "agent" / "workdir", home / "agent" / "claude-config"
    for path in (workdir, config):
        path.mkdir(parents=True, exist_ok=True)
        path.chmod(0o700)
    return workdir, config


def build_options(
    settings: Settings,
    *,
    gateway: ZohoGateway,
    enqueue: Enqueue,
    audit: AuditSink,
    check: WriteCheck | None,
    memory: MemoryReader | None = None,
    run_id: str | None = None,
    model_env: dict[str, str] | None = None,
    max_budget_usd: float | None = None,
    max_turns: int | None = None,
    max_proposals: int = 8,
    remote_write_tools: Sequence[str] = (),
) -> ClaudeAgentOptions:
    """Options for one orchestrated run. ``model_env`` replaces the settings' model env (tests pass the
    scripted model's ``env()``); ``check`` vets each proposal before it is queued (``approvals.agent_door``)."""
    env_model = dict(model_env) if model_env is not None else settings_model_env(settings)
    secrets = tuple(settings_secrets(settings)) + tuple(
        v for k, v in env_model.items() if k.endswith(("API_KEY", "TOKEN")) and v
    )
    ctx = RunContext(
        run_id=run_id or f"run-{uuid.uuid4().hex[:12]}",
        enqueue=enqueue,
        audit_sink=audit,
        secrets=secrets,
        max_proposals=max_proposals,
        check=check,
    )
    workdir, config_dir = agent_dirs(settings)
    mcp_servers = _mcp_servers(settings, gateway, memory, ctx)
    remote = REMOTE_ZOHO_SERVER in mcp_servers
    hidden_remote = _hidden_remote_tools(settings, ctx) if remote else []
    env = {
        **env_model,
        "CLAUDE_CONFIG_DIR": str(config_dir),
        "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
        "ENABLE_TOOL_SEARCH": "false",
    }
    options = ClaudeAgentOptions(
        system_prompt=load_prompt("orchestrator"),
        model=settings.model,
        tools=["Agent"],
        allowed_tools=[],  # nothing is pre-approved: every call passes the gate, then can_use_tool
        disallowed_tools=[*BUILTIN_TOOLS_OFF, *remote_write_tools, *hidden_remote],
        mcp_servers=mcp_servers,
        strict_mcp_config=True,
        agents=build_agent_definitions(remote_mcp=remote),
        setting_sources=[],
        cwd=workdir,
        env=env,
        max_turns=max_turns or settings.max_turns,
        max_budget_usd=max_budget_usd or settings.max_budget_usd,
        permission_mode="default",
        can_use_tool=make_can_use_tool(ctx),
        hooks=_hooks(ctx),
    )
    setattr(options, _CONTEXT_ATTR, ctx)
    return options


def _hooks(ctx: RunContext) -> dict[Any, list[HookMatcher]]:
    """The approval gate before every tool call (a failing gate blocks the call), the audit after it."""
    gate = HookMatcher(matcher=None, hooks=[make_pre_tool_use(ctx)], timeout=HOOK_TIMEOUT_SECONDS, on_failure="block")
    return {
        "PreToolUse": [gate],
        "PostToolUse": [HookMatcher(matcher=None, hooks=[make_post_tool_use(ctx)])],
        "PostToolUseFailure": [HookMatcher(matcher=None, hooks=[make_post_tool_use_failure(ctx)])],
    }


def _mcp_servers(
    settings: Settings, gateway: ZohoGateway, memory: MemoryReader | None, ctx: RunContext
) -> dict[str, Any]:
    """The run's in-process tool servers (Zoho reads, memory, propose_action), and Zoho's hosted MCP
    server when one is configured."""
    mcp_servers: dict[str, Any] = {
        ZOHO_SERVER: create_sdk_mcp_server(
            ZOHO_SERVER, tools=[*build_zoho_tools(gateway, ctx), *build_attachment_tools(gateway, ctx)]
        ),
        MEMORY_SERVER: create_sdk_mcp_server(MEMORY_SERVER, tools=build_memory_tools(memory, ctx)),
        APPROVALS_SERVER: create_sdk_mcp_server(
            APPROVALS_SERVER, tools=[build_propose_tool(ctx), build_dismiss_tool(ctx)]
        ),
    }
    if settings.zoho_mcp_url:
        remote_cfg: dict[str, Any] = {"type": "http", "url": settings.zoho_mcp_url}
        if settings.zoho_mcp_auth_header is not None:
            remote_cfg["headers"] = {"Authorization": settings.zoho_mcp_auth_header.get_secret_value()}
        mcp_servers[REMOTE_ZOHO_SERVER] = remote_cfg
    return mcp_servers


def _hidden_remote_tools(settings: Settings, ctx: RunContext) -> list[str]:
    """Every tool of the remote Zoho MCP server except the Data Scout's named read tools, switched off so
    that no agent's request carries their schemas (the CLI otherwise offers all of a server's tools to the
    orchestrator). A server that cannot be listed is reported; its tools then stay visible."""
    header = settings.zoho_mcp_auth_header.get_secret_value() if settings.zoho_mcp_auth_header else None
    try:
        names = list_remote_tools(str(settings.zoho_mcp_url), header)
    except ZohoError as exc:
        ctx.warn(f"could not list the remote Zoho MCP server's tools ({exc}); all of them stay in every request")
        return []
    return [full_name(REMOTE_ZOHO_SERVER, n) for n in names if n not in REMOTE_READ_TOOL_NAMES]


def get_run_context(options: ClaudeAgentOptions) -> RunContext:
    """The run's shared state (queued proposals, findings, warnings) for options from ``build_options``."""
    ctx = getattr(options, _CONTEXT_ATTR, None)
    if not isinstance(ctx, RunContext):
        raise ValueError("these options were not built by agents.options.build_options")
    return ctx
