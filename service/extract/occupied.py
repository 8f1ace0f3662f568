"""Towns Russia holds keep Moscow's clock, whatever the gazetteer says of their zone.

GeoNames gives the occupied towns of Donetsk, Luhansk, Zaporizhzhia and Kherson oblasts
Kyiv's zone; the authorities installed there, and outlets relaying them, tell time by Moscow's.
In summer the two agree (UTC+3); from October to March an hour apart, a shelling "at 10:15
local time" in Horlivka would be read an hour late. Crimea and Sevastopol have their own zone
(Europe/Simferopol) in GeoNames already.

The list is of cities and towns held since 2014 or 2022 and still held; a village is left to
its gazetteer zone.
"""

from __future__ import annotations

from service.extract.place_types import Place

__all__ = ["MOSCOW", "clock_zone"]

MOSCOW = "Europe/Moscow"

#: (GeoNames name, ISO 3166-2 code) of towns under Russian occupation.
_HELD = frozenset(
    {(name, "UA-14") for name in (
        "Donetsk", "Horlivka", "Makiyivka", "Yenakiyeve", "Khartsyzk", "Shakhtarsk", "Snizhne",
        "Chystyakove", "Yasynuvata", "Debaltseve", "Dokuchayevsk", "Mariupol", "Volnovakha",
        "Bakhmut", "Avdiyivka", "Svetlodarsk",
    )}
    | {(name, "UA-09") for name in (
        "Luhansk", "Alchevsk", "Siverskodonetsk", "Lysychansk", "Rubizhne", "Kadiyivka", "Antratsyt",
        "Khrustalnyi", "Rovenky", "Dovzhansk", "Starobilsk", "Svatove",
    )}
    | {(name, "UA-23") for name in (
        "Melitopol", "Berdyansk", "Enerhodar", "Tokmak", "Vasylivka", "Polohy", "Dniprorudne",
    )}
    | {(name, "UA-65") for name in ("Nova Kakhovka", "Kakhovka", "Oleshky", "Hola Prystan", "Skadovsk", "Henichesk")}
)  # fmt: skip


def clock_zone(place: Place) -> str | None:
    """The zone a clock told of ``place`` is in: Moscow's for a town Russia holds, else the gazetteer's."""
    if (place.name, place.code) in _HELD:
        return MOSCOW
    return place.timezone
