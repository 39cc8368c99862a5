"""Hostile input: every file of the corpus in ``tests/hostile/`` fails safely, and says why.

Each hostile file must raise its documented ``ShequkitError`` subclass and
code, in the library and on the command line (exit 2, the message in Chinese
and English, no traceback); nothing may be read from another file or fetched
from the network; and every limit of ``ReadOptions`` is enforced with its name
and value in the message. The decisions are written down in docs/security.md.
"""

from __future__ import annotations

import contextlib
import http.server
import io
import json
import subprocess
import sys
import threading
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from lxml import etree

import shequkit
from documents import valid_document
from hostile.make_corpus import (
    CASES,
    COMMUNITY_SHEET,
    HERE,
    MIB,
    SECRET_MARKER,
    Case,
    xlsx_external_link,
    xlsx_parts,
    xml_document,
)
from shequkit.cli import cli
from shequkit.formats import ReadOptions
from shequkit.validate._catalogue import EXCEPTION_CODES

HOSTILE = [case for case in CASES if case.error is not None]
ACCEPTED = [case for case in CASES if case.error is None]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the large cases are built, once for the module."""
    return tmp_path_factory.mktemp("hostile")


def _path(case: Case, generated: Path) -> Path:
    return HERE / case.name if case.committed else case.path_in(generated)


def _raised(path: Path) -> shequkit.ShequkitError:
    with pytest.raises(shequkit.ShequkitError) as caught:
        shequkit.validate(path)
    return caught.value


@contextlib.contextmanager
def _recording_server() -> Iterator[tuple[str, list[str]]]:
    """A local HTTP server that records every request and answers with a leaking payload."""
    requests: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requests.append(self.path)
            body = f'<!ENTITY leak "{SECRET_MARKER}">'.encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", requests
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


# -- the corpus ---------------------------------------------------------------------------------


def test_committed_files_are_what_the_script_builds() -> None:
    for case in CASES:
        if not case.committed:
            continue
        built, kept = case.build(), (HERE / case.name).read_bytes()
        if case.name.endswith((".zip", ".xlsx")):
            assert _members(built) == _members(kept), case.name  # compressors may differ
        else:
            assert built == kept, f"{case.name}: run python tests/hostile/make_corpus.py"


def test_every_committed_file_is_a_case_and_small() -> None:
    on_disk = {p for p in HERE.rglob("*") if p.is_file() and p.suffix != ".py"}
    on_disk = {p for p in on_disk if "__pycache__" not in p.parts}

    assert on_disk == {HERE / case.name for case in CASES if case.committed}
    assert all(path.stat().st_size < 64 * 1024 for path in on_disk)


def _members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


@pytest.mark.parametrize("case", HOSTILE, ids=lambda case: case.id)
def test_hostile_file_raises_its_documented_error(case: Case, generated: Path) -> None:
    error = _raised(_path(case, generated))

    assert type(error).__name__ == case.error
    assert error.code == case.code
    assert EXCEPTION_CODES[error.code][0] == case.error
    assert case.says in error.message_en
    assert any("\u4e00" <= char <= "\u9fff" for char in error.message_zh)
    assert SECRET_MARKER not in str(error)


@pytest.mark.parametrize("case", ACCEPTED, ids=lambda case: case.id)
def test_input_decided_acceptable_is_read(case: Case, generated: Path) -> None:
    report = shequkit.validate(_path(case, generated))

    assert report.records == case.records


def test_mixed_line_endings_keep_a_line_break_inside_a_quoted_cell() -> None:
    path = HERE / "csv" / "mixed_line_endings" / "communities.csv"

    names = [raw.data["name"] for raw in shequkit.Toolkit().read(path) if raw.kind == "community"]

    assert names == ["龙潭社区", "梅园社区", "兰园\r\n社区"]


@pytest.mark.parametrize("case", HOSTILE, ids=lambda case: case.id)
def test_hostile_file_exits_2_on_the_command_line_in_both_languages(
    case: Case, generated: Path
) -> None:
    path = _path(case, generated)
    error = _raised(path)

    result = CliRunner().invoke(cli, ["validate", str(path)])

    assert result.exit_code == 2, result.output
    assert f"[{case.code}]" in result.output
    assert error.message_zh in result.output
    assert error.message_en in result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


# A lone CSV file has no metadata here, which convert refuses first (exit 1, SQK-E109).
CONVERTIBLE = [case for case in HOSTILE if not case.name.endswith("/communities.csv")]


@pytest.mark.parametrize("case", CONVERTIBLE[::4], ids=lambda case: case.id)
def test_hostile_file_is_never_converted_and_leaves_no_target(
    case: Case, generated: Path, tmp_path: Path
) -> None:
    target = tmp_path / "out.jsonl"

    result = CliRunner().invoke(cli, ["convert", str(_path(case, generated)), str(target)])

    assert result.exit_code == 2, result.output
    assert list(tmp_path.iterdir()) == []


def test_the_installed_command_prints_no_traceback(tmp_path: Path) -> None:
    for name in ("xml/billion_laughs.xml", "xlsx/zip_bomb_ratio.xlsx", "json/huge_integer.json"):
        completed = subprocess.run(
            [sys.executable, "-m", "shequkit", "validate", str(HERE / name)],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=tmp_path,
            check=False,
        )

        assert completed.returncode == 2, completed.stderr
        assert "SQK-F104" in completed.stderr
        assert "Traceback" not in completed.stderr + completed.stdout
        assert list(tmp_path.iterdir()) == []


# -- nothing is read from elsewhere, nothing is fetched ----------------------------------------


def _secret_file(tmp_path: Path) -> Path:
    """A file which, if a reader included it, would add the marker to the community's name."""
    secret = tmp_path / "secret.xml"
    secret.write_text(f"<name>{SECRET_MARKER}</name>", encoding="utf-8")
    return secret


