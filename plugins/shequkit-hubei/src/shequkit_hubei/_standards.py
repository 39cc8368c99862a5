"""The ``hubei-huangpi`` rule pack: Huangpi district's community construction (seed 004).

Every numeric threshold and requirement of the Huangpi (Wuhan, Hubei) report that a
community's records can show is one rule here — the 五室四机三站两校一场所 kit, office
space (40 m² at least, 86.6 m² average, 100 m² the better tier), the district's
allowances and office funds, the four community types, green coverage of 35% — citing
the part of the report and quoting its sentence (simplified characters). The goals for
the share of graded and 883 communities are targets. Choices made where the report is
vague are on ``docs/standards/hubei-huangpi.md``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from decimal import ROUND_FLOOR, Decimal
from typing import Any, Final

import attrs

from shequkit.codes import (
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
    Designation,
    Equipment,
    Facility,
    Funding,
    Organisation,
    Service,
    Staff,
    VolunteerTeam,
)
from shequkit.standards import (
    Citation,
    CommunityView,
    Finding,
    Grade,
    Metric,
    Outcome,
    Rule,
    RulePack,
    Scope,
    Target,
    at_least,
    community_field,
    count_latest,
    count_of,
    is_true,
    requires,
)
from shequkit.validate import Severity

__all__ = [
    "DUTY_REGULATIONS",
    "FIVE_ROOMS",
    "FOUR_MACHINES",
    "GREEN_COVERAGE_PCT",
    "HUBEI_HUANGPI",
    "LIVING_ALLOWANCE_YUAN",
    "OFFICE_FUNDS_YUAN",
    "ONE_VENUE",
    "PRINCIPAL_ROLES",
    "SPACE_AVERAGE_M2",
    "SPACE_GOOD_M2",
    "SPACE_MINIMUM_M2",
    "THREE_STATIONS",
    "TWO_SCHOOLS",
    "WORKER_ROLES",
    "WUHAN",
    "grade_number",
    "grading",
]

SEED: Final = "004"
"""The seed file the pack encodes (Huangpi district report on community construction)."""

WUHAN: Final = "4201"
"""The division code prefix of Wuhan, whose 883 action plan the report follows."""

SPACE_MINIMUM_M2: Final = 40
"""The smallest office and service space of any Huangpi community (建筑面积最小的40平方米)."""

SPACE_AVERAGE_M2: Final = 86.6
"""The district's average space per community (平均每个社区达86.6平方米)."""

SPACE_GOOD_M2: Final = 100
"""The better tier the survey counts (100平方米以上的社区16个)."""

GREEN_COVERAGE_PCT: Final = 35
"""Green coverage of the built-up area (绿化覆盖率达35%以上)."""

DUTY_REGULATIONS: Final = 24
"""The duty regulations of the community's organisations and members, posted on the wall."""

LIVING_ALLOWANCE_YUAN: Final = 6000
"""The district's living allowance a year: per worker (street type), per principal (others)."""

OFFICE_FUNDS_YUAN: Final = {CommunityType.STREET: 10000, None: 5000}
"""The district's office funds a year per community: 1万元 for the seat's street-type
communities (前川), 5000元 for the others (``None``)."""

WORKER_ROLES: Final = (
    StaffRole.PARTY_SECRETARY,
    StaffRole.COMMITTEE_DIRECTOR,
    StaffRole.COMMITTEE_DEPUTY_DIRECTOR,
    StaffRole.COMMITTEE_MEMBER,
    StaffRole.FULL_TIME_WORKER,
)
"""社区内工作者 (the 群干): the party secretary, the committee and full-time workers."""

PRINCIPAL_ROLES: Final = (StaffRole.PARTY_SECRETARY, StaffRole.COMMITTEE_DIRECTOR)
"""社区主要负责人: the party secretary and the committee director."""

_CITY_OR_ABOVE: Final = (HonourLevel.CITY, HonourLevel.PROVINCIAL, HonourLevel.NATIONAL)


def _cite(clause: str, text: str) -> Citation:
    return Citation(SEED, clause, text)


def _names(members: Iterable[Any]) -> str:
    return "/".join(member.name.lower() for member in members)


