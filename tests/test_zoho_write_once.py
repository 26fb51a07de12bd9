"""``write_once``, the one look-up-then-retry loop behind every approved write: a scripted Zoho that keeps the
records it was sent, drops replies and fails on cue. The manager's paths through it (tasks, notes, uploads,
against the sandbox) are in tests/test_zoho_manager.py and tests/test_approvals_executor.py."""

from __future__ import annotations

import pytest

from integrations.zoho.errors import ZohoError, ZohoUnavailableError, ZohoValidationError
from integrations.zoho.write_once import Send, write_once


class ScriptedZoho:
    """``outcomes`` for the sends in order: "ok", "lost" (written, reply lost: a timeout), "down" (not written:
    5xx), "refused" (not written: 400). ``records`` is what Zoho holds."""

    def __init__(self, *outcomes: str, records: list[str] | None = None) -> None:
        self.outcomes = list(outcomes)
        self.records = list(records or [])
        self.look_ups = 0
        self.sends = 0
        self.prepared = 0

    async def look_up(self) -> str | None:
        self.look_ups += 1
        return self.records[0] if self.records else None

    def prepare(self) -> Send:
        self.prepared += 1
        return self.send

    async def send(self) -> str:
        self.sends += 1
        outcome = self.outcomes.pop(0)
        if outcome in ("ok", "lost"):
            self.records.append(f"rec{self.sends}")
        if outcome == "ok":
            return f"rec{self.sends}"
        if outcome == "refused":
            raise ZohoValidationError("bad field", status=400, code="INVALID_DATA")
        raise ZohoUnavailableError("timed out" if outcome == "lost" else "503", status=503)


async def test_an_earlier_write_is_found_and_nothing_is_prepared_or_sent() -> None:
    zoho = ScriptedZoho(records=["rec0"])
    assert await write_once(zoho.look_up, zoho.prepare, attempts=3) == ("rec0", False)
    assert (zoho.look_ups, zoho.prepared, zoho.sends) == (1, 0, 0)


async def test_a_first_send_that_succeeds_is_created_once() -> None:
    zoho = ScriptedZoho("ok")
    assert await write_once(zoho.look_up, zoho.prepare, attempts=3) == ("rec1", True)
    assert (zoho.look_ups, zoho.prepared, zoho.sends, zoho.records) == (1, 1, 1, ["rec1"])


async def test_a_lost_reply_is_found_by_the_next_look_up_and_not_sent_again() -> None:
    zoho = ScriptedZoho("lost", "ok")
    assert await write_once(zoho.look_up, zoho.prepare, attempts=3) == ("rec1", True)
    assert (zoho.look_ups, zoho.sends, zoho.records) == (2, 1, ["rec1"])


async def test_a_failed_send_is_retried_after_a_look_up_finds_nothing() -> None:
    zoho = ScriptedZoho("down", "down", "ok")
    assert await write_once(zoho.look_up, zoho.prepare, attempts=3) == ("rec3", True)
    assert (zoho.look_ups, zoho.prepared, zoho.sends, zoho.records) == (3, 1, 3, ["rec3"])


async def test_a_refusal_is_raised_at_once() -> None:
    zoho = ScriptedZoho("down", "refused", "ok")
    with pytest.raises(ZohoValidationError):
        await write_once(zoho.look_up, zoho.prepare, attempts=3)
    assert (zoho.look_ups, zoho.sends, zoho.records) == (2, 2, [])


async def test_after_the_last_attempt_its_failure_is_raised() -> None:
    zoho = ScriptedZoho("down", "down")
    with pytest.raises(ZohoUnavailableError):
        await write_once(zoho.look_up, zoho.prepare, attempts=2)
    assert (zoho.look_ups, zoho.sends, zoho.records) == (2, 2, [])


async def test_a_check_in_prepare_stops_a_new_write_but_not_a_found_one() -> None:
    def invalid() -> Send:
        raise ZohoError("staged file changed", code="STAGED_FILE_INVALID")

    zoho = ScriptedZoho(records=["rec0"])
    assert await write_once(zoho.look_up, invalid, attempts=3) == ("rec0", False)
    with pytest.raises(ZohoError, match="staged file changed"):
        await write_once(ScriptedZoho().look_up, invalid, attempts=3)
