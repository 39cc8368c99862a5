"""From shequkit records to HSDS 3.0 rows: what maps to what, and the stable identifiers.

Only four kinds of record are looked at: divisions and communities (for
addresses, coordinates and service areas), organisations, facilities and
services. Every other record — staff (names, phones, identity numbers),
volunteer teams (leaders' names), grids, funding... — is skipped unread, so
personal data cannot reach an export. The metadata's ``prepared_by`` (a
person) is never used either.

Identifiers are UUID 5 in the fixed namespace :data:`NAMESPACE`, from the
record's kind, the statistical division code of its community and its
shequkit id: the same record gets the same UUID in every export, and records
of two datasets that reuse ids such as ``c000001-o02`` for different
communities do not collide.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Final

from shequkit import (
    Community,
    Division,
    Facility,
    Organisation,
    Service,
    __version__,
)
from shequkit.codes import (
    ChargingMode,
    FacilityType,
    LabelledEnum,
    OrganisationType,
    ServiceCategory,
    TargetGroup,
)
from shequkit.model import Record
from shequkit_hsds._tables import TABLES

__all__ = [
    "NAMESPACE",
    "TAXONOMIES",
    "Directory",
    "Row",
    "Taxonomy",
    "build_directory",
    "hsds_id",
    "term_id",
]

NAMESPACE: Final = uuid.UUID("aa0c598b-c7a1-54ce-a0cb-36f9cf5394fa")
"""The UUID 5 namespace of every identifier: ``uuid5(NAMESPACE_URL, "urn:shequkit:hsds")``.

