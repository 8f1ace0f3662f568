"""Power plants named after a town they do not stand in.

"The Zaporizhzhia nuclear power plant" is in Enerhodar, 50 km from Zaporizhzhia; "the Zmiiv
thermal power plant" in Slobozhanske. Read as the town it is named after, a report of a
strike on the plant lands in the wrong place and cannot join the reports (ACLED's among
them) that give where the plant is. Only plants whose name and site differ are listed:
"the Burshtyn plant" is in Burshtyn, and the town's own name places it.
"""

from __future__ import annotations

import re

from service.extract.gazetteer_build import name_key

__all__ = ["FACILITY_SUFFIX", "host_of"]

_NUCLEAR = r"nuclear(?:\s+power)?\s+(?:plant|station)|NPP|atomic(?:\s+power)?\s+(?:plant|station)"
_THERMAL = r"(?:thermal|coal-fired|combined\s+heat\s+and)\s+(?:power\s+)?(?:plant|station)|TPP|TES|power\s+(?:plant|station)"
_HYDRO = r"hydro(?:electric|power)?(?:\s+power)?\s+(?:plant|station)|HPP|HES|dam"

#: After a place's name: which kind of plant the name is part of.
FACILITY_SUFFIX = re.compile(
    rf"\s+(?:(?P<nuclear>{_NUCLEAR})|(?P<hydro>{_HYDRO})|(?P<thermal>{_THERMAL}))\b", re.IGNORECASE
)

# (name as written, kind) -> (the settlement it stands in, its ISO 3166-2 division)
_SITES: dict[tuple[str, str], tuple[str, str]] = {
    **dict.fromkeys(
        [(n, "nuclear") for n in ("Zaporizhzhia", "Zaporizhia", "Zaporozhye", "Zaporozhskaya")]
        + [(n, "thermal") for n in ("Zaporizhzhia", "Zaporizhia", "Zaporozhye")],
        ("Enerhodar", "UA-23"),
    ),
    **dict.fromkeys([("South Ukraine", "nuclear"), ("South Ukrainian", "nuclear")], ("Yuzhnoukrainsk", "UA-48")),
    **dict.fromkeys([("Khmelnytskyi", "nuclear"), ("Khmelnitsky", "nuclear")], ("Netishyn", "UA-68")),
    **dict.fromkeys([("Rivne", "nuclear"), ("Rovno", "nuclear")], ("Varash", "UA-56")),
    ("Kursk", "nuclear"): ("Kurchatov", "RU-KRS"),
    **dict.fromkeys([("Zmiiv", "thermal"), ("Zmiev", "thermal"), ("Zmiyiv", "thermal")], ("Slobozhanske", "UA-63")),
    **dict.fromkeys(
        [("Trypillia", "thermal"), ("Trypilska", "thermal"), ("Tripolye", "thermal"), ("Trypilia", "thermal")],
        ("Ukrainka", "UA-32"),
    ),
    **dict.fromkeys([("Kryvyi Rih", "thermal"), ("Krivoy Rog", "thermal")], ("Zelenodolsk", "UA-12")),
    **dict.fromkeys([("Vuhlehirsk", "thermal"), ("Uglegorsk", "thermal")], ("Svitlodarsk", "UA-14")),
    **dict.fromkeys([("Sloviansk", "thermal"), ("Slavyansk", "thermal")], ("Mykolaivka", "UA-14")),
    **dict.fromkeys([("Kakhovka", "hydro")], ("Nova Kakhovka", "UA-65")),
    **dict.fromkeys([("Kremenchuk", "hydro"), ("Kremenchug", "hydro")], ("Svitlovodsk", "UA-35")),
    **dict.fromkeys([("Kyiv", "hydro"), ("Kiev", "hydro")], ("Vyshhorod", "UA-32")),
    **dict.fromkeys([("Dniester", "hydro"), ("Dnister", "hydro")], ("Novodnistrovsk", "UA-77")),
}  # fmt: skip
_BY_KEY = {(name_key(name), kind): site for (name, kind), site in _SITES.items()}


def host_of(name: str, kind: str) -> tuple[str, str] | None:
    """Where the plant called ``name`` (of ``kind``: nuclear, thermal, hydro) stands, if not in ``name``."""
    return _BY_KEY.get((name_key(name), kind))
