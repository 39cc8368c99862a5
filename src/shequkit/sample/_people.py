"""People in the sample: community workers (社区工作者) and volunteer team leaders.

Names are drawn from weighted common surnames (a few compound ones such as
欧阳) and gendered given-name characters. Resident ID numbers are valid and
unique across a sample: the address code is the county's, and the birth date
and sequence come from a permutation of a key made of the community's place in
the county and the person's number, so no two people share both. Mobile numbers
are unique the same way, keyed on the community index.
"""

from __future__ import annotations

import bisect
import datetime
import itertools
import random
from typing import Final

import attrs

from shequkit.codes import (
    FacilityType,
    Gender,
    OrganisationType,
    PersonName,
    PhoneNumber,
    ResidentID,
    StaffRole,
    VolunteerCategory,
    resident_id_check_char,
)
from shequkit.model import Staff, VolunteerTeam
from shequkit.sample._layout import MAX_COMMUNITIES, MAX_TOWNSHIPS, mix
from shequkit.sample._names import (
    COMPOUND_SURNAMES,
    FEMALE_GIVEN,
    MALE_GIVEN,
    NEUTRAL_GIVEN,
    SURNAME_WEIGHTS,
    SURNAMES,
)
from shequkit.sample._profile import Profile, Sample, between, distinct

__all__ = ["build_staff", "build_volunteer_teams", "person_name"]

# fmt: off
_MOBILE_PREFIXES: Final = (
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153",
    "155", "156", "157", "158", "159", "166", "173", "177", "180", "181", "182", "183", "185",
    "186", "187", "188", "189", "199",
)
# fmt: on
_SURNAME_CUMULATIVE: Final = tuple(itertools.accumulate(SURNAME_WEIGHTS))
_SURNAME_TOTAL: Final = _SURNAME_CUMULATIVE[-1]
_PERSON_SLOTS: Final = 64  # staff numbers per community in the ID and phone keys
_VILLAGE_SLOTS: Final = 16
_BIRTH_EPOCH: Final = datetime.date(1960, 1, 1).toordinal()
_BIRTH_WINDOW_DAYS: Final = 75
_ID_MODULUS: Final = 19_200  # 192 birth windows (1960-01 to 1999-06) x 100 sequence prefixes
_ID_MULTIPLIER: Final = 7_919  # prime, coprime with the modulus
_PHONE_MODULUS: Final = 10**8
_PHONE_MULTIPLIER: Final = 48_271  # coprime with 10

# The key must fit the modulus or two people could share a number.
assert MAX_TOWNSHIPS * _VILLAGE_SLOTS * _PERSON_SLOTS <= _ID_MODULUS
assert MAX_COMMUNITIES <= _VILLAGE_SLOTS


def person_name(rng: random.Random, gender: Gender) -> PersonName:
    """A plausible Chinese name for a person of ``gender``."""
    draw = rng.random
    if draw() < 0.015:
        surname = COMPOUND_SURNAMES[int(draw() * len(COMPOUND_SURNAMES))]
    else:
        surname = SURNAMES[bisect.bisect(_SURNAME_CUMULATIVE, draw() * _SURNAME_TOTAL)]
    gendered = MALE_GIVEN if gender is Gender.MALE else FEMALE_GIVEN
    given = gendered[int(draw() * len(gendered))]
    if draw() >= 0.35:  # two-character given names are the more common
        first = NEUTRAL_GIVEN if draw() < 0.4 else gendered
        given = first[int(draw() * len(first))] + given
    return PersonName(surname + given)


class _Identities:
    """Resident ID and mobile numbers for the staff of one community, unique in the sample.

    ID numbers: the county's address code, then a birth date and sequence from a
    permutation of (township position, village number, staff number) — distinct
    keys land in distinct 75-day birth windows or distinct sequence prefixes.
    Phones: a permutation of (community index, staff number) over 8 digits.
    """

    def __init__(self, sample: Sample, profile: Profile) -> None:
        place = profile.place
        self._county = place.county_code
        self._id_base = (place.township_position * _VILLAGE_SLOTS + place.village - 1) * (
            _PERSON_SLOTS
        )
        self._id_offset = mix(sample.key, 12, place.county_index) % _ID_MODULUS
        self._phone_base = profile.index * _PERSON_SLOTS
        self._phone_offset = sample.key % _PHONE_MODULUS

    def resident_id(self, number: int, gender: Gender, rng: random.Random) -> ResidentID:
        """A valid ID number for staff ``number`` (0-based) of ``gender``."""
        permuted = ((self._id_base + number) * _ID_MULTIPLIER + self._id_offset) % _ID_MODULUS
        window, sequence = divmod(permuted, 100)
        days = window * _BIRTH_WINDOW_DAYS + int(rng.random() * _BIRTH_WINDOW_DAYS)
        born = datetime.date.fromordinal(_BIRTH_EPOCH + days)
        parities = "13579" if gender is Gender.MALE else "02468"
        body = (
            f"{self._county}{born.year}{born.month:02d}{born.day:02d}"
            f"{sequence:02d}{parities[int(rng.random() * 5)]}"
        )
        return ResidentID(body + resident_id_check_char(body))

    def phone(self, number: int, rng: random.Random) -> PhoneNumber:
        """A mobile number for staff ``number``."""
        key = self._phone_base + number
        subscriber = (key * _PHONE_MULTIPLIER + self._phone_offset) % _PHONE_MODULUS
        prefix = _MOBILE_PREFIXES[int(rng.random() * len(_MOBILE_PREFIXES))]
        return PhoneNumber(f"{prefix}{subscriber:08d}")


