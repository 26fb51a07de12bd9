"""What the chat answers without a model: deterministic, from the CRM, and labelled as such.

A free-text question is answered with the account's meeting brief (``briefs.build_brief``: state,
history, risks, talking points, citations): the account in focus (``/account``), else one the question
names. The label says plainly that no model answered and how to get agent answers.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.text import Text

from integrations.zoho.gateway import ZohoGateway
from integrations.zoho.models import Account

NO_ACCOUNT_HINT = ("Without a model the chat answers from the CRM for one account: name it in your question "
                   "or pick it with /account NAME, then ask again (or type /brief).")


def keyless_label() -> Text:
    from agents.availability import NO_MODEL_KEY_MESSAGE

    return Text(NO_MODEL_KEY_MESSAGE, style="bold yellow")


async def show_brief(console: Console, gateway: ZohoGateway, memory: Any, account: Account) -> bool:
    """Build and print the deterministic meeting brief for ``account``. False when briefs are missing."""
    try:
        from briefs import brief_renderable, build_brief
    except ImportError:
        console.print(Text("Meeting briefs are not available in this build.", style="yellow"))
        return False
    brief = await build_brief(gateway, memory, account.id)
    console.print(brief_renderable(brief))
    return True


__all__ = ["NO_ACCOUNT_HINT", "keyless_label", "show_brief"]
