"""The profile of sample community *i*: what every kind of record needs to agree on.

A profile holds the few facts that tie records of different kinds together —
how many grids and committee members, which facilities and organisations
exist (so ids and references line up), the households and the service space —
and which thresholds of the seed documents the community misses. It is drawn
from the community's own generator, ``random.Random(f"{seed}:{i}")``, so it can
be recomputed cheaply in every pass of the streaming generator. Each kind of
record then draws its details from its own generator,
``random.Random(f"{seed}:{i}:{kind}")``.
"""

from __future__ import annotations

import bisect
import datetime
import itertools
import math
import random
from collections.abc import Callable, Sequence
from typing import Final, TypeVar

import attrs

from shequkit.codes import (
    CommunityType,
    FacilityType,
    OrganisationType,
    SpaceCase,
    SpaceSource,
    UrbanRuralClass,
)
from shequkit.sample._layout import Layout, Place, mix
from shequkit.sample._names import SOCIAL_ORGANISATIONS

__all__ = [
    "KIT",
    "MISSES",
    "SPACE_FLOORS",
    "Profile",
    "Sample",
    "between",
    "distinct",
    "pick",
]

LAGGING_SHARE: Final = 0.2
"""Share of communities that miss one to three thresholds of the seeds."""

MISSES: Final = (
    "service_space",  # 002: office and service space 300/400/500 m² by case
    "committee",  # 002: one committee member per 300 households, at least 5
    "grid_size",  # 002: one grid worker per 200-250 households
    "satisfaction",  # 001: residents' satisfaction at least 85%
    "mediation_rate",  # 001: civil mediation rate at least 98%
    "mediation_success",  # 001: mediation success at least 90%
    "cultural_activities",  # 001: at least 10 cultural activities a year
    "services",  # 001: at least 15 service items
    "books",  # 001: reading room with at least 500 books
    "green",  # 004: green coverage at least 35%
    "kit",  # 004: the full 五室三站两校一场所 facility kit
    "volunteers",  # 001: teams in all eight categories
    "open_affairs",  # 001/002: open residents' affairs (居务公开)
    "four_machines",  # 004: TV, DVD, computer, printer (四机)
)
"""Thresholds a lagging community can miss (seed file in the comment)."""

# Space and staffing were the hardest to meet (seed 001: 16 of 22 communities lacked
# the space), so they are missed more often than the rest.
_MISS_WEIGHTS: Final = {"service_space": 3, "committee": 2, "grid_size": 2}
_MISS_POOL: Final = tuple(
    threshold for threshold in MISSES for _ in range(_MISS_WEIGHTS.get(threshold, 1))
)

SPACE_FLOORS: Final = {
    SpaceCase.BUILT_ESTATE: 300.0,
    SpaceCase.OLD_TOWN: 300.0,
    SpaceCase.ESTATE_UNDER_CONSTRUCTION: 400.0,
    SpaceCase.PLANNED_ESTATE: 500.0,
}
"""Shandong/Tengzhou (002) minimum office and service space per case, m²."""

KIT: Final = (
    FacilityType.COMMITTEE_OFFICE,
    FacilityType.POLICE_ROOM,
    FacilityType.READING_ROOM,
    FacilityType.ACTIVITY_ROOM,
    FacilityType.MEETING_ROOM,
    FacilityType.SERVICE_STATION,
    FacilityType.HEALTH_STATION,
    FacilityType.EMPLOYMENT_STATION,
    FacilityType.CITIZENS_SCHOOL,
    FacilityType.ELDERLY_SCHOOL,
    FacilityType.OUTDOOR_FITNESS_SITE,
)
"""Hubei/Huangpi's 五室三站两校一场所 (seed 004), in the order the seed names them."""

_EXTRAS: Final = (
    (FacilityType.PARTY_MEMBERS_CENTRE, 0.45),
    (FacilityType.TALK_ROOM, 0.25),
    (FacilityType.CHARITY_SUPERMARKET, 0.2),
    (FacilityType.ELDERLY_DAY_CARE, 0.35),
)
_JIANGSU_ROOMS: Final = {FacilityType.TALK_ROOM: FacilityType.HEART_TO_HEART_ROOM}

_SPACE_CASES: Final = tuple(SPACE_FLOORS)
_SPACE_CASE_WEIGHTS: Final = (40, 30, 15, 15)
_SPACE_SOURCES: Final = {
    SpaceCase.BUILT_ESTATE: (SpaceSource.REASSIGNMENT, SpaceSource.PURCHASE, SpaceSource.LEASE),
    SpaceCase.OLD_TOWN: (SpaceSource.EXPANSION, SpaceSource.CO_BUILT, SpaceSource.SWAP),
    SpaceCase.ESTATE_UNDER_CONSTRUCTION: (SpaceSource.RESERVED_IN_NEW_ESTATE,),
    SpaceCase.PLANNED_ESTATE: (SpaceSource.RESERVED_IN_NEW_ESTATE, SpaceSource.NEW_BUILD),
}