@attrs.frozen
class _Role:
    role: StaffRole
    female_share: float  # community committees are mostly staffed by women
    committee: bool
    elected: bool


_SECRETARY: Final = _Role(StaffRole.PARTY_SECRETARY, 0.45, False, True)
_DIRECTOR: Final = _Role(StaffRole.COMMITTEE_DIRECTOR, 0.55, True, True)
_DEPUTY: Final = _Role(StaffRole.COMMITTEE_DEPUTY_DIRECTOR, 0.6, True, True)
_MEMBER: Final = _Role(StaffRole.COMMITTEE_MEMBER, 0.65, True, True)
_GRID_WORKER: Final = _Role(StaffRole.GRID_WORKER, 0.55, False, False)
_LABOUR_OFFICER: Final = _Role(StaffRole.LABOUR_SECURITY_OFFICER, 0.6, False, False)


def _roles(profile: Profile) -> list[_Role]:
    """Staff roles in id order: secretary, committee, grid workers, labour officers."""
    members = profile.committee - 1 - profile.deputies
    return [
        _SECRETARY,
        _DIRECTOR,
        *[_DEPUTY] * profile.deputies,
        *[_MEMBER] * members,
        *[_GRID_WORKER] * profile.grids,
        *[_LABOUR_OFFICER] * profile.labour_officers,
    ]


def build_staff(sample: Sample, profile: Profile) -> list[Staff]:
    """Secretary, committee (seed 002's 1 per 300 households, at least 5), one worker per grid
    and 1-2 labour-security officers at the employment station (seed 002)."""
    rng = sample.rng(profile.index, "staff")
    party_id = profile.organisation_id(OrganisationType.PARTY_ORGANISATION)
    committee_id = profile.organisation_id(OrganisationType.RESIDENTS_COMMITTEE)
    station_id = profile.facility_id(FacilityType.EMPLOYMENT_STATION)
    identities = _Identities(sample, profile)
    first_grid_worker = profile.grid_worker_offset
    rows: list[Staff] = []
    for number, role in enumerate(_roles(profile)):
        gender = Gender.FEMALE if rng.random() < role.female_share else Gender.MALE
        organisation = committee_id if role.committee else None
        if role is _SECRETARY:
            organisation = party_id
        rows.append(
            Staff(
                id=f"{profile.id}-p{number + 1:02d}",
                community_id=profile.id,
                name=person_name(rng, gender),
                role=role.role,
                id_number=identities.resident_id(number, gender, rng),
                phone=identities.phone(number, rng),
                gender=gender,
                full_time=not role.committee or rng.random() < 0.9,
                elected=role.elected,
                organisation_id=organisation,
                facility_id=station_id if role is _LABOUR_OFFICER else None,
                grid_id=(
                    f"{profile.id}-g{number + 1 - first_grid_worker:02d}"
                    if role is _GRID_WORKER
                    else None
                ),
            )
        )
    return rows


def build_volunteer_teams(sample: Sample, profile: Profile) -> list[VolunteerTeam]:
    """Teams in Jiangsu's eight categories (seed 001); a lagging community lacks some."""
    rng = sample.rng(profile.index, "volunteer_team")
    categories = list(VolunteerCategory)
    if "volunteers" in profile.misses:
        kept = distinct(rng.random, len(categories), between(rng.random, 5, 7))
        categories = [categories[index] for index in kept]
    rows: list[VolunteerTeam] = []
    for number, category in enumerate(categories, 1):
        gender = Gender.FEMALE if rng.random() < 0.55 else Gender.MALE
        started = profile.established + datetime.timedelta(days=between(rng.random, 30, 2500))
        rows.append(
            VolunteerTeam(
                id=f"{profile.id}-v{number:02d}",
                community_id=profile.id,
                category=category,
                name=f"{profile.place.name}{category.label_zh}志愿服务队",
                members=between(rng.random, 8, 120),
                leader_name=person_name(rng, gender),
                established=min(started, datetime.date(sample.year, 12, 31)),
            )
        )
    return rows
