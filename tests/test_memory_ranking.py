"""``memory.ranking``: near-duplicates of a hit already picked are down-weighted, related but different records
are not, and an engine without vectors falls back to templates (names and numbers masked in notes)."""

from __future__ import annotations

import numpy as np

from memory.ranking import Candidate, diversify, pool_size, template_of


def _unit(*parts: float) -> list[float]:
    vector = np.array(parts, dtype=np.float64)
    return list(vector / np.linalg.norm(vector))


def _no_template(node: str) -> str:
    return node


def test_repeats_of_one_text_make_room_for_the_next_situation() -> None:
    same = _unit(1, 0, 0)
    candidates: list[Candidate] = [(f"deal{i}", 0.54 - i * 0.001, same) for i in range(8)]
    candidates.append(("note", 0.45, _unit(0, 1, 0)))  # another situation, less similar to the query
    candidates.append(("other", 0.30, _unit(0, 0, 1)))
    order = diversify(candidates, 5, _no_template)
    assert order[:3] == ["deal0", "note", "deal1"]  # one repeat still beats a much weaker match
    assert order.count("note") == 1 and len(order) == 5


def test_related_but_different_records_keep_their_order() -> None:
    candidates: list[Candidate] = [
        ("a", 0.60, _unit(1, 0.2, 0)),
        ("b", 0.55, _unit(1, 1.5, 0)),  # cosine with a ≈ 0.71: related, not a repeat
        ("c", 0.50, _unit(0, 0, 1)),
    ]
    assert diversify(candidates, 3, _no_template) == ["a", "b", "c"]


def test_a_node_found_twice_counts_once_with_its_best_score() -> None:
    candidates: list[Candidate] = [("x", 0.2, None), ("x", 0.5, None), ("y", 0.4, None)]
    assert diversify(candidates, 5, _no_template) == ["x", "y"]


def test_without_vectors_templates_decide_what_repeats() -> None:
    texts = {
        "n1": "Follow-up. Sent Kofi Walsh the meeting summary and 2 invoices.",
        "n2": "Follow-up. Sent Mei Sato the meeting summary and 14 invoices.",
        "n3": "Renewal risk. Ana Li mentioned they are switching after the price change.",
    }
    assert template_of("Notes", texts["n1"]) == template_of("Notes", texts["n2"])
    assert template_of("Notes", texts["n1"]) != template_of("Notes", texts["n3"])
    assert template_of("Deals", "Deal in stage Proposal") != template_of("Deals", "Deal in stage Closed Won")
    candidates: list[Candidate] = [("n1", 0.50, None), ("n2", 0.49, None), ("n3", 0.40, None)]
    assert diversify(candidates, 3, lambda n: template_of("Notes", texts[n])) == ["n1", "n3", "n2"]


def test_the_pool_is_wider_than_the_page() -> None:
    assert pool_size(10) == 50 and pool_size(20) == 100 and pool_size(1) == 50
