"""A realistic, deterministic, valid sample dataset (样例数据) of community construction data.

``generate_sample`` builds a :class:`~shequkit.model.Dataset` in memory;
``iter_sample`` streams the same records in document order (all divisions,
then all communities, then all grids, ... in ``RECORD_KINDS`` order) in flat
memory, even for the national scale of about 620,000 communities.

Streaming works because everything about community *i* comes from its own
generator, ``random.Random(f"{seed}:{i}")`` (string seeds hash identically in
every process), and its place in the division tree from a cheap function of
*i*: each kind of record is produced by walking *i* = 0..N-1 again. The same
spec therefore gives byte-identical output in every run and process.

Values are drawn around the seed documents' numbers, and about a fifth of the
communities miss one to three of their thresholds (see
:data:`shequkit.sample._profile.MISSES`), so rule packs find both passing and
failing communities; all data stays structurally and semantically valid.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Final

import attrs

from shequkit._exceptions import UsageError
from shequkit.codes import DivisionCode
from shequkit.model import RECORD_KINDS, Dataset, Metadata, Record, RecordKind
from shequkit.sample._builders import (
    build_community,
    build_grids,
    build_organisations,
    community_divisions,
)
from shequkit.sample._layout import Layout, Place
from shequkit.sample._people import build_staff, build_volunteer_teams
from shequkit.sample._places import PROVINCES
from shequkit.sample._profile import Profile, Sample
from shequkit.sample._services import (
    build_designations,
    build_equipment,
    build_facilities,
    build_funding,
    build_services,
)

__all__ = ["SampleSpec", "generate_sample", "iter_sample", "sample_metadata"]

_PERIOD: Final = re.compile(r"\A\d{4}(?:-(?:0[1-9]|1[0-2]|Q[1-4]|H[12]))?\Z")
_FIRST_YEAR: Final = 2000
_LAST_YEAR: Final = 2100

_Builder = Callable[[Sample, Profile], Sequence[Record]]
_BUILDERS: Final[dict[str, _Builder]] = {
    "community": build_community,
    "grid": build_grids,
    "organisation": build_organisations,
    "facility": build_facilities,
    "service": build_services,
    "staff": build_staff,
    "volunteer_team": build_volunteer_teams,
    "equipment": build_equipment,
    "funding": build_funding,
    "designation": build_designations,
}
# Kinds with a builder, in document order; divisions come first and are built apart.
_KINDS: Final = tuple(
    (kind, _BUILDERS[kind.name]) for kind in RECORD_KINDS if kind.name in _BUILDERS
)
_DIVISION: Final = RECORD_KINDS[0]


def _check_communities(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if type(value) is not int or value < 1:
        raise UsageError(
            f"样例社区数应为正整数,实际为 {value!r}",
            f"the number of sample communities must be a positive integer, got {value!r}",
            code="SQK-U102",
            communities=value,
        )


def _check_seed(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if type(value) is not int:
        raise UsageError(
            f"随机种子应为整数,实际为 {value!r}",
            f"the seed must be an integer, got {value!r}",
            code="SQK-U104",
            seed=repr(value),
        )


def _check_province(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, str) or value not in PROVINCES:
        known = "、".join(PROVINCES)
        raise UsageError(
            f"未知的省级区划代码 {value!r},应为以下之一:{known}",
            f"unknown province code {value!r}; expected one of: {', '.join(PROVINCES)}",
            code="SQK-U101",
            province=repr(value),
        )


def _check_period(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if (
        not isinstance(value, str)
        or not _PERIOD.match(value)
        or not _FIRST_YEAR <= int(value[:4]) <= _LAST_YEAR
    ):
        raise UsageError(
            f"统计期 {value!r} 无效:应为 {_FIRST_YEAR}–{_LAST_YEAR} 年间的 2024、2024-06、"
            "2024-Q4 或 2024-H1 形式",
            f"period {value!r} is invalid: expected 2024, 2024-06, 2024-Q4 or 2024-H1 "
            f"with a year from {_FIRST_YEAR} to {_LAST_YEAR}",
            code="SQK-U103",
            period=repr(value),
        )


@attrs.frozen(kw_only=True)
class SampleSpec:
    """What sample to generate (样例数据规格).

    Attributes:
        communities: number of communities, at least 1 (about 1,000,000 fit one province).
        seed: random seed; the same spec always gives the same records.
        province: 2-digit province code (省级代码), e.g. ``"32"`` Jiangsu, ``"37"``
            Shandong, ``"42"`` Hubei; any of the 31 mainland provinces.
        period: the reporting period (统计期), ``2024``, ``2024-06``, ``2024-Q4`` or
            ``2024-H1``; its year dates the funding lines and designations.

    Raises:
        UsageError: ``SQK-U101`` for an unknown province, ``SQK-U102`` for a
            community count below 1 or beyond the province's code space,
            ``SQK-U103`` for a malformed period, ``SQK-U104`` for a seed that is
            not an integer.
    """

    communities: int = attrs.field(default=20, validator=_check_communities)
    seed: int = attrs.field(default=0, validator=_check_seed)
    province: str = attrs.field(default="32", validator=_check_province)
    period: str = attrs.field(default="2024", validator=_check_period)

    def __attrs_post_init__(self) -> None:
        Layout(self.province, self.seed, self.communities)  # raises SQK-U102 when too many

    @property
    def year(self) -> int:
        """The calendar year of the period."""
        return int(self.period[:4])


def _sample(spec: SampleSpec) -> Sample:
    return Sample(
        seed=spec.seed, province=spec.province, communities=spec.communities, year=spec.year
    )


def sample_metadata(spec: SampleSpec) -> Metadata:
    """The submission metadata of the sample: the province's civil-affairs authority reports."""
    province = PROVINCES[spec.province]
    return Metadata(
        reporting_unit=province.civil_affairs,
        reporting_division=DivisionCode.from_prefix(spec.province),
        period=spec.period,
        title=f"{province.name}社区建设基础数据(样例)",
        source=f"shequkit 样例数据生成器 sample generator, seed {spec.seed}",
    )


def iter_sample(spec: SampleSpec) -> Iterator[tuple[RecordKind, Record]]:
    """Stream the sample's records with their kinds, in document order, in flat memory.

    The records equal ``generate_sample(spec).records()``; nothing is built
    before it is asked for, so the national scale (620,000 communities) streams
    without holding the dataset.
    """
    return _stream(_sample(spec))


def _stream(sample: Sample) -> Iterator[tuple[RecordKind, Record]]:
    previous: Place | None = None
    for index in range(sample.communities):
        profile = sample.profile(index)
        for division in community_divisions(sample, profile, previous):
            yield _DIVISION, division
        previous = profile.place
    for kind, build in _KINDS:
        for index in range(sample.communities):
            for record in build(sample, sample.profile(index)):
                yield kind, record


def generate_sample(spec: SampleSpec) -> Dataset:
    """Generate the sample as an in-memory :class:`~shequkit.model.Dataset`.

    For small and medium sizes; use :func:`iter_sample` for large ones.
    """
    sample = _sample(spec)
    collections: dict[str, list[Record]] = {kind.collection: [] for kind in RECORD_KINDS}
    divisions = collections[_DIVISION.collection]
    previous: Place | None = None
    for index in range(sample.communities):
        profile = sample.profile(index)
        divisions.extend(community_divisions(sample, profile, previous))
        previous = profile.place
        for kind, build in _KINDS:
            collections[kind.collection].extend(build(sample, profile))
    frozen: dict[str, Any] = {key: tuple(rows) for key, rows in collections.items()}
    return Dataset(meta=sample_metadata(spec), **frozen)
