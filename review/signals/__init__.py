"""One detector per situation kind: ``review/signals/<kind>.py`` with ``detect(view, ctx) -> list[Signal]``,
pure and fast, its definition in the module docstring. ``DETECTORS`` is derived from the specs
(``review.signal_kinds``): a kind whose detector module or ``detect`` is missing fails here, at import."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module

from review.index import AccountView
from review.models import Signal
from review.signal_kinds import SIGNAL_KINDS
from review.signals.context import TriageContext

Detector = Callable[[AccountView, TriageContext], list[Signal]]


def _detector(kind: str) -> Detector:
    module = import_module(f"{__name__}.{kind}")
    detect: Detector = module.detect  # AttributeError at import: the kind's module has no detect
    return detect


DETECTORS: dict[str, Detector] = {kind: _detector(kind) for kind in SIGNAL_KINDS}  # in the specs' order

__all__ = ["DETECTORS", "Detector", "TriageContext"]
