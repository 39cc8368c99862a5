"""The ``shandong-tengzhou`` rule pack: Tengzhou's opinions on community work (seed 002).

Every numeric threshold and every requirement of the opinions that a community's
records can show is one rule here, citing the clause and quoting the sentence as
the seed has it (simplified characters). The three share-of-communities goals
of part one (50% / 80% provincial, 15% national demonstration communities) are
targets per county-level unit, since the opinions set them for 全市, the
county-level city of Tengzhou. The choices made where the text is vague are on
the pack's documentation page (``docs/standards/shandong-tengzhou.md``).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_FLOOR, Decimal
from typing import Any, Final

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
    Designation,
    Equipment,
    Facility,
    Funding,
    Grid,
    Organisation,
    Service,
    Staff,
)
from shequkit.standards import (
    Citation,
    CommunityView,
    Finding,
    Metric,
    Outcome,
    Rule,
    RulePack,
    Scope,
    Target,
    at_least,
    at_most,
    between,
    community_field,
    count_latest,
    count_of,
    covers_all,
    has,
    is_true,
    one_per,
    requires,
)
from shequkit.validate import Severity

__all__ = [
    "ALLOWANCE_SPLIT",
    "ALLOWANCE_TOLERANCE",
    "COMMITTEE_ROLES",
    "GRID_HOUSEHOLDS",
    "OFFICE_EQUIPMENT",
    "OPERATING_FUNDS_PER_1000_HOUSEHOLDS",
    "SCALE_RANGE",
    "SHANDONG_TENGZHOU",
    "SPACE_MINIMUM",
]

SEED: Final = "002"
"""The seed file the pack encodes (Tengzhou 民政局 opinions on community work)."""

SCALE_RANGE: Final = (2000, 4000)
"""Households read as "3000户左右": within a third of 3000 either way."""

SPACE_MINIMUM: Final = {
    SpaceCase.BUILT_ESTATE: 300,
    SpaceCase.ESTATE_UNDER_CONSTRUCTION: 400,
    SpaceCase.PLANNED_ESTATE: 500,
    SpaceCase.OLD_TOWN: 300,
}
"""Office and service space per case of 五、1 (1)–(4), m²."""

OPERATING_FUNDS_PER_1000_HOUSEHOLDS: Final = 1000
"""Yuan a year per 1,000 households: the least figure "*000元" can be (the digit is masked)."""

ALLOWANCE_SPLIT: Final = {
    DivisionLevel.CITY: Decimal("0.5"),
    DivisionLevel.COUNTY: Decimal("0.2"),
    DivisionLevel.TOWNSHIP: Decimal("0.3"),
}
"""Living allowances paid 5∶2∶3 by 枣庄市 (city), 滕州市 (county level) and the street."""

ALLOWANCE_TOLERANCE: Final = Decimal("0.01")
"""How far each level's share may stray from the split (one percentage point)."""


def _cite(clause: str, text: str) -> Citation:
    return Citation(SEED, clause, text)


def _names(members: Iterable[Any]) -> str:
    return "/".join(member.name.lower() for member in members)


def _facility(name: str, *kinds: FacilityType) -> Metric:
    """How many facilities of ``kinds`` the community has, shown as ``name``."""
    return count_of(Facility, name, _names(kinds), type=kinds)


def _services(name: str, *categories: ServiceCategory) -> Metric:
    """How many services of ``categories`` the community offers, shown as ``name``."""
    return count_of(Service, name, _names(categories), unit="项", category=categories)


def _staff(view: CommunityView, roles: Iterable[StaffRole], **conditions: Any) -> list[Staff]:
    return list(view.where(Staff, role=tuple(roles), **conditions))


_F = FacilityType
_S = ServiceCategory

COMMITTEE_ROLES: Final = tuple(role for role in StaffRole if role.is_committee_member)

_COMMITTEE_MEMBERS: Final = Metric(
    "居委会成员",
    "residents' committee members",
    "人",
    lambda view: len(_staff(view, COMMITTEE_ROLES)),
)
_GRID_WORKERS: Final = Metric(
    "网格员", "grid workers", "人", lambda view: len(_staff(view, (StaffRole.GRID_WORKER,)))
)
_LABOUR_OFFICERS: Final = Metric(
    "劳动保障专职人员",
    "full-time labour-security staff",
    "人",
    lambda view: len(_staff(view, (StaffRole.LABOUR_SECURITY_OFFICER,), full_time=True)),
)


