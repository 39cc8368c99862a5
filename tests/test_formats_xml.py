"""XML: round trips, the generated XSD, hardened and streaming reading, atomic writes."""

from __future__ import annotations

import contextlib
import http.server
import json
import re
import sys
import threading
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from lxml import etree

import shequkit
import shequkit.formats._xml as xml_plugin
from documents import SECRETARY_ID, valid_document
from shequkit import json_converter
from shequkit._toolkit import DEFAULT_PLUGINS
from shequkit._xsd import XSD_FILE, document_schema, document_xsd
from shequkit.formats import ReadOptions
from shequkit.formats._tabular import cell_to_wire, columns
from shequkit.formats._xml import XmlCodec
from shequkit.model import Community, Dataset, Metadata, kind_by_name
from strategies import datasets

SCHEMAS = Path(__file__).parent.parent / "schemas"
_SETTINGS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_SECRET = "SECRET-MARKER-5f3a9c"


def _toolkit() -> shequkit.Toolkit:
    """A toolkit with the XML codec, whether or not it is a default plugin yet."""
    if "shequkit.formats._xml" in DEFAULT_PLUGINS:
        return shequkit.Toolkit(plugins=[])
    return shequkit.Toolkit(plugins=[xml_plugin])


def _json_file(path: Path, document: dict[str, Any]) -> Path:
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def _xml_of(tmp_path: Path, document: dict[str, Any], name: str = "data.xml") -> Path:
    """The XML file the codec writes for a canonical JSON document."""
    source = _json_file(tmp_path / f"{name}.json", document)
    target = tmp_path / name
    shequkit.convert(source, target, toolkit=_toolkit())
    return target


def _read(path: Path, **options: Any) -> list[shequkit.formats.RawRecord]:
    return list(XmlCodec().read(path, ReadOptions(**options)))


def _read_back(path: Path) -> Dataset:
    """Structure every raw record of ``path`` without semantic checks."""
    meta = None
    records = []
    for raw in XmlCodec().read(path, ReadOptions()):
        if raw.kind == "meta":
            meta = json_converter.structure(raw.data, Metadata)
        else:
            kind = kind_by_name(raw.kind)
            assert kind is not None
            records.append(json_converter.structure(raw.data, kind.cls))
    assert meta is not None
    return Dataset.from_records(meta, records)


def _xml_safe(dataset: Dataset) -> Dataset:
    """``dataset`` with the characters XML 1.0 cannot hold replaced (see the U110 test)."""

    def clean(record: Any) -> Any:
        changes = {
            field.name: _NOT_XML.sub("?", value)
            for field in attrs.fields(type(record))
            if type(value := getattr(record, field.name)) is str and _NOT_XML.search(value)
        }
        return attrs.evolve(record, **changes) if changes else record

    return Dataset.from_records(
        clean(dataset.meta), [clean(record) for _, record in dataset.records()]
    )


def _schema_errors(path: Path) -> list[str]:
    schema = document_schema()
    valid = schema.validate(etree.parse(str(path)))
    return [] if valid else [str(error) for error in schema.error_log]


def _document(body: str, *, head: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n{head}<shequkit schema_version="1.0">\n'
        "<meta><reporting_unit>玄武区民政局</reporting_unit><period>2024</period></meta>\n"
        f"{body}\n</shequkit>\n"
    ).encode()


_COMMUNITY = (
    "<community><id>c1</id><division_code>320102001001</division_code><name>龙潭社区</name>"
    "<households>3000</households><population>8600</population></community>"
)
_WITH_ATTRIBUTE = _COMMUNITY.replace("<id>", '<id lang="zh">')
_WITH_DUPLICATE = _COMMUNITY.replace("</id>", "</id><id>c2</id>")
_WITH_STRAY_TEXT = _COMMUNITY.replace("</id>", "</id>stray")


@contextlib.contextmanager
def _listening_server() -> Iterator[tuple[str, list[str]]]:
    """A local HTTP server that records every request it gets (none must arrive)."""
    requests: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requests.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b'<!ENTITY leak "fetched">')

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


# -- round trips ------------------------------------------------------------------------------


