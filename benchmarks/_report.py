"""``docs/performance.md``: the page is generated; each benchmark command rewrites its section.

The prose around the figures lives here (``_INTRO``, ``_DESIGN``), so the page
never drifts from what the commands measure. Sections are delimited by
``<!-- section:NAME -->`` comments; a command replaces only its own section and
keeps the others' last results.
"""

from __future__ import annotations

import re
from pathlib import Path

from benchmarks._common import Suite

_SECTION = re.compile(r"<!-- section:(\w+) -->\n(.*?)<!-- /section:\1 -->\n", re.DOTALL)
ORDER = ("throughput", "national", "parallel")

_INTRO = """\
# Performance

shequkit is meant to validate national roll-ups (about 620,000 village-level
units under about 41,000 townships) and ETL streams of millions of records a
day on ordinary machines. This page is **generated** by the benchmarks in
`benchmarks/`; every figure is a ratio against a peer measured in the same run,
on the same data (made by `shequkit.sample`), on the machine named in each
section; throughput is measured in CPU time of the one process running both
sides (the machine is shared). Rerun them with:

```console
$ make bench                                 # python -m benchmarks: throughput table
$ .venv/bin/python -m benchmarks.national_scale   # 62k vs 620k communities, peak memory
$ .venv/bin/python -m benchmarks.parallel         # validate --workers: does it pay?
```

Public figures for the peers (records/s on one core: pydantic v2 about 0.2M,
fastjsonschema about 0.27M, jsonschema about 12k, frictionless about 25k
rows/s; xmlschema 14-45 times slower than plain lxml; calamine about 10 times
faster than openpyxl) are context only: the ratios below come from one run.
"""

_DESIGN = """\
## Where the goals are missed, and why

Each contender takes its turn within every round and the best of five rounds
counts, so the ratios do not depend on when in the run a side was measured;
they still move by 10–20% between runs on this shared machine, so a ratio near
a goal (pydantic, openpyxl, xmlschema) may be met in one run and missed in the
next.

* **pydantic v2** checks a record in compiled Rust. shequkit's structural layer
  is generated Python (about 5 µs a community record of 34 fields) and its
  semantic layer adds unique ids and codes, the division level and the
  household totals, which pydantic does not do. Parity (0.9–1.0× from run to
  run) is about as far as pure Python goes; passing it clearly would need a
  compiled validator.
* **frictionless ×10 is out of reach by construction.** Reading and
  validating one CSV row costs at least what the `csv` module alone costs to
  read it (the "limit" row of the table) plus what validating a record as a
  dict costs (the pydantic row): on this machine about 1 / (1/200k + 1/135k) ≈
  80k rows/s at the very best, while ten times frictionless is 100k–185k
  rows/s. The goal holds only if frictionless itself is below about 8k rows/s.
* **openpyxl ×8:** calamine parses the workbook in Rust and alone delivers
  about 150k records/s here (its limit is about 10× openpyxl); turning its cells
  into records is one generated line of Python per column. shequkit reaches
  about two thirds of calamine's rate, 7× openpyxl; 8× would need the Python
  part per record to shrink by another 40%.

## How the speed is obtained

* **Structural layer, compiled once.** For each record class a function is
  generated from the model's own declarations (field types, defaults, bounds,
  lengths, not-blank, enumerations, official code types) and compiled once
  (`shequkit/validate/_compiled.py`). A valid record costs one call instead of
  one cattrs hook and one attrs validator per field (about three times faster).
  Anything it is not sure about (a wrong type, an enumeration given by its
  English name) falls back to the cattrs converter and its field-by-field
  diagnosis, so issues never depend on the fast path; a test checks both paths
  agree on generated records.
* **No records built when nobody wants them.** `shequkit.validate` only wants
  the report: valid records are checked as value tuples and never built as
  attrs objects (`load`, `convert` and the standards layer still get records).
* **Division codes** are checked with a cache of valid township prefixes (about
  fifteen village-level units share one), equivalent to the full regular
  expression (property-tested).
* **Readers:** the JSON decoder is made once, not per line; UTF-8 is decoded
  by the C codec. CSV and XLSX rows go through code generated per header: one
  line per column with its conversion chosen in advance, plain integers and
  reals converted inline, and (XLSX) the `max_field_chars` check on text cells
  folded into the same line instead of a second pass over every cell. Rows of
  another width take the plain loop; a property test checks both give the same
  record for every column kind (`tests/test_row_readers.py`).
* **Semantic layer, flat in memory.** Its indices (ids, official codes, household
  totals, forward references) hold about 300 bytes a record in dictionaries. Up
  to 250,000 entries they stay there; past that they move to a temporary
  SQLite file (`shequkit/validate/_spill.py`) with a small cache of recent
  entries and an 8 MiB Bloom filter for ids never seen, so memory stays flat
  for any input. The checks are the same code in both modes and report the
  same issues in the same order (tested on a dataset with planted errors,
  in memory, spilled from the start, and spilled half-way).
* **Evaluation, flat in memory.** Rules look at one community with all its
  records, which arrive in any order (a file lists records by kind), so they
  must be grouped first. Up to 50,000 records the grouping is a dictionary;
  past that it moves to a temporary SQLite file (`CommunityGrouper`), pickled
  in batches of one community's records, and is read back one community at a
  time. Results stream through the rollup counts (one compact row of counts
  per street; counties, cities and provinces are sums of streets) and, past
  50,000, are kept on disk in batches (`CommunityResults`, a read-only sequence
  that reports and `Evaluation.issues()` read back in order). Only division
  names at street level and above are kept. Tests force every spill with tiny
  thresholds and compare views, results, rollups, issues and reports with the
  in-memory path.
"""


def load_sections(page: Path) -> dict[str, str]:
    """The sections of the current page, by name."""
    if not page.exists():
        return {}
    return dict(_SECTION.findall(page.read_text(encoding="utf-8")))


def write_section(page: Path, name: str, body: str) -> None:
    """Replace section ``name`` of the page (keeping the others) and write the page."""
    sections = load_sections(page)
    sections[name] = body.rstrip("\n") + "\n"
    parts = [_INTRO]
    for key in ORDER:
        if key in sections:
            parts.append(f"<!-- section:{key} -->\n{sections[key]}<!-- /section:{key} -->\n")
        if key == "throughput":
            parts.append(_DESIGN)
    page.write_text("\n".join(parts), encoding="utf-8")


def render(suites: list[Suite], machine: dict[str, str], seconds: float, *, quick: bool) -> str:
    """The throughput section: one table row per comparison, with the goal and verdict."""
    caveat = " (--quick: small data, not for comparison)" if quick else ""
    lines = [
        "## Throughput against peers",
        "",
        f"Measured {machine['date']} on {machine['machine']}; {machine['python']}.",
        f"Versions: {machine['versions']}.",
        f"The run took {seconds:.0f} s{caveat}.",
        "",
        "| Benchmark | shequkit | Peer | Peer figure | Ratio | Goal | Verdict |",
        "| --- | ---: | --- | ---: | ---: | ---: | --- |",
    ]
    for suite in suites:
        for result in suite.results:
            goal = f"≥ {result.goal:g}×" if result.goal is not None else "–"
            lines.append(
                f"| {result.what} | {result.shequkit:,.0f} | {result.peer_name}"
                f" | {result.peer:,.0f} | {result.ratio:.2f}× | {goal} | {result.verdict} |"
            )
    lines.append("")
    for suite in suites:
        for note in suite.notes:
            lines.append(f"- {note}")
    return "\n".join(lines) + "\n"
