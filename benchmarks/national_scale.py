"""National scale: 62,000 and 620,000 communities, validated, converted and evaluated.

Run on demand (minutes; not part of the test suite)::

    .venv/bin/python -m benchmarks.national_scale [--sizes 62000,620000]
        [--children-every 50] [--no-write]

**The shape.** China has about 620,000 village-level units. A full sample
(``shequkit sample --communities 620000``) gives each of them its whole set of
child records, about 104 (grids, organisations, facilities, services, staff,
volunteer teams, equipment, funding, designations): 65 million records, a
15 GB JSONL file that takes hours to generate and check on a 2-core machine.
So the file keeps every village-level unit and every division above it, and
the complete child records of one community in ``--children-every`` (50 by
default), chosen evenly through the code order: 620,000 communities, about
690,000 divisions and 1.3 million child records. Every reference in it
resolves (children are kept or dropped with their whole community), so the
semantic layer does all its work: ids, codes, references, household totals.
The 62,000 file has the same shape, so the two are comparable record for
record and show whether time and memory grow linearly.

**What is measured.** Each step runs in a fresh subprocess, whose peak RSS
(``ru_maxrss``) and CPU time (``ru_utime + ru_stime``) from ``getrusage`` are
its own: validating the JSONL file, converting it to every streaming format
(JSONL, CSV package, XML), and the
standards evaluation (``shequkit.standards.evaluate`` with the national pack).
The goal is a peak under 300 MB at 620,000 communities and time linear in size.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from benchmarks._common import ROOT, machine
from benchmarks._report import write_section
from shequkit import write_records
from shequkit.model import Record
from shequkit.sample import SampleSpec, sample_metadata
from shequkit.sample._builders import community_divisions
from shequkit.sample._generator import _KINDS, _sample
from shequkit.sample._layout import Place

PAGE = ROOT / "docs" / "performance.md"
GOAL_MB = 300

_CONVERT = "report = shequkit.convert(source, out / 'out.{}'); records = report.records"
_STEPS: dict[str, str] = {
    "validate": "report = shequkit.validate(source); records = report.records; ok = report.valid",
    "convert → JSONL": _CONVERT.format("jsonl"),
    "convert → CSV": _CONVERT.format("zip"),
    "convert → XML": _CONVERT.format("xml"),
    "evaluate (national)": (
        "from shequkit.standards import evaluate\n"
        "evaluation = evaluate(source, 'national'); records = evaluation.report.records\n"
        "ok = evaluation.report.error_count == 0"
    ),
}

MEMORY_CAP_MB = 6144  # address space per step: a step needing more fails instead of the machine

_RUNNER = """
import resource, sys, time
from pathlib import Path
cap = int(sys.argv[3]) * 2**20
resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
import shequkit
source, out = Path(sys.argv[1]), Path(sys.argv[2])
ok = True
def cpu():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime
started = cpu()
try:
{step}
except MemoryError:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print("memory", cpu() - started, peak, False)
    sys.exit(0)
