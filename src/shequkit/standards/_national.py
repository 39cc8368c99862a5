"""The national rule pack ``national``: seeds 000 and 003 and the 14th Five-Year plan.

Every requirement of the national overview (seed 000, 如何建立和完善文明社区创建工作的新机制)
and of the Minister's article (seed 003, 高扬创先争优旗帜 深化和谐社区建设) that a
community's records can show is one rule here: the organisational set (party
organisation, members' assembly, residents' committee, consultation committee, and
the mediation and public-security committees under the residents' committee), the
ten service functions and the services the seeds single out, open affairs, and the
two figures of the 14th Five-Year urban-rural community service plan (facility
coverage of urban communities 100%, at least 30 m² of facility per 100 households).

Quotations keep each seed's own characters (000 traditional, 003 simplified); the
choices made where the text is vague are on ``docs/standards/national.md``.
"""

from __future__ import annotations

from typing import Final

from shequkit.codes import (
    ChargingMode,
    FacilityType,
    OrganisationType,
    ServiceCategory,
    SocialOrganisationCategory,
    TargetGroup,
)
from shequkit.model import Facility, Organisation, Service, VolunteerTeam
from shequkit.standards._declarative import (
    Metric,
    at_least,
    count_of,
    covers_all,
    has,
    is_true,
    requires,
    services_for,
)
from shequkit.standards._rules import Citation, Finding, Outcome, Rule, RulePack, Scope, Target
from shequkit.standards._view import CommunityView
from shequkit.validate._catalogue import Severity

__all__ = [
    "COMPREHENSIVE_FACILITIES",
    "NATIONAL",
    "PLAN",
    "SPACE_PER_100_HOUSEHOLDS",
    "TEN_FUNCTIONS",
    "is_urban",
]

PLAN: Final = "十四五城乡社区服务体系建设规划"
"""The document the two 14th Five-Year figures are cited from (国办发〔2021〕56号)."""

TEN_FUNCTIONS: Final = tuple(
    category for category in ServiceCategory if category.is_national_function
)
"""The ten service functions of seed 000 (居民教育普法 counted as two, as the model does)."""

COMPREHENSIVE_FACILITIES: Final = (FacilityType.SERVICE_CENTRE, FacilityType.SERVICE_STATION)
"""What counts as a community's comprehensive service facility (社区综合服务设施)."""

SPACE_PER_100_HOUSEHOLDS: Final = 30
"""Square metres of comprehensive service facility per 100 households (14th Five-Year plan)."""

_ORGANISATIONS: Final = Citation(
    "000",
    "第二、一",
    "按照“社區自治、議行分設”的原則成立社區成員等待表大會、社區居民委員會、社區協商能夠議事委員會",
)
_SUBCOMMITTEES: Final = Citation(
    "003", "第3段", "调整充实人民调解、治安保卫等各类社区居民委员会下属委员会"
)


def _cite000(clause: str, text: str) -> Citation:
    return Citation("000", clause, text)


def is_urban(view: CommunityView) -> bool:
    """False only for a community whose urban-rural class code is rural (2xx).

    A community is a residents' committee, urban by nature; an unknown class
    counts as urban so that rules for urban communities are not skipped silently.
    """
    kind = view.community.urban_rural_class
    return kind is None or kind.is_urban


def _organisation(name: str, kind: OrganisationType) -> Metric:
    return count_of(Organisation, name, kind.name.lower().replace("_", " "), type=kind)


def _under_committee(rule_id: str, kind: OrganisationType, title_en: str) -> Rule:
    """A rule that the community has a ``kind`` committee under its residents' committee.

    Passes when a committee of that type names one of the community's residents'
    committees as its ``parent_id``; missing data when the committees present
    record no parent at all; fails when there is none, or each names another parent.
    """
    name = kind.label_zh

    def check(view: CommunityView) -> Finding:
        committees = {
            organisation.id
            for organisation in view.where(Organisation, type=OrganisationType.RESIDENTS_COMMITTEE)
        }
        bodies = list(view.where(Organisation, type=kind))
        attached = sum(1 for body in bodies if body.parent_id in committees)
        if attached:
            return Finding(Outcome.PASS, actual=attached)
        if not bodies:
            return Finding(Outcome.FAIL, actual=f"缺:{name}")
        if any(body.parent_id is None for body in bodies):
            return Finding(Outcome.MISSING_DATA)
        return Finding(Outcome.FAIL, actual=f"{name}不隶属社区居委会")

    return Rule(
        rule_id,
        f"社区居委会下设{name}",
        title_en,
        _SUBCOMMITTEES,
        check,
        expected=f"社区居委会下属{name}",
    )


def _space_per_100_households(view: CommunityView) -> float | None:
    community = view.community
    if community.service_space_m2 is None:
        return None
    # Rounded to drop float noise only: 900 m² for 3,000 households is exactly 30.
    return round(community.service_space_m2 * 100 / community.households, 6)


