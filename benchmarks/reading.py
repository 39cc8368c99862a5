"""Reading files: shequkit's readers against the usual Python tools, on the same files.

* XML: shequkit's hardened streaming reader against xmlschema decoding the
  document with the checked-in XSD, and against a bare ``lxml.etree.iterparse``
  loop that turns each record into a ``{tag: text}`` dict and clears it (the
  least any Python XML reader can do: the limit).
* XLSX: shequkit (python-calamine) against openpyxl in read-only mode turning
  every row of every sheet into a ``{header: value}`` dict.
* CSV: shequkit reading a GB18030 ``communities.csv`` (encoding detected, cells
  converted to wire values) against the standard ``csv`` module reading the
  same file with the encoding given and making a ``{header: text}`` dict per row
  (the limit: no detection, no conversion).

All files are written by shequkit from the same ``shequkit.sample`` records;
the figures are raw records read per second, validation off.
"""

from __future__ import annotations

import csv
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import shequkit
from benchmarks._common import SCHEMAS, Result, Suite, best_rates
from shequkit.formats import ReadOptions
from shequkit.formats._csv import Gb18030CsvCodec
from shequkit.formats._xlsx import XlsxCodec
from shequkit.formats._xml import XmlCodec
from shequkit.sample import SampleSpec, generate_sample

__all__ = ["run"]


def _count(iterator: Any) -> int:
    return sum(1 for _ in iterator)


def run(
    xml_communities: int = 300,
    xlsx_communities: int = 300,
    csv_communities: int = 40_000,
    repeat: int = 5,
) -> Suite:
    """Measure the three readers against their peers."""
    suite = Suite("Reading files")
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        suite.results.append(_xml(directory, xml_communities, repeat, suite))
        suite.results.append(_xlsx(directory, xlsx_communities, repeat, suite))
        suite.results.append(_csv(directory, csv_communities, repeat, suite))
    return suite


def _sample_file(directory: Path, communities: int, suffix: str, fmt: str | None = None) -> Path:
    path = directory / f"sample-{communities}{suffix}"
    shequkit.dump(generate_sample(SampleSpec(communities=communities, seed=5)), path, format=fmt)
    return path


def _xml(directory: Path, communities: int, repeat: int, suite: Suite) -> list[Result] | Any:
    import xmlschema
    from lxml import etree

    path = _sample_file(directory, communities, ".xml")
    options = ReadOptions()
    records = _count(XmlCodec().read(path, options)) - 1  # less the metadata
    record_tags = [kind.name for kind in shequkit.RECORD_KINDS]

    def bare() -> int:
        count = 0
        for _, element in etree.iterparse(str(path), events=("end",), tag=record_tags):
            parent = element.getparent()
            grandparent = parent.getparent() if parent is not None else None
            if grandparent is None or grandparent.getparent() is not None:
                continue  # a collection named like its records (<staff>, <funding>)
            _ = {child.tag: child.text for child in element}
            element.clear()
            while element.getprevious() is not None:
                del element.getparent()[0]
            count += 1
        return count

    assert bare() == records
    schema = xmlschema.XMLSchema(str(SCHEMAS / "shequkit-1.0.xsd"))
    assert schema.is_valid(str(path))
    rates = best_rates(
        repeat,
        {
            "ours": (records, lambda: _count(XmlCodec().read(path, options))),
            "bare": (records, bare),
            "xmlschema": (records, lambda: schema.to_dict(str(path))),
        },
    )
    ours, limit, peer = rates["ours"], rates["bare"], rates["xmlschema"]
    size = path.stat().st_size / 2**20
    suite.notes.append(
        f"XML: {records:,} records ({size:.1f} MB) from a sample of {communities} communities."
        " xmlschema decodes the whole document to dicts (`XMLSchema.to_dict`)."
    )
    return [
        Result(suite.name, "XML records/s", "records/s", ours, "xmlschema", peer, 10.0),
        Result(suite.name, "XML records/s", "records/s", ours, "bare lxml iterparse", limit, 0.5),
    ]


def _xlsx(directory: Path, communities: int, repeat: int, suite: Suite) -> Result:
    import openpyxl

    path = _sample_file(directory, communities, ".xlsx")
    options = ReadOptions()
    records = _count(XlsxCodec().read(path, options)) - 1

    def peer_read() -> int:
        count = 0
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            for sheet in workbook.worksheets[1:]:  # the first sheet holds the metadata
                rows = sheet.iter_rows(values_only=True)
                header = next(rows, None) or ()
                for row in rows:
                    _ = {h: v for h, v in zip(header, row, strict=False) if v is not None}
                    count += 1
        finally:
            workbook.close()
        return count

    assert peer_read() == records, (peer_read(), records)
    rates = best_rates(
        repeat,
        {
            "ours": (records, lambda: _count(XlsxCodec().read(path, options))),
            "openpyxl": (records, peer_read),
        },
    )
    ours, peer = rates["ours"], rates["openpyxl"]
    suite.notes.append(
        f"XLSX: {records:,} records in {path.stat().st_size / 2**20:.1f} MB, one sheet per"
        f" kind, from a sample of {communities} communities."
    )
    return Result(suite.name, "XLSX records/s", "records/s", ours, "openpyxl read-only", peer, 8.0)


def _csv(directory: Path, communities: int, repeat: int, suite: Suite) -> Result:
    package = directory / "gb18030.zip"
    dataset = generate_sample(SampleSpec(communities=communities, seed=9))
    Gb18030CsvCodec().write(package, dataset.meta, dataset.communities)
    with zipfile.ZipFile(package) as archive:
        archive.extractall(directory)
    path = directory / "communities.csv"
    assert not path.read_bytes().startswith(b"\xef\xbb\xbf")  # GB18030, no marker
    options = ReadOptions()
    codec = Gb18030CsvCodec()
    rows = _count(codec.read(path, options)) - 1

    def stdlib() -> int:
        with path.open(encoding="gb18030", newline="") as stream:
            reader = csv.reader(stream)
            header = next(reader)
            return sum(
                1 for row in reader if {h: c for h, c in zip(header, row, strict=False) if c}
            )

    assert stdlib() == rows
    rates = best_rates(
        repeat, {"ours": (rows, lambda: _count(codec.read(path, options))), "csv": (rows, stdlib)}
    )
    ours, limit = rates["ours"], rates["csv"]
    suite.notes.append(
        f"CSV: `communities.csv` of {rows:,} rows, {path.stat().st_size / 2**20:.1f} MB in"
        " GB18030 (as older Excel on Chinese Windows saves it)."
    )
    return Result(
        suite.name, "CSV rows/s, GB18030", "rows/s", ours, "csv module (the limit)", limit
    )
