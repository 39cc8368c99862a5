"""Code sets of community construction data, with their official Chinese labels.

Each enumeration cites where its members come from: the statistical division
code rules, MZ/T 090-2017, or the seed documents (``seeds/000`` national
overview, ``001`` Jiangsu/Jiangdu 2008, ``002`` Shandong/Tengzhou, ``003``
Ministry article, ``004`` Hubei/Huangpi).
"""

from __future__ import annotations

from shequkit.codes._labelled import LabelledEnum

__all__ = [
    "ChargingMode",
    "CommunityType",
    "DesignationKind",
    "DivisionLevel",
    "EquipmentType",
    "EvaluationClass",
    "FacilityType",
    "FundingPurpose",
    "FundingSource",
    "Gender",
    "HonourLevel",
    "OrganisationType",
    "PartyOrganisationForm",
    "ResidentIDKind",
    "ServiceCategory",
    "SocialOrganisationCategory",
    "SpaceCase",
    "SpaceSource",
    "StaffRole",
    "TargetGroup",
    "TownshipKind",
    "UrbanRuralClass",
    "VillageKind",
    "VolunteerCategory",
]


class DivisionLevel(LabelledEnum):
    """Level of an administrative division (行政区划级别), derived from its 12-digit code."""

    PROVINCE = "省级"
    CITY = "地级"
    COUNTY = "县级"
    TOWNSHIP = "乡级"
    VILLAGE = "村级"

    @property
    def depth(self) -> int:
        """0 for province ... 4 for village level; handy for ordering and prefix lengths."""
        return _LEVEL_DEPTH[self]

    @property
    def prefix_length(self) -> int:
        """How many leading digits of a 12-digit code identify a division of this level."""
        return (2, 4, 6, 9, 12)[self.depth]


_LEVEL_DEPTH = {level: i for i, level in enumerate(DivisionLevel)}


class TownshipKind(LabelledEnum):
    """What the township part (digits 7–9) of a division code denotes."""

    STREET = ("001-099", "街道")
    TOWN = ("100-199", "镇")
    TOWNSHIP = ("200-399", "乡")
    SPECIAL = ("400-599", "类似乡级单位")


class VillageKind(LabelledEnum):
    """What the village part (digits 10–12) of a division code denotes."""

    RESIDENTS_COMMITTEE = ("001-199", "居民委员会")
    VILLAGERS_COMMITTEE = ("200-399", "村民委员会")
    SPECIAL = ("400-599", "类似村级单位")


class UrbanRuralClass(LabelledEnum):
    """Urban-rural class code (城乡分类代码) of a village-level unit."""

    MAIN_URBAN_AREA = ("111", "主城区")
    URBAN_RURAL_FRINGE = ("112", "城乡结合区")
    TOWN_CENTRE = ("121", "镇中心区")
    TOWN_RURAL_FRINGE = ("122", "镇乡结合区")
    SPECIAL_AREA = ("123", "特殊区域")
    VILLAGE_CENTRE = ("210", "乡中心区")
    VILLAGE = ("220", "村庄")

    @property
    def is_urban(self) -> bool:
        """Codes starting with 1 are urban (城镇), 2 rural (乡村)."""
        return str(self.value).startswith("1")


class CommunityType(LabelledEnum):
    """The four community types of the Hubei/Huangpi seed (004)."""

    STREET = "街道型"
    MARKET_TOWN = "集镇型"
    RESETTLED_VILLAGE = "农民新村型"
    DEVELOPMENT_ESTATE = "开发小区型"


class OrganisationType(LabelledEnum):
    """Organisations in and around a community (seeds 000, 002, 003)."""

    PARTY_ORGANISATION = "社区党组织"
    RESIDENTS_COMMITTEE = "社区居民委员会"
    MEMBERS_ASSEMBLY = "社区成员代表大会"
    RESIDENTS_MEETING = "社区居民会议"
    CONSULTATION_COMMITTEE = "社区协商议事委员会"
    MEDIATION_COMMITTEE = "人民调解委员会"
    PUBLIC_SECURITY_COMMITTEE = "治安保卫委员会"
    PUBLIC_HEALTH_COMMITTEE = "公共卫生委员会"
    OTHER_SUBCOMMITTEE = "其他下属委员会"
    OWNERS_ASSEMBLY = "业主大会"
    OWNERS_COMMITTEE = "业主委员会"
    PROPERTY_COMPANY = "物业服务企业"
    SOCIAL_ORGANISATION = "社区社会组织"
    MASS_ORGANISATION = "群团组织"
    RESIDENT_UNIT = "驻区单位"
    INTERMEDIARY = "社会中介组织"


class PartyOrganisationForm(LabelledEnum):
    """Form of a party organisation (Jiangsu 001: 党总支 per community, 党支部 per estate)."""

    COMMITTEE = "党委"
    GENERAL_BRANCH = "党总支"
    BRANCH = "党支部"
    GROUP = "党小组"


