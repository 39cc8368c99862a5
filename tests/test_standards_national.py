"""The national rule pack (seeds 000, 003, the 14th Five-Year plan): every rule at its boundary."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import attrs
import pytest

import shequkit
from shequkit.codes import (
    ChargingMode,
    FacilityType,
    OrganisationType,
    ServiceCategory,
    SocialOrganisationCategory,
    TargetGroup,
    UrbanRuralClass,
    VolunteerCategory,
)
from shequkit.model import Community, Facility, Organisation, Service, VolunteerTeam
from shequkit.sample import SampleSpec, generate_sample
from shequkit.standards import (
    ROLLUP_SCOPES,
    CommunityView,
    Outcome,
    Scope,
    evaluate,
    evaluate_views,
)
from shequkit.standards._evaluate import roll_up
from shequkit.standards._national import NATIONAL, PLAN, TEN_FUNCTIONS
from shequkit.validate import Layer, Severity

PACK = NATIONAL
DOCS = Path(__file__).parent.parent / "docs" / "standards" / "national.md"
_S = ServiceCategory
_T = TargetGroup
_O = OrganisationType

# -- a community that meets every rule, and ways to change it -------------------------


def community(**changes: Any) -> Community:
    fields: dict[str, Any] = {
        "id": "c1",
        "division_code": "320102001001",
        "name": "龙潭社区",
        "households": 3000,
        "population": 8600,
        "urban_rural_class": UrbanRuralClass.MAIN_URBAN_AREA,
        "service_space_m2": 900.0,
        "open_affairs": True,
    }
    fields.update(changes)
    return Community(**fields)


def organisation(
    number: int,
    kind: OrganisationType,
    parent_id: str | None = None,
    category: SocialOrganisationCategory | None = None,
) -> Organisation:
    return Organisation(
        id=f"o{number}",
        community_id="c1",
        type=kind,
        name=kind.label_zh,
        parent_id=parent_id,
        social_category=category,
    )


def organisations(*dropped: OrganisationType) -> list[Organisation]:
    """The organisational set: committees o4 and o5 under the residents' committee o1."""
    rows = [
        organisation(0, _O.PARTY_ORGANISATION),
        organisation(1, _O.RESIDENTS_COMMITTEE),
        organisation(2, _O.MEMBERS_ASSEMBLY),
        organisation(3, _O.CONSULTATION_COMMITTEE),
        organisation(4, _O.MEDIATION_COMMITTEE, "o1"),
        organisation(5, _O.PUBLIC_SECURITY_COMMITTEE, "o1"),
        organisation(6, _O.SOCIAL_ORGANISATION, category=SocialOrganisationCategory.CHARITY),
    ]
    return [row for row in rows if row.type not in dropped]


def service(
    number: int,
    category: ServiceCategory,
    charging: ChargingMode = ChargingMode.FREE,
    groups: Iterable[TargetGroup] = (),
) -> Service:
    return Service(
        id=f"s{number}",
        community_id="c1",
        category=category,
        name=category.label_zh,
        charging=charging,
        target_groups=tuple(groups),
    )


SERVICES: dict[ServiceCategory, tuple[ChargingMode, tuple[TargetGroup, ...]]] = {
    _S.CONVENIENCE: (ChargingMode.PAID, (_T.ALL_RESIDENTS,)),
    _S.ASSISTANCE: (ChargingMode.FREE, (_T.SUBSISTENCE_ALLOWANCE,)),
    _S.HEALTH_CARE: (ChargingMode.FREE, (_T.CHILDREN,)),
    _S.SAFETY: (ChargingMode.FREE, ()),
    _S.RESIDENT_EDUCATION: (ChargingMode.FREE, (_T.YOUTH,)),
    _S.LEGAL_EDUCATION: (ChargingMode.FREE, ()),
    _S.CULTURE: (ChargingMode.FREE, ()),
    _S.SPORTS: (ChargingMode.FREE, ()),
    _S.ENVIRONMENT: (ChargingMode.FREE, ()),
    _S.OVERSIGHT: (ChargingMode.FREE, ()),
    _S.EMPLOYMENT: (ChargingMode.FREE, (_T.AGED_40_50,)),
    _S.ELDERLY_CARE: (ChargingMode.LOW_COST, (_T.EMPTY_NEST_ELDERLY,)),
}


