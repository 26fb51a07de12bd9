"""What a page shows for a proposal: the finding and its quoted sentence, the evidence (links to the records
in Zoho's web UI and the excerpt as read), the exact change (old → new for field updates, the task or note as
it will be created, the file), the suspicious mark and why, and what became of it.

Every string that came from the CRM or a model passes ``domain.safe_text`` here (``_i`` one line, ``_b``
several lines); the templates then escape it (Jinja2 autoescape). Nothing here is trusted as HTML.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from approvals.proposal_view import ChangeRow, view_of
from domain.proposals import ProposedAction
from domain.recommendations import Recommendation
from domain.safe_text import safe_block, safe_inline
from state.models import RecommendationRef, ReviewResult
from web.links import record_url
from web.ownership import AccountOwner

SUSPICIOUS_WHY = (
    "The evidence behind this proposal contains instruction-like text (possible prompt injection). "
    "Check the change against the records before approving."
)
STATUS_LABEL = {
    "pending": "waiting for a decision",
    "approved": "approved, being sent to Zoho",
    "executing": "being written to Zoho",
    "executed": "written to Zoho",
    "rejected": "rejected",
    "failed": "Zoho refused the write",
    "superseded": "replaced by a newer proposal",
}


def _i(value: Any, limit: int | None = None) -> str:
    return safe_inline("" if value is None else value, limit=limit)


def _b(value: Any) -> str:
    return safe_block("" if value is None else value)


class Links(BaseModel):
    """How to link a record: the web UI base and the signed-in person's org."""

    base: str
    sandbox: bool
    org_id: str | None = None

    def record(self, module: str | None, record_id: str) -> str | None:
        return record_url(self.base, sandbox=self.sandbox, org_id=self.org_id, module=module, record_id=record_id)


class Evidence(BaseModel):
    label: str
    url: str | None = None
    excerpt: str | None = None
    instruction_like: bool = False


class Finding(BaseModel):
    summary: str
    kind: str
    subject: str | None = None
    quote: str | None = None
    quote_url: str | None = None


class Card(BaseModel):
    id: str
    short_id: str
    status: str
    status_label: str
    kind: str
    kind_label: str
    layout: str  # "diff": old → new per field; "record": what will be created
    account_id: str
    target: str
    target_url: str | None = None
    origin: str
    priority: str
    rationale: str
    expected_impact: str | None = None
    finding: Finding | None = None
    evidence: list[Evidence] = Field(default_factory=list)
    change: list[ChangeRow] = Field(default_factory=list)
    current_error: str | None = None
    suspicious: bool = False
    suspicious_why: str | None = None
    error: str | None = None
    outcome: str | None = None
    outcome_url: str | None = None
    decided_by: str | None = None
    decided_at: datetime | None = None
    decision_reason: str | None = None
    created_at: datetime
    decidable: bool = False


class AccountGroup(BaseModel):
    account_id: str
    name: str
    owner: str | None = None
    score: float | None = None
    reviewed_at: datetime | None = None
    cards: list[Card] = Field(default_factory=list)


def _origin(p: ProposedAction) -> str:
    return {"rules": "rule-based", "command": "command (--attach)"}.get(p.origin, "agent")


def finding_for(
    p: ProposedAction, result: ReviewResult | None, links: Links, account_name: str | None = None
) -> Finding | None:
    """The review's finding this proposal answers (same signal kind; the same subject when several)."""
    if result is None or not p.signal_kind:
        return None
    same = [s for s in result.signals if s.get("kind") == p.signal_kind]
    if not same:
        return None
    about = {p.subject_id or p.target_id, p.target_id}
    signal = next((s for s in same if s.get("subject_id") in about), same[0])
    quote_id = signal.get("quote_record_id")
    return Finding(
        summary=_i(signal.get("summary") or signal.get("what") or p.signal_kind),
        kind=_i(p.signal_kind),
        subject=_i(signal["subject_name"]) if signal.get("subject_name") not in (None, "", account_name) else None,
        quote=_b(signal["quote"]) if signal.get("quote") else None,
        quote_url=links.record(_module_of(signal, str(quote_id)), str(quote_id)) if quote_id else None,
    )


def _module_of(signal: Mapping[str, Any], record_id: str) -> str | None:
    modules = signal.get("evidence_modules") or {}
    return str(modules.get(record_id)) if modules.get(record_id) else "Notes"


