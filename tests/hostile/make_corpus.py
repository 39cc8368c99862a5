"""The hostile input corpus: files built to hurt a reader, and what shequkit must say to each.

Every :class:`Case` builds its file's bytes. Small files are committed next to
this script (``python tests/hostile/make_corpus.py`` rewrites them); large ones
(bombs that must really be large, fields past a limit) are built at test time
into a temporary directory, never committed. ``tests/test_hostile.py`` reads
every case and checks the error class, code and message, also through the
command line; ``benchmarks/hostile_limits.py`` measures each one's memory and
time in a subprocess.

A case with ``error=None`` is input shequkit decided to *accept* (mixed line
endings, an embedded archive it never opens); it must read without an error.
docs/security.md explains every decision.
"""

from __future__ import annotations

import io
import json
import random
import struct
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
MIB = 1024**2
SECRET_MARKER = "SECRET-MARKER-7d41e2"
"""Text in the files hostile documents point at: it must never appear in any output."""
_ZIP_DATE = (2024, 1, 1, 0, 0, 0)  # fixed, so regenerated zips hold the same content


@dataclass(frozen=True)
class Case:
    """One hostile file and the error it must raise (``error=None``: it must be read).

    Attributes:
        name: path of the file relative to ``tests/hostile/`` (or to the
            temporary directory of a generated case); the extension, and for
            a single CSV the file name, choose the reader.
        build: the file's bytes.
        error: the :mod:`shequkit` exception class name expected.
        code: its ``SQK-`` code.
        says: text the English message must contain (a limit's name, the cause).
        committed: whether the file is small enough to live in the repository.
        records: for accepted cases, how many records (metadata not counted) are read.
    """

    name: str
    build: Callable[[], bytes]
    error: str | None
    code: str | None
    says: str
    committed: bool = True
    records: int | None = None

    @property
    def id(self) -> str:
        return self.name.replace("/", "-")

    def path_in(self, directory: Path) -> Path:
        """Write the case into ``directory`` (unless it is there already); return its path."""
        path = directory / self.name
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(self.build())
        return path


# -- building blocks ----------------------------------------------------------------------------

META = {"reporting_unit": "玄武区民政局", "reporting_division": "320102000000", "period": "2024"}
COMMUNITY = {
    "id": "c1",
    "division_code": "320102001001",
    "name": "龙潭社区",
    "type": "街道型",
    "households": 3000,
    "population": 8600,
}


def json_document(**community: object) -> dict[str, object]:
    """A small canonical document; ``community`` overrides fields of its one community."""
    return {"schema_version": "1.0", "meta": META, "communities": [{**COMMUNITY, **community}]}


def _json(document: object) -> bytes:
    return json.dumps(document, ensure_ascii=False).encode()


def _json_with(field: str, raw: str) -> bytes:
    """The small document with ``field``'s JSON value replaced by the raw text ``raw``."""
    marker = "@@RAW@@"
    return _json(json_document(**{field: marker})).replace(f'"{marker}"'.encode(), raw.encode())


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def _jsonl(*lines: str) -> bytes:
    head = json.dumps({"kind": "meta", "schema_version": "1.0", **META}, ensure_ascii=False)
    return "\n".join((head, *lines)).encode() + b"\n"


def _community_line(**fields: object) -> str:
    return json.dumps({"kind": "community", **COMMUNITY, **fields}, ensure_ascii=False)


XML_COMMUNITY = (
    "<community><id>c1</id><division_code>320102001001</division_code><name>{name}</name>"
    "<households>3000</households><population>8600</population>{fields}</community>"
)


def xml_document(body: str, *, head: str = "", name: str = "龙潭社区", fields: str = "") -> bytes:
    """A shequkit XML document: ``head`` before the root, ``body`` after the communities.

    ``name`` is the community's name (raw XML), ``fields`` extra raw XML in it.
    """
    community = XML_COMMUNITY.format(name=name, fields=fields)
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n{head}<shequkit schema_version="1.0">\n'
        "<meta><reporting_unit>玄武区民政局</reporting_unit><period>2024</period></meta>\n"
        f"<communities>{community}</communities>{body}\n</shequkit>\n"
    ).encode()


LAUGHS = (
    '<!DOCTYPE shequkit [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">'
        for n in range(1, 10)
    )
    + "]>\n"
)


def _zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in parts.items():
            info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buffer.getvalue()