def _count(cls: type[Any], name: str, **conditions: Any) -> Metric:
    """How many records of ``cls`` matching ``conditions`` the community has, shown as ``name``."""
    return count_of(cls, name, _names(conditions.values()), **conditions)


# -- community types ----------------------------------------------------------------------


def _for_types(rule: Rule, *types: CommunityType) -> Rule:
    """``rule`` for communities of ``types`` only (others: not applicable).

    A community whose type is not recorded cannot be told apart, so it gets
    *missing data* rather than slipping through as not applicable.
    """
    check = rule.check

    def applies(view: CommunityView) -> bool:
        return view.community.type is None or view.community.type in types

    def typed(view: CommunityView) -> Finding:
        if view.community.type is None:
            return Finding(Outcome.MISSING_DATA)
        return check(view)

    return attrs.evolve(rule, check=typed, applies=applies)


_OTHER_TYPES: Final = tuple(kind for kind in CommunityType if kind is not CommunityType.STREET)


def _community_type(view: CommunityView) -> Finding:
    kind = view.community.type
    if kind is None:
        return Finding(Outcome.MISSING_DATA)
    return Finding(Outcome.PASS, actual=kind.label_zh)


# -- designations: graded communities and the 883 plan -------------------------------------

_GRADE_PATTERN: Final = re.compile(r"([一二三123])\s*级")
_GRADE_NUMBERS: Final = {"一": 1, "二": 2, "三": 3, "1": 1, "2": 2, "3": 3}


def grade_number(grade: str | None) -> int | None:
    """The grade 1–3 a 等级社区 title states ("一级", "市一级社区", "2级"), or ``None``."""
    if grade is None:
        return None
    found = _GRADE_PATTERN.search(grade)
    return _GRADE_NUMBERS[found.group(1)] if found else None


def _graded(view: CommunityView) -> int:
    return view.count(Designation, category=DesignationKind.GRADED)


def _first_grade(view: CommunityView) -> int:
    return sum(
        1
        for title in view.where(Designation, category=DesignationKind.GRADED)
        if title.level in _CITY_OR_ABOVE and grade_number(title.grade) == 1
    )


def _in_wuhan(rule: Rule) -> Rule:
    """``rule`` for Wuhan's street-type communities (the 883 plan is the city's)."""

    def applies(view: CommunityView) -> bool:
        community = view.community
        in_wuhan = str(community.division_code).startswith(WUHAN)
        return in_wuhan and community.type in (None, CommunityType.STREET)

    return attrs.evolve(_for_types(rule, CommunityType.STREET), applies=applies)


def _grade_of(title: Designation) -> Grade:
    number = grade_number(title.grade)
    if number is None:
        return Grade("等级社区(未注明等级)", 4)
    where = "市" if title.level in _CITY_OR_ABOVE else title.level.label_zh
    return Grade(f"{where}{'一二三'[number - 1]}级社区", number)


def grading(view: CommunityView, findings: Mapping[str, Finding]) -> Grade | None:
    """The community's best 等级社区 grade (市一级 = rank 1), or ``None`` when it holds none.

    The report names the graded standard but not its criteria (Hubei's residents'
    committee assessment rules), so the grade is the one the community's
    等级社区 title records (``Designation.grade``).
    """
    grades = [
        _grade_of(title) for title in view.where(Designation, category=DesignationKind.GRADED)
    ]
    return min(grades, key=lambda grade: grade.rank or 99, default=None)


_GRADED_ALL: Final = _cite(
    "(一)3", "第二步,2003-2004年全区43个社区完成等级居委会达标创建,其中市一级居委会达到80%"
)
_GRADED_REACHED: Final = _cite("开篇", "全区43个社区90%以上达到等级社区标准")
_PLAN_883: Final = _cite(
    "(一)3",
    "第三步,2004-2005年区政府所在地前川街11个社区和武湖4个、开发区1个社区完成“883行动计划”创建达标",
)

