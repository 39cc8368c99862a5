"""The hubei-huangpi rule pack (seed 004): every rule and target at its boundary."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
import shequkit_hubei
from shequkit_hubei._standards import (
    FIVE_ROOMS,
    FOUR_MACHINES,
    HUBEI_HUANGPI,
    ONE_VENUE,
    THREE_STATIONS,
    TWO_SCHOOLS,
    grade_number,
)

import shequkit
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
    StaffRole,
    VolunteerCategory,
)
from shequkit.model import (
    Community,
    Designation,
    Equipment,
    Facility,
    Funding,
    Organisation,
    Service,
    Staff,
    VolunteerTeam,
)
from shequkit.sample import SampleSpec, generate_sample
from shequkit.standards import (
    ROLLUP_SCOPES,
    CommunityView,
    Grade,
    Outcome,
    Scope,
    evaluate,
    evaluate_views,
)
from shequkit.validate import Layer, Severity

PACK = HUBEI_HUANGPI
DOCS = Path(__file__).parent.parent / "docs" / "standards" / "hubei-huangpi.md"
QIANCHUAN = "420116001001"  # 黄陂区前川街, the district seat
YICHANG = "420502001001"  # 宜昌市西陵区: Hubei, outside Wuhan

_T = CommunityType
TYPE_RULES: dict[str, tuple[CommunityType, ...]] = {
    "hb-action-plan-883": (_T.STREET,),
    "hb-allowance-street": (_T.STREET,),
    "hb-office-funds-street": (_T.STREET,),
    "hb-street-facilities": (_T.STREET,),
    "hb-allowance-other": (_T.MARKET_TOWN, _T.RESETTLED_VILLAGE, _T.DEVELOPMENT_ESTATE),
    "hb-office-funds-other": (_T.MARKET_TOWN, _T.RESETTLED_VILLAGE, _T.DEVELOPMENT_ESTATE),
    "hb-market-town-management": (_T.MARKET_TOWN,),
    "hb-market-town-economy": (_T.MARKET_TOWN,),
    "hb-resettled-village-services": (_T.RESETTLED_VILLAGE,),
    "hb-estate-property": (_T.DEVELOPMENT_ESTATE,),
}
"""Rules that apply to some community types only."""

# -- a community that meets every rule, and ways to change it -------------------------


def community(**changes: Any) -> Community:
    fields: dict[str, Any] = {
        "id": "c1",
        "division_code": QIANCHUAN,
        "name": "龙潭社区",
        "type": CommunityType.STREET,
        "households": 1300,
        "population": 4200,
        "service_space_m2": 120.0,
        "green_coverage_pct": 38.0,
        "open_affairs": True,
        "regulations_posted": 24,
    }
    fields.update(changes)
    return Community(**fields)


WORKERS = (
    StaffRole.PARTY_SECRETARY,
    StaffRole.COMMITTEE_DIRECTOR,
    StaffRole.COMMITTEE_DEPUTY_DIRECTOR,
    StaffRole.COMMITTEE_MEMBER,
    StaffRole.COMMITTEE_MEMBER,
    StaffRole.COMMITTEE_MEMBER,
    StaffRole.FULL_TIME_WORKER,
    StaffRole.GRID_WORKER,  # not one of the 社区内工作者 the allowance is per head of
    StaffRole.LABOUR_SECURITY_OFFICER,
)
"""Seven workers (secretary, committee of five, one full-time worker) and two others."""


def staff(*roles: StaffRole, elected: bool | None = True) -> list[Staff]:
    return [
        Staff(
            id=f"p{n}",
            community_id="c1",
            name="张建珍",
            role=role,
            elected=elected if role.is_committee_member else None,
        )
        for n, role in enumerate(roles or WORKERS)
    ]


KIT_FACILITIES = (
    *FIVE_ROOMS.values(),
    *THREE_STATIONS.values(),
    *TWO_SCHOOLS.values(),
    *ONE_VENUE.values(),
)
FACILITIES = (*KIT_FACILITIES, FacilityType.SANITATION_STATION)


def facilities(*kinds: FacilityType) -> list[Facility]:
    return [
        Facility(id=f"f{n}", community_id="c1", type=kind, name=kind.label_zh)
        for n, kind in enumerate(kinds)
    ]


EQUIPMENT = (
    *FOUR_MACHINES.values(),
    EquipmentType.INFORMATION_NETWORK,
    EquipmentType.FITNESS_EQUIPMENT,
)


def equipment(*kinds: EquipmentType) -> list[Equipment]:
    return [
        Equipment(id=f"e{n}", community_id="c1", type=kind, quantity=1)
        for n, kind in enumerate(kinds)
    ]


def teams(*categories: VolunteerCategory) -> list[VolunteerTeam]:
    return [
        VolunteerTeam(
            id=f"v{n}", community_id="c1", category=category, name=category.label_zh, members=12
        )
        for n, category in enumerate(categories)
    ]


ORGANISATIONS = (
    OrganisationType.PARTY_ORGANISATION,
    OrganisationType.RESIDENTS_COMMITTEE,
    OrganisationType.MEMBERS_ASSEMBLY,
    OrganisationType.CONSULTATION_COMMITTEE,
    OrganisationType.PROPERTY_COMPANY,
)


def organisations(*kinds: OrganisationType) -> list[Organisation]:
    return [
        Organisation(id=f"o{n}", community_id="c1", type=kind, name=kind.label_zh)
        for n, kind in enumerate(kinds)
    ]


SERVICES = (
    ServiceCategory.ENVIRONMENT,
    ServiceCategory.SOCIAL_SECURITY,
    ServiceCategory.SAFETY,
    ServiceCategory.CONVENIENCE,
)


def services(*categories: ServiceCategory) -> list[Service]:
    return [
        Service(
            id=f"s{n}",
            community_id="c1",
            category=category,
            name=category.label_zh,
            charging=ChargingMode.FREE,
        )
        for n, category in enumerate(categories)
    ]


_LINE_IDS = itertools.count()


def line(
    amount: str,
    purpose: FundingPurpose = FundingPurpose.LIVING_ALLOWANCE,
    source: FundingSource = FundingSource.FISCAL,
    level: DivisionLevel | None = DivisionLevel.COUNTY,
    year: int = 2024,
) -> Funding:
    return Funding(
        id=f"m{next(_LINE_IDS)}",
        community_id="c1",
        year=year,
        source=source,
        purpose=purpose,
        amount_yuan=Decimal(amount),
        payer_level=level,
    )


def funds(allowance: str = "42000", office: str = "10000", year: int = 2024) -> list[Funding]:
    """Seven workers' 6000 yuan from the district (exactly), its office funds, other lines."""
    return [
        line(allowance, year=year),
        line("30000", level=DivisionLevel.CITY, year=year),  # not the district's money
        line(office, FundingPurpose.OPERATING, year=year),
        line("3000", FundingPurpose.OPERATING, FundingSource.FEE_FOLLOWS_TASK, year=year),
        line("8000", FundingPurpose.SOCIAL_INSURANCE, year=year),
        line(
            "12000",
            FundingPurpose.SERVICE_DEVELOPMENT,
            FundingSource.SERVICE_INCOME,
            None,
            year=year,
        ),
    ]


