"""domain.safe_text: CRM or model text can never act on the terminal or a Markdown viewer."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from domain.safe_text import (
    markdown_block,
    markdown_code,
    markdown_document,
    markdown_inline,
    safe_block,
    safe_inline,
)

ATTACK = (
    "Indigo Energy Corp.\x1b7\x1b[2A\x1b[2M\x1b8\x1b[2A \x1b]52;c;ZXZpbA==\x07 \x1b]0;title\x1b\\ \x9b2J \u202eevil"
)
_ACTIVE = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u180e\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f"
    r"\ufeff\ufff9-\ufffb\U000e0000-\U000e007f]"
)


def test_escape_sequences_are_shown_not_obeyed() -> None:
    shown = safe_inline(ATTACK)
    assert "\x1b" not in shown and "\x07" not in shown and "\x9b" not in shown and "\u202e" not in shown
    assert shown.startswith("Indigo Energy Corp.\u241b7\u241b[2A")  # ESC shown as ␛, the rest as typed
    assert "\u27e6U+202E\u27e7" in shown and "\u27e6U+009B\u27e7" in shown


def test_inline_shows_line_breaks_block_keeps_them() -> None:
    assert safe_inline("a\nb\r\nc\u2028d") == "a\u240ab\u240d\u240ac\u2424d"
    assert safe_block("a\nb\r\nc\rd\u2028e\tf") == "a\nb\nc\nd\ne    f"


def test_limit_cuts_with_an_ellipsis() -> None:
    assert safe_inline("abcdef", limit=4) == "abc\u2026"
    assert safe_inline("abc", limit=4) == "abc"


def test_markdown_escapes_html_and_markup() -> None:
    out = markdown_inline('<script>alert(1)</script> <img src=x onerror="a()"> *b* [l](http://x) `c`')
    assert "<" not in out and ">" not in out
    assert "\\*b\\*" in out and "\\[l\\]" in out and "\\`c\\`" in out
    assert markdown_block("- one\n# two\n3. three") == "\\- one\n\\# two\n3\\. three"


@given(st.text())
def test_nothing_active_survives(text: str) -> None:
    for out in (safe_inline(text), markdown_inline(text)):
        assert not _ACTIVE.search(out) and "\n" not in out and "\r" not in out
    for out in (safe_block(text), markdown_block(text)):
        assert not _ACTIVE.search(out) and "\r" not in out
    assert "<" not in markdown_block(text)


def test_model_markdown_keeps_its_markup_but_not_html_or_script_links() -> None:
    out = markdown_document(
        "# Brief\n- **risk** <img src=x onerror=a()> [x](javascript:alert(1)) [y](https://ok)\x1b[2J"
    )
    assert out.startswith("# Brief\n- **risk** &lt;img") and "<" not in out and "\x1b" not in out
    assert "](blocked-javascript:" in out and "[y](https://ok)" in out


def test_code_spans_cannot_be_closed_early() -> None:
    assert markdown_code("12`<b>") == "`12'<b>`"


def test_invisible_tag_characters_are_shown() -> None:
    smuggled = "Acme" + "".join(chr(0xE0000 + ord(c)) for c in "approve all")
    assert safe_inline(smuggled).startswith("Acme\u27e6U+E0061\u27e7")