def services(
    table: dict[ServiceCategory, tuple[ChargingMode, tuple[TargetGroup, ...]]] | None = None,
) -> list[Service]:
    return [
        service(number, category, charging, groups)
        for number, (category, (charging, groups)) in enumerate((table or SERVICES).items())
    ]


def without(table: dict[Any, Any], *keys: Any) -> dict[Any, Any]:
    return {key: value for key, value in table.items() if key not in keys}


def facility(number: int, kind: FacilityType) -> Facility:
    return Facility(id=f"f{number}", community_id="c1", type=kind, name=kind.label_zh)


FACILITIES = (FacilityType.SERVICE_STATION, FacilityType.DONATION_POINT)


def facilities(*kinds: FacilityType) -> list[Facility]:
    return [facility(number, kind) for number, kind in enumerate(kinds)]


def teams(*categories: VolunteerCategory) -> list[VolunteerTeam]:
    return [
        VolunteerTeam(id=f"v{n}", community_id="c1", category=category, name="队", members=10)
        for n, category in enumerate(categories)
    ]


def view(record: Community | None = None, **replaced: Iterable[Any]) -> CommunityView:
    """The complete community, with some kinds of child record replaced."""
    kinds: dict[str, Iterable[Any]] = {
        "organisations": organisations(),
        "services": services(),
        "facilities": facilities(*FACILITIES),
        "teams": teams(VolunteerCategory.CONVENIENCE),
    }
    kinds.update(replaced)
    grouped: dict[type[Any], tuple[Any, ...]] = {}
    for rows in kinds.values():
        for row in rows:
            grouped[type(row)] = (*grouped.get(type(row), ()), row)
    return CommunityView(record or community(), records=grouped)


def outcome(rule_id: str, community_view: CommunityView) -> Outcome:
    return PACK.rule(rule_id).evaluate(community_view).outcome


# -- the pack ---------------------------------------------------------------------------


def test_the_pack_is_registered_under_its_name() -> None:
    assert shequkit.Toolkit().rule_pack("national") is PACK
    assert PACK.name == "national"
    assert PACK.province is None
    assert PACK.grading is None


def test_the_rule_ids_are_pinned() -> None:
    # Every rule below has boundary tests in this file; a new rule needs its own.
    assert [rule.id for rule in PACK.rules] == [
        "cn-party-organisation",
        "cn-members-assembly",
        "cn-residents-committee",
        "cn-consultation-committee",
        "cn-mediation-committee",
        "cn-public-security-committee",
        "cn-social-organisations",
        "cn-open-affairs",
        "cn-service-functions",
        "cn-reemployment-services",
        "cn-subsistence-allowance",
        "cn-donation-point",
        "cn-elderly-services",
        "cn-service-mix",
        "cn-basic-needs",
        "cn-service-facility",
        "cn-service-space",
    ]
    assert [target.id for target in PACK.targets] == ["cn-target-facility-coverage"]


def test_every_rule_cites_its_document_with_a_sentence() -> None:
    for item in (*PACK.rules, *PACK.targets):
        assert item.citation.document in {"000", "003", PLAN}, item.id
        assert item.citation.clause, item.id
        assert len(item.citation.text) >= 10, item.id
        assert item.title_zh, item.id
        assert item.title_en, item.id
        assert item.id.startswith("cn-")


def test_severities_follow_the_wording() -> None:
    required = {rule.id for rule in PACK.rules if rule.severity is Severity.ERROR}
    assert required == {
        "cn-party-organisation",
        "cn-members-assembly",
        "cn-residents-committee",
        "cn-consultation-committee",
        "cn-mediation-committee",
        "cn-public-security-committee",
        "cn-open-affairs",
        "cn-service-facility",
    }
    assert all(rule.severity is Severity.WARNING for rule in PACK.rules if rule.id not in required)


def test_a_complete_community_passes_every_rule() -> None:
    complete = view()
    for rule in PACK.rules:
        assert rule.evaluate(complete).outcome is Outcome.PASS, rule.id
    (result,) = evaluate_views(PACK, iter([complete]))
    assert result.meets_standard
    assert result.grade is None


