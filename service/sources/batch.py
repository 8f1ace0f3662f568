"""Result types shared by the source parsers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from service.records import ReportRecord

__all__ = ["ParsedBatch", "Rejected"]


class Rejected(NamedTuple):
    """An item a parser refused, and why; the rest of the document goes on."""

    #: The item's id when it has one, else its position ("item 12", "row 40").
    ref: str
    reason: str


@dataclass(slots=True)
class ParsedBatch:
    """What one document yielded."""

    records: list[ReportRecord] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    #: Problems with the document as a whole that did not stop it being read
    #: (invalid UTF-8 replaced, NUL removed, not well-formed XML read leniently...).
    warnings: list[str] = field(default_factory=list)
    #: False when the document was cut short (truncated XML). The records are complete
    #: items read before the cut, but the caller should not advance its conditional-GET
    #: cursor (ETag/Last-Modified), so that the next poll fetches the whole document.
    complete: bool = True
    #: The feed's own title, when it has one.
    title: str | None = None
