"""Evaluation: every community against a rule pack, then rolled up by division level.

:func:`evaluate` reads and validates the source in one pass, checks each
community against every rule of the pack, gives it its grade, and counts the
results for each street (township), county, city and province with the share
of communities that meet each rule and the gap to each target.

Shares: a rule's share in a division is *passed / assessed*, where assessed
counts every community for which the rule applies (missing data counts as not
meeting it, so gaps in the data never make a division look better). The
standard's share is communities meeting every required rule / all communities.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import attrs

from shequkit._exceptions import PluginError, UsageError
from shequkit._toolkit import Toolkit, default_toolkit
from shequkit.standards._declarative import Metric
from shequkit.standards._rules import (
    ROLLUP_SCOPES,
    Finding,
    Grade,
    Outcome,
    Rule,
    RulePack,
    Scope,
    Target,
)
from shequkit.standards._view import CommunityGrouper, CommunityView
from shequkit.validate._catalogue import Severity
from shequkit.validate._report import Issue, Report
from shequkit.validate._validate import Source, check_source

__all__ = [
    "CommunityResult",
    "Evaluation",
    "TargetResult",
    "UnitRollup",
    "evaluate",
    "evaluate_views",
    "resolve_pack",
]


@attrs.frozen
class CommunityResult:
    """How one community fared: a finding per rule (in the pack's order) and its grade.

    ``figures`` holds the values of the evaluation's figures (see
    :attr:`Evaluation.figures`), in their order; empty when none were asked for.
    """

    community_id: str
    name: str
    division_code: str
    index: int
    findings: tuple[Finding, ...]
    meets_standard: bool
    grade: Grade | None = None
    figures: tuple[float | int | None, ...] = ()

    def finding(self, pack: RulePack, rule_id: str) -> Finding:
        """The finding for the rule ``rule_id`` of ``pack``."""
        for rule, finding in zip(pack.rules, self.findings, strict=True):
            if rule.id == rule_id:
                return finding
        raise KeyError(rule_id)


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


@attrs.frozen
class Evaluation:
    """The result of :func:`evaluate`.

    Attributes:
        pack: the rule pack evaluated.
        communities: one result per community, in document order.
        rollups: per division level, one rollup per division (ordered by code).
        report: the validation report of the data (structural and semantic layers);
            the standards findings as issues come from :meth:`issues`.
        source: the file name, when the source was a file.
        figures: the figures read from every community besides the rules (name →
            metric), for reports such as the service-space distribution; each
            community's values are in :attr:`CommunityResult.figures`.
    """

    pack: RulePack
    communities: tuple[CommunityResult, ...]
    rollups: Mapping[Scope, tuple[UnitRollup, ...]]
    report: Report
    source: str | None = None
    figures: Mapping[str, Metric] = attrs.field(factory=dict)

    def figure(self, result: CommunityResult, name: str) -> float | int | None:
        """The value of figure ``name`` for one community (``KeyError`` when not collected)."""
        names = list(self.figures)
        if name not in names:
            raise KeyError(name)
        return result.figures[names.index(name)]

    def issues(self) -> Iterator[Issue]:
        """The standards-layer issues, made one at a time (a large evaluation has many).

        Each required rule not met (``SQK-E401``), recommended rule not met
        (``SQK-W402``), data gap (``SQK-W403``) and missed target (``SQK-W404``).
        """
        return standards_issues(self.pack, self.communities, self.rollups)

    @property
    def data_errors(self) -> int:
        """Errors in the data itself (the validation report), not in meeting the standard."""
        return self.report.error_count

    @property
    def meeting_standard(self) -> int:
        """How many communities meet every required rule."""
        return sum(1 for result in self.communities if result.meets_standard)

    def rule_counts(self, rule_id: str) -> Counter[Outcome]:
        """Outcome counts of one rule over every community."""
        index = [rule.id for rule in self.pack.rules].index(rule_id)
        return Counter(result.findings[index].outcome for result in self.communities)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready mapping (the JSON report); personal data never appears in it."""
        rules = self.pack.rules
        names = tuple(self.figures)
        return {
            "pack": {
                "name": self.pack.name,
                "version": self.pack.version,
                "title_zh": self.pack.title_zh,
                "title_en": self.pack.title_en,
            },
            "source": self.source,
            "valid": self.report.valid,
            "summary": {
                "communities": len(self.communities),
                "meeting_standard": self.meeting_standard,
                "rules": {
                    rule.id: {
                        outcome.value: count
                        for outcome, count in sorted(
                            self.rule_counts(rule.id).items(), key=lambda item: item[0].value
                        )
                    }
                    for rule in rules
                },
            },
            "rules": [_rule_dict(rule) for rule in rules],
            "targets": [_target_dict(target) for target in self.pack.targets],
            "figures": {
                name: {
                    "label_zh": metric.label_zh,
                    "label_en": metric.label_en,
                    "unit": metric.unit,
                }
                for name, metric in self.figures.items()
            },
            "communities": [_community_dict(result, rules, names) for result in self.communities],
            "rollups": {
                scope.value: [_unit_dict(unit) for unit in units]
                for scope, units in self.rollups.items()
            },
        }