class SocialOrganisationCategory(LabelledEnum):
    """Kinds of community social organisation the seeds ask to foster (002, 003)."""

    CHARITY = "慈善组织"
    CULTURE_SPORTS = "群众性文体组织"
    SCIENCE = "科普组织"
    LIFE_SERVICE = "生活服务组织"
    PUBLIC_WELFARE = "公益性组织"
    MUTUAL_AID = "互助性组织"
    OTHER = "其他"


class FacilityType(LabelledEnum):
    """Community facilities: Hubei's 五室四机三站两校一场所 kit (004) and others the seeds name."""

    COMMITTEE_OFFICE = "两委会办公室"
    POLICE_ROOM = "社区警务室"
    READING_ROOM = "书画阅览室"
    ACTIVITY_ROOM = "文体活动室"
    MEETING_ROOM = "多功能会议室"
    SERVICE_STATION = "社区服务站"
    HEALTH_STATION = "社区卫生服务站"
    EMPLOYMENT_STATION = "劳动就业服务站"
    CITIZENS_SCHOOL = "市民学校"
    ELDERLY_SCHOOL = "老年学校"
    OUTDOOR_FITNESS_SITE = "室外健身活动场所"
    SERVICE_CENTRE = "社区服务中心"
    SANITATION_STATION = "环卫站"
    PARTY_MEMBERS_CENTRE = "党员服务中心"
    PARTY_SCHOOL = "社区党校"
    TALK_ROOM = "民情室"
    HEART_TO_HEART_ROOM = "谈心室"
    CHARITY_SUPERMARKET = "慈善超市"
    DONATION_POINT = "社区捐助接收点"
    ELDERLY_DAY_CARE = "老年日间照料中心"
    LEISURE_SQUARE = "休闲广场"
    OTHER = "其他"


class SpaceSource(LabelledEnum):
    """How a community got its space (Jiangsu 001: five ways; Hubei 004: transfer, purchase)."""

    RESERVED_IN_NEW_ESTATE = "新建小区预留"
    EXPANSION = "扩建改造"
    REASSIGNMENT = "闲置房产调剂"
    SWAP = "用房置换"
    LEASE = "租赁"
    NEW_BUILD = "新建"
    PURCHASE = "购买"
    TRANSFER = "无偿移交"
    CO_BUILT = "共建帮建"


class SpaceCase(LabelledEnum):
    """Shandong/Tengzhou (002) cases for the office and service space floor (300/400/500 m²)."""

    BUILT_ESTATE = "已建成小区"
    ESTATE_UNDER_CONSTRUCTION = "在建小区"
    PLANNED_ESTATE = "拟规划新建小区"
    OLD_TOWN = "老城区"


class ServiceCategory(LabelledEnum):
    """Service functions: the ten of the national seed (000) and the Shandong list (002)."""

    CONVENIENCE = "便民利民"
    ASSISTANCE = "救助保障"
    HEALTH_CARE = "医疗保健"
    SAFETY = "社区安全"
    RESIDENT_EDUCATION = "居民教育"
    LEGAL_EDUCATION = "普法"
    CULTURE = "文化娱乐"
    SPORTS = "体育健身"
    ENVIRONMENT = "环境保护"
    OVERSIGHT = "评议监督"
    EMPLOYMENT = "就业服务"
    SOCIAL_SECURITY = "社会保障服务"
    FAMILY_PLANNING = "计划生育服务"
    ELDERLY_CARE = "养老服务"
    MIGRANT_SERVICES = "流动人口服务"
    CHARITY = "慈善服务"
    SCIENCE_POPULARISATION = "科普服务"

    @property
    def is_national_function(self) -> bool:
        """True for the ten service functions of the national seed (000)."""
        return self in _TEN_FUNCTIONS


_TEN_FUNCTIONS = frozenset(list(ServiceCategory)[:10])


class ChargingMode(LabelledEnum):
    """无偿、低偿、有偿 (Shandong 002: services combine free, low-cost and paid)."""

    FREE = "无偿"
    LOW_COST = "低偿"
    PAID = "有偿"


class TargetGroup(LabelledEnum):
    """Beneficiary groups the seeds single out."""

    ELDERLY = "老年人"
    EMPTY_NEST_ELDERLY = "空巢老人"
    DISABLED = "残疾人"
    CHILDREN = "儿童"
    YOUTH = "青少年"
    WOMEN = "妇女"
    UNEMPLOYED = "下岗失业人员"
    AGED_40_50 = "4050人员"
    ZERO_EMPLOYMENT_FAMILY = "零就业家庭"
    SUBSISTENCE_ALLOWANCE = "低保对象"
    MIGRANTS = "流动人口"
    ENTITLED_GROUPS = "优抚对象"
    RELEASED_PERSONS = "刑释解教人员"
    COMMUNITY_CORRECTION = "社区矫正对象"
    RETIREES = "退休人员"
    ALL_RESIDENTS = "全体居民"


