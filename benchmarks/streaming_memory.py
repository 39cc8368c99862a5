"""Peak memory of reading and validating files of two sizes, per format.

Run on demand (not part of the test suite):

    .venv/bin/python benchmarks/streaming_memory.py [--small 1000] [--factor 10]
        [--formats jsonl,zip,xlsx,xml,json] [--mode read,validate]

Every measurement runs in a fresh subprocess, so its peak RSS (``ru_maxrss``)
belongs to that run alone. The figure that matters is the ratio large/small:
about 1.0 means memory is flat in file size. ``read`` iterates the raw records
of a file (what a streaming reader promises); ``validate`` adds the semantic
layer, whose index of ids grows with the number of records by design.
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

_MEASURE = """
import resource, sys, time
import shequkit
from shequkit._toolkit import default_toolkit
path, mode = sys.argv[1], sys.argv[2]
started = time.perf_counter()
if mode == "read":
    records = sum(1 for _ in default_toolkit().read(path))
else:
    records = shequkit.validate(path).records
elapsed = time.perf_counter() - started
print(records, elapsed, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def _measure(path: Path, mode: str) -> tuple[int, float, float]:
    out = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(path), mode],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    return int(out[0]), float(out[1]), int(out[2]) / 1024


def _sample(directory: Path, communities: int) -> Path:
    path = directory / f"sample-{communities}.jsonl"
    subprocess.run(
        [sys.executable, "-m", "shequkit", "sample", "-n", str(communities), "-o", str(path)],
        check=True,
        capture_output=True,
    )
    return path


def _convert(source: Path, suffix: str) -> Path:
    target = source.with_suffix(suffix)
    if target != source:
        subprocess.run(
            [sys.executable, "-m", "shequkit", "convert", str(source), str(target)],
            check=True,
            capture_output=True,
        )
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--small", type=int, default=1000, help="communities in the small file")
    parser.add_argument("--factor", type=int, default=10, help="size ratio large/small")
    parser.add_argument("--formats", default="jsonl,zip,xlsx,xml", help="file extensions")
    parser.add_argument("--mode", default="read,validate", help="read and/or validate")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        sources = [_sample(Path(tmp), n) for n in (args.small, args.small * args.factor)]
        for suffix in args.formats.split(","):
            files = [_convert(source, f".{suffix}") for source in sources]
            for mode in args.mode.split(","):
                (rec_s, sec_s, mb_s), (rec_l, sec_l, mb_l) = (_measure(f, mode) for f in files)
                rows.append(
                    {
                        "format": suffix,
                        "mode": mode,
                        "records": [rec_s, rec_l],
                        "file_mb": [round(f.stat().st_size / 2**20, 1) for f in files],
                        "peak_rss_mb": [round(mb_s, 1), round(mb_l, 1)],
                        "rss_ratio_large_over_small": round(mb_l / mb_s, 2),
                        "records_per_s": [round(rec_s / sec_s), round(rec_l / sec_l)],
                    }
                )
                print(json.dumps(rows[-1]), file=sys.stderr)
    report = {
        "date": time.strftime("%Y-%m-%d"),
        "machine": f"{platform.machine()} {platform.python_version()}",
        "results": rows,
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
