"""What a standard is made of: rules, rollup targets, grading and the pack that holds them.

A :class:`RulePack` is a named, versioned set of :class:`Rule` (checked for one
community at a time) and :class:`Target` (a share of communities that must meet
a rule, checked for each street, county, city or province). Every rule cites the
sentence of the document it comes from, so a report can always say *why*.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Final

import attrs

from shequkit.codes._labelled import LabelledEnum
from shequkit.validate._catalogue import Severity

if TYPE_CHECKING:
    from shequkit.standards._view import CommunityView

__all__ = [
    "Citation",
    "Finding",
    "Grade",
    "Grading",
    "Outcome",
    "Rule",
    "RulePack",
    "Scope",
    "Target",
]


class Outcome(LabelledEnum):
    """The result of one rule for one community (or one target for one division)."""

    PASS = ("pass", "达标")
    FAIL = ("fail", "未达标")
    NOT_APPLICABLE = ("not-applicable", "不适用")
    MISSING_DATA = ("missing-data", "缺少数据")


class Scope(LabelledEnum):
    """Where a rule is evaluated: one community, or a division that rolls communities up."""

    COMMUNITY = ("community", "社区")
    STREET = ("street", "街道(乡镇)")
    COUNTY = ("county", "县(市、区)")
    CITY = ("city", "市(州)")
    PROVINCE = ("province", "省(自治区、直辖市)")

    @property
    def prefix_length(self) -> int:
        """How many leading digits of a 12-digit division code name a unit of this scope."""
        return _PREFIX_LENGTH[self]


_PREFIX_LENGTH: Final = {
    Scope.COMMUNITY: 12,
    Scope.STREET: 9,
    Scope.COUNTY: 6,
    Scope.CITY: 4,
    Scope.PROVINCE: 2,
}

ROLLUP_SCOPES: Final = (Scope.STREET, Scope.COUNTY, Scope.CITY, Scope.PROVINCE)
"""The division levels communities roll up to, from the nearest to the widest."""


@attrs.frozen
class Citation:
    """Where a rule comes from.

    Attributes:
        document: the source document (for the seeds, their file name stem, e.g.
            ``"001"`` for the Jiangsu 2008 opinions); see the pack's page in the docs.
        clause: the section or item within the document (``"二、1"``).
        text: the sentence the rule encodes, quoted as the document has it.
    """

    document: str
    clause: str
    text: str


@attrs.frozen
class Finding:
    """The result of checking one rule for one community.

    Attributes:
        outcome: pass, fail, not applicable or missing data.
        actual: the value found (a number, or a short text such as the missing
            facilities); ``None`` when the data was missing.
        expected: what the rule requires, as shown to people (``"≥ 15"``).
    """

    outcome: Outcome
    actual: float | int | str | None = None
    expected: str | None = None

    @property
    def passed(self) -> bool:
        """True when the outcome is a pass."""
        return self.outcome is Outcome.PASS


Check = Callable[["CommunityView"], Finding]
"""A rule's check: looks at one community with its records and returns a :class:`Finding`."""


@attrs.frozen
class Rule:
    """One requirement a community must meet.

    Build rules with the helpers in :mod:`shequkit.standards` (``at_least``,
    ``per_households``, ``requires`` ...) where the requirement is a threshold,
    a ratio or a list of things a community must have; give ``check`` directly
    when it is not.

    Attributes:
        id: unique within the pack, stable across versions (``"js-service-items"``).
        title_zh / title_en: what the rule requires, in a line.
        citation: the document and sentence the rule comes from.
        check: the function that evaluates the rule for one community.
        expected: the requirement as shown in reports (``"≥ 15 项"``).
        severity: ``error`` for a requirement of the standard (a community that
            fails it does not meet the standard), ``warning`` for a target that
            is recommended, ``info`` for what is only reported.
        applies: when given, communities for which it returns ``False`` get
            *not applicable* (for example rules for urban communities only).
    """

    id: str
    title_zh: str
    title_en: str
    citation: Citation
    check: Check = attrs.field(eq=False, repr=False)
    expected: str = ""
    severity: Severity = Severity.ERROR
    applies: Callable[[CommunityView], bool] | None = attrs.field(
        default=None, eq=False, repr=False
    )

    def evaluate(self, view: CommunityView) -> Finding:
        """Check this rule for one community (not-applicable when ``applies`` says so)."""
        if self.applies is not None and not self.applies(view):
            return Finding(Outcome.NOT_APPLICABLE, expected=self.expected)
        finding = self.check(view)
        if finding.expected is None and self.expected:
            # Not attrs.evolve: this runs once per rule per community (millions nationally).
            return Finding(finding.outcome, finding.actual, self.expected)
        return finding

    @property
    def required(self) -> bool:
        """True when failing this rule means the community does not meet the standard."""
        return self.severity is Severity.ERROR


