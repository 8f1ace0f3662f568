"""Plain-text cleaning for report titles and bodies.

Sources hand us HTML fragments, entity-encoded text, stray control characters and NUL
bytes (which PostgreSQL refuses in ``text`` and ``jsonb``). Everything a source adapter
stores as ``title`` or ``text`` goes through :func:`clean_text`.

The result keeps block boundaries (paragraphs, list items, ``<br>``) as single newlines,
because sentence splitting downstream reads them; within a line, runs of whitespace
become one space.
"""

from __future__ import annotations

import html
import re
import unicodedata
from html.parser import HTMLParser

__all__ = ["clean_text", "html_to_text", "normalise_whitespace", "strip_control"]

# C0 controls except tab/newline/carriage return, DEL, C1 controls, and the invisible
# characters that break word matching (zero-width space/joiners, soft hyphen, BOM).
_DROP: dict[int, str | None] = {
    c: None for c in (*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0))
}
_DROP.update({0xAD: None, 0x200B: None, 0x200C: None, 0x200D: None, 0x2060: None, 0xFEFF: None})
# Vertical tab and form feed separate lines; keep them as line breaks, not glue.
_DROP.update({0x0B: "\n", 0x0C: "\n"})

_BLOCK_TAGS = frozenset(
    (
        "address",
        "article",
        "aside",
        "blockquote",
        "br",
        "dd",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "footer",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
    )
)
# Their content is never prose.
_SKIPPED_TAGS = frozenset(("script", "style", "template", "noscript", "head", "title", "svg", "math"))


_HAS_DROPPED = re.compile("[" + "".join(re.escape(chr(code)) for code in _DROP) + "]")


def strip_control(value: str) -> str:
    """Remove NUL and other control or invisible characters."""
    # Searching first is several times faster than translating text that is clean.
    return value.translate(_DROP) if _HAS_DROPPED.search(value) else value


def normalise_whitespace(value: str) -> str:
    """Collapse whitespace within lines, drop blank lines, trim both ends."""
    if "\n" not in value and "\r" not in value and value.isascii():
        # The common single-line case, without the per-line generator.
        return " ".join(value.split())
    lines = (" ".join(line.split()) for line in value.splitlines())
    return "\n".join(line for line in lines if line)


class _TextCollector(HTMLParser):
    """Collects character data, turning block elements into line breaks."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED_TAGS:
            self._skip_depth += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED_TAGS:
            self._skip_depth = max(0, self._skip_depth - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip_depth:
            self.parts.append(data)


def html_to_text(fragment: str) -> str:
    """The character data of an HTML fragment, entities decoded, block breaks kept."""
    if "<" not in fragment:
        # No markup: only entities to decode, and the parser is the slow path.
        return html.unescape(fragment) if "&" in fragment else fragment
    collector = _TextCollector()
    collector.feed(fragment)
    collector.close()
    return "".join(collector.parts)


def clean_text(value: str | None, *, is_html: bool = False) -> str:
    """Plain text for storage: markup stripped (when ``is_html``), entities decoded,
    control characters and NUL removed, whitespace normalised, NFC-normalised."""
    if not value:
        return ""
    text = strip_control(value)
    if is_html:
        text = html_to_text(text)
        # Character references may have produced control characters again (&#0; &#x1b;).
        text = strip_control(text)
    text = normalise_whitespace(text)
    if text.isascii():
        return text
    return unicodedata.normalize("NFC", text)
