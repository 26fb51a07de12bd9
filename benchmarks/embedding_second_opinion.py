"""Would a classifier on the MiniLM sentence embeddings be a useful second opinion for the note reader?

    .venv/bin/python benchmarks/embedding_second_opinion.py

Cross-validated on the tuning parts only (never ``test``): each sentence of a part is labelled with the kinds of
its positive labels; a class-weighted logistic regression per kind is trained on some parts and scored, per
sentence, on another, at three thresholds. The figures (and the cost of an embedding per sentence) are why the
reader stays a rule engine: see ARCHITECTURE.md, "Reading notes".
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np
import numpy.typing as npt

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.findings_corpus.parts import CORPUS, KINDS, TUNING_PARTS  # noqa: E402
from memory.embedding.minilm import shared_encoder  # noqa: E402
from review.language import split_sentences  # noqa: E402

Vector = npt.NDArray[np.float64]
SPLITS = ((("dev",), "dev_blind"), (("dev",), "dev_blind2"), (("dev", "dev_blind"), "dev_blind2"))
THRESHOLDS = (0.5, 0.8, 0.95)


def sentences(part: str) -> list[tuple[str, dict[str, int]]]:
    """Every sentence of the part, with 1 for each kind a positive label puts in it."""
    assert part in TUNING_PARTS, "the test part is for measuring the reader only"
    out = []
    for line in (CORPUS / f"{part}.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        for sentence in split_sentences(row["text"]):
            kinds = {kind: 0 for kind in KINDS}
            for label in row.get("labels", []):
                said = label.get("sentence", "")
                if label["polarity"] == "positive" and said and (said[:40] in sentence or sentence[:40] in said):
                    kinds[label["kind"]] = 1
            out.append((sentence, kinds))
    return out


def train(x: Vector, y: Vector, *, lam: float = 1e-4, epochs: int = 1500, rate: float = 8.0) -> tuple[Vector, float]:
    """Logistic regression, positives and negatives weighted equally, by gradient descent."""
    w = np.zeros(x.shape[1])
    b = 0.0
    share = float(y.mean())
    weight = np.where(y == 1, 0.5 / max(share, 1e-3), 0.5 / max(1 - share, 1e-3))
    for _ in range(epochs):
        p = 1 / (1 + np.exp(-(x @ w + b)))
        g = (p - y) * weight
        w -= rate * (x.T @ g / len(y) + lam * w)
        b -= rate * float(g.mean())
    return w, b


def main() -> int:
    encoder = shared_encoder()
    data = {part: sentences(part) for part in TUNING_PARTS if (CORPUS / f"{part}.jsonl").is_file()}
    vectors: dict[str, Vector] = {}
    for part, rows in data.items():
        started = time.perf_counter()
        vectors[part] = encoder.encode([s for s, _ in rows]).astype(np.float64)
        cost = (time.perf_counter() - started) / max(len(rows), 1) * 1000
        print(f"{part}: {len(rows)} sentences, {cost:.1f} ms per sentence to embed")
    for train_parts, scored in SPLITS:
        if scored not in data or any(p not in data for p in train_parts):
            continue
        x = np.vstack([vectors[p] for p in train_parts])
        for kind in KINDS:
            w, b = train(x, np.array([k[kind] for p in train_parts for _, k in data[p]], dtype=np.float64))
            truth = np.array([k[kind] for _, k in data[scored]])
            chance = 1 / (1 + np.exp(-(vectors[scored] @ w + b)))
            cells = []
            for threshold in THRESHOLDS:
                said = chance >= threshold
                right = int((said & (truth == 1)).sum())
                precision = 100 * right / max(int(said.sum()), 1)
                cells.append(f"@{threshold}: P {precision:.0f}% R {100 * right / max(int(truth.sum()), 1):.0f}%")
            print(f"{'+'.join(train_parts)} -> {scored} {kind:14s} " + "  ".join(cells))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
