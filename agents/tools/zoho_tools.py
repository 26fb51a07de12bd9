"""In-process Zoho tools over a ``ZohoGateway``: five reads, and three write-shaped tools that never write.

The write tools exist so the approval gate (hooks.approval_gate) can catch an attempted write and turn it
into a pending recommendation. If a handler is ever reached anyway it refuses: no code path here calls
``execute_write``.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any, get_args

from claude_agent_sdk import SdkMcpTool, ToolAnnotations, tool

from agents.run_context import RunContext
from agents.tools.formatting import ToolResult, crm_result, error_result, to_jsonable
from agents.tools.zoho_errors import zoho_error_result
from integrations.zoho.errors import ZohoError
from integrations.zoho.gateway import ZohoGateway
from integrations.zoho.models import Account360, CrmRecord, Module

_RELATIVE = re.compile(r"^\s*(\d+)\s*([hdw])\s*$", re.IGNORECASE)
MODULES: tuple[str, ...] = get_args(Module)
READ_ONLY = ToolAnnotations(readOnlyHint=True, maxResultSizeChars=200_000)

WRITE_REFUSAL = (
    "This tool never writes to the CRM: every change waits for a human's approval. Use "
    "propose_action to queue the change with its rationale and evidence."
)


def parse_since(value: str, now: datetime | None = None) -> datetime:
    """``24h`` / ``7d`` / ``2w`` or an ISO date-time (naive means UTC)."""
    now = now or datetime.now(UTC)
    match = _RELATIVE.match(value)
    if match:
        n, unit = int(match.group(1)), match.group(2).lower()
        return now - {"h": timedelta(hours=n), "d": timedelta(days=n), "w": timedelta(weeks=n)}[unit]
    parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _record_text(record: Any) -> str:
    data = to_jsonable(record)
    return " ".join(str(v) for v in data.values() if isinstance(v, str)) if isinstance(data, dict) else str(data)


def _records_of(view: Account360) -> list[CrmRecord]:
    return [view.account, *view.contacts, *view.deals, *view.tasks, *view.notes]


def _served_tier(gateway: ZohoGateway, before: dict[str, int]) -> str | None:
    """Which tier's call count moved during the call (best effort; None when unknown)."""
    try:
        after = _tier_calls(gateway)
    except Exception:
        return None
    moved = [tier for tier, calls in after.items() if calls > before.get(tier, 0)]
    return moved[-1] if moved else None


def _tier_calls(gateway: ZohoGateway) -> dict[str, int]:
    counts: dict[str, int] = {}
    for stat in gateway.tier_stats():
        counts[stat.tier] = counts.get(stat.tier, 0) + stat.calls
    return counts


Handler = Callable[[dict[str, Any]], Awaitable[ToolResult]]


def _guarded(gateway: ZohoGateway, body: Body, ctx: RunContext) -> Handler:
    """Run a read; map ZohoError and bad input to an actionable tool error; wrap the data."""

    async def handler(args: dict[str, Any]) -> ToolResult:
        try:
            before = _tier_calls(gateway)
        except Exception:
            before = {}
        try:
            payload, warnings = await body(args)
        except ZohoError as exc:
            return zoho_error_result(exc, ctx)
        except (ValueError, KeyError, TypeError, OverflowError) as exc:  # e.g. changes_since "99999999999d"
            return error_result(f"bad input: {exc}")
        return crm_result(payload, tier=_served_tier(gateway, before), warnings=warnings)

    return handler


_STRING = {"type": "string"}
# name -> (description, input schema), in the order the tools are offered
READ_TOOLS: dict[str, tuple[str, dict[str, Any]]] = {
    "search_accounts": (
        "Find accounts by name (or part of it); optionally only one owner's. Returns ids.",
        {
            "type": "object",
            "properties": {
                "query": _STRING,
                "owner_email": _STRING,
                "limit": {"type": "integer", "minimum": 1, "maximum": 50},
            },
            "required": ["query"],
        },
    ),
    "account_360": (
        "Everything about one account: the account, its contacts, deals, tasks and notes.",
        {"type": "object", "properties": {"account_id": _STRING}, "required": ["account_id"]},
    ),
    "changes_since": (
        "Records of a module modified since a time (24h, 7d, 2w or ISO date-time).",
        {
            "type": "object",
            "properties": {
                "module": {"type": "string", "enum": list(MODULES)},
                "since": _STRING,
                "limit": {"type": "integer"},
            },
            "required": ["module", "since"],
        },
    ),
    "pipeline_for_owner": (
        "Open deals owned by a user (by email).",
        {"type": "object", "properties": {"owner_email": _STRING}, "required": ["owner_email"]},
    ),
    "activity_timeline": (
        "Dated events on an account (notes, tasks, deal changes), newest first.",
        {
            "type": "object",
            "properties": {"account_id": _STRING, "limit": {"type": "integer"}},
            "required": ["account_id"],
        },
    ),
}
Body = Callable[[dict[str, Any]], Awaitable[tuple[Any, list[str]]]]


