"""The jiangsu-2008 rule pack (seed 001): every rule, target and grade at its boundary."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import attrs
import pytest
import shequkit_jiangsu
from shequkit_jiangsu._standards import (
    GRADE_BANDS,
    JIANGSU_2008,
    SCORE_WEIGHTS,
    composite_score,
    grade_from_score,
    grade_of,
    jiangsu_grade,
)

import shequkit
from shequkit.codes import (
    ChargingMode,
    DesignationKind,
    EvaluationClass,
    FacilityType,
    HonourLevel,
    OrganisationType,
    PartyOrganisationForm,
    ServiceCategory,
    StaffRole,
    TargetGroup,
    VolunteerCategory,
)
from shequkit.model import (
    Community,
    Designation,
    Facility,
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
from shequkit.standards._evaluate import roll_up
from shequkit.validate import Layer, Severity

PACK = JIANGSU_2008
DOCS = Path(__file__).parent.parent / "docs" / "standards" / "jiangsu-2008.md"
_S = ServiceCategory
_T = TargetGroup
_F = FacilityType
_A, _B, _C = EvaluationClass.A, EvaluationClass.B, EvaluationClass.C

# -- a community that meets every rule, and ways to change it -------------------------


def community(**changes: Any) -> Community:
    fields: dict[str, Any] = {
        "id": "c1",
        "division_code": "321012101001",
        "name": "龙川社区",
        "households": 3000,
        "population": 8000,
        "service_space_m2": 420.0,
        "satisfaction_pct": 90.0,
        "cultural_activities_per_year": 12,
        "mediation_rate_pct": 99.0,
        "mediation_success_pct": 95.0,
        "work_failure_petitions": 0,
        "repeated_petitions": 0,
        "mass_petitions": 0,
        "open_affairs": True,
        "grid_management": True,
        "one_stop_service": True,
        "evaluation_class": _A,
        "evaluation_level": 2,
        "self_score": 95.0,
        "assessment_score": 90.0,
        "peer_score": 92.0,
        "representatives_score": 91.0,
    }
    fields.update(changes)
    return Community(**fields)


def service(number: int, category: ServiceCategory, groups: Iterable[TargetGroup] = ()) -> Service:
    return Service(
        id=f"s{number}",
        community_id="c1",
        category=category,
        name=f"{category.label_zh}{number}",
        charging=ChargingMode.FREE,
        target_groups=tuple(groups),
    )


KINDS = (_S.CONVENIENCE, _S.EMPLOYMENT, _S.ASSISTANCE, _S.HEALTH_CARE, _S.ELDERLY_CARE)


def services(count: int = 15, kinds: Iterable[ServiceCategory] = KINDS) -> list[Service]:
    """``count`` services: one of each of ``kinds``, then culture services."""
    chosen = list(kinds)[:count]
    chosen += [_S.CULTURE] * (count - len(chosen))
    return [service(number, category) for number, category in enumerate(chosen)]


def facility(
    number: int, kind: FacilityType, *, books: int | None = None, open_: bool | None = None
) -> Facility:
    return Facility(
        id=f"f{number}",
        community_id="c1",
        type=kind,
        name=kind.label_zh,
        books=books,
        open_to_public=open_,
    )


FACILITIES = (
    _F.CITIZENS_SCHOOL,
    _F.HEART_TO_HEART_ROOM,
    _F.PARTY_MEMBERS_CENTRE,
    _F.CHARITY_SUPERMARKET,
    _F.HEALTH_STATION,
)


def facilities(*kinds: FacilityType, books: int = 800, open_: bool | None = True) -> list[Facility]:
    """A reading room with ``books``, then one facility of each of ``kinds``."""
    rows = [facility(0, _F.READING_ROOM, books=books, open_=open_)]
    return rows + [facility(number, kind) for number, kind in enumerate(kinds, 1)]


def teams(*categories: VolunteerCategory) -> list[VolunteerTeam]:
    return [
        VolunteerTeam(id=f"v{n}", community_id="c1", category=category, name="队", members=10)
        for n, category in enumerate(categories)
    ]


def staff(count: int) -> list[Staff]:
    return [
        Staff(id=f"p{n}", community_id="c1", name="王芳", role=StaffRole.FULL_TIME_WORKER)
        for n in range(count)
    ]


def party(form: PartyOrganisationForm | None) -> list[Organisation]:
    return [
        Organisation(
            id="o1",
            community_id="c1",
            type=OrganisationType.PARTY_ORGANISATION,
            name="党组织",
            party_form=form,
        )
    ]


def titles(*rows: tuple[DesignationKind, HonourLevel]) -> list[Designation]:
    return [
        Designation(id=f"d{n}", community_id="c1", category=kind, level=level, year=2008)
        for n, (kind, level) in enumerate(rows)
    ]


TITLES = (
    (DesignationKind.FULL_EMPLOYMENT, HonourLevel.CITY),
    (DesignationKind.GREEN_LIVING, HonourLevel.PROVINCIAL),
    (DesignationKind.DEMOCRACY_RULE_OF_LAW, HonourLevel.COUNTY),
)


def view(record: Community | None = None, **replaced: Iterable[Any]) -> CommunityView:
    """The complete community, with some kinds of child record replaced."""
    kinds: dict[str, Iterable[Any]] = {
        "services": services(),
        "facilities": facilities(*FACILITIES),
        "teams": teams(*VolunteerCategory),
        "staff": staff(4),
        "organisations": party(PartyOrganisationForm.GENERAL_BRANCH),
        "titles": titles(*TITLES),
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


def test_the_pack_is_registered_for_jiangsu() -> None:
    assert shequkit.Toolkit().rule_pack("jiangsu-2008") is PACK
    assert shequkit_jiangsu.shequkit_standards() == [PACK]
    assert shequkit_jiangsu.JIANGSU_2008 is PACK
    assert PACK.province == "32"
    assert PACK.grading is jiangsu_grade


def test_the_rule_ids_are_pinned() -> None:
    # Every rule below has boundary tests in this file; a new rule needs its own.
    assert [rule.id for rule in PACK.rules] == [
        "js-convenience-services",
        "js-employment-services",
        "js-full-employment",
        "js-assistance-services",
        "js-charity-point",
        "js-health-services",
        "js-elderly-services",
        "js-service-items",
        "js-satisfaction",
        "js-cultural-activities",
        "js-library-books",
        "js-library-open",
        "js-schools",
        "js-green-provincial",
        "js-green-city",
        "js-democracy-rule-of-law",
        "js-mediation-rate",
        "js-mediation-success",
        "js-no-petitions",
        "js-talk-room",
        "js-party-members-centre",
        "js-staff-ratio",
        "js-volunteer-teams",
        "js-grid-management",
        "js-party-general-branch",
        "js-open-affairs",
        "js-space",
        "js-classified-evaluation",
        "js-four-way-evaluation",
        "js-one-stop-service",
    ]
    assert [target.id for target in PACK.targets] == [
        "js-target-2008",
        "js-target-three-years",
        "js-target-full-employment",
        "js-target-space",
    ]


def test_every_rule_cites_seed_001_with_a_sentence() -> None:
    for item in (*PACK.rules, *PACK.targets):
        assert item.citation.document == "001", item.id
        assert item.citation.clause, item.id
        assert len(item.citation.text) >= 6, item.id
        assert item.title_zh, item.id
        assert item.title_en, item.id
        assert item.id.startswith("js-")


def test_severities_follow_the_wording() -> None:
    by_severity: dict[Severity, set[str]] = {}
    for rule in PACK.rules:
        by_severity.setdefault(rule.severity, set()).add(rule.id)
    assert by_severity[Severity.ERROR] == {
        "js-service-items",
        "js-satisfaction",
        "js-cultural-activities",
        "js-library-books",
        "js-library-open",
        "js-mediation-rate",
        "js-mediation-success",
        "js-no-petitions",
        "js-volunteer-teams",
        "js-grid-management",
        "js-open-affairs",
        "js-classified-evaluation",
        "js-four-way-evaluation",
    }
    assert by_severity[Severity.INFO] == {
        "js-full-employment",
        "js-charity-point",
        "js-green-provincial",
        "js-green-city",
        "js-democracy-rule-of-law",
    }


def test_a_complete_community_passes_every_rule() -> None:
    complete = view()
    for rule in PACK.rules:
        assert rule.evaluate(complete).outcome is Outcome.PASS, rule.id
    (result,) = evaluate_views(PACK, iter([complete]))
    assert result.meets_standard
    assert result.grade == Grade("A类二级", rank=2)


# -- numeric thresholds ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "expected"),
    [(15, Outcome.PASS), (14, Outcome.FAIL), (22, Outcome.PASS), (0, Outcome.FAIL)],
)
def test_at_least_15_service_items(count: int, expected: Outcome) -> None:
    finding = PACK.rule("js-service-items").evaluate(view(services=services(count)))
    assert (finding.outcome, finding.actual, finding.expected) == (expected, count, "≥ 15 项")


@pytest.mark.parametrize(
    ("rule_id", "field", "passing", "failing", "expected"),
    [
        ("js-satisfaction", "satisfaction_pct", 85.0, 84.9, "≥ 85 %"),
        ("js-cultural-activities", "cultural_activities_per_year", 10, 9, "≥ 10 次"),
        ("js-mediation-rate", "mediation_rate_pct", 98.0, 97.9, "≥ 98 %"),
        ("js-mediation-success", "mediation_success_pct", 90.0, 89.9, "≥ 90 %"),
    ],
)
def test_community_thresholds(
    rule_id: str, field: str, passing: float, failing: float, expected: str
) -> None:
    rule = PACK.rule(rule_id)
    for value, result in ((passing, Outcome.PASS), (failing, Outcome.FAIL), (None, None)):
        finding = rule.evaluate(view(community(**{field: value})))
        assert finding.outcome is (result or Outcome.MISSING_DATA), value
        assert finding.actual == value
        assert finding.expected == expected


@pytest.mark.parametrize(
    ("rooms", "expected", "shown"),
    [
        ([500], Outcome.PASS, 500),
        ([499], Outcome.FAIL, 499),
        ([300, 200], Outcome.PASS, 500),  # a community's reading rooms count together
        ([300, None], Outcome.FAIL, 300),
        ([None], Outcome.MISSING_DATA, None),
        ([], Outcome.FAIL, "缺:图书阅览室"),
    ],
)
def test_a_reading_room_with_500_books(
    rooms: list[int | None], expected: Outcome, shown: int | str | None
) -> None:
    rows = [facility(n, _F.READING_ROOM, books=books) for n, books in enumerate(rooms)]
    finding = PACK.rule("js-library-books").evaluate(view(facilities=rows))
    assert (finding.outcome, finding.actual, finding.expected) == (expected, shown, "≥ 500 册")


@pytest.mark.parametrize(
    ("rooms", "expected"),
    [
        ([True], Outcome.PASS),
        ([False, True], Outcome.PASS),
        ([False], Outcome.FAIL),
        ([None], Outcome.MISSING_DATA),
        ([False, None], Outcome.MISSING_DATA),
        ([], Outcome.FAIL),
    ],
)
def test_the_reading_room_is_open_regularly(rooms: list[bool | None], expected: Outcome) -> None:
    rows = [facility(n, _F.READING_ROOM, books=600, open_=open_) for n, open_ in enumerate(rooms)]
    assert outcome("js-library-open", view(facilities=rows)) is expected


@pytest.mark.parametrize(
    ("population", "workers", "expected", "needed"),
    [
        (4000, 2, Outcome.PASS, 2),
        (4001, 2, Outcome.FAIL, 3),
        (4001, 3, Outcome.PASS, 3),
        (2000, 1, Outcome.PASS, 1),
        (2000, 0, Outcome.FAIL, 1),
    ],
)
def test_one_community_worker_per_2000_residents(
    population: int, workers: int, expected: Outcome, needed: int
) -> None:
    finding = PACK.rule("js-staff-ratio").evaluate(
        view(community(population=population), staff=staff(workers))
    )
    assert (finding.outcome, finding.actual, finding.expected) == (
        expected,
        workers,
        f"≥ {needed} 人",
    )


@pytest.mark.parametrize("missing", list(VolunteerCategory), ids=lambda category: category.name)
def test_each_of_the_eight_volunteer_teams(missing: VolunteerCategory) -> None:
    rows = teams(*(category for category in VolunteerCategory if category is not missing))
    finding = PACK.rule("js-volunteer-teams").evaluate(view(teams=rows))
    assert finding.outcome is Outcome.FAIL
    assert finding.actual == f"7/8 缺:{missing.label_zh}"
    assert PACK.rule("js-volunteer-teams").evaluate(view()).actual == "8/8"


@pytest.mark.parametrize(
    ("counts", "expected", "shown"),
    [
        ((0, 0, 0), Outcome.PASS, 0),
        ((1, 0, 0), Outcome.FAIL, "因工作不到位造成的上访1次"),
        ((0, 2, 0), Outcome.FAIL, "经常性上访2次"),
        ((0, 0, 1), Outcome.FAIL, "群体性集访1次"),
        ((1, None, 1), Outcome.FAIL, "因工作不到位造成的上访1次、群体性集访1次"),
        ((0, None, 0), Outcome.MISSING_DATA, None),
        ((None, None, None), Outcome.MISSING_DATA, None),
    ],
)
def test_no_petitions(
    counts: tuple[int | None, int | None, int | None], expected: Outcome, shown: int | str | None
) -> None:
    work, repeated, mass = counts
    record = community(
        work_failure_petitions=work, repeated_petitions=repeated, mass_petitions=mass
    )
    finding = PACK.rule("js-no-petitions").evaluate(view(record))
    assert (finding.outcome, finding.actual) == (expected, shown)


# -- services, facilities and organisations ----------------------------------------------


@pytest.mark.parametrize(
    ("rule_id", "passing", "failing"),
    [
        ("js-convenience-services", [service(0, _S.CONVENIENCE)], [service(0, _S.CULTURE)]),
        (
            "js-employment-services",
            [
                service(0, _S.EMPLOYMENT),
                service(0, _S.SOCIAL_SECURITY),
                service(0, _S.CONVENIENCE, [_T.UNEMPLOYED]),
                service(0, _S.ASSISTANCE, [_T.AGED_40_50]),
                service(0, _S.ASSISTANCE, [_T.ZERO_EMPLOYMENT_FAMILY]),
            ],
            [service(0, _S.ASSISTANCE, [_T.DISABLED])],
        ),
        (
            "js-assistance-services",
            [service(0, _S.ASSISTANCE), service(0, _S.CHARITY)],
            [service(0, _S.CONVENIENCE, [_T.SUBSISTENCE_ALLOWANCE])],
        ),
        (
            "js-elderly-services",
            [
                service(0, _S.ELDERLY_CARE),
                service(0, _S.CULTURE, [_T.EMPTY_NEST_ELDERLY]),
                service(0, _S.CULTURE, [_T.RETIREES]),
                service(0, _S.HEALTH_CARE, [_T.ELDERLY]),
            ],
            [service(0, _S.CULTURE, [_T.CHILDREN])],
        ),
    ],
)
def test_kinds_of_service(rule_id: str, passing: list[Service], failing: list[Service]) -> None:
    for one in passing:
        assert outcome(rule_id, view(services=[one])) is Outcome.PASS, one
    for one in failing:
        assert outcome(rule_id, view(services=[one])) is Outcome.FAIL, one
    assert outcome(rule_id, view(services=[])) is Outcome.FAIL


def test_health_services_or_a_health_station() -> None:
    rule = PACK.rule("js-health-services")
    no_station = facilities(_F.CITIZENS_SCHOOL)
    assert rule.evaluate(view(services=[service(0, _S.HEALTH_CARE)], facilities=no_station)).passed
    assert rule.evaluate(view(services=[], facilities=facilities(_F.HEALTH_STATION))).passed
    failed = rule.evaluate(view(services=[service(0, _S.CULTURE)], facilities=no_station))
    assert (failed.outcome, failed.actual) == (Outcome.FAIL, "缺:社区卫生服务")


@pytest.mark.parametrize(
    ("rule_id", "kinds", "missing"),
    [
        ("js-charity-point", (_F.CHARITY_SUPERMARKET,), None),
        ("js-charity-point", (_F.DONATION_POINT,), None),
        ("js-charity-point", (_F.ELDERLY_DAY_CARE,), "慈善超市或社区捐助接收点"),
        ("js-schools", (_F.CITIZENS_SCHOOL,), None),
        ("js-schools", (_F.PARTY_SCHOOL,), None),
        ("js-schools", (_F.ELDERLY_SCHOOL,), "市民学校或社区党校"),
        ("js-talk-room", (_F.HEART_TO_HEART_ROOM,), None),
        ("js-talk-room", (_F.TALK_ROOM,), "谈心室"),  # Shandong's 民情室 is another room
        ("js-party-members-centre", (_F.PARTY_MEMBERS_CENTRE,), None),
        ("js-party-members-centre", (_F.SERVICE_CENTRE,), "社区党员服务中心"),
    ],
)
def test_facilities(rule_id: str, kinds: tuple[FacilityType, ...], missing: str | None) -> None:
    finding = PACK.rule(rule_id).evaluate(view(facilities=facilities(*kinds)))
    if missing is None:
        assert finding.outcome is Outcome.PASS
    else:
        assert (finding.outcome, finding.actual) == (Outcome.FAIL, f"缺:{missing}")


@pytest.mark.parametrize(
    ("form", "expected"),
    [
        (PartyOrganisationForm.GENERAL_BRANCH, Outcome.PASS),
        (PartyOrganisationForm.COMMITTEE, Outcome.PASS),  # a committee is above a general branch
        (PartyOrganisationForm.BRANCH, Outcome.FAIL),
        (None, Outcome.FAIL),
    ],
)
def test_a_party_general_branch(form: PartyOrganisationForm | None, expected: Outcome) -> None:
    assert outcome("js-party-general-branch", view(organisations=party(form))) is expected
    assert outcome("js-party-general-branch", view(organisations=[])) is Outcome.FAIL


_FE, _GL = DesignationKind.FULL_EMPLOYMENT, DesignationKind.GREEN_LIVING
_DR = DesignationKind.DEMOCRACY_RULE_OF_LAW
_H = HonourLevel


@pytest.mark.parametrize(
    ("rule_id", "passing", "failing"),
    [
        ("js-full-employment", [(_FE, _H.TOWNSHIP), (_FE, _H.CITY)], [(_DR, _H.CITY)]),
        ("js-green-provincial", [(_GL, _H.PROVINCIAL), (_GL, _H.NATIONAL)], [(_GL, _H.CITY)]),
        ("js-green-city", [(_GL, _H.CITY), (_GL, _H.PROVINCIAL)], [(_GL, _H.COUNTY)]),
        ("js-democracy-rule-of-law", [(_DR, _H.COUNTY)], [(_FE, _H.CITY)]),
    ],
)
def test_titles(
    rule_id: str,
    passing: list[tuple[DesignationKind, HonourLevel]],
    failing: list[tuple[DesignationKind, HonourLevel]],
) -> None:
    for row in passing:
        assert outcome(rule_id, view(titles=titles(row))) is Outcome.PASS, row
    for row in failing:
        assert outcome(rule_id, view(titles=titles(row))) is Outcome.FAIL, row
    assert outcome(rule_id, view(titles=[])) is Outcome.FAIL


@pytest.mark.parametrize(
    ("rule_id", "field"),
    [
        ("js-grid-management", "grid_management"),
        ("js-open-affairs", "open_affairs"),
        ("js-one-stop-service", "one_stop_service"),
    ],
)
def test_yes_no_requirements(rule_id: str, field: str) -> None:
    assert outcome(rule_id, view(community(**{field: True}))) is Outcome.PASS
    assert outcome(rule_id, view(community(**{field: False}))) is Outcome.FAIL
    assert outcome(rule_id, view(community(**{field: None}))) is Outcome.MISSING_DATA


@pytest.mark.parametrize(
    ("space", "expected"),
    [(0.1, Outcome.PASS), (420.0, Outcome.PASS), (0.0, Outcome.FAIL), (None, Outcome.MISSING_DATA)],
)
def test_premises_are_recorded(space: float | None, expected: Outcome) -> None:
    finding = PACK.rule("js-space").evaluate(view(community(service_space_m2=space)))
    assert (finding.outcome, finding.actual) == (expected, space)


# -- the classified evaluation and grading ---------------------------------------------------


@pytest.mark.parametrize(
    ("evaluation_class", "level", "expected", "shown"),
    [
        (_B, 3, Outcome.PASS, "B类三级"),
        (_B, None, Outcome.FAIL, "缺:考评级别"),
        (None, 1, Outcome.FAIL, "缺:考评类别"),
        (None, None, Outcome.MISSING_DATA, None),
    ],
)
def test_the_classified_evaluation(
    evaluation_class: EvaluationClass | None,
    level: int | None,
    expected: Outcome,
    shown: str | None,
) -> None:
    record = community(evaluation_class=evaluation_class, evaluation_level=level)
    finding = PACK.rule("js-classified-evaluation").evaluate(view(record))
    assert (finding.outcome, finding.actual) == (expected, shown)


SCORES = ("self_score", "assessment_score", "peer_score", "representatives_score")


def test_the_four_way_evaluation() -> None:
    rule = PACK.rule("js-four-way-evaluation")
    finding = rule.evaluate(view())
    # 95 × 0.1 + 90 × 0.4 + 92 × 0.2 + 91 × 0.3
    assert (finding.outcome, finding.actual) == (Outcome.PASS, 91.2)
    lacking = rule.evaluate(view(community(peer_score=None, representatives_score=None)))
    assert (lacking.outcome, lacking.actual) == (Outcome.FAIL, "缺:互评、居民代表评议")
    nothing = community(**dict.fromkeys(SCORES))
    assert rule.evaluate(view(nothing)).outcome is Outcome.MISSING_DATA


def test_the_weights_add_up_to_one() -> None:
    assert sum(SCORE_WEIGHTS.values()) == 10
    assert tuple(SCORE_WEIGHTS) == SCORES


@pytest.mark.parametrize(
    ("scores", "composite"),
    [
        ((85.0, 85.0, 85.0, 85.0), 85.0),
        ((100.0, 80.0, 80.0, 80.0), 82.0),  # self-evaluation weighs 10%
        ((80.0, 100.0, 80.0, 80.0), 88.0),  # the town's assessment 40%
        ((80.0, 80.0, 100.0, 80.0), 84.0),  # peers 20%
        ((80.0, 80.0, 80.0, 100.0), 86.0),  # residents' representatives 30%
        ((0.0, 0.0, 0.0, 0.0), 0.0),
    ],
)
def test_the_composite_score(scores: tuple[float, ...], composite: float) -> None:
    assert composite_score(community(**dict(zip(SCORES, scores, strict=True)))) == composite


def test_no_composite_score_without_all_four() -> None:
    for name in SCORES:
        assert composite_score(community(**{name: None})) is None


@pytest.mark.parametrize(
    ("evaluation_class", "level", "label", "rank"),
    [
        (_A, 1, "A类一级", 1),
        (_A, 2, "A类二级", 2),
        (_A, 3, "A类三级", 3),
        (_B, 1, "B类一级", 4),
        (_B, 2, "B类二级", 5),
        (_B, 3, "B类三级", 6),
        (_C, 1, "C类一级", 7),
        (_C, 2, "C类二级", 8),
        (_C, 3, "C类三级", 9),
    ],
)
def test_each_class_and_level_is_a_grade(
    evaluation_class: EvaluationClass, level: int, label: str, rank: int
) -> None:
    assert grade_of(evaluation_class, level) == Grade(label, rank=rank)
    # The recorded class and level are the grade, whatever the scores say.
    record = community(
        evaluation_class=evaluation_class, evaluation_level=level, **dict.fromkeys(SCORES, 50.0)
    )
    assert jiangsu_grade(view(record), {}) == Grade(label, rank=rank)


@pytest.mark.parametrize(
    ("score", "label"),
    [
        (100.0, "A类一级"),
        (95.0, "A类一级"),
        (94.99, "A类二级"),
        (90.0, "A类二级"),
        (89.99, "A类三级"),
        (85.0, "A类三级"),
        (84.99, "B类一级"),
        (80.0, "B类一级"),
        (79.99, "B类二级"),
        (75.0, "B类二级"),
        (74.99, "B类三级"),
        (70.0, "B类三级"),
        (69.99, "C类一级"),
        (65.0, "C类一级"),
        (64.99, "C类二级"),
        (60.0, "C类二级"),
        (59.99, "C类三级"),
        (0.0, "C类三级"),
    ],
)
def test_grade_bands_of_the_composite_score(score: float, label: str) -> None:
    assert grade_from_score(score).label == label
    assert len(GRADE_BANDS) == 9


@pytest.mark.parametrize(("evaluation_class", "level"), [(None, None), (_B, None), (None, 2)])
def test_without_a_recorded_grade_the_scores_decide(
    evaluation_class: EvaluationClass | None, level: int | None
) -> None:
    graded = community(
        evaluation_class=evaluation_class,
        evaluation_level=level,
        **dict(zip(SCORES, (80.0, 100.0, 80.0, 80.0), strict=True)),  # composite 88
    )
    assert jiangsu_grade(view(graded), {}) == Grade("A类三级", rank=3)
    ungraded = attrs.evolve(graded, self_score=None)
    assert jiangsu_grade(view(ungraded), {}) is None


# -- targets per street ------------------------------------------------------------------


def _street(passing: list[bool], *, street: int = 101) -> list[CommunityView]:
    """Communities of one town: a passing one meets every rule, a failing one misses
    satisfaction, full employment and premises."""
    views = []
    for number, good in enumerate(passing):
        changes: dict[str, Any] = {
            "id": f"c{street}-{number}",
            "division_code": f"321012{street:03d}{number + 1:03d}",
        }
        if not good:
            changes.update(satisfaction_pct=80.0, service_space_m2=0.0)
        views.append(view(community(**changes), titles=titles(*TITLES) if good else []))
    return views


def _targets(views: list[CommunityView]) -> dict[str, tuple[str, ...]]:
    results = tuple(evaluate_views(PACK, iter(views)))
    rollups = roll_up(PACK, results)
    for scope in (Scope.COUNTY, Scope.CITY, Scope.PROVINCE):
        assert all(unit.targets == () for unit in rollups[scope])
    return {
        unit.code: tuple(result.finding.outcome.value for result in unit.targets)
        for unit in rollups[Scope.STREET]
    }


@pytest.mark.parametrize(
    ("passing", "outcomes"),
    [
        # 5 communities: 60% is 3, 80% is 4, 100% is 5.
        (5, ("pass", "pass", "pass", "pass")),
        (4, ("pass", "fail", "pass", "fail")),
        (3, ("pass", "fail", "fail", "fail")),
        (2, ("fail", "fail", "fail", "fail")),
        (0, ("fail", "fail", "fail", "fail")),
    ],
)
def test_share_targets_per_street_at_their_boundaries(
    passing: int, outcomes: tuple[str, ...]
) -> None:
    found = _targets(_street([True] * passing + [False] * (5 - passing)))
    assert found == {"321012101000": outcomes}


def test_targets_are_counted_for_each_street_apart() -> None:
    views = _street([True, True, True, False, False]) + _street([True, False], street=102)
    assert _targets(views) == {
        "321012101000": ("pass", "fail", "fail", "fail"),
        "321012102000": ("fail", "fail", "fail", "fail"),
    }


# -- a Jiangsu sample --------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample() -> shequkit.Dataset:
    return generate_sample(SampleSpec(communities=400, seed=11, province="32"))


def test_a_jiangsu_sample_gives_a_realistic_mix(sample: shequkit.Dataset) -> None:
    evaluation = evaluate(sample, PACK)
    total = len(evaluation.communities)
    assert total == 400
    assert 0.6 * total < evaluation.meeting_standard < 0.95 * total
    failing = set()
    for rule in PACK.rules:
        counts = evaluation.rule_counts(rule.id)
        assert counts[Outcome.PASS] > 0, rule.id
        assert counts[Outcome.MISSING_DATA] == 0, rule.id
        if counts[Outcome.FAIL]:
            failing.add(rule.id)
        if rule.required:  # requirements hold for most communities of the sample
            assert counts[Outcome.PASS] >= 0.9 * total, rule.id
    assert {
        "js-service-items",
        "js-satisfaction",
        "js-cultural-activities",
        "js-library-books",
        "js-mediation-rate",
        "js-mediation-success",
        "js-no-petitions",
        "js-volunteer-teams",
        "js-open-affairs",
        "js-talk-room",
    } <= failing
    grades = {result.grade.label for result in evaluation.communities if result.grade}
    assert {"A类一级", "B类二级", "C类一级"} <= grades
    outcomes = {
        (result.target.id, result.finding.outcome)
        for unit in evaluation.rollups[Scope.STREET]
        for result in unit.targets
    }
    assert ("js-target-2008", Outcome.PASS) in outcomes
    assert ("js-target-three-years", Outcome.FAIL) in outcomes
    assert ("js-target-three-years", Outcome.PASS) in outcomes


def test_the_sample_rollups_reconcile(sample: shequkit.Dataset) -> None:
    evaluation = evaluate(sample, PACK)
    rollups = evaluation.rollups
    assert len(rollups[Scope.STREET]) > 1
    for scope in ROLLUP_SCOPES:
        units = rollups[scope]
        assert sum(unit.communities for unit in units) == 400
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
    for street in rollups[Scope.STREET]:
        assert [result.target.id for result in street.targets] == [
            target.id for target in PACK.targets
        ]
        for result in street.targets:
            share = street.share(result.target.rule_id)
            assert result.finding.actual == share
    document = json.loads(json.dumps(evaluation.to_dict(), ensure_ascii=False))
    assert document["pack"]["name"] == "jiangsu-2008"
    assert document["summary"]["meeting_standard"] == evaluation.meeting_standard
    graded = [row["grade"] for row in document["communities"]]
    assert all(grade and grade[0] in "ABC" for grade in graded)


def test_validate_with_the_pack_adds_standards_issues(sample: shequkit.Dataset) -> None:
    first = sample.communities[0]
    gaps = attrs.evolve(
        sample, communities=(attrs.evolve(first, satisfaction_pct=None), *sample.communities[1:])
    )
    plain = shequkit.validate(gaps)
    checked = shequkit.validate(gaps, rules="jiangsu-2008")
    assert checked.records == plain.records
    assert all(issue.layer is not Layer.STANDARDS for issue in plain.issues)
    standards = [issue for issue in checked.issues if issue.layer is Layer.STANDARDS]
    codes = {issue.code for issue in standards}
    assert {"SQK-E401", "SQK-W402", "SQK-W403", "SQK-W404"} <= codes
    (gap,) = [issue for issue in standards if issue.code == "SQK-W403"]
    assert gap.record_id == first.id
    assert "js-satisfaction" in gap.message_en
    failed = next(issue for issue in standards if issue.code == "SQK-E401")
    assert "001" in failed.message_en
    assert not any("js-full-employment" in issue.message_en for issue in standards)  # info only


# -- the documentation page ------------------------------------------------------------------


def test_the_docs_page_lists_every_rule_with_its_source() -> None:
    page = DOCS.read_text(encoding="utf-8")
    flat = "".join(page.split())
    for item in (*PACK.rules, *PACK.targets):
        assert f"`{item.id}`" in page, item.id
        assert "".join(item.citation.text.split()) in flat, item.id


def test_the_docs_page_is_in_the_navigation() -> None:
    nav = (Path(__file__).parent.parent / "mkdocs.yml").read_text(encoding="utf-8")
    assert "standards/jiangsu-2008.md" in nav
