"""Guessing a file's source kind from its name and first bytes, for backfills.

Content wins over the name: XML is a feed, a CSV header naming ``event_id_cnty`` or a
JSON object with ACLED rows is ACLED, 61 tab-separated fields (or a zip of them) is a
GDELT export. The name decides only when the content says nothing.
"""

from __future__ import annotations

import codecs
import re
import struct
import zlib

from service.records import SourceKind

__all__ = ["DETECT_HEAD_BYTES", "detect_kind"]

#: How many leading bytes :func:`detect_kind` wants to see.
DETECT_HEAD_BYTES = 64 * 1024

_GDELT_WIDTH = 61
_ZIP_MAGIC = b"PK\x03\x04"
_JSON_ACLED = re.compile(r'"data"\s*:\s*\[')
_NAME_HINTS: tuple[tuple[str, SourceKind], ...] = (
    (".export.csv", "gdelt"),
    (".export.csv.zip", "gdelt"),
    (".xml", "rss"),
    (".rss", "rss"),
    (".atom", "rss"),
)


def _decode_head(head: bytes) -> str:
    for bom, codec in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if head.startswith(bom):
            return head[len(bom) :].decode(codec, errors="ignore")
    return head.decode("utf-8", errors="ignore").lstrip("\ufeff")


def _first_zip_member(head: bytes) -> tuple[str, bytes] | None:
    """Name and (partly) inflated start of the first member, from its local header."""
    if len(head) < 30:
        return None
    method, _, _, _, _, _, name_len, extra_len = struct.unpack("<HHHIIIHH", head[8:30])
    name = head[30 : 30 + name_len].decode("utf-8", errors="replace")
    payload = head[30 + name_len + extra_len :]
    if method == 0:
        return name, payload
    if method == 8:
        try:
            return name, zlib.decompressobj(-zlib.MAX_WBITS).decompress(payload, DETECT_HEAD_BYTES)
        except zlib.error:
            return name, b""
    return name, b""


def _detect_text(text: str) -> SourceKind | None:
    stripped = text.lstrip()
    if stripped.startswith("<"):
        return "rss"
    if stripped.startswith("{"):
        if _JSON_ACLED.search(stripped) and '"event_id_cnty"' in stripped:
            return "acled"
        return None
    first_line = stripped.split("\n", 1)[0]
    if "event_id_cnty" in first_line.lower() and "," in first_line:
        return "acled"
    lines = stripped.split("\n")
    # The last line of a head may be cut short; judge on the complete ones when there are any.
    complete = lines[:-1] if len(lines) > 1 else lines
    if complete and all(line.rstrip("\r").count("\t") == _GDELT_WIDTH - 1 for line in complete if line):
        return "gdelt"
    return None


def detect_kind(name: str, head: bytes) -> SourceKind | None:
    """The source kind of a file named ``name`` starting with ``head`` (or None)."""
    if head.startswith(_ZIP_MAGIC):
        member = _first_zip_member(head)
        if member is not None:
            member_name, content = member
            kind = _detect_text(_decode_head(content)) if content else None
            if kind is not None:
                return kind
            lowered_member = member_name.lower()
            if lowered_member.endswith(".csv") and "export" in lowered_member:
                return "gdelt"
    elif head.strip():
        kind = _detect_text(_decode_head(head[:DETECT_HEAD_BYTES]))
        if kind is not None:
            return kind
    lowered = name.lower()
    for suffix, hinted in _NAME_HINTS:
        if lowered.endswith(suffix):
            return hinted
    return None