# -- part two: organisations and workers ---------------------------------------------


def _all_elected(view: CommunityView) -> Finding:
    members = _staff(view, COMMITTEE_ROLES)
    if not members or any(member.elected is None for member in members):
        return Finding(Outcome.MISSING_DATA)
    elected = sum(1 for member in members if member.elected)
    outcome = Outcome.PASS if elected == len(members) else Outcome.FAIL
    return Finding(outcome, actual=f"{elected}/{len(members)}")


_ORGANISATION_RULES: Final = (
    has(
        "sd-party-organisation",
        count_of(Organisation, "社区党组织", "party", type=OrganisationType.PARTY_ORGANISATION),
        title_zh="建立社区党组织",
        title_en="the community has a party organisation",
        citation=_cite("二、1", "及时建立健全和调整社区党组织,开展党的工作"),
    ),
    has(
        "sd-residents-committee",
        count_of(
            Organisation, "社区居民委员会", "committee", type=OrganisationType.RESIDENTS_COMMITTEE
        ),
        title_zh="建立社区居民自治组织(居委会)",
        title_en="the community has a residents' committee",
        citation=_cite(
            "二、2", "以调整后的居委会辖区作为社区地域,并在此基础上,建立社区居民自治组织"
        ),
    ),
    between(
        "sd-scale",
        community_field("households"),
        *SCALE_RANGE,
        title_zh="社区规模3000户左右",
        title_en="about 3,000 households per community",
        citation=_cite("二、2", "根据我市实际,原则上按3000户左右规模设置"),
        severity=Severity.WARNING,
    ),
    Rule(
        "sd-committee-elected",
        "居委会成员经民主选举产生",
        "residents' committee members are elected",
        _cite("二、2", "社区居委会的成员经民主选举产生,负责社区日常事务的管理"),
        _all_elected,
        expected="全部经选举",
    ),
    is_true(
        "sd-open-affairs",
        "open_affairs",
        title_zh="推进社区居务公开",
        title_en="community affairs are open to residents",
        citation=_cite("二、2", "全面推进社区居务公开制度"),
    ),
    is_true(
        "sd-direct-election",
        "direct_election",
        title_zh="推行社区居委会直选(有条件的)",
        title_en="the residents' committee is directly elected (where conditions allow)",
        citation=_cite("二、2", "有条件的可推行社区居委会直选"),
        severity=Severity.INFO,
    ),
    at_least(
        "sd-social-organisations",
        count_of(Organisation, "社区社会组织", "social", type=OrganisationType.SOCIAL_ORGANISATION),
        1,
        title_zh="培育社区民间组织",
        title_en="residents run community social organisations",
        citation=_cite(
            "二、3",
            "支持和鼓励社区居民成立形式多样的慈善组织、群众性文体组织、科普组织和"
            "为老年人、残疾人、困难群众提供生活服务的组织",
        ),
        severity=Severity.INFO,
    ),
    one_per(
        "sd-committee-members",
        _COMMITTEE_MEMBERS,
        community_field("households"),
        300,
        minimum=5,
        title_zh="居委会成员每300户1人,不少于5人",
        title_en="one committee member per 300 households, at least 5",
        citation=_cite("二、4", "社区居委会成员职数原则上按每300户配备1人确定,最低不得少于5人"),
    ),
)

# -- part three: self-government and public services ---------------------------------

_GOVERNANCE_RULES: Final = (
    has(
        "sd-talk-room",
        _facility("民情室", FacilityType.TALK_ROOM),
        title_zh="设立民情室",
        title_en="a room for residents' concerns (民情室)",
        citation=_cite("三、1", "设立民情室、民意信箱、民意热线"),
        severity=Severity.WARNING,
    ),
    is_true(
        "sd-one-stop-service",
        "one_stop_service",
        title_zh="推进“一站式”服务",
        title_en="one-stop service",
        citation=_cite("三、3", "积极推进“一站式”服务"),
        severity=Severity.WARNING,
    ),
)

# -- part four: funding ---------------------------------------------------------------