_DESIGNATION_RULES: Final = (
    at_least(
        "hb-graded",
        Metric("等级社区称号", "graded community titles", "个", _graded),
        1,
        title_zh="达到等级社区标准",
        title_en="meets the graded community standard",
        citation=_GRADED_REACHED,
        severity=Severity.INFO,
    ),
    at_least(
        "hb-graded-first",
        Metric("市一级社区称号", "city first-grade titles", "个", _first_grade),
        1,
        title_zh="达到市一级社区标准",
        title_en="meets the city's first-grade community standard",
        citation=_cite("开篇", "其中达到市一级社区标准有27个"),
        severity=Severity.INFO,
    ),
    _in_wuhan(
        at_least(
            "hb-action-plan-883",
            _count(Designation, "883行动计划达标", category=DesignationKind.ACTION_PLAN_883),
            1,
            title_zh="街道型社区达到“883行动计划”标准(武汉市)",
            title_en="a street-type community meets Wuhan's 883 action plan standard",
            citation=_PLAN_883,
            severity=Severity.INFO,
        ),
    ),
)


# -- part two: organisations, regulations, space, the kit -----------------------------------


def _committee_elected(view: CommunityView) -> Finding:
    roles = tuple(role for role in StaffRole if role.is_committee_member)
    members = list(view.where(Staff, role=roles))
    if not members or any(member.elected is None for member in members):
        return Finding(Outcome.MISSING_DATA)
    elected = sum(1 for member in members if member.elected)
    outcome = Outcome.PASS if elected == len(members) else Outcome.FAIL
    return Finding(outcome, actual=f"{elected}/{len(members)}")


def _organisation(kind: OrganisationType) -> Metric:
    return _count(Organisation, kind.label_zh, type=kind)


_ORGANISATION_RULES: Final = (
    requires(
        "hb-organisations",
        {
            "社区党组织": _organisation(OrganisationType.PARTY_ORGANISATION),
            "社区居民委员会": _organisation(OrganisationType.RESIDENTS_COMMITTEE),
        },
        title_zh="设立社区党组织和社区居委会",
        title_en="the community has a party organisation and a residents' committee",
        citation=_cite("(二)", "又重新设立了党总支;增选了社区居委会成员"),
    ),
    requires(
        "hb-assembly-consultation",
        {
            "社区成员代表会议": _organisation(OrganisationType.MEMBERS_ASSEMBLY),
            "社区协商议事委员会": _organisation(OrganisationType.CONSULTATION_COMMITTEE),
        },
        title_zh="社区成员代表会议和社区协商议事委员会",
        title_en="a members' representative assembly and a consultation committee",
        citation=_cite("(二)", "进一步完善了社区成员代表会议制度;建立了社区协商议事委员会"),
        severity=Severity.WARNING,
    ),
    Rule(
        "hb-committee-elected",
        "居委会成员经换届选举产生",
        "residents' committee members are elected",
        _cite("(一)2", "四是利用社区居委会换届选举,选准建设好一支素质较高的社区工作者队伍"),
        _committee_elected,
        expected="全部经选举",
        severity=Severity.WARNING,
    ),
    is_true(
        "hb-open-affairs",
        "open_affairs",
        title_zh="制度上墙,职责公开,成员张榜,服务挂牌",
        title_en="regulations, duties, members and services are displayed (open affairs)",
        citation=_cite("(二)2", "做到了制度上墙,职责公开,成员张榜,服务挂牌,统一规范"),
    ),
    at_least(
        "hb-regulations",
        community_field("regulations_posted"),
        DUTY_REGULATIONS,
        title_zh="24种职责制度上墙",
        title_en="the 24 duty regulations are posted",
        citation=_cite(
            "(二)2",
            "重新修订和制定了社区党支部、居委会等各种组织和书记、主任等各成员的24种职责制度",
        ),
        severity=Severity.WARNING,
    ),
)

_SPACE_SURVEY: Final = "平均每个社区达86.6平方米。其中,100平方米以上的社区16个"

