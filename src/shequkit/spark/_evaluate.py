"""Standards evaluation in Spark: the same rules, one community per group, rollups by division.

1. ``mapInArrow`` structures every JSONL line as the validator does and keeps the
   records that pass the structural layer, keyed by their community (a
   community by its id, a child record by its ``community_id``), with their
   place in the file; division names at street level and above come out too.
2. The records are grouped by community (a shuffle, Spark's own), the first
   community record of an id wins as in :class:`~shequkit.standards.CommunityGrouper`,
   and each community's position among the communities of the file is
   numbered by its first line.
3. ``mapInArrow`` again builds each :class:`~shequkit.standards.CommunityView`
   and runs :func:`~shequkit.standards.evaluate_views`: one row per community.
4. :meth:`SparkEvaluation.rollups` counts the rows per street in Spark and
   finishes the rollups (counties, cities, provinces, targets) on the driver
   with the local :class:`~shequkit.standards._rollup.Tally`, so the numbers
   are the local ones.
5. :meth:`SparkEvaluation.issues` words the standards issues from the
   community rows in the workers, and the missed targets from the rollups.
"""

from __future__ import annotations

import json
import pickle
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Final

import attrs

from shequkit.formats._base import META, loads_json
from shequkit.formats._jsonl import _raw_record
from shequkit.model import Community, kind_by_name
from shequkit.spark._partition import chunked
from shequkit.spark._validate import ISSUE_COLUMNS, ISSUE_SCHEMA, _as_row
from shequkit.spark._validate import _arrow_schema as _issue_schema
from shequkit.standards._evaluate import evaluate_views, resolve_pack, standards_issues
from shequkit.standards._results import CommunityResult
from shequkit.standards._rollup import Tally, UnitRollup
from shequkit.standards._rules import Finding, Outcome, RulePack, Scope
from shequkit.standards._view import CommunityView
from shequkit.validate._structural import structure_record

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

__all__ = [
    "RESULT_SCHEMA",
    "SparkEvaluation",
    "evaluate_jsonl",
    "evaluate_lines",
    "record_rows",
    "result_row",
]

RESULT_SCHEMA: Final = (
    "community_id string, name string, division_code string, index long,"
    " meets_standard boolean, grade string,"
    " findings array<struct<rule: string, outcome: string, actual: string, expected: string>>"
)
"""The communities DataFrame's schema as a Spark DDL string.

``findings`` is in the pack's rule order; ``actual`` holds the value found as
JSON text (``3000``, ``"缺:图书阅览室"``), null when the data was missing.
"""

# The rows of step 1 (see record_rows), declared once for Spark and for Arrow.
_RECORD_FIELDS: Final = (
    ("t", "string"),
    ("key", "string"),
    ("n", "long"),
    ("record", "binary"),
    ("name", "string"),
)
_RECORD_SCHEMA: Final = ", ".join(f"{name} {kind}" for name, kind in _RECORD_FIELDS)


@attrs.frozen
class SparkEvaluation:
    """The result of :func:`evaluate_lines`: per-community results as a DataFrame.

    Attributes:
        pack: the rule pack evaluated.
        communities: one row per community (:data:`RESULT_SCHEMA`), the same
            results :func:`shequkit.standards.evaluate` gives for the same file.
        divisions: ``code``, ``name`` of the divisions at street level and above
            that the data holds (for the names of the rollups).
    """

    pack: RulePack
    communities: DataFrame
    divisions: DataFrame

    def rollups(self) -> dict[Scope, tuple[UnitRollup, ...]]:
        """Per division level, one rollup per division: those of the local evaluation.

        The counting per street runs in Spark; the few street rows (tens of
        thousands nationally) are summed up to counties, cities and provinces
        on the driver, where the targets are checked.
        """
        from pyspark.sql import functions as F

        street = F.substring("division_code", 1, Scope.STREET.prefix_length).alias("street")
        bases = self.communities.groupBy(street).agg(
            F.count(F.lit(1)).alias("communities"),
            F.sum(F.col("meets_standard").cast("long")).alias("meeting"),
        )
        outcomes = (
            self.communities.select(street, F.posexplode("findings").alias("position", "finding"))
            .groupBy("street", "position", F.col("finding.outcome").alias("outcome"))
            .count()
        )
        counted: dict[str, dict[tuple[int, Outcome], int]] = {}
        for row in outcomes.collect():
            per_street = counted.setdefault(row["street"], {})
            per_street[(row["position"], Outcome(row["outcome"]))] = row["count"]
        tally = Tally(self.pack)
        for row in bases.collect():
            tally.add_counts(
                row["street"], row["communities"], row["meeting"], counted.get(row["street"], {})
            )
        names = {row["code"]: row["name"] for row in self.divisions.collect()}
        return tally.rollups(names)

    def issues(self) -> DataFrame:
        """The standards issues as a DataFrame of :data:`~shequkit.spark.ISSUE_COLUMNS`.

        The issues :meth:`shequkit.standards.Evaluation.issues` gives for the same
        file: each required rule not met (``SQK-E401``), recommended rule not met
        (``W402``) and data gap (``W403``), worded in the workers from the
        community rows; each missed target (``W404``) from :meth:`rollups`.
        """
        pack = self.pack

        def word(batches: Iterator[Any]) -> Iterator[Any]:
            import pyarrow as pa

            rows = (
                _as_row(issue)
                for batch in batches
                for row in batch.to_pylist()
                for issue in standards_issues(pack, [_result(row)], {})
            )
            yield from _arrow_batches(pa, rows, _issue_schema(pa))

        per_community = self.communities.mapInArrow(word, ISSUE_SCHEMA)
        targets = [
            tuple(_as_row(issue)[name] for name in ISSUE_COLUMNS)
            for issue in standards_issues(pack, (), self.rollups())
        ]
        spark = self.communities.sparkSession
        return per_community.unionByName(spark.createDataFrame(targets, ISSUE_SCHEMA))


