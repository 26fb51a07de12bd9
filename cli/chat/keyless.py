"""What the chat answers without a model: deterministic, from the CRM, and labelled as such.

A free-text question is answered with the account's meeting brief (``briefs.build_brief``: state,
history, risks, talking points, citations) for the account in focus (``/account``), else the one the
question names (``briefs.resolve.account_in_text``, as ``ask`` does). The label says plainly that no
model answered and how to get agent answers.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.text import Text

from cli.resolve_view import print_resolve_error
from integrations.zoho.gateway import ZohoGateway
from integrations.zoho.models import Account
from review.product_names import ProductNamesSource
from review.thresholds import DEFAULT_THRESHOLDS, Thresholds

NO_ACCOUNT_HINT = (
    "Without a model the chat answers from the CRM for one account: name it in your question "
    "or pick it with /account NAME, then ask again (or type /brief)."
)


def keyless_label() -> Text:
    from agents.availability import NO_MODEL_KEY_MESSAGE

    return Text(NO_MODEL_KEY_MESSAGE, style="bold yellow")


async def show_brief(
    console: Console,
    gateway: ZohoGateway,
    memory: Any,
    account: Account,
    decisions: Any = None,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    product_names: ProductNamesSource | None = None,
) -> None:
    """Build and print the deterministic meeting brief for ``account`` (with past decisions from the
    state store ``decisions``: listed, and a rejected or done action never recommended as new; notes read with
    the org's product names when ``product_names`` is given)."""
    from briefs import brief_renderable, build_brief

    brief = await build_brief(
        gateway, memory, account.id, decisions=decisions, thresholds=thresholds, product_names=product_names
    )
    console.print(brief_renderable(brief))


async def account_in_question(console: Console, gateway: ZohoGateway, question: str) -> Account | None:
    """The one account the question names (``briefs.resolve.account_in_text``, as ``ask`` does), or None
    after saying why (none: the closest names; several: how many, and the first ones)."""
    from briefs.resolve import ResolveError, account_in_text

    try:
        return await account_in_text(gateway, question)
    except ResolveError as exc:
        print_resolve_error(console, exc, hint=NO_ACCOUNT_HINT)
        return None


async def account_named_in(gateway: ZohoGateway, question: str) -> Account | None:
    """The account whose whole name the question spells out, if any (it wins over the one in focus)."""
    from briefs.resolve import ResolveError, account_in_text

    try:
        return await account_in_text(gateway, question, named_only=True)
    except ResolveError:
        return None


__all__ = ["NO_ACCOUNT_HINT", "account_in_question", "account_named_in", "keyless_label", "show_brief"]
