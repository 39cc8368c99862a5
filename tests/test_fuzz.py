"""Fuzzing every reader: random bytes and mutated valid files only ever raise ``InputError``.

For each format a valid file is written from the test document; hypothesis
then feeds each reader random bytes and that file mutated (bytes flipped,
truncated, a piece spliced in or cut out; for zip containers also the
content of one part mutated and zipped again). Reading may fail only with a
:class:`shequkit.InputError` subclass (``SQK-F1xx``), never with another
exception; :func:`shequkit.validate` never raises for the data it could read,
and its report renders.

Runs are bounded and derandomised for CI. A longer, random run on demand::

    SHEQUKIT_FUZZ=long .venv/bin/pytest tests/test_fuzz.py -p no:cacheprovider

(``SHEQUKIT_FUZZ_EXAMPLES=N`` sets the examples per test of that run.)
Inputs that once crashed a reader are kept below as ``@example`` cases.
"""

from __future__ import annotations

import functools
import io
import json
import os
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import shequkit
from documents import valid_document

_LONG = os.environ.get("SHEQUKIT_FUZZ") == "long"
FUZZ = settings(
    max_examples=int(os.environ.get("SHEQUKIT_FUZZ_EXAMPLES", "5000")) if _LONG else 40,
    derandomize=not _LONG,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# format name -> file name the reader is given (the single CSV is named after its kind).
FORMATS: dict[str, str] = {
    "json": "data.json",
    "jsonl": "data.jsonl",
    "csv": "data.zip",
    "csv-single": "communities.csv",
    "xlsx": "data.xlsx",
    "xml": "data.xml",
    "jiangsu-return": "return.xlsx",
}
ZIPPED = {"csv", "xlsx", "jiangsu-return"}


@functools.cache
def seed(format: str) -> bytes:
    """A valid file of ``format`` holding the test document."""
    with tempfile.TemporaryDirectory() as directory:
        source = Path(directory) / "source.json"
        source.write_text(json.dumps(valid_document(), ensure_ascii=False), encoding="utf-8")
        if format == "json":
            return source.read_bytes()
        if format == "csv-single":
            with zipfile.ZipFile(io.BytesIO(seed("csv"))) as archive:
                return archive.read("communities.csv")
        target = Path(directory) / FORMATS[format]
        shequkit.convert(source, target, to_format=format)
        return target.read_bytes()


@functools.cache
def _meta_csv() -> bytes:
    with zipfile.ZipFile(io.BytesIO(seed("csv"))) as archive:
        return archive.read("meta.csv")


def read_everything(format: str, content: bytes) -> None:
    """Read ``content`` as ``format`` and validate it; only ``InputError`` may escape."""
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / FORMATS[format]
        path.write_bytes(content)
        if format == "csv-single":
            (path.parent / "meta.csv").write_bytes(_meta_csv())
        name = "csv" if format == "csv-single" else format
        try:
            for raw in shequkit.Toolkit().read(path, format=name):
                assert isinstance(raw, shequkit.formats.RawRecord)
        except shequkit.InputError:
            pass
        try:
            report = shequkit.validate(path, format=name)
        except shequkit.InputError:
            return
        report.to_text()
        report.to_json()
        report.to_junit_xml()


# -- mutations -------------------------------------------------------------------------------------


@st.composite
def mutated(draw: st.DrawFn, original: bytes) -> bytes:
    """``original`` with a few random edits: flips, truncation, splices, cuts, repeats."""
    data = bytearray(original)
    for _ in range(draw(st.integers(1, 4))):
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        how = draw(st.sampled_from(["flip", "set", "truncate", "splice", "cut", "repeat"]))
        if how == "flip":
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif how == "set":
            data[at] = draw(st.sampled_from(b"\x00\xff<>&\"',\n\r[]{}:-=+@\t9\x80\xe4"))
        elif how == "truncate":
            del data[at:]
        elif how == "splice":
            data[at:at] = draw(
                st.binary(max_size=64)
                | st.sampled_from(
                    [b"<!DOCTYPE x>", b"&lol;", b"]]>", b"\xef\xbb\xbf", b"99999999999999999999"]
                )
            )
        elif how == "cut":
            del data[at : at + draw(st.integers(1, 256))]
        else:  # repeat a piece of the file itself somewhere else
            start = draw(st.integers(0, len(data) - 1))
            data[at:at] = data[start : start + draw(st.integers(1, 512))]
    return bytes(data)


@st.composite
def part_mutated(draw: st.DrawFn, original: bytes) -> bytes:
    """A zip container with the content of one part mutated, then zipped again."""
    with zipfile.ZipFile(io.BytesIO(original)) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    name = draw(st.sampled_from(sorted(parts)))
    parts[name] = draw(mutated(parts[name]))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for part, data in parts.items():
            archive.writestr(part, data)
    return buffer.getvalue()


# No lone surrogates: UTF-8 cannot encode them, so no file can hold them.
_CHARACTERS = st.characters(exclude_categories=("Cs",))
_TEXT = st.text(_CHARACTERS)


def _each_format(test: Callable[..., None]) -> Any:
    return pytest.mark.parametrize("format", list(FORMATS))(test)


# -- the properties ------------------------------------------------------------------------------


@_each_format
@FUZZ
@given(content=st.binary(max_size=2048))
@example(content=b"")
@example(content=b"PK\x05\x06" + bytes(18))  # an empty zip
def test_random_bytes_raise_only_input_errors(format: str, content: bytes) -> None:
    read_everything(format, content)


@_each_format
@FUZZ
@given(data=st.data())
def test_mutated_valid_files_raise_only_input_errors(format: str, data: st.DataObject) -> None:
    read_everything(format, data.draw(mutated(seed(format)), label="content"))


@pytest.mark.parametrize("format", sorted(ZIPPED))
@FUZZ
@given(data=st.data())
def test_zip_parts_mutated_inside_raise_only_input_errors(format: str, data: st.DataObject) -> None:
    read_everything(format, data.draw(part_mutated(seed(format)), label="content"))


@pytest.mark.parametrize("format", ["json", "jsonl"])
@FUZZ
@given(
    value=st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | _TEXT,
        lambda inner: (
            st.lists(inner, max_size=4)
            | st.dictionaries(st.text(_CHARACTERS, max_size=8), inner, max_size=4)
        ),
        max_leaves=30,
    )
)
def test_any_json_value_in_any_field_is_reported_not_raised(format: str, value: Any) -> None:
    document = valid_document()
    document["communities"][0]["households"] = value
    document["staff"][0]["id_number"] = value
    document["services"][0]["target_groups"] = value
    if format == "json":
        content = json.dumps(document, ensure_ascii=False, allow_nan=True).encode()
    else:
        lines = [{"kind": "meta", "schema_version": "1.0", **document["meta"]}]
        lines += [{"kind": "community", **record} for record in document["communities"]]
        lines += [{"kind": "staff", **record} for record in document["staff"]]
        lines += [{"kind": "service", **record} for record in document["services"]]
        content = "\n".join(json.dumps(line, ensure_ascii=False) for line in lines).encode()
    read_everything(format, content)


