"""Rollups: community results counted per street, county, city and province, targets checked.

Counting streams: :class:`Tally` takes one result at a time and keeps, per
street, one compact row of counts (communities, those meeting the standard,
and each rule's outcomes). Counties, cities and provinces are sums of their
streets, so a national evaluation needs a few tens of megabytes for its
rollups however many communities pass through.

Shares: a rule's share in a division is *passed / assessed*, where assessed
counts every community for which the rule applies (missing data counts as not
meeting it, so gaps in the data never make a division look better). The
standard's share is communities meeting every required rule / all communities.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Iterable, Iterator, Mapping
from typing import Final

import attrs

from shequkit.standards._results import CommunityResult
from shequkit.standards._rules import ROLLUP_SCOPES, Finding, Outcome, RulePack, Scope, Target

__all__ = ["OutcomeCounts", "Tally", "TargetResult", "UnitRollup", "roll_up"]

_OUTCOMES: Final = tuple(Outcome)
_SLOT: Final = {outcome: position for position, outcome in enumerate(_OUTCOMES)}
_FIRST_RULE: Final = 2  # a row: communities, meeting the standard, then outcomes per rule


@attrs.frozen
class TargetResult:
    """A target checked for one division.

    Attributes:
        finding: pass/fail (not applicable when no community was assessed);
            ``actual`` is the share found, between 0 and 1.
        needed: how many more communities must meet the rule to reach the target.
    """

    target: Target
    finding: Finding
    needed: int = 0

    @property
    def gap(self) -> float:
        """How far the share is below the target (0 when met), between 0 and 1."""
        actual = self.finding.actual
        if not isinstance(actual, float | int):
            return 0.0
        return max(0.0, self.target.minimum_share - actual)


class OutcomeCounts(Mapping[str, Mapping[Outcome, int]]):
    """Per rule id, how many communities had each outcome (every outcome, zeros included).

    A read-only mapping over one division's row of counts: ``counts["R1"][Outcome.PASS]``.
    """

    __slots__ = ("_counts", "_positions")

    def __init__(self, positions: Mapping[str, int], counts: array[int]) -> None:
        self._positions = positions
        self._counts = counts

    def __getitem__(self, rule_id: str) -> Mapping[Outcome, int]:
        start = _FIRST_RULE + self._positions[rule_id] * len(_OUTCOMES)
        return dict(zip(_OUTCOMES, self._counts[start : start + len(_OUTCOMES)], strict=True))

    def __iter__(self) -> Iterator[str]:
        return iter(self._positions)

    def __len__(self) -> int:
        return len(self._positions)

    def __repr__(self) -> str:
        return f"OutcomeCounts({dict(self)!r})"


@attrs.frozen
class UnitRollup:
    """The communities of one division (a street, county, city or province) counted together.

    Attributes:
        scope: the division level.
        code: the division's 12-digit code.
        name: its name when the data holds its division record, else ``None``.
        communities: how many communities it contains.
        meeting_standard: how many of them meet every required rule.
        outcomes: per rule id, how many communities had each outcome.
        targets: the pack's targets for this scope, checked for this division.
    """

    scope: Scope
    code: str
    name: str | None
    communities: int
    meeting_standard: int
    outcomes: Mapping[str, Mapping[Outcome, int]]
    targets: tuple[TargetResult, ...] = ()

    def assessed(self, rule_id: str | None = None) -> int:
        """Communities for which the rule applies (all communities for the whole standard)."""
        if rule_id is None:
            return self.communities
        counts = self.outcomes[rule_id]
        return self.communities - counts.get(Outcome.NOT_APPLICABLE, 0)

    def passed(self, rule_id: str | None = None) -> int:
        """Communities that pass the rule (or meet the whole standard)."""
        if rule_id is None:
            return self.meeting_standard
        return self.outcomes[rule_id].get(Outcome.PASS, 0)

    def share(self, rule_id: str | None = None) -> float | None:
        """The share of assessed communities that pass; ``None`` when none was assessed."""
        assessed = self.assessed(rule_id)
        return self.passed(rule_id) / assessed if assessed else None


class Tally:
    """Counts community results per street as they stream past; :meth:`rollups` at the end.

    Args:
        pack: the rule pack the results are for.
    """

    def __init__(self, pack: RulePack) -> None:
        self._pack = pack
        self._positions = {rule.id: position for position, rule in enumerate(pack.rules)}
        self._width = _FIRST_RULE + len(pack.rules) * len(_OUTCOMES)
        self._streets: dict[str, array[int]] = {}
        self._street_length = Scope.STREET.prefix_length

    def add(self, result: CommunityResult) -> None:
        """Count one community's result."""
        row = self._row(result.division_code[: self._street_length])
        row[0] += 1
        row[1] += result.meets_standard
        slot, width = _SLOT, len(_OUTCOMES)
        for position, finding in enumerate(result.findings):
            row[_FIRST_RULE + position * width + slot[finding.outcome]] += 1

    def add_all(self, results: Iterable[CommunityResult]) -> None:
        """Count every result of ``results``."""
        for result in results:
            self.add(result)

    def add_counts(
        self,
        street: str,
        communities: int,
        meeting_standard: int,
        outcomes: Mapping[tuple[int, Outcome], int],
    ) -> None:
        """Add counts made elsewhere (a Spark aggregation) for the street ``street``.

        Args:
            street: the first 9 digits of the communities' division codes.
            communities: how many communities were counted.
            meeting_standard: how many of them meet every required rule.
            outcomes: per (rule position in the pack, outcome), how many communities.
        """
        row = self._row(street)
        row[0] += communities
        row[1] += meeting_standard
        for (position, outcome), count in outcomes.items():
            row[_FIRST_RULE + position * len(_OUTCOMES) + _SLOT[outcome]] += count

    def _row(self, street: str) -> array[int]:
        row = self._streets.get(street)
        if row is None:
            row = self._streets[street] = array("I", [0]) * self._width
        return row

    def rollups(
        self, names: Mapping[str, str] | None = None
    ) -> dict[Scope, tuple[UnitRollup, ...]]:
        """One rollup per division at each level, ordered by code, with the targets checked.

        Args:
            names: division names by 12-digit code (from the data's division records).
        """
        names = names or {}
        rows = self._streets
        rollups: dict[Scope, tuple[UnitRollup, ...]] = {}
        for scope in ROLLUP_SCOPES:
            if scope is not Scope.STREET:
                rows = _summed(rows, scope.prefix_length, self._width)
            targets = tuple(target for target in self._pack.targets if target.scope is scope)
            units = []
            for prefix in sorted(rows):
                row = rows[prefix]
                code = prefix.ljust(12, "0")
                outcomes = OutcomeCounts(self._positions, row)
                unit = UnitRollup(scope, code, names.get(code), row[0], row[1], outcomes)
                if targets:
                    checked = tuple(_check_target(target, unit) for target in targets)
                    unit = attrs.evolve(unit, targets=checked)
                units.append(unit)
            rollups[scope] = tuple(units)
        return rollups


