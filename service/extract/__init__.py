"""Extraction: stored reports in, observations of attacks out.

:class:`Extractor` dispatches on the report's kind: news text (RSS and Atom items) is
read sentence by sentence (:mod:`service.extract.news`); ACLED and GDELT rows are
mapped from their coded columns (:mod:`service.extract.acled`,
:mod:`service.extract.gdelt`). Places come from :mod:`service.extract.places` and
times from :mod:`service.extract.when`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

from service.extract.acled import AcledExtractor
from service.extract.gazetteer_build import CORE_COUNTRIES
from service.extract.gdelt import GdeltExtractor
from service.extract.news import NewsExtractor
from service.extract.parties import DEFAULT_PARTIES, PartyLexicon
from service.extract.places import Gazetteer
from service.records import Observation, Party, ReportInput

__all__ = ["DEFAULT_PARTIES", "EXTRACTOR_VERSION", "Extractor"]


def _source_digest() -> str:
    # Any change to the extraction code is a new extractor: stored observations were
    # derived by the old one and are recomputed. Hashing the package's own sources
    # makes that automatic instead of relying on someone remembering to bump a number.
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


#: Stored with every observation; a new value makes the tracker extract again.
EXTRACTOR_VERSION = f"1.{_source_digest()}"


class Extractor:
    """Turns a stored report into the observations it gives evidence of."""

    def __init__(self, parties: Sequence[Party], *, gazetteer: Gazetteer | None = None) -> None:
        self.parties = tuple(parties) or DEFAULT_PARTIES
        # The parties' own countries are where their attacks are told of: their towns must be known.
        countries = sorted({p.country.upper() for p in self.parties if p.country} - set(CORE_COUNTRIES))
        self.gazetteer = gazetteer if gazetteer is not None else Gazetteer.default(countries)
        #: Stored with every observation: the code's version, and the countries it knows towns of.
        self.version = EXTRACTOR_VERSION + (f"+{'-'.join(countries)}" if countries else "")
        lexicon = PartyLexicon(self.parties)
        self._news = NewsExtractor(lexicon, self.gazetteer)
        self._acled = AcledExtractor(lexicon, self.gazetteer)
        self._gdelt = GdeltExtractor(lexicon, self.gazetteer)

    def extract(self, report: ReportInput) -> list[Observation]:
        """Observations in ``report``; none for a report that reports no attack."""
        if report.kind == "rss":
            return self._news.extract(report)
        if report.kind == "acled":
            return self._acled.extract(report)
        if report.kind == "gdelt":
            return self._gdelt.extract(report)
        raise ValueError(f"unknown report kind {report.kind!r}")
