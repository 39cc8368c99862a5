"""The community figures reports chart besides the rules: size, service space, facilities.

:func:`shequkit.standards.evaluate` reads these from every community when
asked (``figures=REPORT_FIGURES``); ``shequkit report`` always asks. The
report then charts the service-space distribution in fixed buckets and the
facility coverage (communities with at least one facility of each type),
whatever rule pack was evaluated.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

import attrs

from shequkit.codes import FacilityType
from shequkit.model import Facility
from shequkit.standards import Evaluation, Metric, community_field, count_of

__all__ = [
    "FACILITY_PREFIX",
    "REPORT_FIGURES",
    "SPACE_BUCKETS",
    "Bucket",
    "facility_coverage",
    "space_distribution",
]

FACILITY_PREFIX: Final = "facility:"
"""Figures named ``facility:<FacilityType name>`` count a community's facilities of that type."""

SPACE_FIGURE: Final = "service_space_m2"


def _figure(name: str, label_en: str) -> Metric:
    field = community_field(name)
    return Metric(field.label_zh, label_en, field.unit, field.read)


REPORT_FIGURES: Final[Mapping[str, Metric]] = {
    "households": _figure("households", "households"),
    "population": _figure("population", "population"),
    SPACE_FIGURE: _figure(SPACE_FIGURE, "office and service space"),
    **{
        f"{FACILITY_PREFIX}{member.name}": count_of(
            Facility, member.label_zh, member.label_en, type=member
        )
        for member in FacilityType
    },
}
"""What ``shequkit report`` reads from every community: households, population, the
service space (m²) and the number of facilities of each :class:`~shequkit.codes.FacilityType`."""

SPACE_BUCKETS: Final = (0, 100, 200, 300, 400, 500, 600, 800, 1000)
"""Lower edges (m²) of the service-space buckets; each holds its lower edge, the last is
open (``100–200`` is 100 ≤ x < 200; ``≥1000``).

Fixed rather than fitted to the data, so reports of different years and places
compare; 300, 400 and 500 m² are the thresholds of the seeds (Tengzhou 002).
"""


@attrs.frozen
class Bucket:
    """One bar of a distribution: its label and how many communities fall in it."""

    label: str
    count: int


def space_distribution(evaluation: Evaluation) -> tuple[list[Bucket], int] | None:
    """Communities per service-space bucket, and how many gave no figure.

    ``None`` when the evaluation did not read the service space.
    """
    if SPACE_FIGURE not in evaluation.figures:
        return None
    position = list(evaluation.figures).index(SPACE_FIGURE)
    edges = SPACE_BUCKETS
    counts = [0] * len(edges)
    missing = 0
    for result in evaluation.communities:
        value = result.figures[position]
        if value is None:
            missing += 1
            continue
        index = len(edges) - 1
        while index > 0 and value < edges[index]:
            index -= 1
        counts[index] += 1
    buckets = []
    for index, low in enumerate(edges):
        if index + 1 < len(edges):
            high = edges[index + 1]
            label = f"{low}–{high}" if low else f"<{high}"
        else:
            label = f"≥{low}"
        buckets.append(Bucket(label, counts[index]))
    return buckets, missing


def facility_coverage(evaluation: Evaluation) -> list[tuple[FacilityType, int]] | None:
    """Per facility type, how many communities have at least one.

    ``None`` when the evaluation did not count facilities.
    """
    names = list(evaluation.figures)
    positions = [
        (member, names.index(f"{FACILITY_PREFIX}{member.name}"))
        for member in FacilityType
        if f"{FACILITY_PREFIX}{member.name}" in evaluation.figures
    ]
    if not positions:
        return None
    return [
        (
            member,
            sum(1 for result in evaluation.communities if (result.figures[position] or 0) > 0),
        )
        for member, position in positions
    ]
