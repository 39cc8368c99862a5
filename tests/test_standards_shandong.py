"""The shandong-tengzhou rule pack (seed 002): every rule and target at its boundary."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
import shequkit_shandong
from shequkit_shandong._standards import OFFICE_EQUIPMENT, SHANDONG_TENGZHOU

import shequkit
from shequkit.codes import (
    ChargingMode,
    DesignationKind,
    DivisionLevel,
    EquipmentType,
    FacilityType,
    FundingPurpose,
    FundingSource,
    HonourLevel,
    OrganisationType,
    ServiceCategory,
    SpaceCase,
    StaffRole,
    TargetGroup,
)
from shequkit.model import (
    Community,
    Designation,
    Equipment,
    Facility,
    Funding,
    Grid,
    Organisation,
    Service,
    Staff,
)
from shequkit.sample import SampleSpec, generate_sample
from shequkit.standards import (
    ROLLUP_SCOPES,
    CommunityView,
    Outcome,
    Scope,
    evaluate,
    evaluate_views,
)
from shequkit.validate import Layer, Severity

PACK = SHANDONG_TENGZHOU
DOCS = Path(__file__).parent.parent / "docs" / "standards" / "shandong-tengzhou.md"
SPACE_RULES = {
    SpaceCase.BUILT_ESTATE: "sd-space-built-estate",
    SpaceCase.ESTATE_UNDER_CONSTRUCTION: "sd-space-under-construction",
    SpaceCase.PLANNED_ESTATE: "sd-space-planned-estate",
    SpaceCase.OLD_TOWN: "sd-space-old-town",
}

# -- a community that meets every rule, and ways to change it -------------------------


def community(**changes: Any) -> Community:
    fields: dict[str, Any] = {
        "id": "c1",
        "division_code": "370481001001",
        "name": "荆河社区",
        "households": 3000,
        "population": 8600,
        "migrant_population": 600,
        "space_case": SpaceCase.BUILT_ESTATE,
        "service_space_m2": 360.0,
        "open_affairs": True,
        "one_stop_service": True,
        "grid_management": True,
        "direct_election": True,
    }
    fields.update(changes)
    return Community(**fields)


def staff(
    *,
    committee: int = 10,
    grid_workers: int = 12,
    officers: int = 1,
    full_time: bool = True,
    elected: Iterable[bool | None] = (),
) -> list[Staff]:
    """Committee members (the first elected per ``elected``, the rest elected), workers."""
    votes = list(elected) + [True] * committee
    roles = [StaffRole.COMMITTEE_DIRECTOR] + [StaffRole.COMMITTEE_MEMBER] * (committee - 1)
    rows = [
        Staff(id=f"p{n}", community_id="c1", name="王芳", role=role, elected=votes[n])
        for n, role in enumerate(roles[:committee])
    ]
    rows += [
        Staff(id=f"g{n}", community_id="c1", name="李强", role=StaffRole.GRID_WORKER)
        for n in range(grid_workers)
    ]
    rows += [
        Staff(
            id=f"l{n}",
            community_id="c1",
            name="赵敏",
            role=StaffRole.LABOUR_SECURITY_OFFICER,
            full_time=full_time,
            facility_id="f-就业",
        )
        for n in range(officers)
    ]
    return rows


def grids(*sizes: int) -> list[Grid]:
    return [
        Grid(id=f"g{n}", community_id="c1", name=f"第{n}网格", households=size)
        for n, size in enumerate(sizes)
    ]


FACILITIES = (
    FacilityType.COMMITTEE_OFFICE,
    FacilityType.SERVICE_STATION,
    FacilityType.ACTIVITY_ROOM,
    FacilityType.TALK_ROOM,
    FacilityType.EMPLOYMENT_STATION,
    FacilityType.HEALTH_STATION,
    FacilityType.READING_ROOM,
    FacilityType.OUTDOOR_FITNESS_SITE,
    FacilityType.CITIZENS_SCHOOL,
    FacilityType.POLICE_ROOM,
    FacilityType.CHARITY_SUPERMARKET,
)


def facilities(*kinds: FacilityType) -> list[Facility]:
    return [
        Facility(id=f"f{n}", community_id="c1", type=kind, name=kind.label_zh)
        for n, kind in enumerate(kinds)
    ]


_FREE, _LOW, _PAID = ChargingMode.FREE, ChargingMode.LOW_COST, ChargingMode.PAID
SERVICES: dict[ServiceCategory, tuple[ChargingMode, tuple[TargetGroup, ...]]] = {
    ServiceCategory.CONVENIENCE: (_PAID, (TargetGroup.ALL_RESIDENTS,)),
    ServiceCategory.ELDERLY_CARE: (_LOW, (TargetGroup.ELDERLY,)),
    ServiceCategory.ASSISTANCE: (_FREE, (TargetGroup.SUBSISTENCE_ALLOWANCE,)),
    ServiceCategory.CULTURE: (_FREE, (TargetGroup.ALL_RESIDENTS,)),
    ServiceCategory.RESIDENT_EDUCATION: (_FREE, (TargetGroup.YOUTH,)),
    ServiceCategory.SPORTS: (_FREE, (TargetGroup.ALL_RESIDENTS,)),
    ServiceCategory.EMPLOYMENT: (_FREE, (TargetGroup.AGED_40_50, TargetGroup.UNEMPLOYED)),
    ServiceCategory.SOCIAL_SECURITY: (_FREE, (TargetGroup.RETIREES,)),
    ServiceCategory.HEALTH_CARE: (_FREE, (TargetGroup.ELDERLY,)),
    ServiceCategory.FAMILY_PLANNING: (_FREE, (TargetGroup.WOMEN,)),
    ServiceCategory.SAFETY: (_FREE, (TargetGroup.ALL_RESIDENTS,)),
    ServiceCategory.MIGRANT_SERVICES: (_FREE, (TargetGroup.MIGRANTS,)),
}


def services(
    table: dict[ServiceCategory, tuple[ChargingMode, tuple[TargetGroup, ...]]] | None = None,
) -> list[Service]:
    return [
        Service(
            id=f"s{n}",
            community_id="c1",
            category=category,
            name=category.label_zh,
            charging=charging,
            target_groups=groups,
        )
        for n, (category, (charging, groups)) in enumerate((table or SERVICES).items())
    ]


def without(table: dict[Any, Any], *keys: Any) -> dict[Any, Any]:
    return {key: value for key, value in table.items() if key not in keys}


def equipment(*kinds: EquipmentType) -> list[Equipment]:
    return [
        Equipment(id=f"e{n}", community_id="c1", type=kind, quantity=1)
        for n, kind in enumerate(kinds)
    ]


def funding(
    year: int,
    source: FundingSource,
    purpose: FundingPurpose,
    amount: str,
    level: DivisionLevel | None = DivisionLevel.COUNTY,
    number: int = 0,
) -> Funding:
    return Funding(
        id=f"m{year}-{number}-{purpose.name}-{level}",
        community_id="c1",
        year=year,
        source=source,
        purpose=purpose,
        amount_yuan=Decimal(amount),
        payer_level=level,
    )


def allowances(city: str, county: str, street: str, year: int = 2024) -> list[Funding]:
    allowance = FundingPurpose.LIVING_ALLOWANCE
    return [
        funding(year, FundingSource.FISCAL, allowance, city, DivisionLevel.CITY),
        funding(year, FundingSource.FISCAL, allowance, county, DivisionLevel.COUNTY),
        funding(year, FundingSource.FISCAL, allowance, street, DivisionLevel.TOWNSHIP),
    ]


def funds(operating: str = "30000", year: int = 2024) -> list[Funding]:
    return [
        funding(year, FundingSource.FISCAL, FundingPurpose.OPERATING, operating),
        funding(year, FundingSource.FEE_FOLLOWS_TASK, FundingPurpose.OPERATING, "5000"),
        funding(year, FundingSource.FISCAL, FundingPurpose.SOCIAL_INSURANCE, "12000"),
        *allowances("250000", "100000", "150000", year),
    ]


def organisations(*kinds: OrganisationType) -> list[Organisation]:
    return [
        Organisation(id=f"o{n}", community_id="c1", type=kind, name=kind.label_zh)
        for n, kind in enumerate(kinds)
    ]


ORGANISATIONS = (
    OrganisationType.PARTY_ORGANISATION,
    OrganisationType.RESIDENTS_COMMITTEE,
    OrganisationType.SOCIAL_ORGANISATION,
)


def designations(
    *levels: HonourLevel, kind: DesignationKind = DesignationKind.DEMONSTRATION
) -> list[Designation]:
    return [
        Designation(id=f"d{n}", community_id="c1", category=kind, level=level, year=2023)
        for n, level in enumerate(levels)
    ]


def records(**replaced: Iterable[Any]) -> dict[type[Any], tuple[Any, ...]]:
    """The complete community's child records, with some kinds replaced."""
    kinds: dict[str, Iterable[Any]] = {
        "staff": staff(),
        "grids": grids(*[250] * 12),
        "facilities": facilities(*FACILITIES),
        "services": services(),
        "equipment": equipment(*OFFICE_EQUIPMENT.values(), EquipmentType.FITNESS_EQUIPMENT),
        "funding": funds(),
        "organisations": organisations(*ORGANISATIONS),
        "designations": designations(HonourLevel.NATIONAL),
    }
    kinds.update(replaced)
    grouped: dict[type[Any], tuple[Any, ...]] = {}
    for rows in kinds.values():
        for row in rows:
            grouped[type(row)] = (*grouped.get(type(row), ()), row)
    return grouped


