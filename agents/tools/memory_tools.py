"""In-process memory tools over an injected memory object with async ``timeline``, ``search`` and
``similar_situations`` (each returning a list of dicts with a ``citation`` field)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from claude_agent_sdk import SdkMcpTool, ToolAnnotations, tool

from agents.run_context import RunContext
from agents.tools.formatting import ToolResult, error_result, memory_result


class MemoryReader(Protocol):
    async def timeline(self, account_id: str) -> list[dict[str, Any]]: ...

    async def search(self, query: str, account_id: str | None = None, limit: int = 10) -> list[dict[str, Any]]: ...

    async def similar_situations(self, text: str, limit: int = 5) -> list[dict[str, Any]]: ...


NO_MEMORY = (
    "Long-term memory is not available in this run (not configured or not synced yet: run "
    "`python main.py sync`). Report that history is unavailable."
)


def _facts_text(fact: dict[str, Any]) -> str:
    return " ".join(str(v) for v in fact.values() if isinstance(v, str))


def build_memory_tools(memory: MemoryReader | None, ctx: RunContext) -> list[SdkMcpTool[Any]]:
    async def answer(kind: str, call: Callable[[MemoryReader], Awaitable[list[dict[str, Any]]]]) -> ToolResult:
        if memory is None:
            return error_result(NO_MEMORY)
        try:
            facts = list(await call(memory))
        except Exception as exc:  # memory backends raise their own errors: report, never crash the run
            return error_result(f"memory {kind} failed ({type(exc).__name__}: {exc}); report history as unavailable")
        notes = ctx.saw_memory((str(f.get("citation")), _facts_text(f)) for f in facts if f.get("citation"))
        return memory_result({"kind": kind, "facts": facts, "count": len(facts)}, warnings=notes)

    async def memory_timeline(args: dict[str, Any]) -> ToolResult:
        return await answer("timeline", lambda m: m.timeline(str(args["account_id"])))

    async def memory_search(args: dict[str, Any]) -> ToolResult:
        limit = max(1, min(int(args.get("limit") or 10), 50))
        return await answer(
            "search", lambda m: m.search(str(args["query"]), account_id=args.get("account_id") or None, limit=limit)
        )

    async def similar_situations(args: dict[str, Any]) -> ToolResult:
        limit = max(1, min(int(args.get("limit") or 5), 20))
        return await answer("similar_situations", lambda m: m.similar_situations(str(args["text"]), limit=limit))

    string = {"type": "string"}
    ro = ToolAnnotations(readOnlyHint=True, maxResultSizeChars=100_000)
    return [
        tool(
            "memory_timeline",
            "The remembered history of one account, in date order, with citations.",
            {"type": "object", "properties": {"account_id": string}, "required": ["account_id"]},
            annotations=ro,
        )(memory_timeline),
        tool(
            "memory_search",
            "Search account history by meaning; optionally only one account.",
            {
                "type": "object",
                "properties": {"query": string, "account_id": string, "limit": {"type": "integer"}},
                "required": ["query"],
            },
            annotations=ro,
        )(memory_search),
        tool(
            "similar_situations",
            "Past situations on other accounts like the one described, and how they ended.",
            {"type": "object", "properties": {"text": string, "limit": {"type": "integer"}}, "required": ["text"]},
            annotations=ro,
        )(similar_situations),
    ]
