"""Spreadsheet formula injection (CSV/XLSX injection, OWASP) across every writer.

Text starting with ``= + - @``, a tab or a carriage return is run as a formula
when a spreadsheet opens the file. Each writer is given records whose text
fields hold such payloads and the written file is inspected as a spreadsheet
program would see it:

* CSV packages: the cell carries a leading ``'`` (and text already starting
  with ``'`` one more), and shequkit reads the original text back;
* XLSX workbooks and the provincial returns: no cell is a formula, every text
  cell starting with a formula character is a string with Excel's quote-prefix
  style, and shequkit reads the original text back (no visible ``'``);
* JSON, JSONL, XML, HSDS JSON: not spreadsheet formats, the text is kept exactly;
* the HSDS tabular package writes text as is, by the plugin's documented
  decision (an interchange file for HSDS tools; see docs/security.md).
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

import shequkit
from documents import valid_document
from shequkit.formats import ReadOptions

LEADS = ("=", "+", "-", "@", "\t", "\r")
PAYLOADS = [
    "=1+2",
    "+1",
    "-1",
    "@SUM(A1:A2)",
    "\t=1+2",
    "\r=1+2",
    '=HYPERLINK("http://127.0.0.1/","点我")',
    "=cmd|' /C calc'!A0",
    "'quoted already",
    "''twice",
    "plain text",
]
WRITERS = {
    "csv": ".zip",
    "csv-gb18030": ".zip",
    "xlsx": ".xlsx",
    "jiangsu-return": ".xlsx",
    "shandong-return": ".xlsx",
    "hubei-return": ".xlsx",
    "hsds": ".zip",
    "hsds-json": ".json",
    "json": ".json",
    "jsonl": ".jsonl",
    "xml": ".xml",
}
WORKBOOKS = {"xlsx", "jiangsu-return", "shandong-return", "hubei-return"}
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _document(payload: str) -> dict[str, Any]:
    """The valid test document with ``payload`` in every free-text field a writer may show."""
    document = valid_document()
    document["meta"]["reporting_unit"] = payload
    document["communities"][0]["name"] = payload
    document["communities"][0]["address"] = payload
    document["organisations"][3]["name"] = payload  # a social organisation: exported to HSDS
    document["facilities"][0]["name"] = payload
    document["services"][0]["name"] = payload
    return document


def _written(tmp_path: Path, writer: str, payload: str) -> Path:
    source = tmp_path / "source.json"
    source.write_text(json.dumps(_document(payload), ensure_ascii=False), encoding="utf-8")
    target = tmp_path / f"out-{writer}{WRITERS[writer]}"
    shequkit.convert(source, target, to_format=writer)
    return target


def _csv_cells(path: Path, encoding: str) -> list[str]:
    cells: list[str] = []
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.endswith(".csv"):
                text = archive.read(name).decode(encoding)
                cells += [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]
    return cells


def _workbook_cells(path: Path) -> list[tuple[str, bool, str]]:
    """Every text cell as (text, quote-prefixed, data type), as openpyxl loads the file."""
    cells: list[tuple[str, bool, str]] = []
    workbook = openpyxl.load_workbook(path)
    try:
        for sheet in workbook.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if isinstance(cell.value, str):
                        text = _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), cell.value)
                        cells.append((text, bool(cell.quotePrefix), cell.data_type))
    finally:
        workbook.close()
    return cells


def _read_back(path: Path, writer: str) -> tuple[dict[str, Any], list[Any]]:
    """The metadata and the records of a written file, read by shequkit."""
    format = "csv" if writer == "csv-gb18030" else writer
    raws = list(shequkit.Toolkit().read(path, format=format, options=ReadOptions()))
    meta = next(raw.data for raw in raws if raw.kind == "meta")
    return meta, [raw for raw in raws if raw.kind != "meta"]


@pytest.mark.parametrize("payload", PAYLOADS, ids=repr)
@pytest.mark.parametrize("writer", list(WRITERS))
def test_every_writer_keeps_formula_text_inert_and_reads_it_back(
    tmp_path: Path, writer: str, payload: str
) -> None:
    path = _written(tmp_path, writer, payload)
    dangerous = payload.startswith((*LEADS, "'"))

    if writer in ("csv", "csv-gb18030"):
        cells = _csv_cells(path, "utf-8-sig" if writer == "csv" else "gb18030")
        expected = "'" + payload if dangerous else payload
        assert expected in cells
        assert not [cell for cell in cells if cell.startswith(LEADS) and cell == payload]
    elif writer in WORKBOOKS:
        cells = _workbook_cells(path)
        assert payload in [text for text, _, _ in cells]
        assert all(kind != "f" for _, _, kind in cells)  # no formula anywhere
        assert all(quoted for text, quoted, _ in cells if text.startswith(LEADS))
    elif writer == "hsds":
        cells = _csv_cells(path, "utf-8")
        assert ("'" + payload if dangerous else payload) in cells
    elif writer == "hsds-json":
        assert payload in _strings(json.loads(path.read_text(encoding="utf-8")))

    if writer.startswith("hsds"):
        return  # export-only formats: nothing reads them back
    meta, records = _read_back(path, writer)
    community = next(raw.data for raw in records if raw.kind == "community")
    assert community["name"] == payload
    assert meta.get("reporting_unit") == payload
    if writer not in WORKBOOKS - {"xlsx"}:  # a provincial return holds communities only
        names = [raw.data.get("name") for raw in records if raw.kind in ("facility", "service")]
        assert names.count(payload) == 2


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else []
    return [text for item in items for text in _strings(item)]


def test_a_hand_typed_apostrophe_in_a_csv_cell_is_taken_as_the_neutraliser(
    tmp_path: Path,
) -> None:
    # Documented consequence of the scheme: a CSV not written by shequkit whose text
    # starts with ' loses that one apostrophe, exactly as Excel hides it on display.
    path = tmp_path / "communities.csv"
    path.write_text("id,name\r\nc1,'龙潭社区\r\nc2,''=1\r\n", encoding="utf-8")

    names = [raw.data["name"] for raw in shequkit.Toolkit().read(path) if raw.kind == "community"]

    assert names == ["龙潭社区", "'=1"]