def test_seeds_are_valid_so_mutations_start_from_real_files() -> None:
    for format in FORMATS:
        if format == "csv-single":
            continue  # a lone kind: its references to other kinds are dangling
        with tempfile.TemporaryDirectory() as directory:
            path = Path(directory) / FORMATS[format]
            path.write_bytes(seed(format))
            report = shequkit.validate(path, format=format)

        assert report.records > 0, format
        assert report.valid or format == "jiangsu-return", (format, report.to_text())


# -- crashes the fuzzer found, kept as regressions ------------------------------------------------

REGRESSIONS: dict[str, tuple[str, Callable[[], bytes]]] = {
    # zipfile seeked before the start of the file: OSError escaped the CSV reader.
    "zip-missing-its-first-byte": ("csv", lambda: seed("csv")[1:]),
    # Damaged deflate data in a workbook part: zlib.error escaped the XLSX reader.
    "xlsx-part-with-bad-deflate-data": ("xlsx", lambda: _damaged_deflate(seed("xlsx"))),
    # "zip file version 25.5": NotImplementedError escaped the CSV and XLSX readers.
    "zip-needing-version-25.5": ("csv", lambda: _future_version(seed("csv"))),
    "xlsx-needing-version-25.5": ("xlsx", lambda: _future_version(seed("xlsx"))),
}


def _future_version(container: bytes) -> bytes:
    """The zip with its first central directory entry needing zip version 25.5."""
    data = bytearray(container)
    data[data.index(b"PK\x01\x02") + 6] = 255
    return bytes(data)


def _damaged_deflate(workbook: bytes) -> bytes:
    """The workbook with the first compressed block of its first part made invalid."""
    data = bytearray(workbook)
    name_length = int.from_bytes(data[26:28], "little")
    extra_length = int.from_bytes(data[28:30], "little")
    data[30 + name_length + extra_length] = 0xFF  # block type 3: reserved, never valid
    return bytes(data)


@pytest.mark.parametrize("name", list(REGRESSIONS))
def test_inputs_that_once_crashed_a_reader_raise_input_errors(name: str) -> None:
    format, build = REGRESSIONS[name]
    content = build()

    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / FORMATS[format]
        path.write_bytes(content)
        with pytest.raises(shequkit.InputError):
            shequkit.validate(path, format=format)
    read_everything(format, content)


def test_junit_report_of_a_value_holding_a_control_character_renders() -> None:
    # Found by the long fuzz run: XML cannot hold a control character from the data.
    document = valid_document()
    document["communities"][0]["households"] = "\x08"

    report = shequkit.validate(document)

    junit = report.to_junit_xml()
    assert "SQK-E102" in junit
    assert "\\x08" in junit  # shown as an escape, not dropped
