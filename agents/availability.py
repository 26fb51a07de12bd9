"""Is a model reachable at all? (Without a key the product answers deterministically instead.)"""

from __future__ import annotations

from config.settings import Settings

NO_MODEL_KEY_MESSAGE = (
    "No model key: deterministic answer. Set ANTHROPIC_API_KEY (or CLAUDE_CODE_USE_BEDROCK / "
    "CLAUDE_CODE_USE_VERTEX with their credentials) for agent answers."
)


def model_available(settings: Settings) -> bool:
    """True when a model key (or a cloud provider) is configured."""
    return settings.has_model_key


def model_env(settings: Settings) -> dict[str, str]:
    """The environment the Claude Code CLI needs to reach the configured model (secrets included: never log)."""
    env: dict[str, str] = {}
    if settings.anthropic_api_key is not None:
        env["ANTHROPIC_API_KEY"] = settings.anthropic_api_key.get_secret_value()
    if settings.anthropic_base_url:
        env["ANTHROPIC_BASE_URL"] = settings.anthropic_base_url
    if settings.use_bedrock:
        env["CLAUDE_CODE_USE_BEDROCK"] = "1"
    if settings.use_vertex:
        env["CLAUDE_CODE_USE_VERTEX"] = "1"
    return env