def _empty_entries(count: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for number in range(count):
            archive.writestr(zipfile.ZipInfo(f"{number}", date_time=_ZIP_DATE), b"")
    return buffer.getvalue()


def _declare_size(data: bytes, member: str, size: int) -> bytes:
    """Rewrite ``member``'s uncompressed size in both zip headers: a container that lies."""
    patched = bytearray(data)
    name = member.encode()
    central = 0
    while True:
        central = patched.index(b"PK\x01\x02", central)
        length = struct.unpack_from("<H", patched, central + 28)[0]
        if bytes(patched[central + 46 : central + 46 + length]) == name:
            break
        central += 4
    local = struct.unpack_from("<I", patched, central + 42)[0]
    struct.pack_into("<I", patched, central + 24, size)
    struct.pack_into("<I", patched, local + 22, size)
    return bytes(patched)


_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _cell(ref: str, value: object) -> str:
    if isinstance(value, int | float):
        return f'<c r="{ref}"><v>{value}</v></c>'
    text = str(value).replace("&", "&amp;").replace("<", "&lt;")
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def _sheet(rows: list[list[object]], *, inside: str = "") -> bytes:
    body = "".join(
        f'<row r="{r}">'
        + "".join(_cell(f"{chr(65 + c)}{r}", v) for c, v in enumerate(row))
        + "</row>"
        for r, row in enumerate(rows, 1)
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<worksheet xmlns="{_MAIN}"><sheetData>{inside}{body}</sheetData></worksheet>'
    ).encode()


def xlsx_parts(*, community_name: str = "龙潭社区") -> dict[str, bytes]:
    """The parts of a minimal workbook: a 填报信息 sheet and a 社区 sheet with one community."""
    sheets = {
        "填报信息": [["项目", "内容"], *([k, v] for k, v in META.items())],
        "社区": [
            list(COMMUNITY),
            [community_name if key == "name" else value for key, value in COMMUNITY.items()],
        ],
    }
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{_CT}.worksheet+xml"/>'
        for n in range(1, len(sheets) + 1)
    )
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package'
            '.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.sheet.main+xml"/>'
            f"{overrides}</Types>"
        ).encode(),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"
        ).encode(),
        "xl/workbook.xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>'
            + "".join(
                f'<sheet name="{name}" sheetId="{n}" r:id="rId{n}"/>'
                for n, name in enumerate(sheets, 1)
            )
            + "</sheets></workbook>"
        ).encode(),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + "".join(
                f'<Relationship Id="rId{n}" Type="{_REL}/worksheet"'
                f' Target="worksheets/sheet{n}.xml"/>'
                for n in range(1, len(sheets) + 1)
            )
            + "</Relationships>"
        ).encode(),
    }
    for n, rows in enumerate(sheets.values(), 1):
        parts[f"xl/worksheets/sheet{n}.xml"] = _sheet(rows)
    return parts


COMMUNITY_SHEET = "xl/worksheets/sheet2.xml"


def _xlsx(**changes: bytes) -> bytes:
    return _zip({**xlsx_parts(), **changes})


def xlsx_external_link(target: str) -> bytes:
    """A workbook with a link to another workbook at ``target`` (a URL or a path)."""
    rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{_REL}/externalLinkPath" Target="{target}"'
        ' TargetMode="External"/></Relationships>'
    )
    link = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<externalLink xmlns="{_MAIN}" xmlns:r="{_REL}"><externalBook r:id="rId1">'
        '<sheetNames><sheetName val="社区"/></sheetNames></externalBook></externalLink>'
    )
    return _xlsx(
        **{
            "xl/externalLinks/externalLink1.xml": link.encode(),
            "xl/externalLinks/_rels/externalLink1.xml.rels": rels.encode(),
        }
    )


def _with_doctype(part: bytes, doctype: str, entity: str) -> bytes:
    head, rest = part.split(b"?>", 1)
    return head + b"?>" + doctype.encode() + rest.replace("龙潭社区".encode(), entity.encode())


def _letters(count: int, seed: int = 0) -> str:
    """Text that compresses only about 6 times: a long field that is no zip bomb."""
    return "".join(random.Random(seed).choices("ab", k=count))


def _csv(text: str | bytes) -> bytes:
    head = b"id,division_code,name,type,households,population\r\n"
    return head + (text.encode() if isinstance(text, str) else text)


