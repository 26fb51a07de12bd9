"""Units of the listener's Zoho limits: channel expiry asked with a margin and granted shorter, and the
poll that finds note changes (Zoho cannot watch Notes). Zoho is a small recording fake of its REST seam."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from listener.callback_queue import CallbackQueue
from listener.models import Channel
from listener.notes_poll import NotesPoller
from listener.renewal import renewal_margin
from listener.watch_client import SAFE_CHANNEL_LIFETIME, WatchClient

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


class FakeWatch:
    """Grants ``min(asked, cap)`` by a clock ``skew`` off ours; past a week, one hour (Zoho's rule)."""

    def __init__(self, *, skew: timedelta = timedelta(0), cap: timedelta | None = None) -> None:
        self.skew, self.cap = skew, cap
        self.now = NOW  # our clock's now; Zoho's is ``now + skew``
        self.asked: list[str] = []

    async def __call__(self, method: str, path: str, body: dict[str, Any] | None) -> tuple[int, Any]:
        item = (body or {})["watch"][0]
        asked = datetime.fromisoformat(item["channel_expiry"])
        self.asked.append(item["channel_expiry"])
        zoho_now = self.now + self.skew
        granted = zoho_now + timedelta(hours=1) if asked > zoho_now + timedelta(days=7) else asked
        if self.cap is not None:
            granted = min(granted, zoho_now + self.cap)
        event = {"channel_expiry": granted.isoformat(), "channel_id": item["channel_id"]}
        return 200, {"watch": [{"status": "success", "code": "SUCCESS", "details": {"events": [event]}}]}


async def test_asks_six_days_and_keeps_a_shorter_grant_without_renewing_every_minute() -> None:
    zoho = FakeWatch(cap=timedelta(days=2))  # an org where Zoho grants two days at most
    watch = WatchClient(zoho, notify_url="https://example.test/zoho/notify", token="t")
    channel = await watch.enable("Deals", now=NOW, lifetime=SAFE_CHANNEL_LIFETIME)
    assert zoho.asked == [(NOW + timedelta(days=6)).isoformat()]
    assert channel.expiry == NOW + timedelta(days=2)
    assert "Zoho granted until" in watch.shortened["Deals"]
    assert renewal_margin(channel) == timedelta(days=2) * 0.2  # renewed ~10 h before its real expiry


async def test_a_one_hour_grant_from_a_clock_ahead_of_zohos_is_asked_again_by_zohos_clock() -> None:
    zoho = FakeWatch(skew=-timedelta(days=3))  # Zoho's clock three days behind ours
    watch = WatchClient(zoho, notify_url="https://example.test/zoho/notify", token="t")
    channel = await watch.enable("Accounts", now=NOW, lifetime=SAFE_CHANNEL_LIFETIME)
    assert len(zoho.asked) == 2 and watch.clock_skew == -timedelta(days=3)
    assert channel.expiry == NOW - timedelta(days=3) + timedelta(days=6)
    assert watch.shortened == {}
    zoho.now = NOW + timedelta(days=5)
    renewed = await watch.renew(channel, now=zoho.now)
    assert len(zoho.asked) == 3  # learned once: the renewal asks by Zoho's clock straight away
    assert renewed.expiry == NOW + timedelta(days=5) - timedelta(days=3) + timedelta(days=6)


class FakeNotes:
    def __init__(self) -> None:
        self.notes: list[dict[str, Any]] = []
        self.calls = 0

    def add(self, note_id: str, at: datetime) -> None:
        self.notes.append({"id": note_id, "Modified_Time": at.isoformat(), "Parent_Id": {"id": "1"}})

    async def __call__(self, method: str, path: str, body: dict[str, Any] | None) -> tuple[int, Any]:
        assert method == "GET" and path.startswith("/crm/v8/Notes?") and "sort_by=Modified_Time" in path
        self.calls += 1
        rows = sorted(self.notes, key=lambda n: n["Modified_Time"], reverse=True)[:200]
        return (200, {"data": rows, "info": {"more_records": False}}) if rows else (204, None)


async def test_the_notes_poll_queues_changed_notes_once_each(tmp_path: Path) -> None:
    zoho, queue = FakeNotes(), CallbackQueue(tmp_path / "queue.db")
    woken: list[int] = []
    poller = NotesPoller(zoho, queue, every_seconds=60, on_queued=lambda: woken.append(1))
    zoho.add("n1", NOW - timedelta(days=3))
    try:
        assert await poller.poll_once() == 0  # the first look only sets where to start
        assert queue.depth() == 0
        zoho.add("n2", NOW)
        zoho.add("n3", NOW)  # the same second as n2
        assert await poller.poll_once() == 2
        zoho.add("n4", NOW)  # a third note in that same second, after the poll
        assert await poller.poll_once() == 1
        assert await poller.poll_once() == 0  # nothing new: nothing queued again
        assert queue.depth() == 2 and len(woken) == 2 and zoho.calls == 4
        queued = [c.body for c in queue.unresolved(now=1e12)]
        assert [sorted(b["ids"]) for b in queued] == [["n2", "n3"], ["n4"]]
        assert all(b["module"] == "Notes" and b["source"] == "poll" for b in queued)
        assert poller.health().changes_found == 3
    finally:
        queue.close()


def test_channel_model_keeps_the_granted_lifetime() -> None:
    channel = Channel(channel_id="1", module="Deals", expiry=NOW, lifetime_seconds=3600)
    assert renewal_margin(channel) == timedelta(minutes=30)