def evaluate_jsonl(spark: SparkSession, path: str, rules: RulePack | str) -> SparkEvaluation:
    """Evaluate a JSONL file (local, HDFS, S3...): :func:`evaluate_lines` on its lines."""
    return evaluate_lines(spark.read.text(path), rules)


def evaluate_lines(
    lines: DataFrame, rules: RulePack | str, *, column: str = "value"
) -> SparkEvaluation:
    """Evaluate every community of JSONL lines against a rule pack.

    ``lines`` is as for :func:`~shequkit.spark.validate_lines`: one line per
    row, in file order within each partition and partitions in file order.
    Records that fail the structural layer are left out, as locally; validate
    the same lines to see why.

    Args:
        lines: the JSONL lines.
        rules: a :class:`~shequkit.standards.RulePack` or the name of an
            installed one (then the pack's plugin must be installed on the
            workers too; a pack object travels with the job).
        column: the column holding the lines.

    Raises:
        UsageError: ``SQK-U120`` when no rule pack is called ``rules``.
    """
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    pack = resolve_pack(rules)
    numbered = lines.select(F.monotonically_increasing_id().alias("n"), lines[column])
    rows = numbered.mapInArrow(_record_batches, _RECORD_SCHEMA)
    records = rows.filter(F.col("t") == "record").select("key", "n", "record")
    divisions = rows.filter(F.col("t") == "division").select(
        F.col("key").alias("code"), F.col("name")
    )
    communities = rows.filter(F.col("t") == "community").select("key", "n", "record")
    first_lines = communities.groupBy("key").agg(F.min("n").alias("first"))
    # The position among the file's communities: a window over every community id
    # (one partition, but only an id and a number per community).
    indexed = first_lines.withColumn("index", F.row_number().over(Window.orderBy("first")) - 1)
    grouped = (
        records.groupBy("key")
        .agg(F.sort_array(F.collect_list(F.struct("n", "record"))).alias("children"))
        .withColumnRenamed("key", "child_key")
    )
    firsts_with_record = indexed.join(
        communities.withColumnRenamed("n", "first"), ["key", "first"]
    ).select("key", "index", F.col("record").alias("community"))
    joined = firsts_with_record.join(
        grouped, firsts_with_record["key"] == grouped["child_key"], "left"
    ).select("index", "community", "children")

    def evaluate_batches(batches: Iterator[Any]) -> Iterator[Any]:
        import pyarrow as pa

        def views() -> Iterator[CommunityView]:
            for batch in batches:
                for row in batch.to_pylist():
                    yield _view(row["index"], row["community"], row["children"] or ())

        rows = (result_row(pack, result) for result in evaluate_views(pack, views()))
        yield from _arrow_batches(pa, rows, _arrow_schema(pa))

    results = joined.mapInArrow(evaluate_batches, RESULT_SCHEMA)
    return SparkEvaluation(pack, results, divisions)


