"""Evaluation reports: XLSX with native charts, one self-contained HTML page, JSON.

Each report is written from a real evaluation of sample data against the
national pack, then opened with an independent reader (openpyxl, the zip
container, an HTML parser, json) and compared with the evaluation itself.
"""

from __future__ import annotations

import html.parser
import json
import re
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import attrs
import openpyxl
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import shequkit
from shequkit._hookspecs import ReportWriter
from shequkit.cli import cli
from shequkit.codes import FacilityType
from shequkit.model import Dataset
from shequkit.reports import (
    REPORT_FIGURES,
    SPACE_BUCKETS,
    HtmlReportWriter,
    JsonReportWriter,
    XlsxReportWriter,
    write_report,
)
from shequkit.reports._content import MAX_CHART_BARS
from shequkit.sample import SampleSpec, generate_sample
from shequkit.standards import (
    ROLLUP_SCOPES,
    CommunityResult,
    Evaluation,
    Finding,
    Outcome,
    Scope,
    evaluate,
    resolve_pack,
)
from shequkit.standards._evaluate import roll_up
from shequkit.validate import Report

HOSTILE_NAMES = (
    '=HYPERLINK("http://example.invalid","点击")',
    "+1+2",
    "-3",
    "@SUM(A1:A2)",
    "<script>alert(1)</script>社区",
)
CHARTS_SHEET = "图表 Charts"
PAGE_TAGS = frozenset(
    [
        "html",
        "head",
        "meta",
        "title",
        "style",
        "body",
        "header",
        "h1",
        "h2",
        "h3",
        "p",
        "nav",
        "a",
        "main",
        "section",
        "dl",
        "dt",
        "dd",
        "span",
        "div",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "br",
        "figure",
        "figcaption",
        "svg",
        "line",
        "text",
        "rect",
        "details",
        "summary",
        "footer",
    ]
)
SHEETS = [
    "概况 Summary",
    CHARTS_SHEET,
    "街道 Streets",
    "县区 Counties",
    "地市 Cities",
    "省份 Provinces",
    "社区 Communities",
    "规则 Rules",
]


NOT_OPEN = (10, 25, 40)  # communities that do not open their affairs: they miss the standard


def _planted(dataset: Dataset) -> Dataset:
    communities = list(dataset.communities)
    for position, name in enumerate(HOSTILE_NAMES):
        communities[position] = attrs.evolve(communities[position], name=name)
    for position in NOT_OPEN:
        communities[position] = attrs.evolve(communities[position], open_affairs=False)
    return attrs.evolve(dataset, communities=tuple(communities))


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    # Several streets; five communities renamed to hostile text, three missing the standard.
    return _planted(generate_sample(SampleSpec(communities=80, seed=7, province="32")))


@pytest.fixture(scope="module")
def evaluation(dataset: Dataset) -> Evaluation:
    return evaluate(dataset, "national", figures=REPORT_FIGURES)


