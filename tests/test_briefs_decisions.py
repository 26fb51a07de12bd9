"""The deterministic brief (and so the keyless ``ask``/``chat``) knows what a person decided: it lists the
account's recent decisions with their reasons, and never recommends a rejected or done action as new."""

from __future__ import annotations

from datetime import date

from agents.testing import InMemoryGateway, demo_views
from briefs import brief_markdown, build_brief
from domain.proposals import ProposedAction
from domain.recommendations import WriteResult
from integrations.zoho.models import Account360
from review.index import AccountView
from review.rules import propose_for
from review.signals import TriageContext
from review.triage import triage_account
from state.store import StateStore

GLOBEX = "4876000000002"
TODAY = date(2026, 2, 20)


def globex() -> Account360:
    return next(v for v in demo_views() if v.account.id == GLOBEX)


def overdue_proposal() -> ProposedAction:
    view = globex()
    triage = triage_account(
        AccountView(account=view.account, contacts=view.contacts, deals=view.deals, tasks=view.tasks, notes=view.notes),
        TriageContext(today=TODAY),
    )
    return next(p for p in propose_for(triage, today=TODAY) if p.signal_kind == "overdue_tasks")


async def test_a_rejected_action_is_listed_with_its_reason_and_not_recommended(store: StateStore) -> None:
    gateway = InMemoryGateway(demo_views())
    before = await build_brief(gateway, None, GLOBEX, today=TODAY, decisions=store)
    assert before.decided == [] and any(p.text.startswith("Close the loop") for p in before.talking_points)
    rec, _ = store.enqueue(overdue_proposal())
    store.decide(rec.id, "rejected", by="ana@example.com", reason="Those tasks are handled by support")
    brief = await build_brief(gateway, None, GLOBEX, today=TODAY, decisions=store)
    [line] = brief.decided
    assert line.status == "rejected" and line.reason == "Those tasks are handled by support"
    assert "Rejected on" in line.text and "by ana@example.com" in line.text
    [risk] = [r for r in brief.risks if r.kind == "overdue_tasks"]
    assert risk.decided == "rejected" and "Those tasks are handled by support" in (risk.decision or "")
    points = [p.text for p in brief.talking_points]
    assert not any(p.startswith("Close the loop") for p in points)
    assert any(p.startswith("Decided, not suggested again: You rejected this") for p in points)
    markdown = brief_markdown(brief)
    assert "## Decided recently" in markdown and "Those tasks are handled by support" in markdown


async def test_a_done_action_is_said_done_while_its_task_is_open(store: StateStore) -> None:
    gateway = InMemoryGateway(demo_views())
    rec, _ = store.enqueue(overdue_proposal())
    store.decide(rec.id, "approved", by="ana@example.com")
    store.claim_for_execution(rec.id)
    open_task = globex().tasks[0].id  # stands for the task the executor created (open in the 360 view)
    store.mark_executed(
        rec.id, WriteResult(recommendation_id=rec.id, record_id=open_task, module="Tasks", created=True, tier="rest")
    )
    brief = await build_brief(gateway, None, GLOBEX, today=TODAY, decisions=store)
    [risk] = [r for r in brief.risks if r.kind == "overdue_tasks"]
    assert risk.decided == "done" and "is still open" in (risk.decision or "")
    assert any(p.text.startswith("Already done: task") for p in brief.talking_points)
    assert brief.decided[0].status == "executed" and brief.decided[0].record_id == open_task
