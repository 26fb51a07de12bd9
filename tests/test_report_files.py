"""Markdown and HTML reports: every flagged account, its signals with evidence ids, its proposals; the HTML
is self-contained (inline CSS and SVG, no script, no external asset)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from domain.prose import as_sentence
from review.record_builders import TODAY, account, deal, note, org
from review.report_html import histogram_svg, render_html
from review.report_markdown import render_markdown
from review.reports import write_reports
from review.rules import propose_for
from review.run_models import FlaggedAccount, QueuedProposal, ReviewRun
from review.triage import triage_org


def sample_run() -> ReviewRun:
    acc = account(id="a<1>", name="Acme & Sons", revenue=2_000_000, active_days_ago=90)
    calm = account(id="a2", name="Calm Co")
    triages = triage_org(
        org(
            acc,
            calm,
            deal(acc.id, id="d1", active_days_ago=90),
            note(acc.id, "They will <b>cancel</b>.", id="n1", days_ago=90),
        ),
        today=TODAY,
    )
    flagged_triage = next(t for t in triages if t.signals)
    proposals = [
        QueuedProposal.of(f"rec{i}", p, created=True) for i, p in enumerate(propose_for(flagged_triage, today=TODAY))
    ]
    run = ReviewRun(
        run_id="20250602T030000-abc",
        started_at=datetime(2025, 6, 2, 3, tzinfo=UTC),
        finished_at=datetime(2025, 6, 2, 3, 1, tzinfo=UTC),
        accounts_triaged=2,
        scores=[t.score for t in triages],
        proposals_created=len(proposals),
        flagged=[FlaggedAccount(triage=flagged_triage, proposals=proposals, reviewed_by="rules")],
    )
    return run


def test_markdown_lists_signals_evidence_and_proposals() -> None:
    text = render_markdown(sample_run())
    assert "# Account review 20250602T030000-abc" in text
    assert "Acme &amp; Sons" in text and "`d1`" in text and "`n1`" in text  # & escaped: a viewer shows "&"
    assert "Churn risk" in text and "Silent big account" in text and "Stalled deal" in text
    assert "rule-based" in text and "`rec0`" in text
    assert "Calm Co" not in text


def test_a_run_note_shows_its_command_as_code_and_escapes_the_rest() -> None:
    run = sample_run()
    run.notes = [
        "long-term memory not built yet: run `python main.py sync` once",
        "memory sync failed (Error: <b>bad</b> `x`|y` *z*); review went on",  # untrusted text, odd backticks
    ]
    text = render_markdown(run)
    assert "- long-term memory not built yet: run `python main.py sync` once" in text
    assert "\\`" not in text.split("## Notes")[1].splitlines()[2]
    assert "<b>" not in text and "\\*z\\*" in text


def test_a_summary_ending_in_a_quoted_sentence_gets_no_second_full_stop() -> None:
    run = sample_run()
    for text in (render_markdown(run), render_html(run)):
        assert "cancel&lt;/b&gt;.\u201d Evidence:" in text, text
        assert "\u201d. Evidence" not in text
    assert as_sentence("Deal stalled") == "Deal stalled." and as_sentence("Cedar Media Corp.") == "Cedar Media Corp."
    assert as_sentence("said \u201cwe may leave?\u201d") == "said \u201cwe may leave?\u201d"


def test_html_is_self_contained_and_escaped() -> None:
    page = render_html(sample_run())
    assert page.startswith("<!DOCTYPE html>") and "<style>" in page and "<svg" in page
    assert "<script" not in page.lower()
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", page)
    assert "@import" not in page and "url(" not in page
    assert "Acme &amp; Sons" in page and "&lt;b&gt;cancel&lt;/b&gt;" in page and "a&lt;1&gt;" in page


def test_histogram_counts_every_account() -> None:
    svg = histogram_svg([0, 5, 55, 100, 100])
    assert "0–9: 2 accounts" in svg and "50–59: 1 accounts" in svg and "90–100: 2 accounts" in svg


def test_reports_are_written_by_run_id_and_to_the_requested_path(tmp_path: Path) -> None:
    run = sample_run()
    paths = write_reports(run, tmp_path / "reports", tmp_path / "out" / "tonight.html")
    names = [p.name for p in paths]
    assert names == ["review-20250602T030000-abc.md", "review-20250602T030000-abc.html", "tonight.html"]
    assert all(p.exists() for p in paths)
    assert paths[2].read_text().startswith("<!DOCTYPE html>")
    assert run.report_paths == [str(p) for p in paths]


def test_reports_are_private_even_over_a_world_readable_file(tmp_path: Path) -> None:
    target = tmp_path / "shared" / "tonight.md"
    target.parent.mkdir()
    target.write_text("old")
    target.chmod(0o644)
    paths = write_reports(sample_run(), tmp_path / "reports", target)
    assert [p.stat().st_mode & 0o777 for p in paths] == [0o600, 0o600, 0o600]
    assert target.read_text().startswith("# Account review") and list(target.parent.iterdir()) == [target]
