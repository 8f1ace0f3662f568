"""RSS 0.9x/1.0/2.0 and Atom feeds, parsed from bytes into report records.

Decisions worth knowing:

* The bytes are vetted first (:mod:`service.sources.xmlprep`): entity declarations
  and external DTDs are refused, HTML pages are refused, invalid UTF-8 is replaced
  (not refused) and NUL bytes are removed; each repair is listed in
  :attr:`ParsedBatch.warnings`.
* feedparser is given bytes, never a URL, with HTML sanitising and relative-URI
  resolution off: we strip all markup ourselves, and both passes cost a third of the
  parse time.
* **Truncated XML** (the root element is never closed): the complete items read
  before the cut are returned, the last item is dropped if its closing tag is
  missing, and the batch is marked ``complete=False`` with a warning. The caller
  stores the records but should not save the ETag/Last-Modified of that response.
  A truncated document with no complete item raises :class:`ParseError`.
* **Dates**: impossible dates (31 June) and dates more than a day ahead of ``now``
  give ``published_at=None``; the item is kept, with ``published_raw`` as written
  and a warning naming it.
* ``external_id`` is the guid/id, else the link, else a SHA-256 of title and date.
  An id seen twice in one document keeps the first item and rejects the others.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from xml.sax import SAXParseException

import feedparser

from service.records import ReportRecord
from service.sources.batch import ParsedBatch, Rejected
from service.sources.dates import trusted_date
from service.sources.errors import ParseError
from service.sources.rawjson import to_json_safe
from service.sources.text import clean_text
from service.sources.xmlprep import prepare_xml, root_element_name

__all__ = ["ParsedBatch", "Rejected", "parse_feed"]

logger = logging.getLogger(__name__)

_ITEM_CLOSE = re.compile(r"</(?:[\w.-]+:)?(?:item|entry)\s*>")
_DATE_FIELDS = (
    ("published", "published_parsed"),
    ("updated", "updated_parsed"),
    ("created", "created_parsed"),
)
# Keys whose values are our own derived data or duplicates of other keys.
_RAW_SKIP = frozenset(("published_parsed", "updated_parsed", "created_parsed", "expired_parsed"))
_MAX_WARNINGS = 20


def _is_html(detail: Mapping[str, Any] | None) -> bool:
    if not detail:
        return True
    return "html" in str(detail.get("type") or "text/html")


def _fullest_text(entry: Mapping[str, Any]) -> str:
    """The longest of content, summary and description, as plain text."""
    candidates: list[tuple[str, bool]] = []
    for content in entry.get("content") or ():
        value = content.get("value")
        if value:
            candidates.append((value, _is_html(content)))
    summary = entry.get("summary")
    if summary:
        candidates.append((summary, _is_html(entry.get("summary_detail"))))
    if not candidates:
        return ""
    # Pick by raw length (markup inflates all candidates alike) to clean only one.
    value, is_html = max(candidates, key=lambda pair: len(pair[0]))
    return clean_text(value, is_html=is_html)


def _item_link(entry: Mapping[str, Any]) -> str | None:
    link = entry.get("link")
    if isinstance(link, str):
        link = link.strip()
        if link.lower().startswith(("http://", "https://")):
            return link
    return None


def _external_id(entry: Mapping[str, Any], link: str | None, title: str, date_raw: str | None) -> str | None:
    ident = entry.get("id")
    if isinstance(ident, str) and ident.strip():
        return ident.strip().replace("\x00", "")
    if link:
        return link
    if not title and not date_raw:
        return None
    digest = hashlib.sha256(f"{title}\n{date_raw or ''}".encode()).hexdigest()
    return f"sha256:{digest}"


def _item_date(entry: Mapping[str, Any]) -> tuple[str | None, time.struct_time | None]:
    for raw_key, parsed_key in _DATE_FIELDS:
        raw = entry.get(raw_key)
        if isinstance(raw, str) and raw.strip():
            return raw, entry.get(parsed_key)
    return None, None


def _raw_entry(entry: Mapping[str, Any]) -> dict[str, Any]:
    raw: dict[str, Any] = to_json_safe({key: value for key, value in entry.items() if key not in _RAW_SKIP})
    return raw


def _warn(batch: ParsedBatch, message: str) -> None:
    if len(batch.warnings) < _MAX_WARNINGS:
        batch.warnings.append(message)
    elif len(batch.warnings) == _MAX_WARNINGS:
        batch.warnings.append("further warnings omitted")


def _complete_entry_count(text: str, entries: int) -> int:
    """How many leading entries are whole in a truncated document."""
    return min(entries, len(_ITEM_CLOSE.findall(text)))


def _check_parse_outcome(result: Any, text: str, batch: ParsedBatch) -> list[Any]:
    """The entries worth reading; records truncation and leniency in ``batch``."""
    entries: list[Any] = list(result.get("entries") or [])
    version = result.get("version") or ""
    problem = result.get("bozo_exception") if result.get("bozo") else None
    if not version and not entries:
        if problem is not None:
            raise ParseError(f"not an RSS or Atom feed: {problem}")
        raise ParseError("not an RSS or Atom feed: no <rss>, <rdf:RDF> or <feed> root element")
    if not isinstance(problem, SAXParseException):
        return entries
    root = root_element_name(text)
    closed = root is not None and re.search(
        rf"</{re.escape(root)}\s*>\s*(?:<!--.*?-->\s*)*$", text[-4096:], re.S
    )
    where = f"line {problem.getLineNumber()}, column {problem.getColumnNumber()}: {problem.getMessage()}"
    if closed:
        _warn(batch, f"the feed is not well-formed XML ({where}); it was read leniently")
        return entries
    whole = _complete_entry_count(text, len(entries))
    if whole == 0:
        raise ParseError(f"truncated feed: the document ends before its first complete item ({where})")
    batch.complete = False
    _warn(
        batch,
        f"truncated feed ({where}): kept the {whole} complete item(s) before the cut"
        + (f", dropped {len(entries) - whole} cut item(s)" if whole < len(entries) else ""),
    )
    return entries[:whole]


def parse_feed(data: bytes, *, now: datetime) -> ParsedBatch:
    """Parse an RSS or Atom document into report records.

    Raises :class:`ParseError` for documents that are refused outright (entity
    declarations, HTML, not a feed, truncated before the first item).
    """
    if not data or not data.strip():
        raise ParseError("not a feed: the document is empty")
    prepared = prepare_xml(data)
    batch = ParsedBatch(warnings=list(prepared.warnings))
    result = feedparser.parse(prepared.data, sanitize_html=False, resolve_relative_uris=False)
    entries = _check_parse_outcome(result, prepared.text, batch)
    feed_title = clean_text((result.get("feed") or {}).get("title"))
    batch.title = feed_title or None
    seen: set[str] = set()
    for index, entry in enumerate(entries):
        record = _entry_record(entry, index, now=now, batch=batch)
        if record is None:
            continue
        if record.external_id in seen:
            batch.rejected.append(Rejected(record.external_id, "the same id appears earlier in the feed"))
            continue
        seen.add(record.external_id)
        batch.records.append(record)
    if batch.warnings:
        logger.debug("feed parsed with warnings: %s", "; ".join(batch.warnings))
    return batch


def _entry_record(
    entry: Mapping[str, Any], index: int, *, now: datetime, batch: ParsedBatch
) -> ReportRecord | None:
    title = clean_text(entry.get("title"), is_html=_is_html(entry.get("title_detail")))
    text = _fullest_text(entry)
    link = _item_link(entry)
    date_raw, date_parsed = _item_date(entry)
    ref = f"item {index + 1}"
    external_id = _external_id(entry, link, title, date_raw)
    if external_id is None:
        batch.rejected.append(Rejected(ref, "the item has no id, link, title or date"))
        return None
    if not title and not text:
        batch.rejected.append(Rejected(external_id, "the item has neither title nor text"))
        return None
    published_at, refusal = trusted_date(date_raw, date_parsed, now=now)
    if refusal:
        _warn(batch, f"{ref} ({external_id}): {refusal}; published_at left empty")
    return ReportRecord(
        external_id=external_id,
        url=link,
        title=title or None,
        text=text or title,
        published_at=published_at,
        published_raw=date_raw,
        raw=_raw_entry(entry),
    )
