"""The seeded org: deterministic, coherent manifest, healthy non-planted accounts, persistence."""

from __future__ import annotations

import json
import re
import string
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from review.signal_kinds import SPECS
from sandbox import note_phrases as phr
from sandbox.embedded import RunningSandbox
from sandbox.schema import CLOSED_STAGES
from sandbox.seed import LANGUAGE_KINDS, build_org
from sandbox.store import ChangeEvent, SandboxStore

ANCHOR = datetime(2025, 3, 14, 12, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[1]
SUBJECT_KEYS = {"subject_module", "subject_id", "subject_name", "note_id", "sentence"}
PLACEHOLDERS = {
    "contact",
    "first",
    "other",
    "other_first",
    "account",
    "competitor",
    "seats",
    "city",
    "month",
    "weekday",
    "quarter",
    "product",
    "retired_product",
}


def _index(store: SandboxStore) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for m in ("Accounts", "Contacts", "Deals", "Tasks", "Notes") for r in store.list_records(m)}


def test_deterministic() -> None:
    one = build_org(accounts=60, seed=3, anchor=ANCHOR)
    two = build_org(accounts=60, seed=3, anchor=ANCHOR)
    assert one.records == two.records and one.manifest == two.manifest
    assert build_org(accounts=60, seed=4, anchor=ANCHOR).records != one.records


def test_manifest_is_coherent(sandbox: RunningSandbox) -> None:
    manifest = httpx.get(f"{sandbox.base_url}/__sandbox/manifest").json()
    records = _index(sandbox.store)
    assert manifest["anchor"]
    assert {s["kind"] for s in manifest["situations"]} == {s.kind for s in SPECS if s.not_planted_because is None}
    for situation in manifest["situations"]:
        assert situation["account_id"] in records and situation["evidence"]
        assert all(e in records for e in situation["evidence"])
    for injection in manifest["injections"]:
        assert injection["record_id"] in records and injection["module"] in ("Notes", "Accounts", "Contacts")
        assert injection["account_id"] not in {s["account_id"] for s in manifest["situations"]}


def test_planted_margins_and_healthy_rest(tmp_path: Path) -> None:
    store = SandboxStore.open(tmp_path / "sb", accounts=400, seed=9, anchor=ANCHOR)
    today = ANCHOR.date()
    planted = {s["account_id"] for s in store.manifest["situations"]}
    assert 0.08 <= len(planted) / 400 <= 0.2
    by_id = _index(store)
    for s in store.manifest["situations"]:
        ev = [by_id[e] for e in s["evidence"]]
        if s["kind"] == "deal_stalled":
            assert (ANCHOR - datetime.fromisoformat(ev[0]["Modified_Time"])).days >= 70
        if s["kind"] == "silent_account":
            assert ev[0]["Annual_Revenue"] >= 1_500_000
            assert (ANCHOR - datetime.fromisoformat(ev[0]["Last_Activity_Time"])).days >= 80
        if s["kind"] == "overdue_tasks":
            assert all(date.fromisoformat(t["Due_Date"]) <= today - timedelta(days=10) for t in ev)
        if s["kind"] == "contact_gone":
            assert ev[0]["Email_Opt_Out"] and "left" in (ev[0]["Description"] or "").lower()
    recent = ANCHOR - timedelta(days=20)
    parent_account = {d["id"]: d["Account_Name"]["id"] for d in store.list_records("Deals")}
    for account in store.list_records("Accounts"):
        if account["id"] in planted:
            continue
        assert datetime.fromisoformat(account["Last_Activity_Time"]) >= recent, account["Account_Name"]
    for deal in store.list_records("Deals"):
        if deal["Account_Name"]["id"] in planted or deal["Stage"] in CLOSED_STAGES:
            continue
        assert date.fromisoformat(deal["Closing_Date"]) > today + timedelta(days=40)
        assert datetime.fromisoformat(deal["Last_Activity_Time"]) >= recent
    for task in store.list_records("Tasks"):
        account_id = parent_account.get(task["What_Id"]["id"], task["What_Id"]["id"])
        if account_id in planted or task["Status"] == "Completed":
            continue
        assert date.fromisoformat(task["Due_Date"]) >= today
    for contact in store.list_records("Contacts"):
        if contact["Account_Name"]["id"] not in planted:
            assert not contact["Email_Opt_Out"]
    store.close()


