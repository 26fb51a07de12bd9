"""The three subagents, each with only the tools its job needs."""

from __future__ import annotations

from claude_agent_sdk import AgentDefinition

from agents.tool_names import (
    ATTACHMENT_TOOLS,
    DISMISS_TOOL,
    MEMORY_TOOLS,
    PROPOSE_TOOL,
    READ_TOOLS,
    REMOTE_READ_TOOLS,
    WRITE_TOOLS,
)
from prompts import load_prompt

SUBAGENT_MAX_TURNS = 12


def data_scout_tools(*, remote_mcp: bool) -> list[str]:
    """The Data Scout's tools: ours, plus a short named list of the hosted Zoho MCP server's read tools
    when one is configured (a wildcard would put every one of its large schemas in each request)."""
    return [*READ_TOOLS, *ATTACHMENT_TOOLS, *(REMOTE_READ_TOOLS if remote_mcp else ())]


def memory_analyst_tools() -> list[str]:
    return list(MEMORY_TOOLS)


def recommendation_author_tools() -> list[str]:
    # The write-shaped tools are listed so that an attempted write reaches the approval gate and becomes a
    # pending recommendation; their handlers never write.
    return [*READ_TOOLS, PROPOSE_TOOL, DISMISS_TOOL, *WRITE_TOOLS]


def build_agent_definitions(*, remote_mcp: bool = False) -> dict[str, AgentDefinition]:
    return {
        "zoho-data-scout": AgentDefinition(
            description="Reads current Zoho CRM data (accounts, contacts, deals, tasks, notes, pipeline) and "
            "reports cited facts. Read-only.",
            prompt=load_prompt("zoho_data_scout"),
            tools=data_scout_tools(remote_mcp=remote_mcp),
            model="inherit",
            maxTurns=SUBAGENT_MAX_TURNS,
        ),
        "memory-analyst": AgentDefinition(
            description="Reads the long-term history of an account and similar past situations; reports cited "
            "memory facts.",
            prompt=load_prompt("memory_analyst"),
            tools=memory_analyst_tools(),
            model="inherit",
            maxTurns=SUBAGENT_MAX_TURNS,
        ),
        "recommendation-author": AgentDefinition(
            description="Turns facts into at most three next-best actions and queues each for human approval "
            "with propose_action.",
            prompt=load_prompt("recommendation_author"),
            tools=recommendation_author_tools(),
            model="inherit",
            maxTurns=SUBAGENT_MAX_TURNS,
        ),
    }