def view(record: Community | None = None, **replaced: Iterable[Any]) -> CommunityView:
    return CommunityView(record or community(), records=records(**replaced))


def outcome(rule_id: str, community_view: CommunityView) -> Outcome:
    return PACK.rule(rule_id).evaluate(community_view).outcome


# -- the pack ---------------------------------------------------------------------------


def test_the_pack_is_registered_for_shandong() -> None:
    assert shequkit.Toolkit().rule_pack("shandong-tengzhou") == PACK
    assert shequkit_shandong.shequkit_standards() == [PACK]
    assert PACK.province == "37"
    assert PACK.grading is None


def test_every_rule_cites_seed_002_with_a_sentence() -> None:
    for item in (*PACK.rules, *PACK.targets):
        assert item.citation.document == "002"
        assert item.citation.clause
        assert len(item.citation.text) >= 6, item.id
        assert item.title_zh
        assert item.title_en
        assert item.id.startswith("sd-")


def test_the_equipment_rule_lists_what_the_return_counts() -> None:
    assert set(OFFICE_EQUIPMENT.values()) == set(shequkit_shandong.EQUIPMENT)


def test_a_complete_community_passes_every_rule() -> None:
    complete = view()
    for rule in PACK.rules:
        expected = Outcome.PASS
        if rule.id in SPACE_RULES.values() and rule.id != "sd-space-built-estate":
            expected = Outcome.NOT_APPLICABLE
        assert rule.evaluate(complete).outcome is expected, rule.id
    (result,) = evaluate_views(PACK, iter([complete]))
    assert result.meets_standard


