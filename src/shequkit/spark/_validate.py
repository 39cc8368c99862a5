"""The Spark job: per-partition checks over Arrow batches, then joins for the rest.

1. ``mapInArrow`` runs :func:`~shequkit.spark._partition.check_lines` on every
   partition: structural issues, the checks of one record alone, and the facts
   (ids, references, codes, totals) with partition-relative positions.
2. The driver collects the small per-partition counts and turns them into
   offsets, so every path (``/grids/1234/households``) and line number is the
   one the local validator reports; it checks the metadata lines in order.
3. The checks between records are DataFrame joins and aggregations over the
   facts, following the semantic layer's rules: the *first* record with an id
   or code is the one others are compared to, the *last* community with an id
   gives its households, and every reference is resolved against all records.
4. Their issues are worded by shequkit itself (``mapInArrow`` again).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Final

from shequkit.model import RECORD_KINDS
from shequkit.spark._partition import ROW_FIELDS, check_lines, chunked, issue_row
from shequkit.validate._report import Issue

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

__all__ = ["ISSUE_COLUMNS", "ISSUE_SCHEMA", "validate_jsonl", "validate_lines"]

ISSUE_COLUMNS: Final = (
    "code",
    "severity",
    "layer",
    "path",
    "message_zh",
    "message_en",
    "value",
    "record_id",
    "location",
)
"""The columns of the issues DataFrame: those of :meth:`shequkit.Issue.to_dict`.

``value`` holds the value as JSON text (``"3000"`` for a string, ``3000`` for a
number), so values of every type share one column; absent values are null.
"""

ISSUE_SCHEMA: Final = ", ".join(f"{name} string" for name in ISSUE_COLUMNS)
"""The issues DataFrame's schema as a Spark DDL string."""

_ROW_SCHEMA: Final = ", ".join(f"{name} {kind}" for name, kind in ROW_FIELDS)
_SPEC_SCHEMA: Final = "code string, path string, record_id string, facts string, line long"
_COLLECTIONS: Final = {kind.name: kind.collection for kind in RECORD_KINDS}
_LABELS: Final = {kind.name: kind.label_zh for kind in RECORD_KINDS}
_UNIQUE_PLACES: Final = {
    "division code": ("区划代码", "divisions", "code"),
    "community division code": ("社区区划代码", "communities", "division_code"),
    "USCC": ("统一社会信用代码", "organisations", "uscc"),
    "resident ID": ("公民身份号码", "staff", "id_number"),
}


def validate_jsonl(spark: SparkSession, path: str) -> DataFrame:
    """Validate a JSONL file (local, HDFS, S3...): :func:`validate_lines` on its lines."""
    return validate_lines(spark.read.text(path))


def validate_lines(lines: DataFrame, *, column: str = "value") -> DataFrame:
    """Validate JSONL lines and return the issues as a DataFrame (:data:`ISSUE_COLUMNS`).

    ``lines`` holds one line of a JSONL document per row, in file order within
    each partition and partitions in file order, as ``spark.read.text`` gives
    them (blank lines included, so line numbers match the file). The issues are
    those :func:`shequkit.validate` reports for the same file (in no particular
    order); ``docs/spark.md`` lists the few differences at the edges.

    Raises:
        pyspark.errors.PySparkException: wrapping ``MalformedInputError`` when a
            line is not JSON (the local validator raises it for the whole file).
    """
    from pyspark import StorageLevel

    source = lines.select(lines[column].alias("value"))
    # Read once, used by several queries below: kept (memory, then disk) for their length.
    rows = source.mapInArrow(_check_batches, f"{_ROW_SCHEMA}, p long")
    return _issues(rows.persist(StorageLevel.MEMORY_AND_DISK))


def _check_batches(batches: Iterator[Any]) -> Iterator[Any]:
    """mapInArrow: the partition's lines through check_lines, rows out in Arrow batches."""
    import pyarrow as pa
    from pyspark import TaskContext

    context = TaskContext.get()
    partition = context.partitionId() if context is not None else 0

    def lines() -> Iterator[str | None]:
        for batch in batches:
            yield from batch.column(0).to_pylist()

    names = [name for name, _ in ROW_FIELDS]
    for rows in chunked(check_lines(lines())):
        yield _batch(pa, rows, names, partition)


