"""``briefs.resolve``, the one resolver of what a person typed, on the in-memory gateway (fast; the same
rules end to end through the CLI are in test_account_refs_cli.py and test_owner_filters_cli.py)."""

from __future__ import annotations

import pytest

from agents.testing import InMemoryGateway, demo_views
from briefs.resolve import (
    AccountNotFound,
    AmbiguousAccount,
    OwnerHasNoAccounts,
    OwnerNotFound,
    account_in_text,
    closeness,
    normalized,
    resolve_account,
    resolve_owner,
)
from integrations.zoho.models import UserRef

GLOBEX = "4876000000002"


@pytest.fixture
def gateway() -> InMemoryGateway:
    return InMemoryGateway(demo_views())


def test_names_compare_without_case_spacing_or_punctuation() -> None:
    assert normalized("  Lumen   Retail Corp. ") == normalized("lumen retail corp") == "lumen retail corp"
    assert closeness("Globx Ltd", "Globex Ltd") > 0.85 and closeness("Initech", "Globex Ltd") < 0.6


async def test_a_question_names_its_account_in_full_or_in_lower_case(gateway: InMemoryGateway) -> None:
    assert (await account_in_text(gateway, "What should I do about Globex Ltd this week?")).id == GLOBEX
    assert (await account_in_text(gateway, "any news from globex ltd?")).id == GLOBEX
    assert (await account_in_text(gateway, 'Prepare me for "Globex Ltd"')).id == GLOBEX
    with pytest.raises(AccountNotFound):
        await account_in_text(gateway, "What about Globex this week?", named_only=True)


async def test_typos_get_suggestions_and_lists_say_how_many(gateway: InMemoryGateway) -> None:
    with pytest.raises(AccountNotFound) as typo:
        await resolve_account(gateway, "Globx Ltd")
    assert [a.id for a in typo.value.candidates][:1] == [GLOBEX]
    assert typo.value.lines()[0].endswith("Did you mean:") and "Globex Ltd  (id 4876000000002)" in typo.value.lines()[1]
    with pytest.raises(AmbiguousAccount) as several:
        await resolve_account(gateway, "c")
    assert several.value.total == len(several.value.candidates) == 2
    assert several.value.lines()[0].startswith("2 accounts match 'c'")
    with pytest.raises(AccountNotFound) as unknown:
        await resolve_account(gateway, "4876000009999")
    assert unknown.value.lines() == [
        "No account has the Zoho id 4876000009999. Check the id, or give the account's name."
    ]


async def test_owners_by_email_id_or_name(gateway: InMemoryGateway) -> None:
    for ref in ("ana@example.com", "ANA@example.com", "4876000000900", "ana owner"):
        assert (await resolve_owner(gateway, ref)).id == "4876000000900"
    with pytest.raises(OwnerNotFound) as typo:
        await resolve_owner(gateway, "ana@exmple.com")
    assert [u.id for u in typo.value.suggestions] == ["4876000000900"]
    ana = await resolve_owner(gateway, "ana@example.com")

    async def ana_only() -> list[UserRef]:  # the user still exists ...
        return [ana]

    for view in gateway.views.values():
        view.account.owner = None  # ... but owns no account any more
    gateway.list_users = ana_only  # type: ignore[method-assign]
    with pytest.raises(OwnerHasNoAccounts) as idle:
        await resolve_owner(gateway, "ana@example.com")
    assert idle.value.lines() == [
        "Ana Owner <ana@example.com> (id 4876000000900) owns no account in Zoho: there is nothing of theirs to show."
    ]