def _has_households(view: CommunityView) -> bool:
    return view.community.households > 0


_F = FacilityType
_S = ServiceCategory
_T = TargetGroup

_RULES: Final = (
    # -- organisations (seed 000 第二、一; seed 003) -------------------------------
    has(
        "cn-party-organisation",
        _organisation("社区党组织", OrganisationType.PARTY_ORGANISATION),
        title_zh="成立社区党组织",
        title_en="the community has a party organisation",
        citation=_cite000("第二、一", "要按照〈〈黨章〉〉的規定成立社區黨組織"),
    ),
    has(
        "cn-members-assembly",
        _organisation("社区成员代表大会", OrganisationType.MEMBERS_ASSEMBLY),
        title_zh="成立社区成员代表大会",
        title_en="the community has a members' assembly",
        citation=_ORGANISATIONS,
    ),
    has(
        "cn-residents-committee",
        _organisation("社区居民委员会", OrganisationType.RESIDENTS_COMMITTEE),
        title_zh="成立社区居民委员会",
        title_en="the community has a residents' committee",
        citation=_ORGANISATIONS,
    ),
    has(
        "cn-consultation-committee",
        _organisation("社区协商议事委员会", OrganisationType.CONSULTATION_COMMITTEE),
        title_zh="成立社区协商议事委员会",
        title_en="the community has a consultation committee",
        citation=_ORGANISATIONS,
    ),
    _under_committee(
        "cn-mediation-committee",
        OrganisationType.MEDIATION_COMMITTEE,
        "a people's mediation committee under the residents' committee",
    ),
    _under_committee(
        "cn-public-security-committee",
        OrganisationType.PUBLIC_SECURITY_COMMITTEE,
        "a public-security committee under the residents' committee",
    ),
    has(
        "cn-social-organisations",
        _organisation("社区社会组织", OrganisationType.SOCIAL_ORGANISATION),
        title_zh="培育社区社会组织",
        title_en="residents run community social organisations",
        citation=Citation("003", "第3段", "大力培育服务性、公益性、互助性社区社会组织"),
        severity=Severity.WARNING,
    ),
    # -- open affairs (seed 003) -------------------------------------------------
    is_true(
        "cn-open-affairs",
        "open_affairs",
        title_zh="实行居务公开",
        title_en="community affairs are open to residents",
        citation=Citation(
            "003",
            "第3段",
            "把涉及群众切身利益、居民群众普遍关心的事项纳入民主决策和居务公开范畴",
        ),
    ),
    # -- services (seed 000 第三; seed 003) ----------------------------------------
    covers_all(
        "cn-service-functions",
        Service,
        "category",
        TEN_FUNCTIONS,
        title_zh="十大服务功能",
        title_en="services in each of the ten service functions",
        citation=_cite000(
            "第三",
            "逐步完善社區的便民利民、救助保障、醫療保健、社區安全、居民教育普法_、文化娛樂、"
            "體育健身、環境保護和評議監督等十大服務功能",
        ),
        severity=Severity.WARNING,
    ),
    has(
        "cn-reemployment-services",
        services_for(
            "再就业和社会保障服务",
            "re-employment and social-security services",
            categories=(_S.EMPLOYMENT, _S.SOCIAL_SECURITY),
            groups=(_T.UNEMPLOYED, _T.AGED_40_50, _T.ZERO_EMPLOYMENT_FAMILY),
        ),
        title_zh="面向下岗失业人员开展再就业和社会保障服务",
        title_en="re-employment and social-security services for the unemployed",
        citation=_cite000("第三", "面向下崗失業人員開展再就業和社會保障服務"),
        severity=Severity.WARNING,
    ),
    has(
        "cn-subsistence-allowance",
        services_for(
            "面向低保对象的服务",
            "services for subsistence-allowance recipients",
            groups=(_T.SUBSISTENCE_ALLOWANCE,),
        ),
        title_zh="结合低保对特困家庭给予优惠照顾",
        title_en="services for subsistence-allowance households",
        citation=_cite000(
            "第三", "要結合“低保”對特困家庭在就業、住房、醫療、入學的等方面給予優惠照顧"
        ),
        severity=Severity.WARNING,
    ),
    has(
        "cn-donation-point",
        count_of(
            Facility,
            "社区捐助接收点或慈善超市",
            "donation point or charity supermarket",
            type=(_F.DONATION_POINT, _F.CHARITY_SUPERMARKET),
        ),
        title_zh="建立社区居民固定捐赠点",
        title_en="a fixed donation point for residents",
        citation=_cite000("第三", "要依托社區建立社區居民固定捐贈點"),
        severity=Severity.WARNING,
    ),
    has(
        "cn-elderly-services",
        services_for(
            "为老年人服务",
            "services for the elderly",
            categories=(_S.ELDERLY_CARE,),
            groups=(_T.ELDERLY, _T.EMPTY_NEST_ELDERLY),
        ),
        title_zh="开展为老年人服务活动(星光计划)",
        title_en="services for the elderly (Starlight programme)",
        citation=_cite000(
            "第三",
            "要精心實施“星光計劃”,充分利用為老服務設施,認真開展為老年人服務活動",
        ),
        severity=Severity.WARNING,
    ),
    requires(
        "cn-service-mix",
        {
            "社会福利服务(无偿)": count_of(
                Service, "无偿服务", "free services", unit="项", charging=ChargingMode.FREE
            ),
            "社会互助服务(志愿者队伍或互助性组织)": Metric(
                "社会互助服务",
                "volunteer teams or mutual-aid organisations",
                "个",
                lambda view: (
                    len(view.of(VolunteerTeam))
                    + view.count(
                        Organisation,
                        type=OrganisationType.SOCIAL_ORGANISATION,
                        social_category=SocialOrganisationCategory.MUTUAL_AID,
                    )
                ),
            ),
            "有偿服务(有偿或低偿)": count_of(
                Service,
                "有偿服务",
                "charged services",
                unit="项",
                charging=(ChargingMode.PAID, ChargingMode.LOW_COST),
            ),
        },
        title_zh="社会福利服务、社会互助服务、市场有偿服务相结合",
        title_en="welfare, mutual-aid and charged services combined",
        citation=_cite000("第三", "要在社區逐步形成社會福利服務、社會互助服務、市場有償服務相結合"),
        severity=Severity.WARNING,
    ),
    requires(
        "cn-basic-needs",
        {
            "劳动就业": services_for(
                "劳动就业服务",
                "employment services",
                categories=(_S.EMPLOYMENT, _S.SOCIAL_SECURITY),
            ),
            "社会服务": services_for(
                "社会服务",
                "social services",
                categories=(_S.ASSISTANCE, _S.CHARITY, _S.ELDERLY_CARE, _S.CONVENIENCE),
            ),
            "治安保卫": services_for("治安保卫服务", "public security", categories=(_S.SAFETY,)),
            "医疗卫生": services_for(
                "医疗卫生服务",
                "health services",
                categories=(_S.HEALTH_CARE, _S.FAMILY_PLANNING),
            ),
            "文体娱乐": services_for(
                "文体娱乐服务", "culture and sports", categories=(_S.CULTURE, _S.SPORTS)
            ),
        },
        title_zh="满足劳动就业、社会服务、治安保卫、医疗卫生和文体娱乐等基本需求",
        title_en="services for employment, social needs, security, health, culture and sports",
        citation=Citation(
            "003",
            "第5段",
            "满足社区居民在劳动就业、社会服务、治安保卫、医疗卫生和文体娱乐等方面的基本需求",
        ),
        severity=Severity.WARNING,
    ),
    # -- the 14th Five-Year plan ----------------------------------------------------
    requires(
        "cn-service-facility",
        {
            "社区综合服务设施(社区服务中心或服务站)": count_of(
                Facility,
                "社区综合服务设施",
                "comprehensive service facility",
                type=COMPREHENSIVE_FACILITIES,
            )
        },
        title_zh="城市社区有综合服务设施",
        title_en="an urban community has a comprehensive service facility",
        citation=Citation(PLAN, "主要指标", "城市社区综合服务设施覆盖率:100%"),
        applies=is_urban,
    ),
    at_least(
        "cn-service-space",
        Metric(
            "每百户居民拥有社区综合服务设施面积",
            "comprehensive service facility area per 100 households",
            "平方米/百户",
            _space_per_100_households,
        ),
        SPACE_PER_100_HOUSEHOLDS,
        title_zh="每百户居民拥有社区综合服务设施面积不低于30平方米",
        title_en="at least 30 m² of comprehensive service facility per 100 households",
        citation=Citation(PLAN, "主要指标", "每百户居民拥有社区综合服务设施面积:不低于30平方米"),
        severity=Severity.WARNING,
        applies=_has_households,
    ),
)

_TARGETS: Final = (
    Target(
        "cn-target-facility-coverage",
        "城市社区综合服务设施覆盖率100%",
        "every urban community has a comprehensive service facility",
        Citation(PLAN, "主要指标", "城市社区综合服务设施覆盖率:100%"),
        minimum_share=1.0,
        rule_id="cn-service-facility",
        scope=Scope.COUNTY,
    ),
)

NATIONAL: Final = RulePack(
    name="national",
    version="1.0",
    title_zh="全国社区建设基本要求",
    title_en="National basic requirements for community construction",
    rules=_RULES,
    targets=_TARGETS,
    description=(
        "The organisational set, the ten service functions and open affairs of the national"
        " seeds (000 national overview, 003 Minister's article), and the 14th Five-Year"
        " plan's facility coverage and 30 m² per 100 households."
    ),
)
"""The national pack, registered by :mod:`shequkit.standards._plugin`."""