def test_json_to_xml_to_json_keeps_every_record(tmp_path: Path) -> None:
    source = _json_file(tmp_path / "in.json", valid_document())
    toolkit = _toolkit()

    shequkit.convert(source, tmp_path / "mid.xml", toolkit=toolkit)
    shequkit.convert(tmp_path / "mid.xml", tmp_path / "back.json", toolkit=toolkit)
    shequkit.convert(source, tmp_path / "direct.json", toolkit=toolkit)

    assert (tmp_path / "back.json").read_bytes() == (tmp_path / "direct.json").read_bytes()
    assert shequkit.load(tmp_path / "mid.xml", toolkit=toolkit) == shequkit.load(source)


def test_sample_data_round_trips_through_xml_and_validates_against_the_xsd(
    tmp_path: Path,
) -> None:
    sample = shequkit.generate_sample(shequkit.SampleSpec(communities=5, seed=1))
    path = tmp_path / "sample.xml"

    shequkit.dump(sample, path, toolkit=_toolkit())

    assert shequkit.load(path, toolkit=_toolkit()) == sample
    assert _schema_errors(path) == []


@_SETTINGS
@given(dataset=datasets())
def test_model_to_xml_to_model_is_identity_and_the_file_fits_the_xsd(
    tmp_path: Path, dataset: Dataset
) -> None:
    dataset = _xml_safe(dataset)
    path = tmp_path / "roundtrip.xml"

    shequkit.dump(dataset, path, toolkit=_toolkit())

    assert _read_back(path) == dataset
    assert _schema_errors(path) == []


def test_document_has_the_documented_shape(tmp_path: Path) -> None:
    path = _xml_of(tmp_path, valid_document())
    root = etree.parse(str(path)).getroot()

    assert root.tag == "shequkit"
    assert root.get("schema_version") == "1.0"
    assert [child.tag for child in root][:3] == ["meta", "divisions", "communities"]
    assert root.findtext("meta/reporting_unit") == "玄武区民政局"
    assert root.find("meta/schema_version") is None
    service = root.find("services/service")
    assert [item.text for item in service.find("target_groups")] == ["老年人", "残疾人"]
    assert root.findtext("communities/community/open_affairs") == "true"
    assert root.find("staff/staff/full_time") is None  # equal to its default: left out


def test_records_arriving_in_any_kind_order_are_written_grouped_in_document_order(
    tmp_path: Path,
) -> None:
    dataset = shequkit.load(_json_file(tmp_path / "in.json", valid_document()))
    shuffled = [record for _, record in reversed(list(dataset.records()))]
    path = tmp_path / "out.xml"

    count = XmlCodec().write(path, dataset.meta, shuffled)

    tags = [child.tag for child in etree.parse(str(path)).getroot()]
    assert count == 24
    assert tags == [
        "meta", "divisions", "communities", "grids", "organisations", "facilities",
        "services", "staff", "volunteer_teams", "equipment", "funding", "designations",
        "indicators",
    ]  # fmt: skip
    assert _schema_errors(path) == []


def test_carriage_returns_leading_quotes_and_spaces_survive_exactly(tmp_path: Path) -> None:
    document = valid_document()
    document["communities"][0]["address"] = " '=一号\r\n二号\r三号 "
    path = _xml_of(tmp_path, document)

    assert b"&#13;" in path.read_bytes()
    community = next(raw for raw in _read(path) if raw.kind == "community")
    assert community.data["address"] == " '=一号\r\n二号\r三号 "


def test_decimal_amount_in_exponent_form_is_written_plainly(tmp_path: Path) -> None:
    dataset = shequkit.load(_json_file(tmp_path / "in.json", valid_document()))
    funding = attrs.evolve(dataset.funding[0], amount_yuan=Decimal("3E+4"))
    path = tmp_path / "out.xml"

    XmlCodec().write(path, dataset.meta, [funding])

    assert b"<amount_yuan>30000</amount_yuan>" in path.read_bytes()
    assert _read_back(path).funding == (funding,)


def test_text_xml_cannot_hold_is_refused_on_write_naming_field_not_value(
    tmp_path: Path,
) -> None:
    dataset = shequkit.load(_json_file(tmp_path / "in.json", valid_document()))
    community = attrs.evolve(dataset.communities[0], address="一号\x0b楼")
    path = tmp_path / "out.xml"
    path.write_bytes(b"previous")

    with pytest.raises(shequkit.UsageError) as caught:
        XmlCodec().write(path, dataset.meta, [community])

    assert caught.value.code == "SQK-U110"
    assert "address" in caught.value.message_en
    assert "U+000B" in caught.value.message_en
    assert "一号" not in str(caught.value)
    assert path.read_bytes() == b"previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.json", "out.xml"]