def _batch(pa: Any, rows: list[dict[str, Any]], names: list[str], partition: int) -> Any:
    columns = {name: [row[name] for row in rows] for name in names}
    columns["p"] = [partition] * len(rows)
    types = {"string": pa.string(), "long": pa.int64(), "boolean": pa.bool_()}
    schema = pa.schema([*((name, types[kind]) for name, kind in ROW_FIELDS), ("p", pa.int64())])
    return pa.RecordBatch.from_pydict(columns, schema=schema)


def _issues(rows: DataFrame) -> DataFrame:
    from pyspark.sql import functions as F

    spark = rows.sparkSession
    counts = rows.filter(F.col("t").isin("count", "lines")).select("t", "p", "kind", "number")
    kind_offsets, line_offsets = _offsets(counts.collect())
    offsets = spark.createDataFrame(kind_offsets, "p long, kind string, offset long")
    starts = spark.createDataFrame(line_offsets, "p long, start long")
    placed = (
        rows.filter(~F.col("t").isin("count", "lines"))
        .join(F.broadcast(starts), "p", "left")
        .join(F.broadcast(offsets), ["p", "kind"], "left")
        .withColumn("line", F.col("line") + F.col("start"))
        .withColumn("idx", F.col("idx") + F.coalesce(F.col("offset"), F.lit(0)))
        .withColumn(
            "path",
            F.when(
                F.col("rest").isNotNull(),
                F.concat(
                    F.lit("/"), F.col("coll"), F.lit("/"), F.col("idx").cast("string"), "rest"
                ),
            ).otherwise(F.col("path")),
        )
    )
    local = placed.filter(F.col("t") == "issue").select(
        "code",
        "severity",
        "layer",
        "path",
        "message_zh",
        "message_en",
        "value",
        "record_id",
        F.when(F.col("structured"), F.concat(F.lit("line "), F.col("line").cast("string")))
        .otherwise(F.lit(None))
        .alias("location"),
    )
    metas = placed.filter(F.col("t") == "meta").select("line", "text").orderBy("line").collect()
    meta_issues, division = _meta([(row["line"], row["text"]) for row in metas])
    specs = _between_records(placed, division)
    worded = specs.mapInArrow(_word_batches, ISSUE_SCHEMA)
    found = spark.createDataFrame([_as_row(issue) for issue in meta_issues], ISSUE_SCHEMA)
    return local.unionByName(worded).unionByName(found)


def _offsets(counts: list[Any]) -> tuple[list[tuple[int, str, int]], list[tuple[int, int]]]:
    """Per partition: where each kind's numbering and the line numbering start."""
    lines: dict[int, int] = {}
    per_kind: dict[str, dict[int, int]] = {}
    for row in counts:
        if row["t"] == "lines":
            lines[row["p"]] = row["number"]
        else:
            per_kind.setdefault(row["kind"], {})[row["p"]] = row["number"]
    partitions = sorted(set(lines) | {p for kinds in per_kind.values() for p in kinds})
    line_starts: list[tuple[int, int]] = []
    total = 0
    for partition in partitions:
        line_starts.append((partition, total))
        total += lines.get(partition, 0)
    kind_starts: list[tuple[int, str, int]] = []
    for kind, by_partition in per_kind.items():
        total = 0
        for partition in partitions:
            kind_starts.append((partition, kind, total))
            total += by_partition.get(partition, 0)
    return kind_starts, line_starts


def _meta(metas: list[tuple[int, str]]) -> tuple[list[Issue], Any]:
    """The metadata lines checked in order by a local validator; its issues and division."""
    from shequkit.formats._base import loads_json
    from shequkit.formats._jsonl import _raw_record
    from shequkit.validate._validate import Validator

    validator = Validator(source="<spark>")
    counters: dict[str, int] = {}
    for line, text in metas:
        validator.feed(_raw_record(loads_json(text, where="<spark>"), counters, f"line {line}"))
    report = validator.finish()
    division = validator.meta.reporting_division if validator.meta is not None else None
    return report.issues, division