def test_the_rule_ids_are_pinned() -> None:
    # Every rule below has boundary tests in this file; a new rule needs its own.
    assert [rule.id for rule in PACK.rules] == [
        "sd-provincial-demonstration",
        "sd-national-demonstration",
        "sd-party-organisation",
        "sd-residents-committee",
        "sd-scale",
        "sd-committee-elected",
        "sd-open-affairs",
        "sd-direct-election",
        "sd-social-organisations",
        "sd-committee-members",
        "sd-talk-room",
        "sd-one-stop-service",
        "sd-fee-follows-task",
        "sd-operating-funds",
        "sd-allowance-split",
        "sd-social-insurance",
        "sd-space-built-estate",
        "sd-space-under-construction",
        "sd-space-planned-estate",
        "sd-space-old-town",
        "sd-facility-areas",
        "sd-facility-functions",
        "sd-equipment",
        "sd-labour-station",
        "sd-labour-staff",
        "sd-labour-staff-max",
        "sd-employment-assistance",
        "sd-service-types",
        "sd-charity-point",
        "sd-grid-management",
        "sd-grid-size",
        "sd-grid-workers",
        "sd-health-station",
        "sd-family-planning-free",
        "sd-culture-venues",
        "sd-community-school",
        "sd-fitness-equipment",
        "sd-migrant-services",
        "sd-police-room",
        "sd-charging-mix",
    ]
    assert [target.id for target in PACK.targets] == [
        "sd-target-provincial-2008",
        "sd-target-provincial",
        "sd-target-national",
    ]


# -- part two: scale, committee -------------------------------------------------------


@pytest.mark.parametrize(
    ("households", "outcome_"),
    [
        (1999, Outcome.FAIL),
        (2000, Outcome.PASS),
        (3000, Outcome.PASS),
        (4000, Outcome.PASS),
        (4001, Outcome.FAIL),
    ],
)
def test_scale_of_about_3000_households(households: int, outcome_: Outcome) -> None:
    assert outcome("sd-scale", view(community(households=households))) is outcome_
    assert PACK.rule("sd-scale").severity is Severity.WARNING


@pytest.mark.parametrize(
    ("households", "members", "outcome_"),
    [
        (1794, 6, Outcome.PASS),  # 299 households per member
        (1800, 6, Outcome.PASS),  # 300
        (1806, 6, Outcome.FAIL),  # 301
        (1806, 7, Outcome.PASS),
        (900, 4, Outcome.FAIL),  # 1 per 300 is met, the minimum of 5 is not
        (900, 5, Outcome.PASS),
        (0, 5, Outcome.PASS),
    ],
)
def test_one_committee_member_per_300_households_and_at_least_5(
    households: int, members: int, outcome_: Outcome
) -> None:
    checked = view(community(households=households), staff=staff(committee=members))
    finding = PACK.rule("sd-committee-members").evaluate(checked)
    assert finding.outcome is outcome_
    assert finding.actual == members


def test_grid_workers_and_officers_are_not_committee_members() -> None:
    checked = view(staff=staff(committee=9, grid_workers=30, officers=2))
    assert outcome("sd-committee-members", checked) is Outcome.FAIL


@pytest.mark.parametrize(
    ("elected", "outcome_"),
    [([True], Outcome.PASS), ([False], Outcome.FAIL), ([None], Outcome.MISSING_DATA)],
)
def test_committee_members_are_elected(elected: list[bool | None], outcome_: Outcome) -> None:
    checked = view(staff=staff(committee=10, elected=elected))
    assert outcome("sd-committee-elected", checked) is outcome_