def designations(*titles: tuple[DesignationKind, HonourLevel, str | None]) -> list[Designation]:
    return [
        Designation(
            id=f"d{n}", community_id="c1", category=kind, level=level, year=2004, grade=grade
        )
        for n, (kind, level, grade) in enumerate(titles)
    ]


GRADED_FIRST = (DesignationKind.GRADED, HonourLevel.CITY, "一级")
PLAN_883 = (DesignationKind.ACTION_PLAN_883, HonourLevel.CITY, None)


def records(**replaced: Iterable[Any]) -> dict[type[Any], tuple[Any, ...]]:
    """The complete community's child records, with some kinds replaced."""
    kinds: dict[str, Iterable[Any]] = {
        "staff": staff(),
        "facilities": facilities(*FACILITIES),
        "equipment": equipment(*EQUIPMENT),
        "teams": teams(VolunteerCategory.PUBLIC_ORDER, VolunteerCategory.CULTURE_SPORTS),
        "organisations": organisations(*ORGANISATIONS),
        "services": services(*SERVICES),
        "funding": funds(),
        "designations": designations(GRADED_FIRST, PLAN_883),
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


def test_the_pack_is_registered_for_hubei() -> None:
    assert shequkit.Toolkit().rule_pack("hubei-huangpi") == PACK
    assert shequkit_hubei.shequkit_standards() == [PACK]
    assert shequkit_hubei.HUBEI_HUANGPI is PACK
    assert PACK.province == "42"
    assert PACK.grading is not None


def test_every_rule_cites_seed_004_with_a_sentence() -> None:
    for item in (*PACK.rules, *PACK.targets):
        assert item.citation.document == "004"
        assert item.citation.clause
        assert len(item.citation.text) >= 6, item.id
        assert item.title_zh
        assert item.title_en
        assert item.id.startswith("hb-")


def test_the_kit_rules_check_what_the_return_counts() -> None:
    parts = {
        "五室": FIVE_ROOMS,
        "四机": FOUR_MACHINES,
        "三站": THREE_STATIONS,
        "两校": TWO_SCHOOLS,
        "一场所": ONE_VENUE,
    }
    assert {name: set(items.values()) for name, items in parts.items()} == {
        name: set(members) for name, (_, _, members) in shequkit_hubei.KIT.items()
    }
    assert sum(len(items) for items in parts.values()) == 15


def test_the_rule_ids_are_pinned() -> None:
    # Every rule below has boundary tests in this file; a new rule needs its own.
    assert [rule.id for rule in PACK.rules] == [
        "hb-graded",
        "hb-graded-first",
        "hb-action-plan-883",
        "hb-organisations",
        "hb-assembly-consultation",
        "hb-committee-elected",
        "hb-open-affairs",
        "hb-regulations",
        "hb-space-minimum",
        "hb-space-average",
        "hb-space-100",
        "hb-five-rooms",
        "hb-four-machines",
        "hb-three-stations",
        "hb-two-schools",
        "hb-one-venue",
        "hb-allowance-street",
        "hb-office-funds-street",
        "hb-allowance-other",
        "hb-office-funds-other",
        "hb-fee-follows-task",
        "hb-social-insurance",
        "hb-community-type",
        "hb-street-facilities",
        "hb-market-town-management",
        "hb-market-town-economy",
        "hb-resettled-village-services",
        "hb-estate-property",
        "hb-green-coverage",
        "hb-fitness-equipment",
    ]
    assert [target.id for target in PACK.targets] == [
        "hb-target-graded",
        "hb-target-first-grade",
        "hb-target-graded-reached",
        "hb-target-883",
    ]


@pytest.mark.parametrize("kind", list(CommunityType))
def test_a_complete_community_of_each_type_passes_every_rule_that_applies(
    kind: CommunityType,
) -> None:
    office = "10000" if kind is CommunityType.STREET else "5000"
    # Other types: two principals (secretary and director) at 6000 yuan each.
    allowance = "42000" if kind is CommunityType.STREET else "12000"
    complete = view(community(type=kind), funding=funds(allowance, office))
    for rule in PACK.rules:
        applies = rule.id not in TYPE_RULES or kind in TYPE_RULES[rule.id]
        expected = Outcome.PASS if applies else Outcome.NOT_APPLICABLE
        assert rule.evaluate(complete).outcome is expected, rule.id
    (result,) = evaluate_views(PACK, iter([complete]))
    assert result.meets_standard
    assert result.grade == Grade("市一级社区", 1)


def test_without_a_type_the_type_rules_are_missing_data() -> None:
    untyped = view(community(type=None))
    for rule_id in (*TYPE_RULES, "hb-community-type"):
        assert outcome(rule_id, untyped) is Outcome.MISSING_DATA, rule_id
    (result,) = evaluate_views(PACK, iter([untyped]))
    assert not result.meets_standard


def test_the_community_type_is_shown() -> None:
    finding = PACK.rule("hb-community-type").evaluate(view(community(type=_T.MARKET_TOWN)))
    assert (finding.outcome, finding.actual) == (Outcome.PASS, "集镇型")
    assert PACK.rule("hb-community-type").severity is Severity.ERROR


def test_severities_follow_the_wording() -> None:
    severity = {rule.id: rule.severity for rule in PACK.rules}
    for rule_id in ("hb-graded", "hb-graded-first", "hb-action-plan-883", "hb-space-average"):
        assert severity[rule_id] is Severity.INFO  # reported: they feed targets or describe
    assert severity["hb-social-insurance"] is Severity.INFO  # 正在研究解决
    assert severity["hb-space-100"] is Severity.WARNING  # 16 of 43 communities
    for rule_id in ("hb-five-rooms", "hb-space-minimum", "hb-green-coverage", "hb-open-affairs"):
        assert severity[rule_id] is Severity.ERROR


# -- graded communities and the 883 plan ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("一级", 1),
        ("市一级社区", 1),
        ("2级", 2),
        ("三级", 3),
        ("三 级", 3),
        ("达标", None),
        (None, None),
    ],
)
def test_grade_number(text: str | None, number: int | None) -> None:
    assert grade_number(text) == number


