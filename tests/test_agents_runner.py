"""agents.runner's stream handling, on crafted message streams: after the result the run reads on only
while subagent tasks are in flight, and never longer than ``SETTLE_SECONDS`` (the SDK can go quiet
forever after a budget stop)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from claude_agent_sdk import ResultMessage, TaskNotificationMessage, TaskStartedMessage

from agents import runner

RESULT = ResultMessage(
    subtype="error_max_budget_usd", duration_ms=1, duration_api_ms=1, is_error=True, num_turns=1, session_id="s"
)


def _started(task_id: str) -> TaskStartedMessage:
    return TaskStartedMessage(
        subtype="task_started", data={}, task_id=task_id, description="d", uuid="u", session_id="s"
    )


def _done(task_id: str) -> TaskNotificationMessage:
    return TaskNotificationMessage(
        subtype="task_notification",
        data={},
        task_id=task_id,
        status="completed",
        output_file="",
        summary="",
        uuid="u",
        session_id="s",
    )


async def _stream(messages: list[Any], then_hang: bool) -> AsyncIterator[Any]:
    for message in messages:
        yield message
    if then_hang:
        await asyncio.Event().wait()  # the SDK never ends the stream


async def _read(messages: list[Any], then_hang: bool = True) -> list[Any]:
    return [m async for m in runner._until_settled(_stream(messages, then_hang), set())]


async def test_result_without_tasks_in_flight_ends_the_run_at_once() -> None:
    assert await asyncio.wait_for(_read([RESULT, _started("late")]), 5) == [RESULT]


async def test_reads_on_until_the_in_flight_task_settles() -> None:
    got = await asyncio.wait_for(_read([_started("a"), RESULT, _done("a"), _started("b")]), 5)
    assert got == [_started("a"), RESULT, _done("a")]


async def test_a_task_that_never_settles_is_given_up_after_the_settle_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runner, "SETTLE_SECONDS", 0.2)
    assert await asyncio.wait_for(_read([_started("a"), RESULT]), 5) == [_started("a"), RESULT]


async def test_a_stream_that_ends_early_ends_the_run() -> None:
    assert await _read([_started("a")], then_hang=False) == [_started("a")]