def _between_records(placed: DataFrame, division: Any) -> DataFrame:
    """Issue specs (code, path, record id, facts as JSON) of the checks between records."""
    from pyspark.sql import functions as F

    def facts(t: str) -> DataFrame:
        return placed.filter(F.col("t") == t)

    collection = F.create_map(*[F.lit(x) for pair in _COLLECTIONS.items() for x in pair])
    ids = facts("id")
    first = F.min(F.struct("line", "idx", "community")).alias("first")
    firsts = (
        ids.groupBy("kind", "key")
        .agg(first)
        .select(
            "kind",
            "key",
            F.col("first.line").alias("first_line"),
            F.col("first.idx").alias("first_idx"),
            F.col("first.community").alias("other"),
        )
    )
    specs = []
    # E302: a record whose id an earlier record of its kind already has.
    duplicates = ids.join(firsts, ["kind", "key"]).filter(
        F.col("structured") & (F.col("line") > F.col("first_line"))
    )
    specs.append(
        duplicates.select(
            F.lit("SQK-E302").alias("code"),
            F.concat(
                F.lit("/"),
                collection[F.col("kind")],
                F.lit("/"),
                F.col("idx").cast("string"),
                F.lit("/id"),
            ).alias("path"),
            F.col("key").alias("record_id"),
            F.to_json(
                F.struct(
                    F.col("key").alias("value"),
                    F.concat(
                        F.lit("/"),
                        collection[F.col("kind")],
                        F.lit("/"),
                        F.col("first_idx").cast("string"),
                    ).alias("first"),
                )
            ).alias("facts"),
            "line",
        )
    )
    communities = firsts.filter(F.col("kind") == "community").select("key")
    divisions = facts("division").select("key").distinct()
    # References: dangling (E301) or into another community (E313).
    refs = facts("ref").select("path", "record_id", "field", "key", "target", "community", "line")
    resolved = (
        refs.join(
            firsts.drop("first_line").withColumnRenamed("kind", "target"), ["target", "key"], "left"
        )
        .join(
            communities.select(F.col("key").alias("community"), F.lit(True).alias("c_in")),
            "community",
            "left",
        )
        .join(
            communities.select(F.col("key").alias("other"), F.lit(True).alias("o_in")),
            "other",
            "left",
        )
        .join(communities.select("key", F.lit(True).alias("k_in")), "key", "left")
        .join(divisions.select("key", F.lit(True).alias("d_in")), "key", "left")
    )
    subject = F.col("target") == "subject"
    dangling = F.when(
        subject, ~(F.coalesce("k_in", F.lit(False)) | F.coalesce("d_in", F.lit(False)))
    ).otherwise(F.col("first_idx").isNull())
    target = F.when(subject, F.lit("community")).otherwise(F.col("target"))
    specs.append(
        resolved.filter(dangling).select(
            F.lit("SQK-E301").alias("code"),
            "path",
            "record_id",
            F.to_json(
                F.struct(F.col("field"), target.alias("target"), F.col("key").alias("value"))
            ).alias("facts"),
            "line",
        )
    )
    crossing = (
        ~subject
        & F.col("first_idx").isNotNull()
        & F.col("c_in").isNotNull()
        & F.col("o_in").isNotNull()
        & (F.col("other") != F.col("community"))
    )
    specs.append(
        resolved.filter(crossing).select(
            F.lit("SQK-E313").alias("code"),
            "path",
            "record_id",
            F.to_json(F.struct("field", "target", F.col("key").alias("value"), "other")).alias(
                "facts"
            ),
            "line",
        )
    )
    # E303: an official code that an earlier record already has.
    codes = facts("code")
    code_firsts = codes.groupBy("field", "key").agg(F.min(F.struct("line", "idx")).alias("first"))
    specs.append(
        codes.join(code_firsts, ["field", "key"])
        .filter(F.col("line") > F.col("first.line"))
        .select(
            F.lit("SQK-E303").alias("code"),
            F.lit("").alias("path"),  # worded from the facts
            "record_id",
            F.to_json(
                F.struct(
                    F.col("field").alias("label"),
                    F.col("key").alias("value"),
                    "idx",
                    F.col("first.idx").alias("first_idx"),
                )
            ).alias("facts"),
            "line",
        )
    )
    # E304: grid households against the community's (its last record with that id).
    last = F.max(F.struct("line", "idx", "number", "text")).alias("last")
    community_last = facts("community").groupBy("key").agg(last)
    totals = (
        facts("grid")
        .groupBy("key")
        .agg(F.sum("number").alias("total"), F.min("line").alias("line"))
    )
    specs.append(
        totals.join(community_last, "key")
        .filter(F.col("total") != F.col("last.number"))
        .select(
            F.lit("SQK-E304").alias("code"),
            F.concat(
                F.lit("/communities/"), F.col("last.idx").cast("string"), F.lit("/households")
            ).alias("path"),
            F.col("key").alias("record_id"),
            F.to_json(F.struct("total", F.col("last.number").alias("expected"))).alias("facts"),
            "line",
        )
    )
    # E316: a sub-committee under anything but the residents' committee.
    org_last = facts("org").groupBy("key").agg(F.max(F.struct("line", "text")).alias("last"))
    specs.append(
        facts("sub")
        .join(org_last, "key")
        .filter(F.col("last.text") != F.lit("社区居民委员会"))
        .select(
            F.lit("SQK-E316").alias("code"),
            "path",
            "record_id",
            F.to_json(
                F.struct(F.col("key").alias("value"), F.col("last.text").alias("parent_type"))
            ).alias("facts"),
            "line",
        )
    )
    # Community division codes: among the divisions (E301), inside the reporting one (E315).
    village = facts("division").filter(F.col("number") == 1).limit(1).count() > 0
    community_rows = facts("community").join(
        divisions.select(F.col("key").alias("text"), F.lit(True).alias("known")), "text", "left"
    )
    code_path = F.concat(
        F.lit("/communities/"), F.col("idx").cast("string"), F.lit("/division_code")
    )
    if village:
        specs.append(
            community_rows.filter(F.col("known").isNull()).select(
                F.lit("SQK-E301").alias("code"),
                code_path.alias("path"),
                F.col("key").alias("record_id"),
                F.to_json(
                    F.struct(
                        F.lit("division_code").alias("field"),
                        F.lit("division").alias("target"),
                        F.col("text").alias("value"),
                    )
                ).alias("facts"),
                "line",
            )
        )
    if division is not None:
        outside = ~F.col("text").startswith(division.prefix) & (
            F.col("text") != F.lit(str(division))
        )
        specs.append(
            community_rows.filter(outside).select(
                F.lit("SQK-E315").alias("code"),
                code_path.alias("path"),
                F.col("key").alias("record_id"),
                F.to_json(
                    F.struct(F.col("text").alias("code"), F.lit(str(division)).alias("division"))
                ).alias("facts"),
                "line",
            )
        )
    result = specs[0]
    for spec in specs[1:]:
        result = result.unionByName(spec)
    return result


