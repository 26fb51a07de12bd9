"""Configuration: the ``Settings`` class and the one place it is built."""

from config.errors import ConfigError, HomeNotUsableError
from config.loading import load_settings
from config.settings import Settings

__all__ = ["ConfigError", "HomeNotUsableError", "Settings", "load_settings"]