_SPACE_RULES: Final = (
    at_least(
        "hb-space-minimum",
        community_field("service_space_m2"),
        SPACE_MINIMUM_M2,
        title_zh="有办公和服务用房,不少于40平方米",
        title_en="office and service space of at least 40 m²",
        citation=_cite("(二)3", "建筑面积最小的40平方米,最大的280平方米"),
    ),
    at_least(
        "hb-space-average",
        community_field("service_space_m2"),
        SPACE_AVERAGE_M2,
        title_zh="用房面积达到全区平均86.6平方米",
        title_en="office and service space at the district average of 86.6 m²",
        citation=_cite("(二)3", _SPACE_SURVEY),
        severity=Severity.INFO,
    ),
    at_least(
        "hb-space-100",
        community_field("service_space_m2"),
        SPACE_GOOD_M2,
        title_zh="用房面积100平方米以上",
        title_en="office and service space of 100 m² or more",
        citation=_cite("(二)3", _SPACE_SURVEY),
        severity=Severity.WARNING,
    ),
)

FIVE_ROOMS: Final = {
    "两委会办公室": FacilityType.COMMITTEE_OFFICE,
    "警务室": FacilityType.POLICE_ROOM,
    "书画阅览室": FacilityType.READING_ROOM,
    "文体活动室": FacilityType.ACTIVITY_ROOM,
    "多功能会议室": FacilityType.MEETING_ROOM,
}
"""五室, by the seed's names."""

FOUR_MACHINES: Final = {
    "电视机": EquipmentType.TELEVISION,
    "DVD机": EquipmentType.DVD_PLAYER,
    "计算机": EquipmentType.COMPUTER,
    "打印机": EquipmentType.PRINTER,
}
"""四机, by the seed's names (its "dvd机" written as the model's DVD机)."""

THREE_STATIONS: Final = {
    "社区服务站": FacilityType.SERVICE_STATION,
    "卫生服务站": FacilityType.HEALTH_STATION,
    "劳动就业服务站": FacilityType.EMPLOYMENT_STATION,
}
"""三站, by the seed's names."""

TWO_SCHOOLS: Final = {
    "市民学校": FacilityType.CITIZENS_SCHOOL,
    "老年学校": FacilityType.ELDERLY_SCHOOL,
}
"""两校, by the seed's names."""

ONE_VENUE: Final = {"室外健身活动场所": FacilityType.OUTDOOR_FITNESS_SITE}
"""一场所, by the seed's name."""


def _kit_rule(
    rule_id: str,
    part: str,
    items: Mapping[str, FacilityType | EquipmentType],
    title_en: str,
    text: str,
) -> Rule:
    def cls(kind: FacilityType | EquipmentType) -> type[Any]:
        return Facility if isinstance(kind, FacilityType) else Equipment

    return requires(
        rule_id,
        {name: _count(cls(kind), name, type=kind) for name, kind in items.items()},
        title_zh=f"配齐“{part}”:" + "、".join(items),
        title_en=title_en,
        citation=_cite("(二)3", text),
    )


_KIT_RULES: Final = (
    _kit_rule(
        "hb-five-rooms",
        "五室",
        FIVE_ROOMS,
        "the five rooms: committee office, police, reading, activity and meeting rooms",
        "并相应配齐“五室”(两委会办公室、警务室、书画阅览室、文体活动室、多功能会议室)",
    ),
    _kit_rule(
        "hb-four-machines",
        "四机",
        FOUR_MACHINES,
        "the four machines: television, DVD player, computer, printer",
        "“四机”(电视机、dvd机、计算机、打印机)",
    ),
    _kit_rule(
        "hb-three-stations",
        "三站",
        THREE_STATIONS,
        "the three stations: community service, health and employment",
        "“三站”(社区服务站、卫生服务站、劳动就业服务站)",
    ),
    _kit_rule(
        "hb-two-schools",
        "两校",
        TWO_SCHOOLS,
        "the two schools: citizens' school and school for the elderly",
        "“两校”(市民学校、老年学校)",
    ),
    _kit_rule(
        "hb-one-venue",
        "一场所",
        ONE_VENUE,
        "the one venue: an outdoor fitness site",
        "“一场所”(室外健身活动场所)等硬件设施",
    ),
)


# -- part two, 4: allowances and funds -------------------------------------------------------


