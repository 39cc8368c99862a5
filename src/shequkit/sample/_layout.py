"""Where sample community *i* lives: a cheap, deterministic function of *i*.

Communities are laid out in code order. Townships come in groups of
``TOWNSHIP_GROUP`` sharing ``COMMUNITIES_PER_GROUP`` communities (each
township gets between ``MIN_COMMUNITIES`` and ``MAX_COMMUNITIES``); counties
come in groups of ``COUNTY_GROUP`` sharing ``TOWNSHIPS_PER_GROUP`` townships.
The split inside each group is derived from a hash of the seed and the group
number, so the place of community *i* is found without looking at any other
community — the generator can stream 620,000 communities several times over
in flat memory.

Counties fill the province's real cities first (real county codes and names
from :mod:`._places`), then synthetic cities with synthetic counties in the
valid code ranges (区 02–20, 县 21–80, 县级市 81–99).
"""

from __future__ import annotations

import bisect
import functools
import math
from typing import Final

import attrs

from shequkit._exceptions import UsageError
from shequkit.sample._names import PLACE_FIRST, PLACE_SECOND
from shequkit.sample._places import PROVINCES, REAL_CITIES, Province

__all__ = ["MAX_COMMUNITIES", "MAX_TOWNSHIPS", "Layout", "Place", "mix"]

TOWNSHIP_GROUP: Final = 4
COMMUNITIES_PER_GROUP: Final = 40
MIN_COMMUNITIES: Final = 5
MAX_COMMUNITIES: Final = 15
COUNTY_GROUP: Final = 4
TOWNSHIPS_PER_GROUP: Final = 48
MIN_TOWNSHIPS: Final = 6
MAX_TOWNSHIPS: Final = 18
_MIN_SYNTHETIC_COUNTIES: Final = 10
_MAX_SYNTHETIC_COUNTIES: Final = 98  # county parts 02-99

_MASK: Final = (1 << 64) - 1
_PAIRS: Final = len(PLACE_FIRST) * len(PLACE_SECOND)
# Multipliers coprime with the number of syllable pairs: i -> (a*i + b) % n is a permutation.
_MULTIPLIERS: Final = tuple(a for a in range(101, 400) if math.gcd(a, _PAIRS) == 1)


def mix(*values: int) -> int:
    """A 64-bit hash of integers (splitmix64 finaliser); stable across processes."""
    state = 0x9E3779B97F4A7C15
    for value in values:
        state = ((state ^ (value & _MASK)) * 0xBF58476D1CE4E5B9) & _MASK
        state ^= state >> 31
        state = (state * 0x94D049BB133111EB) & _MASK
        state ^= state >> 29
    return state


@functools.lru_cache(maxsize=4096)
def _split(key: int, parts: int, total: int, low: int, high: int) -> tuple[int, ...]:
    """Split ``total`` into ``parts`` sizes within ``low``–``high``, pseudo-randomly by ``key``."""
    sizes = [low] * parts
    state = key
    for _ in range(total - low * parts):
        while True:
            state = mix(state)
            slot = state % parts
            if sizes[slot] < high:
                sizes[slot] += 1
                break
    return tuple(sizes)


def _locate(sizes: tuple[int, ...], offset: int) -> tuple[int, int]:
    """(slot, offset inside the slot) of ``offset`` within consecutive blocks of ``sizes``."""
    for slot, size in enumerate(sizes):
        if offset < size:
            return slot, offset
        offset -= size
    raise AssertionError("offset beyond the group")  # pragma: no cover


def place_name(key: int, position: int) -> str:
    """The ``position``-th name of a permutation of syllable pairs chosen by ``key``.

    Distinct positions under one key give distinct names (up to the number of pairs).
    """
    multiplier = _MULTIPLIERS[key % len(_MULTIPLIERS)]
    index = (multiplier * position + (key >> 16)) % _PAIRS
    first, second = divmod(index, len(PLACE_SECOND))
    return PLACE_FIRST[first] + PLACE_SECOND[second]


@attrs.frozen
class Place:
    """The divisions a sample community belongs to, with codes and names."""

    township_index: int  # global, for change detection
    county_index: int
    city_index: int
    city_code: str  # 4 digits
    city_name: str
    county_code: str  # 6 digits
    county_name: str
    county_kind: str  # 区, 县 or 市
    township_position: int  # 0-based within the county
    township_code: str  # 9 digits
    township_name: str
    street: bool  # 街道 (True) or 镇
    village: int  # 1-based within the township (residents' committee range 001-199)
    code: str  # the community's 12-digit code
    name: str  # the community's name, XX社区


