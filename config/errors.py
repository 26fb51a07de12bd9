"""The configuration's errors: the operator's mistake, with the fix in the message."""

from __future__ import annotations


class ConfigError(Exception):
    """The operator's mistake in configuration. The message says which setting and how to fix it."""


class HomeNotUsableError(ConfigError):
    """``SERGAS_HOME`` cannot hold the product's data: it is a file, lies under a file, or cannot be written."""