def _operating_funds(view: CommunityView) -> Finding:
    lines = view.latest(Funding, "year")
    households = view.community.households
    if households == 0:
        return Finding(Outcome.NOT_APPLICABLE)
    if lines is None:
        return Finding(Outcome.MISSING_DATA)
    funds = sum(
        (
            line.amount_yuan
            for line in lines
            if line.source is FundingSource.FISCAL and line.purpose is FundingPurpose.OPERATING
        ),
        Decimal(0),
    )
    per_thousand = funds * 1000 / households
    outcome = Outcome.PASS if per_thousand >= OPERATING_FUNDS_PER_1000_HOUSEHOLDS else Outcome.FAIL
    # Shown rounded down, so a failing community never shows the threshold itself.
    shown = per_thousand.quantize(Decimal("0.01"), rounding=ROUND_FLOOR)
    return Finding(outcome, actual=float(shown))


def _allowance_split(view: CommunityView) -> Finding:
    lines = view.latest(Funding, "year")
    if lines is None:
        return Finding(Outcome.MISSING_DATA)
    allowances = [line for line in lines if line.purpose is FundingPurpose.LIVING_ALLOWANCE]
    if any(line.payer_level is None for line in allowances):
        return Finding(Outcome.MISSING_DATA)
    total = sum((line.amount_yuan for line in allowances), Decimal(0))
    if total == 0:
        return Finding(Outcome.FAIL, actual="未拨付生活补贴")
    shares = {
        level: sum((line.amount_yuan for line in allowances if line.payer_level is level), 0)
        / total
        for level in ALLOWANCE_SPLIT
    }
    within = all(
        abs(shares[level] - wanted) <= ALLOWANCE_TOLERANCE
        for level, wanted in ALLOWANCE_SPLIT.items()
    )
    shown = "∶".join(f"{share:.0%}" for share in shares.values())
    return Finding(Outcome.PASS if within else Outcome.FAIL, actual=shown)


def _funding_lines(name: str, **conditions: Any) -> Metric:
    """How many funding lines of the latest year match ``conditions`` (``None``: no funding)."""
    return count_latest(Funding, "year", name, _names(conditions.values()), unit="笔", **conditions)


_FUNDING_RULES: Final = (
    has(
        "sd-fee-follows-task",
        _funding_lines("“费随事转”经费", source=FundingSource.FEE_FOLLOWS_TASK),
        title_zh="协助行政事务给予相应经费(费随事转)",
        title_en="delegated administrative work comes with funds (费随事转)",
        citation=_cite(
            "四、1",
            "对于不属于社区居委会职责范围,但需要社区协助的行政事务性工作,应实行有偿服务,"
            "给予社区相应的经费或补贴",
        ),
        severity=Severity.WARNING,
    ),
    Rule(
        "sd-operating-funds",
        "社区工作经费每千户每年不少于*000元(取1000元)",
        "operating funds at least *,000 yuan per 1,000 households a year (1,000 used)",
        _cite("四、2", "社区工作经费,原则上按每千户每年不少于*000元核拨"),
        _operating_funds,
        expected=f"≥ {OPERATING_FUNDS_PER_1000_HOUSEHOLDS:,} 元/千户·年",
    ),
    Rule(
        "sd-allowance-split",
        "居委会成员生活补贴由市、滕州市、街道按5∶2∶3拨付",
        "committee members' allowances paid 5:2:3 by city, county-level city and street",
        _cite("四、2", "所需经费由*市、滕州市和街道财政按5∶2∶3的比例拨付"),
        _allowance_split,
        expected="50%∶20%∶30%(±1个百分点)",
    ),
    has(
        "sd-social-insurance",
        _funding_lines("社会保险经费", purpose=FundingPurpose.SOCIAL_INSURANCE),
        title_zh="居委会成员参加基本养老、医疗等社会保险",
        title_en="committee members are covered by pension and medical insurance",
        citation=_cite("四、2", "并按规定参加基本养老、医疗等社会保险"),
        severity=Severity.WARNING,
    ),
)

# -- part five: space, facilities, equipment -----------------------------------------