@pytest.mark.parametrize(
    ("titles", "graded", "first"),
    [
        ([GRADED_FIRST], Outcome.PASS, Outcome.PASS),
        ([(DesignationKind.GRADED, HonourLevel.PROVINCIAL, "一级")], Outcome.PASS, Outcome.PASS),
        ([(DesignationKind.GRADED, HonourLevel.CITY, "二级")], Outcome.PASS, Outcome.FAIL),
        ([(DesignationKind.GRADED, HonourLevel.COUNTY, "一级")], Outcome.PASS, Outcome.FAIL),
        ([(DesignationKind.GRADED, HonourLevel.CITY, None)], Outcome.PASS, Outcome.FAIL),
        ([(DesignationKind.CIVILISED, HonourLevel.CITY, "一级")], Outcome.FAIL, Outcome.FAIL),
        ([], Outcome.FAIL, Outcome.FAIL),
    ],
)
def test_graded_and_city_first_grade(
    titles: list[tuple[DesignationKind, HonourLevel, str | None]],
    graded: Outcome,
    first: Outcome,
) -> None:
    checked = view(designations=designations(*titles))
    assert outcome("hb-graded", checked) is graded
    assert outcome("hb-graded-first", checked) is first


@pytest.mark.parametrize(
    ("titles", "grade"),
    [
        ([GRADED_FIRST], Grade("市一级社区", 1)),
        ([(DesignationKind.GRADED, HonourLevel.CITY, "三级")], Grade("市三级社区", 3)),
        ([(DesignationKind.GRADED, HonourLevel.COUNTY, "二级")], Grade("区县级二级社区", 2)),
        ([(DesignationKind.GRADED, HonourLevel.CITY, "达标")], Grade("等级社区(未注明等级)", 4)),
        (
            [(DesignationKind.GRADED, HonourLevel.CITY, "三级"), GRADED_FIRST],
            Grade("市一级社区", 1),
        ),
        ([PLAN_883], None),
        ([], None),
    ],
)
def test_grading_gives_the_best_graded_title(
    titles: list[tuple[DesignationKind, HonourLevel, str | None]], grade: Grade | None
) -> None:
    (result,) = evaluate_views(PACK, iter([view(designations=designations(*titles))]))
    assert result.grade == grade


