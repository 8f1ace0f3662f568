"""Code tables the gazetteer cannot derive from its packages.

GeoNames numbers the first-level divisions of a country with its own ``admin1`` codes
(``UA.12`` is the city of Kyiv), which are not ISO 3166-2 codes (``UA-30``). The table
below maps one onto the other for Ukraine and Russia; its left column follows GeoNames'
``admin1CodesASCII.txt`` and its right column ISO 3166-2:UA and ISO 3166-2:RU (the
subdivision codes pycountry ships). Each row also carries the English stem that news
writing puts before "region" or "oblast" and the short English names used for republics
and federal cities; every place name proper comes from GeoNames.

:data:`CITY_DISTRICTS` lists the urban districts (raions) of the larger Ukrainian cities,
after the 2020 Ukrainian codifier of administrative-territorial units (KATOTTH). GeoNames
holds some of them as city sections, only for some cities, and a district name such as
"Dniprovskyi" or "Shevchenkivskyi" recurs in several cities, which is why the gazetteer
needs the whole list to know that a bare district name is ambiguous.
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["CITY_DISTRICTS", "EXTRA_NAMES", "LANDMARKS", "SUBDIVISIONS", "SubdivisionRow"]


class SubdivisionRow(NamedTuple):
    """One first-level division: how GeoNames and ISO code it and how English names it."""

    country: str
    geonames_admin1: str
    iso_code: str
    #: The stem written before "region"/"oblast" ("Kharkiv region"); for a federal city, the city.
    stem: str
    #: ``oblast``, ``krai``, ``republic``, ``city``, ``okrug`` or ``autonomous_oblast``.
    kind: str
    #: Names that stand alone for the whole division ("Crimea", "Chechnya").
    aliases: tuple[str, ...] = ()


_R = SubdivisionRow

SUBDIVISIONS: tuple[SubdivisionRow, ...] = (
    _R("UA", "01", "UA-71", "Cherkasy", "oblast"),
    _R("UA", "02", "UA-74", "Chernihiv", "oblast"),
    _R("UA", "03", "UA-77", "Chernivtsi", "oblast"),
    _R("UA", "04", "UA-12", "Dnipropetrovsk", "oblast"),
    _R("UA", "05", "UA-14", "Donetsk", "oblast"),
    _R("UA", "06", "UA-26", "Ivano-Frankivsk", "oblast"),
    _R("UA", "07", "UA-63", "Kharkiv", "oblast"),
    _R("UA", "08", "UA-65", "Kherson", "oblast"),
    _R("UA", "09", "UA-68", "Khmelnytskyi", "oblast"),
    _R("UA", "10", "UA-35", "Kirovohrad", "oblast"),
    _R(
        "UA",
        "11",
        "UA-43",
        "Crimea",
        "republic",
        ("Crimea", "Crimean peninsula", "Autonomous Republic of Crimea"),
    ),
    _R("UA", "12", "UA-30", "Kyiv", "city", ("Kyiv City", "city of Kyiv")),
    _R("UA", "13", "UA-32", "Kyiv", "oblast"),
    _R("UA", "14", "UA-09", "Luhansk", "oblast"),
    _R("UA", "15", "UA-46", "Lviv", "oblast"),
    _R("UA", "16", "UA-48", "Mykolaiv", "oblast"),
    _R("UA", "17", "UA-51", "Odesa", "oblast"),
    _R("UA", "18", "UA-53", "Poltava", "oblast"),
    _R("UA", "19", "UA-56", "Rivne", "oblast"),
    _R("UA", "20", "UA-40", "Sevastopol", "city", ("city of Sevastopol",)),
    _R("UA", "21", "UA-59", "Sumy", "oblast"),
    _R("UA", "22", "UA-61", "Ternopil", "oblast"),
    _R("UA", "23", "UA-05", "Vinnytsia", "oblast"),
    _R("UA", "24", "UA-07", "Volyn", "oblast", ("Volhynia",)),
    _R("UA", "25", "UA-21", "Zakarpattia", "oblast", ("Transcarpathia", "Zakarpattia")),
    _R("UA", "26", "UA-23", "Zaporizhzhia", "oblast"),
    _R("UA", "27", "UA-18", "Zhytomyr", "oblast"),
    _R("RU", "01", "RU-AD", "Adygea", "republic", ("Adygea", "Adygeya")),
    _R("RU", "03", "RU-AL", "Altai Republic", "republic", ("Altai Republic",)),
    _R("RU", "04", "RU-ALT", "Altai", "krai"),
    _R("RU", "05", "RU-AMU", "Amur", "oblast"),
    _R("RU", "06", "RU-ARK", "Arkhangelsk", "oblast"),
    _R("RU", "07", "RU-AST", "Astrakhan", "oblast"),
    _R("RU", "08", "RU-BA", "Bashkortostan", "republic", ("Bashkortostan", "Bashkiria")),
    _R("RU", "09", "RU-BEL", "Belgorod", "oblast"),
    _R("RU", "10", "RU-BRY", "Bryansk", "oblast"),
    _R("RU", "11", "RU-BU", "Buryatia", "republic", ("Buryatia",)),
    _R("RU", "12", "RU-CE", "Chechnya", "republic", ("Chechnya", "Chechen Republic")),
    _R("RU", "13", "RU-CHE", "Chelyabinsk", "oblast"),
    _R("RU", "15", "RU-CHU", "Chukotka", "okrug", ("Chukotka",)),
    _R("RU", "16", "RU-CU", "Chuvashia", "republic", ("Chuvashia",)),
    _R("RU", "17", "RU-DA", "Dagestan", "republic", ("Dagestan",)),
    _R("RU", "19", "RU-IN", "Ingushetia", "republic", ("Ingushetia",)),
    _R("RU", "20", "RU-IRK", "Irkutsk", "oblast"),
    _R("RU", "21", "RU-IVA", "Ivanovo", "oblast"),
    _R("RU", "22", "RU-KB", "Kabardino-Balkaria", "republic", ("Kabardino-Balkaria",)),
    _R("RU", "23", "RU-KGD", "Kaliningrad", "oblast"),
    _R("RU", "24", "RU-KL", "Kalmykia", "republic", ("Kalmykia",)),
    _R("RU", "25", "RU-KLU", "Kaluga", "oblast"),
    _R("RU", "27", "RU-KC", "Karachay-Cherkessia", "republic", ("Karachay-Cherkessia",)),
    _R("RU", "28", "RU-KR", "Karelia", "republic", ("Karelia",)),
    _R("RU", "29", "RU-KEM", "Kemerovo", "oblast", ("Kuzbass",)),
    _R("RU", "30", "RU-KHA", "Khabarovsk", "krai"),
    _R("RU", "31", "RU-KK", "Khakassia", "republic", ("Khakassia",)),
    _R("RU", "32", "RU-KHM", "Khanty-Mansi", "okrug", ("Khanty-Mansi Autonomous Okrug", "Yugra")),
    _R("RU", "33", "RU-KIR", "Kirov", "oblast"),
    _R("RU", "34", "RU-KO", "Komi", "republic", ("Komi Republic",)),
    _R("RU", "37", "RU-KOS", "Kostroma", "oblast"),
    _R("RU", "38", "RU-KDA", "Krasnodar", "krai", ("Kuban",)),
    _R("RU", "40", "RU-KGN", "Kurgan", "oblast"),
    _R("RU", "41", "RU-KRS", "Kursk", "oblast"),
    _R("RU", "42", "RU-LEN", "Leningrad", "oblast"),
    _R("RU", "43", "RU-LIP", "Lipetsk", "oblast"),
    _R("RU", "44", "RU-MAG", "Magadan", "oblast"),
    _R("RU", "45", "RU-ME", "Mari El", "republic", ("Mari El",)),
    _R("RU", "46", "RU-MO", "Mordovia", "republic", ("Mordovia",)),
    _R("RU", "47", "RU-MOS", "Moscow", "oblast"),
    _R("RU", "48", "RU-MOW", "Moscow", "city", ("city of Moscow",)),
    _R("RU", "49", "RU-MUR", "Murmansk", "oblast"),
    _R("RU", "50", "RU-NEN", "Nenets", "okrug", ("Nenets Autonomous Okrug",)),
    _R("RU", "51", "RU-NIZ", "Nizhny Novgorod", "oblast"),
    _R("RU", "52", "RU-NGR", "Novgorod", "oblast"),
    _R("RU", "53", "RU-NVS", "Novosibirsk", "oblast"),
    _R("RU", "54", "RU-OMS", "Omsk", "oblast"),
    _R("RU", "55", "RU-ORE", "Orenburg", "oblast"),
    _R("RU", "56", "RU-ORL", "Oryol", "oblast"),
    _R("RU", "57", "RU-PNZ", "Penza", "oblast"),
    _R("RU", "59", "RU-PRI", "Primorsky", "krai", ("Primorye",)),
    _R("RU", "60", "RU-PSK", "Pskov", "oblast"),
    _R("RU", "61", "RU-ROS", "Rostov", "oblast"),
    _R("RU", "62", "RU-RYA", "Ryazan", "oblast"),
    _R("RU", "63", "RU-SA", "Yakutia", "republic", ("Yakutia", "Sakha Republic")),
    _R("RU", "64", "RU-SAK", "Sakhalin", "oblast"),
    _R("RU", "65", "RU-SAM", "Samara", "oblast"),
    _R("RU", "66", "RU-SPE", "Saint Petersburg", "city", ("St Petersburg", "St. Petersburg")),
    _R("RU", "67", "RU-SAR", "Saratov", "oblast"),
    _R("RU", "68", "RU-SE", "North Ossetia", "republic", ("North Ossetia", "North Ossetia-Alania")),
    _R("RU", "69", "RU-SMO", "Smolensk", "oblast"),
    _R("RU", "70", "RU-STA", "Stavropol", "krai"),
    _R("RU", "71", "RU-SVE", "Sverdlovsk", "oblast"),
    _R("RU", "72", "RU-TAM", "Tambov", "oblast"),
    _R("RU", "73", "RU-TA", "Tatarstan", "republic", ("Tatarstan",)),
    _R("RU", "75", "RU-TOM", "Tomsk", "oblast"),
    _R("RU", "76", "RU-TUL", "Tula", "oblast"),
    _R("RU", "77", "RU-TVE", "Tver", "oblast"),
    _R("RU", "78", "RU-TYU", "Tyumen", "oblast"),
    _R("RU", "79", "RU-TY", "Tuva", "republic", ("Tuva", "Tyva")),
    _R("RU", "80", "RU-UD", "Udmurtia", "republic", ("Udmurtia",)),
    _R("RU", "81", "RU-ULY", "Ulyanovsk", "oblast"),
    _R("RU", "83", "RU-VLA", "Vladimir", "oblast"),
    _R("RU", "84", "RU-VGG", "Volgograd", "oblast"),
    _R("RU", "85", "RU-VLG", "Vologda", "oblast"),
    _R("RU", "86", "RU-VOR", "Voronezh", "oblast"),
    _R("RU", "87", "RU-YAN", "Yamalo-Nenets", "okrug", ("Yamalo-Nenets Autonomous Okrug", "Yamal")),
    _R("RU", "88", "RU-YAR", "Yaroslavl", "oblast"),
    _R("RU", "89", "RU-YEV", "Jewish", "autonomous_oblast", ("Jewish Autonomous Oblast",)),
    _R("RU", "90", "RU-PER", "Perm", "krai"),
    _R("RU", "91", "RU-KYA", "Krasnoyarsk", "krai"),
    _R("RU", "92", "RU-KAM", "Kamchatka", "krai"),
    _R("RU", "93", "RU-ZAB", "Zabaykalsky", "krai", ("Transbaikal", "Zabaykalsky Krai")),
)

#: (GeoNames admin1 of the city, the city's GeoNames name, its urban districts).
CITY_DISTRICTS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (
        "12",
        "Kyiv",
        (
            "Holosiivskyi",
            "Darnytskyi",
            "Desnianskyi",
            "Dniprovskyi",
            "Obolonskyi",
            "Pecherskyi",
            "Podilskyi",
            "Sviatoshynskyi",
            "Solomianskyi",
            "Shevchenkivskyi",
        ),
    ),
    (
        "07",
        "Kharkiv",
        (
            "Industrialnyi",
            "Kyivskyi",
            "Kholodnohirskyi",
            "Nemyshlianskyi",
            "Novobavarskyi",
            "Osnovianskyi",
            "Saltivskyi",
            "Shevchenkivskyi",
            "Slobidskyi",
        ),
    ),
    ("08", "Kherson", ("Dniprovskyi", "Korabelnyi", "Tsentralnyi", "Suvorovskyi")),
    ("17", "Odesa", ("Kyivskyi", "Malynovskyi", "Prymorskyi", "Peresypskyi", "Suvorovskyi")),
    (
        "04",
        "Dnipro",
        (
            "Amur-Nyzhnodniprovskyi",
            "Chechelivskyi",
            "Industrialnyi",
            "Novokodatskyi",
            "Samarskyi",
            "Shevchenkivskyi",
            "Sobornyi",
            "Tsentralnyi",
        ),
    ),
    (
        "26",
        "Zaporizhzhya",
        (
            "Dniprovskyi",
            "Khortytskyi",
            "Komunarskyi",
            "Oleksandrivskyi",
            "Shevchenkivskyi",
            "Voznesenivskyi",
            "Zavodskyi",
        ),
    ),
    ("16", "Mykolayiv", ("Tsentralnyi", "Zavodskyi", "Inhulskyi", "Korabelnyi")),
    (
        "04",
        "Kryvyy Rih",
        (
            "Dovhyntsivskyi",
            "Inhuletskyi",
            "Metalurhiinyi",
            "Pokrovskyi",
            "Saksahanskyi",
            "Tsentralno-Miskyi",
            "Ternivskyi",
        ),
    ),
    ("04", "Kamyanske", ("Dniprovskyi", "Pivdennyi", "Zavodskyi")),
    (
        "15",
        "Lviv",
        ("Halytskyi", "Zaliznychnyi", "Lychakivskyi", "Sykhivskyi", "Frankivskyi", "Shevchenkivskyi"),
    ),
    ("21", "Sumy", ("Kovpakivskyi", "Zarichnyi")),
    ("02", "Chernihiv", ("Desnianskyi", "Novozavodskyi")),
    ("18", "Poltava", ("Kyivskyi", "Podilskyi", "Shevchenkivskyi")),
    ("10", "Kropyvnytskyi", ("Fortechnyi", "Podilskyi")),
    (
        "05",
        "Donetsk",
        (
            "Budonnivskyi",
            "Voroshylovskyi",
            "Kalininskyi",
            "Kyivskyi",
            "Kirovskyi",
            "Kuibyshevskyi",
            "Leninskyi",
            "Petrovskyi",
            "Proletarskyi",
        ),
    ),
    ("05", "Mariupol", ("Kalmiuskyi", "Livoberezhnyi", "Prymorskyi", "Tsentralnyi")),
    ("14", "Luhansk", ("Artemivskyi", "Zhovtnevyi", "Kamianobridskyi", "Leninskyi")),
)


#: Names news uses that GeoNames does not hold for a place: (country, GeoNames admin1, the
#: place's GeoNames name, the other names). The port town GeoNames calls Pivdenne (Odesa
#: oblast) is Pivdennyi since 2016, formerly Yuzhne, and Yuzhny in Russian copy.
EXTRA_NAMES: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("UA", "17", "Pivdenne", ("Pivdennyi", "Yuzhne", "Yuzhny", "Yuzhnyy")),
)


#: Places that are no settlement, which GeoNames' table of populated places does not hold but
#: reports of this war name as where an attack landed: (country, ISO 3166-2 division, name,
#: latitude, longitude, time zone, other names).
LANDMARKS: tuple[tuple[str, str, str, float, float, str, tuple[str, ...]], ...] = (
    (
        "UA", "UA-51", "Zmiinyi Island", 45.2553, 30.2039, "Europe/Kyiv",
        ("Snake Island", "Zmiinyi", "Zmiiny Island", "Zmiiny", "Zmeiny Island", "Zmeiny", "Zmeinyi Island"),
    ),
    (
        "UA", "UA-43", "Crimean Bridge", 45.3083, 36.5078, "Europe/Simferopol",
        ("Kerch Bridge", "Kerch Strait Bridge", "Crimea Bridge"),
    ),
    ("UA", "UA-48", "Kinburn Spit", 46.5600, 31.5200, "Europe/Kyiv", ("Kinburn peninsula",)),
    # the ferry and rail-ferry port on the Chushka spit, across the Kerch Strait from Crimea
    ("RU", "RU-KDA", "Port Kavkaz", 45.3550, 36.6700, "Europe/Moscow", ("Kavkaz port", "Kavkaz", "Chushka")),
    # its other end, on the Crimean shore north of Kerch
    ("UA", "UA-43", "Port Krym", 45.3060, 36.4700, "Europe/Simferopol", ("Krym port",)),
)  # fmt: skip