def _space_rule(rule_id: str, case: SpaceCase, clause: str, text: str) -> Rule:
    minimum = SPACE_MINIMUM[case]

    def check(view: CommunityView) -> Finding:
        community = view.community
        if community.space_case is None:
            return Finding(Outcome.MISSING_DATA)
        if community.space_case is not case:
            return Finding(Outcome.NOT_APPLICABLE)
        if community.service_space_m2 is None:
            return Finding(Outcome.MISSING_DATA)
        space = community.service_space_m2
        return Finding(Outcome.PASS if space >= minimum else Outcome.FAIL, actual=space)

    return Rule(
        rule_id,
        f"{case.label_zh}办公和服务用房不低于{minimum}平方米",
        f"office and service space at least {minimum} m² ({case.label_zh})",
        _cite(clause, text),
        check,
        expected=f"≥ {minimum} 平方米",
    )


OFFICE_EQUIPMENT: Final = {
    "电脑": EquipmentType.COMPUTER,
    "打印机": EquipmentType.PRINTER,
    "传真机": EquipmentType.FAX,
    "扫描仪": EquipmentType.SCANNER,
    "刻录机": EquipmentType.DISC_BURNER,
    "数码相机": EquipmentType.DIGITAL_CAMERA,
    "投影仪": EquipmentType.PROJECTOR,
    "电动自行车": EquipmentType.ELECTRIC_BICYCLE,
}
"""The office equipment 五、1(8) lists, by the seed's names."""


def _equipment(kind: EquipmentType) -> Metric:
    return count_of(Equipment, kind.label_zh, kind.name.lower(), type=kind)


_SPACE_RULES: Final = (
    _space_rule(
        "sd-space-built-estate",
        SpaceCase.BUILT_ESTATE,
        "五、1(1)",
        "责令建设单位(房地产开发企业)从现有配套或商业用房中调剂解决,面积不低于300平方米",
    ),
    _space_rule(
        "sd-space-under-construction",
        SpaceCase.ESTATE_UNDER_CONSTRUCTION,
        "五、1(2)",
        "确保社区居委会办公和服务用房达到400平方米",
    ),
    _space_rule(
        "sd-space-planned-estate",
        SpaceCase.PLANNED_ESTATE,
        "五、1(3)",
        "规划建设面积要达到500平方米",
    ),
    _space_rule(
        "sd-space-old-town",
        SpaceCase.OLD_TOWN,
        "五、1(4)",
        "通过新建、改建、共建或帮建等形式解决,面积要达到300平方米以上",
    ),
    requires(
        "sd-facility-areas",
        {
            "办公区域": _facility("办公区域", _F.COMMITTEE_OFFICE),
            "服务区域": _facility("服务区域", _F.SERVICE_STATION, _F.SERVICE_CENTRE),
            "活动区域": _facility(
                "活动区域", _F.ACTIVITY_ROOM, _F.OUTDOOR_FITNESS_SITE, _F.LEISURE_SQUARE
            ),
        },
        title_zh="设施分办公、服务、活动区域",
        title_en="the premises have office, service and activity areas",
        citation=_cite("五、1(8)", "社区基础设施要按照办公区域、服务区域、活动区域的类别进行划分"),
    ),
    requires(
        "sd-facility-functions",
        {
            "为民服务": _services("为民服务", _S.CONVENIENCE),
            "社区养老": _services("社区养老", _S.ELDERLY_CARE),
            "社区救助": _services("社区救助", _S.ASSISTANCE, _S.CHARITY),
            "社区文化": _services("社区文化", _S.CULTURE),
            "学习教育": _services(
                "学习教育", _S.RESIDENT_EDUCATION, _S.LEGAL_EDUCATION, _S.SCIENCE_POPULARISATION
            ),
            "娱乐健身": _services("娱乐健身", _S.SPORTS),
        },
        title_zh="设施功能涵盖为民服务、养老、救助、文化、学习教育、娱乐健身",
        title_en="the premises serve convenience, elderly care, assistance, culture, "
        "learning and fitness",
        citation=_cite(
            "五、1(8)",
            "功能设置上涵盖“一站式”办公、为民服务、社区养老、社区救助、社区文化、"
            "学习教育、娱乐健身等",
        ),
        severity=Severity.WARNING,
    ),
    requires(
        "sd-equipment",
        {name: _equipment(kind) for name, kind in OFFICE_EQUIPMENT.items()},
        title_zh="配备电脑、打印机、传真机等八种办公服务设施",
        title_en="the eight kinds of office equipment the opinions list",
        citation=_cite(
            "五、1(8)",
            "如电脑、打印机、传真机、扫描仪、刻录机、数码相机、投影仪、电动自行车等",
        ),
        severity=Severity.WARNING,
    ),
)

