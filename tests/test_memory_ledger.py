"""The memory's parts that need no cognee: the ledger (what changed, change events, crash staging),
record descriptions, the numpy MiniLM encoder and cognee's environment. Fast: no cognee import."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from config import load_settings
from integrations.zoho.models import Account, Deal, Note
from memory.describe import describe, meaning_text
from memory.embedding.minilm import MiniLMEncoder
from memory.ledger import Ledger, change_text

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def _ledger(tmp_path: Path) -> Ledger:
    return Ledger(tmp_path / "ledger.sqlite3")


def _stage(ledger: Ledger, records: list[object], *, indexed: bool = True) -> None:
    classified = ledger.classify([describe(r) for r in records], now=T0)  # type: ignore[arg-type]
    items = [(d, f"node-{d.module}-{d.record_id}", d.account_id) for d in classified.changed]
    ledger.stage_records(items, now=T0)
    if indexed:
        ledger.mark_indexed([node for _, node, _ in items])


def test_classify_splits_new_changed_and_unchanged_and_derives_field_changes(tmp_path: Path) -> None:
    ledger = _ledger(tmp_path)
    deal = Deal(id="d1", name="Acme renewal", stage="Qualification", amount=1000.0, account_id="a1", modified_time=T0)
    _stage(ledger, [Account(id="a1", name="Acme", rating="Warm", modified_time=T0), deal])

    later = T0 + timedelta(days=2)
    touched = Account(id="a1", name="Acme", rating="Warm", modified_time=later)  # only the timestamp moved
    moved = deal.model_copy(update={"stage": "Negotiation/Review", "modified_time": later})
    result = ledger.classify([describe(touched), describe(moved)], now=later)
    assert result.unchanged == 1
    assert [d.record_id for d in result.changed] == ["d1"]
    assert [(e.field, e.old, e.new, e.at) for e in result.events] == [
        ("stage", "Qualification", "Negotiation/Review", later)
    ]


def test_a_record_staged_but_never_confirmed_is_pushed_again(tmp_path: Path) -> None:
    """What a sync killed between the ledger write and cognee's confirmation leaves behind."""
    ledger = _ledger(tmp_path)
    note = Note(id="n1", content="Asked about the renewal date.", parent_id="a1", parent_module="Accounts")
    _stage(ledger, [note], indexed=False)
    assert ledger.counts()["pending"] == 1
    again = ledger.classify([describe(note)], now=T0)
    assert [d.record_id for d in again.changed] == ["n1"] and again.unchanged == 0 and again.events == []
    ledger.mark_indexed(["node-Notes-n1"])
    assert ledger.classify([describe(note)], now=T0).unchanged == 1


def test_change_events_are_staged_with_their_record_and_never_twice(tmp_path: Path) -> None:
    ledger = _ledger(tmp_path)
    _stage(ledger, [Account(id="a1", name="Acme", rating="Warm")])
    changed = describe(Account(id="a1", name="Acme", rating="Cold", modified_time=T0))
    result = ledger.classify([changed], now=T0)
    changes = [(e, f"change-{e.field}") for e in result.events]
    assert ledger.stage_records([(changed, "node-Accounts-a1", "a1")], now=T0, changes=changes) == 1
    assert ledger.stage_changes(changes) == 0  # same record, field and time: already there
    facts = ledger.timeline("a1", since=None, limit=10)
    assert [f.kind for f in facts].count("change") == 1
    change = next(f for f in facts if f.kind == "change")
    assert "rating changed from Warm to Cold" in change.summary
    assert change.citation.record_id == "a1" and change.citation.module == "Accounts"


def test_a_note_without_its_parent_module_still_finds_its_account(tmp_path: Path) -> None:
    ledger = _ledger(tmp_path)
    _stage(
        ledger, [Account(id="a1", name="Acme"), Deal(id="d1", name="Acme deal", stage="Qualification", account_id="a1")]
    )
    assert ledger.account_of(None, "d1") == "a1"
    assert ledger.account_of(None, "a1") == "a1"
    assert ledger.account_of("Deals", "d1") == "a1"
    assert ledger.account_of(None, "missing") is None


def test_cursors_round_trip(tmp_path: Path) -> None:
    ledger = _ledger(tmp_path)
    assert ledger.get_cursor("Accounts") is None
    ledger.set_cursor("Accounts", T0)
    assert ledger.get_cursor("Accounts") == T0


def test_describe_keeps_what_is_cited_and_ignores_volatile_fields() -> None:
    note = describe(
        Note(
            id="n1",
            title="Escalation",
            content="They may cancel at the end of the quarter.",
            parent_id="a1",
            parent_module="Accounts",
            modified_time=T0,
        )
    )
    assert note.account_id == "a1" and note.title == "Escalation"
    assert "cancel at the end of the quarter" in note.text
    same = describe(
        Note(
            id="n1",
            title="Escalation",
            content="They may cancel at the end of the quarter.",
            parent_id="a1",
            parent_module="Accounts",
            modified_time=T0 + timedelta(hours=1),
        )
    )
    assert same.content_hash == note.content_hash