def _rule_dict(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.id,
        "title_zh": rule.title_zh,
        "title_en": rule.title_en,
        "expected": rule.expected,
        "severity": rule.severity.value,
        "source": {
            "document": rule.citation.document,
            "clause": rule.citation.clause,
            "text": rule.citation.text,
        },
    }


def _target_dict(target: Target) -> dict[str, Any]:
    return {
        "id": target.id,
        "title_zh": target.title_zh,
        "title_en": target.title_en,
        "rule": target.rule_id,
        "scope": target.scope.value,
        "minimum_share": target.minimum_share,
        "source": {
            "document": target.citation.document,
            "clause": target.citation.clause,
            "text": target.citation.text,
        },
    }


def _community_dict(
    result: CommunityResult, rules: tuple[Rule, ...], names: tuple[str, ...] = ()
) -> dict[str, Any]:
    data = {
        "id": result.community_id,
        "name": result.name,
        "division_code": result.division_code,
        "meets_standard": result.meets_standard,
        "grade": None if result.grade is None else result.grade.label,
        "findings": {
            rule.id: {
                "outcome": finding.outcome.value,
                "actual": finding.actual,
                "expected": finding.expected,
            }
            for rule, finding in zip(rules, result.findings, strict=True)
        },
    }
    if names:
        data["figures"] = dict(zip(names, result.figures, strict=True))
    return data


def _unit_dict(unit: UnitRollup) -> dict[str, Any]:
    return {
        "code": unit.code,
        "name": unit.name,
        "communities": unit.communities,
        "meeting_standard": unit.meeting_standard,
        "share_meeting_standard": unit.share(),
        "rules": {
            rule_id: {outcome.value: count for outcome, count in counts.items()}
            for rule_id, counts in unit.outcomes.items()
        },
        "targets": [
            {
                "id": result.target.id,
                "outcome": result.finding.outcome.value,
                "share": result.finding.actual,
                "required": result.target.minimum_share,
                "gap": result.gap,
                "communities_needed": result.needed,
            }
            for result in unit.targets
        ],
    }


def resolve_pack(rules: RulePack | str, toolkit: Toolkit | None = None) -> RulePack:
    """The pack itself, or the installed pack called ``rules``.

    Raises:
        UsageError: ``SQK-U120`` when no installed pack has that name.
    """
    if isinstance(rules, RulePack):
        return rules
    tools = toolkit or default_toolkit()
    pack = tools.rule_pack(rules)
    if pack is None:
        names = ", ".join(pack.name for pack in tools.rule_packs) or "(none)"
        raise UsageError(
            f"没有名为“{rules}”的规则包;已安装:{names}",
            f"no rule pack named {rules!r}; installed: {names}",
            code="SQK-U120",
        )
    if not isinstance(pack, RulePack):
        raise PluginError(
            f"规则包“{rules}”不是 shequkit.standards.RulePack",
            f"rule pack {rules!r} is not a shequkit.standards.RulePack",
            code="SQK-P100",
        )
    return pack


def evaluate(
    source: Source,
    rules: RulePack | str,
    *,
    format: str | None = None,
    encoding: str | None = None,
    max_issues: int | None = None,
    progress: Callable[[int], None] | None = None,
    toolkit: Toolkit | None = None,
    figures: Mapping[str, Metric] | None = None,
) -> Evaluation:
    """Evaluate every community of ``source`` against a rule pack and roll the results up.

    The source is validated in the same pass (``evaluation.report`` holds the
    structural and semantic issues, ``evaluation.issues()`` the standards ones);
    records that fail the structural layer are left out of the evaluation.

    Args:
        source: a :class:`~shequkit.Dataset`, a canonical ``dict`` or a file path.
        rules: a :class:`RulePack` or the name of an installed one (``"jiangsu-2008"``).
        format / encoding / max_issues / progress / toolkit: as for
            :func:`shequkit.validate`.
        figures: metrics to read from every community besides the rules (name →
            :class:`Metric`), kept in the evaluation for reports
            (``shequkit.reports.REPORT_FIGURES``); none by default.

    Raises:
        InputError: the file cannot be read at all.
        UsageError: ``SQK-U120`` when no rule pack is called ``rules``.
        PluginError: ``SQK-P105`` when a rule of the pack fails with an exception.
    """
    pack = resolve_pack(rules, toolkit)
    grouper = CommunityGrouper()
    validator = check_source(
        source,
        format=format,
        encoding=encoding,
        max_issues=max_issues,
        progress=progress,
        toolkit=toolkit,
        sink=grouper.add,
    )
    report = validator.finish()
    figures = dict(figures or {})
    results = tuple(evaluate_views(pack, grouper.views(), figures))
    rollups = roll_up(pack, results, grouper.division_names)
    return Evaluation(pack, results, rollups, report, source=report.source, figures=figures)


