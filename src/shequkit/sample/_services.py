"""Facilities, services, equipment, funding and designations of sample communities.

Values follow the seed documents: Hubei's facility kit and 四机 (seed 004),
Shandong's equipment list, 5:2:3 allowance split and free/low-cost/paid
services (seed 002), the national ten service functions (seed 000), Jiangsu's
15+ service items and 500-book reading rooms (seed 001).
"""

from __future__ import annotations

import bisect
import datetime
import itertools
import operator
import random
from decimal import Decimal
from typing import Final

import attrs

from shequkit.codes import (
    ChargingMode,
    CommunityType,
    DesignationKind,
    DivisionLevel,
    EquipmentType,
    FacilityType,
    FundingPurpose,
    FundingSource,
    HonourLevel,
    OrganisationType,
    ServiceCategory,
    SocialOrganisationCategory,
    SpaceSource,
    TargetGroup,
)
from shequkit.model import Designation, Equipment, Facility, Funding, Service
from shequkit.sample._names import SERVICE_ITEMS, SOCIAL_ORGANISATIONS
from shequkit.sample._profile import Profile, Sample, between, distinct, pick

__all__ = [
    "build_designations",
    "build_equipment",
    "build_facilities",
    "build_funding",
    "build_services",
]

_F = FacilityType
_S = ServiceCategory
_T = TargetGroup

# Relative size of indoor rooms; together they take most of the service space.
_INDOOR: Final = {
    _F.COMMITTEE_OFFICE: 1.0,
    _F.POLICE_ROOM: 0.4,
    _F.READING_ROOM: 0.9,
    _F.ACTIVITY_ROOM: 1.5,
    _F.MEETING_ROOM: 1.2,
    _F.SERVICE_STATION: 1.6,
    _F.EMPLOYMENT_STATION: 0.4,
    _F.CITIZENS_SCHOOL: 0.8,
    _F.ELDERLY_SCHOOL: 0.7,
    _F.PARTY_MEMBERS_CENTRE: 0.6,
    _F.TALK_ROOM: 0.3,
    _F.HEART_TO_HEART_ROOM: 0.3,
    _F.CHARITY_SUPERMARKET: 0.5,
    _F.ELDERLY_DAY_CARE: 1.5,
}


_SPACE_SOURCES: Final = tuple(SpaceSource)


def _facility_name(community: str, kind: FacilityType) -> str:
    label = kind.label_zh
    return community + (label[2:] if label.startswith("社区") else label)


def build_facilities(sample: Sample, profile: Profile) -> list[Facility]:
    """The facility kit with floor areas sharing out the service space (seed 004)."""
    rng = sample.rng(profile.index, "facility")
    share = profile.service_space_m2 * rng.uniform(0.85, 1.0)
    weights = sum(_INDOOR.get(kind, 0.0) for kind in profile.facilities)
    last_day = datetime.date(sample.year - 1, 12, 31)
    span = max(0, (last_day - profile.established).days)
    rows: list[Facility] = []
    for number, kind in enumerate(profile.facilities, 1):
        source: SpaceSource | None = profile.space_source
        floor: int | None = pick(rng.random, (1, 1, 1, 2, 2, 3))
        if kind in _INDOOR:
            area = share * _INDOOR[kind] / weights
        elif kind is _F.HEALTH_STATION:
            area = rng.uniform(80, 300)  # run by the health bureau, in its own premises
        elif kind is _F.SANITATION_STATION:
            area = rng.uniform(20, 60)  # seed 004: street-type communities, own premises
        else:
            area, source, floor = rng.uniform(150, 1200), None, None  # outdoor
        if source is not None and rng.random() < 0.15:
            source = pick(rng.random, _SPACE_SOURCES)
        books = None
        if kind is _F.READING_ROOM:
            books = (
                between(rng.random, 120, 480)
                if "books" in profile.misses
                else between(rng.random, 520, 6000)
            )
        rows.append(
            Facility(
                id=f"{profile.id}-f{number:02d}",
                community_id=profile.id,
                type=kind,
                name=_facility_name(profile.place.name, kind),
                floor_area_m2=round(area, 1),
                space_source=source,
                floor=floor,
                books=books,
                opened=profile.established + datetime.timedelta(days=between(rng.random, 0, span)),
                open_to_public=True,
            )
        )
    return rows


