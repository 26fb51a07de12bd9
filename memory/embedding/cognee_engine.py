"""Serve the local MiniLM to cognee in process.

cognee 1.6.5 builds its embedding engine in
``cognee.infrastructure.databases.vector.embeddings.get_embedding_engine.create_embedding_engine``;
``install()`` swaps that factory for one returning ``LocalEmbeddingEngine`` when the configured
model is ours (``EMBEDDING_MODEL=sergas_minilm``, set by ``memory.cognee_env``), and defers to the
original factory otherwise, so a deployment that configures OpenAI or Ollama embeddings gets them.
Chosen over a loopback HTTP server: no port, no serialisation, one less process to babysit.
"""

from __future__ import annotations

import asyncio
from typing import Any

from memory.cognee_env import COGNEE_VERSION, EMBEDDING_PROVIDER_NAME
from memory.embedding.minilm import DIMENSIONS, MiniLMEncoder, shared_encoder

_installed = False
# What the embedder cost in this process (the benchmark reads it to split cognee's time from ours).
# (compute time: ``MiniLMEncoder.busy_seconds``; concurrent calls queue on the encoder's lock)
EMBED_STATS: dict[str, int] = {"calls": 0, "texts": 0}
_CACHE_TEXT_CHARS = 64  # relationship names, type names: short and repeated
_CACHE_ENTRIES = 10_000


class LocalEmbeddingEngine:
    """cognee's ``EmbeddingEngine`` protocol over ``MiniLMEncoder``."""

    def __init__(self, encoder: MiniLMEncoder | None = None, *, batch_size: int = 256) -> None:
        self._encoder = encoder or shared_encoder()
        self.dimensions = DIMENSIONS
        self.max_completion_tokens = self._encoder.max_tokens
        self.batch_size = batch_size
        self.model = EMBEDDING_PROVIDER_NAME
        self._cache: dict[str, list[float]] = {}

    async def embed_text(self, text: list[str]) -> Any:
        from cognee.infrastructure.databases.vector.embeddings.EmbeddingEngine import EmbeddingResult

        texts = list(text)
        # cognee also indexes every edge's relationship name ("belongs_to", thousands of times a sync):
        # embed each distinct text once per call, and remember the short ones across calls.
        missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if missing:
            vectors = (await asyncio.to_thread(self._encoder.encode, missing)).tolist()
            fresh = dict(zip(missing, vectors, strict=True))
        else:
            fresh = {}
        for key, vector in fresh.items():
            if len(key) <= _CACHE_TEXT_CHARS and len(self._cache) < _CACHE_ENTRIES:
                self._cache[key] = vector
        result = [fresh[t] if t in fresh else self._cache[t] for t in texts]
        EMBED_STATS["calls"] += 1
        EMBED_STATS["texts"] += len(missing)
        return EmbeddingResult(vectors=result, tokens=0)

    def get_vector_size(self) -> int:
        return DIMENSIONS

    def get_batch_size(self) -> int:
        return self.batch_size

    async def input_limit(self) -> int | None:
        return self.max_completion_tokens

    # cognee's chunkers ask the engine's tokenizer how long a text is.
    @property
    def tokenizer(self) -> Any:
        return _TokenCounter(self._encoder)


class _TokenCounter:
    def __init__(self, encoder: MiniLMEncoder) -> None:
        self._encoder = encoder

    def count_tokens(self, text: str) -> int:
        return self._encoder.count_tokens(text)


def install() -> None:
    """Route cognee's embedding factory to the local engine (idempotent)."""
    global _installed
    if _installed:
        return
    import importlib

    import cognee

    factory_module = importlib.import_module("cognee.infrastructure.databases.vector.embeddings.get_embedding_engine")

    version = getattr(cognee, "__version__", COGNEE_VERSION)
    if not str(version).startswith(COGNEE_VERSION):
        raise RuntimeError(f"memory.embedding.cognee_engine is pinned to cognee {COGNEE_VERSION}, found {version}")
    original = factory_module.create_embedding_engine

    def create_embedding_engine(provider: Any, model: Any, *args: Any, **kwargs: Any) -> Any:
        if model == EMBEDDING_PROVIDER_NAME:
            return LocalEmbeddingEngine()
        return original(provider, model, *args, **kwargs)

    setattr(factory_module, "create_embedding_engine", create_embedding_engine)  # noqa: B010 - a module
    _installed = True