# -- part six: community services -----------------------------------------------------


GRID_HOUSEHOLDS: Final = (200, 250)
"""Households per grid, each grid served by one worker (六、5)."""


def _employment_assistance(view: CommunityView) -> int:
    wanted = {TargetGroup.AGED_40_50, TargetGroup.ZERO_EMPLOYMENT_FAMILY}
    return sum(
        1
        for service in view.where(Service, category=ServiceCategory.EMPLOYMENT)
        if wanted.intersection(service.target_groups)
    )


def _migrant_services(view: CommunityView) -> int:
    return sum(
        1
        for service in view.of(Service)
        if service.category is ServiceCategory.MIGRANT_SERVICES
        or TargetGroup.MIGRANTS in service.target_groups
    )


def _all_free(view: CommunityView, category: ServiceCategory) -> Finding:
    services = list(view.where(Service, category=category))
    if not services:
        return Finding(Outcome.NOT_APPLICABLE)
    charged = sum(1 for service in services if service.charging is not ChargingMode.FREE)
    outcome = Outcome.PASS if charged == 0 else Outcome.FAIL
    return Finding(outcome, actual=f"{len(services) - charged}/{len(services)} 无偿")


def _grid_sizes(view: CommunityView) -> Finding:
    low, high = GRID_HOUSEHOLDS
    grids = view.of(Grid)
    if not grids:
        return Finding(Outcome.MISSING_DATA)
    outside = [grid for grid in grids if not low <= grid.households <= high]
    if outside:
        sizes = "、".join(str(grid.households) for grid in outside[:5])
        more = "…" if len(outside) > 5 else ""
        return Finding(Outcome.FAIL, actual=f"{len(outside)}/{len(grids)} 个网格超出:{sizes}{more}")
    return Finding(Outcome.PASS, actual=f"{len(grids)}/{len(grids)}")


_GRID_CITATION: Final = _cite("六、5", "以每人200—250户为一个服务网格")