# Fixed organisations, in id order o01..o06 (seeds 000, 002, 003).
BASE_ORGANISATIONS: Final = (
    OrganisationType.PARTY_ORGANISATION,
    OrganisationType.RESIDENTS_COMMITTEE,
    OrganisationType.MEMBERS_ASSEMBLY,
    OrganisationType.CONSULTATION_COMMITTEE,
    OrganisationType.MEDIATION_COMMITTEE,
    OrganisationType.PUBLIC_SECURITY_COMMITTEE,
)


@attrs.frozen
class Profile:
    """The cross-kind facts of one sample community."""

    index: int
    id: str
    place: Place
    lagging: bool
    misses: frozenset[str]
    households: int
    type: CommunityType
    urban_rural: UrbanRuralClass
    established: datetime.date
    space_case: SpaceCase
    space_source: SpaceSource
    service_space_m2: float
    grids: int
    committee: int  # director + deputies + members
    deputies: int
    labour_officers: int
    facilities: tuple[FacilityType, ...]
    # (type, index into SOCIAL_ORGANISATIONS or -1)
    organisations: tuple[tuple[OrganisationType, int], ...]

    def facility_id(self, kind: FacilityType) -> str | None:
        """The id of the community's facility of ``kind``, if it has one."""
        try:
            return f"{self.id}-f{self.facilities.index(kind) + 1:02d}"
        except ValueError:
            return None

    def organisation_id(self, kind: OrganisationType) -> str | None:
        """The id of the community's first organisation of ``kind``, if it has one."""
        for number, (organisation, _) in enumerate(self.organisations, 1):
            if organisation is kind:
                return f"{self.id}-o{number:02d}"
        return None

    @property
    def grid_worker_offset(self) -> int:
        """Staff number (1-based) just before the first grid worker."""
        return 1 + self.committee

    def grid_worker_id(self, grid: int) -> str:
        """The staff id of the worker of grid number ``grid`` (1-based)."""
        return f"{self.id}-p{self.grid_worker_offset + grid:02d}"


class Sample:
    """Everything one sample run derives from its spec: the layout and per-community profiles."""

    def __init__(self, *, seed: int, province: str, communities: int, year: int) -> None:
        self.seed = seed
        self.communities = communities
        self.year = year
        self.layout = Layout(province, seed, communities)
        self.key = mix(seed, int(province), 11)
        self.hubei = province == "42"  # seed 004's street-type kit, titles and regulations

    def rng(self, index: int, kind: str | None = None) -> random.Random:
        """The generator of community ``index`` (string seeds hash the same in every process)."""
        if kind is None:
            return random.Random(f"{self.seed}:{index}")
        return random.Random(f"{self.seed}:{index}:{kind}")

    def profile(self, index: int) -> Profile:
        """The profile of community ``index`` (0-based).

        Recomputed in every pass of the streaming generator, so it draws with
        ``random()`` directly rather than the slower ``choices``/``randint``.
        """
        rng = self.rng(index)
        draw = rng.random
        place = self.layout.place(index)
        lagging = draw() < LAGGING_SHARE
        misses: frozenset[str] = frozenset()
        if lagging:
            count = _weighted(draw, (1, 2, 3), (6, 9, 10))
            picked: set[str] = set()
            while len(picked) < count:
                picked.add(_MISS_POOL[int(draw() * len(_MISS_POOL))])
            misses = frozenset(picked)
        households = int(rng.triangular(1500, 4500, 3000))
        if place.street:
            kind = _weighted(draw, _STREET_TYPES, (55, 85, 100))
            fringe = kind is CommunityType.RESETTLED_VILLAGE or draw() < 0.15
            urban_rural = _FRINGE if fringe else _MAIN_URBAN
        else:
            kind = _weighted(draw, _TOWN_TYPES, (75, 100))
            urban_rural = _TOWN_CENTRE
        established = datetime.date(
            self.year - 3 - int(draw() * 20), 1 + int(draw() * 12), 1 + int(draw() * 28)
        )
        space_case = _weighted(draw, _SPACE_CASES, _SPACE_CASE_CUMULATIVE)
        floor = SPACE_FLOORS[space_case]
        if "service_space" in misses:
            space = floor - 20 - 140 * draw()
        else:
            # At least the case's floor (seed 002) and mostly 30 m² per 100 households,
            # the 14th Five-Year plan's figure (Jiangsu: 85% of communities met it in 2020).
            space = max(floor, households * rng.triangular(0.24, 0.5, 0.34))
        sources = _SPACE_SOURCES[space_case]
        space_source = sources[int(draw() * len(sources))]
        grids = _grid_count(draw, households, "grid_size" in misses)
        committee = _committee_size(draw, households, "committee" in misses)
        facilities = _facilities(draw, "kit" in misses)
        if self.layout.province.code == "32":  # seed 001 calls the talk room 谈心室
            facilities = tuple(_JIANGSU_ROOMS.get(kind, kind) for kind in facilities)
        if self.hubei and kind is CommunityType.STREET and "kit" not in misses:
            # Seed 004: a street-type community also has a sanitation station (环卫站).
            facilities = (*facilities, FacilityType.SANITATION_STATION)
        organisations = _organisations(draw, kind)
        has_station = FacilityType.EMPLOYMENT_STATION in facilities
        return Profile(
            index=index,
            id=f"c{index + 1:06d}",
            place=place,
            lagging=lagging,
            misses=misses,
            households=households,
            type=kind,
            urban_rural=urban_rural,
            established=established,
            space_case=space_case,
            space_source=space_source,
            service_space_m2=round(space, 1),
            grids=grids,
            committee=committee,
            deputies=1 if committee <= 7 else 2,
            # Seed 002: a labour-security station with 1-2 full-time staff.
            labour_officers=(1 if draw() < 0.6 else 2) if has_station else 0,
            facilities=facilities,
            organisations=organisations,
        )