seconds = cpu() - started
print(records, seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, ok)
"""


def national_records(communities: int, children_every: int) -> Iterator[Record]:
    """The records of the national-shaped sample, in document order (see the module doc)."""
    sample = _sample(SampleSpec(communities=communities, seed=2024))
    previous: Place | None = None
    for index in range(communities):
        profile = sample.profile(index)
        yield from community_divisions(sample, profile, previous)
        previous = profile.place
    chosen = range(0, communities, children_every)
    for kind, build in _KINDS:
        for index in chosen if kind.name != "community" else range(communities):
            yield from build(sample, sample.profile(index))


def write_sample(path: Path, communities: int, children_every: int) -> tuple[int, float]:
    """Write the sample as JSONL; return the record count and the seconds it took."""
    started = time.perf_counter()
    meta = sample_metadata(SampleSpec(communities=communities, seed=2024))
    count = write_records(path, meta, national_records(communities, children_every))
    return count, time.perf_counter() - started


def measure(step: str, source: Path, out: Path) -> dict[str, Any]:
    """Run one step in a fresh interpreter; its records, seconds and peak RSS."""
    body = "\n".join("    " + line for line in _STEPS[step].splitlines())
    code = _RUNNER.format(step=body)
    done = subprocess.run(
        [sys.executable, "-c", code, str(source), str(out), str(MEMORY_CAP_MB)],
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise SystemExit(f"{step} failed:\n{done.stderr}")
    records, seconds, rss_kb, ok = done.stdout.split()
    return {
        "step": step,
        "records": int(records) if records != "memory" else None,
        "seconds": float(seconds),
        "peak_mb": int(rss_kb) / 1024,
        "valid": ok == "True",
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.national_scale")
    parser.add_argument("--sizes", default="62000,620000", help="community counts")
    parser.add_argument("--children-every", type=int, default=50)
    parser.add_argument("--steps", default=",".join(_STEPS), help="steps to run")
    parser.add_argument("--no-write", action="store_true", help="do not rewrite the docs page")
    args = parser.parse_args(argv)
    sizes = [int(size) for size in args.sizes.split(",")]
    steps = [step for step in _STEPS if step in args.steps.split(",")]
    rows: list[dict[str, Any]] = []
    files: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            directory = Path(tmp) / str(size)
            directory.mkdir()
            source = directory / "national.jsonl"
            count, seconds = write_sample(source, size, args.children_every)
            megabytes = source.stat().st_size / 2**20
            files.append({"communities": size, "records": count, "mb": megabytes, "s": seconds})
            print(f"{size}: {count:,} records, {megabytes:,.0f} MB", file=sys.stderr)
            for step in steps:
                row = measure(step, source, directory)
                row["communities"] = size
                rows.append(row)
                print(json.dumps(row, ensure_ascii=False), file=sys.stderr)
                for produced in directory.glob("out.*"):
                    produced.unlink()
    section = render(rows, files, args.children_every)
    if args.no_write:
        print(section)
    else:
        write_section(PAGE, "national", section)
        print(f"wrote {PAGE.relative_to(ROOT)}", file=sys.stderr)
    return 0


def render(rows: list[dict[str, Any]], files: list[dict[str, Any]], every: int) -> str:
    """The national-scale section of ``docs/performance.md``."""
    info = machine()
    lines = [
        "## National scale",
        "",
        f"Measured {info['date']} on {info['machine']}; {info['python']}; with"
        " `python -m benchmarks.national_scale`.",
        "",
        "The files keep every village-level unit and every division above it, and the"
        f" complete child records of one community in {every} (a 15 GB file with all"
        " 65 million child records would take hours on this 2-core machine; see the"
        " module's docstring for the reasoning). Every reference resolves, so the"
        " semantic layer does all of its work.",
        "",
        "| Communities | Records | JSONL size | Generated in |",
        "| ---: | ---: | ---: | ---: |",
    ]
    for file in files:
        lines.append(
            f"| {file['communities']:,} | {file['records']:,} | {file['mb']:,.0f} MB"
            f" | {file['s']:,.0f} s |"
        )
    lines += [
        "",
        "Each step in a fresh process; peak RSS and CPU time (user + system) from"
        " `getrusage` (CPU time, because the 2-core machine is shared with other work and"
        f" wall-clock time would measure that too). Goal: under {GOAL_MB} MB"
        " at 620,000 communities, time linear in size. Steps stopped by the"
        f" {MEMORY_CAP_MB:,} MB address-space cap show as such.",
        "",
        "| Step | Communities | Records | CPU time | Records/s | Peak RSS | Under goal |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for row in rows:
        if row["records"] is None:
            lines.append(
                f"| {row['step']} | {row['communities']:,} | – | {row['seconds']:,.0f} s | –"
                f" | over the {MEMORY_CAP_MB:,} MB cap | no (stopped) |"
            )
            continue
        verdict = "yes" if row["peak_mb"] < GOAL_MB else f"no (+{row['peak_mb'] - GOAL_MB:.0f} MB)"
        lines.append(
            f"| {row['step']} | {row['communities']:,} | {row['records']:,}"
            f" | {row['seconds']:,.0f} s | {row['records'] / row['seconds']:,.0f}"
            f" | {row['peak_mb']:,.0f} MB | {verdict} |"
        )
    sizes = sorted({row["communities"] for row in rows})
    if len(sizes) == 2:
        lines += [
            "",
            "| Step | Records ratio | CPU time ratio | Peak RSS ratio |",
            "| --- | ---: | ---: | ---: |",
        ]
        small = {row["step"]: row for row in rows if row["communities"] == sizes[0]}
        for row in rows:
            if row["communities"] != sizes[1] or row["step"] not in small:
                continue
            base = small[row["step"]]
            if row["records"] is None or base["records"] is None:
                continue
            lines.append(
                f"| {row['step']} | {row['records'] / base['records']:.1f}"
                f" | {row['seconds'] / base['seconds']:.1f}"
                f" | {row['peak_mb'] / base['peak_mb']:.2f} |"
            )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