@pytest.mark.parametrize(
    ("record", "titles", "expected"),
    [
        (community(), [PLAN_883], Outcome.PASS),
        (community(), [GRADED_FIRST], Outcome.FAIL),
        (community(type=_T.MARKET_TOWN), [], Outcome.NOT_APPLICABLE),
        (community(division_code=YICHANG), [], Outcome.NOT_APPLICABLE),  # 883 is Wuhan's
        (community(type=None), [], Outcome.MISSING_DATA),
        (community(type=None, division_code=YICHANG), [], Outcome.NOT_APPLICABLE),
    ],
)
def test_street_type_communities_of_wuhan_meet_the_883_plan(
    record: Community,
    titles: list[tuple[DesignationKind, HonourLevel, str | None]],
    expected: Outcome,
) -> None:
    checked = view(record, designations=designations(*titles))
    assert outcome("hb-action-plan-883", checked) is expected


# -- organisations, elections, regulations ------------------------------------------------------


@pytest.mark.parametrize(
    ("rule_id", "kind", "name"),
    [
        ("hb-organisations", OrganisationType.PARTY_ORGANISATION, "社区党组织"),
        ("hb-organisations", OrganisationType.RESIDENTS_COMMITTEE, "社区居民委员会"),
        ("hb-assembly-consultation", OrganisationType.MEMBERS_ASSEMBLY, "社区成员代表会议"),
        (
            "hb-assembly-consultation",
            OrganisationType.CONSULTATION_COMMITTEE,
            "社区协商议事委员会",
        ),
    ],
)
def test_organisations(rule_id: str, kind: OrganisationType, name: str) -> None:
    others = [other for other in ORGANISATIONS if other is not kind]
    finding = PACK.rule(rule_id).evaluate(view(organisations=organisations(*others)))
    assert finding.outcome is Outcome.FAIL
    assert finding.actual == f"缺:{name}"
    assert outcome(rule_id, view(organisations=organisations(*ORGANISATIONS))) is Outcome.PASS


@pytest.mark.parametrize(
    ("elected", "expected"),
    [(True, Outcome.PASS), (False, Outcome.FAIL), (None, Outcome.MISSING_DATA)],
)
def test_committee_members_are_elected(elected: bool | None, expected: Outcome) -> None:
    assert outcome("hb-committee-elected", view(staff=staff(elected=elected))) is expected


def test_election_is_missing_data_without_committee_members() -> None:
    checked = view(staff=staff(StaffRole.PARTY_SECRETARY, StaffRole.GRID_WORKER))
    assert outcome("hb-committee-elected", checked) is Outcome.MISSING_DATA


@pytest.mark.parametrize(
    ("value", "expected"),
    [(True, Outcome.PASS), (False, Outcome.FAIL), (None, Outcome.MISSING_DATA)],
)
def test_open_affairs(value: bool | None, expected: Outcome) -> None:
    assert outcome("hb-open-affairs", view(community(open_affairs=value))) is expected


@pytest.mark.parametrize(
    ("posted", "expected"),
    [(24, Outcome.PASS), (30, Outcome.PASS), (23, Outcome.FAIL), (None, Outcome.MISSING_DATA)],
)
def test_the_24_duty_regulations_are_posted(posted: int | None, expected: Outcome) -> None:
    assert outcome("hb-regulations", view(community(regulations_posted=posted))) is expected


# -- space and the kit -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("area", "minimum", "average", "good"),
    [
        (39.9, Outcome.FAIL, Outcome.FAIL, Outcome.FAIL),
        (40.0, Outcome.PASS, Outcome.FAIL, Outcome.FAIL),
        (86.5, Outcome.PASS, Outcome.FAIL, Outcome.FAIL),
        (86.6, Outcome.PASS, Outcome.PASS, Outcome.FAIL),
        (99.9, Outcome.PASS, Outcome.PASS, Outcome.FAIL),
        (100.0, Outcome.PASS, Outcome.PASS, Outcome.PASS),
        (280.0, Outcome.PASS, Outcome.PASS, Outcome.PASS),  # the largest is no limit
        (None, Outcome.MISSING_DATA, Outcome.MISSING_DATA, Outcome.MISSING_DATA),
    ],
)
def test_office_and_service_space(
    area: float | None, minimum: Outcome, average: Outcome, good: Outcome
) -> None:
    checked = view(community(service_space_m2=area))
    assert outcome("hb-space-minimum", checked) is minimum
    assert outcome("hb-space-average", checked) is average
    assert outcome("hb-space-100", checked) is good


KIT_RULES = {
    "hb-five-rooms": FIVE_ROOMS,
    "hb-three-stations": THREE_STATIONS,
    "hb-two-schools": TWO_SCHOOLS,
    "hb-one-venue": ONE_VENUE,
}


