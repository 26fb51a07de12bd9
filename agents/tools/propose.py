"""``propose_action``: validate a proposal into ``ProposedAction`` and put it in the approval queue."""

from __future__ import annotations

from typing import Any

from claude_agent_sdk import SdkMcpTool, tool
from pydantic import ValidationError

from agents.run_context import ProposalRefused, RunContext
from agents.tools.formatting import ToolResult, error_result, plain_result
from domain.proposals import AGENT_KINDS, AGENT_TYPES, ProposedAction
from domain.proposals import parse_proposal as parse_any_proposal

_S = {"type": "string"}
PROPOSE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "kind": {"type": "string", "enum": list(AGENT_KINDS)},
        "account_id": _S,
        "target_module": {"type": "string", "enum": ["Accounts", "Contacts", "Deals", "Tasks"]},
        "target_id": _S,
        **{kind.payload_key: {"type": "object", "description": kind.payload_hint} for kind in AGENT_TYPES},
        "rationale": _S,
        "evidence": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "source": {"type": "string", "enum": ["zoho", "memory"]},
                    "record_id": _S,
                    "module": _S,
                    "excerpt": _S,
                },
                "required": ["record_id"],
            },
        },
        "priority": {"type": "string", "enum": ["low", "medium", "high"]},
        "expected_impact": _S,
        "signal_kind": {
            "type": "string",
            "description": "the triage finding this acts on (e.g. contact_gone, deal_stalled), when any",
        },
        "subject_id": {
            "type": "string",
            "description": "the record that finding is about (the contact who left, the stalled deal) when it "
            "is not target_id; past decisions are matched on finding + subject, not on wording",
        },
    },
    "required": ["kind", "account_id", "target_id", "rationale", "evidence"],
}


def validation_message(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors(include_url=False, include_input=False):
        where = ".".join(str(p) for p in err.get("loc", ())) or "proposal"
        parts.append(f"{where}: {err.get('msg')}")
    return "invalid proposal — " + "; ".join(parts) + ". Fix these and call propose_action again."


def parse_proposal(args: dict[str, Any]) -> ProposedAction:
    data = {k: v for k, v in args.items() if v is not None}
    data["origin"] = "agent"
    return parse_any_proposal(data)


def build_propose_tool(ctx: RunContext) -> SdkMcpTool[Any]:
    async def propose_action(args: dict[str, Any]) -> ToolResult:
        try:
            proposal = parse_proposal(args)
        except ValidationError as exc:
            return error_result(validation_message(exc))
        if not proposal.evidence:
            return error_result("a proposal needs evidence: cite the record ids (and memory facts) it rests on")
        try:
            recommendation = await ctx.queue(proposal)
        except ProposalRefused as exc:
            return error_result(f"proposal refused: {exc}")
        except Exception as exc:  # the queue is another component: report, never crash the run
            return error_result(
                f"the approval queue is unavailable ({type(exc).__name__}); nothing was queued. "
                "Mention the idea in your report instead."
            )
        flag = (
            " It is marked SUSPICIOUS (the data it rests on holds instruction-like text)."
            if recommendation.suspicious
            else ""
        )
        return plain_result(
            f"Queued for human approval as recommendation {recommendation.id} (status {recommendation.status}). "
            f"Nothing was written to the CRM.{flag}",
            {
                "recommendation_id": recommendation.id,
                "kind": proposal.kind,
                "target_id": proposal.target_id,
                "suspicious": recommendation.suspicious,
            },
        )

    return tool(
        "propose_action",
        "Queue one next-best action for human approval (nothing is written until a person approves). "
        "Give the exact change, a rationale and evidence citations of records you read. An action a person "
        "rejected is refused unless a record shows something new since; one already done is refused while it "
        "holds.",
        PROPOSE_SCHEMA,
    )(propose_action)
