"""The Spark path reports the same issues as the local validator on the same data."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pyspark.sql import SparkSession

import shequkit
from planted import planted_lines, write_jsonl
from shequkit.spark import (
    ISSUE_COLUMNS,
    SparkEvaluation,
    evaluate_jsonl,
    evaluate_lines,
    validate_jsonl,
)
from shequkit.spark._partition import chunked
from shequkit.standards import Evaluation, Scope, evaluate


@pytest.fixture(scope="module")
def spark() -> Iterator[SparkSession]:
    """One small local session for the module: two cores, no UI, few shuffle partitions."""
    os.environ["PYSPARK_PYTHON"] = sys.executable  # the workers run this very interpreter
    session = (
        SparkSession.builder.master("local[2]")
        .appName("shequkit-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.default.parallelism", "2")
        .config("spark.sql.adaptive.enabled", "false")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def _local(issues: list[shequkit.Issue]) -> list[tuple[Any, ...]]:
    rows = []
    for issue in issues:
        data = issue.to_dict()
        value = data.get("value")
        data["value"] = None if value is None else json.dumps(value, ensure_ascii=False)
        rows.append(tuple(data.get(column) for column in ISSUE_COLUMNS))
    return sorted(rows, key=repr)


def test_spark_reports_the_issues_the_local_validator_reports(
    spark: SparkSession, tmp_path: Path
) -> None:
    path = write_jsonl(tmp_path / "planted.jsonl", planted_lines(communities=12))
    local = shequkit.validate(path)
    assert len(local.issues) > 15  # every kind of planted error is there

    found = validate_jsonl(spark, str(path)).collect()

    spark_rows = sorted((tuple(row[c] for c in ISSUE_COLUMNS) for row in found), key=repr)
    assert spark_rows == _local(local.issues)


def test_spark_numbers_records_across_partitions_like_the_file(
    spark: SparkSession, tmp_path: Path
) -> None:
    lines = planted_lines(communities=12)
    path = write_jsonl(tmp_path / "planted.jsonl", lines)
    local = shequkit.validate(path)
    text = spark.read.text(str(path))
    # Split the lines over several partitions, keeping the file order.
    rdd = text.rdd.zipWithIndex().map(lambda pair: (pair[1], pair[0][0]))
    ordered = spark.createDataFrame(rdd, "n long, value string").repartitionByRange(4, "n")
    assert ordered.rdd.getNumPartitions() == 4

    found = shequkit.spark.validate_lines(ordered.sortWithinPartitions("n")).collect()

    spark_rows = sorted((tuple(row[c] for c in ISSUE_COLUMNS) for row in found), key=repr)
    assert spark_rows == _local(local.issues)


def _local_results(evaluation: Evaluation) -> list[tuple[Any, ...]]:
    return sorted(
        (
            result.community_id,
            result.name,
            result.division_code,
            result.index,
            result.meets_standard,
            None if result.grade is None else result.grade.label,
            tuple(
                (
                    rule.id,
                    finding.outcome.value,
                    None
                    if finding.actual is None
                    else json.dumps(finding.actual, ensure_ascii=False),
                    finding.expected,
                )
                for rule, finding in zip(evaluation.pack.rules, result.findings, strict=True)
            ),
        )
        for result in evaluation.communities
    )


def _spark_results(evaluation: SparkEvaluation) -> list[tuple[Any, ...]]:
    return sorted(
        (
            row["community_id"],
            row["name"],
            row["division_code"],
            row["index"],
            row["meets_standard"],
            row["grade"],
            tuple((f["rule"], f["outcome"], f["actual"], f["expected"]) for f in row["findings"]),
        )
        for row in evaluation.communities.collect()
    )


@pytest.mark.parametrize("pack", ["jiangsu-2008", "national"])
def test_spark_evaluates_communities_as_the_local_evaluation_does(
    spark: SparkSession, tmp_path: Path, pack: str
) -> None:
    lines = planted_lines(communities=12)
    # Children before their community, an orphan, and a second record with a known id.
    facility = next(record for kind, record in lines if kind == "facility")
    community = next(record for kind, record in lines if kind == "community")
    lines.insert(1, ("facility", {**facility, "id": "f-early"}))
    lines.append(("facility", {**facility, "id": "f-orphan", "community_id": "c-nowhere"}))
    lines.append(("community", {**community, "name": "后来的同号社区"}))
    path = write_jsonl(tmp_path / "planted.jsonl", lines)
    local = evaluate(path, pack)
    assert len(local.communities) >= 10

    found = evaluate_jsonl(spark, str(path), pack)

    assert _spark_results(found) == _local_results(local)
    assert found.rollups() == local.rollups
    assert any(unit.name for unit in local.rollups[Scope.STREET])  # names came through
    issues = found.issues().collect()
    assert sorted((tuple(row[c] for c in ISSUE_COLUMNS) for row in issues), key=repr) == _local(
        list(local.issues())
    )
    codes = {row["code"] for row in issues}
    assert codes & {"SQK-E401", "SQK-W402", "SQK-W403"}  # per community, from the workers
    assert ("SQK-W404" in codes) is (pack == "jiangsu-2008")  # its street targets are missed


def test_spark_evaluation_numbers_communities_across_partitions(
    spark: SparkSession, tmp_path: Path
) -> None:
    path = write_jsonl(tmp_path / "planted.jsonl", planted_lines(communities=12))
    local = evaluate(path, "national")
    text = spark.read.text(str(path))
    rdd = text.rdd.zipWithIndex().map(lambda pair: (pair[1], pair[0][0]))
    ordered = spark.createDataFrame(rdd, "n long, value string").repartitionByRange(4, "n")

    found = evaluate_lines(ordered.sortWithinPartitions("n"), "national")

    assert _spark_results(found) == _local_results(local)
    assert found.rollups() == local.rollups


@given(st.lists(st.integers()), st.integers(1, 9))
def test_rows_are_chunked_into_bounded_arrow_batches_with_nothing_lost(
    rows: list[int], size: int
) -> None:
    chunks = list(chunked(iter(rows), size))

    assert [row for chunk in chunks for row in chunk] == rows
    assert all(0 < len(chunk) <= size for chunk in chunks)
    assert all(len(chunk) == size for chunk in chunks[:-1])