@pytest.mark.parametrize(
    ("rule_id", "name", "kind"),
    [(rule_id, name, kind) for rule_id, items in KIT_RULES.items() for name, kind in items.items()],
)
def test_each_facility_of_the_kit(rule_id: str, name: str, kind: FacilityType) -> None:
    kept = [other for other in FACILITIES if other is not kind]
    finding = PACK.rule(rule_id).evaluate(view(facilities=facilities(*kept)))
    assert finding.outcome is Outcome.FAIL
    assert finding.actual == f"缺:{name}"
    for other_id in KIT_RULES:
        if other_id != rule_id:
            assert outcome(other_id, view(facilities=facilities(*kept))) is Outcome.PASS


@pytest.mark.parametrize(("name", "kind"), list(FOUR_MACHINES.items()))
def test_each_of_the_four_machines(name: str, kind: EquipmentType) -> None:
    kept = [other for other in EQUIPMENT if other is not kind]
    finding = PACK.rule("hb-four-machines").evaluate(view(equipment=equipment(*kept)))
    assert finding.outcome is Outcome.FAIL
    assert finding.actual == f"缺:{name}"


def test_the_kit_counts_records_of_the_right_kind() -> None:
    # A facility called like a machine does not count as the machine, and vice versa.
    checked = view(equipment=[], facilities=facilities(*FACILITIES))
    assert outcome("hb-four-machines", checked) is Outcome.FAIL
    assert outcome("hb-five-rooms", checked) is Outcome.PASS


# -- allowances and funds ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("allowance", "expected", "shown"),
    [
        ("42000", Outcome.PASS, 6000.0),  # 7 workers x 6000 yuan, exactly
        ("41999.99", Outcome.FAIL, 5999.99),
        ("84000", Outcome.PASS, 12000.0),
    ],
)
def test_street_type_allowance_of_6000_yuan_per_worker(
    allowance: str, expected: Outcome, shown: float
) -> None:
    finding = PACK.rule("hb-allowance-street").evaluate(view(funding=funds(allowance)))
    assert (finding.outcome, finding.actual) == (expected, shown)
    assert finding.expected == "≥ 6,000 元/人·年"


def test_the_allowance_counts_only_community_workers_and_the_districts_money() -> None:
    # Two more grid workers change nothing; one more committee member does.
    more_grid = staff(*WORKERS, StaffRole.GRID_WORKER, StaffRole.GRID_WORKER)
    assert outcome("hb-allowance-street", view(staff=more_grid)) is Outcome.PASS
    more_members = staff(*WORKERS, StaffRole.COMMITTEE_MEMBER)
    assert outcome("hb-allowance-street", view(staff=more_members)) is Outcome.FAIL
    # The city's 30,000 yuan in funds() never counted: without the district's line it fails.
    city_only = [entry for entry in funds() if entry.payer_level is not DivisionLevel.COUNTY]
    assert outcome("hb-allowance-street", view(funding=city_only)) is Outcome.FAIL


@pytest.mark.parametrize("rule_id", ["hb-allowance-street", "hb-allowance-other"])
def test_allowance_with_missing_data(rule_id: str) -> None:
    kind = _T.STREET if rule_id == "hb-allowance-street" else _T.MARKET_TOWN
    unknown_payer = [*funds(), line("500", level=None)]
    assert outcome(rule_id, view(community(type=kind), funding=unknown_payer)) is (
        Outcome.MISSING_DATA
    )
    assert outcome(rule_id, view(community(type=kind), funding=[])) is Outcome.MISSING_DATA


def test_the_street_allowance_needs_workers() -> None:
    checked = view(staff=staff(StaffRole.GRID_WORKER))
    assert outcome("hb-allowance-street", checked) is Outcome.MISSING_DATA


def test_funds_of_the_latest_year_count() -> None:
    lines = [*funds("42000", year=2023), *funds("21000", year=2024)]
    assert outcome("hb-allowance-street", view(funding=lines)) is Outcome.FAIL
    lines = [*funds("21000", year=2023), *funds("42000", year=2024)]
    assert outcome("hb-allowance-street", view(funding=lines)) is Outcome.PASS


@pytest.mark.parametrize(
    ("roles", "allowance", "expected"),
    [
        (WORKERS, "12000", Outcome.PASS),  # secretary and director: 2 x 6000
        (WORKERS, "11999.99", Outcome.FAIL),
        ((StaffRole.COMMITTEE_DIRECTOR, StaffRole.COMMITTEE_MEMBER), "6000", Outcome.PASS),
        ((StaffRole.COMMITTEE_DIRECTOR, StaffRole.COMMITTEE_MEMBER), "5999", Outcome.FAIL),
        ((StaffRole.GRID_WORKER,), "6000", Outcome.PASS),  # none recorded: one principal
    ],
)
def test_other_types_allowance_of_6000_yuan_per_principal(
    roles: tuple[StaffRole, ...], allowance: str, expected: Outcome
) -> None:
    checked = view(
        community(type=_T.RESETTLED_VILLAGE), staff=staff(*roles), funding=funds(allowance)
    )
    finding = PACK.rule("hb-allowance-other").evaluate(checked)
    assert finding.outcome is expected
    assert finding.actual == float(Decimal(allowance))