# -- organisations -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule_id", "kind"),
    [
        ("cn-party-organisation", _O.PARTY_ORGANISATION),
        ("cn-members-assembly", _O.MEMBERS_ASSEMBLY),
        ("cn-residents-committee", _O.RESIDENTS_COMMITTEE),
        ("cn-consultation-committee", _O.CONSULTATION_COMMITTEE),
        ("cn-social-organisations", _O.SOCIAL_ORGANISATION),
    ],
)
def test_organisations_of_the_set(rule_id: str, kind: OrganisationType) -> None:
    assert outcome(rule_id, view()) is Outcome.PASS
    finding = PACK.rule(rule_id).evaluate(view(organisations=organisations(kind)))
    assert finding.outcome is Outcome.FAIL
    assert finding.actual == f"缺:{kind.label_zh}"


@pytest.mark.parametrize(
    ("rule_id", "kind"),
    [
        ("cn-mediation-committee", _O.MEDIATION_COMMITTEE),
        ("cn-public-security-committee", _O.PUBLIC_SECURITY_COMMITTEE),
    ],
)
def test_committees_must_be_under_the_residents_committee(
    rule_id: str, kind: OrganisationType
) -> None:
    rest = organisations(kind)

    def committee(parent: str | None) -> CommunityView:
        return view(organisations=[*rest, organisation(9, kind, parent)])

    assert outcome(rule_id, committee("o1")) is Outcome.PASS
    assert outcome(rule_id, committee(None)) is Outcome.MISSING_DATA
    under_party = PACK.rule(rule_id).evaluate(committee("o0"))  # o0 is the party organisation
    assert under_party.outcome is Outcome.FAIL
    assert under_party.actual == f"{kind.label_zh}不隶属社区居委会"
    assert outcome(rule_id, committee("elsewhere")) is Outcome.FAIL
    missing = PACK.rule(rule_id).evaluate(view(organisations=rest))
    assert (missing.outcome, missing.actual) == (Outcome.FAIL, f"缺:{kind.label_zh}")
    # A committee under the residents' committee is enough, whatever other ones record.
    both = view(organisations=[*rest, organisation(8, kind, None), organisation(9, kind, "o1")])
    assert outcome(rule_id, both) is Outcome.PASS
    # Without a residents' committee nothing can be under it.
    no_committee = [row for row in rest if row.type is not _O.RESIDENTS_COMMITTEE]
    orphan = view(organisations=[*no_committee, organisation(9, kind, "o1")])
    assert outcome(rule_id, orphan) is Outcome.FAIL


@pytest.mark.parametrize(
    ("value", "expected"),
    [(True, Outcome.PASS), (False, Outcome.FAIL), (None, Outcome.MISSING_DATA)],
)
def test_open_affairs(value: bool | None, expected: Outcome) -> None:
    assert outcome("cn-open-affairs", view(community(open_affairs=value))) is expected


# -- services ---------------------------------------------------------------------------


def test_the_ten_functions_are_the_first_ten_categories() -> None:
    assert len(TEN_FUNCTIONS) == 10
    assert tuple(list(ServiceCategory)[:10]) == TEN_FUNCTIONS


@pytest.mark.parametrize("dropped", TEN_FUNCTIONS, ids=lambda category: category.name)
def test_each_of_the_ten_service_functions(dropped: ServiceCategory) -> None:
    finding = PACK.rule("cn-service-functions").evaluate(
        view(services=services(without(SERVICES, dropped)))
    )
    assert finding.outcome is Outcome.FAIL
    assert finding.actual == f"9/10 缺:{dropped.label_zh}"


def test_the_ten_functions_pass_with_one_service_each() -> None:
    finding = PACK.rule("cn-service-functions").evaluate(
        view(services=[service(n, category) for n, category in enumerate(TEN_FUNCTIONS)])
    )
    assert (finding.outcome, finding.actual, finding.expected) == (Outcome.PASS, "10/10", "10/10")