def evidence_rows(p: ProposedAction, links: Links, looks_injected: Any) -> list[Evidence]:
    rows = []
    for c in p.evidence:
        label = f"{c.module + '/' if c.module else ''}{c.record_id}" + (" (memory)" if c.source == "memory" else "")
        rows.append(
            Evidence(
                label=_i(label),
                url=links.record(c.module, c.record_id) if c.source == "zoho" else None,
                excerpt=_b(c.excerpt) if c.excerpt else None,
                instruction_like=bool(c.excerpt and looks_injected(c.excerpt)),
            )
        )
    return rows


def outcome_of(rec: Recommendation, links: Links) -> tuple[str | None, str | None]:
    if rec.status == "executed" and rec.result_record_id:
        view = view_of(rec.proposal)
        where = links.record(view.result_module, rec.result_record_id)
        return f"Written to Zoho: {view.result_noun} (record {rec.result_record_id}).", where
    if rec.status in ("failed", "approved") and rec.error:
        return _i(rec.error, limit=600), None
    return None, None


def card(
    rec: Recommendation,
    *,
    links: Links,
    result: ReviewResult | None = None,
    current: Mapping[str, Any] | None = None,
    current_error: str | None = None,
    looks_injected: Any = lambda _t: False,
    account_name: str | None = None,
) -> Card:
    p = rec.proposal
    on_account = p.target_module == "Accounts" and p.target_id == p.account_id and account_name
    target = f"{account_name} (account)" if on_account else f"{p.target_module}/{p.target_id}"
    outcome, outcome_url = outcome_of(rec, links)
    view = view_of(p, current)
    return Card(
        id=rec.id,
        short_id=rec.id[:8],
        status=rec.status,
        status_label=STATUS_LABEL.get(rec.status, rec.status),
        kind=p.kind,
        kind_label=view.label,
        layout=view.layout,
        account_id=p.account_id,
        target=_i(target),
        target_url=links.record(p.target_module, p.target_id),
        origin=_origin(p),
        priority=p.priority,
        rationale=_b(p.rationale),
        expected_impact=_b(p.expected_impact) if p.expected_impact else None,
        finding=finding_for(p, result, links, account_name),
        evidence=evidence_rows(p, links, looks_injected),
        change=view.rows,
        current_error=_i(current_error) if current_error else None,
        suspicious=rec.suspicious,
        suspicious_why=SUSPICIOUS_WHY if rec.suspicious else None,
        error=_i(rec.error, limit=600) if rec.error and rec.status == "failed" else None,
        outcome=outcome,
        outcome_url=outcome_url,
        decided_by=_i(rec.decided_by) if rec.decided_by else None,
        decided_at=rec.decided_at,
        decision_reason=_b(rec.decision_reason) if rec.decision_reason else None,
        created_at=rec.created_at,
        decidable=rec.status in ("pending", "failed"),
    )


def group_cards(
    recs: Sequence[Recommendation],
    owners: Mapping[str, AccountOwner],
    results: Mapping[str, ReviewResult],
    make_card: Any,
) -> list[AccountGroup]:
    """Proposals grouped by account, least healthy account first (unscored last), oldest proposal first."""
    groups: dict[str, AccountGroup] = {}
    for rec in recs:
        account_id = rec.proposal.account_id
        if account_id not in groups:
            owner, result = owners.get(account_id), results.get(account_id)
            groups[account_id] = AccountGroup(
                account_id=account_id,
                name=_i(owner.name if owner and owner.name else f"Account {account_id} (not found in Zoho)"),
                owner=_i(owner.owner_name or owner.owner_email)
                if owner and (owner.owner_name or owner.owner_email)
                else None,
                score=result.score if result else None,
                reviewed_at=result.reviewed_at if result else None,
            )
        groups[account_id].cards.append(make_card(rec))
    return list(groups.values())


def order_for_inbox(
    refs: Iterable[RecommendationRef], owners: Mapping[str, AccountOwner], scores: Mapping[str, float]
) -> list[RecommendationRef]:
    """Least healthy account first (unscored last), then by name; oldest proposal first within one."""

    def key(ref: RecommendationRef) -> tuple[float, str, str, datetime]:
        owner = owners.get(ref.account_id)
        name = (owner.name if owner and owner.name else "~").lower()
        return (scores.get(ref.account_id, 1000.0), name, ref.account_id, ref.created_at)

    return sorted(refs, key=key)