# -- the XSD ----------------------------------------------------------------------------------


def test_checked_in_xsd_matches_the_model() -> None:
    checked_in = (SCHEMAS / XSD_FILE).read_bytes()

    assert checked_in == document_xsd(), (
        "schemas/shequkit-1.0.xsd is stale: run `python -m shequkit._xsd schemas`"
    )


def test_example_on_the_docs_page_fits_the_xsd_and_reads_valid(tmp_path: Path) -> None:
    page = (Path(__file__).parent.parent / "docs" / "formats-xml.md").read_text(encoding="utf-8")
    example = re.search(r"```xml\n(.*?)```", page, re.DOTALL)
    assert example is not None
    path = tmp_path / "example.xml"
    path.write_text(example.group(1), encoding="utf-8")

    assert _schema_errors(path) == []
    assert shequkit.validate(path, toolkit=_toolkit()).valid


def test_xsd_encodes_types_bounds_patterns_and_chinese_headers() -> None:
    xsd = document_xsd().decode()

    assert '<xs:element name="households" type="xs:integer"' not in xsd  # bounded: restricted
    assert '<xs:minInclusive value="1949"/>' in xsd
    assert '<xs:pattern value="[1-8][0-9]{11}"/>' in xsd
    assert '<xs:pattern value="[48]00-[0-9]{3}-[0-9]{4}"/>' in xsd
    assert '<xs:enumeration value="便民利民">' in xsd
    assert "户数(户)" in xsd
    assert '<xs:element name="full_time" minOccurs="0" type="xs:boolean">' in xsd


def test_written_xml_that_breaks_the_xsd_is_caught_by_it(tmp_path: Path) -> None:
    path = _xml_of(tmp_path, valid_document())
    broken = tmp_path / "broken.xml"
    broken.write_bytes(path.read_bytes().replace(b"<households>3000<", b"<households>-1<"))

    assert any("households" in error for error in _schema_errors(broken))


def test_optional_schema_validation_refuses_nonconforming_files_without_values(
    tmp_path: Path,
) -> None:
    good = _xml_of(tmp_path, valid_document())
    bad = tmp_path / "bad.xml"
    bad.write_bytes(good.read_bytes().replace(SECRETARY_ID.encode(), SECRETARY_ID.encode() + b"7"))

    assert len(list(XmlCodec(validate_schema=True).read(good, ReadOptions()))) == 25
    with pytest.raises(shequkit.MalformedInputError) as caught:
        list(XmlCodec(validate_schema=True).read(bad, ReadOptions()))

    assert caught.value.code == "SQK-F103"
    assert "id_number" in caught.value.message_en
    assert SECRETARY_ID[:-1] not in str(caught.value)


# -- hostile input ----------------------------------------------------------------------------

_LAUGHS = (
    '<!DOCTYPE shequkit [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10 if n > 1 else "&lol;" * 10}">'
        for n in range(1, 10)
    )
    + "]>\n"
)


@pytest.mark.parametrize(
    "head",
    [
        pytest.param(_LAUGHS, id="billion-laughs"),
        pytest.param('<!DOCTYPE shequkit [<!ENTITY e "inline">]>\n', id="internal-entity"),
        pytest.param("<!-- a comment first -->\n<!DOCTYPE shequkit>\n", id="after-comment"),
        pytest.param('<?pi x?><!DOCTYPE shequkit PUBLIC "-//X//EN" "x.dtd">', id="public-id"),
    ],
)
def test_any_doctype_is_refused_as_hostile(tmp_path: Path, head: str) -> None:
    path = tmp_path / "hostile.xml"
    path.write_bytes(_document(f"<communities>{_COMMUNITY}</communities>", head=head))

    with pytest.raises(shequkit.HostileInputError) as caught:
        _read(path)

    assert caught.value.code == "SQK-F104"
    assert "hostile.xml" in caught.value.message_en
    assert "DOCTYPE" in caught.value.message_en


