"""The Spark path reports the same issues as the local validator on the same data."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pyspark.sql import SparkSession

import shequkit
from planted import planted_lines, write_jsonl
from shequkit.spark import ISSUE_COLUMNS, validate_jsonl


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
