"""Finding-level precision and recall of the language signals on a labelled corpus of notes.

    .venv/bin/python benchmarks/findings.py [--part dev|dev_blind|dev_blind2|dev_w1..dev_w5|test|test2]
        [--second-reader] [--json]

Each row of ``benchmarks/findings_corpus/<part>.jsonl`` is one note with the account's contacts and its
labels (format: ``benchmarks/findings_corpus/README.md``). The row becomes an account (its ``account`` name when the
writer gave one, else "Acme Corp") with those contacts and the note on the account, dated five days before the
run; the real detectors (``review.triage.triage_account``, kinds contact_gone, churn_risk, upsell_signal) read it.
A finding is its kind and subject: the contact's full name, or ``account``. Expected findings: the positive labels.
Per kind: precision = right findings / findings, recall = found expected findings / expected findings.
The tuning parts (``dev``, ``dev_blind``, ``dev_blind2``, ``dev_w1`` to ``dev_w5``) also list every miss and every
wrong finding, with the sentence; ``--part test`` and ``test2`` are for measuring only and print the figures alone.
``--second-reader``: churn and upsell findings checked and completed by the fine-tuned model
(``review.language.fine_tuned``, ``Thresholds.second_reader``); without it, the rule engine alone. A part whose
writer's vendor has a product catalogue (``findings_corpus/products.json``: the names its Products list would hold)
is read with those names (``SERGAS_PRODUCT_NAMES``); ``--no-products`` reads it without.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.findings_corpus.parts import (  # noqa: E402
    KINDS,
    PARTS,
    TUNING_PARTS,
    Finding,
    catalogue,
    empty_counts,
    expected,
    figures,
    load,
    tally,
)
from review.index import index_by_account  # noqa: E402
from review.record_builders import TODAY, account, contact, note, org  # noqa: E402
from review.signals import TriageContext  # noqa: E402
from review.thresholds import DEFAULT_THRESHOLDS  # noqa: E402
from review.triage import triage_account  # noqa: E402


def detect(
    row: dict[str, Any], *, second_reader: bool = False, products: tuple[str, ...] = ()
) -> tuple[set[Finding], dict[Finding, str]]:
    """Run the detectors on one row: the findings (kind, subject) and, for each, what the signal says."""
    acc = account(name=str(row.get("account") or "Acme Corp"), revenue=100_000)
    people = []
    for i, person in enumerate(row.get("contacts", [])):
        first, _, last = str(person["name"]).strip().partition(" ")  # "Mary Ann Lee": Mary, Ann Lee
        people.append(contact(acc.id, id=f"c{i}", first=first, last=last or first, title=person.get("title")))
    records = org(acc, *people, note(acc.id, row["text"], days_ago=5))
    view = index_by_account(records)[acc.id]
    thresholds = DEFAULT_THRESHOLDS.model_copy(update={"second_reader": second_reader, "product_names": products})
    triage = triage_account(view, TriageContext(today=TODAY, thresholds=thresholds), kinds=KINDS)
    names = {p.id: p.full_name for p in people}
    found: set[Finding] = set()
    said: dict[Finding, str] = {}
    for signal in triage.signals:
        if signal.subject_module == "Contacts" and signal.subject_id in names:
            subject = names[signal.subject_id]
        elif signal.subject_id == acc.id:
            subject = "account"
        else:
            subject = f"{signal.subject_module}:{signal.subject_id}"
        key = (signal.kind, subject)
        found.add(key)
        said[key] = signal.summary
    return found, said


def _sentence(row: dict[str, Any], finding: Finding) -> str:
    for lab in row.get("labels", []):
        if (lab["kind"], lab["subject"]) == finding:
            return str(lab.get("sentence", ""))
    return ""


def score(rows: list[dict[str, Any]], *, second_reader: bool = False, products: tuple[str, ...] = ()) -> dict[str, Any]:
    counts = empty_counts()
    misses: list[dict[str, str]] = []
    wrong: list[dict[str, str]] = []
    for row in rows:
        found, said = detect(row, second_reader=second_reader, products=products)
        want = expected(row)
        tally(counts, found, want)
        for kind, subject in sorted(want - found):
            misses.append(
                {"id": row["id"], "kind": kind, "subject": subject, "sentence": _sentence(row, (kind, subject))}
            )
        for kind, subject in sorted(found - want):
            wrong.append({"id": row["id"], "kind": kind, "subject": subject, "said": said[(kind, subject)]})
    return {"rows": len(rows), "per_kind": figures(counts), "misses": misses, "wrong": wrong}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=PARTS, default="dev")
    parser.add_argument("--second-reader", action="store_true", help="churn/upsell with the fine-tuned model")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON only")
    parser.add_argument("--no-products", action="store_true", help="read without the part's product catalogue")
    args = parser.parse_args()
    products = () if args.no_products else catalogue(args.part)
    result = score(load(args.part), second_reader=args.second_reader, products=products)
    if args.part not in TUNING_PARTS:  # the test part is for measuring only: no sentences to tune on
        result.pop("misses")
        result.pop("wrong")
    if args.json:
        print(json.dumps(result))
        return 0
    print(f"{args.part}: {result['rows']} rows")
    print(f"{'kind':<16}{'expected':>9}{'found':>7}{'right':>7}{'precision':>11}{'recall':>8}")
    for kind, c in result["per_kind"].items():
        print(f"{kind:<16}{c['expected']:>9}{c['found']:>7}{c['right']:>7}{c['precision']:>11.1%}{c['recall']:>8.1%}")
    for miss in result.get("misses", []):
        print(f"MISSED {miss['id']} {miss['kind']} {miss['subject']}: {miss['sentence']}")
    for bad in result.get("wrong", []):
        print(f"WRONG  {bad['id']} {bad['kind']} {bad['subject']}: {bad['said']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