def test_election_is_missing_data_without_committee_members() -> None:
    checked = view(staff=staff(committee=0))
    assert outcome("sd-committee-elected", checked) is Outcome.MISSING_DATA


@pytest.mark.parametrize(
    ("rule_id", "kind"),
    [
        ("sd-party-organisation", OrganisationType.PARTY_ORGANISATION),
        ("sd-residents-committee", OrganisationType.RESIDENTS_COMMITTEE),
        ("sd-social-organisations", OrganisationType.SOCIAL_ORGANISATION),
    ],
)
def test_organisations(rule_id: str, kind: OrganisationType) -> None:
    others = [other for other in ORGANISATIONS if other is not kind]
    assert outcome(rule_id, view(organisations=organisations(*others))) is Outcome.FAIL
    assert outcome(rule_id, view(organisations=organisations(kind))) is Outcome.PASS


@pytest.mark.parametrize(
    ("rule_id", "field"),
    [
        ("sd-open-affairs", "open_affairs"),
        ("sd-direct-election", "direct_election"),
        ("sd-one-stop-service", "one_stop_service"),
        ("sd-grid-management", "grid_management"),
    ],
)
def test_yes_no_requirements(rule_id: str, field: str) -> None:
    assert outcome(rule_id, view(community(**{field: True}))) is Outcome.PASS
    assert outcome(rule_id, view(community(**{field: False}))) is Outcome.FAIL
    assert outcome(rule_id, view(community(**{field: None}))) is Outcome.MISSING_DATA


def test_severities_follow_the_wording() -> None:
    severity = {rule.id: rule.severity for rule in PACK.rules}
    assert severity["sd-open-affairs"] is Severity.ERROR  # 全面推进
    assert severity["sd-direct-election"] is Severity.INFO  # 有条件的可
    assert severity["sd-one-stop-service"] is Severity.WARNING  # 积极推进
    assert severity["sd-committee-members"] is Severity.ERROR  # 最低不得少于
    assert severity["sd-equipment"] is Severity.WARNING  # 根据工作需要 ... 如 ... 等


# -- part one: demonstration titles and the share targets ------------------------------


@pytest.mark.parametrize(
    ("titles", "provincial", "national"),
    [
        (designations(HonourLevel.NATIONAL), Outcome.PASS, Outcome.PASS),
        (designations(HonourLevel.PROVINCIAL), Outcome.PASS, Outcome.FAIL),
        (designations(HonourLevel.CITY), Outcome.FAIL, Outcome.FAIL),
        (
            designations(HonourLevel.NATIONAL, kind=DesignationKind.CIVILISED),
            Outcome.FAIL,
            Outcome.FAIL,
        ),
        ([], Outcome.FAIL, Outcome.FAIL),
    ],
)
def test_demonstration_titles(
    titles: list[Designation], provincial: Outcome, national: Outcome
) -> None:
    checked = view(designations=titles)
    assert outcome("sd-provincial-demonstration", checked) is provincial
    assert outcome("sd-national-demonstration", checked) is national


def _county(titles: list[HonourLevel | None], county: str = "370481") -> shequkit.Dataset:
    """Communities of one county (two streets), the i-th with a demonstration title or none."""
    communities, titled = [], []
    for number, level in enumerate(titles, 1):
        street = 1 + number % 2
        identifier = f"{county}-{number}"
        communities.append(
            community(
                id=identifier,
                division_code=f"{county}{street:03d}{number:03d}",
                name=f"社区{number}",
            )
        )
        if level is not None:
            titled.append(
                Designation(
                    id=f"{identifier}-d",
                    community_id=identifier,
                    category=DesignationKind.DEMONSTRATION,
                    level=level,
                    year=2008,
                )
            )
    meta = shequkit.Metadata(reporting_unit="滕州市民政局", period="2008")
    return shequkit.Dataset(meta=meta, communities=tuple(communities), designations=tuple(titled))


_P, _N = HonourLevel.PROVINCIAL, HonourLevel.NATIONAL


@pytest.mark.parametrize(
    ("titles", "outcomes"),
    [
        # 20 communities: 10 provincial+ is 50%, 16 is 80%, 3 national is 15%.
        ([_N] * 3 + [_P] * 13 + [None] * 4, ("pass", "pass", "pass")),
        ([_N] * 2 + [_P] * 13 + [None] * 5, ("pass", "fail", "fail")),
        ([_N] * 3 + [_P] * 7 + [None] * 10, ("pass", "fail", "pass")),
        ([_N] * 3 + [_P] * 6 + [None] * 11, ("fail", "fail", "pass")),
        ([None] * 20, ("fail", "fail", "fail")),
    ],
)
def test_share_targets_per_county_at_their_boundaries(
    titles: list[HonourLevel | None], outcomes: tuple[str, str, str]
) -> None:
    evaluation = evaluate(_county(titles), PACK)
    (county,) = evaluation.rollups[Scope.COUNTY]
    assert tuple(result.finding.outcome.value for result in county.targets) == outcomes
    for scope in (Scope.STREET, Scope.CITY, Scope.PROVINCE):
        assert all(unit.targets == () for unit in evaluation.rollups[scope])
    missed = [issue for issue in evaluation.issues() if issue.code == "SQK-W404"]
    assert len(missed) == outcomes.count("fail")