@attrs.frozen
class _Township:
    """Township-level part of a :class:`Place`."""

    number: int
    county_index: int
    city_index: int
    city_code: str
    city_name: str
    county_code: str
    county_name: str
    county_kind: str
    position: int
    code: str
    name: str
    street: bool
    names_key: int  # picks the permutation of community names in the township


@attrs.frozen
class _City:
    code: str
    name: str
    real_counties: tuple[tuple[str, str], ...]
    centre: tuple[float, float] | None = None


class Layout:
    """The division layout of one sample: province, cities, counties, townships, communities.

    Args:
        province: 2-digit province code (must be in :data:`._places.PROVINCES`).
        seed: the sample seed.
        communities: how many communities the sample has (sizes the synthetic cities).

    Raises:
        UsageError: ``SQK-U102`` when that many communities do not fit the code space.
    """

    def __init__(self, province: str, seed: int, communities: int) -> None:
        self.province: Province = PROVINCES[province]
        self._key = mix(seed, int(province))
        self._last_township: _Township | None = None
        real = REAL_CITIES.get(province, ())
        taken = {city.code for city in real}
        cities = [
            _City(city.code, city.name, city.counties, (city.longitude, city.latitude))
            for city in real
        ]
        for number in range(1, 100):
            code = f"{province}{number:02d}"
            if code not in taken:
                cities.append(_City(code, self._synthetic_city_name(number), ()))
        self._cities = tuple(cities)
        real_total = sum(len(city.real_counties) for city in cities)
        slots = sum(1 for city in cities if not city.real_counties)
        needed = self._county_of_township(self._township_of(communities - 1)[0])[0] + 1
        capacity = real_total + slots * _MAX_SYNTHETIC_COUNTIES
        if needed > capacity:
            limit = self._max_communities(capacity)
            raise UsageError(
                f"样例社区数 {communities} 超出省级代码容量(最多约 {limit} 个)",
                f"{communities} sample communities do not fit one province's code space "
                f"(at most about {limit})",
                code="SQK-U102",
                communities=communities,
            )
        per_city = max(_MIN_SYNTHETIC_COUNTIES, math.ceil((needed - real_total) / slots))
        self._per_city = min(per_city, _MAX_SYNTHETIC_COUNTIES)
        sizes = [len(city.real_counties) or self._per_city for city in cities]
        self._county_starts = [0]
        for size in sizes:
            self._county_starts.append(self._county_starts[-1] + size)

    @staticmethod
    def _max_communities(counties: int) -> int:
        # Townships and communities per county on average: the group sizes are fixed.
        townships = counties * TOWNSHIPS_PER_GROUP // COUNTY_GROUP
        return townships * COMMUNITIES_PER_GROUP // TOWNSHIP_GROUP

    def _synthetic_city_name(self, number: int) -> str:
        if self.province.municipality:
            return "市辖区"
        return place_name(mix(self._key, 1), number) + "市"

    # -- the three levels of groups ----------------------------------------------

    def _township_of(self, index: int) -> tuple[int, int]:
        """(global township index, 1-based village number) of community ``index``."""
        group, offset = divmod(index, COMMUNITIES_PER_GROUP)
        sizes = _split(
            mix(self._key, 2, group),
            TOWNSHIP_GROUP,
            COMMUNITIES_PER_GROUP,
            MIN_COMMUNITIES,
            MAX_COMMUNITIES,
        )
        slot, inside = _locate(sizes, offset)
        return group * TOWNSHIP_GROUP + slot, inside + 1

    def _county_of_township(self, township: int) -> tuple[int, int, int]:
        """(global county index, position in county, townships in county) of a township."""
        group, offset = divmod(township, TOWNSHIPS_PER_GROUP)
        sizes = _split(
            mix(self._key, 3, group),
            COUNTY_GROUP,
            TOWNSHIPS_PER_GROUP,
            MIN_TOWNSHIPS,
            MAX_TOWNSHIPS,
        )
        slot, inside = _locate(sizes, offset)
        return group * COUNTY_GROUP + slot, inside, sizes[slot]

    # -- codes and names -------------------------------------------------------------

    def _county(self, county: int) -> tuple[int, str, str, str]:
        """(city index, 6-digit code, name, kind 区/县/市) of a global county index."""
        city_index = bisect.bisect_right(self._county_starts, county) - 1
        city = self._cities[city_index]
        position = county - self._county_starts[city_index]
        if city.real_counties:
            code, name = city.real_counties[position]
            return city_index, code, name, name[-1] if name[-1] in "区县市" else "区"
        part, kind = self._synthetic_county_part(position)
        name = place_name(mix(self._key, 4, city_index), position) + kind
        return city_index, f"{city.code}{part:02d}", name, kind

    def _synthetic_county_part(self, position: int) -> tuple[int, str]:
        # Districts 02-20, counties 21-80, county-level cities 81-99, in realistic shares.
        size = self._per_city
        districts = min(19, round(size * 0.4))
        cities = min(19, round(size * 0.2))
        counties = size - districts - cities
        if self.province.municipality:
            return 2 + position if position < 19 else 21 + position - 19, "区"
        if position < districts:
            return 2 + position, "区"
        if position < districts + counties:
            return 21 + position - districts, "县"
        return 81 + position - districts - counties, "市"

    def place(self, index: int) -> Place:
        """The place of community ``index`` (0-based)."""
        number, village = self._township_of(index)
        township = self._township(number)
        return Place(
            township_index=number,
            county_index=township.county_index,
            city_index=township.city_index,
            city_code=township.city_code,
            city_name=township.city_name,
            county_code=township.county_code,
            county_name=township.county_name,
            county_kind=township.county_kind,
            township_position=township.position,
            township_code=township.code,
            township_name=township.name,
            street=township.street,
            village=village,
            code=f"{township.code}{village:03d}",
            name=place_name(township.names_key, village) + "社区",
        )

    def _township(self, number: int) -> _Township:
        """The township with global index ``number``; the last one is remembered because
        consecutive communities mostly share their township."""
        last = self._last_township
        if last is not None and last.number == number:
            return last
        county, position, townships = self._county_of_township(number)
        city_index, county_code, county_name, kind = self._county(county)
        county_key = mix(self._key, 5, county)
        # Districts are mostly streets, counties mostly towns, county-level cities both.
        spread = county_key % 3
        if kind == "区":
            streets = townships - spread
        elif kind == "县":
            streets = spread
        else:
            streets = townships // 2 + spread - 1
        street = position < streets
        part = position + 1 if street else 100 + position - streets
        city = self._cities[city_index]
        township = _Township(
            number=number,
            county_index=county,
            city_index=city_index,
            city_code=city.code,
            city_name=city.name,
            county_code=county_code,
            county_name=county_name,
            county_kind=kind,
            position=position,
            code=f"{county_code}{part:03d}",
            name=place_name(county_key, position) + ("街道" if street else "镇"),
            street=street,
            names_key=mix(self._key, 6, number),
        )
        self._last_township = township
        return township

    def centre(self, place: Place) -> tuple[float, float]:
        """A plausible (longitude, latitude) for the township of ``place``, inside the province.

        Counties of real cities lie around the city's centre (districts close to
        it); others anywhere in the province's bounding box.
        """
        box = self.province
        county = mix(self._key, 7, place.county_index)
        township = mix(self._key, 8, place.township_index)
        spread_lon = (county % 10_007) / 10_007
        spread_lat = ((county >> 20) % 10_007) / 10_007
        city = self._cities[place.city_index]
        if city.centre is not None:
            radius = 0.1 if place.county_kind == "区" else 0.45
            lon = city.centre[0] + radius * (2 * spread_lon - 1)
            lat = city.centre[1] + radius * (2 * spread_lat - 1)
        else:
            lon = box.min_lon + (box.max_lon - box.min_lon) * (0.1 + 0.8 * spread_lon)
            lat = box.min_lat + (box.max_lat - box.min_lat) * (0.1 + 0.8 * spread_lat)
        lon += 0.04 * ((township % 2001) / 1000 - 1)
        lat += 0.04 * (((township >> 20) % 2001) / 1000 - 1)
        # Keep a margin for the community's own offset.
        lon = min(max(lon, box.min_lon + 0.05), box.max_lon - 0.05)
        lat = min(max(lat, box.min_lat + 0.05), box.max_lat - 0.05)
        return lon, lat