def _pointing_documents(tmp_path: Path, url: str) -> dict[str, bytes]:
    secret = _secret_file(tmp_path).as_uri()
    include = '<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="{}" parse="{}"/>'
    return {
        "entity-file.xml": xml_document(
            "", head=f'<!DOCTYPE shequkit [<!ENTITY x SYSTEM "{secret}">]>\n', name="&x;"
        ),
        "entity-url.xml": xml_document(
            "", head=f'<!DOCTYPE shequkit [<!ENTITY x SYSTEM "{url}/entity">]>\n', name="&x;"
        ),
        "parameter-url.xml": xml_document(
            "", head=f'<!DOCTYPE shequkit [<!ENTITY % p SYSTEM "{url}/p.dtd"> %p;]>\n'
        ),
        "dtd-url.xml": xml_document("", head=f'<!DOCTYPE shequkit SYSTEM "{url}/x.dtd">\n'),
        "xinclude-file.xml": xml_document("", fields=include.format(secret, "xml")),
        "xinclude-url.xml": xml_document("", fields=include.format(f"{url}/x.xml", "text")),
        "link-url.xlsx": xlsx_external_link(f"{url}/other.xlsx"),
        "link-file.xlsx": xlsx_external_link(secret),
        "sheet-dtd-url.xlsx": _zip_parts(
            {
                **xlsx_parts(),
                COMMUNITY_SHEET: xlsx_parts()[COMMUNITY_SHEET].replace(
                    b"?>", f'?><!DOCTYPE worksheet SYSTEM "{url}/w.dtd">'.encode(), 1
                ),
            }
        ),
    }