Fixed for good: changing it would give every exported object a new identity.
"""

Value = str | int | float | None
Row = dict[str, Value]
"""One row of an HSDS table: field name to value; ``None`` is an absent value."""

_STATUS: Final = "active"
_COUNTRY: Final = "CN"
_PHYSICAL: Final = "physical"
# Division names that are placeholders rather than places (统计用区划代码):
# municipalities' "市辖区", and the "直辖县级" groupings of county-level cities.
_PLACEHOLDER_CITIES: Final = frozenset(
    {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
)

_FEES: Final[dict[ChargingMode, str]] = {
    ChargingMode.FREE: "无偿服务,不收费 / free of charge",
    ChargingMode.LOW_COST: "低偿服务,收费低于市场价 / low cost: charged below the market rate",
    ChargingMode.PAID: "有偿服务,按市场价收费 / paid: charged at the market rate",
}


@dataclass(frozen=True, slots=True)
class Taxonomy:
    """A shequkit code set published as an HSDS taxonomy, and how its terms are linked."""

    name: str
    enum: type[LabelledEnum]
    link_type: str
    description: str


TAXONOMIES: Final = (
    Taxonomy(
        "shequkit-service-category",
        ServiceCategory,
        "category",
        "社区服务类别 / community service categories",
    ),
    Taxonomy(
        "shequkit-charging-mode",
        ChargingMode,
        "fees",
        "收费方式:无偿、低偿、有偿 / charging modes: free, low cost, paid",
    ),
    Taxonomy(
        "shequkit-target-group",
        TargetGroup,
        "eligibility",
        "服务对象 / target groups of services",
    ),
    Taxonomy(
        "shequkit-organisation-type",
        OrganisationType,
        "organization_type",
        "社区组织类型 / types of community organisation",
    ),
    Taxonomy(
        "shequkit-facility-type",
        FacilityType,
        "facility_type",
        "社区设施类型 / types of community facility",
    ),
)
"""Every taxonomy, with all the members of its code set as terms (used or not)."""

_TAXONOMY_OF: Final = {taxonomy.enum: taxonomy for taxonomy in TAXONOMIES}


def hsds_id(*parts: str) -> str:
    """The UUID 5 (in :data:`NAMESPACE`) of ``parts`` joined with ``:``.

    ``%`` and ``:`` inside a part are percent-encoded first, so that two
    different tuples of parts can never give the same name.
    """
    name = ":".join(part.replace("%", "%25").replace(":", "%3A") for part in parts)
    return str(uuid.uuid5(NAMESPACE, name))


def term_id(member: LabelledEnum) -> str:
    """The identifier of the taxonomy term for a code-set member."""
    return hsds_id("taxonomy_term", _TAXONOMY_OF[type(member)].name, member.name)


@dataclass
class Directory:
    """The HSDS rows of one export, table by table, in output order.

    Attributes:
        tables: rows per HSDS table name, for every table of ``TABLES`` (maybe empty).
        exported: how many shequkit records (organisations, facilities,
            services) the rows were made from.
    """

    tables: dict[str, list[Row]] = field(default_factory=lambda: {t.name: [] for t in TABLES})
    exported: int = 0

    def add(self, table: str, row: Row) -> None:
        """Append ``row`` to ``table``."""
        self.tables[table].append(row)


@dataclass
class _Collected:
    """The records an export needs, in input order; the rest were skipped unread."""

    division_names: dict[str, str] = field(default_factory=dict)
    communities: dict[str, Community] = field(default_factory=dict)
    organisations: list[Organisation] = field(default_factory=list)
    facilities: list[Facility] = field(default_factory=list)
    services: list[Service] = field(default_factory=list)


def _collect(records: Iterable[Record]) -> _Collected:
    collected = _Collected()
    for record in records:
        # Only these kinds are kept: anything else (Staff...) is dropped here, unread.
        if isinstance(record, Service):
            collected.services.append(record)
        elif isinstance(record, Facility):
            collected.facilities.append(record)
        elif isinstance(record, Organisation):
            collected.organisations.append(record)
        elif isinstance(record, Community):
            collected.communities.setdefault(record.id, record)
        elif isinstance(record, Division):
            collected.division_names.setdefault(str(record.code), record.name)
    return collected


def build_directory(records: Iterable[Record]) -> Directory:
    """Map ``records`` (any order) to the rows of every HSDS table.

    Services without a provider get the residents' committee (社区居民委员会)
    of their community, which runs community services; when the data has no
    committee for that community one is added (named after the community), so
    that every service has the organization HSDS requires. References to
    records missing from the data are left out rather than left dangling.
    """
    return _Mapper(_collect(records)).run()


class _Mapper:
    """One export's mapping: identifiers first, then the rows of every table."""

    def __init__(self, data: _Collected) -> None:
        self.data = data
        self.directory = Directory()
        self.organisation_ids = {org.id: self._org_uuid(org) for org in data.organisations}
        self.facility_ids = {
            fac.id: self._uuid("facility", fac.community_id, fac.id) for fac in data.facilities
        }
        self.committees: dict[str, str] = {}
        for org in data.organisations:
            if org.type is OrganisationType.RESIDENTS_COMMITTEE:
                self.committees.setdefault(org.community_id, self.organisation_ids[org.id])
        self.added_committees: dict[str, str] = {}

    # -- identifiers ---------------------------------------------------------------

    def _scope(self, community_id: str) -> str:
        # The community's official 12-digit code makes ids unique across datasets.
        community = self.data.communities.get(community_id)
        return (
            str(community.division_code) if community is not None else f"community={community_id}"
        )

    def _uuid(self, kind: str, community_id: str, record_id: str) -> str:
        return hsds_id(kind, self._scope(community_id), record_id)

    def _org_uuid(self, org: Organisation) -> str:
        return self._uuid("organisation", org.community_id, org.id)

    # -- the mapping ---------------------------------------------------------------

    def run(self) -> Directory:
        """Fill and return the directory."""
        # Providers first: they decide which committees must be added to the organizations.
        services = [(service, self._provider(service)) for service in self.data.services]
        for org in self.data.organisations:
            self._organisation(org)
        for community_id, org_id in self.added_committees.items():
            self._added_committee(community_id, org_id)
        for facility in self.data.facilities:
            self._facility(facility)
        for service, provider in services:
            self._service(service, provider)
        self._taxonomies()
        self.directory.exported = (
            len(self.data.organisations) + len(self.data.facilities) + len(self.data.services)
        )
        return self.directory

    def _provider(self, service: Service) -> str:
        if service.provider_id is not None and service.provider_id in self.organisation_ids:
            return self.organisation_ids[service.provider_id]
        committee = self.committees.get(service.community_id)
        if committee is not None:
            return committee
        added = self.added_committees.get(service.community_id)
        if added is None:
            added = hsds_id("residents_committee", self._scope(service.community_id))
            self.added_committees[service.community_id] = added
        return added

    def _organisation(self, org: Organisation) -> None:
        org_id = self.organisation_ids[org.id]
        parent = self.organisation_ids.get(org.parent_id) if org.parent_id is not None else None
        self.directory.add(
            "organization",
            {
                "id": org_id,
                "name": org.name,
                "description": _organisation_description(org),
                "year_incorporated": org.established.year if org.established else None,
                "parent_organization_id": parent,
            },
        )
        if org.uscc is not None:
            code = str(org.uscc)
            self.directory.add(
                "organization_identifier",
                {
                    "id": hsds_id("organization_identifier", org_id, "uscc"),
                    "organization_id": org_id,
                    # org-id.guide lists market-regulation (工商) registrations, whose
                    # codes start with 9; other registrars have no list code there.
                    "identifier_scheme": "CN-SAIC" if code.startswith("9") else None,
                    "identifier_type": "统一社会信用代码 / unified social credit code (USCC)",
                    "identifier": code,
                },
            )
        self._attribute("organization", org_id, org.type)

    def _added_committee(self, community_id: str, org_id: str) -> None:
        community = self.data.communities.get(community_id)
        name = f"{community.name}居民委员会" if community else f"社区居民委员会({community_id})"
        self.directory.add(
            "organization",
            {
                "id": org_id,
                "name": name,
                "description": "社区居民委员会(数据中未列出,作为社区服务的提供方补出)"
                " / residents committee (not in the data: added as the provider of the"
                " community's services)",
                "year_incorporated": None,
                "parent_organization_id": None,
            },
        )
        self._attribute("organization", org_id, OrganisationType.RESIDENTS_COMMITTEE)

    def _facility(self, facility: Facility) -> None:
        location_id = self.facility_ids[facility.id]
        community = self.data.communities.get(facility.community_id)
        committee = self.committees.get(facility.community_id) or self.added_committees.get(
            facility.community_id
        )
        self.directory.add(
            "location",
            {
                "id": location_id,
                "location_type": _PHYSICAL,
                "organization_id": committee,
                "name": facility.name,
                "description": _facility_description(facility),
                # Facilities have no coordinates of their own: the community office's.
                "latitude": community.latitude if community else None,
                "longitude": community.longitude if community else None,
            },
        )
        text = facility.address or (community.address if community else None)
        if text:
            self.directory.add("address", self._address(location_id, text, community))
        self._attribute("location", location_id, facility.type)

    def _address(self, location_id: str, text: str, community: Community | None) -> Row:
        province = city = county = ""
        if community is not None:
            code = community.division_code
            names = self.data.division_names
            province = names.get(code[:2].ljust(12, "0"), "")
            city = names.get(code[:4].ljust(12, "0"), "")
            county = names.get(code[:6].ljust(12, "0"), "")
            if city in _PLACEHOLDER_CITIES:
                # Municipalities (北京市...) are their own city; county-level cities
                # directly under a province are the city of their addresses.
                city = province if code[:2] in ("11", "12", "31", "50") else county
        # HSDS requires city, state_province and postal_code: "" when unknown, not absent.
        return {
            "id": hsds_id("address", location_id),
            "location_id": location_id,
            "address_1": text,
            "city": city,
            "region": county or None,
            "state_province": province,
            "postal_code": "",
            "country": _COUNTRY,
            "address_type": _PHYSICAL,
        }

    def _service(self, service: Service, provider: str) -> None:
        service_id = self._uuid("service", service.community_id, service.id)
        self.directory.add(
            "service",
            {
                "id": service_id,
                "organization_id": provider,
                "name": service.name,
                "description": _service_description(service),
                "status": _STATUS,
                "fees_description": _FEES[service.charging],
                "eligibility_description": _eligibility(service.target_groups),
            },
        )
        community = self.data.communities.get(service.community_id)
        if community is not None:
            self.directory.add(
                "service_area",
                {
                    "id": hsds_id("service_area", service_id),
                    "service_id": service_id,
                    "name": community.name,
                    "description": f"{community.name}辖区(统计用区划代码 {community.division_code})"
                    f" / the area of {community.name}, division code {community.division_code}",
                },
            )
        location = self.facility_ids.get(service.facility_id) if service.facility_id else None
        if location is not None:
            self.directory.add(
                "service_at_location",
                {
                    "id": hsds_id("service_at_location", service_id, location),
                    "service_id": service_id,
                    "location_id": location,
                },
            )
        self._attribute("service", service_id, service.category)
        self._attribute("service", service_id, service.charging)
        for group in dict.fromkeys(service.target_groups):  # a group listed twice links once
            self._attribute("service", service_id, group)

    def _attribute(self, entity: str, link_id: str, member: LabelledEnum) -> None:
        term = term_id(member)
        self.directory.add(
            "attribute",
            {
                "id": hsds_id("attribute", entity, link_id, term),
                "link_id": link_id,
                "taxonomy_term_id": term,
                "link_type": _TAXONOMY_OF[type(member)].link_type,
                "link_entity": entity,
            },
        )

    def _taxonomies(self) -> None:
        for taxonomy in TAXONOMIES:
            taxonomy_id = hsds_id("taxonomy", taxonomy.name)
            self.directory.add(
                "taxonomy",
                {
                    "id": taxonomy_id,
                    "name": taxonomy.name,
                    "description": taxonomy.description,
                    "version": __version__,
                },
            )
            for member in taxonomy.enum:
                self.directory.add(
                    "taxonomy_term",
                    {
                        "id": term_id(member),
                        "code": str(member.value),
                        "name": member.label_zh,
                        "description": member.label_en,
                        "taxonomy": taxonomy.name,
                        "language": "zh",
                        "taxonomy_id": taxonomy_id,
                    },
                )