def record_rows(numbered: Iterable[tuple[int, str | None]]) -> Iterator[dict[str, Any]]:
    """The rows of step 1 for ``(n, line)`` pairs: plain Python, no Spark needed.

    ``t`` is ``community`` (key: its id), ``record`` (a child record; key: its
    community id) or ``division`` (key: its code, with its name); ``record``
    holds the structured record, pickled.
    """
    counters: dict[str, int] = {}
    for number, line in numbered:
        if line is None or not line.strip():
            continue
        raw = _raw_record(loads_json(line, where=f"<spark>:{number}"), counters, "")
        kind = kind_by_name(raw.kind) if raw.kind != META else None
        if kind is None or type(raw.data) is not dict:
            continue
        record, _ = structure_record(kind.cls, raw.data, "")
        if record is None:
            continue
        if kind.name == "division":
            code = str(record.code)
            if code.endswith("000"):  # street and above, as the local grouper keeps
                yield _record_row("division", code, number, None, record.name)
        elif isinstance(record, Community):
            yield _record_row("community", record.id, number, _pickled(record))
        elif (community_id := getattr(record, "community_id", None)) is not None:
            yield _record_row("record", community_id, number, _pickled(record))


def _record_row(
    t: str, key: str, n: int, record: bytes | None, name: str | None = None
) -> dict[str, Any]:
    return {"t": t, "key": key, "n": n, "record": record, "name": name}


def _pickled(record: object) -> bytes:
    return pickle.dumps(record, pickle.HIGHEST_PROTOCOL)


def _record_batches(batches: Iterator[Any]) -> Iterator[Any]:
    """mapInArrow for step 1."""
    import pyarrow as pa

    def numbered() -> Iterator[tuple[int, str | None]]:
        for batch in batches:
            yield from zip(batch.column(0).to_pylist(), batch.column(1).to_pylist(), strict=True)

    types = {"string": pa.string(), "long": pa.int64(), "binary": pa.binary()}
    schema = pa.schema([(name, types[kind]) for name, kind in _RECORD_FIELDS])
    yield from _arrow_batches(pa, record_rows(numbered()), schema)


def _arrow_batches(pa: Any, rows: Iterable[dict[str, Any]], schema: Any) -> Iterator[Any]:
    """``rows`` as Arrow record batches of ``schema``, a bounded number of rows each."""
    for chunk in chunked(rows):
        yield pa.RecordBatch.from_pylist(chunk, schema=schema)


def _view(index: int, community: bytes, children: Iterable[Mapping[str, Any]]) -> CommunityView:
    records: dict[type[Any], list[Any]] = {}
    for child in children:  # sorted by line: the file's order, as locally
        record = pickle.loads(child["record"])
        records.setdefault(type(record), []).append(record)
    return CommunityView(
        pickle.loads(community),
        index=index,
        records={cls: tuple(group) for cls, group in records.items()},
    )


def _result(row: Mapping[str, Any]) -> CommunityResult:
    """A community row back as the result it was made from (the grade left out)."""
    findings = tuple(
        Finding(
            Outcome(finding["outcome"]),
            None if finding["actual"] is None else json.loads(finding["actual"]),
            finding["expected"],
        )
        for finding in row["findings"]
    )
    return CommunityResult(
        row["community_id"],
        row["name"],
        row["division_code"],
        row["index"],
        findings,
        row["meets_standard"],
    )


def result_row(pack: RulePack, result: CommunityResult) -> dict[str, Any]:
    """One community's result as a row of :data:`RESULT_SCHEMA`."""
    return {
        "community_id": result.community_id,
        "name": result.name,
        "division_code": result.division_code,
        "index": result.index,
        "meets_standard": result.meets_standard,
        "grade": None if result.grade is None else result.grade.label,
        "findings": [
            {
                "rule": rule.id,
                "outcome": finding.outcome.value,
                "actual": None
                if finding.actual is None
                else json.dumps(finding.actual, ensure_ascii=False),
                "expected": finding.expected,
            }
            for rule, finding in zip(pack.rules, result.findings, strict=True)
        ],
    }


def _arrow_schema(pa: Any) -> Any:
    finding = pa.struct(
        [
            ("rule", pa.string()),
            ("outcome", pa.string()),
            ("actual", pa.string()),
            ("expected", pa.string()),
        ]
    )
    return pa.schema(
        [
            ("community_id", pa.string()),
            ("name", pa.string()),
            ("division_code", pa.string()),
            ("index", pa.int64()),
            ("meets_standard", pa.bool_()),
            ("grade", pa.string()),
            ("findings", pa.list_(finding)),
        ]
    )