@pytest.mark.parametrize(
    ("rule_id", "passing", "failing"),
    [
        (
            "cn-reemployment-services",
            [
                service(0, _S.EMPLOYMENT),
                service(0, _S.SOCIAL_SECURITY),
                service(0, _S.CONVENIENCE, groups=[_T.UNEMPLOYED]),
                service(0, _S.ASSISTANCE, groups=[_T.ZERO_EMPLOYMENT_FAMILY]),
                service(0, _S.CULTURE, groups=[_T.AGED_40_50]),
            ],
            [service(0, _S.CONVENIENCE, groups=[_T.ELDERLY]), service(0, _S.ELDERLY_CARE)],
        ),
        (
            "cn-subsistence-allowance",
            [service(0, _S.ASSISTANCE, groups=[_T.DISABLED, _T.SUBSISTENCE_ALLOWANCE])],
            [service(0, _S.ASSISTANCE, groups=[_T.DISABLED]), service(0, _S.CHARITY)],
        ),
        (
            "cn-elderly-services",
            [
                service(0, _S.ELDERLY_CARE),
                service(0, _S.HEALTH_CARE, groups=[_T.ELDERLY]),
                service(0, _S.CONVENIENCE, groups=[_T.EMPTY_NEST_ELDERLY]),
            ],
            [service(0, _S.CULTURE, groups=[_T.RETIREES, _T.CHILDREN])],
        ),
    ],
)
def test_services_for_groups(rule_id: str, passing: list[Service], failing: list[Service]) -> None:
    for one in passing:
        assert outcome(rule_id, view(services=[one])) is Outcome.PASS, one
    for one in failing:
        assert outcome(rule_id, view(services=[one])) is Outcome.FAIL, one
    assert outcome(rule_id, view(services=[])) is Outcome.FAIL


@pytest.mark.parametrize(
    ("kinds", "expected"),
    [
        ([FacilityType.DONATION_POINT], Outcome.PASS),
        ([FacilityType.CHARITY_SUPERMARKET], Outcome.PASS),
        ([FacilityType.SERVICE_STATION, FacilityType.TALK_ROOM], Outcome.FAIL),
        ([], Outcome.FAIL),
    ],
)
def test_a_fixed_donation_point(kinds: list[FacilityType], expected: Outcome) -> None:
    assert outcome("cn-donation-point", view(facilities=facilities(*kinds))) is expected


def test_welfare_mutual_aid_and_charged_services_combined() -> None:
    rule = PACK.rule("cn-service-mix")
    free = service(0, _S.ASSISTANCE, ChargingMode.FREE)
    paid = service(1, _S.CONVENIENCE, ChargingMode.PAID)
    low = service(2, _S.ELDERLY_CARE, ChargingMode.LOW_COST)
    team = teams(VolunteerCategory.HEALTH)
    mutual = organisation(7, _O.SOCIAL_ORGANISATION, category=SocialOrganisationCategory.MUTUAL_AID)
    assert rule.evaluate(view(services=[free, paid], teams=team)).outcome is Outcome.PASS
    assert rule.evaluate(view(services=[free, low], teams=team)).outcome is Outcome.PASS
    no_teams = view(services=[free, paid], teams=[])
    assert rule.evaluate(no_teams).outcome is Outcome.FAIL
    with_mutual_aid = view(
        services=[free, paid], teams=[], organisations=[*organisations(), mutual]
    )
    assert rule.evaluate(with_mutual_aid).outcome is Outcome.PASS
    only_free = rule.evaluate(view(services=[free], teams=team))
    assert (only_free.outcome, only_free.actual) == (Outcome.FAIL, "缺:有偿服务(有偿或低偿)")
    only_charged = rule.evaluate(view(services=[paid, low], teams=team))
    assert (only_charged.outcome, only_charged.actual) == (
        Outcome.FAIL,
        "缺:社会福利服务(无偿)",
    )


@pytest.mark.parametrize(
    ("dropped", "need"),
    [
        ((_S.EMPLOYMENT,), "劳动就业"),
        ((_S.ASSISTANCE, _S.CONVENIENCE, _S.ELDERLY_CARE), "社会服务"),
        ((_S.SAFETY,), "治安保卫"),
        ((_S.HEALTH_CARE,), "医疗卫生"),
        ((_S.CULTURE, _S.SPORTS), "文体娱乐"),
    ],
)
def test_basic_needs_of_residents(dropped: tuple[ServiceCategory, ...], need: str) -> None:
    rule = PACK.rule("cn-basic-needs")
    finding = rule.evaluate(view(services=services(without(SERVICES, *dropped))))
    assert (finding.outcome, finding.actual) == (Outcome.FAIL, f"缺:{need}")
    if len(dropped) > 1:  # one category of the group is enough
        kept = services(without(SERVICES, *dropped[1:]))
        assert rule.evaluate(view(services=kept)).outcome is Outcome.PASS


