"""Validation in Apache Spark (``pip install 'shequkit[spark]'``): the same checks, scaled out.

:func:`validate_lines` takes a DataFrame of JSONL lines (``spark.read.text(path)``)
and returns the issues as a DataFrame with the columns of
:meth:`shequkit.Issue.to_dict` (:data:`ISSUE_COLUMNS`). Each partition runs
shequkit's structural layer and the semantic checks of one record alone over
Arrow batches (``mapInArrow``); the checks between records (unique ids and
codes, references, household totals, sub-committee parents, division codes)
are DataFrame joins and aggregations.

:func:`evaluate_lines` evaluates the same lines against a rule pack: records
grouped by community in Spark, each community checked by the pack's rules as
:func:`shequkit.standards.evaluate` checks it, one row per community, and
rollups per division counted in Spark. See ``docs/spark.md``.
"""

from shequkit.spark._evaluate import (
    RESULT_SCHEMA,
    SparkEvaluation,
    evaluate_jsonl,
    evaluate_lines,
)
from shequkit.spark._validate import ISSUE_COLUMNS, ISSUE_SCHEMA, validate_jsonl, validate_lines

__all__ = [
    "ISSUE_COLUMNS",
    "ISSUE_SCHEMA",
    "RESULT_SCHEMA",
    "SparkEvaluation",
    "evaluate_jsonl",
    "evaluate_lines",
    "validate_jsonl",
    "validate_lines",
]
