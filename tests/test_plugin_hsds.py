"""The HSDS 3.0 export plugin (plugins/shequkit-hsds), installed and loaded by entry point.

Run with the plugin installed: ``pip install -e plugins/shequkit-hsds``.

The HSDS 3.0 facts below — required fields, enumerations, CSV names — are
restated from the HSDS 3.0 JSON schemas (``schema/*.json`` of
github.com/openreferral/specification, © Open Referral, CC BY-SA 4.0). No
schema text is copied: the checks are written here, independently of the
plugin's own table definitions, so that a slip in either shows up.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import jsonschema
import pytest
import shequkit_hsds
from click.testing import CliRunner

import shequkit
from shequkit.cli import cli
from shequkit.codes import OrganisationType, ServiceCategory
from shequkit.model import Record

# -- HSDS 3.0 facts ------------------------------------------------------------------

REQUIRED: dict[str, set[str]] = {
    "organization": {"id", "name", "description"},
    "organization_identifier": {"id", "identifier_type", "identifier"},
    "service": {"id", "name", "status"},
    "service_area": {"id"},
    "location": {"id", "location_type"},
    "address": {"id", "address_1", "city", "state_province", "postal_code", "country"}
    | {"address_type"},
    "service_at_location": {"id"},
    "taxonomy": {"id", "name", "description"},
    "taxonomy_term": {"id", "name", "description"},
    "attribute": {"id"},
}
"""The ``required`` properties of each HSDS 3.0 object."""

TABULAR_REQUIRED: dict[str, set[str]] = {
    "service": {"organization_id"},
    "organization_identifier": {"organization_id"},
    "service_at_location": {"service_id", "location_id"},
    "attribute": {"link_id", "taxonomy_term_id", "link_entity"},
}
"""HSDS 3.0 ``tabular_required``: links a CSV row must carry (nesting implies them in JSON)."""

ENUMS: dict[tuple[str, str], list[str]] = {
    ("service", "status"): ["active", "inactive", "defunct", "temporarily closed"],
    ("location", "location_type"): ["physical", "postal", "virtual"],
    ("address", "address_type"): ["physical", "postal", "virtual"],
}

CSV_NAMES: dict[str, str] = {
    "organization": "organizations.csv",
    "organization_identifier": "organization_identifiers.csv",
    "service": "services.csv",
    "service_area": "service_areas.csv",
    "location": "locations.csv",
    "address": "addresses.csv",
    "service_at_location": "service_at_location.csv",
    "taxonomy": "taxonomies.csv",
    "taxonomy_term": "taxonomy_terms.csv",
    "attribute": "attributes.csv",
}
"""The ``path`` HSDS 3.0 gives each table in its data package."""

NUMBERS = {"latitude", "longitude", "year_incorporated"}


def _object(name: str, nested: dict[str, Any] | None = None) -> dict[str, Any]:
    """A JSON Schema for HSDS object ``name``: required fields, types, enums, UUID ids."""
    properties: dict[str, Any] = {
        field: {"type": "number"} if field in NUMBERS else {"type": "string"}
        for field in REQUIRED[name] | TABULAR_REQUIRED.get(name, set())
    }
    properties["id"] = {"type": "string", "format": "uuid"}
    for (table, field), values in ENUMS.items():
        if table == name:
            properties[field] = {"enum": values}
    properties.update(nested or {})
    return {"type": "object", "required": sorted(REQUIRED[name]), "properties": properties}


def _array(item: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": item}


ATTRIBUTE_SCHEMA = _object("attribute", {"taxonomy_term": _object("taxonomy_term")})
SERVICE_SCHEMA = _object(
    "service",
    {
        "organization": _object(
            "organization",
            {
                "organization_identifiers": _array(_object("organization_identifier")),
                "attributes": _array(ATTRIBUTE_SCHEMA),
            },
        ),
        "service_areas": _array(_object("service_area")),
        "service_at_locations": _array(
            _object(
                "service_at_location",
                {
                    "location": _object(
                        "location",
                        {
                            "addresses": _array(_object("address")),
                            "attributes": _array(ATTRIBUTE_SCHEMA),
                        },
                    )
                },
            )
        ),
        "attributes": _array(ATTRIBUTE_SCHEMA),
    },
)
PAGE_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": [
        "total_items",
        "total_pages",
        "page_number",
        "size",
        "first_page",
        "last_page",
        "empty",
        "contents",
    ],
    "properties": {
        **{key: {"type": "integer"} for key in ("total_items", "total_pages", "page_number")},
        "size": {"type": "integer"},
        **{key: {"type": "boolean"} for key in ("first_page", "last_page", "empty")},
        "contents": _array(SERVICE_SCHEMA),
    },
}
"""The HSDS 3.0 API ``/services`` page (``components/schemas/Page`` + ``contents``)."""

# -- fixtures and helpers ------------------------------------------------------------


@pytest.fixture(scope="module")
def dataset() -> shequkit.Dataset:
    return shequkit.generate_sample(shequkit.SampleSpec(communities=3, seed=1))


def _export(dataset: shequkit.Dataset, directory: Path, format: str) -> Path:
    path = directory / ("out.zip" if format == "hsds" else "out.json")
    shequkit.dump(dataset, path, format=format)
    return path


def _tables(path: Path) -> dict[str, list[dict[str, str]]]:
    """The rows of every CSV of a package, by HSDS table name (from the descriptor)."""
    with zipfile.ZipFile(path) as archive:
        descriptor = json.loads(archive.read("datapackage.json"))
        return {
            resource["name"]: list(
                csv.DictReader(io.StringIO(archive.read(resource["path"]).decode("utf-8")))
            )
            for resource in descriptor["resources"]
        }


def _walk(value: Any) -> Iterator[dict[str, Any]]:
    if isinstance(value, dict):
        yield value
        for item in value.values():
            yield from _walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from _walk(item)


# -- discovery ---------------------------------------------------------------------


def test_plugin_is_found_through_its_entry_point() -> None:
    infos = {info.name: info for info in shequkit.Toolkit().formats()}

    for name in ("hsds", "hsds-json"):
        assert infos[name].plugin == "hsds"
        assert infos[name].writes
        assert not infos[name].reads
        assert infos[name].extensions == ()  # .json and .zip stay with shequkit's formats
    assert infos["json"].extensions == (".json",)


def test_plugin_is_not_loaded_when_the_program_chooses_its_plugins() -> None:
    chosen = shequkit.Toolkit(plugins=[])

    assert not {"hsds", "hsds-json"} & {codec.name for codec in chosen.codecs}


# -- the tabular data package --------------------------------------------------------


def test_package_has_one_row_per_record_and_every_reference_resolves(
    dataset: shequkit.Dataset, tmp_path: Path
) -> None:
    tables = _tables(_export(dataset, tmp_path, "hsds"))
    ids = {name: {row["id"] for row in rows} for name, rows in tables.items()}

    assert len(tables["organization"]) == len(dataset.organisations)
    assert len(tables["location"]) == len(dataset.facilities)
    assert len(tables["service"]) == len(dataset.services)
    with_facility = [service for service in dataset.services if service.facility_id]
    assert len(tables["service_at_location"]) == len(with_facility)
    with_uscc = [org for org in dataset.organisations if org.uscc is not None]
    assert {row["identifier"] for row in tables["organization_identifier"]} == {
        str(org.uscc) for org in with_uscc
    }
    links = {
        ("service", "organization_id"): "organization",
        ("organization", "parent_organization_id"): "organization",
        ("organization_identifier", "organization_id"): "organization",
        ("location", "organization_id"): "organization",
        ("address", "location_id"): "location",
        ("service_area", "service_id"): "service",
        ("service_at_location", "service_id"): "service",
        ("service_at_location", "location_id"): "location",
        ("attribute", "taxonomy_term_id"): "taxonomy_term",
        ("taxonomy_term", "taxonomy_id"): "taxonomy",
    }
    for (table, field), target in links.items():
        for row in tables[table]:
            assert row[field] == "" or row[field] in ids[target], (table, field, row)
    for row in tables["attribute"]:
        assert row["link_id"] in ids[row["link_entity"]], row
    for table, fields in TABULAR_REQUIRED.items():
        for row in tables[table]:
            assert all(row[field] for field in fields), (table, row)


def test_package_ids_are_unique_uuids_and_required_fields_are_present(
    dataset: shequkit.Dataset, tmp_path: Path
) -> None:
    tables = _tables(_export(dataset, tmp_path, "hsds"))

    everything = [row["id"] for rows in tables.values() for row in rows]
    assert len(everything) == len(set(everything))
    assert all(uuid.UUID(identifier).version == 5 for identifier in everything)
    for table, fields in REQUIRED.items():
        assert tables[table], f"no {table} rows"
        for row in tables[table]:
            # postal_code is required but unknown to shequkit: present, empty.
            assert all(row[field] for field in fields - {"postal_code"}), (table, row)
    for (table, field), values in ENUMS.items():
        assert {row[field] for row in tables[table]} <= set(values)
    assert {row["status"] for row in tables["service"]} == {"active"}


def test_package_descriptor_lists_every_file_with_its_fields(
    dataset: shequkit.Dataset, tmp_path: Path
) -> None:
    path = _export(dataset, tmp_path, "hsds")

    with zipfile.ZipFile(path) as archive:
        descriptor = json.loads(archive.read("datapackage.json"))
        members = set(archive.namelist()) - {"datapackage.json"}
        resources = descriptor["resources"]
        assert descriptor["profile"] == "tabular-data-package"
        assert {resource["path"] for resource in resources} == members
        assert {resource["name"]: resource["path"] for resource in resources} == CSV_NAMES
        for resource in resources:
            data = archive.read(resource["path"])
            header = next(csv.reader(io.StringIO(data.decode("utf-8"))))
            fields = [field["name"] for field in resource["schema"]["fields"]]
            assert header == fields, resource["name"]
            assert resource["bytes"] == len(data)
            assert resource["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
            assert resource["encoding"] == "utf-8"
            assert not data.startswith(b"\xef\xbb\xbf")  # no byte-order mark
            assert resource["schema"]["primaryKey"] == "id"
            names = {resource["name"] for resource in resources}
            for key in resource["schema"]["foreignKeys"]:
                assert key["fields"] in fields
                assert key["reference"]["resource"] in names
            declared = {
                field["name"]
                for field in resource["schema"]["fields"]
                if field.get("constraints", {}).get("required")
            }
            must = REQUIRED[resource["name"]] | TABULAR_REQUIRED.get(resource["name"], set())
            # Required fields shequkit cannot fill (address city, province, postal code)
            # are written but not declared required; everything else HSDS requires is.
            assert must - {"city", "state_province", "postal_code"} <= declared


def test_taxonomies_hold_every_code_in_chinese_and_english(
    dataset: shequkit.Dataset, tmp_path: Path
) -> None:
    tables = _tables(_export(dataset, tmp_path, "hsds"))

    taxonomy = next(t for t in tables["taxonomy"] if t["name"] == "shequkit-service-category")
    terms = [t for t in tables["taxonomy_term"] if t["taxonomy_id"] == taxonomy["id"]]
    assert [(t["name"], t["description"]) for t in terms] == [
        (member.label_zh, member.label_en) for member in ServiceCategory
    ]
    codes = [(t["taxonomy_id"], t["code"]) for t in tables["taxonomy_term"]]
    assert len(codes) == len(set(codes))
    categories = {t["id"]: t["name"] for t in terms}
    service_ids = {row["id"]: row for row in tables["service"]}
    linked = [a for a in tables["attribute"] if a["taxonomy_term_id"] in categories]
    assert len(linked) == len(dataset.services)
    assert {a["link_id"] for a in linked} == set(service_ids)


# -- the JSON export -----------------------------------------------------------------


def test_json_is_a_page_of_nested_services_valid_for_hsds_3_0(
    dataset: shequkit.Dataset, tmp_path: Path
) -> None:
    document = json.loads(_export(dataset, tmp_path, "hsds-json").read_text("utf-8"))

    validator = jsonschema.Draft202012Validator(
        PAGE_SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    errors = sorted(validator.iter_errors(document), key=lambda error: list(error.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])
    services = document["contents"]
    assert document["total_items"] == document["size"] == len(services) == len(dataset.services)
    for service in services:
        assert service["organization"]["id"] == service["organization_id"]
        for link in service.get("service_at_locations", []):
            assert link["service_id"] == service["id"]
            assert link["location"]["id"] == link["location_id"]
    # No null values: HSDS JSON leaves absent optional fields out.
    assert all(value is not None for obj in _walk(document) for value in obj.values())


def test_json_and_package_describe_the_same_objects(
    dataset: shequkit.Dataset, tmp_path: Path
) -> None:
    tables = _tables(_export(dataset, tmp_path, "hsds"))
    document = json.loads(_export(dataset, tmp_path, "hsds-json").read_text("utf-8"))

    services = document["contents"]
    assert [s["id"] for s in services] == [row["id"] for row in tables["service"]]
    organizations = {s["organization"]["id"] for s in services}
    locations = {
        link["location"]["id"] for s in services for link in s.get("service_at_locations", [])
    }
    assert organizations == {row["organization_id"] for row in tables["service"]}
    assert locations == {row["location_id"] for row in tables["service_at_location"]}
    by_id = {row["id"]: row for row in tables["location"]}
    for service in services:
        for link in service.get("service_at_locations", []):
            location = link["location"]
            assert location["name"] == by_id[location["id"]]["name"]
            assert float(by_id[location["id"]]["latitude"]) == location["latitude"]


def test_exported_text_keeps_chinese(dataset: shequkit.Dataset, tmp_path: Path) -> None:
    data = _export(dataset, tmp_path, "hsds-json").read_bytes()

    assert "便民利民".encode() in data
    assert dataset.services[0].name.encode() in data
    assert b"\\u" not in data


# -- identifiers and determinism -----------------------------------------------------


def test_exports_are_byte_identical(dataset: shequkit.Dataset, tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()

    for format in ("hsds", "hsds-json"):
        first = _export(dataset, tmp_path / "a", format)
        again = _export(dataset, tmp_path / "b", format)

        assert first.read_bytes() == again.read_bytes(), format


def test_ids_are_uuid5_of_kind_division_code_and_shequkit_id(
    dataset: shequkit.Dataset, tmp_path: Path
) -> None:
    tables = _tables(_export(dataset, tmp_path, "hsds"))

    namespace = uuid.uuid5(uuid.NAMESPACE_URL, "urn:shequkit:hsds")
    assert namespace == shequkit_hsds.NAMESPACE
    community = {c.id: c for c in dataset.communities}
    org = dataset.organisations[1]
    expected = uuid.uuid5(
        namespace, f"organisation:{community[org.community_id].division_code}:{org.id}"
    )
    row = next(row for row in tables["organization"] if row["name"] == org.name)
    assert row["id"] == str(expected)
    service = dataset.services[0]
    expected = uuid.uuid5(
        namespace, f"service:{community[service.community_id].division_code}:{service.id}"
    )
    assert tables["service"][0]["id"] == str(expected)


def test_ids_do_not_depend_on_record_order(dataset: shequkit.Dataset, tmp_path: Path) -> None:
    records: list[Record] = [record for _, record in dataset.records()]
    forward, backward = tmp_path / "forward.zip", tmp_path / "backward.zip"

    shequkit.write_records(forward, dataset.meta, records, format="hsds")
    shequkit.write_records(backward, dataset.meta, reversed(records), format="hsds")

    for name, rows in _tables(forward).items():
        assert {row["id"] for row in rows} == {row["id"] for row in _tables(backward)[name]}


# -- personal data ---------------------------------------------------------------------


def test_no_personal_data_is_exported(dataset: shequkit.Dataset, tmp_path: Path) -> None:
    preparer = "欧阳明轩"
    meta = attrs.evolve(dataset.meta, prepared_by=shequkit.PersonName(preparer))
    data = attrs.evolve(dataset, meta=meta)
    secrets = {preparer}
    for person in dataset.staff:
        secrets.add(str(person.name))
        secrets.update(str(value) for value in (person.phone, person.id_number) if value)
    for team in dataset.volunteer_teams:
        if team.leader_name is not None:
            secrets.add(str(team.leader_name))
    assert len(secrets) > 2 * len(dataset.staff)  # the sample has phones and ID numbers

    package = _export(data, tmp_path, "hsds")
    with zipfile.ZipFile(package) as archive:
        texts = [archive.read(name).decode("utf-8") for name in archive.namelist()]
    texts.append(_export(data, tmp_path, "hsds-json").read_text("utf-8"))

    leaked = {secret for secret in secrets for text in texts if secret in text}
    assert not leaked


# -- export only ---------------------------------------------------------------------


@pytest.mark.parametrize("format", ["hsds", "hsds-json"])
def test_reading_an_hsds_file_is_refused(
    dataset: shequkit.Dataset, tmp_path: Path, format: str
) -> None:
    path = _export(dataset, tmp_path, format)

    with pytest.raises(shequkit.UsageError) as refused:
        shequkit.load(path, format=format)

    assert refused.value.code == "SQK-U113"
    assert "export-only" in refused.value.message_en
    assert "只能导出" in refused.value.message_zh


def test_a_failed_export_leaves_the_previous_file(
    dataset: shequkit.Dataset, tmp_path: Path
) -> None:
    target = tmp_path / "out.zip"
    target.write_bytes(b"previous")

    def broken() -> Iterator[Record]:
        yield dataset.services[0]
        raise RuntimeError("source failed")

    with pytest.raises(RuntimeError):
        shequkit.write_records(target, dataset.meta, broken(), format="hsds")

    assert target.read_bytes() == b"previous"
    assert [path.name for path in tmp_path.iterdir()] == ["out.zip"]


def test_convert_on_the_command_line(dataset: shequkit.Dataset, tmp_path: Path) -> None:
    source = tmp_path / "data.json"
    shequkit.dump(dataset, source)

    result = CliRunner().invoke(
        cli, ["convert", str(source), str(tmp_path / "out.json"), "--to", "hsds-json"]
    )

    assert result.exit_code == 0, result.output
    document = json.loads((tmp_path / "out.json").read_text("utf-8"))
    assert document["total_items"] == len(dataset.services)


# -- providers ----------------------------------------------------------------------


def test_a_service_without_provider_is_run_by_the_residents_committee(
    dataset: shequkit.Dataset, tmp_path: Path
) -> None:
    service = attrs.evolve(dataset.services[4], provider_id=None)
    data = attrs.evolve(dataset, services=(service, *dataset.services[5:]))

    tables = _tables(_export(data, tmp_path, "hsds"))

    committee = next(
        org
        for org in dataset.organisations
        if org.community_id == service.community_id
        and org.type is OrganisationType.RESIDENTS_COMMITTEE
    )
    names = {row["id"]: row["name"] for row in tables["organization"]}
    assert names[tables["service"][0]["organization_id"]] == committee.name
    assert len(tables["organization"]) == len(dataset.organisations)


def test_a_community_without_committee_gets_one_for_its_services(
    dataset: shequkit.Dataset, tmp_path: Path
) -> None:
    community = dataset.communities[0]
    organisations = tuple(
        org
        for org in dataset.organisations
        if org.community_id != community.id or org.type is not OrganisationType.RESIDENTS_COMMITTEE
    )
    services = tuple(
        attrs.evolve(s, provider_id=None) if s.community_id == community.id else s
        for s in dataset.services
    )
    data = attrs.evolve(dataset, organisations=organisations, services=services)

    tables = _tables(_export(data, tmp_path, "hsds"))

    added = [row for row in tables["organization"] if row["name"] == f"{community.name}居民委员会"]
    assert len(added) == 1
    assert len(tables["organization"]) == len(organisations) + 1
    own = [s for s in services if s.community_id == community.id]
    assert sum(row["organization_id"] == added[0]["id"] for row in tables["service"]) == len(own)