def _zip_parts(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_documents_pointing_elsewhere_read_no_file_and_fetch_nothing(tmp_path: Path) -> None:
    with _recording_server() as (url, requests):
        documents = _pointing_documents(tmp_path, url)
        outputs: list[str] = []
        for name, content in documents.items():
            path = tmp_path / name
            path.write_bytes(content)
            result = CliRunner().invoke(cli, ["validate", str(path), "--json"])
            outputs.append(result.output)

            assert result.exit_code == 2, (name, result.output)
            assert "Traceback" not in result.output

    assert requests == []
    assert not any(SECRET_MARKER in output for output in outputs)


def test_the_pointing_documents_would_leak_through_a_permissive_parser(tmp_path: Path) -> None:
    # The control for the test above: the same documents do reach the file and the
    # server when a parser is allowed to, so their silence there is shequkit's doing.
    with _recording_server() as (url, requests):
        documents = _pointing_documents(tmp_path, url)
        permissive = etree.XMLParser(resolve_entities=True, load_dtd=True, no_network=False)
        leaked = etree.tostring(etree.fromstring(documents["entity-file.xml"], permissive))
        tree = etree.fromstring(documents["xinclude-file.xml"]).getroottree()
        tree.xinclude()
        # This libxml2 has no HTTP client at all: the recorder is shown to work directly.
        with urllib.request.urlopen(f"{url}/x.dtd", timeout=10) as response:
            fetched = response.read()

    assert SECRET_MARKER.encode() in leaked
    assert SECRET_MARKER.encode() in etree.tostring(tree)
    assert SECRET_MARKER.encode() in fetched
    assert requests == ["/x.dtd"]


def test_external_hyperlinks_of_a_readable_workbook_are_never_followed(tmp_path: Path) -> None:
    with _recording_server() as (url, requests):
        parts = xlsx_parts()
        parts["xl/worksheets/_rels/sheet2.xml.rels"] = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns='
            '"http://schemas.openxmlformats.org/package/2006/relationships"><Relationship'
            ' Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            f'relationships/hyperlink" Target="{url}/page" TargetMode="External"/>'
            "</Relationships>"
        ).encode()
        path = tmp_path / "links.xlsx"
        path.write_bytes(_zip_parts(parts))

        report = shequkit.validate(path)

    assert report.records == 1
    assert requests == []


# -- limits of ReadOptions ----------------------------------------------------------------------


def _json_file(tmp_path: Path, communities: int = 3, **fields: Any) -> Path:
    """The valid test document with ``communities`` communities, the first with ``fields``."""
    document = valid_document()
    first = {**document["communities"][0], **fields}
    document["communities"] = [first] + [
        {**first, "id": f"c{n}", "division_code": f"32010200100{n}", "name": f"社区{n}"}
        for n in range(2, communities + 1)
    ]
    document["divisions"] += [
        {**document["divisions"][-1], "code": f"32010200100{n}", "name": f"社区{n}居委会"}
        for n in range(2, communities + 1)
    ]
    path = tmp_path / "data.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def _in_format(tmp_path: Path, format: str, communities: int = 3, **fields: Any) -> Path:
    source = _json_file(tmp_path, communities, **fields)
    suffix = {"csv": ".zip", "jsonl": ".jsonl", "xml": ".xml", "xlsx": ".xlsx"}.get(format, ".xlsx")
    target = tmp_path / f"data-{format}{suffix}"
    if format == "json":
        return source
    shequkit.convert(source, target, to_format=format)
    return target


FORMATS = ["json", "jsonl", "csv", "xlsx", "xml", "jiangsu-return"]
LONG_NAME = "社" * 100  # as long as a name may be


@pytest.mark.parametrize(
    ("format", "limit", "value", "fields"),
    [
        *((f, "max_records", 2, {}) for f in FORMATS),
        *((f, "max_field_chars", 99, {"name": LONG_NAME}) for f in FORMATS),
        ("json", "max_depth", 2, {}),  # the document 1, communities 2, a community 3
        ("jsonl", "max_depth", 1, {}),  # a line 1, a service's target groups 2
        ("json", "max_file_bytes", 300, {}),
        ("xlsx", "max_file_bytes", 3000, {}),
        ("jiangsu-return", "max_file_bytes", 3000, {}),
        ("jsonl", "max_line_bytes", 100, {}),
        ("csv", "max_line_bytes", 100, {}),
        ("xml", "max_line_bytes", 100, {}),
    ],
)
def test_each_limit_is_enforced_and_named_with_its_value(
    tmp_path: Path, format: str, limit: str, value: int, fields: dict[str, Any]
) -> None:
    path = _in_format(tmp_path, format, **fields)
    toolkit = shequkit.Toolkit()
    within = list(toolkit.read(path, format=format))  # the defaults let it through

    with pytest.raises(shequkit.HostileInputError) as caught:
        list(toolkit.read(path, format=format, options=ReadOptions(**{limit: value})))

    assert len(within) > 3
    assert caught.value.code == "SQK-F104"
    assert f"{limit}={value}" in caught.value.message_en
    assert f"{limit}={value}" in caught.value.message_zh


