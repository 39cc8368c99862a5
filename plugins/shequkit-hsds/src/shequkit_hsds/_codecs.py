"""The two export formats: ``hsds-json`` (nested services) and ``hsds`` (tabular data package).

Both are export-only and claim no file extension (``.json`` and ``.zip``
belong to shequkit's own JSON and CSV formats): name them explicitly, as in
``shequkit convert data.json directory.json --to hsds-json``.

Output is deterministic — the same records give byte-identical files — and
written atomically: a failed export leaves any previous file untouched.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, ClassVar, Final

from shequkit import UsageError
from shequkit._atomic import atomic_write
from shequkit.formats import RawRecord, ReadOptions, neutralise
from shequkit.model import Metadata, Record
from shequkit_hsds._mapping import Directory, Row, build_directory
from shequkit_hsds._tables import TABLES, Field, Table

__all__ = ["EXPORT_ONLY", "HSDS_VERSION", "HsdsJsonCodec", "HsdsPackageCodec"]

HSDS_VERSION: Final = "3.0"
EXPORT_ONLY: Final = "SQK-U113"
"""The code of the ``UsageError`` raised when an HSDS file is given to a reader."""

DESCRIPTOR: Final = "datapackage.json"
# Zip entries carry a timestamp and the creating OS: fixed, so that packages
# made at different times or on different systems are byte-identical.
_ZIP_EPOCH: Final = (1980, 1, 1, 0, 0, 0)
_ZIP_UNIX: Final = 3
_ZIP_FILE_MODE: Final = 0o100644 << 16


def _refuse(name: str) -> UsageError:
    return UsageError(
        f"{name} 格式只能导出,不能读入;请读取原始的 shequkit 文件",
        f"the {name} format is export-only and cannot be read; read the original shequkit file",
        code=EXPORT_ONLY,
        format=name,
    )


class HsdsJsonCodec:
    """Writes the HSDS 3.0 API's ``/services`` response: one page of fully nested services.

    Each item of ``contents`` is a service as HSDS 3.0's ``compiled/service.json``
    defines it, with its organization, service areas, locations (through
    ``service_at_locations``, with addresses) and attributes (with taxonomy
    terms) nested. Organizations that provide no service and facilities that
    host none have no place in this service-centred view; the ``hsds`` package
    holds them all.
    """

    name: ClassVar[str] = "hsds-json"
    media_type: ClassVar[str] = "application/json"
    extensions: ClassVar[tuple[str, ...]] = ()
    streams: ClassVar[bool] = False
    can_read: ClassVar[bool] = False
    can_write: ClassVar[bool] = True

    def read(self, path: Path, options: ReadOptions) -> Iterator[RawRecord]:
        """Refuse: HSDS JSON is an export format.

        Raises:
            UsageError: ``SQK-U113`` always.
        """
        raise _refuse(self.name)

    def write(self, path: Path, meta: Metadata, records: Iterable[Record]) -> int:
        """Write the page of nested services atomically; return the records exported.

        The count is of the organisations, facilities and services mapped (the
        other records are not exported).
        """
        directory = build_directory(records)
        page = services_page(directory)
        contents = page.pop("contents")
        with atomic_write(path) as out:
            # One service per line: compact, yet readable and diffable line by line.
            out.write(_dumps(page)[:-1] + b', "contents": [')
            for number, service in enumerate(contents):
                out.write(b"\n" if number == 0 else b",\n")
                out.write(_dumps(service))
            out.write(b"\n]}\n" if contents else b"]}\n")
        return directory.exported


class HsdsPackageCodec:
    """Writes an HSDS 3.0 tabular data package: a zip of one CSV per table and ``datapackage.json``.

    The CSV files are UTF-8 (no byte-order mark), comma-separated, with CRLF
    line ends and a header row of HSDS field names. ``datapackage.json`` is a
    Frictionless Tabular Data Package descriptor listing every file with its
    fields, primary key, foreign keys, size and SHA-256 hash.
    """

    name: ClassVar[str] = "hsds"
    media_type: ClassVar[str] = "application/zip"
    extensions: ClassVar[tuple[str, ...]] = ()
    streams: ClassVar[bool] = False
    can_read: ClassVar[bool] = False
    can_write: ClassVar[bool] = True

    def read(self, path: Path, options: ReadOptions) -> Iterator[RawRecord]:
        """Refuse: an HSDS package is an export format.

        Raises:
            UsageError: ``SQK-U113`` always.
        """
        raise _refuse(self.name)

    def write(self, path: Path, meta: Metadata, records: Iterable[Record]) -> int:
        """Write the package atomically; return the records exported (as ``hsds-json`` does)."""
        directory = build_directory(records)
        files = {table.path: csv_bytes(table, directory.tables[table.name]) for table in TABLES}
        descriptor = json.dumps(package_descriptor(meta, files), ensure_ascii=False, indent=2)
        with atomic_write(path) as out, zipfile.ZipFile(out, "w") as archive:
            _add(archive, DESCRIPTOR, descriptor.encode("utf-8") + b"\n")
            for name, data in files.items():
                _add(archive, name, data)
        return directory.exported


def _add(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=_ZIP_EPOCH)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = _ZIP_UNIX
    info.external_attr = _ZIP_FILE_MODE
    archive.writestr(info, data, compresslevel=6)


# -- CSV -------------------------------------------------------------------------------


def csv_bytes(table: Table, rows: list[Row]) -> bytes:
    """The CSV file of ``table``: a header of its field names, then one line per row."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(table.field_names)
    for row in rows:
        writer.writerow([_cell(row.get(name)) for name in table.field_names])
    return buffer.getvalue().encode("utf-8")