# -- the 14th Five-Year plan ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kinds", "urban_rural", "expected"),
    [
        ([FacilityType.SERVICE_STATION], UrbanRuralClass.MAIN_URBAN_AREA, Outcome.PASS),
        ([FacilityType.SERVICE_CENTRE], UrbanRuralClass.TOWN_CENTRE, Outcome.PASS),
        ([FacilityType.COMMITTEE_OFFICE], UrbanRuralClass.MAIN_URBAN_AREA, Outcome.FAIL),
        ([FacilityType.PARTY_MEMBERS_CENTRE], UrbanRuralClass.URBAN_RURAL_FRINGE, Outcome.FAIL),
        ([], None, Outcome.FAIL),  # an unknown class counts as urban
        ([], UrbanRuralClass.VILLAGE_CENTRE, Outcome.NOT_APPLICABLE),
        ([], UrbanRuralClass.VILLAGE, Outcome.NOT_APPLICABLE),
    ],
)
def test_an_urban_community_has_a_comprehensive_service_facility(
    kinds: list[FacilityType], urban_rural: UrbanRuralClass | None, expected: Outcome
) -> None:
    checked = view(community(urban_rural_class=urban_rural), facilities=facilities(*kinds))
    assert outcome("cn-service-facility", checked) is expected


@pytest.mark.parametrize(
    ("households", "space", "expected", "shown"),
    [
        (3000, 900.0, Outcome.PASS, 30.0),
        (3000, 899.9, Outcome.FAIL, 29.996667),
        (1000, 300.0, Outcome.PASS, 30.0),
        (1000, 299.9, Outcome.FAIL, 29.99),
        (1500, 1200.0, Outcome.PASS, 80.0),
        (3000, 0.0, Outcome.FAIL, 0.0),
        (3000, None, Outcome.MISSING_DATA, None),
        (0, 300.0, Outcome.NOT_APPLICABLE, None),
    ],
)
def test_30_square_metres_per_100_households(
    households: int, space: float | None, expected: Outcome, shown: float | None
) -> None:
    finding = PACK.rule("cn-service-space").evaluate(
        view(community(households=households, service_space_m2=space))
    )
    assert (finding.outcome, finding.actual) == (expected, shown)
    assert finding.expected == "≥ 30 平方米/百户"


def _county(facilities_present: list[bool | None]) -> list[CommunityView]:
    """Communities of one county in two streets; ``None`` is a rural community."""
    views = []
    for number, present in enumerate(facilities_present):
        street = 1 + number % 2
        record = community(
            id=f"c{number}",
            division_code=f"320102{street:03d}{number + 1:03d}",
            urban_rural_class=UrbanRuralClass.VILLAGE if present is None else None,
        )
        kinds = [FacilityType.SERVICE_STATION] if present else []
        views.append(view(record, facilities=facilities(*kinds)))
    return views


@pytest.mark.parametrize(
    ("present", "expected", "needed"),
    [
        ([True] * 5, Outcome.PASS, 0),
        ([True] * 4 + [False], Outcome.FAIL, 1),
        ([True] * 4 + [None, None], Outcome.PASS, 0),  # rural communities are not counted
        ([False, False, None], Outcome.FAIL, 2),
        ([None, None], Outcome.NOT_APPLICABLE, 0),
    ],
)
def test_facility_coverage_of_urban_communities_is_100_percent_per_county(
    present: list[bool | None], expected: Outcome, needed: int
) -> None:
    results = tuple(evaluate_views(PACK, iter(_county(present))))
    rollups = roll_up(PACK, results)
    (county,) = rollups[Scope.COUNTY]
    (target,) = county.targets
    assert (target.finding.outcome, target.needed) == (expected, needed)
    for scope in (Scope.STREET, Scope.CITY, Scope.PROVINCE):
        assert all(unit.targets == () for unit in rollups[scope])


# -- samples ----------------------------------------------------------------------------


