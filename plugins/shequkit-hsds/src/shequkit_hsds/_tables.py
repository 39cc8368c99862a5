"""The HSDS 3.0 tables this plugin writes: their files, fields and links.

One definition serves both outputs: the column order of each CSV file, the
``schema`` of each resource in ``datapackage.json`` and the key order of the
objects nested in the JSON export.

Field names, the required fields and the CSV file names follow the HSDS 3.0
JSON schemas (``schema/*.json`` of github.com/openreferral/specification).
Only the fields shequkit can fill are listed, in HSDS order; deprecated 3.0
fields (``service.fees``, ``organization.tax_id``) are not written. The field
descriptions are this plugin's own short summaries.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

__all__ = ["TABLES", "TABLES_BY_NAME", "Field", "Table"]

FieldType = Literal["string", "number"]


@dataclass(frozen=True, slots=True)
class Field:
    """A column of an HSDS table.

    Attributes:
        name: the HSDS field name.
        description: a short English description for ``datapackage.json``.
        type: the Table Schema type (``string`` or ``number``).
        uuid: whether values are UUIDs (Table Schema ``format: uuid``).
        required: whether every row has a non-empty value. HSDS requires a few
            address fields shequkit cannot always fill (``postal_code``); those
            are written empty and not declared required here.
        references: the table whose ``id`` this field holds (a foreign key).
    """

    name: str
    description: str
    type: FieldType = "string"
    uuid: bool = False
    required: bool = False
    references: str | None = None


@dataclass(frozen=True, slots=True)
class Table:
    """An HSDS table: its object name, CSV file and fields."""

    name: str
    path: str
    description: str
    fields: tuple[Field, ...]

    @property
    def field_names(self) -> tuple[str, ...]:
        """The column names, in file order."""
        return tuple(field.name for field in self.fields)


def _id(description: str) -> Field:
    return Field("id", description, uuid=True, required=True)


def _link(name: str, table: str, description: str, *, required: bool = True) -> Field:
    return Field(name, description, uuid=True, required=required, references=table)


ORGANIZATION: Final = Table(
    "organization",
    "organizations.csv",
    "Organisations of the communities (社区组织): committees, social organisations, companies.",
    (
        _id("Identifier of the organization (UUID 5 of its shequkit id)."),
        Field("name", "Name of the organization.", required=True),
        Field("description", "Type of the organization, in Chinese and English.", required=True),
        Field("year_incorporated", "Year the organization was established.", type="number"),
        _link(
            "parent_organization_id",
            "organization",
            "The parent organization (the residents' committee of a sub-committee).",
            required=False,
        ),
    ),
)

ORGANIZATION_IDENTIFIER: Final = Table(
    "organization_identifier",
    "organization_identifiers.csv",
    "Official identifiers of organizations: the unified social credit code (统一社会信用代码).",
    (
        _id("Identifier of the entry."),
        _link("organization_id", "organization", "The organization identified."),
        Field("identifier_scheme", "org-id.guide list code, when one applies (CN-SAIC)."),
        Field("identifier_type", "What kind of identifier this is.", required=True),
        Field("identifier", "The identifier itself.", required=True),
    ),
)

SERVICE: Final = Table(
    "service",
    "services.csv",
    "Community services (社区服务) offered to residents.",
    (
        _id("Identifier of the service (UUID 5 of its shequkit id)."),
        _link("organization_id", "organization", "The organization providing the service."),
        Field("name", "Name of the service.", required=True),
        Field("description", "Category and yearly beneficiaries, in Chinese and English."),
        Field("status", "Always 'active': shequkit lists services on offer.", required=True),
        Field("fees_description", "Charging mode (无偿/低偿/有偿), in Chinese and English."),
        Field("eligibility_description", "Target groups (服务对象), in Chinese and English."),
    ),
)

SERVICE_AREA: Final = Table(
    "service_area",
    "service_areas.csv",
    "Where a service is available: the community it belongs to.",
    (
        _id("Identifier of the service area."),
        _link("service_id", "service", "The service available in this area."),
        Field("name", "Name of the community."),
        Field("description", "The community and its statistical division code."),
    ),
)

LOCATION: Final = Table(
    "location",
    "locations.csv",
    "Community facilities (社区设施) where services are delivered.",
    (
        _id("Identifier of the location (UUID 5 of the facility's shequkit id)."),
        Field("location_type", "Always 'physical'.", required=True),
        _link(
            "organization_id",
            "organization",
            "The residents' committee of the facility's community, which runs it.",
            required=False,
        ),
        Field("name", "Name of the facility.", required=True),
        Field("description", "Type, floor area and opening of the facility."),
        Field("latitude", "Latitude (WGS84) of the community office.", type="number"),
        Field("longitude", "Longitude (WGS84) of the community office.", type="number"),
    ),
)

ADDRESS: Final = Table(
    "address",
    "addresses.csv",
    "Street addresses of locations.",
    (
        _id("Identifier of the address."),
        _link("location_id", "location", "The location at this address."),
        Field(
            "address_1", "The address as recorded (Chinese order: province first).", required=True
        ),
        Field("city", "Prefecture-level city (地级市) or municipality."),
        Field("region", "County-level district or county (区/县)."),
        Field("state_province", "Province-level division (省级)."),
        Field("postal_code", "Not known to shequkit: always empty."),
        Field("country", "ISO 3166-1 country code: CN.", required=True),
        Field("address_type", "Always 'physical'.", required=True),
    ),
)

SERVICE_AT_LOCATION: Final = Table(
    "service_at_location",
    "service_at_location.csv",
    "Which service is delivered at which location.",
    (
        _id("Identifier of the link."),
        _link("service_id", "service", "The service."),
        _link("location_id", "location", "The location where it is delivered."),
    ),
)

TAXONOMY: Final = Table(
    "taxonomy",
    "taxonomies.csv",
    "The shequkit code sets used to classify services, organizations and locations.",
    (
        _id("Identifier of the taxonomy."),
        Field("name", "Name of the taxonomy (shequkit-...).", required=True),
        Field(
            "description", "What the taxonomy classifies, in Chinese and English.", required=True
        ),
        Field("version", "The shequkit version the code set comes from."),
    ),
)

TAXONOMY_TERM: Final = Table(
    "taxonomy_term",
    "taxonomy_terms.csv",
    "Every member of each code set: the Chinese label and the English name.",
    (
        _id("Identifier of the term."),
        Field("code", "The official value shequkit files use.", required=True),
        Field("name", "The Chinese label.", required=True),
        Field("description", "The English name.", required=True),
        Field("taxonomy", "Name of the taxonomy.", required=True),
        Field("language", "Language of the term name: zh.", required=True),
        _link("taxonomy_id", "taxonomy", "The taxonomy of the term."),
    ),
)

ATTRIBUTE: Final = Table(
    "attribute",
    "attributes.csv",
    "Classifications: a taxonomy term applied to a service, organization or location.",
    (
        _id("Identifier of the attribute."),
        Field(
            "link_id", "The service, organization or location classified.", uuid=True, required=True
        ),
        _link("taxonomy_term_id", "taxonomy_term", "The term applied."),
        Field(
            "link_type", "What the term describes (category, fees, eligibility...).", required=True
        ),
        Field(
            "link_entity", "The table of link_id: service, organization or location.", required=True
        ),
    ),
)

TABLES: Final[tuple[Table, ...]] = (
    ORGANIZATION,
    ORGANIZATION_IDENTIFIER,
    SERVICE,
    SERVICE_AREA,
    LOCATION,
    ADDRESS,
    SERVICE_AT_LOCATION,
    TAXONOMY,
    TAXONOMY_TERM,
    ATTRIBUTE,
)
"""Every table, in file order: each referenced table before the tables referencing it."""

TABLES_BY_NAME: Final = {table.name: table for table in TABLES}
