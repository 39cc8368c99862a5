"""The shequkit command: exit codes 0/1/2, JSON output, convert, sample, schema, demo."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import shequkit
from documents import SECRETARY_ID, valid_document
from shequkit.cli import cli


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def _write(path: Path, document: object) -> Path:
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def test_version_is_printed(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["--version"])

    assert result.exit_code == 0
    assert shequkit.__version__ in result.output


def test_validate_valid_file_exits_0(runner: CliRunner, tmp_path: Path) -> None:
    path = _write(tmp_path / "ok.json", valid_document())

    result = runner.invoke(cli, ["validate", str(path)])

    assert result.exit_code == 0, result.output
    assert "valid: 24 records" in result.output


def test_validate_invalid_data_exits_1_with_json_report(runner: CliRunner, tmp_path: Path) -> None:
    document = valid_document()
    document["staff"][0]["id_number"] = SECRETARY_ID[:-1] + (
        "1" if SECRETARY_ID[-1] != "1" else "2"
    )
    path = _write(tmp_path / "bad.json", document)

    result = runner.invoke(cli, ["validate", str(path), "--json"])

    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["valid"] is False
    assert report["records"] == 24
    (issue,) = report["issues"]
    assert issue["code"] == "SQK-E222"
    assert issue["path"] == "/staff/0/id_number"
    assert {"severity", "message_zh", "message_en"} <= issue.keys()
    assert SECRETARY_ID[:-1] not in result.output


@pytest.mark.parametrize(
    ("content", "code"),
    [("{broken", "SQK-F103"), (None, "SQK-F101")],
)
def test_validate_unreadable_input_exits_2_with_code(
    runner: CliRunner, tmp_path: Path, content: str | None, code: str
) -> None:
    path = tmp_path / "input.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")

    result = runner.invoke(cli, ["validate", str(path)])

    assert result.exit_code == 2
    assert code in result.output
    assert "Traceback" not in result.output


def test_wrong_usage_exits_2(runner: CliRunner) -> None:
    assert runner.invoke(cli, ["validate"]).exit_code == 2
    assert runner.invoke(cli, ["validate", "x.json", "--no-such-option"]).exit_code == 2


def test_validate_writes_junit_xml(runner: CliRunner, tmp_path: Path) -> None:
    path = _write(tmp_path / "ok.json", valid_document())
    junit = tmp_path / "report.xml"

    result = runner.invoke(cli, ["validate", str(path), "--junit", str(junit)])

    assert result.exit_code == 0
    assert junit.read_text(encoding="utf-8").startswith("<testsuite")


def test_convert_writes_target_and_refuses_invalid_data(runner: CliRunner, tmp_path: Path) -> None:
    good = _write(tmp_path / "good.json", valid_document())
    document = valid_document()
    document["services"][0]["charging"] = "半价"
    bad = _write(tmp_path / "bad.json", document)

    ok = runner.invoke(cli, ["convert", str(good), str(tmp_path / "good.jsonl")])
    refused = runner.invoke(cli, ["convert", str(bad), str(tmp_path / "bad.jsonl")])

    assert ok.exit_code == 0, ok.output
    assert shequkit.load(tmp_path / "good.jsonl") == shequkit.load(good)
    assert refused.exit_code == 1
    assert "SQK-E103" in refused.output
    assert not (tmp_path / "bad.jsonl").exists()


def test_convert_with_unknown_target_format_exits_2(runner: CliRunner, tmp_path: Path) -> None:
    good = _write(tmp_path / "good.json", valid_document())

    result = runner.invoke(cli, ["convert", str(good), str(tmp_path / "out.docx")])

    assert result.exit_code == 2
    assert "SQK-F105" in result.output


def test_sample_writes_a_valid_deterministic_dataset(runner: CliRunner, tmp_path: Path) -> None:
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"

    for target in (first, second):
        result = runner.invoke(
            cli, ["sample", "--communities", "5", "--seed", "7", "-o", str(target)]
        )
        assert result.exit_code == 0, result.output

    assert first.read_bytes() == second.read_bytes()
    check = runner.invoke(cli, ["validate", str(first)])
    assert check.exit_code == 0, check.output


def test_sample_with_unknown_province_exits_2(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["sample", "--province", "99", "-o", str(tmp_path / "x.json")])

    assert result.exit_code == 2
    assert "SQK-U" in result.output


def test_schema_prints_the_document_schema(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["schema"])

    assert result.exit_code == 0
    schema = json.loads(result.output)
    assert "communities" in schema["properties"]


def test_demo_runs_the_main_job(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "demo"

    result = runner.invoke(cli, ["demo", "--out", str(out), "--communities", "5"])

    assert result.exit_code == 0, result.output
    assert "一致 the two agree" in result.stdout
    assert "jiangsu-2008" in result.stdout  # Jiangsu by default, evaluated with its own pack
    sample = shequkit.load(out / "sample.json")
    pulled = shequkit.load(out / "sync" / "pulled.json")
    assert set(pulled.communities) == set(sample.communities)
    assert len(pulled) == len(sample)
    for name in ("jiangsu-return.xlsx", "report.xlsx", "report.html", "report.json"):
        assert (out / name).stat().st_size > 0, name
    evaluation = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert evaluation["summary"]["communities"] == len(sample.communities)


def test_demo_runs_again_into_the_same_directory(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "demo"
    first = runner.invoke(cli, ["demo", "--out", str(out), "-n", "3", "--province", "42"])
    second = runner.invoke(cli, ["demo", "--out", str(out), "-n", "3", "--province", "42"])

    assert first.exit_code == 0, first.output
    assert second.exit_code == 0, second.output  # a fresh sandbox and fresh states each run
    assert "hubei-huangpi" in second.stdout
    assert (out / "hubei-return.xlsx").exists()
