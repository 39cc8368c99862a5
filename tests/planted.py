"""A sample dataset with deliberately planted errors, for comparing validation paths.

The serial validator, the spilled (SQLite) indices, the parallel path and the
Spark path must report the same issues on it. Every kind of semantic problem
is planted at least once, next to structural ones, in the JSONL order a
streaming reader meets (divisions, communities, then each kind of record).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from documents import resident_id
from shequkit import json_converter
from shequkit.formats._base import META
from shequkit.sample import SampleSpec, iter_sample, sample_metadata

Line = tuple[str, dict[str, Any]]


def planted_lines(communities: int = 12, seed: int = 3) -> list[Line]:
    """``(kind, wire record)`` pairs of a sample with planted errors, meta first."""
    spec = SampleSpec(communities=communities, seed=seed, province="32")
    meta = json_converter.unstructure(sample_metadata(spec))
    lines: list[Line] = [(META, {"schema_version": "1.0", **meta})]
    lines += [(kind.name, json_converter.unstructure(r)) for kind, r in iter_sample(spec)]
    _plant(lines)
    return lines


def _first(lines: list[Line], kind: str, skip: int = 0) -> dict[str, Any]:
    return [record for name, record in lines if name == kind][skip]


def _plant(lines: list[Line]) -> None:
    first, second = _first(lines, "community"), _first(lines, "community", 1)
    # Structural: wrong type, missing field, unknown field, bad enum, bad code.
    _first(lines, "community", 2)["households"] = "3000"
    _first(lines, "facility", 3).pop("name")
    _first(lines, "grid", 4)["househlds"] = 1
    _first(lines, "service", 5)["charging"] = "半价"
    _first(lines, "community", 3)["division_code"] = "320102700001"
    # Semantic, record by record.
    _first(lines, "community", 4)["population"] = 10  # W309
    _first(lines, "division", 1)["level"] = "村级"  # E306
    villagers = _first(lines, "community", 5)
    villagers["division_code"] = villagers["division_code"][:9] + "201"  # W308, E301
    _first(lines, "facility", 7)["id"] = _first(lines, "facility", 6)["id"]  # E302
    grid = _first(lines, "grid", 2)
    grid["community_id"] = "c404"  # E301 (dangling community)
    _first(lines, "grid", 8)["households"] += 7  # E304
    _first(lines, "grid", 9)["worker_staff_id"] = "p-nobody"  # E301 (forward reference)
    service = _first(lines, "service", 0)
    service["provider_id"] = next(  # E313: an organisation of another community
        r["id"] for name, r in lines if name == "organisation" and r["community_id"] == second["id"]
    )
    _first(lines, "service", 1)["facility_id"] = "f-nowhere"  # E301
    staff = [r for name, r in lines if name == "staff" and r.get("id_number")]
    staff[3]["id_number"] = staff[2]["id_number"]  # E303 (masked) and maybe E310
    staff[4]["gender"] = "女" if staff[4].get("gender") == "男" else "男"  # E310
    staff[5]["id_number"] = resident_id("32010219800101001")[:-1] + "0"  # E222 (check char)
    committees = [
        r for name, r in lines if name == "organisation" and r.get("type") == "人民调解委员会"
    ]
    party = next(r for name, r in lines if name == "organisation" and r.get("type") == "社区党组织")
    if committees:
        committees[0]["parent_id"] = party["id"]  # E316 (and E313 if across communities)
    lines.append(
        (
            "indicator",
            {"id": "i1", "subject": "c-unknown", "indicator": "x.share", "value": 1.0},
        )
    )  # E301 (subject)
    lines.append(
        ("indicator", {"id": "i2", "subject": first["id"], "indicator": "x.share", "value": 2.0})
    )
    lines.append(("building", {"id": "b1"}))  # E106


def write_jsonl(path: Path, lines: list[Line]) -> Path:
    """Write ``lines`` as JSONL (each record with its ``kind``)."""
    with path.open("w", encoding="utf-8") as out:
        for kind, record in lines:
            out.write(json.dumps({"kind": kind, **record}, ensure_ascii=False) + "\n")
    return path