@pytest.mark.parametrize("parameter", [False, True], ids=["general", "parameter"])
def test_external_entities_never_read_the_file_they_name(tmp_path: Path, parameter: bool) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text(_SECRET, encoding="utf-8")
    if parameter:
        head = f'<!DOCTYPE shequkit [<!ENTITY % p SYSTEM "{secret.as_uri()}"> %p;]>\n'
    else:
        head = f'<!DOCTYPE shequkit [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>\n'
    path = tmp_path / "xxe.xml"
    path.write_bytes(_document("<extra>&xxe;</extra>", head=head))
    seen: list[Any] = []

    with pytest.raises(shequkit.HostileInputError) as caught:
        seen.extend(XmlCodec().read(path, ReadOptions()))

    assert caught.value.code == "SQK-F104"
    assert _SECRET not in repr(caught.value) + repr(caught.value.details) + repr(seen)


@pytest.mark.parametrize("validate_schema", [False, True])
def test_external_dtd_and_schema_location_are_never_fetched(
    tmp_path: Path, validate_schema: bool
) -> None:
    codec = XmlCodec(validate_schema=validate_schema)
    with _listening_server() as (url, requests):
        doctype = tmp_path / "doctype.xml"
        doctype.write_bytes(_document("", head=f'<!DOCTYPE shequkit SYSTEM "{url}/x.dtd">\n'))
        located = tmp_path / "located.xml"
        located.write_bytes(
            _document("").replace(
                b"<shequkit ",
                b'<shequkit xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
                b' xsi:noNamespaceSchemaLocation="' + url.encode() + b'/s.xsd" ',
            )
        )

        with pytest.raises(shequkit.HostileInputError) as caught:
            list(codec.read(doctype, ReadOptions()))
        located_records = list(codec.read(located, ReadOptions()))

    assert caught.value.code == "SQK-F104"
    assert [raw.kind for raw in located_records] == ["meta"]
    assert requests == []


def test_behind_the_doctype_check_the_parser_still_expands_and_fetches_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Defence in depth: even if the prolog scan missed a DOCTYPE, lxml runs with
    # entities unresolved, no DTD loading and no network, and the reader refuses it.
    monkeypatch.setattr(xml_plugin, "check_prolog", lambda *args: None)
    secret = tmp_path / "secret.txt"
    secret.write_text(_SECRET, encoding="utf-8")
    path = tmp_path / "sneaky.xml"
    seen: list[Any] = []
    with _listening_server() as (url, requests):
        head = (
            f'<!DOCTYPE shequkit SYSTEM "{url}/x.dtd" ['
            f'<!ENTITY xxe SYSTEM "{secret.as_uri()}"><!ENTITY % p SYSTEM "{url}/p.dtd"> %p;]>\n'
        )
        path.write_bytes(_document("<extra>&xxe;</extra>", head=head))

        with pytest.raises(shequkit.InputError) as caught:
            seen.extend(XmlCodec().read(path, ReadOptions()))

    assert caught.value.code == "SQK-F104"
    assert requests == []
    assert _SECRET not in repr(caught.value) + repr(seen)


def test_unreachable_dtd_url_gives_our_error_not_a_connection_attempt(tmp_path: Path) -> None:
    path = tmp_path / "dtd.xml"
    path.write_bytes(_document("", head='<!DOCTYPE shequkit SYSTEM "http://127.0.0.1:9/x.dtd">'))

    with pytest.raises(shequkit.HostileInputError) as caught:
        _read(path)

    assert caught.value.code == "SQK-F104"
    assert "DOCTYPE" in caught.value.message_en
    assert "127.0.0.1" not in caught.value.message_en  # refused unread, not failed to load


def test_doctype_in_a_utf16_document_is_refused_too(tmp_path: Path) -> None:
    path = tmp_path / "utf16.xml"
    path.write_bytes(
        '<?xml version="1.0" encoding="UTF-16"?>\n<!DOCTYPE shequkit [<!ENTITY e "x">]>'
        '<shequkit schema_version="1.0"/>'.encode("utf-16")
    )

    with pytest.raises(shequkit.HostileInputError):
        _read(path)