_Draw = Callable[[], float]
_T = TypeVar("_T")


def between(draw: _Draw, low: int, high: int) -> int:
    """An integer in ``low``..``high`` from one uniform draw (much cheaper than ``randint``)."""
    return low + int(draw() * (high - low + 1))


def pick(draw: _Draw, options: Sequence[_T]) -> _T:
    """One of ``options``, uniformly (cheaper than ``Random.choice``)."""
    return options[int(draw() * len(options))]


def distinct(draw: _Draw, population: int, count: int) -> list[int]:
    """``count`` distinct indices below ``population``, sorted (a partial Fisher-Yates)."""
    pool = list(range(population))
    for slot in range(count):
        other = slot + int(draw() * (population - slot))
        pool[slot], pool[other] = pool[other], pool[slot]
    return sorted(pool[:count])


def _weighted(draw: _Draw, options: Sequence[_T], cumulative: Sequence[int]) -> _T:
    """One of ``options`` with the given cumulative weights."""
    return options[bisect.bisect(cumulative, draw() * cumulative[-1])]


_STREET_TYPES: Final = (
    CommunityType.STREET,
    CommunityType.DEVELOPMENT_ESTATE,
    CommunityType.RESETTLED_VILLAGE,
)
_TOWN_TYPES: Final = (CommunityType.MARKET_TOWN, CommunityType.RESETTLED_VILLAGE)
_FRINGE: Final = UrbanRuralClass.URBAN_RURAL_FRINGE
_MAIN_URBAN: Final = UrbanRuralClass.MAIN_URBAN_AREA
_TOWN_CENTRE: Final = UrbanRuralClass.TOWN_CENTRE
_SPACE_CASE_CUMULATIVE: Final = tuple(itertools.accumulate(_SPACE_CASE_WEIGHTS))


def _grid_count(draw: _Draw, households: int, too_large: bool) -> int:
    """Grids of 200-250 households (seed 002); a lagging community has larger ones."""
    if too_large:
        return max(1, int(households // (265 + 115 * draw())))
    count = math.ceil(households / (215 + 30 * draw()))
    return max(math.ceil(households / 250), min(count, households // 200))


def _committee_size(draw: _Draw, households: int, short: bool) -> int:
    """One member per 300 households and at least 5 (seed 002); sometimes fewer."""
    required = max(5, math.ceil(households / 300))
    if short:
        return max(3, required - (1 if draw() < 0.5 else 2))
    return required + (1 if draw() < 0.2 else 0)


def _facilities(draw: _Draw, incomplete: bool) -> tuple[FacilityType, ...]:
    kit = list(KIT)
    if incomplete:
        del kit[1 + int(draw() * (len(KIT) - 1))]  # never the committee office
    extras = [kind for kind, share in _EXTRAS if draw() < share]
    return (*kit, *extras)


def _organisations(draw: _Draw, kind: CommunityType) -> tuple[tuple[OrganisationType, int], ...]:
    rows = list(_BASE_ROWS)
    estate = kind is CommunityType.DEVELOPMENT_ESTATE
    if draw() < (0.8 if estate else 0.35):
        rows.append((OrganisationType.OWNERS_COMMITTEE, -1))
    if draw() < (0.9 if estate else 0.5):
        rows.append((OrganisationType.PROPERTY_COMPANY, -1))
    if kind is CommunityType.RESETTLED_VILLAGE and draw() < 0.7:
        # The shareholding co-operative left from the village (村改居), a letter-first USCC.
        rows.append((OrganisationType.RESIDENT_UNIT, -1))
    chosen = distinct(draw, len(SOCIAL_ORGANISATIONS), between(draw, 1, 4))
    rows.extend((OrganisationType.SOCIAL_ORGANISATION, index) for index in chosen)
    return tuple(rows)


_BASE_ROWS: Final = tuple((organisation, -1) for organisation in BASE_ORGANISATIONS)
