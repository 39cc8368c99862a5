"""Personal data never leaks: the demo's console and outputs, and validation of bad values.

``shequkit demo`` is run as a user runs it. Its stdout and stderr and every
file it writes — whatever files the demo writes now or later — are scanned for
the resident ID numbers and phone numbers of the sample, unmasked, and for
anything that looks like one (an 18-character ID whose check character and
birth date are right, an 11-digit mobile number). The data stores hold
personal data by purpose and are the only exception: dataset files (they read
as a dataset with staff records) and SQLite databases (the sync state and the
sandbox's store).

Then a file full of broken ID numbers and phones is validated with every
logger recording: no log record, report rendering, exception or console line
shows one of them unmasked unless ``--show-sensitive`` asks for it.
"""

from __future__ import annotations

import datetime
import json
import logging
import re
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest
from click.testing import CliRunner

import shequkit
from documents import valid_document
from shequkit._masking import SENSITIVE
from shequkit.cli import cli
from shequkit.codes import resident_id_check_char
from shequkit.model import RECORD_KINDS, kind_by_name
from shequkit.sample import SampleSpec, iter_sample

DEMO_COMMUNITIES = 20
DEMO_SEED = 2024  # the seed ``shequkit demo`` samples with
PROVINCE = "32"
_ID_LIKE = re.compile(r"(?<![0-9A-Za-z])([1-9]\d{16}[\dXx])(?![0-9A-Za-z])")
_MOBILE_LIKE = re.compile(r"(?<![0-9A-Za-z])(1[3-9]\d{9})(?![0-9A-Za-z])")
_PERSONAL_KINDS = frozenset(
    kind.name
    for kind in RECORD_KINDS
    if any(field.metadata.get(SENSITIVE) for field in attrs.fields(kind.cls))
)


def _codes_of(record: Any) -> Iterator[str]:
    """The raw ID numbers and phone numbers a record holds (names are not scanned)."""
    for field in attrs.fields(type(record)):
        value = getattr(record, field.name)
        if field.metadata.get(SENSITIVE) and type(value).__name__ in ("ResidentID", "PhoneNumber"):
            text = str(value)
            yield text
            yield re.sub(r"\D", "", text)  # a phone written without separators


def _sample_codes() -> set[str]:
    spec = SampleSpec(communities=DEMO_COMMUNITIES, seed=DEMO_SEED, province=PROVINCE)
    return {code for _, record in iter_sample(spec) for code in _codes_of(record)}


def looks_like_a_resident_id(text: str) -> bool:
    """An 18-character number with a right check character and a real birth date."""
    try:
        datetime.date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        return False
    return resident_id_check_char(text[:17]) == text[17].upper()


def leaks(text: str, codes: set[str]) -> list[str]:
    """The unmasked personal values in ``text``: known ones, and look-alikes."""
    found = [code for code in codes if len(code) >= 7 and code in text]
    found += [m for m in _ID_LIKE.findall(text) if looks_like_a_resident_id(m)]
    found += _MOBILE_LIKE.findall(text)
    return sorted(set(found))


def _texts(path: Path) -> Iterator[tuple[str, str]]:
    """(where, text) for every piece of text in an output file, XLSX cells included."""
    data = path.read_bytes()
    if data.startswith(b"PK\x03\x04"):
        if path.suffix.lower() == ".xlsx":
            yield from _workbook_texts(path)
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                yield f"{path.name}!{info.filename}", _decoded(archive.read(info))
        return
    yield path.name, _decoded(data)