def test_xinclude_is_not_processed(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text(_SECRET, encoding="utf-8")
    include = (
        '<xi:include xmlns:xi="http://www.w3.org/2001/XInclude"'
        f' href="{secret.as_uri()}" parse="text"/>'
    )
    path = tmp_path / "xinclude.xml"
    community = _COMMUNITY.replace("</id>", "</id>" + include)
    path.write_bytes(_document(f"<communities>{community}</communities>"))
    seen: list[Any] = []

    with pytest.raises(shequkit.MalformedInputError) as caught:
        seen.extend(XmlCodec().read(path, ReadOptions()))

    assert caught.value.code == "SQK-F103"  # an element with attributes, nothing more
    assert _SECRET not in repr(caught.value) + repr(seen)


def test_xinclude_without_attributes_is_just_an_unknown_field(tmp_path: Path) -> None:
    include = '<xi:include xmlns:xi="http://www.w3.org/2001/XInclude"/>'
    path = tmp_path / "xinclude.xml"
    community = _COMMUNITY.replace("</id>", "</id>" + include)
    path.write_bytes(_document(f"<communities>{community}</communities>"))

    report = shequkit.validate(path, toolkit=_toolkit())

    assert report.codes() == {"SQK-E104"}


@pytest.mark.parametrize(
    ("body", "options", "says"),
    [
        pytest.param(
            "<communities><community><id>" + "<a>" * 20 + "</a>" * 20 + "</id></community>"
            "</communities>",
            {},
            "nested deeper than 10 levels",
            id="nested-inside-a-record",
        ),
        pytest.param("<x>" * 400 + "</x>" * 400, {}, "Excessive depth", id="nested-past-libxml2"),
        pytest.param(
            "<communities>" + _COMMUNITY.replace("龙潭社区", "x" * 11_000_000) + "</communities>",
            {},
            "Text node too long",
            id="text-node-over-10MB",
        ),
        pytest.param(
            "<communities>" + _COMMUNITY.replace("龙潭社区", "长" * 10_000) + "</communities>",
            {"max_line_bytes": 4096},
            "exceeds the limit of 4096 bytes",
            id="record-over-max-line-bytes",
        ),
    ],
)
def test_deep_nesting_and_huge_text_are_hostile(
    tmp_path: Path, body: str, options: dict[str, Any], says: str
) -> None:
    path = tmp_path / "big.xml"
    path.write_bytes(_document(body))

    with pytest.raises(shequkit.HostileInputError) as caught:
        _read(path, **options)

    assert caught.value.code == "SQK-F104"
    assert "big.xml" in caught.value.message_en
    assert says in caught.value.message_en


def test_hostile_xml_exits_2_on_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from shequkit.cli import cli

    if "shequkit.formats._xml" not in DEFAULT_PLUGINS:  # until the codec is a default plugin
        validate_module = sys.modules["shequkit.validate._validate"]
        monkeypatch.setattr(validate_module, "default_toolkit", _toolkit)
    path = tmp_path / "hostile.xml"
    path.write_bytes(_document("", head=_LAUGHS))

    result = CliRunner().invoke(cli, ["validate", str(path), "--format", "xml"])

    assert result.exit_code == 2, result.output
    assert "SQK-F104" in result.output
    assert "Traceback" not in result.output


# -- malformed and unusual documents ----------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "error", "code"),
    [
        pytest.param(b"", shequkit.MalformedInputError, "SQK-F103", id="empty"),
        pytest.param(b"not xml", shequkit.MalformedInputError, "SQK-F103", id="text"),
        pytest.param(b"<other/>", shequkit.MalformedInputError, "SQK-F103", id="wrong-root"),
        pytest.param(
            b'<shequkit xmlns="urn:x"/>', shequkit.MalformedInputError, "SQK-F103", id="namespace"
        ),
        pytest.param(
            _document("<communities><community><id>c1</id>"),
            shequkit.MalformedInputError,
            "SQK-F103",
            id="truncated",
        ),
        pytest.param(
            _document("<extra>&undeclared;</extra>"),
            shequkit.MalformedInputError,
            "SQK-F103",
            id="undeclared-entity",
        ),
        pytest.param(
            _document(f"<communities>{_WITH_ATTRIBUTE}</communities>"),
            shequkit.MalformedInputError,
            "SQK-F103",
            id="attribute",
        ),
        pytest.param(
            _document(f"<communities>{_WITH_DUPLICATE}</communities>"),
            shequkit.MalformedInputError,
            "SQK-F103",
            id="duplicate-field",
        ),
        pytest.param(
            _document(f"<communities>{_WITH_STRAY_TEXT}</communities>"),
            shequkit.MalformedInputError,
            "SQK-F103",
            id="mixed-content",
        ),
        pytest.param(
            _document(f"<services>{_COMMUNITY}</services>"),
            shequkit.MalformedInputError,
            "SQK-F103",
            id="misplaced-record",
        ),
        pytest.param(
            _document(_COMMUNITY), shequkit.MalformedInputError, "SQK-F103", id="no-collection"
        ),
        pytest.param(
            _document("<extra>龙潭</extra>").replace("龙潭".encode(), "龙潭".encode("gb18030")),
            shequkit.EncodingError,
            "SQK-F102",
            id="bad-utf8",
        ),
    ],
)
def test_unreadable_xml_raises_a_shequkit_error_with_a_code(
    tmp_path: Path, content: bytes, error: type[Exception], code: str
) -> None:
    path = tmp_path / "bad.xml"
    path.write_bytes(content)

    with pytest.raises(error) as caught:
        shequkit.validate(path, toolkit=_toolkit())

    assert isinstance(caught.value, shequkit.ShequkitError)
    assert caught.value.code == code
    assert "bad.xml" in caught.value.message_en