def _bilingual(member: LabelledEnum) -> tuple[str, str]:
    return member.label_zh, member.label_en


def _organisation_description(org: Organisation) -> str:
    zh, en = _bilingual(org.type)
    detail = org.party_form or org.social_category
    if detail is not None:
        zh, en = f"{zh}({detail.label_zh})", f"{en} ({detail.label_en})"
    if org.members is not None:
        zh, en = f"{zh},成员 {org.members} 人", f"{en}, {org.members} members"
    return f"{zh} / {en}"


def _facility_description(facility: Facility) -> str:
    zh, en = _bilingual(facility.type)
    if facility.floor_area_m2 is not None:
        area = _number(facility.floor_area_m2)
        zh, en = f"{zh},建筑面积 {area} 平方米", f"{en}, floor area {area} m²"
    if facility.open_to_public is False:
        zh, en = f"{zh},暂不对外开放", f"{en}, not open to the public"
    return f"{zh} / {en}"


def _number(value: float) -> str:
    # Plain decimal notation: "168.2", "1200" (":g" would give "1.2e+06" for large areas).
    return f"{value:f}".rstrip("0").rstrip(".")


def _service_description(service: Service) -> str:
    zh, en = _bilingual(service.category)
    zh, en = f"服务类别:{zh}", f"category: {en}"
    if service.beneficiaries_per_year is not None:
        count = service.beneficiaries_per_year
        zh, en = f"{zh};年服务 {count} 人次", f"{en}; {count} beneficiaries a year"
    return f"{zh} / {en}"


def _eligibility(groups: tuple[TargetGroup, ...]) -> str | None:
    if not groups:
        return None
    unique = list(dict.fromkeys(groups))
    zh = "、".join(group.label_zh for group in unique)
    en = ", ".join(group.label_en for group in unique)
    return f"服务对象:{zh} / for: {en}"
