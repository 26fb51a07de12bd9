"""The health score (0–100, higher is healthier) and the lines that explain it.

Every account starts at 100; each risk signal takes points off by kind and severity (the same kind is
counted once per account, at its worst severity, plus a little for each extra occurrence). An upsell
signal is good news and adds a few points back (never above 100).
"""

from __future__ import annotations

from review.models import SEVERITY_RANK, ScoreItem, Signal

PENALTY: dict[str, int] = {
    "churn_risk": 30,
    "closing_soon_no_activity": 20,
    "silent_account": 20,
    "deal_stalled": 15,
    "contact_gone": 12,
    "overdue_tasks": 10,
}
SEVERITY_FACTOR: dict[str, float] = {"low": 0.5, "medium": 1.0, "high": 1.5}
EXTRA_OCCURRENCE = 5
UPSELL_BONUS = 5


def health_score(signals: list[Signal]) -> tuple[int, list[ScoreItem]]:
    items: list[ScoreItem] = []
    by_kind: dict[str, list[Signal]] = {}
    for signal in signals:
        by_kind.setdefault(signal.kind, []).append(signal)
    for kind, group in by_kind.items():
        if kind == "upsell_signal":
            items.append(ScoreItem(reason="expansion language in a recent note", points=UPSELL_BONUS))
            continue
        worst = max(group, key=lambda s: SEVERITY_RANK[s.severity])
        points = round(PENALTY.get(kind, 10) * SEVERITY_FACTOR[worst.severity])
        points += EXTRA_OCCURRENCE * (len(group) - 1)
        label = kind.replace("_", " ")
        reason = f"{label} ({worst.severity})" + (f" ×{len(group)}" if len(group) > 1 else "")
        items.append(ScoreItem(reason=reason, points=-points))
    score = 100 + sum(i.points for i in items)
    return max(0, min(100, score)), items