# -- services ------------------------------------------------------------------------

_FACILITY_FOR: Final[dict[ServiceCategory, tuple[FacilityType, ...]]] = {
    _S.CONVENIENCE: (_F.SERVICE_STATION,),
    _S.ASSISTANCE: (_F.SERVICE_STATION, _F.CHARITY_SUPERMARKET),
    _S.HEALTH_CARE: (_F.HEALTH_STATION,),
    _S.SAFETY: (_F.POLICE_ROOM,),
    _S.RESIDENT_EDUCATION: (_F.CITIZENS_SCHOOL, _F.ELDERLY_SCHOOL, _F.MEETING_ROOM),
    _S.LEGAL_EDUCATION: (_F.CITIZENS_SCHOOL, _F.MEETING_ROOM),
    _S.CULTURE: (_F.ACTIVITY_ROOM, _F.READING_ROOM),
    _S.SPORTS: (_F.OUTDOOR_FITNESS_SITE, _F.ACTIVITY_ROOM),
    _S.ENVIRONMENT: (),
    _S.OVERSIGHT: (_F.MEETING_ROOM,),
    _S.EMPLOYMENT: (_F.EMPLOYMENT_STATION, _F.SERVICE_STATION),
    _S.SOCIAL_SECURITY: (_F.EMPLOYMENT_STATION, _F.SERVICE_STATION),
    _S.FAMILY_PLANNING: (_F.HEALTH_STATION, _F.SERVICE_STATION),
    _S.ELDERLY_CARE: (_F.ELDERLY_DAY_CARE, _F.SERVICE_STATION),
    _S.MIGRANT_SERVICES: (_F.SERVICE_STATION, _F.POLICE_ROOM),
    _S.CHARITY: (_F.CHARITY_SUPERMARKET, _F.SERVICE_STATION),
    _S.SCIENCE_POPULARISATION: (_F.CITIZENS_SCHOOL, _F.READING_ROOM),
}

_GROUPS_FOR: Final[dict[ServiceCategory, tuple[TargetGroup, ...]]] = {
    _S.CONVENIENCE: (_T.ALL_RESIDENTS, _T.ELDERLY, _T.EMPTY_NEST_ELDERLY),
    _S.ASSISTANCE: (_T.SUBSISTENCE_ALLOWANCE, _T.DISABLED, _T.ENTITLED_GROUPS),
    _S.HEALTH_CARE: (_T.ELDERLY, _T.CHILDREN, _T.WOMEN, _T.DISABLED),
    _S.SAFETY: (_T.ALL_RESIDENTS, _T.RELEASED_PERSONS, _T.COMMUNITY_CORRECTION, _T.YOUTH),
    _S.RESIDENT_EDUCATION: (_T.ALL_RESIDENTS, _T.YOUTH, _T.CHILDREN, _T.ELDERLY),
    _S.LEGAL_EDUCATION: (_T.ALL_RESIDENTS, _T.YOUTH, _T.MIGRANTS),
    _S.CULTURE: (_T.ALL_RESIDENTS, _T.ELDERLY, _T.CHILDREN, _T.RETIREES),
    _S.SPORTS: (_T.ALL_RESIDENTS, _T.ELDERLY, _T.YOUTH, _T.RETIREES),
    _S.ENVIRONMENT: (_T.ALL_RESIDENTS,),
    _S.OVERSIGHT: (_T.ALL_RESIDENTS,),
    _S.EMPLOYMENT: (_T.UNEMPLOYED, _T.AGED_40_50, _T.ZERO_EMPLOYMENT_FAMILY, _T.DISABLED),
    _S.SOCIAL_SECURITY: (_T.RETIREES, _T.UNEMPLOYED, _T.ALL_RESIDENTS),
    _S.FAMILY_PLANNING: (_T.WOMEN, _T.MIGRANTS),
    _S.ELDERLY_CARE: (_T.ELDERLY, _T.EMPTY_NEST_ELDERLY, _T.DISABLED),
    _S.MIGRANT_SERVICES: (_T.MIGRANTS,),
    _S.CHARITY: (_T.SUBSISTENCE_ALLOWANCE, _T.DISABLED, _T.EMPTY_NEST_ELDERLY, _T.CHILDREN),
    _S.SCIENCE_POPULARISATION: (_T.ALL_RESIDENTS, _T.YOUTH, _T.CHILDREN),
}