@pytest.mark.parametrize(
    ("kind", "office", "street", "other"),
    [
        (_T.STREET, "10000", Outcome.PASS, Outcome.NOT_APPLICABLE),
        (_T.STREET, "9999.99", Outcome.FAIL, Outcome.NOT_APPLICABLE),
        (_T.DEVELOPMENT_ESTATE, "5000", Outcome.NOT_APPLICABLE, Outcome.PASS),
        (_T.DEVELOPMENT_ESTATE, "4999.99", Outcome.NOT_APPLICABLE, Outcome.FAIL),
        (_T.MARKET_TOWN, "0", Outcome.NOT_APPLICABLE, Outcome.FAIL),
    ],
)
def test_office_funds_of_10000_or_5000_yuan(
    kind: CommunityType, office: str, street: Outcome, other: Outcome
) -> None:
    checked = view(community(type=kind), funding=funds(office=office))
    assert outcome("hb-office-funds-street", checked) is street
    assert outcome("hb-office-funds-other", checked) is other


def test_office_funds_with_missing_data() -> None:
    unknown_payer = [*funds(), line("500", FundingPurpose.OPERATING, level=None)]
    assert outcome("hb-office-funds-street", view(funding=unknown_payer)) is Outcome.MISSING_DATA
    assert outcome("hb-office-funds-street", view(funding=[])) is Outcome.MISSING_DATA


@pytest.mark.parametrize(
    ("rule_id", "dropped"),
    [
        ("hb-fee-follows-task", FundingSource.FEE_FOLLOWS_TASK),
        ("hb-social-insurance", FundingPurpose.SOCIAL_INSURANCE),
    ],
)
def test_funding_lines_that_must_be_present(
    rule_id: str, dropped: FundingSource | FundingPurpose
) -> None:
    kept = [entry for entry in funds() if dropped not in (entry.source, entry.purpose)]
    assert outcome(rule_id, view(funding=kept)) is Outcome.FAIL
    assert outcome(rule_id, view()) is Outcome.PASS
    assert outcome(rule_id, view(funding=[])) is Outcome.MISSING_DATA


# -- the four community types -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "missing"),
    [
        ("facilities", "环卫站"),
        ("teams", "社区安保服务队"),
        ("equipment", "社区服务计算机信息网络"),
    ],
)
def test_street_type_sanitation_station_security_team_and_network(kind: str, missing: str) -> None:
    without: dict[str, Iterable[Any]] = {
        "facilities": facilities(*KIT_FACILITIES),
        "teams": teams(VolunteerCategory.CULTURE_SPORTS),
        "equipment": equipment(*FOUR_MACHINES.values()),
    }
    finding = PACK.rule("hb-street-facilities").evaluate(view(**{kind: without[kind]}))
    assert (finding.outcome, finding.actual) == (Outcome.FAIL, f"缺:{missing}")
    estate = view(community(type=_T.DEVELOPMENT_ESTATE), **{kind: without[kind]})
    assert outcome("hb-street-facilities", estate) is Outcome.NOT_APPLICABLE


@pytest.mark.parametrize(
    ("rule_id", "changed", "expected"),
    [
        ("hb-market-town-management", {"services": services()}, Outcome.FAIL),
        (
            "hb-market-town-management",
            {"services": services(ServiceCategory.ENVIRONMENT)},
            Outcome.PASS,
        ),
        ("hb-market-town-economy", {"funding": funds()[:5]}, Outcome.FAIL),  # no service income
        ("hb-market-town-economy", {"funding": funds()}, Outcome.PASS),
        ("hb-market-town-economy", {"funding": []}, Outcome.MISSING_DATA),
    ],
)
def test_market_town_type_manages_the_town_and_has_an_economy(
    rule_id: str, changed: dict[str, Iterable[Any]], expected: Outcome
) -> None:
    checked = view(community(type=_T.MARKET_TOWN), **changed)
    assert outcome(rule_id, checked) is expected
    assert outcome(rule_id, view(**changed)) is Outcome.NOT_APPLICABLE  # a street type


@pytest.mark.parametrize(
    ("categories", "expected"),
    [
        (SERVICES, Outcome.PASS),
        ((ServiceCategory.ASSISTANCE, ServiceCategory.SAFETY, ServiceCategory.CONVENIENCE), None),
        ((ServiceCategory.ELDERLY_CARE, ServiceCategory.SAFETY, ServiceCategory.CONVENIENCE), None),
        ((ServiceCategory.SAFETY, ServiceCategory.CONVENIENCE), "缺:社会保障"),
        ((ServiceCategory.SOCIAL_SECURITY, ServiceCategory.CONVENIENCE), "缺:小区治安"),
        ((ServiceCategory.SOCIAL_SECURITY, ServiceCategory.SAFETY), "缺:社会服务"),
    ],
)
def test_resettled_village_type_services(
    categories: tuple[ServiceCategory, ...], expected: Outcome | str | None
) -> None:
    checked = view(community(type=_T.RESETTLED_VILLAGE), services=services(*categories))
    finding = PACK.rule("hb-resettled-village-services").evaluate(checked)
    if isinstance(expected, str):
        assert (finding.outcome, finding.actual) == (Outcome.FAIL, expected)
    else:
        assert finding.outcome is Outcome.PASS


