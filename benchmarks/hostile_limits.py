"""Memory and time of `shequkit validate` per hostile file: `python -m benchmarks.hostile_limits`.

Each file of the hostile corpus (``tests/hostile/make_corpus.py``: the
committed files and the large ones built into a temporary directory) is
validated by ``python -m shequkit validate`` in a subprocess of its own,
started by a small runner process that reports
``resource.getrusage(RUSAGE_CHILDREN)``: the peak resident set size of that
one child (a child forked from this large process would count this
process's memory too). Wall time is measured around it, start-up included. The goal: no file
above 200 MB or 5 seconds. Two more rows show a file that is not hostile but
costly: 200,000 invalid one-line records, whose 200,000 issues a report keeps.

Prints a markdown table (``--write`` also puts it in docs/security.md between
its ``hostile-limits`` markers). Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from hostile.make_corpus import CASES, HERE  # noqa: E402

PAGE = ROOT / "docs" / "security.md"
GOAL_MB = 200
GOAL_SECONDS = 5.0
_CODE = re.compile(r"SQK-[A-Z]\d{3}")


@dataclass
class Row:
    name: str
    size: int
    expected: str
    exit_code: int
    seen: str
    peak_mb: float
    seconds: float

    @property
    def verdict(self) -> str:
        over = [f"> {GOAL_MB} MB"] if self.peak_mb > GOAL_MB else []
        over += [f"> {GOAL_SECONDS:g} s"] if self.seconds > GOAL_SECONDS else []
        return "ok" if not over else "over: " + ", ".join(over)


_RUNNER = """
import json, resource, subprocess, sys, time
started = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
seconds = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
scale = 1024**2 if sys.platform == "darwin" else 1024  # bytes on macOS, KiB on Linux
print(json.dumps([done.returncode, done.stdout.decode(errors="replace"), peak / scale, seconds]))
"""


def measure(path: Path, *extra: str) -> tuple[int, str, float, float]:
    """Exit code, first SQK code printed, peak RSS (MB) and wall time of validating ``path``."""
    command = [sys.executable, "-m", "shequkit", "validate", str(path), *extra]
    runner = subprocess.run(
        [sys.executable, "-c", _RUNNER, *command], capture_output=True, text=True, check=True
    )
    exit_code, output, peak, seconds = json.loads(runner.stdout)
    codes = _CODE.findall(output)
    return exit_code, codes[0] if codes else "-", peak, seconds


def run(directory: Path) -> list[Row]:
    rows: list[Row] = []
    baseline = directory / "baseline.json"
    baseline.write_text('{"schema_version": "1.0", "meta": {}}', encoding="utf-8")
    cases = [("(baseline: a tiny file, for interpreter start-up)", baseline, "any", ())]
    for case in CASES:
        path = HERE / case.name if case.committed else case.path_in(directory)
        cases.append((case.name, path, case.code or "read", ()))
    many = directory / "invalid_lines.jsonl"
    many.write_bytes(b"{}\n" * 200_000)
    cases.append(("200,000 invalid records (not hostile)", many, "exit 1", ()))
    cases.append(("same, `--max-issues 100`", many, "exit 1", ("--max-issues", "100")))
    for name, path, expected, extra in cases:
        exit_code, seen, peak, seconds = measure(path, *extra)
        rows.append(Row(name, path.stat().st_size, expected, exit_code, seen, peak, seconds))
        print(f"{name}: exit {exit_code} {seen} {peak:.0f} MB {seconds:.2f} s", file=sys.stderr)
    return rows


def render(rows: list[Row]) -> str:
    lines = [
        f"Measured by `python -m benchmarks.hostile_limits` on {platform.machine()},"
        f" Python {platform.python_version()}, {os.cpu_count()} CPUs shared with other work;"
        " one fresh `shequkit validate` process per file, peak RSS of that process.",
        "",
        "| file | size | expected | exit | code | peak RSS | wall time | goal |",
        "|---|--:|---|--:|---|--:|--:|---|",
    ]
    for row in rows:
        lines.append(
            f"| {row.name} | {_size(row.size)} | {row.expected} | {row.exit_code} | {row.seen}"
            f" | {row.peak_mb:.0f} MB | {row.seconds:.2f} s | {row.verdict} |"
        )
    return "\n".join(lines) + "\n"


def _size(size: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024  # type: ignore[assignment]
    raise AssertionError


def write(table: str) -> None:
    """Replace the text between the ``hostile-limits`` markers of docs/security.md."""
    page = PAGE.read_text(encoding="utf-8")
    start, end = "<!-- hostile-limits:start -->\n", "<!-- hostile-limits:end -->"
    before, rest = page.split(start, 1)
    _, after = rest.split(end, 1)
    PAGE.write_text(before + start + table + end + after, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.hostile_limits", description=__doc__
    )
    parser.add_argument("--write", action="store_true", help="put the table in docs/security.md")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as directory:
        table = render(run(Path(directory)))
    print(table)
    if args.write:
        write(table)
        print(f"wrote {PAGE.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
