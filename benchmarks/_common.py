"""What every benchmark shares: timing, the data from ``shequkit.sample``, and the results.

Every figure is a ratio against a peer measured in the same run, on the same
data, in the same process; each side is timed ``repeat`` times and the best
run counts. Time is the process's CPU time (``time.process_time``): every
measured reader and validator runs in this one thread, and CPU time is not
inflated when other work shares the machine, as wall-clock time is.
"""

from __future__ import annotations

import gc
import importlib.metadata
import os
import platform
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from shequkit import json_converter
from shequkit.model import Record, RecordKind
from shequkit.sample import SampleSpec, iter_sample, sample_metadata

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = ROOT / "schemas"


@dataclass
class Result:
    """One comparison: shequkit's throughput against a peer's, and the goal for the ratio."""

    suite: str
    what: str
    unit: str
    shequkit: float
    peer_name: str
    peer: float
    goal: float | None = None  # shequkit/peer must reach this; None: no goal (context)
    note: str = ""

    @property
    def ratio(self) -> float:
        return self.shequkit / self.peer

    @property
    def verdict(self) -> str:
        if self.goal is None:
            return "context (no goal)"
        if self.ratio >= self.goal:
            return "met"
        return f"missed by {self.goal / self.ratio:.2f}×"


@dataclass
class Suite:
    """The results of one benchmark file, with notes for the report."""

    name: str
    results: list[Result] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def best_rates(
    repeat: int, runs: Mapping[str, tuple[int, Callable[[], object]]]
) -> dict[str, float]:
    """Items per second of each run (name → (items, run)), best of ``repeat`` rounds.

    Within each round the runs take turns. The machine is shared and its speed
    drifts from minute to minute (other tenants): measured one after the other,
    the best of each side would come from different moments and the ratio
    would measure that drift too. Taking turns gives every side the same moments.
    """
    best = dict.fromkeys(runs, float("inf"))
    for _ in range(repeat):
        for name, (_, run) in runs.items():
            gc.collect()
            started = time.process_time()
            run()
            best[name] = min(best[name], time.process_time() - started)
    return {name: items / best[name] for name, (items, _) in runs.items()}


def sample_records(
    spec: SampleSpec, kinds: set[str] | None = None
) -> Iterator[tuple[RecordKind, Record]]:
    """The sample's records (only ``kinds`` if given), in document order."""
    for kind, record in iter_sample(spec):
        if kinds is None or kind.name in kinds:
            yield kind, record


def community_wires(communities: int, seed: int = 7) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The wire (canonical JSON) form of the metadata and of ``communities`` community records."""
    spec = SampleSpec(communities=communities, seed=seed)
    meta = json_converter.unstructure(sample_metadata(spec))
    rows = [json_converter.unstructure(record) for _, record in sample_records(spec, {"community"})]
    return meta, rows


def machine() -> dict[str, str]:
    """The machine, interpreter and library versions, for the report."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            cpu = next(
                (line.split(":", 1)[1].strip() for line in info if line.startswith("model name")),
                cpu,
            )
    except OSError:
        pass
    versions = []
    for name in (
        "shequkit",
        "attrs",
        "cattrs",
        "lxml",
        "python-calamine",
        "pydantic",
        "fastjsonschema",
        "jsonschema",
        "frictionless",
        "xmlschema",
        "openpyxl",
    ):
        try:
            versions.append(f"{name} {importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            versions.append(f"{name} (not installed)")
    return {
        "date": time.strftime("%Y-%m-%d"),
        "machine": f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}",
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "versions": ", ".join(versions),
    }