def _district_funds(view: CommunityView, purpose: FundingPurpose) -> Decimal | None:
    """What the district (区财政, county level) paid for ``purpose`` in the latest year.

    ``None`` (missing data) without funding records, or when a fiscal line for
    the purpose does not say which level paid it.
    """
    lines = view.latest(Funding, "year")
    if lines is None:
        return None
    fiscal = [
        line for line in lines if line.source is FundingSource.FISCAL and line.purpose is purpose
    ]
    if any(line.payer_level is None for line in fiscal):
        return None
    return sum(
        (line.amount_yuan for line in fiscal if line.payer_level is DivisionLevel.COUNTY),
        Decimal(0),
    )


def _floor(amount: Decimal) -> float:
    # Shown rounded down, so a failing community never shows the threshold itself.
    return float(amount.quantize(Decimal("0.01"), rounding=ROUND_FLOOR))


def _allowance_per_worker(view: CommunityView) -> Finding:
    funds = _district_funds(view, FundingPurpose.LIVING_ALLOWANCE)
    workers = view.count(Staff, role=WORKER_ROLES)
    if funds is None or workers == 0:
        return Finding(Outcome.MISSING_DATA)
    per_worker = funds / workers
    outcome = Outcome.PASS if per_worker >= LIVING_ALLOWANCE_YUAN else Outcome.FAIL
    return Finding(outcome, actual=_floor(per_worker))


def _allowance_for_principals(view: CommunityView) -> Finding:
    funds = _district_funds(view, FundingPurpose.LIVING_ALLOWANCE)
    if funds is None:
        return Finding(Outcome.MISSING_DATA)
    principals = max(1, view.count(Staff, role=PRINCIPAL_ROLES))
    needed = LIVING_ALLOWANCE_YUAN * principals
    outcome = Outcome.PASS if funds >= needed else Outcome.FAIL
    return Finding(outcome, actual=_floor(funds), expected=f"≥ {needed:,} 元")


def _office_funds(view: CommunityView) -> float | None:
    funds = _district_funds(view, FundingPurpose.OPERATING)
    return None if funds is None else _floor(funds)


_OFFICE_FUNDS: Final = Metric("区财政办公经费", "district office funds", "元", _office_funds)


def _funding_lines(name: str, **conditions: Any) -> Metric:
    """How many funding lines of the latest year match ``conditions`` (``None``: no funding)."""
    return count_latest(Funding, "year", name, _names(conditions.values()), unit="笔", **conditions)


_QIANCHUAN: Final = "每年对前川11个社区内工作者人均补贴生活费6000元,每个社区补助办公经费1万元"
_OTHER_STREETS: Final = (
    "其它各街乡镇每年由区财政对社区主要负责人补贴生活费6000元,每个社区补助办公经费5000元"
)

_FUNDING_RULES: Final = (
    _for_types(
        Rule(
            "hb-allowance-street",
            "街道型社区工作者人均生活补贴每年不少于6000元",
            "street type: a living allowance of at least 6,000 yuan a year per worker",
            _cite("(二)4", _QIANCHUAN),
            _allowance_per_worker,
            expected=f"≥ {LIVING_ALLOWANCE_YUAN:,} 元/人·年",
        ),
        CommunityType.STREET,
    ),
    _for_types(
        at_least(
            "hb-office-funds-street",
            _OFFICE_FUNDS,
            OFFICE_FUNDS_YUAN[CommunityType.STREET],
            title_zh="街道型社区办公经费每年不少于1万元",
            title_en="street type: office funds of at least 10,000 yuan a year",
            citation=_cite("(二)4", _QIANCHUAN),
        ),
        CommunityType.STREET,
    ),
    _for_types(
        Rule(
            "hb-allowance-other",
            "社区主要负责人生活补贴每年不少于6000元",
            "other types: a living allowance of at least 6,000 yuan a year per principal",
            _cite("(二)4", _OTHER_STREETS),
            _allowance_for_principals,
            expected=f"≥ {LIVING_ALLOWANCE_YUAN:,} 元/主要负责人·年",
        ),
        *_OTHER_TYPES,
    ),
    _for_types(
        at_least(
            "hb-office-funds-other",
            _OFFICE_FUNDS,
            OFFICE_FUNDS_YUAN[None],
            title_zh="其他类型社区办公经费每年不少于5000元",
            title_en="other types: office funds of at least 5,000 yuan a year",
            citation=_cite("(二)4", _OTHER_STREETS),
        ),
        *_OTHER_TYPES,
    ),
    at_least(
        "hb-fee-follows-task",
        _funding_lines("“费随事转”经费", source=FundingSource.FEE_FOLLOWS_TASK),
        1,
        title_zh="实行“费随事转”,部门为社区拿出工作经费",
        title_en="departments fund the work they hand to the community (费随事转)",
        citation=_cite(
            "(二)4",
            "区计生委、民政局、城管局、卫生局、劳动局、烟草专卖局每年都为每个社区拿出了一定的工作经费",
        ),
        severity=Severity.WARNING,
    ),
    at_least(
        "hb-social-insurance",
        _funding_lines("“两保”经费", purpose=FundingPurpose.SOCIAL_INSURANCE),
        1,
        title_zh="社区干部“两保”(研究解决中)",
        title_en="community cadres' pension and medical insurance (under study)",
        citation=_cite("(二)4", "目前区劳动局正在研究解决社区干部“两保”问题"),
        severity=Severity.INFO,
    ),
)