def _word_batches(batches: Iterator[Any]) -> Iterator[Any]:
    """mapInArrow: issue specs worded by shequkit's own catalogue and masking."""
    import pyarrow as pa

    for batch in batches:
        issues = [_word(**spec) for spec in batch.to_pylist()]
        rows = [_as_row(issue) for issue in issues]
        yield pa.RecordBatch.from_pydict(
            {name: [row[name] for row in rows] for name in ISSUE_COLUMNS}, schema=_arrow_schema(pa)
        )


def _arrow_schema(pa: Any) -> Any:
    return pa.schema([(name, pa.string()) for name in ISSUE_COLUMNS])


def _as_row(issue: Issue) -> dict[str, Any]:
    row = issue_row(issue)
    row["location"] = issue.location
    return row


def _word(code: str, path: str, record_id: str | None, facts: str, line: int | None) -> Issue:
    from shequkit._masking import mask_resident_id
    from shequkit.codes import DivisionCode
    from shequkit.validate._semantic import make_issue

    values: dict[str, Any] = json.loads(facts)
    if code == "SQK-E303":
        label_zh, collection, field = _UNIQUE_PLACES[values["label"]]
        value = values["value"]
        shown = mask_resident_id(value) if values["label"] == "resident ID" else value
        if values["label"] in ("division code", "community division code"):
            shown = value = str.__new__(DivisionCode, value)
        return Issue.catalogued(
            "SQK-E303",
            f"/{collection}/{values['idx']}/{field}",
            record_id=record_id,
            value=shown,
            raw_value=value,
            field_zh=label_zh,
            field_en=values["label"],
            first=f"/{collection}/{values['first_idx']}/{field}",
        )
    if code == "SQK-E301" and values["field"] == "division_code":
        values["value"] = str.__new__(DivisionCode, values["value"])  # as the local layer words it
    if code in ("SQK-E301", "SQK-E313"):
        target = values["target"]
        values["target_zh"] = _LABELS.get(target, target)
        values["target_en"] = target.replace("_", " ") if code == "SQK-E301" else target
        del values["target"]
    if code == "SQK-E315":
        values["code"] = str.__new__(DivisionCode, values["code"])
        values["division"] = str.__new__(DivisionCode, values["division"])
    return make_issue(code, path, record_id, **values)