def test_a_target_reports_how_many_more_communities_are_needed() -> None:
    evaluation = evaluate(_county([_P] * 9 + [None] * 11), PACK)
    (county,) = evaluation.rollups[Scope.COUNTY]
    needed = {result.target.id: result.needed for result in county.targets}
    assert needed == {
        "sd-target-provincial-2008": 1,
        "sd-target-provincial": 7,
        "sd-target-national": 3,
    }


# -- part four: funding -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("operating", "outcome_", "shown"),
    [
        ("2000.00", Outcome.PASS, 1000.0),
        ("1999.99", Outcome.FAIL, 999.99),  # 999.995 a thousand households: never shown as 1000
        ("0", Outcome.FAIL, 0.0),
    ],
)
def test_operating_funds_per_1000_households(
    operating: str, outcome_: Outcome, shown: float
) -> None:
    checked = view(community(households=2000), funding=funds(operating))
    finding = PACK.rule("sd-operating-funds").evaluate(checked)
    assert finding.outcome is outcome_
    assert finding.actual == shown


def test_operating_funds_count_fiscal_money_of_the_latest_year_only() -> None:
    fee = funding(2024, FundingSource.FEE_FOLLOWS_TASK, FundingPurpose.OPERATING, "9000", number=1)
    earlier = funding(2023, FundingSource.FISCAL, FundingPurpose.OPERATING, "9000")
    checked = view(community(households=2000), funding=[*funds("1000"), fee, earlier])
    assert outcome("sd-operating-funds", checked) is Outcome.FAIL


def test_operating_funds_missing_data_and_not_applicable() -> None:
    assert outcome("sd-operating-funds", view(funding=[])) is Outcome.MISSING_DATA
    assert outcome("sd-operating-funds", view(community(households=0))) is Outcome.NOT_APPLICABLE


@pytest.mark.parametrize(
    ("split", "outcome_"),
    [
        (("5000", "2000", "3000"), Outcome.PASS),
        (("5100", "2000", "2900"), Outcome.PASS),  # one percentage point off: tolerated
        (("5101", "2000", "2899"), Outcome.FAIL),
        (("4000", "3000", "3000"), Outcome.FAIL),
        (("10000", "0", "0"), Outcome.FAIL),
    ],
)
def test_allowances_split_5_2_3(split: tuple[str, str, str], outcome_: Outcome) -> None:
    checked = view(funding=allowances(*split))
    assert outcome("sd-allowance-split", checked) is outcome_


def test_allowance_split_without_allowances_or_payers() -> None:
    operating = [funding(2024, FundingSource.FISCAL, FundingPurpose.OPERATING, "30000")]
    unpaid = PACK.rule("sd-allowance-split").evaluate(view(funding=operating))
    assert unpaid.outcome is Outcome.FAIL
    unknown = funding(2024, FundingSource.FISCAL, FundingPurpose.LIVING_ALLOWANCE, "1", None)
    assert outcome("sd-allowance-split", view(funding=[*funds(), unknown])) is (
        Outcome.MISSING_DATA
    )
    assert outcome("sd-allowance-split", view(funding=[])) is Outcome.MISSING_DATA


def test_allowance_split_of_the_latest_year() -> None:
    lines = [*allowances("5000", "2000", "3000", 2023), *allowances("3000", "3000", "4000", 2024)]
    assert outcome("sd-allowance-split", view(funding=lines)) is Outcome.FAIL


@pytest.mark.parametrize(
    ("rule_id", "dropped"),
    [
        ("sd-fee-follows-task", FundingSource.FEE_FOLLOWS_TASK),
        ("sd-social-insurance", FundingPurpose.SOCIAL_INSURANCE),
    ],
)
def test_funding_lines_that_must_be_present(
    rule_id: str, dropped: FundingSource | FundingPurpose
) -> None:
    kept = [line for line in funds() if dropped not in (line.source, line.purpose)]
    assert outcome(rule_id, view(funding=kept)) is Outcome.FAIL
    assert outcome(rule_id, view()) is Outcome.PASS
    assert outcome(rule_id, view(funding=[])) is Outcome.MISSING_DATA


# -- part five: space, facilities, equipment --------------------------------------------


