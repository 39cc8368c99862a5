"""Does validating one JSONL file with several processes pay? ``python -m benchmarks.parallel``.

Measures, on the national-shaped sample (see ``benchmarks.national_scale``):

* the serial path, ``shequkit.validate(path)``;
* ``shequkit.validate._parallel.validate_parallel(path, workers=N)`` for N = 1, 2
  (workers do the reading and the structural layer; the parent replays their
  events into the semantic layer, in order), checking the report is equal;
* the parent's share alone (replaying already-computed chunks): the ceiling of
  the parallel path with unlimited cores, since the semantic layer is serial.

``validate(..., workers=N)`` is exposed only if this pays; the section it writes
in ``docs/performance.md`` says whether it does on the machine it ran on.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import shequkit
from benchmarks._common import ROOT, machine
from benchmarks._report import write_section
from benchmarks.national_scale import write_sample
from shequkit.formats import ReadOptions
from shequkit.validate import Validator
from shequkit.validate._parallel import _check_chunk, _chunks, _replay, validate_parallel

PAGE = ROOT / "docs" / "performance.md"


def _best(run: object, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        run()  # type: ignore[operator]
        best = min(best, time.perf_counter() - started)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.parallel")
    parser.add_argument("--communities", type=int, default=62_000)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "national.jsonl"
        records, _ = write_sample(path, args.communities, 50)
        serial = shequkit.validate(path)
        rows = [("serial `shequkit.validate`", _best(lambda: shequkit.validate(path), args.repeat))]
        for workers in (1, 2):
            report = validate_parallel(path, workers=workers)
            assert report.issues == serial.issues
            assert report.records == serial.records
            seconds = _best(lambda w=workers: validate_parallel(path, workers=w), args.repeat)
            rows.append((f"`workers={workers}`", seconds))
        chunks = [_check_chunk(str(path), a, b, ReadOptions()) for a, b in _chunks(path, 8 << 20)]

        def replay() -> None:
            validator = Validator(source=path.name, records=False)
            offsets: dict[str, int] = {}
            lines = 0
            for chunk in chunks:
                lines = _replay(chunk, validator, offsets, lines)
            validator.finish()

        rows.append(("parent's replay alone (ceiling)", _best(replay, args.repeat)))
    base = rows[0][1]
    info = machine()
    pays = min(seconds for _, seconds in rows[1:3]) < 0.8 * base
    lines = [
        "## Parallel validation of one file",
        "",
        f"Measured {info['date']} on {info['machine']}; {info['python']}; with"
        f" `python -m benchmarks.parallel`, {records:,} records ({args.communities:,}"
        " communities, national shape).",
        "",
        "Times are wall-clock (several processes), best of"
        f" {args.repeat}; other work shared the machine, so read the speed-ups, not the times.",
        "",
        "| Path | Time | Records/s | Speed-up |",
        "| --- | ---: | ---: | ---: |",
    ]
    for name, seconds in rows:
        lines.append(
            f"| {name} | {seconds:.1f} s | {records / seconds:,.0f} | {base / seconds:.2f}× |"
        )
    lines += [
        "",
        (
            "Verdict: it pays here."
            if pays
            else "Verdict: it does **not** pay on this machine, so `validate()` has no"
            " `workers` option. Workers take the reading and the structural layer, but the"
            " semantic layer must see every record in order in one process, and handing it"
            " the records (pickled, then renumbered) costs about what the workers save;"
            " with two cores the parent and the workers also compete for them. The last"
            " row is the ceiling with unlimited cores."
        ),
        "The parallel path (`shequkit/validate/_parallel.py`) is kept, tested to give the"
        " serial report issue for issue (`tests/test_parallel.py`), for machines where it"
        " would pay; rerun this benchmark there.",
    ]
    section = "\n".join(lines) + "\n"
    if args.no_write:
        print(section)
    else:
        write_section(PAGE, "parallel", section)
        print(f"wrote {PAGE.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
