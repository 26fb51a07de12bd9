"""``python main.py sandbox``: a busy port gives one clear line and exit code 2; a normal start serves."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import httpx
import pytest

from cli.sandbox_command import run
from config import load_settings


def test_busy_port_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        code = run(load_settings(home=tmp_path / "home"), host="127.0.0.1", port=port, accounts=5, seed=1)
    assert code == 2
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and str(port) in out[0] and "--port" in out[0]


def test_serves_and_prints_env_lines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stop = threading.Event()
    result: list[int] = []
    settings = load_settings(home=tmp_path / "home")
    thread = threading.Thread(
        target=lambda: result.append(run(settings, host="127.0.0.1", port=0, accounts=10, seed=1, stop_event=stop))
    )
    thread.start()
    deadline = time.monotonic() + 30
    base = None
    while time.monotonic() < deadline and base is None:
        for line in capsys.readouterr().out.splitlines():
            if line.strip().startswith("SERGAS_ZOHO_API_URL="):
                base = line.split("=", 1)[1]
        time.sleep(0.1)
    try:
        assert base and httpx.get(f"{base}/__sandbox/health").json()["status"] == "ok"
        assert (tmp_path / "home" / "sandbox" / "sandbox.sqlite3").exists()
    finally:
        stop.set()
        thread.join(10)
    assert result == [0]
