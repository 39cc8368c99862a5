"""The standards engine: declarative rules, outcomes, grading, rollups, targets, issues, CLI."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import attrs
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import shequkit
from shequkit.cli import cli
from shequkit.codes import FacilityType, FundingPurpose, FundingSource, VolunteerCategory
from shequkit.model import Community, Facility, Funding, VolunteerTeam
from shequkit.sample import SampleSpec, generate_sample
from shequkit.standards import (
    ROLLUP_SCOPES,
    Citation,
    CommunityResult,
    CommunityView,
    Finding,
    Grade,
    Outcome,
    Rule,
    RulePack,
    Scope,
    Target,
    at_least,
    at_most,
    between,
    community_field,
    count_latest,
    count_of,
    covers_all,
    evaluate,
    is_true,
    one_per,
    requires,
    total_of,
)
from shequkit.standards._evaluate import roll_up
from shequkit.validate import Layer

SOURCE = Citation("test", "1", "测试条款")


def community(**changes: Any) -> Community:
    base: dict[str, Any] = {
        "id": "c1",
        "division_code": "320102001001",
        "name": "龙潭社区",
        "households": 3000,
        "population": 8000,
    }
    base.update(changes)
    return Community(**base)


def view(community_record: Community | None = None, *children: Any) -> CommunityView:
    grouped: dict[type[Any], tuple[Any, ...]] = {}
    for child in children:
        grouped[type(child)] = (*grouped.get(type(child), ()), child)
    return CommunityView(community_record or community(), records=grouped)


def library(books: int | None, number: int = 1) -> Facility:
    return Facility(
        id=f"f{number}",
        community_id="c1",
        type=FacilityType.READING_ROOM,
        name="图书阅览室",
        books=books,
    )


def team(category: VolunteerCategory) -> VolunteerTeam:
    return VolunteerTeam(
        id=f"v-{category.name}", community_id="c1", category=category, name="队", members=10
    )


# -- declarative rules ------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "outcome"),
    [
        (85.0, Outcome.PASS),
        (84.9, Outcome.FAIL),
        (100.0, Outcome.PASS),
        (None, Outcome.MISSING_DATA),
    ],
)
def test_at_least_on_a_community_field(value: float | None, outcome: Outcome) -> None:
    rule = at_least(
        "sat",
        community_field("satisfaction_pct"),
        85,
        title_zh="满意率",
        title_en="satisfaction",
        citation=SOURCE,
    )
    finding = rule.evaluate(view(community(satisfaction_pct=value)))
    assert finding.outcome is outcome
    assert finding.actual == value
    assert finding.expected == "≥ 85 %"


@pytest.mark.parametrize(("value", "outcome"), [(10, Outcome.PASS), (11, Outcome.FAIL)])
def test_at_most(value: int, outcome: Outcome) -> None:
    rule = at_most(
        "floor",
        community_field("cultural_activities_per_year"),
        10,
        title_zh="t",
        title_en="t",
        citation=SOURCE,
    )
    assert rule.evaluate(view(community(cultural_activities_per_year=value))).outcome is outcome


@pytest.mark.parametrize(
    ("households", "outcome"),
    [(2499, Outcome.FAIL), (2500, Outcome.PASS), (3500, Outcome.PASS), (3501, Outcome.FAIL)],
)
def test_between_includes_both_bounds(households: int, outcome: Outcome) -> None:
    rule = between(
        "scale",
        community_field("households"),
        2500,
        3500,
        title_zh="t",
        title_en="t",
        citation=SOURCE,
    )
    assert rule.evaluate(view(community(households=households))).outcome is outcome


def test_count_and_total_of_matching_records() -> None:
    books = total_of(Facility, "books", "藏书", "books", unit="册", type=FacilityType.READING_ROOM)
    libraries = count_of(Facility, "图书室", "libraries", type=FacilityType.READING_ROOM)
    assert books(view(None, library(300), library(250, 2))) == 550
    assert libraries(view(None, library(300), library(250, 2))) == 2
    assert books(view()) == 0  # no library: nothing to count, not missing data
    assert books(view(None, library(None))) is None  # a library without its book count


def funding(number: int, year: int, source: FundingSource) -> Funding:
    return Funding(
        id=f"m{number}",
        community_id="c1",
        year=year,
        source=source,
        purpose=FundingPurpose.OPERATING,
        amount_yuan=1000,
    )


def test_count_latest_counts_only_the_latest_year() -> None:
    fee = count_latest(
        Funding, "year", "费随事转", "fee follows task", source=FundingSource.FEE_FOLLOWS_TASK
    )
    old = funding(1, 2023, FundingSource.FEE_FOLLOWS_TASK)
    new = [funding(2, 2024, FundingSource.FISCAL), funding(3, 2024, FundingSource.FISCAL)]
    assert view(None, old, *new).latest(Funding, "year") == tuple(new)
    assert fee(view(None, old, *new)) == 0  # last year's line does not count
    assert fee(view(None, old)) == 1
    assert fee(view()) is None  # no funding at all: missing data, not zero


@pytest.mark.parametrize(
    ("members", "households", "minimum", "outcome", "needed"),
    [
        (10, 3000, 5, Outcome.PASS, 10),
        (9, 3000, 5, Outcome.FAIL, 10),
        (11, 3001, 5, Outcome.PASS, 11),  # 3001 households need ceil(3001/300) = 11
        (4, 600, 5, Outcome.FAIL, 5),  # the minimum applies to small communities
        (5, 600, 5, Outcome.PASS, 5),
    ],
)
def test_one_per_households_with_a_minimum(
    members: int, households: int, minimum: int, outcome: Outcome, needed: int
) -> None:
    rule = one_per(
        "members",
        community_field("cultural_activities_per_year"),  # any number stands in for members
        community_field("households"),
        300,
        minimum=minimum,
        title_zh="t",
        title_en="t",
        citation=SOURCE,
    )
    finding = rule.evaluate(
        view(community(households=households, cultural_activities_per_year=members))
    )
    assert finding.outcome is outcome
    assert finding.expected == f"≥ {needed} 次"


def test_requires_lists_what_is_missing() -> None:
    rule = requires(
        "kit",
        {
            "图书阅览室": count_of(
                Facility, "图书阅览室", "library", type=FacilityType.READING_ROOM
            ),
            "谈心室": count_of(
                Facility, "谈心室", "talk room", type=FacilityType.HEART_TO_HEART_ROOM
            ),
        },
        title_zh="t",
        title_en="t",
        citation=SOURCE,
    )
    failing = rule.evaluate(view(None, library(600)))
    assert failing.outcome is Outcome.FAIL
    assert failing.actual == "缺:谈心室"
    talk = Facility(
        id="f9", community_id="c1", type=FacilityType.HEART_TO_HEART_ROOM, name="谈心室"
    )
    assert rule.evaluate(view(None, library(600), talk)).outcome is Outcome.PASS


def test_covers_all_members_of_an_enum() -> None:
    rule = covers_all(
        "teams",
        VolunteerTeam,
        "category",
        VolunteerCategory,
        title_zh="t",
        title_en="t",
        citation=SOURCE,
    )
    every = [team(category) for category in VolunteerCategory]
    assert rule.evaluate(view(None, *every)).outcome is Outcome.PASS
    finding = rule.evaluate(view(None, *every[1:]))
    assert finding.outcome is Outcome.FAIL
    assert isinstance(finding.actual, str)
    assert next(iter(VolunteerCategory)).label_zh in finding.actual


@pytest.mark.parametrize(
    ("value", "outcome"),
    [(True, Outcome.PASS), (False, Outcome.FAIL), (None, Outcome.MISSING_DATA)],
)
def test_is_true(value: bool | None, outcome: Outcome) -> None:
    rule = is_true("open", "open_affairs", title_zh="居务公开", title_en="open", citation=SOURCE)
    assert rule.evaluate(view(community(open_affairs=value))).outcome is outcome


def test_applies_makes_a_rule_not_applicable() -> None:
    rule = attrs.evolve(
        is_true("open", "open_affairs", title_zh="t", title_en="t", citation=SOURCE),
        applies=lambda v: v.community.households > 5000,
    )
    assert rule.evaluate(view(community(open_affairs=False))).outcome is Outcome.NOT_APPLICABLE


def test_a_pack_refuses_duplicate_ids_and_unknown_target_rules() -> None:
    rule = is_true("open", "open_affairs", title_zh="t", title_en="t", citation=SOURCE)
    with pytest.raises(ValueError, match="repeats rule ids"):
        RulePack("p", "1", "t", "t", rules=[rule, rule])
    target = Target("share", "t", "t", SOURCE, minimum_share=0.6, rule_id="nope")
    with pytest.raises(ValueError, match="unknown rule"):
        RulePack("p", "1", "t", "t", rules=[rule], targets=[target])


# -- evaluation, grading, rollups, targets ----------------------------------


OPEN = is_true(
    "open", "open_affairs", title_zh="居务公开", title_en="open affairs", citation=SOURCE
)
ADVISORY = attrs.evolve(
    at_least(
        "sat",
        community_field("satisfaction_pct"),
        85,
        title_zh="满意率",
        title_en="satisfaction",
        citation=SOURCE,
    ),
    severity=shequkit.Severity.WARNING,
)


def _pack(minimum_share: float = 0.6, scope: Scope = Scope.STREET) -> RulePack:
    return RulePack(
        "toy",
        "1",
        "玩具标准",
        "toy standard",
        rules=[OPEN, ADVISORY],
        targets=[Target("share", "达标比例", "share meeting", SOURCE, minimum_share, scope=scope)],
        grading=lambda v, findings: Grade("达标" if findings["open"].passed else "未达标"),
    )


def _dataset(opens: Iterable[bool | None], satisfaction: float | None = 90.0) -> shequkit.Dataset:
    communities = [
        community(
            id=f"c{number}",
            division_code=f"320102001{number:03d}",
            name=f"社区{number}",
            open_affairs=value,
            satisfaction_pct=satisfaction,
        )
        for number, value in enumerate(opens, start=1)
    ]
    meta = shequkit.Metadata(reporting_unit="玄武区民政局", period="2024")
    return shequkit.Dataset(meta=meta, communities=tuple(communities))


def test_required_rules_decide_whether_a_community_meets_the_standard() -> None:
    evaluation = evaluate(_dataset([True, False, None], satisfaction=50.0), _pack())
    results = {result.community_id: result for result in evaluation.communities}
    assert results["c1"].meets_standard  # a failed advisory rule does not count
    assert not results["c2"].meets_standard
    assert not results["c3"].meets_standard  # missing data never counts as meeting it
    assert results["c1"].grade == Grade("达标")
    assert results["c2"].finding(evaluation.pack, "open").outcome is Outcome.FAIL


def test_issues_of_the_standards_layer() -> None:
    evaluation = evaluate(_dataset([True, False, None], satisfaction=50.0), _pack())
    assert evaluation.report.valid  # the data is fine; meeting the standard is another matter
    standards = list(evaluation.issues())
    assert all(issue.layer is Layer.STANDARDS for issue in standards)
    assert [(issue.code, issue.record_id) for issue in standards] == [
        ("SQK-W402", "c1"),
        ("SQK-E401", "c2"),
        ("SQK-W402", "c2"),
        ("SQK-W403", "c3"),
        ("SQK-W402", "c3"),
        ("SQK-W404", "320102001000"),
    ]
    failed = standards[1]
    assert failed.path == "/communities/1"
    assert "社区2" in failed.message_zh
    assert "test 1" in failed.message_en


@pytest.mark.parametrize(
    ("opens", "outcome", "needed"),
    [
        ([True, True, True, False, False], Outcome.PASS, 0),  # 3 of 5 = 60%: met exactly
        ([True, True, False, False, False], Outcome.FAIL, 1),
        ([True, False, False, False, False], Outcome.FAIL, 2),
    ],
)
def test_a_share_target_at_its_boundary(opens: list[bool], outcome: Outcome, needed: int) -> None:
    evaluation = evaluate(_dataset(opens), _pack(0.6))
    (street,) = evaluation.rollups[Scope.STREET]
    (result,) = street.targets
    assert result.finding.outcome is outcome
    assert result.needed == needed
    assert result.gap == pytest.approx(max(0.0, 0.6 - sum(opens) / 5))


def test_a_target_is_only_checked_at_its_scope() -> None:
    evaluation = evaluate(_dataset([True, False]), _pack(scope=Scope.COUNTY))
    assert evaluation.rollups[Scope.STREET][0].targets == ()
    assert len(evaluation.rollups[Scope.COUNTY][0].targets) == 1


def _result(code: str, outcome: Outcome, meets: bool) -> CommunityResult:
    return CommunityResult(code, "社区", code, 0, (Finding(outcome),), meets)


codes = st.builds(
    lambda county, street, village: f"3201{county:02d}{street:03d}{village:03d}",
    st.integers(1, 3),
    st.integers(1, 4),
    st.integers(1, 199),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(codes, st.sampled_from(list(Outcome)), st.booleans()), max_size=60))
def test_rollups_reconcile_at_every_level(rows: list[tuple[str, Outcome, bool]]) -> None:
    pack = RulePack("p", "1", "t", "t", rules=[OPEN])
    results = tuple(_result(code, outcome, meets) for code, outcome, meets in rows)
    rollups = roll_up(pack, results)
    for scope in ROLLUP_SCOPES:
        units = rollups[scope]
        assert sum(unit.communities for unit in units) == len(results)
        assert sum(unit.meeting_standard for unit in units) == sum(meets for *_, meets in rows)
        for unit in units:
            counts = unit.outcomes["open"]
            assert sum(counts.values()) == unit.communities
            share = unit.share("open")
            assessed = unit.communities - counts[Outcome.NOT_APPLICABLE]
            assert share == (counts[Outcome.PASS] / assessed if assessed else None)
    # Each unit's communities are those of the units below it.
    for lower, upper in itertools.pairwise(ROLLUP_SCOPES):
        for unit in rollups[upper]:
            prefix = unit.code[: upper.prefix_length]
            below = [u for u in rollups[lower] if u.code.startswith(prefix)]
            assert sum(u.communities for u in below) == unit.communities


def test_a_sample_evaluates_and_its_rollups_reconcile() -> None:
    dataset = generate_sample(SampleSpec(communities=40, seed=3, province="32"))
    evaluation = evaluate(dataset, "national")
    assert len(evaluation.communities) == 40
    for scope in ROLLUP_SCOPES:
        assert sum(unit.communities for unit in evaluation.rollups[scope]) == 40
    (county,) = evaluation.rollups[Scope.COUNTY]
    assert county.name  # the sample carries its division records
    document = json.loads(json.dumps(evaluation.to_dict(), ensure_ascii=False))
    assert document["summary"]["communities"] == 40
    assert document["summary"]["meeting_standard"] == evaluation.meeting_standard


def test_a_rule_that_raises_is_a_plugin_error_naming_it() -> None:
    broken = Rule("broken", "坏", "broken", SOURCE, check=lambda v: 1 / 0)  # type: ignore[arg-type,return-value]
    pack = RulePack("bad", "1", "t", "t", rules=[broken])
    with pytest.raises(shequkit.PluginError, match="broken") as caught:
        evaluate(_dataset([True]), pack)
    assert caught.value.code == "SQK-P105"


def test_an_unknown_pack_name_is_a_usage_error() -> None:
    with pytest.raises(shequkit.UsageError) as caught:
        shequkit.validate(_dataset([True]), rules="no-such-pack")
    assert caught.value.code == "SQK-U120"
    assert "national" in caught.value.message_en


def test_validate_with_rules_adds_the_standards_layer(tmp_path: Path) -> None:
    path = tmp_path / "data.json"
    shequkit.dump(_dataset([True, False]), path)
    plain = shequkit.validate(path)
    with_rules = shequkit.validate(path, rules=_pack())
    assert plain.valid
    assert not with_rules.valid
    assert with_rules.counts["SQK-E401"] == 1
    assert with_rules.records == plain.records


# -- command line -------------------------------------------------------------


def test_cli_lists_packs_and_rules() -> None:
    runner = CliRunner()
    listed = runner.invoke(cli, ["standards", "--json"])
    assert listed.exit_code == 0
    assert "national" in {pack["name"] for pack in json.loads(listed.output)}
    rules = runner.invoke(cli, ["standards", "national", "--json"])
    assert rules.exit_code == 0
    details = json.loads(rules.output)
    assert details["rules"]
    assert all(rule["source"]["text"] for rule in details["rules"])
    assert runner.invoke(cli, ["standards", "nope"]).exit_code == 2


def test_cli_evaluate_exit_codes(tmp_path: Path) -> None:
    good = tmp_path / "good.json"
    shequkit.dump(_dataset([True, False]), good)
    runner = CliRunner()
    result = runner.invoke(cli, ["evaluate", str(good), "--rules", "national", "--json"])
    assert result.exit_code == 0, result.output  # communities failing rules: still exit 0
    assert json.loads(result.stdout)["summary"]["communities"] == 2
    table = runner.invoke(cli, ["evaluate", str(good), "--rules", "national", "--level", "street"])
    assert "320102001000" in table.stdout
    broken = tmp_path / "broken.json"
    document = json.loads(good.read_text(encoding="utf-8"))
    document["communities"][0]["households"] = -1
    broken.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    assert runner.invoke(cli, ["evaluate", str(broken), "--rules", "national"]).exit_code == 1
    validated = runner.invoke(cli, ["validate", str(good), "--rules", _pack().name])
    assert validated.exit_code == 2  # "toy" is not installed