_SERVICE_RULES: Final = (
    has(
        "sd-labour-station",
        _facility("劳动保障工作站", _F.EMPLOYMENT_STATION),
        title_zh="在社区居委会内设立劳动保障工作站",
        title_en="a labour-security station in the residents' committee",
        citation=_cite("六、2", "在社区居委会内设立劳动保障工作站"),
    ),
    at_least(
        "sd-labour-staff",
        _LABOUR_OFFICERS,
        1,
        title_zh="劳动保障工作站至少1名专职工作人员",
        title_en="at least one full-time labour-security worker",
        citation=_cite("六、2", "明确1--2名专职工作人员负责就业和社会保障工作"),
    ),
    at_most(
        "sd-labour-staff-max",
        _LABOUR_OFFICERS,
        2,
        title_zh="劳动保障专职工作人员不超过2名",
        title_en="at most two full-time labour-security workers",
        citation=_cite("六、2", "明确1--2名专职工作人员负责就业和社会保障工作"),
        severity=Severity.WARNING,
    ),
    at_least(
        "sd-employment-assistance",
        Metric("就业援助服务", "employment assistance", "项", _employment_assistance),
        1,
        title_zh="对“4050”人员和“零就业家庭”实施就业援助",
        title_en="employment assistance for the 40/50 group and zero-employment families",
        citation=_cite("六、2", "重点对“4050”人员和“零就业家庭”就业困难人员实施援助"),
        severity=Severity.WARNING,
    ),
    requires(
        "sd-service-types",
        {
            "就业服务": _services("就业服务", _S.EMPLOYMENT),
            "社会保障服务": _services("社会保障服务", _S.SOCIAL_SECURITY, _S.ELDERLY_CARE),
            "救助服务": _services("救助服务", _S.ASSISTANCE, _S.CHARITY),
            "卫生和计划生育服务": _services(
                "卫生和计划生育服务", _S.HEALTH_CARE, _S.FAMILY_PLANNING
            ),
            "文化、教育、体育服务": _services(
                "文化、教育、体育服务",
                _S.CULTURE,
                _S.RESIDENT_EDUCATION,
                _S.SPORTS,
                _S.SCIENCE_POPULARISATION,
            ),
            "安全服务": _services("安全服务", _S.SAFETY, _S.LEGAL_EDUCATION),
        },
        title_zh="社区服务涵盖就业、社会保障、救助、卫生计生、文教体育、安全",
        title_en="services cover employment, social security, assistance, health, "
        "culture and education, safety",
        citation=_cite("六", "大力发展社区服务"),
        severity=Severity.WARNING,
    ),
    has(
        "sd-charity-point",
        _facility("捐助接收站点或慈善超市", _F.DONATION_POINT, _F.CHARITY_SUPERMARKET),
        title_zh="社区捐助接收站点、“慈善超市”",
        title_en="a donation point or charity supermarket",
        citation=_cite("六、4", "加强对社区捐助接收站点、“慈善超市”的建设和管理"),
        severity=Severity.INFO,
    ),
    is_true(
        "sd-grid-management",
        "grid_management",
        title_zh="实行网格化管理服务",
        title_en="grid management",
        citation=_cite("六、5", "实行网格化管理服务,努力实现社区服务无缝隙、全覆盖"),
    ),
    Rule(
        "sd-grid-size",
        "每个网格200—250户",
        "every grid has 200 to 250 households",
        _GRID_CITATION,
        _grid_sizes,
        expected=f"每个网格 {GRID_HOUSEHOLDS[0]}–{GRID_HOUSEHOLDS[1]} 户",
    ),
    one_per(
        "sd-grid-workers",
        _GRID_WORKERS,
        community_field("households"),
        GRID_HOUSEHOLDS[1],
        title_zh="网格员每250户至少1人",
        title_en="at least one grid worker per 250 households",
        citation=_GRID_CITATION,
    ),
    has(
        "sd-health-station",
        _facility("社区卫生服务中心(站)", _F.HEALTH_STATION),
        title_zh="社区卫生服务中心(站)",
        title_en="a community health station",
        citation=_cite("六、6", "建立健全以社区卫生服务中心(站)为主体的社区卫生和计划生育服务网络"),
        severity=Severity.WARNING,
    ),
    Rule(
        "sd-family-planning-free",
        "计划生育基本项目免费服务",
        "family-planning services are free",
        _cite("六、6", "实施国家政策规定的计划生育基本项目免费服务"),
        lambda view: _all_free(view, ServiceCategory.FAMILY_PLANNING),
        expected="全部无偿",
        severity=Severity.WARNING,
    ),
    requires(
        "sd-culture-venues",
        {
            "读书阅报场所": _facility("读书阅报场所", _F.READING_ROOM),
            "健身场所": _facility("健身场所", _F.OUTDOOR_FITNESS_SITE),
            "文艺活动场所": _facility("文艺活动场所", _F.ACTIVITY_ROOM),
        },
        title_zh="读书、阅报、健身、文艺活动场所",
        title_en="places to read, exercise and hold cultural activities",
        citation=_cite("六、7", "逐步建立方便社区居民读书、阅报、健身、开展文艺活动的场所"),
        severity=Severity.WARNING,
    ),
    has(
        "sd-community-school",
        _facility("社区学校或市民学校", _F.CITIZENS_SCHOOL, _F.ELDERLY_SCHOOL),
        title_zh="发挥社区学校、市民学校作用",
        title_en="a community or citizens' school",
        citation=_cite("六、7", "充分发挥社区学校、市民学校的作用"),
        severity=Severity.WARNING,
    ),
    has(
        "sd-fitness-equipment",
        _equipment(EquipmentType.FITNESS_EQUIPMENT),
        title_zh="配置健身器材",
        title_en="fitness equipment",
        citation=_cite("六、7", "配置相应的健身器材,不断增强居民体质"),
        severity=Severity.WARNING,
    ),
    at_least(
        "sd-migrant-services",
        Metric("流动人口服务", "services for migrants", "项", _migrant_services),
        1,
        title_zh="为流动人口提供服务",
        title_en="services for migrants",
        citation=_cite("六、8", "实行与户籍人口同宣传、同服务、同管理"),
        severity=Severity.WARNING,
        applies=lambda view: view.community.migrant_population != 0,
    ),
    has(
        "sd-police-room",
        _facility("社区警务室", _F.POLICE_ROOM),
        title_zh="社区警务室(站)",
        title_en="a community police room",
        citation=_cite("六、9", "加强社区警务室(站)建设"),
        severity=Severity.WARNING,
    ),
    covers_all(
        "sd-charging-mix",
        Service,
        "charging",
        ChargingMode,
        title_zh="服务无偿、低偿和有偿相结合",
        title_en="services are free, low-cost and paid in combination",
        citation=_cite("六、*", "各种便民利民服务实行无偿、低偿和有偿相结合"),
        severity=Severity.WARNING,
    ),
)


