"""Who owns an account, as the inbox trusts it: read from Zoho in batches, never used past the TTL, read
again in the background when close to expiry, and a Zoho failure refuses rather than guesses."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from types import SimpleNamespace

import pytest

from integrations.zoho.errors import ZohoUnavailableError
from integrations.zoho.models import Account, CrmRecord, Module
from web.ownership import OwnerDirectory, OwnershipUnavailable, may_see


class Reader:
    """Zoho's GET /Accounts?ids=...: whose each account is right now (``owner_of`` may change)."""

    def __init__(self) -> None:
        self.owner_of = {str(n): f"u{n % 2}" for n in range(250)}
        self.calls: list[int] = []
        self.down = False

    async def get_records(self, module: Module, ids: Sequence[str]) -> list[CrmRecord]:
        assert module == "Accounts" and len(ids) <= 100
        self.calls.append(len(ids))
        if self.down:
            raise ZohoUnavailableError("Zoho unreachable")
        return [
            Account.model_validate({"id": i, "name": f"A{i}", "owner": {"id": self.owner_of[i]}, "raw": {}})
            for i in ids
            if i in self.owner_of
        ]


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


async def test_owners_are_read_in_batches_and_never_trusted_past_the_ttl() -> None:
    reader, clock = Reader(), Clock()
    directory = OwnerDirectory(reader, ttl_seconds=60, clock=clock)
    owners = await directory.owners([*map(str, range(250)), "gone"])
    assert sorted(reader.calls) == [51, 100, 100] and owners["gone"].exists is False
    assert owners["3"].owner_id == "u1" and owners["3"].name == "A3"

    reader.calls.clear()
    clock.now = 30
    await directory.owners(["3"])
    assert reader.calls == []  # fresh

    clock.now = 50  # within the last quarter of the TTL: answered from the cache, re-read in the background
    reader.owner_of["3"] = "u9"
    assert (await directory.owner("3")).owner_id == "u1"
    await asyncio.sleep(0.05)
    assert (await directory.owner("3")).owner_id == "u9"

    clock.now = 200  # long expired: read before answering
    reader.owner_of["3"] = "u7"
    assert (await directory.owner("3")).owner_id == "u7"
    await directory.aclose()


async def test_a_zoho_failure_refuses_instead_of_guessing() -> None:
    reader, clock = Reader(), Clock()
    directory = OwnerDirectory(reader, ttl_seconds=60, clock=clock)
    await directory.owners(["1"])
    reader.down, clock.now = True, 61
    with pytest.raises(OwnershipUnavailable, match="Zoho could not be asked"):
        await directory.owner("1")


def test_who_may_see_what() -> None:
    from web.ownership import AccountOwner

    mine = AccountOwner(account_id="1", name="A", owner_id="u1")
    unknown = AccountOwner(account_id="2")
    owner, admin = SimpleNamespace(is_admin=False, user_id="u1"), SimpleNamespace(is_admin=True, user_id="x")
    other = SimpleNamespace(is_admin=False, user_id="u2")
    assert may_see(owner, mine) and not may_see(other, mine)
    assert may_see(admin, unknown) and not may_see(owner, unknown)
