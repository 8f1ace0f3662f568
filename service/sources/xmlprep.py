"""Vetting and normalising XML bytes before feedparser sees them.

Two jobs, both before any XML parser runs:

* **Refuse entity declarations and external DTDs.** expat (2.4+) stops the classic
  billion-laughs pattern, but not one entity of a few kilobytes referenced many times
  under its amplification limit: a 1 MB feed of that kind expands to tens of MB of text.
  No real feed needs its own entities, so any ``<!ENTITY`` (general or parameter,
  internal or external) is refused, as is a DOCTYPE pointing at an external DTD other
  than the well-known RSS 0.91 one.
* **Decode once, leniently.** The document is decoded by its BOM or XML declaration
  (UTF-8 by default); invalid byte sequences become U+FFFD rather than sending the
  whole feed through feedparser's windows-1252 fallback, NUL and the other control
  characters XML forbids are removed, and the text is handed on as UTF-8 with a
  matching declaration.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

from service.sources.errors import ParseError

__all__ = ["PreparedXml", "prepare_xml", "root_element_name"]

_XML_DECL = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")
_XML_DECL_TEXT = re.compile(r"""^(\s*<\?xml[^>]*?encoding\s*=\s*["'])([A-Za-z0-9._:-]+)(["'])""")
# Characters XML 1.0 does not allow, NUL first among them (PostgreSQL refuses it too).
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ENTITY_DECL = re.compile(r"<!ENTITY", re.IGNORECASE)
_DOCTYPE = re.compile(
    r"""<!DOCTYPE\s+([^\s\[>]+)(?:\s+(SYSTEM|PUBLIC)\s+("[^"]*"|'[^']*')(?:\s+("[^"]*"|'[^']*'))?)?""",
    re.IGNORECASE,
)
_ROOT = re.compile(r"<([A-Za-z_][\w.:-]*)")
# Netscape's and the RSS Advisory Board's RSS 0.91 DTDs appear in real feeds; neither
# feedparser nor expat fetches them, and they declare only the HTML entity names.
_KNOWN_DTD = re.compile(r"rss-0\.91\.dtd|//DTD RSS 0\.91//", re.IGNORECASE)

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


@dataclass(slots=True)
class PreparedXml:
    """The document as UTF-8 bytes ready for feedparser, and its decoded text."""

    data: bytes
    text: str
    warnings: list[str] = field(default_factory=list)


def _sniff_encoding(data: bytes) -> tuple[str, int]:
    """The encoding to decode with and the number of BOM bytes to skip."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name, len(bom)
    # UTF-16 without a BOM still starts with "<" next to a zero byte.
    if data.startswith(b"\x00<\x00"):
        return "utf-16-be", 0
    if data.startswith(b"<\x00") and data[2:3] != b"\x00":
        return "utf-16-le", 0
    match = _XML_DECL.match(data[:1024])
    if match:
        declared = match.group(1).decode("ascii").lower()
        try:
            return codecs.lookup(declared).name, 0
        except LookupError:
            return "utf-8", 0
    return "utf-8", 0


def _outside_cdata(text: str, position: int) -> bool:
    opened = text.rfind("<![CDATA[", 0, position)
    return opened == -1 or text.rfind("]]>", opened, position) != -1


def _check_declarations(text: str) -> None:
    for match in _ENTITY_DECL.finditer(text):
        if _outside_cdata(text, match.start()):
            raise ParseError(
                "refused: the document declares XML entities (<!ENTITY>), which feeds never need "
                "and which can expand a small file into a huge one"
            )
    for match in _DOCTYPE.finditer(text):
        if not _outside_cdata(text, match.start()):
            continue
        name = match.group(1).lower()
        if name == "html":
            raise ParseError("not a feed: the server sent an HTML page (<!DOCTYPE html>)")
        identifiers = " ".join(part for part in (match.group(3), match.group(4)) if part)
        if match.group(2) and not _KNOWN_DTD.search(identifiers):
            raise ParseError(
                f"refused: the document refers to an external DTD ({identifiers.strip()[:120]}); "
                "external entities are not loaded"
            )


def root_element_name(text: str) -> str | None:
    """The name of the first element, skipping the XML declaration, comments and DOCTYPE."""
    position = 0
    length = len(text)
    while position < length:
        start = text.find("<", position)
        if start == -1:
            return None
        if text.startswith("<?", start):
            end = text.find("?>", start)
        elif text.startswith("<!--", start):
            end = text.find("-->", start)
        elif text.startswith("<!", start):
            # A DOCTYPE, possibly with an internal subset in brackets.
            bracket = text.find("[", start)
            close = text.find(">", start)
            if bracket != -1 and close != -1 and bracket < close:
                end = text.find("]", bracket)
                end = text.find(">", end) if end != -1 else -1
            else:
                end = close
        else:
            match = _ROOT.match(text, start)
            return match.group(1) if match else None
        if end == -1:
            return None
        position = end + 1
    return None


def prepare_xml(data: bytes) -> PreparedXml:
    """Decode, vet and re-encode an XML document; raises :class:`ParseError` on refusal."""
    warnings: list[str] = []
    encoding, skip = _sniff_encoding(data)
    body = data[skip:] if skip else data
    try:
        text = body.decode(encoding)
    except UnicodeDecodeError as exc:
        text = body.decode(encoding, errors="replace")
        warnings.append(
            f"invalid {encoding} byte sequence at byte {exc.start + skip}; "
            "undecodable bytes were replaced with U+FFFD"
        )
    if _XML_ILLEGAL.search(text):
        nul_count = text.count("\x00")
        text = _XML_ILLEGAL.sub("", text)
        if nul_count:
            warnings.append(f"removed {nul_count} NUL byte(s)")
        else:
            warnings.append("removed control characters that XML does not allow")
    _check_declarations(text)
    root = root_element_name(text)
    if root is not None and root.lower() == "html":
        raise ParseError("not a feed: the server sent an HTML page (<html> root element)")
    if encoding != "utf-8" or _XML_DECL_TEXT.match(text):
        text = _XML_DECL_TEXT.sub(r"\g<1>utf-8\g<3>", text, count=1)
    return PreparedXml(data=text.encode("utf-8"), text=text, warnings=warnings)