# -- part one: goals for the share of communities -------------------------------------


def _demonstration(name: str, *levels: HonourLevel) -> Metric:
    """How many 示范社区 titles the community holds at ``levels``."""
    kind = DesignationKind.DEMONSTRATION
    return count_of(Designation, name, _names(levels), category=kind, level=levels)


_PROVINCIAL: Final = _cite("一、3", "到2008年,全市50%以上的社区达到省级示范社区标准")
_LATER: Final = _cite(
    "一、3", "到20*年,80%的社区达到省级示范社区标准,15%的社区达到全国示范社区标准"
)

_DESIGNATION_RULES: Final = (
    at_least(
        "sd-provincial-demonstration",
        _demonstration("省级以上示范社区称号", HonourLevel.PROVINCIAL, HonourLevel.NATIONAL),
        1,
        title_zh="达到省级示范社区标准",
        title_en="meets the provincial demonstration community standard",
        citation=_PROVINCIAL,
        severity=Severity.INFO,
    ),
    at_least(
        "sd-national-demonstration",
        _demonstration("全国示范社区称号", HonourLevel.NATIONAL),
        1,
        title_zh="达到全国示范社区标准",
        title_en="meets the national demonstration community standard",
        citation=_LATER,
        severity=Severity.INFO,
    ),
)

_TARGETS: Final = (
    Target(
        "sd-target-provincial-2008",
        "2008年全市50%以上社区达到省级示范社区标准",
        "by 2008, 50% of communities meet the provincial demonstration standard",
        _PROVINCIAL,
        0.5,
        rule_id="sd-provincial-demonstration",
        scope=Scope.COUNTY,
    ),
    Target(
        "sd-target-provincial",
        "80%社区达到省级示范社区标准",
        "80% of communities meet the provincial demonstration standard",
        _LATER,
        0.8,
        rule_id="sd-provincial-demonstration",
        scope=Scope.COUNTY,
    ),
    Target(
        "sd-target-national",
        "15%社区达到全国示范社区标准",
        "15% of communities meet the national demonstration standard",
        _LATER,
        0.15,
        rule_id="sd-national-demonstration",
        scope=Scope.COUNTY,
    ),
)


SHANDONG_TENGZHOU: Final = RulePack(
    name="shandong-tengzhou",
    version="1.0",
    title_zh="滕州市关于进一步加强和改进社区工作的意见",
    title_en="Tengzhou (Shandong) opinions on strengthening and improving community work",
    rules=(
        *_DESIGNATION_RULES,
        *_ORGANISATION_RULES,
        *_GOVERNANCE_RULES,
        *_FUNDING_RULES,
        *_SPACE_RULES,
        *_SERVICE_RULES,
    ),
    targets=_TARGETS,
    province="37",
    description=(
        "滕州市民政局《关于进一步加强和改进社区工作的意见》(依据鲁政发〔2006〕94号):"
        "社区规模3000户左右,居委会成员每300户1人且不少于5人,办公和服务用房按情形"
        "300/400/500平方米,每人200—250户一个服务网格,劳动保障工作站1—2名专职人员,"
        "八种办公设备,服务无偿、低偿、有偿相结合,生活补贴市、滕州市、街道5∶2∶3拨付;"
        "到2008年50%、其后80%的社区达到省级示范社区标准,15%达到全国示范社区标准。"
    ),
)
"""The ``shandong-tengzhou`` pack (seed 002): 40 rules and 3 county-level targets."""
