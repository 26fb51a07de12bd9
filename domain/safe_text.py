"""Text from the CRM or a model, made safe to show to a person: the one rule every view uses.

Anyone who can write a CRM record (a customer whose email becomes a note, a compromised CRM user) or who
can steer a model controls the text we show. Shown raw, that text could move the cursor, erase lines,
restyle the screen, set the window title or write the clipboard (ESC, CSI, OSC sequences), reorder what
is displayed (bidirectional overrides), or inject HTML into a Markdown file. Every place that shows such
text to a person passes it through one of these functions first:

- ``safe_inline(text)``: one line (list rows, titles, names, table cells). Every control character,
  newline included, becomes a visible symbol (``\\x1b`` → ``␛``, ``\\n`` → ``␊``).
- ``safe_block(text)``: several lines (a note's content, a quoted sentence, an answer). Line breaks stay
  line breaks; every other control character becomes a visible symbol.
- ``markdown_inline(text)`` / ``markdown_block(text)``: the same, then HTML and Markdown metacharacters
  escaped, for Markdown files a viewer may render (reports, briefs).
- ``markdown_code(text)``: a record id or file name as a Markdown code span (shown literally).
- ``markdown_document(text)``: Markdown written by a model (an answer, a brief), kept as Markdown: its
  control characters shown, its HTML escaped (shown as text, never run) and links other than http(s),
  mailto or in-page anchors disarmed (``javascript:``, ``vbscript:``, ``data:``, ``file:``).

The functions return plain ``str``; a rich view must still print the result as ``rich.text.Text`` (never
as markup), and an HTML page must still escape it (Jinja2's autoescape).
"""

from __future__ import annotations

import re

# C0 controls (and DEL) have visible stand-ins in Unicode's Control Pictures block: U+2400 + code.
_C0_PICTURES = {code: chr(0x2400 + code) for code in range(0x20)} | {0x7F: "\u2421"}
# C1 controls (0x80-0x9F: CSI is 0x9B, OSC 0x9D) and invisible characters that reorder or hide text
# (bidirectional embeddings, overrides, isolates and marks; the BOM). Shown by their code point.
# Also invisible: word joiner and invisible operators, deprecated format controls, interlinear
# annotation marks, and the Tags block (E0000-E007F: "ASCII smuggling", text a person cannot see
# but a model reads).
_INVISIBLE = (
    [*range(0x80, 0xA0)]
    + [0x061C, 0x180E, 0x200B, 0x200E, 0x200F, 0xFEFF]
    + [*range(0x202A, 0x202F)]
    + [*range(0x2060, 0x2065)]
    + [*range(0x2066, 0x2070)]
    + [*range(0xFFF9, 0xFFFC)]
    + [*range(0xE0000, 0xE0080)]
)
_INLINE_MAP: dict[int, str] = _C0_PICTURES | {code: f"\u27e6U+{code:04X}\u27e7" for code in _INVISIBLE}
# Unicode line and paragraph separators end a line on some terminals: in one-line text they are shown.
_INLINE_MAP |= {0x2028: "\u2424", 0x2029: "\u2424", 0x85: "\u2424"}
_BLOCK_MAP: dict[int, str] = {k: v for k, v in _INLINE_MAP.items() if k != 0x0A} | {0x09: "    "}
_BLOCK_MAP |= {0x2028: "\n", 0x2029: "\n", 0x85: "\n"}

_MD_INLINE = re.compile(r"([\\`*_\[\]#|~!{}])")
_MD_BULLET = re.compile(r"^(\s*)([-+=])", re.MULTILINE)
_MD_ORDERED = re.compile(r"^(\s*\d+)([.)])", re.MULTILINE)


def safe_inline(text: object, *, limit: int | None = None) -> str:
    """``text`` as one visible line: every control character (newlines too) shown as a symbol.

    ``limit`` cuts the result to that many characters, ending in ``…``."""
    out = str(text).translate(_INLINE_MAP)
    if limit is not None and len(out) > limit:
        out = out[: max(limit - 1, 0)] + "\u2026"
    return out


def safe_block(text: object) -> str:
    """``text`` as visible lines: line breaks kept (``\\r\\n`` and a lone ``\\r`` become ``\\n``), tabs as
    spaces, every other control character shown as a symbol."""
    return str(text).replace("\r\n", "\n").replace("\r", "\n").translate(_BLOCK_MAP)


def _markdown(text: str) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_INLINE.sub(r"\\\1", text)
    text = _MD_BULLET.sub(r"\1\\\2", text)
    return _MD_ORDERED.sub(r"\1\\\2", text)


_BARE_SCHEME = re.compile(r"\b(javascript|vbscript|data|file):", re.IGNORECASE)


def markdown_document(text: object) -> str:
    """Model-written Markdown made safe to render: controls visible, HTML escaped, script-capable link
    schemes disarmed (``javascript:`` → ``blocked-javascript:``)."""
    out = safe_block(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _BARE_SCHEME.sub(r"blocked-\1:", out)


def markdown_inline(text: object, *, limit: int | None = None) -> str:
    """``safe_inline(text)`` with HTML and Markdown metacharacters escaped, for a Markdown file."""
    return _markdown(safe_inline(text, limit=limit))


def markdown_code(text: object) -> str:
    """``text`` (a record id, a file name) as a Markdown code span: shown literally, never rendered."""
    return "`" + safe_inline(text).replace("`", "'") + "`"


def markdown_block(text: object) -> str:
    """``safe_block(text)`` with HTML and Markdown metacharacters escaped, for a Markdown file."""
    return _markdown(safe_block(text))


__all__ = ["markdown_block", "markdown_code", "markdown_document", "markdown_inline", "safe_block", "safe_inline"]
