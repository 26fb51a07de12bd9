"""``dismiss_finding``: the Recommendation Author's verdict that a triage finding is wrong.

A finding read from a note (a departure, churn risk, expansion interest) comes with its subject and the
sentence it rests on. When the sentence does not say that (it is about someone else, negated, resolved,
another sense of the word), the author dismisses the finding instead of proposing on it: the dismissal is
audited with its reason, and the review makes no proposal for it (not even a rule-based one).
"""

from __future__ import annotations

from typing import Any

from claude_agent_sdk import SdkMcpTool, tool

from agents.run_context import RunContext
from agents.tools.formatting import ToolResult, error_result, plain_result

DISMISS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "account_id": {"type": "string"},
        "kind": {"type": "string", "enum": ["contact_gone", "churn_risk", "upsell_signal"]},
        "subject_id": {"type": "string", "description": "the record the finding is about (contact or account id)"},
        "reason": {"type": "string", "description": "why the quoted sentence does not say this"},
    },
    "required": ["account_id", "kind", "subject_id", "reason"],
}


def build_dismiss_tool(ctx: RunContext) -> SdkMcpTool[Any]:
    async def dismiss_finding(args: dict[str, Any]) -> ToolResult:
        missing = [k for k in DISMISS_SCHEMA["required"] if not str(args.get(k) or "").strip()]
        if missing:
            return error_result(f"dismiss_finding needs {', '.join(missing)}; call it again with them.")
        if args["kind"] not in DISMISS_SCHEMA["properties"]["kind"]["enum"]:
            return error_result("kind must be contact_gone, churn_risk or upsell_signal.")
        dismissal = {k: str(args[k])[:500] for k in ("account_id", "kind", "subject_id", "reason")}
        ctx.dismiss(dismissal)
        return plain_result(
            f"Finding {dismissal['kind']} about {dismissal['subject_id']} dismissed and recorded; "
            "nothing will be proposed for it.",
            {"dismissed": dismissal},
        )

    return tool(
        "dismiss_finding",
        "Dismiss a triage finding the quoted sentence does not support (wrong person, negated, resolved, "
        "another sense). It is recorded with your reason and nothing is proposed for it.",
        DISMISS_SCHEMA,
    )(dismiss_finding)
