"""``shequkit standards`` and ``shequkit evaluate``: rule packs and the evaluation against them."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from shequkit._toolkit import default_toolkit
from shequkit.cli._app import (
    EXIT_INVALID,
    EXIT_OK,
    _handle_errors,
    _progress,
    _stderr,
    _stdout,
    cli,
    print_table,
)
from shequkit.standards import ROLLUP_SCOPES, Evaluation, Outcome, RulePack, Scope, evaluate
from shequkit.standards._evaluate import resolve_pack

__all__ = ["evaluate_command", "standards_command"]


@cli.command("standards", short_help="List the installed rule packs, or the rules of one.")
@click.argument("pack", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@_handle_errors
def standards_command(pack: str | None, as_json: bool) -> None:
    """List the installed rule packs; with PACK, list its rules and targets with their sources."""
    if pack is None:
        packs = default_toolkit().rule_packs
        if as_json:
            rows = [_pack_summary(each) for each in packs]
            click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        print_table(
            ["name", "version", "province", "rules", "targets", "title"],
            [
                [
                    each.name,
                    each.version,
                    each.province or "—",
                    str(len(each.rules)),
                    str(len(each.targets)),
                    f"{each.title_zh} {each.title_en}",
                ]
                for each in packs
            ],
        )
        return
    chosen = resolve_pack(pack)
    if as_json:
        click.echo(json.dumps(_pack_details(chosen), ensure_ascii=False, indent=2))
        return
    _stdout().print(f"{chosen.name} {chosen.version}  {chosen.title_zh} / {chosen.title_en}")
    print_table(
        ["id", "severity", "expected", "requirement", "source"],
        [
            [
                rule.id,
                rule.severity.value,
                rule.expected,
                f"{rule.title_zh} / {rule.title_en}",
                f"{rule.citation.document} {rule.citation.clause}",
            ]
            for rule in chosen.rules
        ]
        + [
            [
                target.id,
                target.severity.value,
                f"{target.expected} ({target.scope.value})",
                f"{target.title_zh} / {target.title_en}",
                f"{target.citation.document} {target.citation.clause}",
            ]
            for target in chosen.targets
        ],
    )


def _pack_summary(pack: RulePack) -> dict[str, object]:
    return {
        "name": pack.name,
        "version": pack.version,
        "province": pack.province,
        "title_zh": pack.title_zh,
        "title_en": pack.title_en,
        "rules": len(pack.rules),
        "targets": len(pack.targets),
    }


def _pack_details(pack: RulePack) -> dict[str, object]:
    from shequkit.standards._evaluate import _rule_dict, _target_dict

    return {
        **_pack_summary(pack),
        "description": pack.description,
        "rules": [_rule_dict(rule) for rule in pack.rules],
        "targets": [_target_dict(target) for target in pack.targets],
    }


_LEVELS = {scope.value: scope for scope in ROLLUP_SCOPES}


@cli.command("evaluate", short_help="Score each community against a rule pack and roll up.")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--rules", "pack", required=True, metavar="PACK", help="Rule pack name.")
@click.option("--format", "format_", help="Input format when the extension does not tell.")
@click.option("--encoding", help="Text encoding override.")
@click.option(
    "--level",
    type=click.Choice(list(_LEVELS)),
    default="county",
    show_default=True,
    help="Division level of the rollup table.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the whole evaluation as JSON.")
@_handle_errors
def evaluate_command(
    file: Path,
    pack: str,
    format_: str | None,
    encoding: str | None,
    level: str,
    as_json: bool,
) -> None:
    """Evaluate every community of FILE against a rule pack and roll up by division level.

    Exit 0 when the evaluation ran on valid data (whether or not communities meet
    the standard), 1 when the data itself has errors, 2 when FILE is unreadable.
    """
    with _progress("评估 evaluating") as progress:
        evaluation = evaluate(file, pack, format=format_, encoding=encoding, progress=progress)
    if as_json:
        click.echo(json.dumps(evaluation.to_dict(), ensure_ascii=False, indent=2))
    else:
        _print_evaluation(evaluation, _LEVELS[level])
    data_errors = evaluation.data_errors
    if data_errors:
        _stderr().print(
            f"数据有 {data_errors} 个错误,请先运行 shequkit validate {file.name}\n"
            f"the data has {data_errors} errors; run `shequkit validate {file.name}` for them",
            markup=False,
        )
    sys.exit(EXIT_INVALID if data_errors else EXIT_OK)


def _share(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def _print_evaluation(evaluation: Evaluation, level: Scope) -> None:
    console = _stdout()
    pack = evaluation.pack
    total = len(evaluation.communities)
    meeting = evaluation.meeting_standard
    console.print(
        f"{pack.name} {pack.version}  {pack.title_zh} / {pack.title_en}\n"
        f"社区 communities {total:,}; 达标 meeting the standard {meeting:,}"
        f" ({_share(meeting / total if total else None)})",
        markup=False,
    )
    rows = []
    for rule in pack.rules:
        counts = evaluation.rule_counts(rule.id)
        passed, failed = counts[Outcome.PASS], counts[Outcome.FAIL]
        missing, not_applicable = counts[Outcome.MISSING_DATA], counts[Outcome.NOT_APPLICABLE]
        assessed = total - not_applicable
        rows.append(
            [
                rule.id,
                rule.expected,
                str(passed),
                str(failed),
                str(missing),
                str(not_applicable),
                _share(passed / assessed if assessed else None),
            ]
        )
    print_table(["rule", "expected", "pass", "fail", "missing", "n/a", "share"], rows)
    units = evaluation.rollups[level]
    console.print(f"\n{level.label_zh} {level.label_en}: {len(units)}", markup=False)
    unit_rows = []
    for unit in units:
        missed = [result for result in unit.targets if result.finding.outcome is Outcome.FAIL]
        unit_rows.append(
            [
                unit.code,
                unit.name or "",
                str(unit.communities),
                str(unit.meeting_standard),
                _share(unit.share()),
                ", ".join(f"{result.target.id} (+{result.needed})" for result in missed) or "—",
            ]
        )
    print_table(
        ["code", "name", "communities", "meeting", "share", "targets missed (+needed)"], unit_rows
    )
