"""Record builders of the sample generator: divisions, communities, grids, organisations.

(Staff and volunteer teams are built in :mod:`._people`, the rest in
:mod:`._services`.) Every builder takes the run's :class:`~._profile.Sample` and one community's
:class:`~._profile.Profile` and returns that community's records of its kind,
drawing details from the community's per-kind generator. Ids follow one scheme:
``c000001`` for the community, then ``-g01`` grids, ``-o01`` organisations,
``-f01`` facilities, ``-s01`` services, ``-p01`` staff, ``-v01`` volunteer
teams, ``-e01`` equipment, ``-m01`` funding lines and ``-d01`` designations.

Official codes are built to be valid *and* unique across a whole sample:
resident ID numbers and phone numbers come from permutations of a key made of
the community's place and the person's number, USCCs from the community index.
"""

from __future__ import annotations

import datetime
import random
from typing import Any, Final

from shequkit.codes import (
    USCC,
    DivisionCode,
    DivisionLevel,
    EvaluationClass,
    OrganisationType,
    PartyOrganisationForm,
    uscc_check_char,
)
from shequkit.model import (
    Community,
    Division,
    Grid,
    Organisation,
)
from shequkit.sample._layout import Place, place_name
from shequkit.sample._names import (
    ESTATE_SUFFIXES,
    PROPERTY_SUFFIXES,
    ROAD_SUFFIXES,
    SOCIAL_ORGANISATIONS,
    chinese_number,
)
from shequkit.sample._profile import Profile, Sample, between, pick

__all__ = ["build_community", "build_grids", "build_organisations", "community_divisions"]

_USCC_ALPHABET: Final = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_GB11714_WEIGHTS: Final = (3, 7, 9, 10, 5, 8, 4, 2)
_ORGANISATION_SLOTS: Final = 16  # more than the organisations one community can have


# -- divisions ---------------------------------------------------------------------


def community_divisions(sample: Sample, profile: Profile, previous: Place | None) -> list[Division]:
    """The divisions to emit before community ``profile``: new ancestors, then its own row.

    Communities come in code order, so an ancestor is new exactly when it differs
    from the previous community's (``previous`` is ``None`` for the first one).
    """
    place = profile.place
    rows: list[Division] = []
    province = sample.layout.province
    province_code = DivisionCode.from_prefix(province.code)
    city_code = DivisionCode.from_prefix(place.city_code)
    county_code = DivisionCode.from_prefix(place.county_code)
    township_code = DivisionCode.from_prefix(place.township_code)
    if previous is None:
        rows.append(Division(code=province_code, name=province.name, level=DivisionLevel.PROVINCE))
    if previous is None or previous.city_index != place.city_index:
        rows.append(
            Division(
                code=city_code,
                name=place.city_name,
                level=DivisionLevel.CITY,
                parent_code=province_code,
            )
        )
    if previous is None or previous.county_index != place.county_index:
        rows.append(
            Division(
                code=county_code,
                name=place.county_name,
                level=DivisionLevel.COUNTY,
                parent_code=city_code,
            )
        )
    if previous is None or previous.township_index != place.township_index:
        rows.append(
            Division(
                code=township_code,
                name=place.township_name,
                level=DivisionLevel.TOWNSHIP,
                parent_code=county_code,
            )
        )
    rows.append(
        Division(
            code=DivisionCode(place.code),
            name=f"{place.name}居民委员会",
            level=DivisionLevel.VILLAGE,
            parent_code=township_code,
            urban_rural_class=profile.urban_rural,
        )
    )
    return rows


# -- communities ----------------------------------------------------------------------


def _pct(
    rng: random.Random, passing: bool, good: tuple[float, float], bad: tuple[float, float]
) -> float:
    """A percentage on the right side of a threshold; rounding keeps it there."""
    low, high = good if passing else bad
    return round(rng.uniform(low, high), 1)