# Free / low-cost / paid weights (seed 002: 无偿、低偿和有偿相结合).
_CHARGING: Final = (ChargingMode.FREE, ChargingMode.LOW_COST, ChargingMode.PAID)
_CHARGING_WEIGHTS: Final[dict[ServiceCategory, tuple[int, int, int]]] = {
    _S.CONVENIENCE: (40, 40, 20),
    _S.ELDERLY_CARE: (50, 45, 5),
    _S.HEALTH_CARE: (80, 20, 0),
    _S.SPORTS: (85, 15, 0),
}
_MOSTLY_FREE: Final = (92, 8, 0)

# Which organisation provides a service of a category (residents' committee otherwise).
_PROVIDER_FOR: Final[dict[ServiceCategory, OrganisationType | SocialOrganisationCategory]] = {
    _S.SAFETY: OrganisationType.PUBLIC_SECURITY_COMMITTEE,
    _S.LEGAL_EDUCATION: OrganisationType.MEDIATION_COMMITTEE,
    _S.OVERSIGHT: OrganisationType.CONSULTATION_COMMITTEE,
    _S.ENVIRONMENT: OrganisationType.PROPERTY_COMPANY,
    _S.CULTURE: SocialOrganisationCategory.CULTURE_SPORTS,
    _S.SPORTS: SocialOrganisationCategory.CULTURE_SPORTS,
    _S.CHARITY: SocialOrganisationCategory.CHARITY,
    _S.ELDERLY_CARE: SocialOrganisationCategory.LIFE_SERVICE,
    _S.SCIENCE_POPULARISATION: SocialOrganisationCategory.SCIENCE,
}

_CATEGORIES: Final = tuple(ServiceCategory)
_NATIONAL: Final = tuple(
    position for position, category in enumerate(_CATEGORIES) if category.is_national_function
)
_SHANDONG: Final = tuple(
    _CATEGORIES.index(category)
    for category in (_S.EMPLOYMENT, _S.SOCIAL_SECURITY, _S.ELDERLY_CARE, _S.MIGRANT_SERVICES)
)
"""Service types seed 002 (part six) asks every Shandong community to offer."""
_GROUP_ORDER: Final = {group: position for position, group in enumerate(TargetGroup)}


@attrs.frozen
class _Function:
    """What the generator needs about one service category, looked up by position."""

    category: ServiceCategory
    items: tuple[str, ...]
    charging: tuple[int, ...]  # cumulative weights of free, low-cost, paid
    groups: tuple[TargetGroup, ...]  # in enum order
    facilities: tuple[FacilityType, ...]
    provider: OrganisationType | SocialOrganisationCategory | None


_FUNCTIONS: Final = tuple(
    _Function(
        category,
        SERVICE_ITEMS[category],
        tuple(itertools.accumulate(_CHARGING_WEIGHTS.get(category, _MOSTLY_FREE))),
        tuple(sorted(_GROUPS_FOR[category], key=_GROUP_ORDER.__getitem__)),
        _FACILITY_FOR[category],
        _PROVIDER_FOR.get(category),
    )
    for category in _CATEGORIES
)


def _provider(
    profile: Profile, wanted: OrganisationType | SocialOrganisationCategory | None
) -> str | None:
    if isinstance(wanted, OrganisationType):
        found = profile.organisation_id(wanted)
        if found is not None:
            return found
    elif wanted is not None:
        for number, (kind, variant) in enumerate(profile.organisations, 1):
            if kind is _SOCIAL and SOCIAL_ORGANISATIONS[variant][1] is wanted:
                return f"{profile.id}-o{number:02d}"
    return profile.organisation_id(OrganisationType.RESIDENTS_COMMITTEE)


_SOCIAL: Final = OrganisationType.SOCIAL_ORGANISATION