def test_what_is_embedded_is_what_a_record_says_not_its_name_amount_or_id() -> None:
    account = describe(
        Account(
            id="a1",
            name="Globex Holdings",
            industry="Healthcare",
            billing_city="Berlin",
            description="Healthcare customer based in Berlin.",
        )
    )
    deal = describe(
        Deal(
            id="d1",
            name="Globex renewal 2026",
            stage="Negotiation",
            amount=125000.0,
            next_step="Send the revised quote",
            account_id="a1",
        )
    )
    note = describe(
        Note(id="n1", title="Escalation", content="They may cancel.", parent_id="a1", parent_module="Accounts")
    )
    said = {d.module: meaning_text(d.module, d.snapshot, d.text) for d in (account, deal, note)}
    assert "Globex" in account.text and "Globex" not in said["Accounts"]  # cited by name, embedded by meaning
    assert "Healthcare" in said["Accounts"] and "Berlin" in said["Accounts"]
    assert "Negotiation" in said["Deals"] and "Send the revised quote" in said["Deals"]
    assert "Globex" not in said["Deals"] and "125" not in said["Deals"] and "d1" not in said["Deals"]
    assert said["Notes"] == note.text
    assert change_text("Deals", None, "Stage", "Qualification", "Negotiation") == (
        "Deal Stage changed from Qualification to Negotiation"
    )


@pytest.fixture(scope="module")
def encoder() -> MiniLMEncoder:
    from memory.embedding.minilm import shared_encoder

    return shared_encoder()


def test_minilm_in_numpy_ranks_by_meaning(encoder: MiniLMEncoder) -> None:
    vectors = encoder.encode(
        [
            "A man is eating food.",
            "A man is eating a piece of bread.",
            "The quarterly invoice is overdue.",
            "The customer will not renew the contract.",
            "They plan to cancel their subscription.",
        ]
    )
    assert vectors.shape == (5, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    sims = vectors @ vectors.T
    assert sims[0, 1] > 0.7 > sims[0, 2]  # all-MiniLM-L6-v2 gives 0.755 for the first pair
    assert sims[3, 4] > sims[3, 2] and sims[3, 4] > sims[3, 0]


def test_cognee_environment_keeps_everything_under_the_memory_dir(tmp_path: Path) -> None:
    from memory.cognee_env import cognee_environment

    settings = load_settings(home=tmp_path / "home")
    env = cognee_environment(settings)
    root = settings.memory_dir.expanduser().resolve()
    for key in ("SYSTEM_ROOT_DIRECTORY", "DATA_ROOT_DIRECTORY", "CACHE_ROOT_DIRECTORY", "COGNEE_LOGS_DIR"):
        assert Path(env[key]).is_relative_to(root)
    assert env["GRAPH_DATABASE_SUBPROCESS_ENABLED"] == "false" and env["VECTOR_DB_SUBPROCESS_ENABLED"] == "false"
    assert env["EMBEDDING_DIMENSIONS"] == "384" and env["HF_HUB_OFFLINE"] == "1"


def test_a_deleted_record_leaves_the_reads_and_comes_back_when_restored(tmp_path: Path) -> None:
    from memory.ledger import DELETED_FIELD
    from memory.models import ChangeEvent

    ledger = _ledger(tmp_path)
    note = Note(
        id="n1",
        title="Escalation",
        content="They may cancel.",
        parent_id="a1",
        parent_module="Accounts",
        modified_time=T0,
    )
    _stage(ledger, [note])
    event = ChangeEvent(
        module="Notes",
        record_id="n1",
        account_id=None,
        field=DELETED_FIELD,
        old="Escalation",
        new="Ana Lopez",
        at=T0 + timedelta(days=1),
    )
    gone = ("Notes", "n1", T0 + timedelta(days=1), event, "node-deleted-n1")
    assert ledger.stage_deletions([gone]) == ["n1"]
    assert ledger.stage_deletions([gone]) == []  # already marked: a re-run changes nothing
    assert [r["node_id"] for r in ledger.pending_records()] == ["node-Notes-n1"]  # to take out of cognee
    ledger.mark_indexed(["node-Notes-n1", "node-deleted-n1"])
    facts = ledger.timeline("a1", since=None, limit=10)
    assert [f.kind for f in facts] == ["change"] and "Escalation was deleted in Zoho by Ana Lopez" in facts[0].summary
    assert ledger.node_ids_of_account("a1") == ["node-deleted-n1"] and ledger.counts()["records"] == {}
    restored = ledger.classify([describe(note)], now=T0 + timedelta(days=2))
    assert [d.record_id for d in restored.changed] == ["n1"]  # restored from the recycle bin: pushed again
    _stage(ledger, [note])
    assert ledger.counts()["records"] == {"Notes": 1}


async def test_a_recycle_bin_that_cannot_be_read_leaves_a_note_and_the_cursor() -> None:
    from integrations.zoho.errors import ZohoPermissionError, ZohoUnavailableError
    from integrations.zoho.gateway import InMemoryCursors
    from memory.sync import _sync_deletions

    class Memory:
        async def forget_records(self, deleted: list[object]) -> int:
            return len(deleted)

    class Gateway:
        def __init__(self, error: Exception) -> None:
            self.error = error

        async def fetch_deleted(self, module: str, *, since: datetime | None = None) -> list[object]:
            raise self.error

    cursors, notes = InMemoryCursors(), list[str]()
    for error in (ZohoPermissionError("no permission", module="Deals"), ZohoUnavailableError("down")):
        assert await _sync_deletions(Gateway(error), Memory(), cursors, "Deals", notes) == 0
    assert len(notes) == 2 and all("recycle bin for Deals" in n for n in notes)
    assert cursors.values == {}