def _cell(value: object) -> str:
    # People double-click CSV files into spreadsheets: text that could start a formula
    # gets the same leading ' as shequkit's own CSV (numbers are never touched).
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        return neutralise(value)
    return str(value)


def package_descriptor(meta: Metadata, files: dict[str, bytes]) -> dict[str, Any]:
    """The ``datapackage.json`` of a package whose CSV files are ``files`` (path to bytes)."""
    title = meta.title or f"{meta.reporting_unit} {meta.period}"
    descriptor: dict[str, Any] = {
        "profile": "tabular-data-package",
        "name": "human_services_data",
        "title": title,
        "description": (
            f"{meta.reporting_unit} {meta.period} 社区服务目录,按 Open Referral HSDS {HSDS_VERSION}"
            f" 导出 / community service directory in Open Referral HSDS {HSDS_VERSION},"
            " exported by shequkit-hsds"
        ),
        "keywords": ["HSDS", "Open Referral", "社区服务", "community services"],
        "contributors": [{"title": meta.reporting_unit, "role": "publisher"}],
        "hsds_version": HSDS_VERSION,
        "shequkit": {
            "schema_version": meta.schema_version,
            "reporting_unit": meta.reporting_unit,
            "reporting_division": meta.reporting_division,
            "period": meta.period,
        },
        "resources": [_resource(table, files[table.path]) for table in TABLES],
    }
    if meta.source:
        descriptor["sources"] = [{"title": meta.source}]
    # Deliberately not described: meta.prepared_by, the person who filled the return.
    return descriptor


def _resource(table: Table, data: bytes) -> dict[str, Any]:
    foreign_keys = [
        {"fields": field.name, "reference": {"resource": field.references, "fields": "id"}}
        for field in table.fields
        if field.references is not None
    ]
    return {
        "name": table.name,
        "path": table.path,
        "description": table.description,
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "bytes": len(data),
        "hash": f"sha256:{hashlib.sha256(data).hexdigest()}",
        "schema": {
            "fields": [_field(field) for field in table.fields],
            "primaryKey": "id",
            "foreignKeys": foreign_keys,
        },
    }