def build_services(sample: Sample, profile: Profile) -> list[Service]:
    """15-22 service items (seed 001) over most of the ten national functions (seed 000)."""
    rng = sample.rng(profile.index, "service")
    draw = rng.random
    count = (
        between(rng.random, 11, 14) if "services" in profile.misses else between(rng.random, 15, 22)
    )
    national = list(_NATIONAL)
    rng.shuffle(national)
    del national[len(national) - pick(rng.random, (0, 0, 1, 1, 2)) :]
    if sample.layout.province.code == "37":
        national.extend(_SHANDONG)  # picked first: seed 002's own service types
    chosen: list[tuple[int, str]] = []
    used: set[str] = set()
    while len(chosen) < count:
        position = national.pop() if national else int(draw() * len(_CATEGORIES))
        names = [name for name in _FUNCTIONS[position].items if name not in used]
        if names:
            name = names[int(draw() * len(names))]
            used.add(name)
            chosen.append((position, name))
    chosen.sort(key=operator.itemgetter(0))
    scale = profile.households / 3000
    rows: list[Service] = []
    for number, (position, name) in enumerate(chosen, 1):
        function = _FUNCTIONS[position]
        cumulative = function.charging
        charging = _CHARGING[bisect.bisect(cumulative, draw() * cumulative[-1])]
        pool = function.groups
        picked = distinct(draw, len(pool), between(draw, 1, min(3, len(pool))))
        facility = None
        for kind in function.facilities:
            facility = profile.facility_id(kind)
            if facility is not None:
                break
        rows.append(
            Service(
                id=f"{profile.id}-s{number:02d}",
                community_id=profile.id,
                category=function.category,
                name=name,
                charging=charging,
                provider_id=_provider(profile, function.provider),
                facility_id=facility,
                target_groups=tuple(pool[index] for index in picked),
                beneficiaries_per_year=int((60 + int(draw() * 2941)) * scale),
            )
        )
    return rows


# -- equipment ----------------------------------------------------------------------

_E = EquipmentType
# type, quantity range, where it stands, share of communities that have it
_EQUIPMENT: Final = (
    (_E.COMPUTER, 2, 12, _F.COMMITTEE_OFFICE, 1.0),
    (_E.PRINTER, 1, 4, _F.COMMITTEE_OFFICE, 1.0),
    (_E.TELEVISION, 1, 3, _F.ACTIVITY_ROOM, 1.0),
    (_E.DVD_PLAYER, 1, 2, _F.ACTIVITY_ROOM, 1.0),
    (_E.FAX, 1, 1, _F.COMMITTEE_OFFICE, 0.6),
    (_E.SCANNER, 1, 2, _F.SERVICE_STATION, 0.5),
    (_E.DISC_BURNER, 1, 1, _F.COMMITTEE_OFFICE, 0.2),
    (_E.DIGITAL_CAMERA, 1, 2, _F.COMMITTEE_OFFICE, 0.7),
    (_E.PROJECTOR, 1, 2, _F.MEETING_ROOM, 0.6),
    (_E.ELECTRIC_BICYCLE, 1, 4, None, 0.5),
    (_E.FITNESS_EQUIPMENT, 8, 30, _F.OUTDOOR_FITNESS_SITE, 1.0),
)
_FOUR_MACHINES: Final = (_E.TELEVISION, _E.DVD_PLAYER, _E.COMPUTER, _E.PRINTER)


def build_equipment(sample: Sample, profile: Profile) -> list[Equipment]:
    """Hubei's 四机 (seed 004) and Shandong's office list (seed 002, nearly all in Shandong)."""
    rng = sample.rng(profile.index, "equipment")
    shandong = sample.layout.province.code == "37"
    missing = pick(rng.random, _FOUR_MACHINES[:2] + _FOUR_MACHINES[3:])
    rows: list[Equipment] = []
    for kind, low, high, where, share in _EQUIPMENT:
        if shandong and share < 1.0:
            share = 0.9
        present = rng.random() < share
        facility = profile.facility_id(where) if where is not None else None
        if kind is _E.FITNESS_EQUIPMENT and facility is None:
            continue
        if not present or ("four_machines" in profile.misses and kind is missing):
            continue
        rows.append(
            Equipment(
                id=f"{profile.id}-e{len(rows) + 1:02d}",
                community_id=profile.id,
                type=kind,
                quantity=between(rng.random, low, high),
                facility_id=facility,
            )
        )
    street = profile.type is CommunityType.STREET
    if sample.hubei and street and "four_machines" not in profile.misses:
        # Seed 004: a street-type community has a community-service computer network.
        rows.append(
            Equipment(
                id=f"{profile.id}-e{len(rows) + 1:02d}",
                community_id=profile.id,
                type=_E.INFORMATION_NETWORK,
                quantity=1,
                facility_id=profile.facility_id(_F.SERVICE_STATION),
            )
        )
    return rows