def test_restart_keeps_writes_and_reset_reseeds(tmp_path: Path) -> None:
    store = SandboxStore.open(tmp_path / "sb", accounts=30, seed=5, anchor=ANCHOR)
    events: list[ChangeEvent] = []
    store.add_listener(events.append)
    account = store.list_records("Accounts")[0]
    store.update("Accounts", account["id"], {"Rating": "Hot"}, store.default_user)
    note = store.create(
        "Notes",
        {"Note_Content": "hi", "Parent_Id": {"module": {"api_name": "Accounts"}, "id": account["id"]}},
        None,
    )
    victim = store.list_records("Contacts")[0]["id"]
    store.delete("Contacts", victim)
    assert [(e.operation, e.module) for e in events] == [
        ("update", "Accounts"),
        ("insert", "Notes"),
        ("delete", "Contacts"),
    ]
    assert events[0].affected_fields == ["Rating"]
    store.close()
    again = SandboxStore.open(tmp_path / "sb", accounts=30, seed=5)
    assert (again.get("Accounts", account["id"]) or {}).get("Rating") == "Hot"
    assert again.get("Notes", note["id"]) is not None and again.get("Contacts", victim) is None
    assert again.new_id() > note["id"]
    again.close()
    fresh = SandboxStore.open(tmp_path / "sb", accounts=30, seed=5, anchor=ANCHOR, reset=True)
    assert fresh.get("Notes", note["id"]) is None and fresh.get("Contacts", victim) is not None
    fresh.close()


def test_planted_language_names_its_subject_note_and_sentence() -> None:
    org = build_org(accounts=400, seed=9, anchor=ANCHOR)
    by_id = {r["id"]: r for records in org.records.values() for r in records}
    language = [s for s in org.manifest["situations"] if s["kind"] in LANGUAGE_KINDS]
    assert {s["kind"] for s in language} == LANGUAGE_KINDS
    for situation in language:
        assert set(situation) == {"account_id", "kind", "evidence"} | SUBJECT_KEYS
        note = by_id[situation["note_id"]]
        assert note["Parent_Id"]["id"] == situation["account_id"] and situation["note_id"] in situation["evidence"]
        assert situation["sentence"] and situation["sentence"] in note["Note_Content"]
        subject = by_id[situation["subject_id"]]
        if situation["kind"] == "contact_gone":
            assert situation["subject_module"] == "Contacts" and subject["id"] == situation["evidence"][0]
            assert subject["Full_Name"] == situation["subject_name"]
        else:
            assert situation["subject_module"] == "Accounts" and subject["id"] == situation["account_id"]
    assert all(not SUBJECT_KEYS & set(s) for s in org.manifest["situations"] if s["kind"] not in LANGUAGE_KINDS)