def test_estate_type_has_property_management() -> None:
    estate = community(type=_T.DEVELOPMENT_ESTATE)
    without = organisations(*ORGANISATIONS[:4])
    assert outcome("hb-estate-property", view(estate, organisations=without)) is Outcome.FAIL
    assert outcome("hb-estate-property", view(estate)) is Outcome.PASS
    assert outcome("hb-estate-property", view(organisations=without)) is Outcome.NOT_APPLICABLE


# -- green coverage, fitness equipment -------------------------------------------------------------


@pytest.mark.parametrize(
    ("coverage", "expected"),
    [
        (34.9, Outcome.FAIL),
        (35.0, Outcome.PASS),
        (48.0, Outcome.PASS),
        (None, Outcome.MISSING_DATA),
    ],
)
def test_green_coverage_of_35_percent(coverage: float | None, expected: Outcome) -> None:
    assert outcome("hb-green-coverage", view(community(green_coverage_pct=coverage))) is expected


def test_fitness_equipment() -> None:
    checked = view(equipment=equipment(*FOUR_MACHINES.values()))
    assert outcome("hb-fitness-equipment", checked) is Outcome.FAIL
    assert outcome("hb-fitness-equipment", view()) is Outcome.PASS


# -- targets -------------------------------------------------------------------------------------


def _district(
    graded: int,
    first: int,
    *,
    street_types: int = 0,
    plans: int = 0,
    size: int = 10,
) -> shequkit.Dataset:
    """``size`` communities of 前川街 (Huangpi): the first ``graded`` hold a 等级社区 title,
    the first ``first`` of them at 市一级; the first ``street_types`` are street type and
    the first ``plans`` of those meet the 883 plan."""
    communities = []
    titles = []
    for number in range(size):
        community_id = f"c{number}"
        kind = _T.STREET if number < street_types else _T.MARKET_TOWN
        communities.append(
            community(
                id=community_id,
                name=f"社区{number}",
                division_code=f"420116001{number + 1:03d}",
                type=kind,
            )
        )
        if number < graded:
            grade = "一级" if number < first else "二级"
            titles.append(
                Designation(
                    id=f"g{number}",
                    community_id=community_id,
                    category=DesignationKind.GRADED,
                    level=HonourLevel.CITY,
                    year=2004,
                    grade=grade,
                )
            )
        if number < plans:
            titles.append(
                Designation(
                    id=f"p{number}",
                    community_id=community_id,
                    category=DesignationKind.ACTION_PLAN_883,
                    level=HonourLevel.CITY,
                    year=2005,
                )
            )
    meta = shequkit.Metadata(reporting_unit="黄陂区民政局", period="2005")
    return shequkit.Dataset(meta=meta, communities=tuple(communities), designations=tuple(titles))


def _targets(dataset: shequkit.Dataset, scope: Scope) -> dict[str, Outcome]:
    (unit,) = evaluate(dataset, PACK).rollups[scope]
    return {result.target.id: result.finding.outcome for result in unit.targets}


@pytest.mark.parametrize(
    ("graded", "first", "every", "eighty", "ninety"),
    [
        (10, 8, Outcome.PASS, Outcome.PASS, Outcome.PASS),
        (10, 7, Outcome.PASS, Outcome.FAIL, Outcome.PASS),
        (9, 8, Outcome.FAIL, Outcome.PASS, Outcome.PASS),  # 90% reached exactly
        (8, 8, Outcome.FAIL, Outcome.PASS, Outcome.FAIL),
    ],
)
def test_county_targets_for_graded_communities(
    graded: int, first: int, every: Outcome, eighty: Outcome, ninety: Outcome
) -> None:
    assert _targets(_district(graded, first), Scope.COUNTY) == {
        "hb-target-graded": every,
        "hb-target-first-grade": eighty,
        "hb-target-graded-reached": ninety,
    }


def test_a_county_short_of_every_community_graded_needs_the_rest() -> None:
    evaluation = evaluate(_district(7, 7), PACK)
    (county,) = evaluation.rollups[Scope.COUNTY]
    needed = {result.target.id: result.needed for result in county.targets}
    assert needed == {
        "hb-target-graded": 3,
        "hb-target-first-grade": 1,
        "hb-target-graded-reached": 2,
    }
    missed = [issue for issue in evaluation.issues() if issue.code == "SQK-W404"]
    assert {issue.record_id for issue in missed} == {"420116000000"}
    assert len(missed) == 3


