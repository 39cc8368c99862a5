"""Run the throughput benchmarks and rewrite ``docs/performance.md``: ``python -m benchmarks``.

Options: ``--quick`` (small data, one run each: a smoke test, not for the
docs), ``--no-write`` (print the table only). Needs the ``bench`` extra
(``pip install -e '.[bench]'``, or ``make bench``). Not part of the test suite.
The national-scale run is separate: ``python -m benchmarks.national_scale``.
"""

from __future__ import annotations

import argparse
import sys
import time

from benchmarks import reading, validation
from benchmarks._common import ROOT, Result, Suite, machine
from benchmarks._report import render, write_section

PAGE = ROOT / "docs" / "performance.md"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small data, one run each")
    parser.add_argument("--no-write", action="store_true", help="do not rewrite the docs page")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    if args.quick:
        suites = [
            validation.run(communities=2_000, csv_communities=500, repeat=1),
            reading.run(xml_communities=20, xlsx_communities=20, csv_communities=2_000, repeat=1),
        ]
    else:
        suites = [validation.run(), reading.run()]
    for suite in suites:
        suite.results = _flatten(suite.results)
        for result in suite.results:
            print(
                f"{result.suite}: shequkit {result.shequkit:,.0f} vs {result.peer_name}"
                f" {result.peer:,.0f} {result.unit} = {result.ratio:.2f}× ({result.verdict})",
                file=sys.stderr,
            )
    page = render(suites, machine(), time.perf_counter() - started, quick=args.quick)
    if args.no_write:
        print(page)
    else:
        write_section(PAGE, "throughput", page)
        print(f"wrote {PAGE.relative_to(ROOT)}", file=sys.stderr)
    return 0


def _flatten(results: list[Result] | list[Result | list[Result]]) -> list[Result]:
    flat: list[Result] = []
    for item in results:
        flat.extend(item if isinstance(item, list) else [item])
    return flat


__all__ = ["Suite", "main"]

if __name__ == "__main__":
    sys.exit(main())
