"""The one place that writes cognee's environment (cognee reads its configuration from env vars).

Everything cognee stores goes under ``settings.memory_dir`` (absolute paths). Engines run in this
process. Embeddings come from the local MiniLM (``memory.embedding``), so nothing is downloaded.
Production backends come from Settings:

- ``SERGAS_MEMORY_DB_PROVIDER=postgres`` → ``DB_PROVIDER=postgres`` with the host, port, user,
  password and database taken from ``SERGAS_DATABASE_URL`` (postgresql://user:pw@host:port/db).
- ``SERGAS_MEMORY_GRAPH_PROVIDER`` → ``GRAPH_DATABASE_PROVIDER`` (kuzu default; ladybug, neo4j...).
  For neo4j cognee also reads ``GRAPH_DATABASE_URL/USERNAME/PASSWORD`` from the environment.
- ``SERGAS_MEMORY_VECTOR_PROVIDER`` → ``VECTOR_DB_PROVIDER`` (lancedb default; pgvector reuses the
  relational database settings).

Variables the operator already exported (``LLM_API_KEY``, ``LLM_PROVIDER``, ``EMBEDDING_PROVIDER``
...) are left alone where this module does not need to own them; see ``uses_own_embeddings``.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlparse

from config.settings import Settings

# Pinned: the in-process embedding engine reaches into cognee's embedding factory.
COGNEE_VERSION = "1.6.5"
EMBEDDING_PROVIDER_NAME = "sergas_minilm"


def cognee_environment(settings: Settings) -> dict[str, str]:
    """What cognee must read, derived from settings only (pure: easy to test)."""
    root = settings.memory_dir.expanduser().resolve()
    env = {
        "SYSTEM_ROOT_DIRECTORY": str(root / "cognee_system"),
        "DATA_ROOT_DIRECTORY": str(root / "cognee_data"),
        "CACHE_ROOT_DIRECTORY": str(root / "cognee_cache"),
        "COGNEE_LOGS_DIR": str(root / "logs"),
        "TELEMETRY_DISABLED": "1",
        "GRAPH_DATABASE_SUBPROCESS_ENABLED": "false",
        "VECTOR_DB_SUBPROCESS_ENABLED": "false",
        "GLINER_AUTO_INSTALL": "false",
        "AUTO_FEEDBACK": "false",
        "ALLOW_CYPHER_QUERY": "true",
        # One store for the whole app (the per-dataset databases of multi-tenant mode would hide the
        # sync's index from readers that open the default engine).
        "ENABLE_BACKEND_ACCESS_CONTROL": "false",
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "GRAPH_DATABASE_PROVIDER": settings.memory_graph_provider,
        "VECTOR_DB_PROVIDER": settings.memory_vector_provider,
        "DB_PROVIDER": settings.memory_db_provider,
        "EMBEDDING_PROVIDER": "openai_compatible",  # replaced in process by memory.embedding.cognee_engine
        "EMBEDDING_MODEL": EMBEDDING_PROVIDER_NAME,
        "EMBEDDING_ENDPOINT": "http://127.0.0.1:9/unused",
        "EMBEDDING_API_KEY": "local",
        "EMBEDDING_DIMENSIONS": "384",
        "EMBEDDING_MAX_COMPLETION_TOKENS": "256",
        "EMBEDDING_BATCH_SIZE": "256",
        "EMBEDDING_MAX_CONCURRENT_DATA_POINTS": "2048",
        "LOG_LEVEL": "ERROR",
    }
    tiktoken = _litellm_tiktoken_dir()
    if tiktoken is not None:
        env["TIKTOKEN_CACHE_DIR"] = str(tiktoken)
    if settings.memory_db_provider == "postgres" and settings.database_url is not None:
        url = urlparse(settings.database_url.get_secret_value())
        env.update(
            {
                "DB_HOST": url.hostname or "127.0.0.1",
                "DB_PORT": str(url.port or 5432),
                "DB_USERNAME": url.username or "",
                "DB_PASSWORD": url.password or "",
                "DB_NAME": (url.path or "/sergas").lstrip("/") or "sergas",
            }
        )
    return env


def _litellm_tiktoken_dir() -> Path | None:
    """litellm ships tiktoken's encodings; pointing TIKTOKEN_CACHE_DIR there stops a download."""
    import importlib.util

    spec = importlib.util.find_spec("litellm")
    if spec is None or spec.origin is None:
        return None
    path = Path(spec.origin).parent / "litellm_core_utils" / "tokenizers"
    return path if path.is_dir() else None


def apply_cognee_environment(settings: Settings) -> dict[str, str]:
    """Write the environment cognee reads (before ``import cognee``) and create its directories."""
    env = cognee_environment(settings)
    for key, value in env.items():
        os.environ[key] = value
    for key in ("SYSTEM_ROOT_DIRECTORY", "DATA_ROOT_DIRECTORY", "CACHE_ROOT_DIRECTORY", "COGNEE_LOGS_DIR"):
        Path(env[key]).mkdir(parents=True, exist_ok=True)
    return env