def build_zoho_tools(gateway: ZohoGateway, ctx: RunContext) -> list[SdkMcpTool[Any]]:
    bodies = _read_bodies(gateway, ctx)
    reads = [
        tool(name, description, schema, annotations=READ_ONLY)(_guarded(gateway, bodies[name], ctx))
        for name, (description, schema) in READ_TOOLS.items()
    ]
    return reads + build_write_tools()


def _read_bodies(gateway: ZohoGateway, ctx: RunContext) -> dict[str, Body]:
    """What each read tool does: the call, and the records it saw (for the injection screen)."""

    async def search_accounts(args: dict[str, Any]) -> tuple[Any, list[str]]:
        limit = max(1, min(int(args.get("limit") or 20), 50))
        found = await gateway.search_accounts(
            str(args["query"]), owner_email=args.get("owner_email") or None, limit=limit
        )
        notes = ctx.saw_records((a.id, _record_text(a)) for a in found)
        return {"accounts": to_jsonable(found), "count": len(found)}, notes

    async def account_360(args: dict[str, Any]) -> tuple[Any, list[str]]:
        view = await gateway.get_account_360(str(args["account_id"]))
        notes = ctx.saw_records((r.id, _record_text(r)) for r in _records_of(view))
        return to_jsonable(view), notes

    async def changes_since(args: dict[str, Any]) -> tuple[Any, list[str]]:
        module = str(args["module"])
        if module not in MODULES:
            raise ValueError(f"module must be one of {', '.join(MODULES)}")
        since = parse_since(str(args["since"]))
        limit = max(1, min(int(args.get("limit") or 100), 200))
        records = await gateway.changes_since(module, since, limit=limit)  # type: ignore[arg-type]
        notes = ctx.saw_records((r.id, _record_text(r)) for r in records)
        return {"module": module, "since": since.isoformat(), "records": to_jsonable(records)}, notes

    async def pipeline_for_owner(args: dict[str, Any]) -> tuple[Any, list[str]]:
        deals = await gateway.pipeline_for_owner(str(args["owner_email"]))
        notes = ctx.saw_records((d.id, _record_text(d)) for d in deals)
        return {"deals": to_jsonable(deals), "count": len(deals)}, notes

    async def activity_timeline(args: dict[str, Any]) -> tuple[Any, list[str]]:
        limit = max(1, min(int(args.get("limit") or 50), 200))
        events = await gateway.activity_timeline(str(args["account_id"]), limit=limit)
        notes = ctx.saw_records((e.record_id, e.summary) for e in events)
        return {"account_id": args["account_id"], "events": to_jsonable(events)}, notes

    return {
        "search_accounts": search_accounts,
        "account_360": account_360,
        "changes_since": changes_since,
        "pipeline_for_owner": pipeline_for_owner,
        "activity_timeline": activity_timeline,
    }


async def refuse_write(args: dict[str, Any]) -> ToolResult:
    """The body of every write-shaped tool: it never writes."""
    return error_result(WRITE_REFUSAL)


def build_write_tools() -> list[SdkMcpTool[Any]]:
    string = {"type": "string"}
    target = {
        "account_id": string,
        "target_module": {"type": "string", "enum": ["Accounts", "Contacts", "Deals", "Tasks"]},
        "target_id": string,
        "rationale": string,
    }
    gated = ToolAnnotations(destructiveHint=False, readOnlyHint=False)
    return [
        tool(
            "create_task",
            "Create a follow-up task (queued for human approval, not executed).",
            {
                "type": "object",
                "properties": {
                    **target,
                    "subject": string,
                    "due_date": string,
                    "priority": string,
                    "description": string,
                },
                "required": ["account_id", "target_id", "subject"],
            },
            annotations=gated,
        )(refuse_write),
        tool(
            "add_note",
            "Add a note to a record (queued for human approval, not executed).",
            {
                "type": "object",
                "properties": {**target, "title": string, "content": string},
                "required": ["account_id", "target_id", "content"],
            },
            annotations=gated,
        )(refuse_write),
        tool(
            "update_fields",
            "Change field values of a record (queued for human approval, not executed).",
            {
                "type": "object",
                "properties": {**target, "fields": {"type": "object"}},
                "required": ["account_id", "target_id", "fields"],
            },
            annotations=gated,
        )(refuse_write),
    ]
