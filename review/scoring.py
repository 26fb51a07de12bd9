"""Score a review's flags against the sandbox manifest's planted situations.

    score_against_manifest(flagged, manifest, existing_ids)
    → {"recall", "false_flag_rate", "missing_evidence", "missed", "false_flags", "per_kind"}

``flagged`` is the ``flagged`` list of ``review --json`` (dicts with ``account_id`` and ``signals`` of
``{"kind", "evidence"}``) or ``AccountTriage`` objects. A planted situation counts as found when the same
account carries a signal of the same kind. ``false_flag_rate`` is flagged (account, kind) pairs not in the
manifest ÷ all flagged pairs. ``missing_evidence`` lists cited record ids not in ``existing_ids``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import BaseModel

from review.signal_kinds import NOTE_KINDS

Pair = tuple[str, str]


def _flag_dicts(flagged: Iterable[Any]) -> list[Mapping[str, Any]]:
    return [f.model_dump() if isinstance(f, BaseModel) else f for f in flagged]


def flagged_pairs(flagged: Iterable[Any]) -> tuple[set[Pair], set[str]]:
    pairs: set[Pair] = set()
    cited: set[str] = set()
    for account in _flag_dicts(flagged):
        for signal in account.get("signals", []):
            pairs.add((str(account["account_id"]), str(signal["kind"])))
            cited.update(str(e) for e in signal.get("evidence", []))
    return pairs, cited


def score_against_manifest(
    flagged: Iterable[Any], manifest: Mapping[str, Any], existing_ids: Iterable[str]
) -> dict[str, Any]:
    pairs, cited = flagged_pairs(flagged)
    planted: set[Pair] = {(str(s["account_id"]), str(s["kind"])) for s in manifest.get("situations", [])}
    found = pairs & planted
    false = pairs - planted
    existing = set(existing_ids)
    per_kind: dict[str, dict[str, int]] = {}
    for _, kind in planted | pairs:
        per_kind.setdefault(kind, {"planted": 0, "found": 0, "false_flags": 0})
    for _, kind in planted:
        per_kind[kind]["planted"] += 1
    for _, kind in found:
        per_kind[kind]["found"] += 1
    for _, kind in false:
        per_kind[kind]["false_flags"] += 1
    return {
        "recall": len(found) / len(planted) if planted else 1.0,
        "false_flag_rate": len(false) / len(pairs) if pairs else 0.0,
        "missing_evidence": sorted(cited - existing),
        "planted": len(planted),
        "flagged_pairs": len(pairs),
        "missed": sorted(planted - pairs),
        "false_flags": sorted(false),
        "per_kind": dict(sorted(per_kind.items())),
    }


Finding = tuple[str, str, str]  # (account id, kind, subject id)


def _planted_subject(situation: Mapping[str, Any]) -> str:
    if situation.get("subject_id"):
        return str(situation["subject_id"])
    evidence = situation.get("evidence") or []
    if situation["kind"] == "contact_gone" and evidence:
        return str(evidence[0])
    return str(situation["account_id"])


def reported_findings(flagged: Iterable[Any]) -> set[Finding]:
    """(account, kind, subject) of every language signal in ``flagged``."""
    found: set[Finding] = set()
    for account in _flag_dicts(flagged):
        for signal in account.get("signals", []):
            if signal["kind"] in NOTE_KINDS:
                subject = signal.get("subject_id") or account["account_id"]
                found.add((str(account["account_id"]), str(signal["kind"]), str(subject)))
    return found


def score_findings(flagged: Iterable[Any], manifest: Mapping[str, Any]) -> dict[str, Any]:
    planted: set[Finding] = {
        (str(s["account_id"]), str(s["kind"]), _planted_subject(s))
        for s in manifest.get("situations", [])
        if s["kind"] in NOTE_KINDS
    }
    lookalikes: set[Finding] = {
        (str(s["account_id"]), str(s["kind"]), _planted_subject(s)) for s in manifest.get("lookalikes", [])
    }
    reported = reported_findings(flagged)
    right = reported & planted
    false = reported - planted
    planted_pairs = {(a, k) for a, k, _ in planted}
    per_kind = {
        kind: {
            "planted": sum(1 for f in planted if f[1] == kind),
            "found": sum(1 for f in right if f[1] == kind),
            "wrong_subject": sum(1 for f in false if f[1] == kind and (f[0], kind) in planted_pairs),
            "false_findings": sum(1 for f in false if f[1] == kind),
            "lookalikes_reported": sum(1 for f in false & lookalikes if f[1] == kind),
        }
        for kind in NOTE_KINDS
    }
    return {
        "per_kind": per_kind,
        "precision": len(right) / len(reported) if reported else 1.0,
        "recall": len(right) / len(planted) if planted else 1.0,
        "missed": sorted(planted - reported),
        "false_findings": sorted(false),
        "lookalikes_reported": sorted(false & lookalikes),
    }
