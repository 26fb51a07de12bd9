"""Permission hooks (fail-closed approval gate) and the audit hook."""