@pytest.mark.parametrize("format", FORMATS)
def test_input_exactly_at_the_limits_is_accepted(tmp_path: Path, format: str) -> None:
    path = _in_format(tmp_path, format, name=LONG_NAME)
    toolkit = shequkit.Toolkit()
    count = sum(1 for raw in toolkit.read(path, format=format) if raw.kind != "meta")
    at_limits = ReadOptions(max_records=count, max_field_chars=len(LONG_NAME))

    again = sum(1 for raw in toolkit.read(path, format=format, options=at_limits))
    with pytest.raises(shequkit.HostileInputError):
        list(toolkit.read(path, format=format, options=ReadOptions(max_records=count - 1)))

    assert again == count + 1  # and the metadata


def test_the_json_size_limit_is_checked_before_the_file_is_read(tmp_path: Path) -> None:
    path = _json_file(tmp_path)
    options = ReadOptions(max_file_bytes=10)

    with pytest.raises(shequkit.HostileInputError) as caught:
        list(shequkit.Toolkit().read(path, options=options))

    assert "max_file_bytes=10" in caught.value.message_en


@pytest.mark.parametrize(
    ("format", "big"),
    [("csv", "1" + "0" * 30), ("xml", "1" + "0" * 30), ("csv", "9" * 5000), ("xml", "9" * 5000)],
)
def test_integers_beyond_64_bits_in_cells_are_reported_not_crashing_writers(
    tmp_path: Path, format: str, big: str
) -> None:
    # Regression: 10**30 people passed validation and crashed the provincial
    # return writer with OverflowError; now such a cell stays text (SQK-E102).
    source = _in_format(tmp_path, format, population=12345)
    if format == "csv":
        with zipfile.ZipFile(source) as archive:
            parts = {name: archive.read(name) for name in archive.namelist()}
        parts["communities.csv"] = parts["communities.csv"].replace(b"12345", big.encode())
        source.write_bytes(_zip_parts(parts))
    else:
        source.write_bytes(source.read_bytes().replace(b"12345", big.encode()))

    report = shequkit.validate(source)
    with pytest.raises(shequkit.DataError):
        shequkit.convert(source, tmp_path / "return.xlsx", to_format="jiangsu-return")

    assert {issue.code for issue in report.issues} >= {"SQK-E102"}
    assert not (tmp_path / "return.xlsx").exists()


def test_whole_numbers_too_large_for_64_bits_stay_numbers_in_xlsx(tmp_path: Path) -> None:
    source = _in_format(tmp_path, "xlsx", population=12345)
    with zipfile.ZipFile(source) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet = next(name for name, data in parts.items() if b"<v>12345</v>" in data)
    parts[sheet] = parts[sheet].replace(b"<v>12345</v>", b"<v>1E+300</v>")
    source.write_bytes(_zip_parts(parts))

    report = shequkit.validate(source)

    assert "SQK-E102" in {issue.code for issue in report.issues}


def test_largest_generated_cases_really_are_past_the_limits(generated: Path) -> None:
    sizes = {
        case.name: case.path_in(generated).stat().st_size for case in CASES if not case.committed
    }

    assert sizes["csv/long_row/communities.csv"] > 16 * MIB
    assert sizes["xml/huge_text_node.xml"] > 10 * 1000**2
    assert sizes["json/million_digit_integer.json"] > 1_000_000
