"""Which data a rule reads, found by running it against a recording probe.

Rules are functions (declarative helpers build them too), so what they need is
not written down anywhere; a fill-in template still has to tell a community
which sheets and columns to fill for each rule. :func:`rule_needs` runs a
rule's ``applies`` and ``check`` against a probe that answers every question
with "unknown" and records each question: a community field read, a count of
records of some kind with conditions, a total of a field. Plain-Python rules
that stop at their first unknown value may be recorded incompletely; the
declarative helpers are recorded completely.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Final

import attrs

from shequkit.codes import LabelledEnum
from shequkit.formats._tabular import columns
from shequkit.model import RECORD_KINDS, Community
from shequkit.standards import Rule

__all__ = ["Need", "rule_needs"]

_KINDS: Final = {kind.cls: kind for kind in RECORD_KINDS}


@attrs.frozen
class Need:
    """One piece of data a rule reads.

    Attributes:
        cls: the record class (``Community``, ``Facility``...).
        field: the field read, or ``None`` when the rule only counts records.
        conditions: the fields and values the counted records must have.
    """

    cls: type[Any]
    field: str | None = None
    conditions: tuple[tuple[str, Any], ...] = ()

    @property
    def sheet(self) -> str:
        """The sheet of a workbook holding these records (``设施``)."""
        return _KINDS[self.cls].label_zh

    def describe(self) -> str:
        """What to fill in, as a person reads it: ``设施:藏书量(册)〔设施类型=书画阅览室〕``."""
        text = self.sheet
        cls: type = self.cls
        if self.field is not None:
            text += f":{_header(cls, self.field)}"
        if self.conditions:
            shown = ",".join(
                f"{_header(cls, name)}={_value(value)}" for name, value in self.conditions
            )
            text += f"〔{shown}〕"
        return text


def _header(cls: type, name: str) -> str:
    for column in columns(cls):
        if column.name == name:
            return column.header
    return name


def _value(value: Any) -> str:
    if isinstance(value, LabelledEnum):
        return str(value.value)
    if isinstance(value, tuple | list | set | frozenset):
        return "/".join(_value(item) for item in value)
    return str(value)


class _ProbeCommunity:
    """A community whose every field is unknown, remembering which were read."""

    def __init__(self, needs: list[Need]) -> None:
        self._needs = needs

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        self._needs.append(Need(Community, name))
        return None


class _ProbeView:
    """Stands in for a :class:`~shequkit.standards.CommunityView`; records every question."""

    index = 0

    def __init__(self) -> None:
        self.needs: list[Need] = []
        self.community = _ProbeCommunity(self.needs)
        self.records: dict[type[Any], tuple[Any, ...]] = {}

    def _note(self, cls: type[Any], field: str | None, conditions: dict[str, Any]) -> None:
        if cls in _KINDS:
            pairs = tuple(
                (name, tuple(value) if isinstance(value, list | set) else value)
                for name, value in conditions.items()
            )
            self.needs.append(Need(cls, field, pairs))

    def of(self, cls: type[Any]) -> tuple[Any, ...]:
        self._note(cls, None, {})
        return ()

    def where(self, cls: type[Any], **conditions: Any) -> Iterator[Any]:
        self._note(cls, None, conditions)
        return iter(())

    def count(self, cls: type[Any], **conditions: Any) -> int:
        self._note(cls, None, conditions)
        return 1  # "some": lets sum-of-field metrics go on to read the field

    def total(self, cls: type[Any], field: str, **conditions: Any) -> float | None:
        self._note(cls, field, conditions)
        return None

    def distinct(self, cls: type[Any], field: str, **conditions: Any) -> frozenset[Any]:
        self._note(cls, field, conditions)
        return frozenset()

    def latest(self, cls: type[Any], field: str) -> tuple[Any, ...] | None:
        self._note(cls, None, {})
        return None


def rule_needs(rule: Rule) -> tuple[Need, ...]:
    """The data ``rule`` reads (community fields, records counted or summed), without repeats."""
    probe: Any = _ProbeView()
    for step in (rule.applies, rule.check):
        if step is None:
            continue
        try:
            step(probe)
        except Exception:  # a rule may fail on unknown values: keep what it read
            continue
    seen: dict[Need, None] = {}
    for need in probe.needs:
        if need.cls is Community and need.field in ("id", "index"):
            continue
        seen.setdefault(need, None)
    # A count with conditions says more than a bare count of the same class.
    counted = {need.cls for need in seen if need.field is None and need.conditions}
    return tuple(
        need
        for need in seen
        if not (need.field is None and not need.conditions and need.cls in counted)
    )
