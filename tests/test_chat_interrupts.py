"""Ctrl-C routing in the chat (``InterruptController``), with real SIGINTs sent to this process."""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import Iterator

import pytest

from cli.chat.interrupts import InterruptController


@pytest.fixture
def controller() -> Iterator[InterruptController]:
    ctl = InterruptController()
    ctl.install()
    yield ctl
    ctl.restore()


def test_outside_a_turn_ctrl_c_raises_keyboard_interrupt(controller: InterruptController) -> None:
    with pytest.raises(KeyboardInterrupt):
        os.kill(os.getpid(), signal.SIGINT)
        for _ in range(100):  # the handler runs at the next bytecode boundary
            pass


async def test_during_a_turn_ctrl_c_calls_the_turn_callback(controller: InterruptController) -> None:
    loop = asyncio.get_running_loop()
    stopped = asyncio.Event()
    with controller.during_turn(lambda: loop.call_soon_threadsafe(stopped.set)):
        os.kill(os.getpid(), signal.SIGINT)
        await asyncio.wait_for(stopped.wait(), 10)


async def test_while_the_loop_waits_ctrl_c_cancels_the_command(controller: InterruptController) -> None:
    loop = asyncio.get_running_loop()
    task = asyncio.ensure_future(asyncio.sleep(30))
    with controller.during_command(lambda: loop.call_soon_threadsafe(task.cancel)):
        loop.call_later(0.2, os.kill, os.getpid(), signal.SIGINT)
        with pytest.raises(asyncio.CancelledError):
            await task
    assert task.cancelled()


def test_restore_puts_back_the_previous_handler() -> None:
    before = signal.getsignal(signal.SIGINT)
    ctl = InterruptController()
    ctl.install()
    assert signal.getsignal(signal.SIGINT) != before
    ctl.restore()
    assert signal.getsignal(signal.SIGINT) == before
