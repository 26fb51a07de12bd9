"""Check a labelled findings corpus (``*.jsonl`` in this folder) and count its labels.

    .venv/bin/python -m benchmarks.findings_corpus.validate [FILE ...]   (default: every .jsonl here)

One JSON object per line::

    {"id": "t001", "text": "<the note>",
     "contacts": [{"name": "Grace Schmidt", "title": "Operations Manager"}, ...],
     "labels": [{"kind": "contact_gone" | "churn_risk" | "upsell_signal",
                 "polarity": "positive" | "negative",
                 "subject": "<a contact's name exactly as in contacts>" | "account",
                 "sentence": "<the exact substring of text that carries it>"}]}

A ``positive`` label is a finding the signals must report (that kind, about that subject); a ``negative``
one is a look-alike they must not report (a reporter of someone else's departure, negation, another word
sense, a resolved issue...). Rules checked beyond the shape: ids are unique in a file; contact names are
unique in a row; a ``contact_gone`` subject is one of the row's contacts and the other kinds' subject is
``"account"``; the sentence occurs in the text; no (kind, subject) is labelled both positive and negative
in one row. Prints the counts per kind and polarity; exits 1 with one line per problem.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from benchmarks.findings_corpus.parts import CORPUS, KINDS

HERE = CORPUS
ACCOUNT = "account"


class Contact(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str = Field(min_length=1)
    title: str


class Label(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    kind: Literal["contact_gone", "churn_risk", "upsell_signal"]
    polarity: Literal["positive", "negative"]
    subject: str = Field(min_length=1)
    sentence: str = Field(min_length=1)


class CorpusRow(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(min_length=1)
    text: str = Field(min_length=1)
    contacts: list[Contact] = Field(min_length=1)
    labels: list[Label]
    account: str | None = Field(default=None, min_length=1)  # the customer's name, when the writer gave it


class CorpusCounts(BaseModel):
    rows: int = 0
    labels: dict[str, dict[str, int]] = Field(default_factory=dict)  # kind -> polarity -> count
    rows_without_positive: int = 0
    rows_with_negative: int = 0


class CorpusError(ValueError):
    """A corpus file that cannot be read or breaks a rule; the message names the file and line."""


def row_problems(row: CorpusRow) -> list[str]:
    """What is wrong with one row beyond its JSON shape (empty when it is sound)."""
    problems: list[str] = []
    names = [c.name for c in row.contacts]
    if len(set(names)) != len(names):
        problems.append("two contacts have the same name")
    polarities: dict[tuple[str, str], set[str]] = {}
    for label in row.labels:
        if label.kind == "contact_gone" and label.subject not in names:
            problems.append(f"contact_gone subject {label.subject!r} is not one of the contacts {names}")
        if label.kind != "contact_gone" and label.subject != ACCOUNT:
            problems.append(f"{label.kind} subject must be 'account', not {label.subject!r}")
        if label.sentence not in row.text:
            problems.append(f"sentence {label.sentence!r} is not a substring of the text")
        polarities.setdefault((label.kind, label.subject), set()).add(label.polarity)
    for (kind, subject), seen in polarities.items():
        if len(seen) > 1:
            problems.append(f"{kind} about {subject!r} is labelled both positive and negative")
    return problems


def load_rows(path: Path) -> list[CorpusRow]:
    """Read and check one corpus file; raise ``CorpusError`` listing every problem, one per line."""
    rows: list[CorpusRow] = []
    problems: list[str] = []
    seen_ids: set[str] = set()
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise CorpusError(f"{path}: cannot read it ({exc})") from exc
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{path.name}:{number}"
        try:
            row = CorpusRow.model_validate(json.loads(line))
        except json.JSONDecodeError as exc:
            problems.append(f"{where}: not JSON ({exc.msg})")
            continue
        except ValidationError as exc:
            first = exc.errors()[0]
            problems.append(f"{where}: {'.'.join(str(p) for p in first['loc'])}: {first['msg']}")
            continue
        if row.id in seen_ids:
            problems.append(f"{where}: id {row.id!r} used twice")
        seen_ids.add(row.id)
        problems.extend(f"{where} ({row.id}): {p}" for p in row_problems(row))
        rows.append(row)
    if problems:
        raise CorpusError("\n".join(problems))
    return rows


def count(rows: Iterable[CorpusRow]) -> CorpusCounts:
    tally: Counter[tuple[str, str]] = Counter()
    counts = CorpusCounts()
    for row in rows:
        counts.rows += 1
        polarities = {label.polarity for label in row.labels}
        counts.rows_without_positive += "positive" not in polarities
        counts.rows_with_negative += "negative" in polarities
        tally.update((label.kind, label.polarity) for label in row.labels)
    counts.labels = {k: {p: tally[(k, p)] for p in ("positive", "negative")} for k in KINDS}
    return counts


def corpus_files(folder: Path = HERE) -> list[Path]:
    return sorted(folder.glob("*.jsonl"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path, help="corpus files (default: every .jsonl beside this script)")
    args = parser.parse_args(argv)
    files = args.files or corpus_files()
    if not files:
        print(f"no .jsonl corpus in {HERE}", file=sys.stderr)
        return 1
    failed = False
    for path in files:
        try:
            rows = load_rows(path)
        except CorpusError as exc:
            print(exc, file=sys.stderr)
            failed = True
            continue
        print(f"{path.name}: {count(rows).model_dump_json()}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