# -- part three, 1: the four community types -------------------------------------------------


def _services(name: str, *categories: ServiceCategory) -> Metric:
    return count_of(Service, name, _names(categories), unit="项", category=categories)


_TYPE_RULES: Final = (
    Rule(
        "hb-community-type",
        "社区已划定类型(街道型、集镇型、农民新村型、开发小区型)",
        "the community's type is recorded (street, market town, resettled village, estate)",
        _cite("(三)1", "我们把全区43个社区划分为四种不同类型"),
        _community_type,
        expected="四种类型之一",
    ),
    _for_types(
        requires(
            "hb-street-facilities",
            {
                "环卫站": _count(Facility, "环卫站", type=FacilityType.SANITATION_STATION),
                "社区安保服务队": _count(
                    VolunteerTeam, "社区安保服务队", category=VolunteerCategory.PUBLIC_ORDER
                ),
                "社区服务计算机信息网络": _count(
                    Equipment, "计算机信息网络", type=EquipmentType.INFORMATION_NETWORK
                ),
            },
            title_zh="街道型社区另有环卫站、安保服务队和计算机信息网络",
            title_en="street type: a sanitation station, a security team and a computer network",
            citation=_cite(
                "(三)1",
                "使每个社区有社区警务室、社区服务站、社区医疗卫生服务站、环卫站,"
                "社区就业服务站、社区安保服务队和社区服务计算机信息网络",
            ),
        ),
        CommunityType.STREET,
    ),
    _for_types(
        at_least(
            "hb-market-town-management",
            _services("市容环卫服务", ServiceCategory.ENVIRONMENT),
            1,
            title_zh="集镇型社区承担市容、环卫管理",
            title_en="market-town type: the community manages the town's streets and sanitation",
            citation=_cite("(二)1", "还把城镇集市管理、市容、环卫管理的职责职能交给社区"),
            severity=Severity.WARNING,
        ),
        CommunityType.MARKET_TOWN,
    ),
    _for_types(
        at_least(
            "hb-market-town-economy",
            _funding_lines("社区经济收入", source=FundingSource.SERVICE_INCOME),
            1,
            title_zh="集镇型社区发展社区经济(有服务收入)",
            title_en="market-town type: a community economy (service income)",
            citation=_cite(
                "(三)1",
                "在进一步抓好社区的组织建设、制度建设和规范化建设的基础上,重点发展社区经济",
            ),
            severity=Severity.WARNING,
        ),
        CommunityType.MARKET_TOWN,
    ),
    _for_types(
        requires(
            "hb-resettled-village-services",
            {
                "社会保障": _services(
                    "社会保障",
                    ServiceCategory.SOCIAL_SECURITY,
                    ServiceCategory.ASSISTANCE,
                    ServiceCategory.ELDERLY_CARE,
                ),
                "小区治安": _services("小区治安", ServiceCategory.SAFETY),
                "社会服务": _services("社会服务", ServiceCategory.CONVENIENCE),
            },
            title_zh="农民新村型社区承担社会保障、小区治安、社会服务",
            title_en="resettled-village type: social security, estate safety and social services",
            citation=_cite(
                "(三)1",
                "通过社区自治组织承担社会保障、新村管理、小区治安、社会服务等多方面的工作",
            ),
            severity=Severity.WARNING,
        ),
        CommunityType.RESETTLED_VILLAGE,
    ),
    _for_types(
        requires(
            "hb-estate-property",
            {"物业服务企业": _organisation(OrganisationType.PROPERTY_COMPANY)},
            title_zh="开发小区型社区规范物业管理",
            title_en="estate type: property management is in place",
            citation=_cite("(三)1", "进一步健全社区服务体系,规范物业管理"),
            severity=Severity.WARNING,
        ),
        CommunityType.DEVELOPMENT_ESTATE,
    ),
)