@pytest.mark.parametrize(
    ("case", "area", "outcome_"),
    [
        (SpaceCase.BUILT_ESTATE, 299.9, Outcome.FAIL),
        (SpaceCase.BUILT_ESTATE, 300.0, Outcome.PASS),
        (SpaceCase.ESTATE_UNDER_CONSTRUCTION, 399.9, Outcome.FAIL),
        (SpaceCase.ESTATE_UNDER_CONSTRUCTION, 400.0, Outcome.PASS),
        (SpaceCase.PLANNED_ESTATE, 499.9, Outcome.FAIL),
        (SpaceCase.PLANNED_ESTATE, 500.0, Outcome.PASS),
        (SpaceCase.OLD_TOWN, 299.9, Outcome.FAIL),
        (SpaceCase.OLD_TOWN, 300.0, Outcome.PASS),
    ],
)
def test_office_and_service_space_by_case(case: SpaceCase, area: float, outcome_: Outcome) -> None:
    checked = view(community(space_case=case, service_space_m2=area))
    for other, rule_id in SPACE_RULES.items():
        expected = outcome_ if other is case else Outcome.NOT_APPLICABLE
        assert outcome(rule_id, checked) is expected


def test_space_with_missing_case_or_area() -> None:
    no_case = view(community(space_case=None))
    assert {outcome(rule_id, no_case) for rule_id in SPACE_RULES.values()} == {Outcome.MISSING_DATA}
    no_area = view(community(space_case=SpaceCase.OLD_TOWN, service_space_m2=None))
    assert outcome("sd-space-old-town", no_area) is Outcome.MISSING_DATA
    assert outcome("sd-space-built-estate", no_area) is Outcome.NOT_APPLICABLE


@pytest.mark.parametrize(
    ("rule_id", "removed", "alternative"),
    [
        ("sd-facility-areas", FacilityType.COMMITTEE_OFFICE, None),
        ("sd-facility-areas", FacilityType.SERVICE_STATION, FacilityType.SERVICE_CENTRE),
        ("sd-talk-room", FacilityType.TALK_ROOM, None),
        ("sd-labour-station", FacilityType.EMPLOYMENT_STATION, None),
        ("sd-health-station", FacilityType.HEALTH_STATION, None),
        ("sd-culture-venues", FacilityType.READING_ROOM, None),
        ("sd-community-school", FacilityType.CITIZENS_SCHOOL, FacilityType.ELDERLY_SCHOOL),
        ("sd-police-room", FacilityType.POLICE_ROOM, None),
        ("sd-charity-point", FacilityType.CHARITY_SUPERMARKET, FacilityType.DONATION_POINT),
    ],
)
def test_facilities_that_must_be_present(
    rule_id: str, removed: FacilityType, alternative: FacilityType | None
) -> None:
    kept = [kind for kind in FACILITIES if kind is not removed]
    finding = PACK.rule(rule_id).evaluate(view(facilities=facilities(*kept)))
    assert finding.outcome is Outcome.FAIL
    assert str(finding.actual).startswith("缺:")
    if alternative is not None:
        assert outcome(rule_id, view(facilities=facilities(*kept, alternative))) is Outcome.PASS


def test_activity_area_may_be_outdoors() -> None:
    kept = [kind for kind in FACILITIES if kind is not FacilityType.ACTIVITY_ROOM]
    assert outcome("sd-facility-areas", view(facilities=facilities(*kept))) is Outcome.PASS
    indoor_only = [kind for kind in kept if kind is not FacilityType.OUTDOOR_FITNESS_SITE]
    checked = view(facilities=facilities(*indoor_only))
    assert outcome("sd-facility-areas", checked) is Outcome.FAIL
    assert outcome("sd-culture-venues", checked) is Outcome.FAIL


@pytest.mark.parametrize("missing", list(OFFICE_EQUIPMENT))
def test_each_of_the_eight_kinds_of_equipment(missing: str) -> None:
    kept = [kind for name, kind in OFFICE_EQUIPMENT.items() if name != missing]
    finding = PACK.rule("sd-equipment").evaluate(view(equipment=equipment(*kept)))
    assert finding.outcome is Outcome.FAIL
    assert finding.actual == f"缺:{missing}"


def test_fitness_equipment() -> None:
    checked = view(equipment=equipment(*OFFICE_EQUIPMENT.values()))
    assert outcome("sd-fitness-equipment", checked) is Outcome.FAIL
    assert outcome("sd-equipment", checked) is Outcome.PASS


# -- part six: services, labour security, grids -------------------------------------------


@pytest.mark.parametrize(
    ("officers", "full_time", "at_least_one", "at_most_two"),
    [
        (0, True, Outcome.FAIL, Outcome.PASS),
        (1, True, Outcome.PASS, Outcome.PASS),
        (2, True, Outcome.PASS, Outcome.PASS),
        (3, True, Outcome.PASS, Outcome.FAIL),
        (1, False, Outcome.FAIL, Outcome.PASS),  # only full-time staff (专职) count
    ],
)
def test_labour_security_station_has_1_to_2_full_time_staff(
    officers: int, full_time: bool, at_least_one: Outcome, at_most_two: Outcome
) -> None:
    checked = view(staff=staff(officers=officers, full_time=full_time))
    assert outcome("sd-labour-staff", checked) is at_least_one
    assert outcome("sd-labour-staff-max", checked) is at_most_two


