"""The agents' in-process MCP tools: Zoho reads (+ gated write shapes), memory, and propose_action."""

from agents.tools.attachment_tools import build_attachment_tools
from agents.tools.dismiss import build_dismiss_tool
from agents.tools.formatting import crm_result, error_result, memory_result
from agents.tools.memory_tools import MemoryReader, build_memory_tools
from agents.tools.propose import build_propose_tool, parse_proposal
from agents.tools.zoho_tools import build_write_tools, build_zoho_tools, refuse_write

__all__ = [
    "MemoryReader",
    "build_attachment_tools",
    "build_dismiss_tool",
    "build_memory_tools",
    "build_propose_tool",
    "build_write_tools",
    "build_zoho_tools",
    "crm_result",
    "error_result",
    "memory_result",
    "parse_proposal",
    "refuse_write",
]