def _summed(rows: Mapping[str, array[int]], length: int, width: int) -> dict[str, array[int]]:
    summed: dict[str, array[int]] = {}
    for prefix, row in rows.items():
        total = summed.get(prefix[:length])
        if total is None:
            summed[prefix[:length]] = array("I", row)
        else:
            for position in range(width):
                total[position] += row[position]
    return summed


def roll_up(
    pack: RulePack,
    results: Iterable[CommunityResult],
    names: Mapping[str, str] | None = None,
) -> dict[Scope, tuple[UnitRollup, ...]]:
    """Count community results per street, county, city and province, and check the targets."""
    tally = Tally(pack)
    tally.add_all(results)
    return tally.rollups(names)


def _check_target(target: Target, unit: UnitRollup) -> TargetResult:
    assessed = unit.assessed(target.rule_id)
    if assessed == 0:
        return TargetResult(target, Finding(Outcome.NOT_APPLICABLE, expected=target.expected))
    passed = unit.passed(target.rule_id)
    share = passed / assessed
    # Compare counts, not floats: 60% of 5 communities needs 3, exactly.
    required = math.ceil(round(target.minimum_share * assessed, 9))
    outcome = Outcome.PASS if passed >= required else Outcome.FAIL
    finding = Finding(outcome, actual=share, expected=target.expected)
    return TargetResult(target, finding, needed=max(0, required - passed))
