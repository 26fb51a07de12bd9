"""Every tool name the agents can see, and which agent may call which.

The model sees in-process tools as ``mcp__<server>__<tool>``. Writes exist only so the approval gate can
catch them (they never execute); the remote Zoho MCP server's tools are classified by name.
"""

from __future__ import annotations

import re
from typing import Literal

ZOHO_SERVER = "zoho"
MEMORY_SERVER = "memory"
APPROVALS_SERVER = "approvals"
REMOTE_ZOHO_SERVER = "zoho_remote"

READ_TOOL_NAMES = ("search_accounts", "account_360", "changes_since", "pipeline_for_owner", "activity_timeline")
WRITE_TOOL_NAMES = ("create_task", "add_note", "update_fields")
ATTACHMENT_TOOL_NAMES = ("list_attachments", "read_attachment")  # Zoho reads, for the Data Scout
MEMORY_TOOL_NAMES = ("memory_timeline", "memory_search", "similar_situations")
PROPOSE_TOOL_NAME = "propose_action"
DISMISS_TOOL_NAME = "dismiss_finding"


def full_name(server: str, tool: str) -> str:
    return f"mcp__{server}__{tool}"


# The hosted Zoho MCP server's read tools the Data Scout is given, by name (never the whole server: its
# ~200 tool schemas run to thousands of tokens each and would ride along in every request): one record,
# a search, and COQL for everything else. Not ZohoCRM_getRelatedRecords (one of its largest schemas;
# account_360 reads related records), ZohoCRM_getRecords (COQL lists) nor the metadata tools.
# Measured in benchmarks/scout_prompt_size.py.
REMOTE_READ_TOOL_NAMES = ("ZohoCRM_getRecord", "ZohoCRM_searchRecords", "ZohoCRM_executeCOQLQuery")

READ_TOOLS = tuple(full_name(ZOHO_SERVER, n) for n in READ_TOOL_NAMES)
WRITE_TOOLS = tuple(full_name(ZOHO_SERVER, n) for n in WRITE_TOOL_NAMES)
ATTACHMENT_TOOLS = tuple(full_name(ZOHO_SERVER, n) for n in ATTACHMENT_TOOL_NAMES)
MEMORY_TOOLS = tuple(full_name(MEMORY_SERVER, n) for n in MEMORY_TOOL_NAMES)
PROPOSE_TOOL = full_name(APPROVALS_SERVER, PROPOSE_TOOL_NAME)
DISMISS_TOOL = full_name(APPROVALS_SERVER, DISMISS_TOOL_NAME)
AGENT_TOOLS = ("Agent", "Task")  # the CLI lists the Agent tool as "Task" in its init message
REMOTE_PREFIX = f"mcp__{REMOTE_ZOHO_SERVER}__"
REMOTE_READ_TOOLS = tuple(full_name(REMOTE_ZOHO_SERVER, n) for n in REMOTE_READ_TOOL_NAMES)

# Built-in Claude Code tools none of our agents may have (also passed as disallowed_tools).
BUILTIN_TOOLS_OFF = (
    "Bash",
    "BashOutput",
    "KillShell",
    "Read",
    "Write",
    "Edit",
    "MultiEdit",
    "NotebookEdit",
    "Glob",
    "Grep",
    "WebFetch",
    "WebSearch",
    "TodoWrite",
    "ToolSearch",
    "Skill",
    "SlashCommand",
    "ExitPlanMode",
    "ListMcpResourcesTool",
    "ReadMcpResourceTool",
    "Monitor",
    "CronCreate",
    "CronDelete",
    "CronList",
    "RemoteTrigger",
    "TaskCreate",
    "TaskUpdate",
    "TaskList",
    "TaskGet",
    "TaskStop",
    "TaskOutput",
    "SendMessage",
    "EnterWorktree",
    "ExitWorktree",
)

AgentName = Literal["orchestrator", "zoho-data-scout", "memory-analyst", "recommendation-author"]
SUBAGENTS: tuple[AgentName, ...] = ("zoho-data-scout", "memory-analyst", "recommendation-author")

# Remote Zoho MCP tools: reads by verb; anything that may change data is a write (gated, never run).
_REMOTE_WRITE = re.compile(
    r"(create|add|update|upsert|insert|delete|remove|mass|convert|send|upload|attach|assign|change|"
    r"set|clone|merge|share|unshare|transfer|restore|activate|deactivate|schedule|cancel|write|patch|put|"
    r"post|approve|reject|submit|execute|run|trigger|link|unlink|move|import|tag)",
    re.IGNORECASE,
)
_REMOTE_READ = re.compile(r"(get|search|list|fetch|query|coql|read|find|count|describe|retrieve|view)", re.IGNORECASE)

ToolClass = Literal["read", "write", "memory", "propose", "agent", "unknown"]


def classify(tool_name: str) -> ToolClass:
    """What kind of tool this is. Anything not recognised is ``unknown`` (and denied)."""
    if tool_name in READ_TOOLS or tool_name in ATTACHMENT_TOOLS:
        return "read"
    if tool_name in WRITE_TOOLS:
        return "write"
    if tool_name in MEMORY_TOOLS:
        return "memory"
    if tool_name in (PROPOSE_TOOL, DISMISS_TOOL):
        return "propose"
    if tool_name in AGENT_TOOLS:
        return "agent"
    if tool_name.startswith(REMOTE_PREFIX):
        bare = tool_name[len(REMOTE_PREFIX) :]
        if _REMOTE_WRITE.search(bare):
            return "write"  # checked first: "getAndUpdate" is a write
        if _REMOTE_READ.search(bare):
            return "read"
    return "unknown"


def allowed_classes(agent: AgentName) -> frozenset[ToolClass]:
    """Tool classes each agent may call. Writes are listed where the gate should catch them."""
    table: dict[AgentName, frozenset[ToolClass]] = {
        "orchestrator": frozenset({"agent"}),
        "zoho-data-scout": frozenset({"read"}),
        "memory-analyst": frozenset({"memory"}),
        "recommendation-author": frozenset({"read", "propose", "write"}),
    }
    return table[agent]


def agent_from_hook(agent_type: str | None) -> AgentName | None:
    """Map a hook's ``agent_type`` (absent on the main thread) to our agent, or None if foreign."""
    if not agent_type:
        return "orchestrator"
    return agent_type if agent_type in SUBAGENTS else None