@pytest.mark.parametrize(
    ("sizes", "outcome_"),
    [
        ([200, 250, 225], Outcome.PASS),
        ([199, 250, 225], Outcome.FAIL),
        ([200, 251, 225], Outcome.FAIL),
        ([], Outcome.MISSING_DATA),
    ],
)
def test_every_grid_has_200_to_250_households(sizes: list[int], outcome_: Outcome) -> None:
    finding = PACK.rule("sd-grid-size").evaluate(view(grids=grids(*sizes)))
    assert finding.outcome is outcome_
    if outcome_ is Outcome.FAIL:
        assert str(finding.actual).startswith("1/3")


@pytest.mark.parametrize(
    ("households", "workers", "outcome_"),
    [
        (2988, 12, Outcome.PASS),  # 249 households per worker
        (3000, 12, Outcome.PASS),  # 250
        (3012, 12, Outcome.FAIL),  # 251
        (3012, 13, Outcome.PASS),
        (3000, 0, Outcome.FAIL),
    ],
)
def test_one_grid_worker_per_250_households(
    households: int, workers: int, outcome_: Outcome
) -> None:
    checked = view(community(households=households), staff=staff(grid_workers=workers))
    assert outcome("sd-grid-workers", checked) is outcome_


@pytest.mark.parametrize(
    ("dropped", "rule_id"),
    [
        (ServiceCategory.EMPLOYMENT, "sd-service-types"),
        (ServiceCategory.SAFETY, "sd-service-types"),
        (ServiceCategory.ELDERLY_CARE, "sd-facility-functions"),
        (ServiceCategory.CONVENIENCE, "sd-facility-functions"),
        (ServiceCategory.SPORTS, "sd-facility-functions"),
    ],
)
def test_service_types(dropped: ServiceCategory, rule_id: str) -> None:
    finding = PACK.rule(rule_id).evaluate(view(services=services(without(SERVICES, dropped))))
    assert finding.outcome is Outcome.FAIL
    assert str(finding.actual).startswith("缺:")


def test_a_service_type_may_be_met_by_a_related_category() -> None:
    table = without(SERVICES, ServiceCategory.SOCIAL_SECURITY)  # elderly care stays
    assert outcome("sd-service-types", view(services=services(table))) is Outcome.PASS


@pytest.mark.parametrize(
    ("groups", "outcome_"),
    [
        ((TargetGroup.AGED_40_50,), Outcome.PASS),
        ((TargetGroup.ZERO_EMPLOYMENT_FAMILY,), Outcome.PASS),
        ((TargetGroup.UNEMPLOYED, TargetGroup.DISABLED), Outcome.FAIL),
    ],
)
def test_employment_assistance_for_4050_and_zero_employment_families(
    groups: tuple[TargetGroup, ...], outcome_: Outcome
) -> None:
    table = {**SERVICES, ServiceCategory.EMPLOYMENT: (_FREE, groups)}
    assert outcome("sd-employment-assistance", view(services=services(table))) is outcome_


@pytest.mark.parametrize(
    ("modes", "outcome_"),
    [
        ((_FREE, _LOW, _PAID), Outcome.PASS),
        ((_FREE, _LOW, _LOW), Outcome.FAIL),
        ((_FREE, _PAID, _FREE), Outcome.FAIL),
        ((_LOW, _PAID, _PAID), Outcome.FAIL),
    ],
)
def test_free_low_cost_and_paid_services_combined(
    modes: tuple[ChargingMode, ...], outcome_: Outcome
) -> None:
    categories = (
        ServiceCategory.CONVENIENCE,
        ServiceCategory.ELDERLY_CARE,
        ServiceCategory.CULTURE,
    )
    table = {category: (mode, ()) for category, mode in zip(categories, modes, strict=True)}
    assert outcome("sd-charging-mix", view(services=services(table))) is outcome_


@pytest.mark.parametrize(
    ("charging", "outcome_"),
    [
        (_FREE, Outcome.PASS),
        (_LOW, Outcome.FAIL),
        (_PAID, Outcome.FAIL),
        (None, Outcome.NOT_APPLICABLE),
    ],
)
def test_family_planning_services_are_free(
    charging: ChargingMode | None, outcome_: Outcome
) -> None:
    table = without(SERVICES, ServiceCategory.FAMILY_PLANNING)
    if charging is not None:
        table[ServiceCategory.FAMILY_PLANNING] = (charging, (TargetGroup.WOMEN,))
    assert outcome("sd-family-planning-free", view(services=services(table))) is outcome_


