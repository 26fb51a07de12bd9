"""API credits, counted the way Zoho charges them, and the run's credit budget.

Zoho meters each org in credits over a rolling 24 hours (``crm/developer/docs/api/v8/api-limits.html``):
most calls cost 1; COQL by its LIMIT (1-200: 1, 201-1000: 2, 1001-2000: 3); insert/update/upsert 1 per
10 records; a Bulk Read job 50; records by custom view (``cvid``) 3; the recycle bin's deleted-record ids
2 (the last two from Zoho's credit table, kept here as the stricter reading).

``CreditMeter`` is shared by every tier of one gateway: each call is charged *before* it is sent, and a
charge that would take the run past ``budget`` (``SERGAS_ZOHO_CREDIT_BUDGET``) raises
``ZohoCreditBudgetError`` instead, so a run never spends more than it was allowed.
"""

from __future__ import annotations

import re
import threading
from datetime import UTC, datetime
from typing import Any

from integrations.zoho.errors import ZohoCreditBudgetError, ZohoCreditsExhaustedError, ZohoError

BULK_READ_CREDITS = 50
_LIMIT = re.compile(r"\blimit\s+(?:\d+\s*,\s*)?(\d+)", re.IGNORECASE)


def coql_credits(query: str) -> int:
    """What one COQL query costs, by its LIMIT (Zoho's default LIMIT is 200)."""
    match = _LIMIT.search(query or "")
    limit = int(match.group(1)) if match else 200
    if limit <= 200:
        return 1
    return 2 if limit <= 1000 else 3


def write_credits(records: int) -> int:
    """Insert/update/upsert: 1 credit per 10 records (at least 1)."""
    return max(1, (records + 9) // 10)


def rest_credits(method: str, path: str, params: dict[str, Any] | None = None, body: Any = None) -> int:
    """What one REST call costs (``path`` without host, e.g. ``/crm/v8/coql``)."""
    method = method.upper()
    path = path.split("?", 1)[0].rstrip("/")
    if path.endswith("/coql") and isinstance(body, dict):
        return coql_credits(str(body.get("select_query") or ""))
    if method == "POST" and path.endswith("/crm/bulk/v8/read"):
        return BULK_READ_CREDITS
    if path.endswith("/deleted"):
        return 2
    if method == "GET" and params and params.get("cvid"):
        return 3
    is_write = method in ("POST", "PUT", "PATCH") and "/actions/" not in path and "/Attachments" not in path
    if is_write and isinstance(body, dict) and isinstance(body.get("data"), list):
        return write_credits(len(body["data"]))
    return 1


def mcp_credits(tool: str, arguments: dict[str, Any]) -> int:
    """What a call to Zoho's MCP server costs: the API call it makes on our behalf."""
    if "coql" in tool.lower():
        body = arguments.get("body") if isinstance(arguments.get("body"), dict) else arguments
        return coql_credits(str((body or {}).get("select_query") or (body or {}).get("query") or ""))
    return 1


class CreditMeter:
    """Calls and credits one run sent to Zoho, and its budget. Thread-safe (the SDK tier runs in threads)."""

    def __init__(self, budget: int | None = None) -> None:
        self.budget = budget
        self._lock = threading.Lock()
        self.calls = 0
        self.credits = 0

    def charge(self, credits: int, *, operation: str = "call") -> None:
        """Count one call costing ``credits``; raise ``ZohoCreditBudgetError`` (nothing counted) when it
        would pass the budget."""
        with self._lock:
            if self.budget is not None and self.credits + credits > self.budget:
                raise ZohoCreditBudgetError(
                    f"this run's Zoho credit budget is spent ({self.credits} of {self.budget} credits used; "
                    f"the next call, {operation}, needs {credits} more)",
                    code="CREDIT_BUDGET",
                    details={"budget": self.budget, "spent": self.credits, "needed": credits},
                )
            self.calls += 1
            self.credits += credits

    def refund(self, credits: int) -> None:
        """Take back a charge for a call Zoho refused (429, 401): it cost the org nothing."""
        with self._lock:
            self.credits = max(0, self.credits - credits)

    @property
    def left(self) -> int | None:
        return None if self.budget is None else max(0, self.budget - self.credits)

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {"calls": self.calls, "credits": self.credits, "budget": self.budget}


def gateway_usage(gateway: Any) -> tuple[int, int]:
    """(API calls, credits) a gateway has sent so far; (calls, calls) for one that does not count credits."""
    try:
        calls_fn = getattr(gateway, "api_calls", None)
        calls = int(calls_fn()) if callable(calls_fn) else sum(int(s.calls) for s in gateway.tier_stats())
        credits_fn = getattr(gateway, "api_credits", None)
        credits = int(credits_fn()) if callable(credits_fn) else calls
    except Exception:  # noqa: BLE001 - observability must never break a run
        return 0, 0
    return calls, credits


def stop_message(error: ZohoError) -> str:
    """One line for a person: why the run stopped and when it can go on."""
    from integrations.zoho.errors import ZohoCreditBudgetError

    if isinstance(error, ZohoCreditBudgetError):
        return f"Stopped: {error.message}. Run again to continue where this run stopped."
    if not isinstance(error, ZohoCreditsExhaustedError):  # a 429 that outlasted the patience budget
        return (
            f"Stopped: Zoho kept answering 429 TOO_MANY_REQUESTS ({error.message}): other integrations hold the "
            "org's concurrency, or its API credits for the rolling 24 hours are spent. Run again later to "
            "continue where this run stopped."
        )
    back = error.resume_by
    when = back.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if isinstance(back, datetime) else "within 24 hours"
    return (
        "Stopped: Zoho says the org's API credits for the rolling 24 hours are used up. They come back as the "
        f"calls that spent them turn a day old, all of them by {when}; run again then to continue where this "
        "run stopped."
    )
