"""Write a run's reports: ``<reports_dir>/review-<run_id>.md`` and ``.html``, and ``--report PATH``
(format by suffix: ``.html``/``.htm`` → HTML, anything else → Markdown). Every report is written 0600:
it holds CRM data, wherever it is written."""

from __future__ import annotations

from pathlib import Path

from config.crashpoints import crash_point
from domain.private_files import write_private
from review.report_html import render_html
from review.report_markdown import render_markdown
from review.run_models import ReviewRun


def render_for(path: Path, run: ReviewRun) -> str:
    return render_html(run) if path.suffix.lower() in (".html", ".htm") else render_markdown(run)


def write_reports(run: ReviewRun, reports_dir: Path, extra: Path | None = None) -> list[Path]:
    reports_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    safe_id = "".join(c if c.isalnum() or c in "-_." else "_" for c in run.run_id)
    paths = [reports_dir / f"review-{safe_id}.md", reports_dir / f"review-{safe_id}.html"]
    if extra is not None:
        paths.append(extra)
    for path in paths:
        write_private(path, render_for(path, run))  # 0600: the report holds CRM data
        crash_point("report.written")
    run.report_paths = [str(p) for p in paths]
    return paths
