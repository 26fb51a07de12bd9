"""The health score (0–100, higher is healthier) and the lines that explain it.

Every account starts at 100; each risk signal takes points off by kind and severity (its spec's ``Penalty``,
``review.signal_kinds``; the same kind is counted once per account, at its worst severity, plus a little for
each extra occurrence). Good news (a ``Bonus``: expansion language) adds a few points back (never above 100).
"""

from __future__ import annotations

from review.models import SEVERITY_RANK, ScoreItem, Signal
from review.signal_kinds import spec_of
from review.signal_spec import Bonus

SEVERITY_FACTOR: dict[str, float] = {"low": 0.5, "medium": 1.0, "high": 1.5}
EXTRA_OCCURRENCE = 5


def _item(kind: str, group: list[Signal]) -> ScoreItem:
    health = spec_of(kind).health
    if isinstance(health, Bonus):
        return ScoreItem(reason=health.reason, points=health.points)
    worst = max(group, key=lambda s: SEVERITY_RANK[s.severity])
    points = round(health.points * SEVERITY_FACTOR[worst.severity]) + EXTRA_OCCURRENCE * (len(group) - 1)
    label = kind.replace("_", " ")
    reason = f"{label} ({worst.severity})" + (f" ×{len(group)}" if len(group) > 1 else "")
    return ScoreItem(reason=reason, points=-points)


def health_score(signals: list[Signal]) -> tuple[int, list[ScoreItem]]:
    by_kind: dict[str, list[Signal]] = {}
    for signal in signals:
        by_kind.setdefault(signal.kind, []).append(signal)
    items = [_item(kind, group) for kind, group in by_kind.items()]
    score = 100 + sum(i.points for i in items)
    return max(0, min(100, score)), items