@pytest.mark.parametrize(
    ("street_types", "plans", "expected"),
    [
        (3, 3, Outcome.PASS),
        (3, 2, Outcome.FAIL),
        (0, 0, Outcome.NOT_APPLICABLE),  # no street-type community in the street
    ],
)
def test_every_street_type_community_of_a_street_meets_the_883_plan(
    street_types: int, plans: int, expected: Outcome
) -> None:
    dataset = _district(10, 10, street_types=street_types, plans=plans)
    assert _targets(dataset, Scope.STREET) == {"hb-target-883": expected}


# -- a Hubei sample --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample() -> shequkit.Dataset:
    return generate_sample(SampleSpec(communities=400, seed=11, province="42"))


def test_a_hubei_sample_gives_a_realistic_mix(sample: shequkit.Dataset) -> None:
    evaluation = evaluate(sample, PACK)
    total = len(evaluation.communities)
    assert total == 400
    assert 0.6 * total < evaluation.meeting_standard < total
    for rule in PACK.rules:
        counts = evaluation.rule_counts(rule.id)
        assessed = total - counts[Outcome.NOT_APPLICABLE]
        assert assessed > 0, rule.id
        assert counts[Outcome.PASS] > 0, rule.id
        assert counts[Outcome.MISSING_DATA] < assessed, rule.id
        if rule.required:  # requirements hold for most communities of the sample
            assert counts[Outcome.PASS] >= 0.8 * assessed, rule.id
    failing = {rule.id for rule in PACK.rules if evaluation.rule_counts(rule.id)[Outcome.FAIL]}
    assert {
        "hb-graded",
        "hb-five-rooms",
        "hb-four-machines",
        "hb-street-facilities",
        "hb-green-coverage",
        "hb-regulations",
        "hb-allowance-street",
    } <= failing
    grades = {result.grade.label for result in evaluation.communities if result.grade}
    assert {"市一级社区", "市二级社区", "市三级社区"} <= grades
    targets = [
        result.finding.outcome
        for scope in (Scope.STREET, Scope.COUNTY)
        for unit in evaluation.rollups[scope]
        for result in unit.targets
    ]
    assert {Outcome.PASS, Outcome.FAIL} <= set(targets)


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
            for result in Outcome:
                found = sum(unit.outcomes[rule.id][result] for unit in units)
                assert found == evaluation.rule_counts(rule.id)[result]
    for lower, upper in itertools.pairwise(ROLLUP_SCOPES):
        for unit in rollups[upper]:
            prefix = unit.code[: upper.prefix_length]
            below = [part for part in rollups[lower] if part.code.startswith(prefix)]
            assert sum(part.communities for part in below) == unit.communities
            assert sum(part.meeting_standard for part in below) == unit.meeting_standard
            for rule in PACK.rules:
                assert sum(part.passed(rule.id) for part in below) == unit.passed(rule.id)
                assert sum(part.assessed(rule.id) for part in below) == unit.assessed(rule.id)
    for scope, ids in (
        (Scope.COUNTY, ["hb-target-graded", "hb-target-first-grade", "hb-target-graded-reached"]),
        (Scope.STREET, ["hb-target-883"]),
    ):
        for unit in rollups[scope]:
            assert [result.target.id for result in unit.targets] == ids
    document = json.loads(json.dumps(evaluation.to_dict(), ensure_ascii=False))
    assert document["pack"]["name"] == "hubei-huangpi"
    assert document["summary"]["meeting_standard"] == evaluation.meeting_standard
    assert {item["grade"] for item in document["communities"]} >= {"市一级社区", None}


def test_validate_with_the_pack_adds_standards_issues(sample: shequkit.Dataset) -> None:
    plain = shequkit.validate(sample)
    checked = shequkit.validate(sample, rules="hubei-huangpi")
    assert checked.records == plain.records
    standards = [issue for issue in checked.issues if issue.layer is Layer.STANDARDS]
    assert standards
    assert {issue.code for issue in standards} <= {"SQK-E401", "SQK-W402", "SQK-W403", "SQK-W404"}
    assert checked.counts["SQK-E401"] > 0
    assert checked.counts["SQK-W404"] > 0
    assert all(issue.layer is not Layer.STANDARDS for issue in plain.issues)
    failed = next(issue for issue in standards if issue.code == "SQK-E401")
    assert "004" in failed.message_en


# -- the documentation page ------------------------------------------------------------------


def test_the_docs_page_lists_every_rule_with_its_source() -> None:
    page = DOCS.read_text(encoding="utf-8")
    flat = "".join(page.split())
    for item in (*PACK.rules, *PACK.targets):
        assert f"`{item.id}`" in page, item.id
        assert "".join(item.citation.text.split()) in flat, item.id


def test_the_docs_page_is_in_the_navigation() -> None:
    nav = (Path(__file__).parent.parent / "mkdocs.yml").read_text(encoding="utf-8")
    assert "standards/hubei-huangpi.md" in nav


def test_a_finding_shows_the_value_found_and_required() -> None:
    finding = PACK.rule("hb-green-coverage").evaluate(view(community(green_coverage_pct=30.5)))
    assert attrs.asdict(finding) == {
        "outcome": Outcome.FAIL,
        "actual": 30.5,
        "expected": "≥ 35 %",
    }
