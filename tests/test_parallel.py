"""Parallel validation of one JSONL file gives the serial report, issue for issue and in order."""

from __future__ import annotations

from pathlib import Path

import pytest

import shequkit
from planted import planted_lines, write_jsonl
from shequkit.validate._parallel import validate_parallel


@pytest.mark.parametrize("chunk_bytes", [4_096, 60_000, 10**9])
def test_parallel_validation_reports_what_serial_validation_reports(
    tmp_path: Path, chunk_bytes: int
) -> None:
    path = write_jsonl(tmp_path / "planted.jsonl", planted_lines(communities=8))
    serial = shequkit.validate(path)

    parallel = validate_parallel(path, workers=2, chunk_bytes=chunk_bytes)

    assert len(serial.issues) > 15
    assert parallel.issues == serial.issues
    assert [issue.location for issue in parallel.issues] == [
        issue.location for issue in serial.issues
    ]
    assert parallel.records == serial.records
    assert parallel.counts == serial.counts


def test_parallel_validation_keeps_the_first_issues_as_serial_does(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "planted.jsonl", planted_lines(communities=8))

    parallel = validate_parallel(path, workers=2, chunk_bytes=8_192, max_issues=5)

    serial = shequkit.validate(path, max_issues=5)
    assert parallel.issues == serial.issues
    assert parallel.dropped == serial.dropped


def test_a_file_error_is_raised_as_the_serial_path_raises_it(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "planted.jsonl", planted_lines(communities=8))
    with path.open("a", encoding="utf-8") as out:
        out.write("{not json\n")

    with pytest.raises(shequkit.InputError) as serial:
        shequkit.validate(path)
    with pytest.raises(shequkit.InputError) as parallel:
        validate_parallel(path, workers=2, chunk_bytes=8_192)

    assert parallel.value.code == serial.value.code
    assert parallel.value.message_en == serial.value.message_en