# -- funding ---------------------------------------------------------------------------


def _yuan(amount: float) -> Decimal:
    return Decimal(f"{amount:.2f}")


def build_funding(sample: Sample, profile: Profile) -> list[Funding]:
    """The year's funding lines (seeds 002, 004): operating funds, living allowances split
    5:2:3 between city, county and street, 费随事转 and a few other sources."""
    rng = sample.rng(profile.index, "funding")
    lines: list[tuple[FundingSource, FundingPurpose, Decimal, DivisionLevel | None]] = []
    per_thousand = between(rng.random, 8, 20) * 1000  # yuan per 1,000 households a year
    operating = round(profile.households / 1000 * per_thousand, -2)
    lines.append((FundingSource.FISCAL, FundingPurpose.OPERATING, _yuan(operating), _COUNTY))
    allowance = profile.committee * between(rng.random, 30, 60) * 1000
    for level, part in ((_CITY, 5), (_COUNTY, 2), (_TOWNSHIP, 3)):
        amount = _yuan(allowance * part / 10)
        lines.append((FundingSource.FISCAL, FundingPurpose.LIVING_ALLOWANCE, amount, level))
    fee = _yuan(between(rng.random, 30, 300) * 100)
    lines.append((FundingSource.FEE_FOLLOWS_TASK, FundingPurpose.OPERATING, fee, _COUNTY))
    if rng.random() < 0.5:
        insurance = _yuan(profile.committee * between(rng.random, 60, 120) * 100)
        lines.append((FundingSource.FISCAL, FundingPurpose.SOCIAL_INSURANCE, insurance, _COUNTY))
    if rng.random() < 0.4:
        income = _yuan(rng.uniform(2000, 40000))
        lines.append(
            (FundingSource.SERVICE_INCOME, FundingPurpose.SERVICE_DEVELOPMENT, income, None)
        )
    if rng.random() < 0.25:
        award = _yuan(between(rng.random, 2, 10) * 5000)
        lines.append(
            (FundingSource.AWARD_SUBSIDY, FundingPurpose.SERVICE_DEVELOPMENT, award, _CITY)
        )
    if rng.random() < 0.3:
        support = _yuan(between(rng.random, 10, 200) * 100)
        lines.append((FundingSource.RESIDENT_UNITS, FundingPurpose.OTHER, support, None))
    if rng.random() < 0.2:
        gift = _yuan(rng.uniform(500, 20000))
        lines.append((FundingSource.DONATION, FundingPurpose.OTHER, gift, None))
    return [
        Funding(
            id=f"{profile.id}-m{number:02d}",
            community_id=profile.id,
            year=sample.year,
            source=source,
            purpose=purpose,
            amount_yuan=amount,
            payer_level=level,
        )
        for number, (source, purpose, amount, level) in enumerate(lines, 1)
    ]


_CITY: Final = DivisionLevel.CITY
_COUNTY: Final = DivisionLevel.COUNTY
_TOWNSHIP: Final = DivisionLevel.TOWNSHIP

# -- designations ------------------------------------------------------------------------