def test_services_for_migrants() -> None:
    table = without(SERVICES, ServiceCategory.MIGRANT_SERVICES)
    assert outcome("sd-migrant-services", view(services=services(table))) is Outcome.FAIL
    # A service of another category aimed at migrants counts.
    table[ServiceCategory.LEGAL_EDUCATION] = (_FREE, (TargetGroup.MIGRANTS,))
    assert outcome("sd-migrant-services", view(services=services(table))) is Outcome.PASS
    no_migrants = view(community(migrant_population=0), services=[])
    assert outcome("sd-migrant-services", no_migrants) is Outcome.NOT_APPLICABLE


# -- a Shandong sample --------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample() -> shequkit.Dataset:
    return generate_sample(SampleSpec(communities=400, seed=11, province="37"))


def test_a_shandong_sample_gives_a_realistic_mix(sample: shequkit.Dataset) -> None:
    evaluation = evaluate(sample, PACK)
    total = len(evaluation.communities)
    assert total == 400
    assert 0.6 * total < evaluation.meeting_standard < total
    for rule in PACK.rules:
        counts = evaluation.rule_counts(rule.id)
        assessed = total - counts[Outcome.NOT_APPLICABLE]
        assert counts[Outcome.PASS] > 0, rule.id
        assert counts[Outcome.MISSING_DATA] < assessed, rule.id
        if rule.required:  # requirements hold for most communities of the sample
            assert counts[Outcome.PASS] >= 0.8 * assessed, rule.id
    failing = [rule.id for rule in PACK.rules if evaluation.rule_counts(rule.id)[Outcome.FAIL]]
    assert {"sd-committee-members", "sd-grid-size", "sd-space-built-estate"} <= set(failing)


def test_the_sample_rollups_reconcile(sample: shequkit.Dataset) -> None:
    evaluation = evaluate(sample, PACK)
    rollups = evaluation.rollups
    assert len(rollups[Scope.COUNTY]) > 1
    for scope in ROLLUP_SCOPES:
        units = rollups[scope]
        assert sum(unit.communities for unit in units) == 400
        assert sum(unit.meeting_standard for unit in units) == evaluation.meeting_standard
        for unit in units:
            for rule in PACK.rules:
                assert sum(unit.outcomes[rule.id].values()) == unit.communities
        for rule in PACK.rules:
            passed = sum(unit.passed(rule.id) for unit in units)
            assert passed == evaluation.rule_counts(rule.id)[Outcome.PASS]
    for lower, upper in itertools.pairwise(ROLLUP_SCOPES):
        for unit in rollups[upper]:
            prefix = unit.code[: upper.prefix_length]
            below = [part for part in rollups[lower] if part.code.startswith(prefix)]
            assert sum(part.communities for part in below) == unit.communities
            assert sum(part.meeting_standard for part in below) == unit.meeting_standard
    for county in rollups[Scope.COUNTY]:
        assert [result.target.id for result in county.targets] == [
            target.id for target in PACK.targets
        ]
    document = json.loads(json.dumps(evaluation.to_dict(), ensure_ascii=False))
    assert document["pack"]["name"] == "shandong-tengzhou"
    assert document["summary"]["meeting_standard"] == evaluation.meeting_standard


def test_validate_with_the_pack_adds_standards_issues(sample: shequkit.Dataset) -> None:
    plain = shequkit.validate(sample)
    checked = shequkit.validate(sample, rules="shandong-tengzhou")
    assert checked.records == plain.records
    standards = [issue for issue in checked.issues if issue.layer is Layer.STANDARDS]
    assert standards
    assert {issue.code for issue in standards} <= {"SQK-E401", "SQK-W402", "SQK-W403", "SQK-W404"}
    assert checked.counts["SQK-E401"] > 0
    assert all(issue.layer is not Layer.STANDARDS for issue in plain.issues)
    failed = next(issue for issue in standards if issue.code == "SQK-E401")
    assert "002" in failed.message_en


# -- the documentation page ------------------------------------------------------------------


def test_the_docs_page_lists_every_rule_with_its_source() -> None:
    page = DOCS.read_text(encoding="utf-8")
    flat = "".join(page.replace("\\*", "*").split())  # Markdown escapes the seed's masks
    for item in (*PACK.rules, *PACK.targets):
        assert f"`{item.id}`" in page, item.id
        assert "".join(item.citation.text.split()) in flat, item.id


def test_the_docs_page_is_in_the_navigation() -> None:
    nav = (Path(__file__).parent.parent / "mkdocs.yml").read_text(encoding="utf-8")
    assert "standards/shandong-tengzhou.md" in nav


def test_a_finding_shows_the_value_found_and_required() -> None:
    # Findings carry what reports show: the value found and the requirement.
    finding = PACK.rule("sd-space-old-town").evaluate(
        view(community(space_case=SpaceCase.OLD_TOWN, service_space_m2=280.0))
    )
    assert attrs.asdict(finding) == {
        "outcome": Outcome.FAIL,
        "actual": 280.0,
        "expected": "≥ 300 平方米",
    }
