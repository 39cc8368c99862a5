"""The record classes of the community construction domain.

Records are frozen, slotted attrs classes with keyword-only fields. They hold
data and single-field invariants only; cross-record rules (references, codes
under their parents, totals) live in :mod:`shequkit.validate`, and
serialisation lives in the converters of ``shequkit._convert``.

Every record except :class:`Division` has a stable ``id`` (unique within its
kind) and most belong to a community through ``community_id``.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import attrs

from shequkit.codes import (
    USCC,
    ChargingMode,
    CommunityType,
    DesignationKind,
    DivisionCode,
    DivisionLevel,
    EquipmentType,
    EvaluationClass,
    FacilityType,
    FundingPurpose,
    FundingSource,
    Gender,
    HonourLevel,
    OrganisationType,
    PartyOrganisationForm,
    PersonName,
    PhoneNumber,
    ResidentID,
    ServiceCategory,
    SocialOrganisationCategory,
    SpaceCase,
    SpaceSource,
    StaffRole,
    TargetGroup,
    UrbanRuralClass,
    VolunteerCategory,
)
from shequkit.model._fields import field, non_negative, percentage, positive, text, year

__all__ = [
    "Community",
    "Designation",
    "Division",
    "Equipment",
    "Facility",
    "Funding",
    "Grid",
    "IndicatorValue",
    "Organisation",
    "Service",
    "Staff",
    "VolunteerTeam",
]


def _record_id() -> Any:
    return text("编号", max_length=64)


def _community_ref() -> Any:
    return text("所属社区编号", max_length=64)


@attrs.frozen(kw_only=True)
class Division:
    """An administrative division (行政区划): province, city, county, township or village level.

    The level is implied by the code; it is stored so files state it
    explicitly, and validation checks the two agree. A division code is valid
    as of a date: ``valid_from``/``valid_to`` bound it when known.
    """

    code: DivisionCode = field("统计用区划代码", coerce=DivisionCode)
    name: str = text("名称", max_length=100)
    level: DivisionLevel = field("级别", coerce=DivisionLevel)
    parent_code: DivisionCode | None = field("上级区划代码", default=None, coerce=DivisionCode)
    urban_rural_class: UrbanRuralClass | None = field(
        "城乡分类代码", default=None, coerce=UrbanRuralClass
    )
    valid_from: datetime.date | None = field("启用日期", default=None)
    valid_to: datetime.date | None = field("停用日期", default=None)


@attrs.frozen(kw_only=True)
class Community:
    """A community (社区), governed by a residents' committee (社区居民委员会).

    Holds the size of the community and the indicators the seed documents
    assess per community: service space, green coverage, residents'
    satisfaction, mediation, cultural activities, open affairs and the
    Jiangsu classified evaluation (ABC classes, three levels, four-way scores).
    """

    id: str = _record_id()
    division_code: DivisionCode = field("统计用区划代码", coerce=DivisionCode)
    name: str = text("社区名称", max_length=100)
    type: CommunityType | None = field("社区类型", default=None, coerce=CommunityType)
    urban_rural_class: UrbanRuralClass | None = field(
        "城乡分类代码", default=None, coerce=UrbanRuralClass
    )
    households: int = non_negative("户数", unit="户")
    population: int = non_negative("人口", unit="人")
    migrant_population: int | None = non_negative("流动人口", unit="人", default=None)
    area_km2: float | None = non_negative("辖区面积", unit="平方公里", default=None)
    address: str | None = text("办公地址", default=None)
    longitude: float | None = field("经度", unit="度", default=None, minimum=73, maximum=136)
    latitude: float | None = field("纬度", unit="度", default=None, minimum=3, maximum=54)
    established: datetime.date | None = field("成立日期", default=None)
    service_space_m2: float | None = non_negative("办公和服务用房面积", unit="平方米", default=None)
    space_case: SpaceCase | None = field("用房建设情形", default=None, coerce=SpaceCase)
    green_coverage_pct: float | None = percentage("绿化覆盖率")
    satisfaction_pct: float | None = percentage("居民满意率")
    mediation_rate_pct: float | None = percentage("民事调解率")
    mediation_success_pct: float | None = percentage("调解成功率")
    work_failure_petitions: int | None = non_negative(
        "因工作不到位造成的上访", unit="次", default=None
    )
    repeated_petitions: int | None = non_negative("经常性上访", unit="起", default=None)
    mass_petitions: int | None = non_negative("群体性集访", unit="次", default=None)
    cultural_activities_per_year: int | None = non_negative(
        "年度文化活动次数", unit="次", default=None
    )
    open_affairs: bool | None = field("实行居务公开", default=None)
    regulations_posted: int | None = non_negative("上墙职责制度数", unit="种", default=None)
    grid_management: bool | None = field("实行网格化管理", default=None)
    one_stop_service: bool | None = field("一站式服务", default=None)
    direct_election: bool | None = field("居委会直选", default=None)
    evaluation_class: EvaluationClass | None = field(
        "考评类别", default=None, coerce=EvaluationClass
    )
    evaluation_level: int | None = field("考评级别", default=None, minimum=1, maximum=3)
    self_score: float | None = field("自评得分", unit="分", default=None, minimum=0, maximum=100)
    assessment_score: float | None = field(
        "考评得分", unit="分", default=None, minimum=0, maximum=100
    )
    peer_score: float | None = field("互评得分", unit="分", default=None, minimum=0, maximum=100)
    representatives_score: float | None = field(
        "居民代表评议得分", unit="分", default=None, minimum=0, maximum=100
    )


@attrs.frozen(kw_only=True)
class Grid:
    """A management grid (网格) of a community: a block of households served by one grid worker."""

    id: str = _record_id()
    community_id: str = _community_ref()
    name: str = text("网格名称", max_length=100)
    households: int = non_negative("户数", unit="户")
    buildings: int | None = non_negative("楼栋数", unit="幢", default=None)
    worker_staff_id: str | None = text("网格员编号", default=None, max_length=64)


@attrs.frozen(kw_only=True)
class Organisation:
    """An organisation of or in a community (社区组织).

    The party organisation, the residents' committee and its sub-committees
    (``parent_id`` points at the committee), the members' assembly, the
    consultation committee, owners' bodies, the property company, social
    organisations and resident units. ``uscc`` is the unified social credit
    code where the organisation has one.
    """

    id: str = _record_id()
    community_id: str = _community_ref()
    type: OrganisationType = field("组织类型", coerce=OrganisationType)
    name: str = text("组织名称", max_length=100)
    uscc: USCC | None = field("统一社会信用代码", default=None, coerce=USCC)
    parent_id: str | None = text("上级组织编号", default=None, max_length=64)
    party_form: PartyOrganisationForm | None = field(
        "党组织形式", default=None, coerce=PartyOrganisationForm
    )
    social_category: SocialOrganisationCategory | None = field(
        "社会组织类别", default=None, coerce=SocialOrganisationCategory
    )
    members: int | None = non_negative("成员数", unit="人", default=None)
    established: datetime.date | None = field("成立日期", default=None)
    registered: bool | None = field("已登记", default=None)


@attrs.frozen(kw_only=True)
class Facility:
    """A community facility (社区设施): a station, room, school or outdoor site.

    ``space_source`` records how the space was obtained; ``books`` is the
    holding of a reading room (Jiangsu: at least 500 volumes).
    """

    id: str = _record_id()
    community_id: str = _community_ref()
    type: FacilityType = field("设施类型", coerce=FacilityType)
    name: str = text("设施名称", max_length=100)
    floor_area_m2: float | None = non_negative("建筑面积", unit="平方米", default=None)
    space_source: SpaceSource | None = field("用房来源", default=None, coerce=SpaceSource)
    floor: int | None = field("所在楼层", default=None, minimum=-5, maximum=100)
    books: int | None = non_negative("藏书量", unit="册", default=None)
    opened: datetime.date | None = field("启用日期", default=None)
    open_to_public: bool | None = field("正常开放", default=None)
    address: str | None = text("地址", default=None)


@attrs.frozen(kw_only=True)
class Service:
    """A service offered to residents (社区服务) in one of the service categories.

    ``charging`` is free, low-cost or paid; ``provider_id`` names the providing
    organisation and ``facility_id`` where it is delivered.
    """

    id: str = _record_id()
    community_id: str = _community_ref()
    category: ServiceCategory = field("服务类别", coerce=ServiceCategory)
    name: str = text("服务项目名称", max_length=100)
    charging: ChargingMode = field("收费方式", coerce=ChargingMode)
    provider_id: str | None = text("提供组织编号", default=None, max_length=64)
    facility_id: str | None = text("服务场所编号", default=None, max_length=64)
    target_groups: tuple[TargetGroup, ...] = field(
        "服务对象", default=(), coerce=TargetGroup, many=True
    )
    beneficiaries_per_year: int | None = non_negative("年服务人次", unit="人次", default=None)


@attrs.frozen(kw_only=True)
class Staff:
    """A community worker (社区工作者): committee member, grid worker, station staff.

    ``name``, ``id_number`` and ``phone`` are personal data: masked in every
    repr, log line, report and error message unless a caller asks otherwise.
    """

    id: str = _record_id()
    community_id: str = _community_ref()
    name: PersonName = field("姓名", sensitive=True, coerce=PersonName)
    role: StaffRole = field("职务", coerce=StaffRole)
    id_number: ResidentID | None = field(
        "公民身份号码", sensitive=True, default=None, coerce=ResidentID
    )
    phone: PhoneNumber | None = field("联系电话", sensitive=True, default=None, coerce=PhoneNumber)
    gender: Gender | None = field("性别", default=None, coerce=Gender)
    full_time: bool = field("专职", default=True)
    elected: bool | None = field("经选举产生", default=None)
    organisation_id: str | None = text("所在组织编号", default=None, max_length=64)
    facility_id: str | None = text("所在设施编号", default=None, max_length=64)
    grid_id: str | None = text("负责网格编号", default=None, max_length=64)


@attrs.frozen(kw_only=True)
class VolunteerTeam:
    """A volunteer team (志愿者队伍) in one of the eight Jiangsu categories."""

    id: str = _record_id()
    community_id: str = _community_ref()
    category: VolunteerCategory = field("队伍类别", coerce=VolunteerCategory)
    name: str = text("队伍名称", max_length=100)
    members: int = non_negative("队员人数", unit="人")
    leader_name: PersonName | None = field(
        "负责人姓名", sensitive=True, default=None, coerce=PersonName
    )
    established: datetime.date | None = field("成立日期", default=None)


@attrs.frozen(kw_only=True)
class Equipment:
    """Office or activity equipment (办公设备) held by a community."""

    id: str = _record_id()
    community_id: str = _community_ref()
    type: EquipmentType = field("设备类型", coerce=EquipmentType)
    quantity: int = positive("数量", unit="台(件)")
    facility_id: str | None = text("所在设施编号", default=None, max_length=64)


@attrs.frozen(kw_only=True)
class Funding:
    """A line of community funding (社区经费) in one year.

    ``payer_level`` says which level of government pays (Shandong splits
    allowances 5:2:3 between city, county-level city and street).
    """

    id: str = _record_id()
    community_id: str = _community_ref()
    year: int = year("年度")
    source: FundingSource = field("经费来源", coerce=FundingSource)
    purpose: FundingPurpose = field("经费用途", coerce=FundingPurpose)
    amount_yuan: Decimal = non_negative("金额", unit="元")
    payer_level: DivisionLevel | None = field("拨付层级", default=None, coerce=DivisionLevel)


@attrs.frozen(kw_only=True)
class Designation:
    """A title or standard a community attained (和谐社区示范单位, 等级社区, 文明社区...)."""

    id: str = _record_id()
    community_id: str = _community_ref()
    category: DesignationKind = field("称号类别", coerce=DesignationKind)
    level: HonourLevel = field("授予层级", coerce=HonourLevel)
    year: int = year("授予年度")
    grade: str | None = text("等级", default=None, max_length=20)


@attrs.frozen(kw_only=True)
class IndicatorValue:
    """A value of a named indicator for a community or division, for indicators the model lacks.

    ``subject`` is a community id or a division code; ``indicator`` a dotted
    name owned by a rule pack (``"jiangsu.full_employment_share"``).
    """

    id: str = _record_id()
    subject: str = text("对象编号", max_length=64)
    indicator: str = text("指标", max_length=100)
    value: float = field("指标值")
    unit: str | None = text("单位", default=None, max_length=20)
    period: str | None = text("统计期", default=None, max_length=20)
