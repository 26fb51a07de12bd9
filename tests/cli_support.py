"""The environment of a real ``python main.py ...`` subprocess pointed at a test sandbox (and, when given, the
scripted model): the developer's own SERGAS_/ANTHROPIC_/CLAUDE_CODE_ variables removed, the sandbox's demo
credentials set as if it were a real Zoho org."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

OURS = ("SERGAS_", "ANTHROPIC_", "CLAUDE_CODE_")


def sandbox_cli_env(sandbox: Any, home: Path, *, model: Any | None = None, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(OURS)}
    env.update({
        "SERGAS_HOME": str(home),
        "SERGAS_ZOHO_API_URL": sandbox.base_url,
        "SERGAS_ZOHO_ACCOUNTS_URL": sandbox.base_url,
        "SERGAS_ZOHO_CLIENT_ID": sandbox.client_id,
        "SERGAS_ZOHO_CLIENT_SECRET": sandbox.client_secret,
        "SERGAS_ZOHO_REFRESH_TOKEN": sandbox.refresh_token,
        "PYTHONUNBUFFERED": "1",
    })
    if model is not None:
        env.update({"ANTHROPIC_API_KEY": "dummy", "ANTHROPIC_BASE_URL": model.base_url})
    env.update(extra)
    return env
