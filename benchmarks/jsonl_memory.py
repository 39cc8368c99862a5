"""Peak memory of streaming validation: JSONL files 10x apart in size should cost about the same.

Run on demand (not part of the test suite):

    .venv/bin/python benchmarks/jsonl_memory.py [--small 1000] [--factor 10]

Each measurement runs in a fresh subprocess so peak RSS (``ru_maxrss``) belongs
to that run alone. The figure that matters is the ratio large/small: close to
1.0 means memory is flat in file size; the JSON document reader (which reads
the whole file) is shown beside it for contrast.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

_MEASURE = """
import resource, sys, time
import shequkit
started = time.perf_counter()
report = shequkit.validate(sys.argv[1])
elapsed = time.perf_counter() - started
print(report.records, report.valid, elapsed,
      resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def _measure(path: Path) -> tuple[int, bool, float, float]:
    out = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(path)], check=True, capture_output=True, text=True
    ).stdout.split()
    return int(out[0]), out[1] == "True", float(out[2]), int(out[3]) / 1024


def _sample(directory: Path, communities: int, suffix: str) -> Path:
    path = directory / f"sample-{communities}{suffix}"
    subprocess.run(
        [sys.executable, "-m", "shequkit", "sample", "-n", str(communities), "-o", str(path)],
        check=True,
    )
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--small", type=int, default=1000, help="communities in the small file")
    parser.add_argument("--factor", type=int, default=10, help="size ratio large/small")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for suffix in (".jsonl", ".json"):
            sizes = (args.small, args.small * args.factor)
            results = []
            for communities in sizes:
                path = _sample(Path(tmp), communities, suffix)
                records, valid, seconds, peak_mb = _measure(path)
                results.append((communities, path.stat().st_size, records, valid, seconds, peak_mb))
            (_, size_s, rec_s, _, sec_s, mb_s), (_, size_l, rec_l, _, sec_l, mb_l) = results
            rows.append(
                {
                    "format": suffix[1:],
                    "records": [rec_s, rec_l],
                    "file_mb": [round(size_s / 2**20, 1), round(size_l / 2**20, 1)],
                    "peak_rss_mb": [round(mb_s, 1), round(mb_l, 1)],
                    "rss_ratio_large_over_small": round(mb_l / mb_s, 2),
                    "records_per_s": [round(rec_s / sec_s), round(rec_l / sec_l)],
                    "valid": all(r[3] for r in results),
                }
            )
    print(json.dumps({"date": time.strftime("%Y-%m-%d"), "results": rows}, indent=2))


if __name__ == "__main__":
    main()