@pytest.fixture(scope="module")
def reports(evaluation: Evaluation, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("reports")
    written = {}
    for suffix in ("xlsx", "html", "json"):
        path = folder / f"report.{suffix}"
        write_report(evaluation, path)
        written[suffix] = path
    return written


def _sheet_rows(path: Path, sheet: str) -> list[tuple[Any, ...]]:
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        return [tuple(row) for row in book[sheet].iter_rows(values_only=True)]
    finally:
        book.close()


# -- the hook --------------------------------------------------------------------------


def test_builtin_writers_come_through_the_reports_hook() -> None:
    toolkit = shequkit.Toolkit(plugins=[])
    names = [writer.name for writer in toolkit.report_writers]
    assert names == ["xlsx", "html", "json"]
    assert all(isinstance(writer, ReportWriter) for writer in toolkit.report_writers)
    assert toolkit.report_writer_for("a/B.XLSX").name == "xlsx"
    assert toolkit.report_writer_for("b.htm").name == "html"
    assert toolkit.report_writer_for("c.json").name == "json"


def test_an_unknown_report_extension_is_a_usage_error() -> None:
    with pytest.raises(shequkit.UsageError) as raised:
        shequkit.Toolkit(plugins=[]).report_writer_for("report.pdf")
    assert raised.value.code == "SQK-U121"
    assert ".xlsx" in raised.value.message_en


# -- XLSX ------------------------------------------------------------------------------


def test_xlsx_report_opens_in_openpyxl_with_every_sheet(reports: dict[str, Path]) -> None:
    book = openpyxl.load_workbook(reports["xlsx"])
    try:
        assert book.sheetnames == SHEETS
    finally:
        book.close()


def _chart_refs(path: Path) -> dict[str, list[str]]:
    with zipfile.ZipFile(path) as archive:
        names = sorted(
            name for name in archive.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", name)
        )
        return {
            name: re.findall(r"<c:f>([^<]*)</c:f>", archive.read(name).decode()) for name in names
        }


def _cells(path: Path, reference: str) -> list[Any]:
    """The values of a chart reference such as ``'图表 Charts'!$A$3:$A$9``."""
    match = re.fullmatch(r"'(.+)'!\$([A-Z]+)\$(\d+):\$([A-Z]+)\$(\d+)", reference)
    assert match is not None, reference
    sheet, first_column, first, last_column, last = match.groups()
    assert first_column == last_column
    rows = _sheet_rows(path, sheet)
    column = openpyxl.utils.column_index_from_string(first_column) - 1
    return [rows[number - 1][column] for number in range(int(first), int(last) + 1)]


def test_xlsx_has_three_native_charts_on_the_chart_data(
    reports: dict[str, Path], evaluation: Evaluation
) -> None:
    refs = _chart_refs(reports["xlsx"])
    assert len(refs) == 3
    with zipfile.ZipFile(reports["xlsx"]) as archive:
        # The charts are drawn on the charts sheet (the second sheet).
        rels = archive.read("xl/worksheets/_rels/sheet2.xml.rels").decode()
        assert "drawings/drawing1.xml" in rels
        drawing = archive.read("xl/drawings/_rels/drawing1.xml.rels").decode()
        assert drawing.count("charts/chart") == 3
    streets, facilities, space = refs.values()
    for chart in (streets, facilities, space):
        assert all(ref.startswith(f"'{CHARTS_SHEET}'!") for ref in chart)

    # 1: share meeting the standard per street (labels, values).
    units = evaluation.rollups[Scope.STREET]
    labels, values = _cells(reports["xlsx"], streets[0]), _cells(reports["xlsx"], streets[1])
    assert labels == [unit.name or unit.code for unit in units]
    assert values == pytest.approx([unit.share() for unit in units])

    # 2: communities with at least one facility of each type, as a share.
    labels, values = _cells(reports["xlsx"], facilities[0]), _cells(reports["xlsx"], facilities[1])
    assert labels == [member.label_zh for member in FacilityType]
    total = len(evaluation.communities)
    expected = {
        member: sum(
            1
            for result in evaluation.communities
            if (evaluation.figure(result, f"facility:{member.name}") or 0) > 0
        )
        for member in FacilityType
    }
    assert values == pytest.approx([expected[member] / total for member in FacilityType])
    assert 0 < values[labels.index("社区服务站")] <= 1

    # 3: the service-space histogram in the fixed buckets.
    labels, counts = _cells(reports["xlsx"], space[0]), _cells(reports["xlsx"], space[1])
    assert len(labels) == len(SPACE_BUCKETS)
    spaces = [evaluation.figure(result, "service_space_m2") for result in evaluation.communities]
    known = [value for value in spaces if value is not None]
    assert sum(counts) == len(known)
    assert counts[0] == sum(1 for value in known if value < SPACE_BUCKETS[1])
    assert counts[-1] == sum(1 for value in known if value >= SPACE_BUCKETS[-1])


def test_xlsx_figures_match_the_evaluation(
    reports: dict[str, Path], evaluation: Evaluation
) -> None:
    path = reports["xlsx"]
    summary = {row[0]: row[2] for row in _sheet_rows(path, "概况 Summary") if row and row[0]}
    assert summary["社区数"] == len(evaluation.communities)
    assert summary["达标社区数"] == evaluation.meeting_standard
    assert summary["达标率"] == pytest.approx(
        evaluation.meeting_standard / len(evaluation.communities)
    )
    rule_ids = [rule.id for rule in evaluation.pack.rules]
    for scope, sheet in zip(ROLLUP_SCOPES, SHEETS[2:6], strict=True):
        header, *rows = _sheet_rows(path, sheet)
        units = evaluation.rollups[scope]
        assert len(rows) == len(units)
        for row, unit in zip(rows, units, strict=True):
            assert row[0] == unit.code
            assert row[2:4] == (unit.communities, unit.meeting_standard)
            assert row[4] == pytest.approx(unit.share())
            shares = row[5 : 5 + len(rule_ids)]
            assert list(shares) == pytest.approx([unit.share(rule_id) for rule_id in rule_ids])
        assert header[5] == f"{rule_ids[0]} 达标率 share"
    # Counties add up to the province, communities to their streets.
    (province,) = evaluation.rollups[Scope.PROVINCE]
    assert sum(unit.communities for unit in evaluation.rollups[Scope.COUNTY]) == len(
        evaluation.communities
    )
    assert province.meeting_standard == evaluation.meeting_standard

    header, *rows = _sheet_rows(path, "社区 Communities")
    assert len(rows) == len(evaluation.communities)
    meets = header.index("达标 meets standard")
    outcome = header.index(f"{rule_ids[0]} 结果 outcome")
    for row, result in zip(rows, evaluation.communities, strict=True):
        assert row[0] == result.community_id
        assert row[meets] == ("是" if result.meets_standard else "否")
        assert row[outcome] == result.findings[0].outcome.label_zh


def test_xlsx_rules_sheet_quotes_every_source_sentence(
    reports: dict[str, Path], evaluation: Evaluation
) -> None:
    rows = _sheet_rows(reports["xlsx"], "规则 Rules")
    by_id = {row[0]: row for row in rows if row and row[0]}
    for rule in evaluation.pack.rules:
        assert by_id[rule.id][7] == rule.citation.text
        assert by_id[rule.id][5:7] == (rule.citation.document, rule.citation.clause)


def test_formula_leading_community_names_stay_inert_text_in_xlsx(
    reports: dict[str, Path],
) -> None:
    book = openpyxl.load_workbook(reports["xlsx"])
    try:
        sheet = book["社区 Communities"]
        names = {sheet.cell(row, 2).value: sheet.cell(row, 2) for row in range(2, 10)}
        for name in HOSTILE_NAMES:
            cell = names[name]
            assert cell.data_type == "s"
            if name[0] in "=+-@":
                assert cell.quotePrefix, name
    finally:
        book.close()
    with zipfile.ZipFile(reports["xlsx"]) as archive:
        for member in archive.namelist():
            if member.startswith("xl/worksheets/sheet"):
                assert b"<f>" not in archive.read(member), member


def test_an_evaluation_without_figures_still_has_the_street_chart(
    dataset: Dataset, tmp_path: Path
) -> None:
    plain = evaluate(dataset, "national")
    XlsxReportWriter().write(plain, tmp_path / "plain.xlsx")
    HtmlReportWriter().write(plain, tmp_path / "plain.html")

    assert len(_chart_refs(tmp_path / "plain.xlsx")) == 1
    assert (tmp_path / "plain.html").read_text(encoding="utf-8").count("<svg") == 1


def test_street_chart_shows_the_lowest_shares_when_streets_are_many(tmp_path: Path) -> None:
    pack = resolve_pack("national")
    results = []
    for street in range(1, MAX_CHART_BARS + 11):
        for number in (1, 2):
            results.append(
                CommunityResult(
                    f"c{street}-{number}",
                    "社区",
                    f"320102{street:03d}{number:03d}",
                    len(results),
                    tuple(Finding(Outcome.PASS) for _ in pack.rules),
                    meets_standard=street % 4 != 0 or number == 1,  # every 4th street: 50%
                )
            )
    rollups = roll_up(pack, tuple(results))
    many = Evaluation(pack, tuple(results), rollups, Report())
    XlsxReportWriter().write(many, tmp_path / "many.xlsx")

    streets = _chart_refs(tmp_path / "many.xlsx")["xl/charts/chart1.xml"]
    labels = _cells(tmp_path / "many.xlsx", streets[0])
    shares = _cells(tmp_path / "many.xlsx", streets[1])
    assert len(shares) == MAX_CHART_BARS
    halves = [unit.code for unit in rollups[Scope.STREET] if unit.share() == 0.5]
    assert labels[: len(halves)] == halves  # no names in the data: codes, lowest share first
    assert shares == sorted(shares)


@pytest.mark.parametrize("writer", [XlsxReportWriter(), HtmlReportWriter(), JsonReportWriter()])
def test_an_evaluation_without_communities_still_makes_a_report(
    writer: ReportWriter, tmp_path: Path
) -> None:
    pack = resolve_pack("national")
    empty = Evaluation(pack, (), roll_up(pack, ()), Report())
    target = tmp_path / f"empty{writer.extensions[0]}"

    writer.write(empty, target)

    assert target.stat().st_size > 0
    if target.suffix == ".json":
        assert json.loads(target.read_text(encoding="utf-8"))["summary"]["communities"] == 0


# -- HTML ------------------------------------------------------------------------------


class _Page(html.parser.HTMLParser):
    """Collects tags with their attributes, and the rows of every table, by section."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.sections: dict[str, list[list[list[str]]]] = {}
        self._section = ""
        self._cell: list[str] | None = None
        self._row: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "section":
            self._section = dict(attrs).get("id") or ""
        elif tag == "table":
            self.sections.setdefault(self._section, []).append([])
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.sections[self._section][-1].append(self._row)
            self._row = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def _page(path: Path) -> tuple[str, _Page]:
    text = path.read_text(encoding="utf-8")
    page = _Page()
    page.feed(text)
    page.close()
    return text, page


def test_html_refers_to_nothing_outside_itself(reports: dict[str, Path]) -> None:
    text, page = _page(reports["html"])
    for tag, attributes in page.tags:
        assert tag not in ("script", "link", "iframe", "object", "embed", "img", "base"), tag
        for name in ("src", "href", "xlink:href", "action", "srcset", "poster"):
            value = attributes.get(name)
            if value is not None:
                assert value.startswith(("#", "data:")), (tag, name, value)
    lowered = text.lower()
    assert "@import" not in lowered
    assert "url(" not in lowered
    # Not even a namespace URL: the page holds no http(s) address but the escaped
    # hostile community name, which is text in a table cell.
    addresses = re.findall(r"https?://[^\s\"'<>&]*", text)
    assert addresses == ["http://example.invalid"]
    assert "&quot;http://example.invalid&quot;" in text
    assert text.count("<svg") == 3


def test_html_escapes_text_from_the_data(reports: dict[str, Path]) -> None:
    text, page = _page(reports["html"])
    assert "<script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;社区" in text
    assert not any(tag == "script" for tag, _ in page.tags)


def test_html_has_the_same_figures_as_the_evaluation(
    reports: dict[str, Path], evaluation: Evaluation
) -> None:
    text, page = _page(reports["html"])
    assert "概况" in text
    assert "Summary" in text
    for scope in ROLLUP_SCOPES:
        (table,) = page.sections[scope.value]
        rows = table[1:]
        units = evaluation.rollups[scope]
        assert [row[0] for row in rows] == [unit.code for unit in units]
        for row, unit in zip(rows, units, strict=True):
            assert row[2] == f"{unit.communities:,}"
            share = unit.share()
            assert row[4] == ("—" if share is None else f"{share:.1%}")
    (table,) = page.sections["communities"]
    rows = table[1:]
    assert len(rows) == len(evaluation.communities)  # under the row limit: all of them
    assert [row[0] for row in rows] == [result.community_id for result in evaluation.communities]
    rule_tables = page.sections["rules"]
    listed = {row[0] for row in rule_tables[0][1:]}
    assert listed == {rule.id for rule in evaluation.pack.rules}


def test_html_lists_communities_not_meeting_the_standard_first_when_too_many(
    evaluation: Evaluation, tmp_path: Path
) -> None:
    failing = [result for result in evaluation.communities if not result.meets_standard]
    assert failing, "the sample should have communities missing the standard"
    limit = len(failing) + 2
    HtmlReportWriter(max_rows=limit).write(evaluation, tmp_path / "paged.html")

    text, page = _page(tmp_path / "paged.html")
    (table,) = page.sections["communities"]
    rows = table[1:]
    assert len(rows) == limit
    assert [row[0] for row in rows[: len(failing)]] == [r.community_id for r in failing]
    assert f"{len(evaluation.communities):,} rows, {limit:,} listed here" in text


@settings(max_examples=60, deadline=None)
@given(
    name=st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=60).filter(
        lambda text: text.strip() == text and text.strip() != ""
    )
)
def test_html_shows_any_community_name_as_text(name: str) -> None:
    pack = resolve_pack("national")
    findings = tuple(Finding(Outcome.PASS) for _ in pack.rules)
    results = (CommunityResult("c1", name, "320102001001", 0, findings, True),)
    single = Evaluation(pack, results, roll_up(pack, results), Report())
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "one.html"
        HtmlReportWriter().write(single, path)
        _, page = _page(path)
    (table,) = page.sections["communities"]
    assert table[1][1] == name
    assert {tag for tag, _ in page.tags} <= PAGE_TAGS


# -- JSON ------------------------------------------------------------------------------


def test_json_report_round_trips_with_matching_counts(
    reports: dict[str, Path], evaluation: Evaluation
) -> None:
    raw = reports["json"].read_bytes()
    assert "社区".encode() in raw  # UTF-8, not \\u escapes
    document = json.loads(raw.decode("utf-8"))
    assert document == json.loads(json.dumps(evaluation.to_dict(), ensure_ascii=False))
    assert document["summary"]["communities"] == len(evaluation.communities)
    assert document["summary"]["meeting_standard"] == evaluation.meeting_standard
    assert sum(1 for community in document["communities"] if community["meets_standard"]) == (
        evaluation.meeting_standard
    )
    streets = document["rollups"]["street"]
    assert [street["communities"] for street in streets] == [
        unit.communities for unit in evaluation.rollups[Scope.STREET]
    ]
    assert set(document["figures"]) == set(REPORT_FIGURES)
    first = document["communities"][0]["figures"]
    assert first["households"] == evaluation.communities[0].figures[0]


def test_json_report_holds_no_personal_data(reports: dict[str, Path], dataset: Dataset) -> None:
    text = reports["json"].read_text(encoding="utf-8")
    for person in dataset.staff[:50]:
        assert str(person.name) not in text
        if person.phone is not None:
            assert str(person.phone) not in text
        if person.id_number is not None:
            assert str(person.id_number) not in text


# -- atomic writes ---------------------------------------------------------------------


@pytest.mark.parametrize("writer", [XlsxReportWriter(), HtmlReportWriter()])
def test_an_interrupted_write_leaves_the_previous_report(
    writer: ReportWriter, evaluation: Evaluation, tmp_path: Path
) -> None:
    target = tmp_path / f"report{writer.extensions[0]}"
    target.write_bytes(b"previous")

    def interrupt(count: int) -> None:
        raise KeyboardInterrupt  # Ctrl-C while the communities are written

    with pytest.raises(KeyboardInterrupt):
        writer.write(evaluation, target, progress=interrupt)

    assert target.read_bytes() == b"previous"
    assert sorted(path.name for path in tmp_path.iterdir()) == [target.name]


def test_a_json_report_json_cannot_hold_is_refused_and_nothing_written(
    evaluation: Evaluation, tmp_path: Path
) -> None:
    first = evaluation.communities[0]
    broken = attrs.evolve(
        evaluation,
        communities=(attrs.evolve(first, figures=(float("nan"),) * len(first.figures)),),
    )
    target = tmp_path / "report.json"
    target.write_bytes(b"previous")

    with pytest.raises(shequkit.UsageError) as raised:
        JsonReportWriter().write(broken, target)

    assert raised.value.code == "SQK-U100"
    assert target.read_bytes() == b"previous"
    assert sorted(path.name for path in tmp_path.iterdir()) == [target.name]


# -- the command -----------------------------------------------------------------------


def _sample_file(folder: Path, dataset: Dataset) -> Path:
    path = folder / "sample.json"
    shequkit.dump(dataset, path)
    return path


def test_report_command_writes_several_reports_from_one_evaluation(
    dataset: Dataset, evaluation: Evaluation, tmp_path: Path
) -> None:
    source = _sample_file(tmp_path, dataset)
    outputs = [tmp_path / "r.xlsx", tmp_path / "r.html", tmp_path / "r.json"]
    arguments = ["report", str(source), "--rules", "national"]
    for output in outputs:
        arguments += ["-o", str(output)]

    result = CliRunner().invoke(cli, arguments, prog_name="shequkit")

    assert result.exit_code == 0, result.output
    assert all(output.exists() for output in outputs)
    document = json.loads(outputs[2].read_text(encoding="utf-8"))
    assert document["summary"]["communities"] == len(evaluation.communities)
    assert document["summary"]["meeting_standard"] == evaluation.meeting_standard
    assert f"达标 meeting the standard {evaluation.meeting_standard:,}" in result.output
    assert len(_chart_refs(outputs[0])) == 3


def test_report_command_refuses_an_unknown_extension_before_evaluating(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli,
        [
            "report",
            str(tmp_path / "missing.json"),
            "--rules",
            "national",
            "-o",
            str(tmp_path / "x.html"),
            "-o",
            str(tmp_path / "x.pdf"),
        ],
        prog_name="shequkit",
    )
    assert result.exit_code == 2
    assert "SQK-U121" in result.output  # not SQK-F101: the input was never opened
    assert list(tmp_path.iterdir()) == []


def test_report_command_never_overwrites_its_input(dataset: Dataset, tmp_path: Path) -> None:
    source = _sample_file(tmp_path, dataset)
    before = source.read_bytes()

    result = CliRunner().invoke(
        cli, ["report", str(source), "--rules", "national", "-o", str(source)]
    )

    assert result.exit_code == 2
    assert source.read_bytes() == before


def test_report_command_exits_1_when_the_data_has_errors(tmp_path: Path) -> None:
    community = {"division_code": "320102001001", "households": 3000, "population": 9000}
    document = {
        "schema_version": "1.0",
        "meta": {"reporting_unit": "玄武区民政局", "period": "2024"},
        "communities": [
            {**community, "id": "c1", "name": "龙潭社区", "households": "三千"},
            {**community, "id": "c2", "name": "虎踞社区", "division_code": "320102001002"},
        ],
    }
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")

    result = CliRunner().invoke(
        cli, ["report", str(path), "--rules", "national", "-o", str(tmp_path / "r.json")]
    )

    assert result.exit_code == 1
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert [community["id"] for community in report["communities"]] == ["c2"]
    assert "shequkit validate bad.json" in result.output