ROW = "c1,320102001001,龙潭社区,街道型,3000,8600"
ROW2 = "c2,320102001002,梅园社区,街道型,2000,5600"
ROW3 = "c3,320102001003,兰园社区,街道型,1000,3000"
QUOTED_LINES = '"兰园\r\n社区"'
_META_CSV = "项目,内容\r\n填报单位,玄武区民政局\r\n统计期,2024\r\n".encode()


def _package(communities: bytes, **extra: bytes) -> bytes:
    return _zip({"meta.csv": _META_CSV, "communities.csv": communities, **extra})


# -- the corpus -----------------------------------------------------------------------------------

CASES: tuple[Case, ...] = (
    # XML: no DTD, no entity, no URL, no XInclude is ever processed.
    Case(
        "xml/billion_laughs.xml",
        lambda: xml_document("<extra>&lol9;</extra>", head=LAUGHS),
        "HostileInputError",
        "SQK-F104",
        "DOCTYPE",
    ),
    Case(
        "xml/external_entity.xml",
        lambda: xml_document(
            "<extra>&xxe;</extra>",
            head='<!DOCTYPE shequkit [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n',
        ),
        "HostileInputError",
        "SQK-F104",
        "DOCTYPE",
    ),
    Case(
        "xml/parameter_entity.xml",
        lambda: xml_document(
            "",
            head='<!DOCTYPE shequkit [<!ENTITY % p SYSTEM "http://127.0.0.1:9/p.dtd"> %p;]>\n',
        ),
        "HostileInputError",
        "SQK-F104",
        "DOCTYPE",
    ),
    Case(
        "xml/external_dtd.xml",
        lambda: xml_document("", head='<!DOCTYPE shequkit SYSTEM "http://127.0.0.1:9/x.dtd">\n'),
        "HostileInputError",
        "SQK-F104",
        "DOCTYPE",
    ),
    Case(
        "xml/doctype_utf16.xml",
        lambda: (
            '<?xml version="1.0" encoding="UTF-16"?>\n<!DOCTYPE shequkit [<!ENTITY e "x">]>'
            '<shequkit schema_version="1.0"/>'
        ).encode("utf-16"),
        "HostileInputError",
        "SQK-F104",
        "DOCTYPE",
    ),
    Case(
        "xml/xinclude.xml",
        lambda: xml_document(
            '<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="file:///etc/passwd"'
            ' parse="text"/>'
        ),
        "MalformedInputError",
        "SQK-F103",
        "has the attribute href",
    ),
    Case(
        "xml/deep_nesting.xml",
        lambda: xml_document("", name="<x>" * 300 + "</x>" * 300),
        "HostileInputError",
        "SQK-F104",
        "safety limit",
    ),
    Case(
        "xml/huge_text_node.xml",
        lambda: xml_document("", name="长" * (4 * MIB)),  # 12 MB: over libxml2's 10 MB text limit
        "HostileInputError",
        "SQK-F104",
        "safety limit",
        committed=False,
    ),
    Case(
        "xml/long_text.xml",
        lambda: xml_document("", name=_letters(MIB + 1)),
        "HostileInputError",
        "SQK-F104",
        "max_field_chars=1048576",
        committed=False,
    ),
    Case(
        "xml/record_over_line_limit.xml",
        lambda: xml_document(
            "", fields="".join(f"<note{n}>{_letters(MIB - 64, n)}</note{n}>" for n in range(17))
        ),
        "HostileInputError",
        "SQK-F104",
        "max_line_bytes=16777216",
        committed=False,
    ),
    # XLSX: the container is checked before calamine parses a byte of it.
    Case(
        "xlsx/external_link.xlsx",
        lambda: xlsx_external_link("http://127.0.0.1:9/other.xlsx"),
        "HostileInputError",
        "SQK-F104",
        "links to other workbooks",
    ),
    Case(
        "xlsx/doctype_entities.xlsx",
        lambda: _xlsx(
            **{
                COMMUNITY_SHEET: _with_doctype(
                    xlsx_parts()[COMMUNITY_SHEET],
                    LAUGHS.replace("shequkit", "worksheet"),
                    "&lol9;",
                )
            }
        ),
        "HostileInputError",
        "SQK-F104",
        "DOCTYPE",
    ),
    Case(
        "xlsx/external_entity.xlsx",
        lambda: _xlsx(
            **{
                COMMUNITY_SHEET: _with_doctype(
                    xlsx_parts()[COMMUNITY_SHEET],
                    '<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
                    "&xxe;",
                )
            }
        ),
        "HostileInputError",
        "SQK-F104",
        "DOCTYPE",
    ),
    Case(
        "xlsx/zip_bomb_ratio.xlsx",
        lambda: _xlsx(**{"xl/media/image1.png": bytes(20 * MIB)}),
        "HostileInputError",
        "SQK-F104",
        "zip bomb",
    ),
    Case(
        "xlsx/declares_3gib.xlsx",
        lambda: _declare_size(
            _xlsx(**{"xl/media/image1.png": b"x"}), "xl/media/image1.png", 3 * 1024**3
        ),
        "HostileInputError",
        "SQK-F104",
        "expands beyond the limit",
    ),
    Case(
        "xlsx/deep_nesting.xlsx",
        # A million nested elements in a sheet: 7 MB that deflate 1000-fold.
        lambda: _xlsx(
            **{COMMUNITY_SHEET: _sheet([["id"], ["c1"]], inside="<x>" * MIB + "</x>" * MIB)}
        ),
        "HostileInputError",
        "SQK-F104",
        "zip bomb",
    ),
    Case(
        "xlsx/many_parts.xlsx",
        lambda: _xlsx(**{f"xl/media/{n}.bin": b"" for n in range(10_001)}),
        "HostileInputError",
        "SQK-F104",
        "more than the limit of 10000",
        committed=False,
    ),
    Case(
        "xlsx/huge_directory.xlsx",
        # 200,000 empty entries: zipfile would build an object for each before any count.
        lambda: _empty_entries(200_000),
        "HostileInputError",
        "SQK-F104",
        "zip directory of",
        committed=False,
    ),
    Case(
        "xlsx/long_cell.xlsx",
        lambda: _zip(xlsx_parts(community_name=_letters(MIB + 1))),
        "HostileInputError",
        "SQK-F104",
        "max_field_chars=1048576",
        committed=False,
    ),
    Case(
        "xlsx/embedded_zip_bomb.xlsx",
        # A bomb inside the workbook, as an embedded object: never opened, so harmless.
        lambda: _xlsx(**{"xl/embeddings/bomb.zip": _zip({"zeros.bin": bytes(50 * MIB)})}),
        None,
        None,
        "",
        records=1,
    ),
    # CSV: single files (named by their kind) and packages.
    Case(
        "csv/nul/communities.csv",
        lambda: _csv(ROW.replace("龙潭", "龙\x00潭") + "\r\n"),
        "MalformedInputError",
        "SQK-F103",
        "NUL character",
    ),
    Case(
        "csv/neither_utf8_nor_gb18030/communities.csv",
        lambda: _csv(b"c1,320102001001,\xff\xfe\xff,x\r\n"),
        "EncodingError",
        "SQK-F102",
        "neither UTF-8 nor GB18030",
    ),
    Case(
        "csv/utf8_then_broken/communities.csv",
        # UTF-8 decided on the first rows; a GB18030 row far beyond them.
        lambda: _csv(f"{ROW}\r\n".encode() * 2000 + ROW2.encode("gb18030") + b"\r\n"),
        "EncodingError",
        "SQK-F102",
        "row 2002 of communities.csv is not valid UTF-8",
        committed=False,
    ),
    Case(
        "csv/bare_cr/communities.csv",
        lambda: _csv(f"{ROW}\r{ROW2}\r"),
        "MalformedInputError",
        "SQK-F103",
        "carriage return alone",
    ),
    Case(
        "csv/unterminated_quote/communities.csv",
        lambda: _csv(f'{ROW}\r\nc2,320102001002,"梅园社区\r\n' + "x,y\r\n" * 10),
        "MalformedInputError",
        "SQK-F103",
        "unexpected end of data",
    ),
    Case(
        "csv/mixed_line_endings/communities.csv",
        # LF, CRLF, and a CRLF inside a quoted cell (kept as text).
        lambda: _csv(f"{ROW}\n{ROW2}\r\n{ROW3.replace('兰园社区', QUOTED_LINES)}\n"),
        None,
        None,
        "",
        records=3,
    ),
    Case(
        "csv/long_field/communities.csv",
        lambda: _csv(f"c1,320102001001,{_letters(MIB + 1)},街道型,3000,8600\r\n"),
        "HostileInputError",
        "SQK-F104",
        "max_field_chars=1048576",
        committed=False,
    ),
    Case(
        "csv/long_row/communities.csv",
        lambda: _csv(",".join(_letters(MIB - 16, n) for n in range(17)) + "\r\n"),
        "HostileInputError",
        "SQK-F104",
        "max_line_bytes=16777216",
        committed=False,
    ),
    Case(
        "csv/zip_bomb.zip",
        lambda: _package(_csv(ROW + "\r\n"), **{"notes.csv": bytes(20 * MIB)}),
        "HostileInputError",
        "SQK-F104",
        "zip bomb",
    ),
    Case(
        "csv/path_traversal.zip",
        lambda: _package(_csv(ROW + "\r\n"), **{"../../evil.csv": b"x"}),
        "HostileInputError",
        "SQK-F104",
        "unsafe member path",
    ),
    Case(
        "csv/huge_directory.zip",
        lambda: _empty_entries(200_000),
        "HostileInputError",
        "SQK-F104",
        "zip directory of",
        committed=False,
    ),
    Case(
        "csv/many_members.zip",
        lambda: _package(_csv(ROW + "\r\n"), **{f"extra/{n}.txt": b"" for n in range(100)}),
        "HostileInputError",
        "SQK-F104",
        "more than the limit of 100",
    ),
    # JSON and JSONL.
    Case(
        "json/huge_integer.json",
        lambda: _json_with("households", "9" * 1000),
        "HostileInputError",
        "SQK-F104",
        "integer of 1000 digits",
    ),
    Case(
        "json/million_digit_integer.json",
        lambda: _json_with("households", "9" * 1_000_000),
        "HostileInputError",
        "SQK-F104",
        "integer of 1000000 digits",
        committed=False,
    ),
    Case(
        "json/integer_beyond_64_bits.json",
        lambda: _json_with("population", str(2**63)),
        "HostileInputError",
        "SQK-F104",
        "outside the 64-bit range",
    ),
    Case(
        "json/nested_40_levels.json",
        lambda: _json_with("name", _nested(40)),
        "HostileInputError",
        "SQK-F104",
        "max_depth=32",
    ),
    Case(
        "json/nested_100000_levels.json",
        lambda: _nested(100_000).encode(),
        "HostileInputError",
        "SQK-F104",
        "nested too deeply",
        committed=False,
    ),
    Case(
        "json/nested_2000_levels.json",
        lambda: _json_with("name", _nested(2000)),
        "HostileInputError",
        "SQK-F104",
        "nested too deeply",
    ),
    Case(
        "json/duplicate_keys.json",
        lambda: _json(json_document()).replace(b'"id": "c1"', b'"id": "c1", "id": "c2"'),
        "MalformedInputError",
        "SQK-F103",
        "duplicate key 'id'",
    ),
    Case(
        "json/nan.json",
        lambda: _json_with("households", "NaN"),
        "MalformedInputError",
        "SQK-F103",
        "NaN is not allowed",
    ),
    Case(
        "json/utf16.json",
        lambda: json.dumps(json_document(), ensure_ascii=False).encode("utf-16"),
        "EncodingError",
        "SQK-F102",
        "not valid UTF-8",
    ),
    Case(
        "json/long_string.json",
        lambda: _json(json_document(name=_letters(MIB + 1))),
        "HostileInputError",
        "SQK-F104",
        "max_field_chars=1048576",
        committed=False,
    ),
    Case(
        "jsonl/huge_integer.jsonl",
        lambda: _jsonl(_community_line(households="@").replace('"@"', "9" * 5000)),
        "HostileInputError",
        "SQK-F104",
        "integer of 5000 digits",
    ),
    Case(
        "jsonl/nested_40_levels.jsonl",
        lambda: _jsonl(_community_line(name="@").replace('"@"', _nested(40))),
        "HostileInputError",
        "SQK-F104",
        "max_depth=32",
    ),
    Case(
        "jsonl/long_line.jsonl",
        lambda: _jsonl(_community_line(notes=[_letters(MIB - 64, n) for n in range(17)])),
        "HostileInputError",
        "SQK-F104",
        "max_line_bytes=16777216",
        committed=False,
    ),
)
"""Every hostile case, committed and generated."""


def committed_files() -> set[Path]:
    """Every file of the corpus that lives in the repository."""
    return {HERE / case.name for case in CASES if case.committed}


def main() -> None:
    """Rewrite the committed files of the corpus."""
    for case in CASES:
        if case.committed:
            path = HERE / case.name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(case.build())
            print(f"{path.relative_to(HERE)}: {path.stat().st_size:,} bytes", file=sys.stderr)


if __name__ == "__main__":
    main()