def build_community(sample: Sample, profile: Profile) -> list[Community]:
    """The community record with the seeds' indicators (misses per the profile)."""
    rng = sample.rng(profile.index, "community")
    place = profile.place
    misses = profile.misses
    province = sample.layout.province
    population = int(profile.households * rng.uniform(2.6, 3.2))
    centre_lon, centre_lat = sample.layout.centre(place)
    city = "" if province.municipality else place.city_name
    road = place_name(rng.getrandbits(32), 0) + pick(rng.random, ROAD_SUFFIXES)
    base = rng.gauss(78.0 if profile.lagging else 90.0, 4.0)
    scores = [
        _score(base + rng.uniform(0.0, 4.0)),
        _score(base + rng.uniform(-3.0, 2.0)),
        _score(base + rng.uniform(-3.0, 3.0)),
        _score(base + rng.uniform(-4.0, 3.0)),
    ]
    evaluation_class, level = _evaluation(sum(scores[1:]) / 3)
    return [
        Community(
            id=profile.id,
            division_code=DivisionCode(place.code),
            name=place.name,
            type=profile.type,
            urban_rural_class=profile.urban_rural,
            households=profile.households,
            population=population,
            migrant_population=int(population * rng.uniform(0.03, 0.3)),
            area_km2=round(rng.uniform(0.3, 2.5) if place.street else rng.uniform(0.8, 6.0), 2),
            address=(
                f"{province.name}{city}{place.county_name}{place.township_name}"
                f"{road}{between(rng.random, 1, 399)}号"
            ),
            longitude=round(centre_lon + rng.uniform(-0.015, 0.015), 6),
            latitude=round(centre_lat + rng.uniform(-0.015, 0.015), 6),
            established=profile.established,
            service_space_m2=profile.service_space_m2,
            space_case=profile.space_case,
            green_coverage_pct=_pct(rng, "green" not in misses, (35.0, 48.0), (22.0, 34.8)),
            satisfaction_pct=_pct(rng, "satisfaction" not in misses, (85.0, 99.5), (70.0, 84.8)),
            mediation_rate_pct=_pct(
                rng, "mediation_rate" not in misses, (98.0, 100.0), (90.0, 97.8)
            ),
            mediation_success_pct=_pct(
                rng, "mediation_success" not in misses, (90.0, 99.5), (78.0, 89.8)
            ),
            cultural_activities_per_year=(
                between(rng.random, 4, 9)
                if "cultural_activities" in misses
                else between(rng.random, 10, 36)
            ),
            open_affairs="open_affairs" not in misses,
            grid_management=True,
            one_stop_service=rng.random() < 0.85,
            direct_election=rng.random() < 0.3,
            evaluation_class=evaluation_class,
            evaluation_level=level,
            self_score=scores[0],
            assessment_score=scores[1],
            peer_score=scores[2],
            representatives_score=scores[3],
            regulations_posted=_regulations(rng, sample, "open_affairs" in misses),
            work_failure_petitions=_petitions(rng, sample, 0.06 if profile.lagging else 0.01),
            repeated_petitions=_petitions(rng, sample, 0.04 if profile.lagging else 0.005),
            mass_petitions=_petitions(rng, sample, 0.01 if profile.lagging else 0.0),
        )
    ]


def _regulations(rng: random.Random, sample: Sample, missed: bool) -> int | None:
    """Huangpi's 24 duty regulations on the wall (seed 004); a few are missing where
    affairs are not open. Hubei only."""
    if not sample.hubei:
        return None
    return between(rng.random, 16, 23) if missed else 24


def _petitions(rng: random.Random, sample: Sample, share: float) -> int | None:
    """A petition count of the year (seed 001 allows none): one in a few communities,
    mostly lagging ones. Jiangsu only."""
    if sample.layout.province.code != "32":
        return None
    return 1 if rng.random() < share else 0


def _score(value: float) -> float:
    return round(min(99.5, max(50.0, value)), 1)


def _evaluation(average: float) -> tuple[EvaluationClass, int]:
    """Jiangsu's classes A/B/C with three levels each (seed 001); level 1 is the best."""
    if average >= 88:
        return EvaluationClass.A, 1 if average >= 94 else 2 if average >= 91 else 3
    if average >= 78:
        return EvaluationClass.B, 1 if average >= 85 else 2 if average >= 81.5 else 3
    return EvaluationClass.C, 1 if average >= 74 else 2 if average >= 70 else 3


# -- grids ------------------------------------------------------------------------------


def build_grids(sample: Sample, profile: Profile) -> list[Grid]:
    """Grids whose households add up exactly to the community's."""
    rng = sample.rng(profile.index, "grid")
    count = profile.grids
    base, extra = divmod(profile.households, count)
    sizes = [base + (1 if number < extra else 0) for number in range(count)]
    if "grid_size" in profile.misses:
        low, high, step = 1, profile.households, 30
    else:
        low, high, step = 200, 250, 12  # keep every grid within seed 002's 200-250
    for number in range(count - 1):
        first, second = sizes[number], sizes[number + 1]
        least = max(first - high, low - second, -step)
        most = min(first - low, high - second, step)
        if least <= most:
            moved = between(rng.random, least, most)
            sizes[number], sizes[number + 1] = first - moved, second + moved
    return [
        Grid(
            id=f"{profile.id}-g{number:02d}",
            community_id=profile.id,
            name=f"第{chinese_number(number)}网格",
            households=households,
            buildings=max(1, round(households / rng.uniform(30, 90))),
            worker_staff_id=profile.grid_worker_id(number),
        )
        for number, households in enumerate(sizes, 1)
    ]


# -- organisations -------------------------------------------------------------------------


def _gb11714_check(code8: str) -> str:
    """The check character of an organisation code (组织机构代码, GB 11714)."""
    total = sum(
        (int(char) if char.isdigit() else ord(char) - 55) * weight
        for char, weight in zip(code8, _GB11714_WEIGHTS, strict=True)
    )
    value = 11 - total % 11
    return "X" if value == 10 else "0" if value == 11 else str(value)


