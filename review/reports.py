"""Write a run's reports: ``<reports_dir>/review-<run_id>.md`` and ``.html``, and ``--report PATH``
(format by suffix: ``.html``/``.htm`` → HTML, anything else → Markdown)."""

from __future__ import annotations

from pathlib import Path

from config.crashpoints import crash_point
from review.report_html import render_html
from review.report_markdown import render_markdown
from review.run_models import ReviewRun


def render_for(path: Path, run: ReviewRun) -> str:
    return render_html(run) if path.suffix.lower() in (".html", ".htm") else render_markdown(run)


def write_reports(run: ReviewRun, reports_dir: Path, extra: Path | None = None) -> list[Path]:
    reports_dir.mkdir(parents=True, exist_ok=True)
    safe_id = "".join(c if c.isalnum() or c in "-_." else "_" for c in run.run_id)
    paths = [reports_dir / f"review-{safe_id}.md", reports_dir / f"review-{safe_id}.html"]
    if extra is not None:
        paths.append(extra)
    for path in paths:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render_for(path, run), encoding="utf-8")
        crash_point("report.written")
    run.report_paths = [str(p) for p in paths]
    return paths