def _decoded(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")  # binary: its ASCII digits still show


def _workbook_texts(path: Path) -> Iterator[tuple[str, str]]:
    import python_calamine

    workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    with workbook:
        for name in workbook.sheet_names:
            rows = workbook.get_sheet_by_name(name).to_python()
            cells = "\n".join("\t".join(str(cell) for cell in row) for row in rows)
            yield f"{path.name}!{name}", cells


def _is_data_store(path: Path) -> bool:
    """A SQLite database: the sync state or the sandbox's store, data by purpose."""
    with path.open("rb") as stream:
        return stream.read(16) == b"SQLite format 3\x00"


def _is_dataset(path: Path) -> bool:
    """Whether ``path`` is a dataset (it reads as one, with personal records): data by purpose."""
    try:
        kinds = {raw.kind for raw in shequkit.Toolkit().read(path)}
    except (shequkit.ShequkitError, OSError):
        return False
    return "meta" in kinds and bool(kinds & _PERSONAL_KINDS)


def _dataset_codes(path: Path) -> set[str]:
    codes: set[str] = set()
    for raw in shequkit.Toolkit().read(path):
        kind = kind_by_name(raw.kind)
        if kind is not None and raw.kind in _PERSONAL_KINDS and type(raw.data) is dict:
            for field in attrs.fields(kind.cls):
                value = raw.data.get(field.name)
                if field.metadata.get(SENSITIVE) and field.name != "name" and type(value) is str:
                    codes |= {value, re.sub(r"\D", "", value)}
    return codes


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    out = tmp_path_factory.mktemp("demo") / "out"
    completed = subprocess.run(
        [sys.executable, "-m", "shequkit", "demo", "--out", str(out), "-n", str(DEMO_COMMUNITIES)],
        capture_output=True,
        text=True,
        timeout=900,
        cwd=out.parent,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    return out, completed


def test_the_demo_shows_and_writes_no_unmasked_id_number_or_phone(
    demo: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    out, completed = demo
    files = sorted(path for path in out.rglob("*") if path.is_file())
    datasets = [path for path in files if _is_dataset(path)]
    codes = _sample_codes().union(*(_dataset_codes(path) for path in datasets))

    stores = [path for path in files if _is_data_store(path)]
    found = {
        where: leaks(text, codes)
        for path in files
        if path not in datasets and path not in stores
        for where, text in _texts(path)
    }
    found["stdout"] = leaks(completed.stdout, codes)
    found["stderr"] = leaks(completed.stderr, codes)

    assert {where: values for where, values in found.items() if values} == {}
    # The scan has something to find: the sample's values are in the dataset, raw.
    assert datasets
    assert any(leaks(text, codes) for path in datasets for _, text in _texts(path))


def test_the_demo_dataset_holds_the_seeded_sample(
    demo: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    out, _ = demo
    datasets = [path for path in sorted(out.rglob("*")) if path.is_file() and _is_dataset(path)]

    assert _sample_codes() <= set().union(*(_dataset_codes(path) for path in datasets))


# -- validating bad values: logs, reports, exceptions, console -------------------------------------

BAD_IDS = [
    "320102198001010012",  # wrong check character
    "32010219801301001X",  # month 13
    "3201021980010100",  # too short
    "32010219800101001234",  # too long
    "9901021980010100AB",  # letters
]
BAD_PHONES = ["1381234567", "138123456789", "23812345678", "025-8456", "138-1234-56789"]


def _bad_file(tmp_path: Path) -> Path:
    document = valid_document()
    template = document["staff"][0]
    document["staff"] = [
        {**template, "id": f"bad{n}", "id_number": id_number, "phone": phone}
        for n, (id_number, phone) in enumerate(zip(BAD_IDS, BAD_PHONES, strict=True))
    ]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def _raw_in(text: str) -> list[str]:
    return [value for value in BAD_IDS + BAD_PHONES if value in text]


def test_validating_bad_ids_and_phones_logs_and_reports_them_masked(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = _bad_file(tmp_path)
    with caplog.at_level(logging.DEBUG):
        report = shequkit.validate(path)
        with pytest.raises(shequkit.DataError) as caught:
            shequkit.load(path)

    rendered = [report.to_text(), report.to_json(), report.to_junit_xml(), repr(report.issues)]
    rendered += [str(caught.value), repr(caught.value.details)]
    logged = [record.getMessage() for record in caplog.records]
    logged += [repr(record.args) for record in caplog.records]

    assert report.error_count >= len(BAD_IDS)
    assert _raw_in("\n".join(rendered + logged)) == []
    # Asked for explicitly, they are shown: the scan above could have found them.
    shown = report.to_text(show_sensitive=True)
    assert set(_raw_in(shown)) >= {"320102198001010012", "1381234567"}


def test_validate_on_the_command_line_masks_unless_asked(tmp_path: Path) -> None:
    path = _bad_file(tmp_path)
    junit = tmp_path / "report.xml"

    masked = CliRunner().invoke(cli, ["validate", str(path), "--junit", str(junit)])
    as_json = CliRunner().invoke(cli, ["validate", str(path), "--json"])
    shown = CliRunner().invoke(cli, ["validate", str(path), "--show-sensitive"])

    assert masked.exit_code == as_json.exit_code == shown.exit_code == 1
    assert _raw_in(masked.output + as_json.output + junit.read_text(encoding="utf-8")) == []
    assert "320102198001010012" in shown.output


def test_code_errors_raised_to_a_caller_mask_the_value() -> None:
    for value in BAD_IDS:
        with pytest.raises(shequkit.CodeError) as caught:
            shequkit.ResidentID(value)
        assert value not in str(caught.value) + repr(caught.value.details)
    for value in BAD_PHONES:
        with pytest.raises(shequkit.CodeError) as caught:
            shequkit.PhoneNumber(value)
        assert value not in str(caught.value) + repr(caught.value.details)


def test_the_look_alike_scan_finds_what_it_should() -> None:
    good = "320102198001010011"
    good = good[:17] + resident_id_check_char(good[:17])

    assert leaks(f"id {good} phone 13812345678.", set()) == sorted([good, "13812345678"])
    assert leaks("3201**********0011 138****5678 320102001001 9" * 3, set()) == []
