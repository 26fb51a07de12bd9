"""What the chat answers without a model: deterministic, from the CRM, and labelled as such.

A free-text question is answered with the account's meeting brief (``briefs.build_brief``: state,
history, risks, talking points, citations) for the account in focus (``/account``), else the one the
question names (``cli.ask_command.mentioned_account``, as ``ask`` does). The label says plainly that no
model answered and how to get agent answers.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.text import Text

from domain.safe_text import safe_inline
from integrations.zoho.gateway import ZohoGateway
from integrations.zoho.models import Account

NO_ACCOUNT_HINT = (
    "Without a model the chat answers from the CRM for one account: name it in your question "
    "or pick it with /account NAME, then ask again (or type /brief)."
)


def keyless_label() -> Text:
    from agents.availability import NO_MODEL_KEY_MESSAGE

    return Text(NO_MODEL_KEY_MESSAGE, style="bold yellow")


async def show_brief(
    console: Console, gateway: ZohoGateway, memory: Any, account: Account, decisions: Any = None
) -> None:
    """Build and print the deterministic meeting brief for ``account`` (with past decisions from the
    state store ``decisions``: listed, and a rejected or done action never recommended as new)."""
    from briefs import brief_renderable, build_brief

    console.print(brief_renderable(await build_brief(gateway, memory, account.id, decisions=decisions)))


async def account_in_question(console: Console, gateway: ZohoGateway, question: str) -> Account | None:
    """The one account the question names, or None after saying why (none, or several: listed)."""
    from cli.ask_command import AccountChoiceError, mentioned_account

    try:
        account: Account = await mentioned_account(gateway, question)
    except AccountChoiceError as exc:
        console.print(Text(safe_inline(str(exc).replace("--account", "/account")), style="yellow"))
        for candidate in exc.candidates[:10]:
            console.print(Text(safe_inline(f"  {candidate.name} ({candidate.id})")))
        console.print(NO_ACCOUNT_HINT)
        return None
    return account


__all__ = ["NO_ACCOUNT_HINT", "account_in_question", "keyless_label", "show_brief"]