def evaluate_views(
    pack: RulePack, views: Iterator[CommunityView], figures: Mapping[str, Metric] | None = None
) -> Iterator[CommunityResult]:
    """Check each community view against every rule of ``pack`` (the per-community step).

    ``figures`` are read from each community too (see :attr:`Evaluation.figures`).
    """
    metrics = tuple((figures or {}).values())
    # Most findings repeat (pass with the same count, missing data...): keep one of each,
    # so a national evaluation holds a few thousand Finding objects, not millions.
    seen: dict[Finding, Finding] = {}
    for view in views:
        findings = tuple(
            seen.setdefault(finding, finding)
            for finding in (_check(rule, view, pack) for rule in pack.rules)
        )
        meets = all(
            finding.outcome in (Outcome.PASS, Outcome.NOT_APPLICABLE)
            for rule, finding in zip(pack.rules, findings, strict=True)
            if rule.required
        )
        grade = None
        if pack.grading is not None:
            by_id = {rule.id: finding for rule, finding in zip(pack.rules, findings, strict=True)}
            grade = pack.grading(view, by_id)
        community = view.community
        yield CommunityResult(
            community.id,
            community.name,
            str(community.division_code),
            view.index,
            findings,
            meets,
            grade,
            tuple(metric(view) for metric in metrics),
        )


def _check(rule: Rule, view: CommunityView, pack: RulePack) -> Finding:
    try:
        return rule.evaluate(view)
    except Exception as error:
        raise PluginError(
            f"规则包 {pack.name} 的规则 {rule.id} 检查社区 {view.community.id} 时出错:{error!r}",
            f"rule {rule.id} of pack {pack.name} failed on community {view.community.id}:"
            f" {error!r}",
            code="SQK-P105",
        ) from error


def roll_up(
    pack: RulePack,
    results: tuple[CommunityResult, ...],
    names: Mapping[str, str] | None = None,
) -> dict[Scope, tuple[UnitRollup, ...]]:
    """Count community results per street, county, city and province, and check the targets."""
    names = names or {}
    rule_ids = [rule.id for rule in pack.rules]
    rollups: dict[Scope, tuple[UnitRollup, ...]] = {}
    for scope in ROLLUP_SCOPES:
        groups: dict[str, list[CommunityResult]] = {}
        for result in results:
            prefix = result.division_code[: scope.prefix_length]
            groups.setdefault(prefix, []).append(result)
        units = []
        for prefix in sorted(groups):
            members = groups[prefix]
            outcomes: dict[str, dict[Outcome, int]] = {}
            for position, rule_id in enumerate(rule_ids):
                counted = Counter(member.findings[position].outcome for member in members)
                outcomes[rule_id] = {outcome: counted.get(outcome, 0) for outcome in Outcome}
            code = prefix.ljust(12, "0")
            unit = UnitRollup(
                scope,
                code,
                names.get(code),
                len(members),
                sum(1 for member in members if member.meets_standard),
                outcomes,
            )
            targets = tuple(
                _check_target(target, unit) for target in pack.targets if target.scope is scope
            )
            units.append(attrs.evolve(unit, targets=targets))
        rollups[scope] = tuple(units)
    return rollups


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


def standards_issues(
    pack: RulePack,
    results: tuple[CommunityResult, ...],
    rollups: Mapping[Scope, tuple[UnitRollup, ...]],
) -> Iterator[Issue]:
    """The standards-layer issues: each requirement not met, each data gap, each missed target."""
    for result in results:
        path = f"/communities/{result.index}"
        for rule, finding in zip(pack.rules, result.findings, strict=True):
            if finding.outcome is Outcome.FAIL and rule.severity is not Severity.INFO:
                code = "SQK-E401" if rule.required else "SQK-W402"
                yield Issue.catalogued(
                    code,
                    path,
                    record_id=result.community_id,
                    value=finding.actual,
                    **_facts(rule.id, rule, result.name),
                    actual=_shown(finding.actual),
                    expected=finding.expected or rule.expected,
                )
            elif finding.outcome is Outcome.MISSING_DATA and rule.severity is not Severity.INFO:
                yield Issue.catalogued(
                    "SQK-W403",
                    path,
                    record_id=result.community_id,
                    **_facts(rule.id, rule, result.name),
                )
    for scope, units in rollups.items():
        for unit in units:
            for target_result in unit.targets:
                if target_result.finding.outcome is not Outcome.FAIL:
                    continue
                target = target_result.target
                yield Issue.catalogued(
                    "SQK-W404",
                    f"/rollups/{scope.value}/{unit.code}",
                    record_id=unit.code,
                    value=target_result.finding.actual,
                    scope_zh=scope.label_zh,
                    scope_en=scope.label_en,
                    unit=unit.name or unit.code,
                    **_facts(target.id, target, None),
                    actual=_shown(target_result.finding.actual, share=True),
                    expected=target.expected,
                    needed=target_result.needed,
                )


def _facts(rule_id: str, rule: Rule | Target, name: str | None) -> dict[str, Any]:
    citation = rule.citation
    return {
        "rule": rule_id,
        "title_zh": rule.title_zh,
        "title_en": rule.title_en,
        "name": name,
        "source": f"{citation.document} {citation.clause}".strip(),
    }


def _shown(value: object, *, share: bool = False) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.1%}" if share else f"{value:g}"
    return str(value)
