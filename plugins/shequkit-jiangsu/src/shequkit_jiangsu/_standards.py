"""The ``jiangsu-2008`` rule pack: a Jiangdu town's 2008 opinions on community work (seed 001).

Every numeric threshold and every requirement of the opinions that a community's
records can show is one rule here, citing the clause and quoting the sentence as
the seed has it (traditional characters). The share goals (60% of communities at
the provincial harmonious-community demonstration standard in 2008, every community
within three years, 80% full re-employment communities, every community's premises
up to standard within two years) are targets per street/township: the opinions are
a town's (镇), set for the town's own communities. The ABC classes with three levels
each are the pack's grading. The choices made where the text is vague are on
``docs/standards/jiangsu-2008.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from shequkit.codes import (
    DesignationKind,
    EvaluationClass,
    FacilityType,
    HonourLevel,
    OrganisationType,
    PartyOrganisationForm,
    ServiceCategory,
    TargetGroup,
    VolunteerCategory,
)
from shequkit.model import Community, Designation, Facility, Organisation, Service, Staff
from shequkit.model import VolunteerTeam as Team
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
    count_of,
    covers_all,
    has,
    is_true,
    one_per,
    services_for,
)
from shequkit.validate import Severity

__all__ = [
    "GRADE_BANDS",
    "JIANGSU_2008",
    "LIBRARY_BOOKS",
    "RESIDENTS_PER_WORKER",
    "SCORE_WEIGHTS",
    "composite_score",
    "grade_from_score",
    "grade_of",
    "jiangsu_grade",
]

SEED: Final = "001"
"""The seed file the pack encodes (a Jiangdu town's 2008 社区工作意见)."""

LIBRARY_BOOKS: Final = 500
"""藏书在500冊以上 — books in the community's reading rooms ("以上" includes 500)."""

RESIDENTS_PER_WORKER: Final = 2000
"""社区工作人员:居民=1:2000 — at least one community worker per 2,000 residents."""

SCORE_WEIGHTS: Final = {
    "self_score": 1,
    "assessment_score": 4,
    "peer_score": 2,
    "representatives_score": 3,
}
"""Weights in tenths of the four-way evaluation: 自评 10%, 考评 40%, 互评 20%, 居民代表评议 30%."""

GRADE_BANDS: Final = (
    (95.0, EvaluationClass.A, 1),
    (90.0, EvaluationClass.A, 2),
    (85.0, EvaluationClass.A, 3),
    (80.0, EvaluationClass.B, 1),
    (75.0, EvaluationClass.B, 2),
    (70.0, EvaluationClass.B, 3),
    (65.0, EvaluationClass.C, 1),
    (60.0, EvaluationClass.C, 2),
    (0.0, EvaluationClass.C, 3),
)
"""The lowest composite score of each class and level, best first (level 1 is the best)."""

_LEVELS: Final = ("一级", "二级", "三级")
_SCORE_NAMES: Final = {
    "self_score": "自评",
    "assessment_score": "考评",
    "peer_score": "互评",
    "representatives_score": "居民代表评议",
}


def _cite(clause: str, text: str) -> Citation:
    return Citation(SEED, clause, text)


# -- grading ----------------------------------------------------------------------------


def grade_of(evaluation_class: EvaluationClass, level: int) -> Grade:
    """The grade of a class and level: ``A类一级`` ranks 1, ``A类二级`` 2, …, ``C类三级`` 9."""
    position = list(EvaluationClass).index(evaluation_class)
    return Grade(f"{evaluation_class.label_zh}{_LEVELS[level - 1]}", rank=position * 3 + level)


def composite_score(community: Community) -> float | None:
    """The weighted four-way score (0–100), or ``None`` unless all four scores are recorded.

    自评 × 0.1 + 考评 × 0.4 + 互评 × 0.2 + 居民代表评议 × 0.3 (:data:`SCORE_WEIGHTS`).
    """
    total = 0.0
    for name, weight in SCORE_WEIGHTS.items():
        score: float | None = getattr(community, name)
        if score is None:
            return None
        total += weight * score
    # Rounded to drop float noise only: four scores of 85 give exactly 85.
    return round(total / 10, 6)


def grade_from_score(score: float) -> Grade:
    """The class and level a composite score falls in (:data:`GRADE_BANDS`)."""
    for minimum, evaluation_class, level in GRADE_BANDS:
        if score >= minimum:
            return grade_of(evaluation_class, level)
    raise ValueError(f"score {score} is below every band")


def jiangsu_grade(view: CommunityView, findings: Mapping[str, Finding]) -> Grade | None:
    """The community's class and level (the pack's grading).

    The class and level the town recorded (``evaluation_class`` and
    ``evaluation_level``: the result of 定级 in 2007 and 晋级 since) come first;
    without them, the grade the four-way composite score falls in; without all
    four scores either, ``None`` (ungraded).
    """
    community = view.community
    if community.evaluation_class is not None and community.evaluation_level is not None:
        return grade_of(community.evaluation_class, community.evaluation_level)
    score = composite_score(community)
    return None if score is None else grade_from_score(score)


# -- metrics and rule shapes --------------------------------------------------------------


def _facilities(label_zh: str, label_en: str, *kinds: FacilityType) -> Metric:
    return count_of(Facility, label_zh, label_en, type=kinds)


def _designations(
    label_zh: str, label_en: str, kind: DesignationKind, *levels: HonourLevel
) -> Metric:
    """How many titles of ``kind`` the community holds, at one of ``levels`` (any when none)."""
    if not levels:
        return count_of(Designation, label_zh, label_en, category=kind)
    return count_of(Designation, label_zh, label_en, category=kind, level=levels)


_LIBRARY: Final = _cite("二、2", "社區圖書閱覽室、藏書在500冊以上,并正常開放")


def _library_books(view: CommunityView) -> Finding:
    rooms = list(view.where(Facility, type=FacilityType.READING_ROOM))
    if not rooms:
        return Finding(Outcome.FAIL, actual="缺:图书阅览室")
    books = [room.books for room in rooms if room.books is not None]
    if not books:
        return Finding(Outcome.MISSING_DATA)
    total = sum(books)
    return Finding(Outcome.PASS if total >= LIBRARY_BOOKS else Outcome.FAIL, actual=total)


def _library_open(view: CommunityView) -> Finding:
    rooms = list(view.where(Facility, type=FacilityType.READING_ROOM))
    if not rooms:
        return Finding(Outcome.FAIL, actual="缺:图书阅览室")
    if any(room.open_to_public for room in rooms):
        return Finding(Outcome.PASS, actual="是")
    if any(room.open_to_public is None for room in rooms):
        return Finding(Outcome.MISSING_DATA)
    return Finding(Outcome.FAIL, actual="否")


_PETITIONS: Final = {
    "work_failure_petitions": "因工作不到位造成的上访",
    "repeated_petitions": "经常性上访",
    "mass_petitions": "群体性集访",
}


def _no_petitions(view: CommunityView) -> Finding:
    counts = {label: getattr(view.community, name) for name, label in _PETITIONS.items()}
    found = [f"{label}{count}次" for label, count in counts.items() if count]
    if found:
        return Finding(Outcome.FAIL, actual="、".join(found))
    if any(count is None for count in counts.values()):
        return Finding(Outcome.MISSING_DATA)
    return Finding(Outcome.PASS, actual=0)


def _space(view: CommunityView) -> Finding:
    space = view.community.service_space_m2
    if space is None:
        return Finding(Outcome.MISSING_DATA)
    return Finding(Outcome.PASS if space > 0 else Outcome.FAIL, actual=space)


def _classified(view: CommunityView) -> Finding:
    community = view.community
    recorded = (community.evaluation_class, community.evaluation_level)
    if recorded == (None, None):
        return Finding(Outcome.MISSING_DATA)
    if community.evaluation_class is None or community.evaluation_level is None:
        lacking = "考评类别" if community.evaluation_class is None else "考评级别"
        return Finding(Outcome.FAIL, actual=f"缺:{lacking}")
    return Finding(
        Outcome.PASS, actual=grade_of(community.evaluation_class, community.evaluation_level).label
    )


def _four_way(view: CommunityView) -> Finding:
    community = view.community
    lacking = [label for name, label in _SCORE_NAMES.items() if getattr(community, name) is None]
    if len(lacking) == len(_SCORE_NAMES):
        return Finding(Outcome.MISSING_DATA)
    if lacking:
        return Finding(Outcome.FAIL, actual="缺:" + "、".join(lacking))
    return Finding(Outcome.PASS, actual=composite_score(community))


_F = FacilityType
_S = ServiceCategory
_T = TargetGroup
_P = HonourLevel

_RULES: Final = (
    # -- 二、1 community services -------------------------------------------------------
    has(
        "js-convenience-services",
        services_for("便民利民服务", "convenience services", categories=(_S.CONVENIENCE,)),
        title_zh="开展便民利民服务",
        title_en="convenience services for daily needs",
        citation=_cite("二、1", "開展便民利民服務、滿足群眾日常生活需要"),
        severity=Severity.WARNING,
    ),
    has(
        "js-employment-services",
        services_for(
            "就业和社会保障服务",
            "employment and social-security services",
            categories=(_S.EMPLOYMENT, _S.SOCIAL_SECURITY),
            groups=(_T.UNEMPLOYED, _T.AGED_40_50, _T.ZERO_EMPLOYMENT_FAMILY),
        ),
        title_zh="开展就业和社会保障服务",
        title_en="employment and social-security services",
        citation=_cite("二、1", "開展就業和社會保障服務"),
        severity=Severity.WARNING,
    ),
    has(
        "js-full-employment",
        _designations(
            "充分就业社区称号", "full-employment community title", DesignationKind.FULL_EMPLOYMENT
        ),
        title_zh="充分再就业社区",
        title_en="a full re-employment community",
        citation=_cite("二、1", "開展就業和社會保障服務,使充分再就業社區達80%"),
        severity=Severity.INFO,
    ),
    has(
        "js-assistance-services",
        services_for("社区救助服务", "assistance services", categories=(_S.ASSISTANCE, _S.CHARITY)),
        title_zh="开展社区救助服务",
        title_en="assistance services for families in difficulty",
        citation=_cite("二、1", "開展社區救助服務,關心困難“邊緣群體”的生活"),
        severity=Severity.WARNING,
    ),
    has(
        "js-charity-point",
        _facilities(
            "慈善超市或社区捐助接收点",
            "charity supermarket or donation point",
            _F.CHARITY_SUPERMARKET,
            _F.DONATION_POINT,
        ),
        title_zh="推进“爱心超市”“慈善超市”和社区捐助接收点建设",
        title_en="a charity supermarket or donation point",
        citation=_cite("二、1", "繼續推進“愛心超市”、“慈善超市”和社區捐助接收點的建設"),
        severity=Severity.INFO,
    ),
    has(
        "js-health-services",
        Metric(
            "社区卫生服务",
            "community health services",
            "项",
            lambda view: (
                view.count(Service, category=_S.HEALTH_CARE)
                + view.count(Facility, type=_F.HEALTH_STATION)
            ),
        ),
        title_zh="开展社区卫生服务",
        title_en="community health services",
        citation=_cite("二、1", "開展社區衛生服務,發揮社區醫院在健康教育、預防保健等方面的作用"),
        severity=Severity.WARNING,
    ),
    has(
        "js-elderly-services",
        services_for(
            "社区老年服务",
            "services for the elderly",
            categories=(_S.ELDERLY_CARE,),
            groups=(_T.ELDERLY, _T.EMPTY_NEST_ELDERLY, _T.RETIREES),
        ),
        title_zh="开展社区老年服务",
        title_en="services for the elderly, empty-nest elderly and retirees",
        citation=_cite("二、1", "開展社區老年服務,服務好空巢老人和進社區的退休人員"),
        severity=Severity.WARNING,
    ),
    at_least(
        "js-service-items",
        count_of(Service, "服务项目", "service items", unit="项"),
        15,
        title_zh="服务项目15个以上",
        title_en="at least 15 service items",
        citation=_cite("二、1", "服務項目15個以上"),
    ),
    at_least(
        "js-satisfaction",
        community_field("satisfaction_pct"),
        85,
        title_zh="居民满意率85%以上",
        title_en="residents' satisfaction at least 85%",
        citation=_cite("二、1", "居民滿意率85%以上"),
    ),
    # -- 二、2 culture ------------------------------------------------------------------
    at_least(
        "js-cultural-activities",
        community_field("cultural_activities_per_year"),
        10,
        title_zh="文化活动每年不少于10次",
        title_en="at least 10 cultural activities a year",
        citation=_cite("二、2", "平時以小型、自娛自樂、各具特色的文化活動為主,每年不少于10次"),
    ),
    Rule(
        "js-library-books",
        "社区图书阅览室藏书500册以上",
        "a reading room with at least 500 books",
        _LIBRARY,
        _library_books,
        expected=f"≥ {LIBRARY_BOOKS} 册",
    ),
    Rule(
        "js-library-open",
        "社区图书阅览室正常开放",
        "the reading room is open regularly",
        _LIBRARY,
        _library_open,
        expected="是",
    ),
    has(
        "js-schools",
        _facilities(
            "市民学校或社区党校",
            "citizens' school or party school",
            _F.CITIZENS_SCHOOL,
            _F.PARTY_SCHOOL,
        ),
        title_zh="利用好市民学校、社区党校等阵地",
        title_en="a citizens' school or community party school",
        citation=_cite("二、2", "利用好市民學校、社區黨校等陣地"),
        severity=Severity.WARNING,
    ),
    # -- 二、3 environment -------------------------------------------------------------
    has(
        "js-green-provincial",
        _designations(
            "省级以上绿色人居社区称号",
            "provincial green living community title",
            DesignationKind.GREEN_LIVING,
            _P.PROVINCIAL,
            _P.NATIONAL,
        ),
        title_zh="达到省级“绿色人居社区”",
        title_en="a provincial green living community",
        citation=_cite("二、3", "力爭有2個社區達到省級“綠色人居社區”"),
        severity=Severity.INFO,
    ),
    has(
        "js-green-city",
        _designations(
            "市级以上绿色人居社区称号",
            "city-level green living community title",
            DesignationKind.GREEN_LIVING,
            _P.CITY,
            _P.PROVINCIAL,
            _P.NATIONAL,
        ),
        title_zh="达到扬州市级绿色人居社区标准",
        title_en="a city-level (Yangzhou) green living community",
        citation=_cite("二、3", "7個社區達到揚州市級標準"),
        severity=Severity.INFO,
    ),
    # -- 二、4 public order ------------------------------------------------------------
    has(
        "js-democracy-rule-of-law",
        count_of(
            Designation,
            "民主法制示范社区称号",
            "democracy and rule-of-law title",
            category=DesignationKind.DEMOCRACY_RULE_OF_LAW,
        ),
        title_zh="创建民主法制示范社区",
        title_en="a democracy and rule-of-law demonstration community",
        citation=_cite("二、4", "創建民主法制示范社區"),
        severity=Severity.INFO,
    ),
    at_least(
        "js-mediation-rate",
        community_field("mediation_rate_pct"),
        98,
        title_zh="民事调解率98%以上",
        title_en="civil mediation rate at least 98%",
        citation=_cite("二、4", "民事調解率達98%以上"),
    ),
    at_least(
        "js-mediation-success",
        community_field("mediation_success_pct"),
        90,
        title_zh="调解成功率90%以上",
        title_en="mediation success at least 90%",
        citation=_cite("二、4", "調解成功率達90%以上"),
    ),
    Rule(
        "js-no-petitions",
        "无因工作不到位造成的上访、经常性上访和群体性长时间集访",
        "no petitions caused by inadequate work, no repeated or mass petitions",
        _cite(
            "二、4",
            "不能有因工作不到位造成的上訪,不能有經常性上訪,更不能有群體性長時間集訪",
        ),
        _no_petitions,
        expected="0 次",
    ),
    has(
        "js-talk-room",
        _facilities("谈心室", "heart-to-heart room", _F.HEART_TO_HEART_ROOM),
        title_zh="有条件的社区设立“谈心室”",
        title_en="a heart-to-heart room (where conditions allow)",
        citation=_cite("二、4", "有條件的社區嘗試設立“談心室”"),
        severity=Severity.WARNING,
    ),
    # -- 二、5 party building -----------------------------------------------------------
    has(
        "js-party-members-centre",
        _facilities("社区党员服务中心", "party members' service centre", _F.PARTY_MEMBERS_CENTRE),
        title_zh="利用社区党员服务中心平台",
        title_en="a party members' service centre",
        citation=_cite("二、5", "繼續利用社區黨員服務中心這個平臺"),
        severity=Severity.WARNING,
    ),
    # -- 三、2 volunteers and staff -----------------------------------------------------
    one_per(
        "js-staff-ratio",
        count_of(Staff, "社区工作人员", "community workers", unit="人"),
        community_field("population"),
        RESIDENTS_PER_WORKER,
        title_zh="社区工作人员与居民1:2000",
        title_en="at least one community worker per 2,000 residents",
        citation=_cite("三、2", "社區工作人員:居民=1:2000"),
        severity=Severity.WARNING,
    ),
    covers_all(
        "js-volunteer-teams",
        Team,
        "category",
        VolunteerCategory,
        title_zh="建8类志愿者队伍",
        title_en="volunteer teams in all eight categories",
        citation=_cite(
            "三、2",
            "我們要求建8類隊伍:便民利民、扶貧幫困、就業指導,治安維穩、衛生保健、環境維護、"
            "宣傳教育、文體娛樂",
        ),
    ),
    # -- 三、3 grids and party organisation ------------------------------------------------
    is_true(
        "js-grid-management",
        "grid_management",
        title_zh="实行网格化管理",
        title_en="grid management",
        citation=_cite(
            "三、3", "把社區劃分若干小塊,如同棋盤網格然后明確相關人員聯系協管,劃分黨員責任區"
        ),
    ),
    has(
        "js-party-general-branch",
        count_of(
            Organisation,
            "社区党总支(或党委)",
            "party general branch (or committee)",
            type=OrganisationType.PARTY_ORGANISATION,
            party_form=(PartyOrganisationForm.GENERAL_BRANCH, PartyOrganisationForm.COMMITTEE),
        ),
        title_zh="有条件的社区成立党总支",
        title_en="a party general branch (where conditions allow)",
        citation=_cite("三、3", "有條件的社區要成立黨總支"),
        severity=Severity.WARNING,
    ),
    # -- 三、4 democracy ----------------------------------------------------------------
    is_true(
        "js-open-affairs",
        "open_affairs",
        title_zh="建立健全居务公开制度",
        title_en="community affairs are open to residents",
        citation=_cite("三、4", "建立健全居務公開制度,保障居民的知情權"),
    ),
    # -- 三、5 premises -----------------------------------------------------------------
    Rule(
        "js-space",
        "社区用房规模达标",
        "the community has office and service premises up to standard",
        _cite("三、5", "力爭用2年的時間實現社區用房布局合理,規模達標,功能配套的要求"),
        _space,
        expected="有办公和服务用房",
        severity=Severity.WARNING,
    ),
    # -- 三、6 classified evaluation and one-stop service -----------------------------------
    Rule(
        "js-classified-evaluation",
        "实行分类晋级考评:ABC三类,每类三级",
        "graded in the classified evaluation: class A, B or C, level 1 to 3",
        _cite("三、6", "實行社區工作分類晉級考評機制,分ABC三類,每類分三級"),
        _classified,
        expected="考评类别和级别",
    ),
    Rule(
        "js-four-way-evaluation",
        "自评、考评、互评和居民代表评议四结合",
        "self, assessment, peer and residents' representatives' scores",
        _cite("三、6", "實行自評、考評、互評和居民代表評議四結合的辦法"),
        _four_way,
        expected="四项得分齐全",
    ),
    is_true(
        "js-one-stop-service",
        "one_stop_service",
        title_zh="推广“大厅式”办公和“一站式”服务",
        title_en="open-hall office and one-stop service",
        citation=_cite("三、6", "繼續推廣社區“大廳式”辦公和“一站式”服務"),
        severity=Severity.WARNING,
    ),
)

_TARGETS: Final = (
    Target(
        "js-target-2008",
        "2008年60%社区达到江苏省和谐社区示范标准",
        "60% of communities meet the provincial harmonious-community standard in 2008",
        _cite("一", "其中08年60%社區達到江蘇省和諧社區示范標準"),
        minimum_share=0.6,
        scope=Scope.STREET,
    ),
    Target(
        "js-target-three-years",
        "三年内全面建成和谐社区",
        "every community is a harmonious community within three years",
        _cite("一", "三年內全面建成和諧社區"),
        minimum_share=1.0,
        scope=Scope.STREET,
    ),
    Target(
        "js-target-full-employment",
        "充分再就业社区达80%",
        "80% of communities are full re-employment communities",
        _cite("二、1", "開展就業和社會保障服務,使充分再就業社區達80%"),
        minimum_share=0.8,
        rule_id="js-full-employment",
        scope=Scope.STREET,
    ),
    Target(
        "js-target-space",
        "两年内社区用房规模达标",
        "every community's premises up to standard within two years",
        _cite("三、5", "力爭用2年的時間實現社區用房布局合理,規模達標,功能配套的要求"),
        minimum_share=1.0,
        rule_id="js-space",
        scope=Scope.STREET,
    ),
)

JIANGSU_2008: Final = RulePack(
    name="jiangsu-2008",
    version="1.0",
    title_zh="江苏省和谐社区建设(江都2008年社区工作意见)",
    title_en="Jiangsu harmonious communities (Jiangdu town's 2008 community work opinions)",
    rules=_RULES,
    targets=_TARGETS,
    province="32",
    grading=jiangsu_grade,
    description=(
        "The 2008 community work opinions of a town of Jiangdu (Yangzhou, Jiangsu; seed 001):"
        " 15 service items, 85% satisfaction, 10 cultural activities a year, a 500-book"
        " reading room, mediation 98%/90%, the eight volunteer teams, grid management,"
        " open affairs, the ABC classes with three levels each, and the town's share goals."
    ),
)
"""The Jiangsu pack, registered by the plugin's ``shequkit_standards`` hook."""
