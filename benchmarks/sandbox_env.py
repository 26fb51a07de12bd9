"""The environment of a ``main.py`` child process pointed at a running sandbox, as cron would start the product: this
shell's own settings, model keys and Claude switches left out, the sandbox's URL and OAuth client put in."""

from __future__ import annotations

import os
from pathlib import Path

from sandbox.embedded import RunningSandbox

OWN = ("SERGAS_", "ANTHROPIC_", "CLAUDE_")  # a stray CLAUDE_CODE_USE_BEDROCK would turn the review into agents mode


def sandbox_env(running: RunningSandbox, home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(OWN)}
    env.update(
        SERGAS_HOME=str(home),
        SERGAS_ZOHO_API_URL=running.base_url,
        SERGAS_ZOHO_ACCOUNTS_URL=running.base_url,
        SERGAS_ZOHO_CLIENT_ID=running.client_id,
        SERGAS_ZOHO_CLIENT_SECRET=running.client_secret,
        SERGAS_ZOHO_REFRESH_TOKEN=running.refresh_token,
    )
    env.update(extra)
    return env
