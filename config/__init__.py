"""Configuration: the ``Settings`` class and the one place it is built."""

from config.loading import ConfigError, load_settings
from config.settings import Settings

__all__ = ["ConfigError", "Settings", "load_settings"]