@attrs.frozen
class Target:
    """A share of communities that must meet a rule, checked for each division of a scope.

    Policy documents set goals such as "60% of communities reach the provincial
    model standard this year": that is a target on the share of communities,
    evaluated per street, county or city, not a property of one community.

    Attributes:
        rule_id: the rule whose passes are counted, or ``None`` for communities
            that meet the whole standard (every required rule passed).
        minimum_share: the share required, between 0 and 1 (``0.6``).
        scope: the division level the share is computed for.
    """

    id: str
    title_zh: str
    title_en: str
    citation: Citation
    minimum_share: float = attrs.field(validator=[attrs.validators.ge(0), attrs.validators.le(1)])
    rule_id: str | None = None
    scope: Scope = Scope.COUNTY
    severity: Severity = Severity.WARNING

    @property
    def expected(self) -> str:
        """The requirement as shown in reports (``"≥ 60%"``)."""
        return f"≥ {self.minimum_share:.0%}"


@attrs.frozen
class Grade:
    """A community's grade under a pack that defines one (e.g. Jiangsu's class A level 2).

    Attributes:
        label: what reports show (``"A类一级"``).
        rank: orders grades, lower is better; ``None`` for ungraded.
    """

    label: str
    rank: int | None = None


Grading = Callable[["CommunityView", Mapping[str, Finding]], Grade | None]
"""Gives a community its grade from its records and the findings of every rule of the pack."""


def _rules(rules: Iterable[Rule]) -> tuple[Rule, ...]:
    return tuple(rules)


def _targets(targets: Iterable[Target]) -> tuple[Target, ...]:
    return tuple(targets)


@attrs.frozen
class RulePack:
    """A named, versioned standard: rules per community, targets per division, optional grading.

    Attributes:
        name: unique name used on the command line (``--rules jiangsu-2008``).
        version: the pack's version; bump it when a rule's meaning changes.
        title_zh / title_en: the standard's name.
        province: two-digit province code the pack is meant for, or ``None``.
        rules / targets: in the order reports list them.
        grading: a function giving each community its grade, or ``None``.
        description: a paragraph for the docs and ``shequkit standards``.
    """

    name: str
    version: str
    title_zh: str
    title_en: str
    rules: tuple[Rule, ...] = attrs.field(converter=_rules)
    targets: tuple[Target, ...] = attrs.field(default=(), converter=_targets)
    province: str | None = None
    grading: Grading | None = attrs.field(default=None, eq=False, repr=False)
    description: str = ""

    def __attrs_post_init__(self) -> None:
        ids = [rule.id for rule in self.rules] + [target.id for target in self.targets]
        duplicates = sorted({rule_id for rule_id in ids if ids.count(rule_id) > 1})
        if duplicates:
            raise ValueError(f"rule pack {self.name!r} repeats rule ids {duplicates}")
        known = {rule.id for rule in self.rules}
        for target in self.targets:
            if target.rule_id is not None and target.rule_id not in known:
                raise ValueError(f"target {target.id!r} counts unknown rule {target.rule_id!r}")

    def rule(self, rule_id: str) -> Rule:
        """The rule with id ``rule_id`` (``KeyError`` when the pack has none)."""
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)
