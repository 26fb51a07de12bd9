"""``python -m scripted_model [--port 8788] [--script obedient_reviewer]``: the scripted model, for a person.

Serves the fake Anthropic Messages API on 127.0.0.1 until Ctrl-C and prints the two variables to export in the
shell that runs Sergas, so ``review``, ``ask`` and ``chat`` take the agent path without a model key. What it
plays is a script of ``scripted_model.scripts``: by default ``obedient_reviewer`` (the orchestrator delegates to
the Data Scout, the Memory Analyst and the Recommendation Author in turn; the author reads the account and
proposes one dated follow-up task, which lands in the approval queue like any agent proposal).

A module of its own rather than a ``main.py`` command: the scripted model stands for Anthropic and imports
nothing of the product, and the product's command line has no business starting a fake of its model.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Callable, Sequence

from scripted_model import scripts
from scripted_model.server import DUMMY_API_KEY, ScriptedModelServer
from scripted_model.turns import Script

DEFAULT_PORT = 8788
SCRIPTS: dict[str, Callable[[], Script]] = {
    "obedient_reviewer": lambda: scripts.obedient_reviewer,
    "obeys_injections": lambda: scripts.obeys_injections,
}
SCRIPT_HELP = {
    "obedient_reviewer": "delegates to the three specialists; the author proposes one follow-up task (default)",
    "obeys_injections": "a hostile model that follows instructions found in CRM data (for the guards' demo)",
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m scripted_model",
        description="A scripted stand-in for the Anthropic API on 127.0.0.1: run Sergas's agents without a key.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="Interface to listen on (default: 127.0.0.1).")
    parser.add_argument(
        "--port",
        type=int,
        default=DEFAULT_PORT,
        help=f"Port to listen on; 0 picks a free one (default: {DEFAULT_PORT}).",
    )
    parser.add_argument(
        "--script",
        choices=sorted(SCRIPTS),
        default="obedient_reviewer",
        help="What the model plays: " + "; ".join(f"{k}: {v}" for k, v in SCRIPT_HELP.items()),
    )
    return parser


def instructions(server: ScriptedModelServer, script: str) -> str:
    return "\n".join(
        [
            f"Scripted model on {server.base_url} (plays {script}: {SCRIPT_HELP[script]}).",
            "In the shell that runs Sergas:",
            f"  export ANTHROPIC_BASE_URL={server.base_url} ANTHROPIC_API_KEY={DUMMY_API_KEY}",
            '  python main.py review --limit 3      # or: ask "...", chat',
            "Ctrl-C stops it.",
        ]
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    server = ScriptedModelServer(SCRIPTS[args.script](), host=args.host, port=args.port)
    try:
        server.start()
    except OSError as exc:
        print(f"Cannot listen on {args.host}:{args.port} ({exc.strerror or exc}); try --port 0.", file=sys.stderr)
        return 2
    print(instructions(server, args.script), flush=True)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    try:
        while not stop.wait(1.0):
            for error in server.errors:
                print(f"script error: {error.splitlines()[-1]}", file=sys.stderr, flush=True)
            server.errors.clear()
    finally:
        server.stop()
    print(f"Scripted model stopped after {len(server.requests)} request(s).", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
