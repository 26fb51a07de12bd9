"""Memory against the sandbox, in process: sync a small org, change records, sync again, search by meaning.

One org and one memory for the whole module (cognee costs seconds to load): the ``history`` fixture
runs the syncs the way ``python main.py sync`` does (``cli.sync_command._sync``) and the tests read
what they produced.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from cli_support import sandbox_settings_for

from config.settings import Settings
from sandbox.embedded import RunningSandbox

PLANTED = (
    "Priya said their CFO intends to stop paying for the platform when the contract ends and move "
    "to a lower-cost alternative."
)
# Same meaning, no content word in common with the planted note.
QUERY = "finance chief plans to drop our product at term end for a less expensive supplier"


@dataclass
class History:
    settings: Settings
    sandbox: RunningSandbox
    first: Any
    second: Any
    third: Any
    account_id: str
    deal_id: str
    old_stage: str
    new_stage: str
    planted_id: str
    edited_note_id: str
    counts: dict[str, int] = field(default_factory=dict)


async def _sync_now(settings: Settings) -> Any:
    from rich.console import Console

    from cli.sync_command import _sync as run_sync

    return await run_sync(settings, full=False, since=None, console=Console(file=io.StringIO()))


def _sync(settings: Settings) -> Any:
    return asyncio.run(_sync_now(settings))


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Iterator[History]:
    from sandbox.embedded import start_sandbox
    from sandbox.schema import STAGE_PROBABILITY

    root = tmp_path_factory.mktemp("memory")
    with start_sandbox(data_dir=root / "sandbox", accounts=6, seed=7) as sb:
        settings = sandbox_settings_for(sb, root / "home")
        settings.ensure_home()
        first = _sync(settings)

        store = sb.store
        account = store.list_records("Accounts")[0]
        deal = next(d for d in store.list_records("Deals") if (d.get("Account_Name") or {}).get("id") == account["id"])
        new_stage = next(s for s in STAGE_PROBABILITY if s != deal["Stage"] and not s.startswith("Closed"))
        store.update("Accounts", account["id"], {"Rating": "Cold" if account.get("Rating") != "Cold" else "Hot"})
        store.update("Deals", deal["id"], {"Stage": new_stage})
        edited = store.list_records("Notes")[-1]
        store.update("Notes", edited["id"], {"Note_Content": "Renewal call moved to next month at their request."})
        planted = store.create(
            "Notes",
            {
                "Note_Title": "Budget review",
                "Note_Content": PLANTED,
                "Parent_Id": {"module": {"api_name": "Accounts"}, "id": account["id"]},
            },
        )
        second = _sync(settings)
        third = _sync(settings)
        counts = {m: store.count(m) for m in ("Accounts", "Contacts", "Deals", "Tasks", "Notes")}
        yield History(
            settings=settings,
            sandbox=sb,
            first=first,
            second=second,
            third=third,
            account_id=account["id"],
            deal_id=deal["id"],
            old_stage=deal["Stage"],
            new_stage=new_stage,
            planted_id=planted["id"],
            edited_note_id=edited["id"],
            counts=counts,
        )


def _by_module(summary: Any) -> dict[str, Any]:
    return {m.module: m for m in summary.modules}


def test_first_sync_stores_every_record(history: History) -> None:
    first = _by_module(history.first)
    for module, count in history.counts.items():
        expected = count - 1 if module == "Notes" else count  # the planted note came later
        assert first[module].fetched == expected
        assert first[module].stored == expected
    assert history.first.change_events == 0
    assert history.first.api_calls >= 5  # at least one call per module, counted through the gateway


def test_second_sync_stores_only_the_changes_and_records_change_events(history: History) -> None:
    second = _by_module(history.second)
    assert second["Accounts"].stored == 1
    assert second["Deals"].stored == 1
    assert second["Notes"].stored == 2  # the edited note and the planted one
    assert second["Contacts"].stored == 0
    assert second["Tasks"].stored == 0
    assert history.second.stored == 4
    # the records refetched at the cursor are recognised as unchanged
    assert history.second.unchanged == history.second.fetched - 4
    assert second["Deals"].change_events >= 1  # stage (and what Zoho derives from it: probability...)
    assert second["Accounts"].change_events == 1


def test_a_sync_with_nothing_changed_stores_nothing(history: History) -> None:
    assert history.third.stored == 0
    assert history.third.change_events == 0


async def _read(settings: Settings, fn: Any) -> Any:
    from memory.interface import open_memory

    memory = await open_memory(settings, read_only=True)
    try:
        return await fn(memory)
    finally:
        await memory.aclose()


async def test_timeline_shows_the_stage_change_with_old_and_new_values(history: History) -> None:
    facts = await _read(history.settings, lambda m: m.timeline(history.account_id, limit=100))
    changes = [f for f in facts if f.kind == "change" and f.citation.record_id == history.deal_id]
    stage = [f for f in changes if " stage changed" in f.summary]
    assert len(stage) == 1
    assert f"from {history.old_stage} to {history.new_stage}" in stage[0].summary
    assert stage[0].citation.module == "Deals"
    assert all(f.account_id == history.account_id for f in facts)
    dates = [f.at for f in facts if f.at is not None]
    assert dates == sorted(dates, reverse=True)
    # the planted note hangs on the account: it is part of its history, cited by its own id
    assert any(f.citation.record_id == history.planted_id for f in facts)


async def test_search_finds_the_planted_note_by_meaning_and_cites_it(history: History) -> None:
    assert not set(QUERY.lower().split()) & {"cfo", "platform", "contract", "lower-cost", "paying", "stop"}
    hits = await _read(history.settings, lambda m: m.search(QUERY, limit=3))
    top = [h.fact.citation.record_id for h in hits]
    assert history.planted_id in top, [h.fact.summary for h in hits]
    hit = next(h for h in hits if h.fact.citation.record_id == history.planted_id)
    assert hit.fact.citation.module == "Notes"
    assert hit.fact.account_id == history.account_id
    assert "CFO" in hit.fact.citation.excerpt
    assert hit.score > 0.3


async def test_search_within_one_account_only_returns_that_account(history: History) -> None:
    other = next(a["id"] for a in history.sandbox.store.list_records("Accounts") if a["id"] != history.account_id)
    mine = await _read(history.settings, lambda m: m.search(QUERY, account_id=history.account_id, limit=5))
    assert mine and mine[0].fact.citation.record_id == history.planted_id
    assert all(h.fact.account_id == history.account_id for h in mine)
    theirs = await _read(history.settings, lambda m: m.search(QUERY, account_id=other, limit=5))
    assert all(h.fact.account_id == other for h in theirs)
    assert history.planted_id not in {h.fact.citation.record_id for h in theirs}


async def test_decisions_from_the_state_store_become_similar_situations(history: History) -> None:
    """A rejected recommendation, decided in the state store, is synced and found as a similar situation."""
    from domain.proposals import CreateTaskProposal, TaskDraft
    from memory.interface import open_memory
    from state.store import StateStore

    settings = history.settings
    state = StateStore.open(settings)
    try:
        proposal = CreateTaskProposal(
            account_id=history.account_id,
            target_module="Accounts",
            target_id=history.account_id,
            task=TaskDraft(subject="Offer a loyalty discount"),
            rationale="The CFO wants to move to a cheaper vendor at renewal; offer a loyalty discount.",
            signal_kind="churn_risk",
        )
        rec, _ = state.enqueue(proposal)
        state.decide(rec.id, "rejected", by="am@example.com", reason="Discounts need VP approval this quarter")
    finally:
        state.close()
    summary = await _sync_now(settings)
    assert _by_module(summary)["Decisions"].stored == 1
    again = await _sync_now(settings)
    assert _by_module(again)["Decisions"].stored == 0  # the decisions cursor moved on

    memory = await open_memory(settings, read_only=True)
    try:
        similar = await memory.similar_situations("customer wants a cheaper supplier when the contract renews")
        timeline = await memory.timeline(history.account_id, since=datetime(2000, 1, 1, tzinfo=UTC))
        stats = await memory.stats()
    finally:
        await memory.aclose()
    assert similar and similar[0].fact.kind == "decision"
    assert similar[0].fact.citation.record_id == rec.id
    assert "rejected" in similar[0].fact.summary and "VP approval" in similar[0].fact.summary
    assert any(f.kind == "decision" for f in timeline)
    assert stats.decisions == 1 and stats.pending == 0
    assert Path(stats.memory_dir) == settings.memory_dir.expanduser().resolve()


async def test_the_graph_links_every_record_to_its_account_once(history: History) -> None:
    """Edges are written with memory's own Kuzu query (memory.cognee_store): one ``belongs_to`` edge per
    record with an account, one ``changed`` edge per change event, none twice after three syncs."""
    import sqlite3

    async def edges(_memory: Any) -> list[tuple[str, str, str]]:
        from cognee.infrastructure.databases.graph import get_graph_engine

        graph = await get_graph_engine()
        rows = await graph.query("MATCH (a:Node)-[r:EDGE]->(b:Node) RETURN a.id, b.id, r.relationship_name")
        return [(str(a), str(b), str(rel)) for a, b, rel in rows]

    found = await _read(history.settings, edges)
    assert len(found) == len(set(found)), "an edge was written twice"
    ledger = sqlite3.connect(str(history.settings.memory_dir / "ledger.sqlite3"))
    try:
        owned = ledger.execute(
            "SELECT node_id, account_id FROM records WHERE module != 'Accounts' "
            "AND account_id IS NOT NULL AND deleted_at IS NULL"
        ).fetchall()
        accounts = dict(ledger.execute("SELECT record_id, node_id FROM records WHERE module = 'Accounts'").fetchall())
        changes = ledger.execute("SELECT COUNT(*) FROM changes").fetchone()[0]
    finally:
        ledger.close()
    belongs = {(a, b) for a, b, rel in found if rel == "belongs_to"}
    assert belongs == {(node, accounts[account]) for node, account in owned}
    assert sum(1 for *_, rel in found if rel == "changed") == changes > 0


def test_records_deleted_in_zoho_leave_search_and_graph_but_not_the_history(tmp_path: Path) -> None:
    """A note and a deal deleted in Zoho: the next sync takes them out of memory search and the graph,
    puts "was deleted in Zoho" on the account's timeline, and the sync after that finds nothing more."""
    from sandbox.embedded import start_sandbox

    text = "Their legal team refuses the liability cap and wants unlimited indemnity in the master agreement."
    with start_sandbox(data_dir=tmp_path / "sandbox", accounts=3, seed=11) as sb:
        settings = sandbox_settings_for(sb, tmp_path / "home")
        settings.ensure_home()
        account = sb.store.list_records("Accounts")[0]
        note = sb.store.create(
            "Notes",
            {
                "Note_Title": "Contract terms",
                "Note_Content": text,
                "Parent_Id": {"module": {"api_name": "Accounts"}, "id": account["id"]},
            },
        )
        deal = next(
            d for d in sb.store.list_records("Deals") if (d.get("Account_Name") or {}).get("id") == account["id"]
        )
        first = _sync(settings)
        assert first.deleted == 0
        hits = asyncio.run(_read(settings, lambda m: m.search("indemnity and liability terms", limit=3)))
        assert note["id"] in {h.fact.citation.record_id for h in hits}

        sb.store.delete("Notes", note["id"])
        sb.store.delete("Deals", deal["id"])
        second = _sync(settings)
        assert _by_module(second)["Notes"].deleted == 1 and _by_module(second)["Deals"].deleted == 1
        third = _sync(settings)
        assert third.deleted == 0 and third.stored == 0
        live_notes = sb.store.count("Notes")

    async def read(memory: Any) -> tuple[Any, Any, Any, Any]:
        from cognee.infrastructure.databases.graph import get_graph_engine

        hits = await memory.search("indemnity and liability terms", limit=10)
        timeline = await memory.timeline(account["id"], since=datetime(2000, 1, 1, tzinfo=UTC), limit=500)
        graph = await get_graph_engine()
        ids = {str(r[0]) for r in await graph.query("MATCH (n:Node) RETURN n.id")}
        return hits, timeline, ids, await memory.stats()

    hits, timeline, node_ids, stats = asyncio.run(_read(settings, read))
    # what search still finds about the note is the fact that it was deleted, not the note
    assert note["id"] not in {h.fact.citation.record_id for h in hits if h.fact.kind == "record"}
    assert stats.indexed["CrmNote_text"] == live_notes
    records = {f.citation.record_id for f in timeline if f.kind == "record"}
    assert note["id"] not in records and deal["id"] not in records
    gone = [f.summary for f in timeline if f.kind == "change" and "was deleted in Zoho" in f.summary]
    assert len(gone) == 2 and any("Contract terms" in g for g in gone), gone
    import sqlite3

    with sqlite3.connect(str(settings.memory_dir / "ledger.sqlite3")) as ledger:
        rows = ledger.execute(
            "SELECT node_id, deleted_at, indexed FROM records WHERE record_id IN (?, ?)", (note["id"], deal["id"])
        ).fetchall()
    assert len(rows) == 2 and all(deleted and indexed for _, deleted, indexed in rows)  # history kept, pushed
    assert not {node for node, _, _ in rows} & node_ids, "a deleted record is still a graph node"