@pytest.fixture(scope="module", params=["32", "42"])
def sample(request: pytest.FixtureRequest) -> shequkit.Dataset:
    return generate_sample(SampleSpec(communities=300, seed=5, province=request.param))


def test_a_sample_gives_a_realistic_mix(sample: shequkit.Dataset) -> None:
    evaluation = evaluate(sample, PACK)
    total = len(evaluation.communities)
    assert 0.8 * total < evaluation.meeting_standard < total
    failing = set()
    for rule in PACK.rules:
        counts = evaluation.rule_counts(rule.id)
        assert counts[Outcome.PASS] > 0, rule.id
        assert counts[Outcome.MISSING_DATA] == 0, rule.id
        if counts[Outcome.FAIL]:
            failing.add(rule.id)
        if rule.required:  # requirements hold for most communities of the sample
            assessed = total - counts[Outcome.NOT_APPLICABLE]
            assert counts[Outcome.PASS] >= 0.9 * assessed, rule.id
    assert {"cn-open-affairs", "cn-service-functions", "cn-service-space"} <= failing
    assert share_passing(evaluation, "cn-service-space") > 0.7


def share_passing(evaluation: Any, rule_id: str) -> float:
    counts = evaluation.rule_counts(rule_id)
    return float(counts[Outcome.PASS] / sum(counts.values()))


def test_the_sample_rollups_reconcile(sample: shequkit.Dataset) -> None:
    evaluation = evaluate(sample, PACK)
    total = len(evaluation.communities)
    rollups = evaluation.rollups
    for scope in ROLLUP_SCOPES:
        units = rollups[scope]
        assert sum(unit.communities for unit in units) == total
        assert sum(unit.meeting_standard for unit in units) == evaluation.meeting_standard
        for rule in PACK.rules:
            passed = sum(unit.passed(rule.id) for unit in units)
            assert passed == evaluation.rule_counts(rule.id)[Outcome.PASS]
            assert all(sum(unit.outcomes[rule.id].values()) == unit.communities for unit in units)
    for lower, upper in itertools.pairwise(ROLLUP_SCOPES):
        for unit in rollups[upper]:
            prefix = unit.code[: upper.prefix_length]
            below = [part for part in rollups[lower] if part.code.startswith(prefix)]
            assert sum(part.communities for part in below) == unit.communities
            assert sum(part.meeting_standard for part in below) == unit.meeting_standard
    for county in rollups[Scope.COUNTY]:
        assert [result.target.id for result in county.targets] == ["cn-target-facility-coverage"]
    document = json.loads(json.dumps(evaluation.to_dict(), ensure_ascii=False))
    assert document["pack"]["name"] == "national"
    assert document["summary"]["communities"] == total


def test_validate_with_the_pack_adds_standards_issues(sample: shequkit.Dataset) -> None:
    first = sample.communities[0]
    gaps = attrs.evolve(
        sample, communities=(attrs.evolve(first, open_affairs=None), *sample.communities[1:])
    )
    plain = shequkit.validate(gaps)
    checked = shequkit.validate(gaps, rules="national")
    assert checked.records == plain.records
    standards = [issue for issue in checked.issues if issue.layer is Layer.STANDARDS]
    assert {issue.code for issue in standards} >= {"SQK-E401", "SQK-W402", "SQK-W403"}
    assert all(issue.layer is not Layer.STANDARDS for issue in plain.issues)
    (gap,) = [issue for issue in standards if issue.code == "SQK-W403"]
    assert gap.record_id == first.id
    assert "cn-open-affairs" in gap.message_en


# -- the documentation page ------------------------------------------------------------------


def test_the_docs_page_lists_every_rule_with_its_source() -> None:
    page = DOCS.read_text(encoding="utf-8")
    flat = "".join(page.replace("\\_", "_").split())  # Markdown escapes the seed's "_"
    for item in (*PACK.rules, *PACK.targets):
        assert f"`{item.id}`" in page, item.id
        assert "".join(item.citation.text.split()) in flat, item.id


def test_the_docs_page_is_in_the_navigation() -> None:
    nav = (Path(__file__).parent.parent / "mkdocs.yml").read_text(encoding="utf-8")
    assert "standards/national.md" in nav