def test_errors_far_into_a_collection_are_found(tmp_path: Path) -> None:
    records = [_COMMUNITY.replace("c1", f"c{n}") for n in range(300)]
    records[250] = records[250].replace("<name>", '<name xml:lang="zh">')
    path = tmp_path / "late.xml"
    path.write_bytes(_document("<communities>\n" + "\n".join(records) + "\n</communities>"))

    with pytest.raises(shequkit.MalformedInputError) as caught:
        _read(path)

    assert "line 255" in caught.value.message_en
    assert "lang" in caught.value.message_en


def test_text_in_households_is_reported_as_e102_with_its_line(tmp_path: Path) -> None:
    community = _COMMUNITY.replace("<households>3000<", "<households>三千<")
    path = tmp_path / "text.xml"
    path.write_bytes(_document(f"<communities>\n{community}\n</communities>"))

    report = shequkit.validate(path, toolkit=_toolkit())

    (issue,) = report.issues
    assert issue.code == "SQK-E102"
    assert issue.path == "/communities/0/households"
    assert issue.location == "line 5"


def test_unknown_fields_collections_and_missing_meta_become_issues(tmp_path: Path) -> None:
    community = _COMMUNITY.replace("</id>", "</id><househlds>1</househlds>")
    path = tmp_path / "unknown.xml"
    path.write_bytes(
        b'<shequkit schema_version="1.0"><old_meta>2024</old_meta>'
        b"<widgets><widget><size>3</size></widget></widgets>"
        + f"<communities>{community}</communities></shequkit>".encode()
    )

    report = shequkit.validate(path, toolkit=_toolkit())

    assert {(issue.code, issue.path) for issue in report.issues} == {
        ("SQK-E106", "/widgets/0"),
        ("SQK-E106", "/old_meta"),
        ("SQK-E104", "/communities/0/househlds"),
        ("SQK-E109", "/meta"),
    }


def test_missing_schema_version_is_e107(tmp_path: Path) -> None:
    path = tmp_path / "noversion.xml"
    path.write_bytes(_document("").replace(b' schema_version="1.0"', b""))

    assert shequkit.validate(path, toolkit=_toolkit()).codes() == {"SQK-E107"}


def test_empty_elements_of_non_text_fields_count_as_absent(tmp_path: Path) -> None:
    community = _COMMUNITY.replace("<households>3000</households>", "<households/>")
    community = community.replace("</population>", "</population><area_km2> </area_km2>")
    path = tmp_path / "empty.xml"
    path.write_bytes(_document(f"<communities>{community}</communities>"))

    report = shequkit.validate(path, toolkit=_toolkit())

    assert {(issue.code, issue.path) for issue in report.issues} == {
        ("SQK-E101", "/communities/0/households")
    }


