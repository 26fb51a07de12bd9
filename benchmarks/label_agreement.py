"""How far two careful readers of the same notes agree, and the note reader measured against each and both.

    .venv/bin/python benchmarks/label_agreement.py [--part test|test2|test3] [--json]

``benchmarks/findings_corpus/<part>.jsonl`` holds the labels of the person who wrote the notes;
``benchmarks/findings_corpus/<part>.second_reader.jsonl`` the labels of a second annotator who saw only the notes, the
contacts and the corpus's label definitions (README.md there): never the first labels, the reader's code or its
output. A finding is (kind, subject), as in ``benchmarks/findings.py``.

Printed per kind:
- the second reader scored against the writer's labels (precision, recall): how well a careful human-level reading
  can match these labels at all, the ceiling against which issue 13's targets (P >= 95, R >= 90) can be judged;
- the note reader against the writer's labels (the figure ``findings.py`` reports), against the second reader's,
  and on the findings both annotators agree on (a finding counts as expected when both gave it; a finding
  only one of them gave is left out of both precision and recall).
Measuring only: nothing here is for tuning the reader.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Set as AbstractSet
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.findings import detect  # noqa: E402
from benchmarks.findings_corpus.parts import (  # noqa: E402
    CORPUS,
    KINDS,
    MEASURING_PARTS,
    Counts,
    Finding,
    empty_counts,
    expected,
    figures,
    load,
    tally,
)


def _add(counts: Counts, found: set[Finding], want: set[Finding], ignore: AbstractSet[Finding] = frozenset()) -> None:
    tally(counts, found - ignore, want - ignore)


def second_reader(part: str) -> dict[str, dict[str, Any]]:
    path = CORPUS / f"{part}.second_reader.jsonl"
    if not path.is_file():
        raise SystemExit(f"No second reading at {path}: have a second annotator label {part} first.")
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return {str(row["id"]): row for row in rows}


def agreement(part: str) -> dict[str, Any]:
    writer = load(part)
    second = second_reader(part)
    missing = [row["id"] for row in writer if row["id"] not in second]
    if missing:
        raise SystemExit(f"The second reading of {part} lacks {len(missing)} rows, e.g. {missing[:3]}.")
    human, reader_vs_writer, reader_vs_second, reader_on_agreed = (empty_counts() for _ in range(4))
    for row in writer:
        first_labels = expected(row)
        second_labels = expected(second[row["id"]])
        found, _ = detect(row)
        _add(human, second_labels, first_labels)
        _add(reader_vs_writer, found, first_labels)
        _add(reader_vs_second, found, second_labels)
        _add(reader_on_agreed, found, first_labels & second_labels, ignore=first_labels ^ second_labels)
    return {
        "part": part,
        "rows": len(writer),
        "second_reader_vs_writer": figures(human),
        "reader_vs_writer": figures(reader_vs_writer),
        "reader_vs_second_reader": figures(reader_vs_second),
        "reader_on_agreed_findings": figures(reader_on_agreed),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=MEASURING_PARTS, default="test")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON only")
    args = parser.parse_args()
    result = agreement(args.part)
    if args.json:
        print(json.dumps(result))
        return 0
    print(f"{args.part}: {result['rows']} rows (precision / recall, %)")
    print(f"{'':<28}" + "".join(f"{kind:>18}" for kind in KINDS))
    for key in ("second_reader_vs_writer", "reader_vs_writer", "reader_vs_second_reader", "reader_on_agreed_findings"):
        cells = "".join(
            f"{100 * result[key][kind]['precision']:>11.1f} /{100 * result[key][kind]['recall']:>5.1f}"
            for kind in KINDS
        )
        print(f"{key:<28}{cells}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
