"""Build the settings once, turning validation failures into one actionable line per setting."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from config.errors import ConfigError
from config.settings import Settings

__all__ = ["ConfigError", "load_settings"]


def _env_name(loc: tuple[Any, ...]) -> str:
    if not loc:
        return "configuration"
    field = str(loc[0])
    if field.isupper():  # pydantic reports the alias it read (e.g. SERGAS_ANTHROPIC_BASE_URL): the name itself
        return field
    alias = Settings.model_fields.get(field)
    if alias is not None and alias.validation_alias is not None:
        choices = getattr(alias.validation_alias, "choices", None)
        if choices:
            return str(choices[-1])
    return f"SERGAS_{field.upper()}"


def load_settings(**overrides: Any) -> Settings:
    """Read settings from explicit overrides, then the environment and ``.env``.

    Raises ``ConfigError`` with one line per bad setting, e.g.
    ``SERGAS_ZOHO_DC: 'mars' is not one of us, eu, in, au, cn, jp, ca, sa. Fix it in your environment or .env.``
    """
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        lines = []
        for err in exc.errors(include_url=False, include_input=False):
            loc = tuple(err.get("loc", ()))
            msg = str(err.get("msg", "invalid value"))
            if msg.startswith("Value error, "):
                msg = msg[len("Value error, ") :]
            if err.get("type") == "literal_error":
                expected = err.get("ctx", {}).get("expected", "")
                msg = f"must be one of {expected}".replace("'", "")
            name = _env_name(loc) if loc else "Zoho credentials"
            lines.append(f"{name}: {msg}. Fix it in your environment or .env (see .env.example).")
        raise ConfigError("\n".join(lines)) from None