def test_list_fields_read_items_and_report_plain_text(tmp_path: Path) -> None:
    service = (
        "<service><id>s{n}</id><community_id>c1</community_id><category>便民利民</category>"
        "<name>维修</name><charging>低偿</charging><target_groups>{groups}</target_groups>"
        "</service>"
    )
    services = [
        service.format(n=1, groups="<item> 老年人 </item><item>disabled</item>"),
        service.format(n=2, groups=""),
        service.format(n=3, groups="老年人、残疾人"),
    ]
    path = tmp_path / "lists.xml"
    path.write_bytes(_document(f"<services>{''.join(services)}</services>"))

    data = [raw.data["target_groups"] for raw in _read(path) if raw.kind == "service"]

    assert data == [[" 老年人 ", "disabled"], [], "老年人、残疾人"]


def test_cell_text_converts_like_a_spreadsheet_cell_except_text_is_exact(tmp_path: Path) -> None:
    texts = {
        "households": " 3000 ",
        "population": "8600.0",
        "area_km2": "1e1",
        "open_affairs": "是",
        "grid_management": "false",
        "one_stop_service": "maybe",
        "type": " 街道型 ",
        "established": " 2001-05-01 ",
        "name": " '龙潭 ",
        "migrant_population": "三千",
    }
    body = "".join(f"<{name}>{text}</{name}>" for name, text in texts.items())
    path = tmp_path / "cells.xml"
    path.write_bytes(_document(f"<communities><community>{body}</community></communities>"))

    (community,) = [raw.data for raw in _read(path) if raw.kind == "community"]

    by_name = {column.name: column for column in columns(Community)}
    expected = {name: cell_to_wire(by_name[name], text) for name, text in texts.items()}
    expected["name"] = " '龙潭 "  # XML has no formulas: nothing to restore
    assert community == expected


def test_unknown_encoding_override_is_an_encoding_error(tmp_path: Path) -> None:
    path = tmp_path / "doc.xml"
    path.write_bytes(_document(""))

    with pytest.raises(shequkit.EncodingError) as caught:
        _read(path, encoding="no-such-encoding")

    assert caught.value.code == "SQK-F102"


def test_gb18030_declared_in_the_document_is_read(tmp_path: Path) -> None:
    path = tmp_path / "gb.xml"
    path.write_bytes(_document("").decode().replace("UTF-8", "GB18030").encode("gb18030"))

    (meta,) = _read(path)

    assert meta.data["reporting_unit"] == "玄武区民政局"


# -- streaming and atomic writes --------------------------------------------------------------


def test_reading_streams_records_before_the_end_of_the_file(tmp_path: Path) -> None:
    equipment = (
        "<equipment><id>e</id><community_id>c</community_id><type>计算机</type>"
        "<quantity>1</quantity></equipment>\n"
    )
    path = tmp_path / "big.xml"
    path.write_bytes(
        _document("<equipment>\n" + equipment * 1000 + "</equipment>\n<broken").rstrip(b"\n")
    )

    records = XmlCodec().read(path, ReadOptions())
    first = [next(records) for _ in range(1001)]

    assert [raw.kind for raw in first] == ["meta"] + ["equipment"] * 1000
    assert first[-1].path == "/equipment/999"
    with pytest.raises(shequkit.MalformedInputError) as caught:
        next(records)
    assert caught.value.code == "SQK-F103"


def test_writer_failure_midway_leaves_no_partial_file(tmp_path: Path) -> None:
    loaded = shequkit.load(_json_file(tmp_path / "in.json", valid_document()))
    target = tmp_path / "out.xml"
    target.write_bytes(b"previous")

    def exploding() -> Iterator[Any]:
        for number, (_kind, record) in enumerate(loaded.records()):
            if number == 10:
                raise KeyboardInterrupt
            yield record

    with pytest.raises(KeyboardInterrupt):
        XmlCodec().write(target, loaded.meta, exploding())

    assert target.read_bytes() == b"previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.json", "out.xml"]


def test_codec_is_registered_through_its_own_hook() -> None:
    toolkit = _toolkit()

    (info,) = [info for info in toolkit.formats() if info.name == "xml"]

    assert toolkit.codec_for("returns-2024.XML").name == "xml"
    assert (info.media_type, info.streams, info.reads, info.writes) == (
        "application/xml",
        True,
        True,
        True,
    )
