"""Evaluation: every community against a rule pack, then rolled up by division level.

:func:`evaluate` reads and validates the source in one pass, checks each
community against every rule of the pack, gives it its grade, and counts the
results for each street (township), county, city and province with the share
of communities that meet each rule and the gap to each target (see
:mod:`shequkit.standards._rollup` for how shares are counted).

Memory stays bounded at national scale: the records are grouped per community
on disk past a threshold (:class:`CommunityGrouper`), results stream through
the rollup counts and past a threshold live on disk (:class:`CommunityResults`),
and the standards issues are made one at a time.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

import attrs

from shequkit._exceptions import PluginError, UsageError
from shequkit._toolkit import Toolkit, default_toolkit
from shequkit.standards._declarative import Metric
from shequkit.standards._results import CommunityResult, CommunityResults
from shequkit.standards._rollup import Tally, TargetResult, UnitRollup, roll_up
from shequkit.standards._rules import Finding, Outcome, Rule, RulePack, Scope, Target
from shequkit.standards._view import CommunityGrouper, CommunityView
from shequkit.validate._catalogue import Severity
from shequkit.validate._report import Issue, Report
from shequkit.validate._validate import Source, check_source

__all__ = [
    "CommunityResult",
    "CommunityResults",
    "Evaluation",
    "TargetResult",
    "UnitRollup",
    "evaluate",
    "evaluate_views",
    "resolve_pack",
    "roll_up",
]


@attrs.frozen
class Evaluation:
    """The result of :func:`evaluate`.

    Attributes:
        pack: the rule pack evaluated.
        communities: one result per community, in document order (a tuple, or a
            :class:`CommunityResults` that keeps a large evaluation on disk).
        rollups: per division level, one rollup per division (ordered by code).
        report: the validation report of the data (structural and semantic layers);
            the standards findings as issues come from :meth:`issues`.
        source: the file name, when the source was a file.
        figures: the figures read from every community besides the rules (name →
            metric), for reports such as the service-space distribution; each
            community's values are in :attr:`CommunityResult.figures`.
    """

    pack: RulePack
    communities: Sequence[CommunityResult]
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
        provinces = self.rollups.get(Scope.PROVINCE)
        if provinces is not None:  # each community is in one province: no pass over them all
            return sum(unit.meeting_standard for unit in provinces)
        return sum(1 for result in self.communities if result.meets_standard)

    def rule_counts(self, rule_id: str) -> Counter[Outcome]:
        """Outcome counts of one rule over every community (zeros left out)."""
        provinces = self.rollups.get(Scope.PROVINCE)
        if provinces is not None:
            counts: Counter[Outcome] = Counter()
            for unit in provinces:
                counts.update(unit.outcomes[rule_id])
            return +counts
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
        format: codec name when the extension does not tell (``"jsonl"``).
        encoding: text encoding override for text formats.
        max_issues: keep at most this many data issues in the report (all are counted).
        progress: called with the number of records read so far.
        toolkit: whose formats and rule packs to use; the default toolkit otherwise.
        figures: metrics to read from every community besides the rules (name →
            :class:`Metric`), kept in the evaluation for reports
            (``shequkit.reports.REPORT_FIGURES``); none by default.

    Raises:
        InputError: the file cannot be read at all.
        UsageError: ``SQK-U120`` when no rule pack is called ``rules``.
        PluginError: ``SQK-P105`` when a rule of the pack fails with an exception.
    """
    pack = resolve_pack(rules, toolkit)
    figures = dict(figures or {})
    grouper = CommunityGrouper()
    try:
        report = check_source(
            source,
            format=format,
            encoding=encoding,
            max_issues=max_issues,
            progress=progress,
            toolkit=toolkit,
            sink=grouper.add,
        ).finish()  # the validator and its indices go before the evaluation starts
        results = CommunityResults()
        tally = Tally(pack)
        for result in evaluate_views(pack, grouper.views(), figures):
            results.append(result)
            tally.add(result)
    finally:
        grouper.close()
    rollups = tally.rollups(grouper.division_names)
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


def standards_issues(
    pack: RulePack,
    results: Iterable[CommunityResult],
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
