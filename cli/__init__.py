"""One module per command of main.py; each exposes ``run(settings, ...) -> int``."""