class VolunteerCategory(LabelledEnum):
    """The eight volunteer team categories of the Jiangsu seed (001)."""

    CONVENIENCE = "便民利民"
    POVERTY_RELIEF = "扶贫帮困"
    EMPLOYMENT_GUIDANCE = "就业指导"
    PUBLIC_ORDER = "治安维稳"
    HEALTH = "卫生保健"
    ENVIRONMENT = "环境维护"
    PUBLICITY_EDUCATION = "宣传教育"
    CULTURE_SPORTS = "文体娱乐"


class StaffRole(LabelledEnum):
    """Roles of community workers (seeds 001, 002)."""

    PARTY_SECRETARY = "党组织书记"
    COMMITTEE_DIRECTOR = "居委会主任"
    COMMITTEE_DEPUTY_DIRECTOR = "居委会副主任"
    COMMITTEE_MEMBER = "居委会委员"
    FULL_TIME_WORKER = "专职社区工作者"
    GRID_WORKER = "网格员"
    LABOUR_SECURITY_OFFICER = "劳动保障专职人员"
    COMMUNITY_POLICE = "社区民警"
    PUBLIC_WELFARE_POST = "公益性岗位人员"
    OTHER = "其他"

    @property
    def is_committee_member(self) -> bool:
        """Residents' committee members (居委会成员职数), counted by Shandong's 1-per-300 rule."""
        return self in _COMMITTEE_ROLES


_COMMITTEE_ROLES = frozenset(
    {
        StaffRole.COMMITTEE_DIRECTOR,
        StaffRole.COMMITTEE_DEPUTY_DIRECTOR,
        StaffRole.COMMITTEE_MEMBER,
    }
)


class Gender(LabelledEnum):
    """Sex as written on the resident identity card."""

    MALE = "男"
    FEMALE = "女"


class ResidentIDKind(LabelledEnum):
    """Which document series an 18-character identity number belongs to."""

    MAINLAND = "居民身份证"
    HK_MO_TW_RESIDENCE_PERMIT = "港澳台居民居住证"
    FOREIGN_PERMANENT_RESIDENT = "外国人永久居留身份证"


class EquipmentType(LabelledEnum):
    """Office equipment: Shandong's list (002) and Hubei's 四机 (004)."""

    COMPUTER = "计算机"
    PRINTER = "打印机"
    FAX = "传真机"
    SCANNER = "扫描仪"
    DISC_BURNER = "刻录机"
    DIGITAL_CAMERA = "数码相机"
    PROJECTOR = "投影仪"
    ELECTRIC_BICYCLE = "电动自行车"
    TELEVISION = "电视机"
    DVD_PLAYER = "DVD机"
    FITNESS_EQUIPMENT = "健身器材"
    INFORMATION_NETWORK = "计算机信息网络"
    OTHER = "其他"


class FundingSource(LabelledEnum):
    """Where community money comes from (002: fiscal, 费随事转, service income; 004: units)."""

    FISCAL = "财政拨款"
    FEE_FOLLOWS_TASK = "费随事转"
    SERVICE_INCOME = "服务收入"
    SPECIAL_FUND = "专项资金"
    AWARD_SUBSIDY = "以奖代补"
    RESIDENT_UNITS = "驻区单位支持"
    DONATION = "社会捐赠"
    OTHER = "其他"


class FundingPurpose(LabelledEnum):
    """What the money is for."""

    OPERATING = "工作经费"
    LIVING_ALLOWANCE = "生活补贴"
    SOCIAL_INSURANCE = "社会保险"
    INFRASTRUCTURE = "基础设施"
    SERVICE_DEVELOPMENT = "服务扶持"
    OTHER = "其他"


class EvaluationClass(LabelledEnum):
    """Jiangsu's classified promotion scheme (001): classes A, B, C, each with three levels."""

    A = "A类"
    B = "B类"
    C = "C类"


class DesignationKind(LabelledEnum):
    """Titles and standards a community can attain (seeds 001, 002, 004)."""

    HARMONIOUS_DEMONSTRATION = "和谐社区示范单位"
    DEMONSTRATION = "示范社区"
    CIVILISED = "文明社区"
    GRADED = "等级社区"
    ACTION_PLAN_883 = "883行动计划达标社区"
    GREEN_LIVING = "绿色人居社区"
    DEMOCRACY_RULE_OF_LAW = "民主法治示范社区"
    FULL_EMPLOYMENT = "充分就业社区"
    SCIENCE_DEMONSTRATION = "科普示范社区"
    STAR_RATED = "星级社区"
    SAFE = "平安社区"


class HonourLevel(LabelledEnum):
    """Level of the body that confers a designation."""

    NATIONAL = "全国"
    PROVINCIAL = "省级"
    CITY = "市级"
    COUNTY = "区县级"
    TOWNSHIP = "街道乡镇级"