# -- part three, 2 and 3: green coverage, fitness equipment ----------------------------------

_ENVIRONMENT_RULES: Final = (
    at_least(
        "hb-green-coverage",
        community_field("green_coverage_pct"),
        GREEN_COVERAGE_PCT,
        title_zh="绿化覆盖率35%以上",
        title_en="green coverage of 35% or more",
        citation=_cite("(三)2", "开展了庭院绿化,城镇建成区绿化覆盖率达35%以上"),
    ),
    at_least(
        "hb-fitness-equipment",
        _count(Equipment, "健身器材", type=EquipmentType.FITNESS_EQUIPMENT),
        1,
        title_zh="安装健身器材",
        title_en="fitness equipment is installed",
        citation=_cite("(三)3", "修建居民小游园、安装健身器材等项目"),
        severity=Severity.WARNING,
    ),
)


# -- targets -----------------------------------------------------------------------------------

_TARGETS: Final = (
    Target(
        "hb-target-graded",
        "全区社区全部完成等级社区达标",
        "every community of the district meets the graded standard",
        _GRADED_ALL,
        1.0,
        rule_id="hb-graded",
        scope=Scope.COUNTY,
    ),
    Target(
        "hb-target-first-grade",
        "市一级社区达到80%",
        "80% of communities meet the city's first grade",
        _GRADED_ALL,
        0.8,
        rule_id="hb-graded-first",
        scope=Scope.COUNTY,
    ),
    Target(
        "hb-target-graded-reached",
        "90%以上社区达到等级社区标准(已达到的水平)",
        "over 90% of communities graded (the level the district reports)",
        _GRADED_REACHED,
        0.9,
        rule_id="hb-graded",
        scope=Scope.COUNTY,
        severity=Severity.INFO,
    ),
    Target(
        "hb-target-883",
        "街道型社区全部完成“883行动计划”创建达标",
        "every street-type community of a street meets the 883 action plan standard",
        _PLAN_883,
        1.0,
        rule_id="hb-action-plan-883",
        scope=Scope.STREET,
    ),
)


HUBEI_HUANGPI: Final = RulePack(
    name="hubei-huangpi",
    version="1.0",
    title_zh="武汉市黄陂区社区建设的主要做法",
    title_en="Huangpi district (Wuhan, Hubei): how communities are built",
    rules=(
        *_DESIGNATION_RULES,
        *_ORGANISATION_RULES,
        *_SPACE_RULES,
        *_KIT_RULES,
        *_FUNDING_RULES,
        *_TYPE_RULES,
        *_ENVIRONMENT_RULES,
    ),
    targets=_TARGETS,
    province="42",
    grading=grading,
    description=(
        "武汉市黄陂区社区建设工作汇报:每个社区配齐“五室四机三站两校一场所”,办公和服务用房"
        "最小40平方米、平均86.6平方米、100平方米以上为优;社区分街道型、集镇型、农民新村型、"
        "开发小区型,各有重点;区财政对前川(街道型)社区工作者人均补贴生活费6000元、办公经费"
        "1万元,其他社区主要负责人6000元、办公经费5000元;24种职责制度上墙;绿化覆盖率35%以上;"
        "全区社区全部达到等级社区标准、市一级达到80%,前川等街道型社区完成“883行动计划”达标。"
    ),
)
"""The ``hubei-huangpi`` pack (seed 004): 30 rules, 4 targets and the 等级社区 grading."""