def _uscc(sample: Sample, profile: Profile, prefix: str, slot: int, series: str) -> USCC:
    """A valid USCC unique in the sample: ``prefix`` (department + type), the county code,
    an organisation code ``series`` + 6 characters from the community index and ``slot``."""
    key = (profile.index * _ORGANISATION_SLOTS + slot) * 1_000_003 + sample.key
    digits = []
    value = key % 31**6
    for _ in range(6):
        value, rest = divmod(value, 31)
        digits.append(_USCC_ALPHABET[rest])
    code8 = series + "".join(digits)
    first17 = prefix + profile.place.county_code + code8 + _gb11714_check(code8)
    return USCC(first17 + uscc_check_char(first17))


def build_organisations(sample: Sample, profile: Profile) -> list[Organisation]:
    """The party organisation, residents' committee and its bodies, owners' bodies,
    the property company and social organisations (seeds 000, 002, 003)."""
    rng = sample.rng(profile.index, "organisation")
    rows: list[Organisation] = []
    for number, (kind, variant) in enumerate(profile.organisations, 1):
        fields = _organisation_fields(sample, profile, rng, number, kind, variant)
        rows.append(
            Organisation(
                id=f"{profile.id}-o{number:02d}", community_id=profile.id, type=kind, **fields
            )
        )
    return rows


def _organisation_fields(
    sample: Sample,
    profile: Profile,
    rng: random.Random,
    number: int,
    kind: OrganisationType,
    variant: int,
) -> dict[str, Any]:
    """The fields of organisation ``number`` other than its id, community and type."""
    name = profile.place.name
    later = profile.established + datetime.timedelta(days=between(rng.random, 0, 1500))
    if kind is OrganisationType.PARTY_ORGANISATION:
        big = profile.households >= 3500
        form = rng.choices(_PARTY_FORMS, weights=(40, 60, 0) if big else (0, 70, 30))[0]
        return {
            "name": f"{name}{form.label_zh}",
            "party_form": form,
            "members": int(profile.households * rng.uniform(0.02, 0.06)),
            "established": profile.established,
        }
    if kind is OrganisationType.RESIDENTS_COMMITTEE:
        return {
            "name": f"{name}居民委员会",
            "members": profile.committee,
            "established": profile.established,
        }
    if kind in _BODIES:
        label, under_committee, low, high = _BODIES[kind]
        parent = OrganisationType.RESIDENTS_COMMITTEE
        return {
            "name": f"{name}{label}",
            "parent_id": profile.organisation_id(parent) if under_committee else None,
            "members": between(rng.random, low, high),
            "established": profile.established,
        }
    if kind is OrganisationType.OWNERS_COMMITTEE:
        estate = place_name(rng.getrandbits(32), 1) + pick(rng.random, ESTATE_SUFFIXES)
        return {
            "name": f"{estate}业主委员会",
            "members": pick(rng.random, (5, 7, 9)),
            "established": later,
            "registered": False,
        }
    if kind is OrganisationType.PROPERTY_COMPANY:
        city = profile.place.city_name.removesuffix("市")
        if city == "市辖区":
            city = sample.layout.province.name.removesuffix("市")
        company = place_name(rng.getrandbits(32), 2)
        return {
            "name": f"{city}{company}{pick(rng.random, PROPERTY_SUFFIXES)}",
            # Market regulation (9), company (1).
            "uscc": _uscc(sample, profile, "91", number, "MA"),
            "established": later,
            "registered": True,
        }
    if kind is OrganisationType.RESIDENT_UNIT:
        return {
            "name": f"{name}股份经济合作社",
            # A letter-first code: agriculture and rural affairs department (N).
            "uscc": _uscc(sample, profile, "N2", number, "MF"),
            "members": between(rng.random, 200, 2000),
            "established": later,
            "registered": True,
        }
    suffix, category, org_type = SOCIAL_ORGANISATIONS[variant]
    registered = rng.random() < 0.75  # the others are only filed (备案) with the street
    return {
        "name": f"{name}{suffix}",
        # Civil affairs (5), social organisation type 1/2/9.
        "uscc": _uscc(sample, profile, "5" + org_type, number, "MJ") if registered else None,
        "social_category": category,
        "members": between(rng.random, 10, 200),
        "established": later,
        "registered": registered,
    }


_PARTY_FORMS: Final = (
    PartyOrganisationForm.COMMITTEE,
    PartyOrganisationForm.GENERAL_BRANCH,
    PartyOrganisationForm.BRANCH,
)

# label, under the residents' committee?, member range
_BODIES: Final = {
    OrganisationType.MEMBERS_ASSEMBLY: ("成员代表大会", False, 30, 90),
    OrganisationType.CONSULTATION_COMMITTEE: ("协商议事委员会", False, 7, 15),
    OrganisationType.MEDIATION_COMMITTEE: ("人民调解委员会", True, 3, 7),
    OrganisationType.PUBLIC_SECURITY_COMMITTEE: ("治安保卫委员会", True, 3, 9),
}
