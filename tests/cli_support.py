"""Real ``python main.py ...`` subprocesses for tests: ``clean_env`` (the developer's own SERGAS_/ANTHROPIC_/
CLAUDE_CODE_ variables removed), ``sandbox_cli_env`` (that, pointed at a test sandbox and, when given, the
scripted model, with the sandbox's demo credentials set as if it were a real Zoho org) and ``run_main``."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from config import Settings, load_settings
from sandbox.embedded import RunningSandbox

if TYPE_CHECKING:
    import pexpect

ROOT = Path(__file__).resolve().parents[1]
OURS = ("SERGAS_", "ANTHROPIC_", "CLAUDE_CODE_")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def clean_env(**extra: str) -> dict[str, str]:
    """This process's environment without our own variables, plus ``extra``."""
    return {k: v for k, v in os.environ.items() if not k.startswith(OURS)} | extra


def run_main(
    env: dict[str, str], *args: str, timeout: float = 300, stdin_text: str | None = None
) -> subprocess.CompletedProcess[str]:
    """``python main.py *args`` from the project root, output captured, no standard input (as in CI) unless
    ``stdin_text`` is given (piped, not a terminal: e.g. chat lines). A run past ``timeout`` (or a test
    interrupted meanwhile) is killed with everything it started, e.g. the agent SDK's CLI, in its own session:
    killing ``main.py`` alone would leave those running under the rest of the suite."""
    with subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), *args],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL if stdin_text is None else subprocess.PIPE,
        text=True,
        start_new_session=True,
    ) as proc:
        try:
            stdout, stderr = proc.communicate(stdin_text, timeout=timeout)
        except BaseException:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise
    return subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr)


def spawn_main(
    env: dict[str, str], *args: str, rows: int = 60, columns: int = 160, timeout: float = 60
) -> pexpect.spawn:
    """``main.py ARGS`` in a pseudo-terminal of ``rows`` x ``columns`` (an interactive session to drive)."""
    import pexpect

    return pexpect.spawn(
        sys.executable,
        [str(ROOT / "main.py"), *args],
        env=env,
        cwd=str(ROOT),
        encoding="utf-8",
        timeout=timeout,
        dimensions=(rows, columns),
    )


def sandbox_settings_for(sandbox: RunningSandbox, home: Path, **overrides: Any) -> Settings:
    """Settings pointing at ``sandbox`` as if it were real Zoho (its demo credentials), with ``home``."""
    return load_settings(
        home=home,
        zoho_api_url=sandbox.base_url,
        zoho_accounts_url=sandbox.base_url,
        zoho_client_id=sandbox.client_id,
        zoho_client_secret=sandbox.client_secret,
        zoho_refresh_token=sandbox.refresh_token,
        **overrides,
    )


def sandbox_cli_env(sandbox: RunningSandbox, home: Path, *, model: Any | None = None, **extra: str) -> dict[str, str]:
    env = clean_env()
    env.update(
        {
            "SERGAS_HOME": str(home),
            "SERGAS_ZOHO_API_URL": sandbox.base_url,
            "SERGAS_ZOHO_ACCOUNTS_URL": sandbox.base_url,
            "SERGAS_ZOHO_CLIENT_ID": sandbox.client_id,
            "SERGAS_ZOHO_CLIENT_SECRET": sandbox.client_secret,
            "SERGAS_ZOHO_REFRESH_TOKEN": sandbox.refresh_token,
            "PYTHONUNBUFFERED": "1",
        }
    )
    if model is not None:
        env.update({"ANTHROPIC_API_KEY": "dummy", "ANTHROPIC_BASE_URL": model.base_url})
    env.update(extra)
    return env
