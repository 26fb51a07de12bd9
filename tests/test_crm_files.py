"""Files that hold CRM data, through the real CLI against the sandbox with hostile data planted through
its REST API: the review's reports (in SERGAS_HOME and at ``--report PATH`` outside it) and the brief
staged by ``brief --attach`` escape the HTML and Markdown in CRM text and are readable by their owner
only (0600)."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from cli_support import run_main, sandbox_cli_env
from sandbox_rest import SandboxRest

from sandbox.embedded import RunningSandbox

pytestmark = pytest.mark.slow

SCRIPT = "<script>alert(document.cookie)</script>"
IMG = '<img src=x onerror="fetch(`//evil`)">'


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def assert_no_live_html(text: str) -> None:
    assert "<script" not in text and "<img" not in text, text[:2000]


def test_review_reports_escape_crm_html_and_are_private(sandbox: RunningSandbox, tmp_path: Path) -> None:
    rest = SandboxRest(sandbox)
    for account in sandbox.store.list_records("Accounts"):  # whichever account is flagged carries it
        rest.update("Accounts", account["id"], {"Account_Name": f"{account['Account_Name']} {IMG}{SCRIPT}"})
    home, outside = tmp_path / "home", tmp_path / "shared" / "review.md"
    done = run_main(sandbox_cli_env(sandbox, home), "review", "--report", str(outside))
    assert done.returncode == 0, done.stdout + done.stderr
    written = [outside, *sorted((home / "reports").glob("review-*"))]
    assert len(written) == 3
    for path in written:
        assert mode(path) == 0o600, (path, oct(mode(path)))
        assert "&lt;img src=x onerror=" in path.read_text(encoding="utf-8")  # shown as text
        assert_no_live_html(path.read_text(encoding="utf-8"))


def test_brief_attach_stages_escaped_private_markdown(sandbox: RunningSandbox, tmp_path: Path) -> None:
    rest = SandboxRest(sandbox)
    account = sandbox.store.list_records("Accounts")[3]
    rest.update("Accounts", account["id"], {"Account_Name": f"Globex {IMG}"})
    rest.create(
        "Notes",
        {
            "Note_Title": f"Call {SCRIPT}",
            "Note_Content": f"The CFO wrote: {IMG} [click](javascript:alert(1))",
            "Parent_Id": {"module": {"api_name": "Accounts"}, "id": account["id"]},
        },
    )
    home = tmp_path / "home"
    done = run_main(sandbox_cli_env(sandbox, home), "brief", account["id"], "--attach")
    assert done.returncode == 0, done.stdout + done.stderr
    [staged] = list((home / "outbox").rglob("*.md"))
    assert mode(staged) == 0o600
    text = staged.read_text(encoding="utf-8")
    assert "Globex &lt;img" in text and "&lt;script&gt;" in text
    assert_no_live_html(text)
    assert "[click](javascript:" not in text and "\\[click\\]" in text  # brackets escaped: not a link
