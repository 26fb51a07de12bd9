"""The labelled corpus's parts and rows, with nothing but the standard library (the training venv of
``benchmarks/fine_tuned_reader.py`` has no product dependencies): which parts exist, how a row is loaded, what it
expects, and how findings are counted into precision and recall per kind."""

from __future__ import annotations

import json
from collections.abc import Set as AbstractSet
from pathlib import Path
from typing import Any

CORPUS = Path(__file__).resolve().parent
KINDS = ("contact_gone", "churn_risk", "upsell_signal")
Finding = tuple[str, str]  # (kind, subject)
Counts = dict[str, dict[str, int]]
# more writers, each with a style and a focus (README.md); w1-w5 came after the second reader's first choice of
# combinations, w6-w7 after its second, w8-w18 after its score store, w19-w26 after it was on by default
WRITER_PARTS = tuple(f"dev_w{n}" for n in range(1, 33))
FIRST_PARTS = ("dev", "dev_blind", "dev_blind2")
TUNING_PARTS = (*FIRST_PARTS, *WRITER_PARTS)  # the reader may be tuned (and trained) on these
MEASURING_PARTS = ("test", "test2", "test3")  # held out: written apart, never read to tune anything
PARTS = (*TUNING_PARTS, *MEASURING_PARTS)


def catalogue(part: str) -> tuple[str, ...]:
    """The product names of the vendor whose notes ``part`` holds, as its Products list would spell them
    (``products.json``), or () when the part has none."""
    path = CORPUS / "products.json"
    names = json.loads(path.read_text(encoding="utf-8")).get(part, []) if path.is_file() else []
    return tuple(str(name) for name in names)


def load(part: str) -> list[dict[str, Any]]:
    path = CORPUS / f"{part}.jsonl"
    if not path.is_file():
        raise SystemExit(f"No corpus at {path}: write it first (one JSON object per line).")
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise SystemExit(f"{path.name} line {number} is not JSON: {exc.msg}") from exc
    return rows


def expected(row: dict[str, Any]) -> set[Finding]:
    return {(lab["kind"], lab["subject"]) for lab in row.get("labels", []) if lab.get("polarity") == "positive"}


def empty_counts() -> Counts:
    return {kind: {"expected": 0, "found": 0, "right": 0} for kind in KINDS}


def tally(counts: Counts, found: AbstractSet[Finding], want: AbstractSet[Finding]) -> None:
    """Count one row: its expected findings, the findings of a counted kind, and the right ones."""
    for kind, _ in want:
        counts[kind]["expected"] += 1
    for kind, _ in found:
        if kind in counts:
            counts[kind]["found"] += 1
    for kind, _ in found & want:
        counts[kind]["right"] += 1


def figures(counts: Counts) -> dict[str, dict[str, float | int]]:
    """Per kind: the counts, precision = right / found and recall = right / expected (1.0 when nothing to divide)."""
    return {
        kind: {
            **c,
            "precision": round(c["right"] / c["found"], 4) if c["found"] else 1.0,
            "recall": round(c["right"] / c["expected"], 4) if c["expected"] else 1.0,
        }
        for kind, c in counts.items()
    }