def _field(field: Field) -> dict[str, Any]:
    described: dict[str, Any] = {"name": field.name, "type": field.type}
    if field.uuid:
        described["format"] = "uuid"
    described["description"] = field.description
    constraints: dict[str, bool] = {}
    if field.required:
        constraints["required"] = True
    if field.name == "id":
        constraints["unique"] = True
    if constraints:
        described["constraints"] = constraints
    return described


# -- JSON ------------------------------------------------------------------------------


def services_page(directory: Directory) -> dict[str, Any]:
    """The whole export as one page of the HSDS API's ``/services?full=true`` response."""
    nest = _Nester(directory)
    contents = [nest.service(row) for row in directory.tables["service"]]
    return {
        "total_items": len(contents),
        "total_pages": 1,
        "page_number": 1,
        "size": len(contents),
        "first_page": True,
        "last_page": True,
        "empty": not contents,
        "contents": contents,
    }


def _present(row: Row) -> dict[str, Any]:
    # HSDS JSON leaves absent optional values out rather than writing null.
    return {key: value for key, value in row.items() if value is not None}


def _group(rows: list[Row], key: str) -> dict[Any, list[Row]]:
    grouped: dict[Any, list[Row]] = {}
    for row in rows:
        grouped.setdefault(row[key], []).append(row)
    return grouped


class _Nester:
    """Builds nested HSDS objects from the flat rows, following the foreign keys."""

    def __init__(self, directory: Directory) -> None:
        tables = directory.tables
        self.organizations = {row["id"]: row for row in tables["organization"]}
        self.locations = {row["id"]: row for row in tables["location"]}
        self.terms = {row["id"]: row for row in tables["taxonomy_term"]}
        self.identifiers = _group(tables["organization_identifier"], "organization_id")
        self.areas = _group(tables["service_area"], "service_id")
        self.addresses = _group(tables["address"], "location_id")
        self.links = _group(tables["service_at_location"], "service_id")
        self.attributes = _group(tables["attribute"], "link_id")

    def service(self, row: Row) -> dict[str, Any]:
        """A service with everything about it nested (HSDS ``compiled/service.json``)."""
        service = _present(row)
        service["organization"] = self.organization(row["organization_id"])
        _put(service, "service_areas", [_present(a) for a in self.areas.get(row["id"], [])])
        _put(
            service,
            "service_at_locations",
            [self.service_at_location(link) for link in self.links.get(row["id"], [])],
        )
        _put(service, "attributes", self.attributes_of(row["id"]))
        return service

    def organization(self, organization_id: Any) -> dict[str, Any]:
        organization = _present(self.organizations[organization_id])
        identifiers = self.identifiers.get(organization_id, [])
        _put(organization, "organization_identifiers", [_present(i) for i in identifiers])
        _put(organization, "attributes", self.attributes_of(organization_id))
        return organization

    def service_at_location(self, link: Row) -> dict[str, Any]:
        nested = _present(link)
        location = _present(self.locations[link["location_id"]])
        addresses = self.addresses.get(link["location_id"], [])
        _put(location, "addresses", [_present(address) for address in addresses])
        _put(location, "attributes", self.attributes_of(link["location_id"]))
        nested["location"] = location
        return nested

    def attributes_of(self, link_id: Any) -> list[dict[str, Any]]:
        attributes = []
        for row in self.attributes.get(link_id, []):
            attribute = _present(row)
            # The term names its taxonomy; the taxonomy's own record is left to the
            # package rather than repeated in every attribute of every service.
            attribute["taxonomy_term"] = _present(self.terms[row["taxonomy_term_id"]])
            attributes.append(attribute)
        return attributes


def _dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": ")).encode("utf-8")


def _put(target: dict[str, Any], key: str, items: list[dict[str, Any]]) -> None:
    if items:
        target[key] = items