_D = DesignationKind
_H = HonourLevel
# Titles the seeds name, per province; (kind, levels to pick from, grades or ()).
_DESIGNATIONS: Final[dict[str, tuple[tuple[DesignationKind, tuple[HonourLevel, ...]], ...]]] = {
    "32": (
        (_D.HARMONIOUS_DEMONSTRATION, (_H.PROVINCIAL, _H.CITY)),
        (_D.GREEN_LIVING, (_H.PROVINCIAL, _H.CITY)),
        (_D.DEMOCRACY_RULE_OF_LAW, (_H.CITY, _H.COUNTY)),
        (_D.FULL_EMPLOYMENT, (_H.CITY,)),
        (_D.CIVILISED, (_H.CITY, _H.COUNTY)),
    ),
    "37": (
        (_D.DEMONSTRATION, (_H.PROVINCIAL, _H.PROVINCIAL, _H.NATIONAL)),
        (_D.FULL_EMPLOYMENT, (_H.CITY,)),
        (_D.SCIENCE_DEMONSTRATION, (_H.CITY, _H.PROVINCIAL)),
        (_D.STAR_RATED, (_H.CITY,)),
        (_D.CIVILISED, (_H.CITY,)),
    ),
    "42": (  # and the graded / 883 standards, see _hubei_standards
        (_D.CIVILISED, (_H.CITY, _H.CITY, _H.PROVINCIAL)),
        (_D.SAFE, (_H.COUNTY, _H.CITY)),
    ),
}
_DEFAULT_DESIGNATIONS: Final = (
    (_D.CIVILISED, (_H.CITY, _H.PROVINCIAL)),
    (_D.SAFE, (_H.COUNTY, _H.CITY)),
    (_D.HARMONIOUS_DEMONSTRATION, (_H.CITY, _H.PROVINCIAL)),
    (_D.DEMONSTRATION, (_H.PROVINCIAL, _H.NATIONAL)),
    (_D.SCIENCE_DEMONSTRATION, (_H.CITY,)),
)
_GRADES: Final = {
    _D.STAR_RATED: ("三星级", "四星级", "五星级"),
}


def build_designations(sample: Sample, profile: Profile) -> list[Designation]:
    """Titles won in recent years; lagging communities rarely hold any.

    In Hubei the graded-community standard and Wuhan's 883 plan are drawn at the
    shares seed 004 reports (over 90% graded, most of them 市一级; the street-type
    communities of the district seat reaching 883), the other titles as elsewhere.
    """
    rng = sample.rng(profile.index, "designation")
    province = sample.layout.province.code
    table = _DESIGNATIONS.get(province, _DEFAULT_DESIGNATIONS)
    weights = (75, 25, 0, 0) if profile.lagging else (35, 35, 20, 10)
    count = rng.choices((0, 1, 2, 3), weights=weights)[0]
    picked = distinct(rng.random, len(table), min(count, len(table)))
    first_year = max(profile.established.year + 1, sample.year - 6)
    rows: list[Designation] = []
    for number, row in enumerate(picked, 1):
        kind, levels = table[row]
        grades = _GRADES.get(kind)
        rows.append(
            Designation(
                id=f"{profile.id}-d{number:02d}",
                community_id=profile.id,
                category=kind,
                level=pick(rng.random, levels),
                year=between(rng.random, min(first_year, sample.year), sample.year),
                grade=pick(rng.random, grades) if grades else None,
            )
        )
    if sample.hubei:
        for kind, grade in _hubei_standards(rng, profile):
            rows.append(
                Designation(
                    id=f"{profile.id}-d{len(rows) + 1:02d}",
                    community_id=profile.id,
                    category=kind,
                    level=_H.CITY,
                    year=between(rng.random, min(first_year, sample.year), sample.year),
                    grade=grade,
                )
            )
    return rows


# (graded, 市一级 among the graded, 883 for a street-type community), by lagging or not.
_HUBEI_SHARES: Final = {False: (0.95, 0.9, 0.8), True: (0.6, 0.4, 0.3)}


def _hubei_standards(
    rng: random.Random, profile: Profile
) -> list[tuple[DesignationKind, str | None]]:
    """The graded-community title (with its grade) and Wuhan's 883 standard (seed 004)."""
    graded, first, plan = _HUBEI_SHARES[profile.lagging]
    titles: list[tuple[DesignationKind, str | None]] = []
    if rng.random() < graded:
        grade = "一级" if rng.random() < first else pick(rng.random, ("二级", "三级"))
        titles.append((_D.GRADED, grade))
    if profile.type is not CommunityType.STREET:
        plan = 0.1
    if profile.place.city_code == "4201" and rng.random() < plan:  # 883 is Wuhan's plan
        titles.append((_D.ACTION_PLAN_883, None))
    return titles