def test_lookalikes_are_real_notes_about_someone_who_did_not_leave() -> None:
    org = build_org(accounts=400, seed=9, anchor=ANCHOR)
    by_id = {r["id"]: r for records in org.records.values() for r in records}
    planted = {(s["account_id"], s["kind"]) for s in org.manifest["situations"]}
    gone = {s["subject_id"] for s in org.manifest["situations"] if s["kind"] == "contact_gone"}
    lookalikes = org.manifest["lookalikes"]
    healthy = {a["id"] for a in org.records["Accounts"]} - {account for account, _ in planted}
    assert len({x["account_id"] for x in lookalikes} & healthy) >= 0.1 * len(healthy)
    assert {x["kind"] for x in lookalikes} == LANGUAGE_KINDS
    reporters = [x for x in lookalikes if x["kind"] == "contact_gone" and (x["account_id"], "contact_gone") in planted]
    assert reporters  # the colleague who reported a departure is listed as someone who must not be flagged
    for lookalike in lookalikes:
        assert set(lookalike) == {"account_id", "kind"} | SUBJECT_KEYS
        assert (lookalike["account_id"], lookalike["kind"]) not in planted or lookalike["kind"] == "contact_gone"
        note = by_id[lookalike["note_id"]]
        assert note["Parent_Id"]["id"] == lookalike["account_id"]
        assert lookalike["sentence"] and lookalike["sentence"] in note["Note_Content"]
        subject = by_id[lookalike["subject_id"]]
        if lookalike["subject_module"] == "Contacts":
            assert subject["id"] not in gone and not subject["Email_Opt_Out"]
            assert subject["Account_Name"]["id"] == lookalike["account_id"]
        else:
            assert subject["id"] == lookalike["account_id"]


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_phrase_bank_markup_and_placeholders() -> None:
    for kind, pool in phr.PLANTED.items():
        for phrase in pool:
            assert phrase.text.count("[[") == phrase.text.count("]]") == 1, phrase
            assert phrase.text.count("<<") == phrase.text.count(">>") <= 1, phrase
            assert phrase.lookalike in (None, *LANGUAGE_KINDS), phrase
            assert phrase.lookalike != kind or phrase.about == "other", phrase  # the reporter of a departure
            assert _fields(phrase.text) <= PLACEHOLDERS, phrase
            if kind == "contact_gone":
                assert "{contact}" in phrase.text or "{first}" in phrase.text, phrase
    for phrase in phr.LOOKALIKES:
        assert phrase.text.count("<<") == phrase.text.count(">>") == 1 and "[[" not in phrase.text, phrase
        assert phrase.lookalike in LANGUAGE_KINDS and phrase.about in ("account", "contact", "other"), phrase
        assert (phrase.about == "account") == (phrase.lookalike != "contact_gone"), phrase
        assert _fields(phrase.text) <= PLACEHOLDERS, phrase
    for phrase in phr.NEUTRAL + phr.DEAL:
        assert not {"[[", "<<"} & {phrase.text[i : i + 2] for i in range(len(phrase.text))}, phrase
        assert _fields(phrase.text) <= {"contact", "first", "deal", "next_step"}, phrase
    said = phr.render(
        phr.Phrase("t", "fyi [[{first} quit]]. <<{other_first} takes over.>>", "contact_gone", "other"),
        {"first": "Ana", "other_first": "Kofi"},
    )
    assert said == ("t", "fyi Ana quit. Kofi takes over.", "Ana quit", "Kofi takes over.")


# The examples issue 13 itself quotes: both texts were written from that list, so they may share these words.
ISSUE_PHRASES = (
    "they're not shopping around",
    "zero appetite to switch",
    "cancelled the demo",
    "left the call early",
    "on leave until",
    "ended the pilot of a rival tool",
    "joined a startup",
    "last day was",
    "went with hubspot",
    "will let the contract lapse",
    "left the company in",
    "takes over",
    "moved on",
    "left a voicemail for",
)
WINDOW = 25  # characters: a shared stretch this long is a copied phrase, not a common word pair


def _without_issue_phrases(text: str) -> str:
    for phrase in ISSUE_PHRASES:
        text = text.replace(phrase, "\x00")
    return text


def test_phrase_bank_is_not_copied_from_the_benchmark_corpus() -> None:
    corpus = (ROOT / "benchmarks" / "findings_corpus" / "test.jsonl").read_text(encoding="utf-8")
    texts = _without_issue_phrases(" ".join(json.loads(line)["text"].lower() for line in corpus.splitlines() if line))
    shared = []
    for pool in (*phr.PLANTED.values(), phr.LOOKALIKES, phr.NEUTRAL, phr.DEAL):
        for phrase in pool:
            literal = _without_issue_phrases(re.sub(r"\{[a-z_]+\}|\[\[|\]\]|<<|>>", "\x00", phrase.text.lower()))
            for stretch in literal.split("\x00"):
                shared += [
                    stretch[i : i + WINDOW]
                    for i in range(len(stretch) - WINDOW + 1)
                    if stretch[i : i + WINDOW] in texts
                ]
    assert shared == []
