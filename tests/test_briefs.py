"""``briefs``: the deterministic meeting brief, its account resolution and its three renderings."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import pytest
from rich.console import Console

from agents.memory_access import AccountMemoryReader, as_memory_reader
from agents.testing import FakeMemory, InMemoryGateway, demo_views
from briefs import (
    AccountNotFound,
    AmbiguousAccount,
    brief_from_view,
    brief_json,
    brief_markdown,
    brief_renderable,
    build_brief,
    resolve_account,
)
from domain.proposals import parse_proposal
from memory.models import MemoryCitation, MemoryFact, MemoryHit
from state.store import StateStore

ACME = "4876000000001"
GLOBEX = "4876000000002"
TODAY = date(2026, 2, 20)


def _text(renderable: Any) -> str:
    console = Console(width=200, record=True)
    console.print(renderable)
    return console.export_text()


async def test_brief_holds_state_deals_overdue_tasks_risks_points_and_citations() -> None:
    gateway = InMemoryGateway(demo_views())
    memory = FakeMemory(
        {
            GLOBEX: [
                {
                    "citation": "4876000000999",
                    "module": "Deals",
                    "text": "Renewed in 2025.",
                    "at": "2025-03-01T00:00:00+00:00",
                }
            ]
        }
    )
    brief = await build_brief(gateway, memory, "Globex", today=TODAY)
    assert brief.account.account_id == GLOBEX and brief.account.name == "Globex Ltd"
    assert brief.deterministic and brief.account.health_score is not None and brief.account.health_score < 100
    assert [d.record_id for d in brief.open_deals] == ["4876000000220"]
    assert brief.overdue_tasks and brief.overdue_tasks[0].record_id == "4876000000320"
    assert brief.overdue_tasks[0].days_overdue == (TODAY - date(2026, 1, 15)).days
    assert {r.kind for r in brief.risks} >= {"overdue_tasks"}  # the review triage's own signals
    assert brief.talking_points and all(p.record_id for p in brief.talking_points)
    assert brief.history_status == "from memory" and brief.history[0].source == "memory"
    cited = {(c.source, c.record_id) for c in brief.citations}
    assert {
        ("zoho", GLOBEX),
        ("zoho", "4876000000220"),
        ("zoho", "4876000000320"),
        ("zoho", "4876000000420"),
        ("memory", "4876000000999"),
    } <= cited
    assert brief.warnings == []
    assert gateway.writes == []


async def test_brief_without_memory_says_history_is_not_built_and_flags_hostile_notes() -> None:
    brief = await build_brief(InMemoryGateway(demo_views(hostile=True)), None, GLOBEX, today=TODAY)
    assert brief.history == [] and "not built yet" in brief.history_status
    assert brief.warnings and "4876000000420" in brief.warnings[0]
    assert not any("ignore your instructions" in p.text for p in brief.talking_points)


def test_renderings_carry_the_same_facts() -> None:
    view = demo_views()[1]
    brief = brief_from_view(view, today=TODAY, now=datetime(2026, 2, 20, tzinfo=UTC))
    text, md, doc = _text(brief_renderable(brief)), brief_markdown(brief), json.loads(brief_json(brief))
    for needle in ("Globex Ltd", f"Accounts/{GLOBEX}", "Deals/4876000000220", "Tasks/4876000000320"):
        assert needle in text and needle in md
    assert "Deterministic brief" in text and "Deterministic brief" in md and doc["deterministic"] is True
    assert doc["account"]["account_id"] == GLOBEX and doc["open_deals"][0]["record_id"] == "4876000000220"
    assert md.startswith("# Meeting brief: Globex Ltd") and "## Citations" in md


async def test_account_refs_resolve_by_id_exact_name_or_say_why_not() -> None:
    gateway = InMemoryGateway(demo_views())
    assert (await resolve_account(gateway, GLOBEX)).name == "Globex Ltd"
    assert (await resolve_account(gateway, "initech")).id == "4876000000003"
    with pytest.raises(AccountNotFound):
        await resolve_account(gateway, "Umbrella")
    with pytest.raises(AmbiguousAccount) as ambiguous:
        await resolve_account(gateway, "c")  # Acme Corp, Initech
    assert {a.name for a in ambiguous.value.candidates} == {"Acme Corp", "Initech"}


class _AccountMemory:
    """The shape of ``memory.interface.AccountMemory`` the adapter reads."""

    def __init__(self) -> None:
        self.fact = MemoryFact(
            kind="record",
            account_id=GLOBEX,
            at=datetime(2025, 3, 1, tzinfo=UTC),
            summary="Deal renewed at 5% discount",
            citation=MemoryCitation(record_id="4876000000220", module="Deals", account_id=GLOBEX, excerpt="renewed"),
        )

    async def timeline(self, account_id: str, *, since: Any = None, limit: int = 50) -> list[MemoryFact]:
        return [self.fact] if account_id == GLOBEX else []

    async def search(self, query: str, *, account_id: str | None = None, limit: int = 10) -> list[MemoryHit]:
        return [MemoryHit(score=0.91234, fact=self.fact)]

    async def similar_situations(self, text: str, *, limit: int = 5) -> list[MemoryHit]:
        return [MemoryHit(score=0.5, fact=self.fact)]

    async def stats(self) -> Any:
        return None


async def test_account_memory_adapter_gives_the_tools_cited_facts() -> None:
    reader = as_memory_reader(_AccountMemory())
    assert isinstance(reader, AccountMemoryReader)
    timeline = await reader.timeline(GLOBEX)
    assert timeline == [
        {
            "citation": "4876000000220",
            "module": "Deals",
            "kind": "record",
            "account_id": GLOBEX,
            "at": "2025-03-01T00:00:00+00:00",
            "text": "Deal renewed at 5% discount",
            "excerpt": "renewed",
        }
    ]
    hits = await reader.search("discount", account_id=GLOBEX)
    assert hits[0]["score"] == 0.912 and hits[0]["citation"] == "4876000000220"
    assert (await reader.similar_situations("renewal"))[0]["text"] == "Deal renewed at 5% discount"
    fake = FakeMemory()
    assert as_memory_reader(fake) is fake and as_memory_reader(None) is None
    brief = await build_brief(InMemoryGateway(demo_views()), _AccountMemory(), GLOBEX, today=TODAY)
    assert brief.history[0].record_id == "4876000000220" and brief.history[0].module == "Deals"


async def test_the_brief_lists_proposals_waiting_for_a_decision(store: StateStore) -> None:
    """Preparing a meeting, the account manager sees what is already proposed on the account and not decided."""
    proposal = parse_proposal(
        {
            "kind": "create_task",
            "account_id": GLOBEX,
            "target_module": "Accounts",
            "target_id": GLOBEX,
            "task": {"subject": "Call Globex about the renewal", "due_date": "2026-03-01"},
            "rationale": "renewal in three weeks",
            "origin": "rules",
        }
    )
    rec, _ = store.enqueue(proposal)
    brief = await build_brief(InMemoryGateway(demo_views()), None, GLOBEX, today=TODAY, decisions=store)
    [line] = brief.pending
    assert line.recommendation_id == rec.id and "Call Globex about the renewal" in line.text and rec.id[:8] in line.text
    text, md = _text(brief_renderable(brief)), brief_markdown(brief)
    assert "Waiting for your decision" in text and "Call Globex about the renewal" in text
    assert json.loads(brief_json(brief))["pending"][0]["recommendation_id"] == rec.id
    # the Markdown is the document `brief --attach` files in Zoho: the queue's state is not meeting material, and a
    # brief attached twice must stay the same file (its first copy is itself a pending proposal)
    assert "Waiting for your decision" not in md and "Call Globex about the renewal" not in md
    empty = await build_brief(InMemoryGateway(demo_views()), None, ACME, today=TODAY, decisions=store)
    assert empty.pending == [] and "nothing pending" in _text(brief_renderable(empty))
