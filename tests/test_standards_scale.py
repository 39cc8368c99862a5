"""Evaluation in bounded memory: the grouping and the results move to disk, nothing changes.

At national scale the community grouper and the per-community results spill to
temporary SQLite files. These tests force the spill with tiny thresholds and
check that views, results, rollups, issues and the JSON report are exactly what
the in-memory path gives.
"""

from __future__ import annotations

import json
import pickle
import random
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

import shequkit
from shequkit.model import Community, Record
from shequkit.reports import REPORT_FIGURES, write_report
from shequkit.sample import SampleSpec, generate_sample
from shequkit.standards import (
    CommunityGrouper,
    CommunityResult,
    CommunityResults,
    Finding,
    Outcome,
    _results,
    _view,
    evaluate,
)

SAMPLE = generate_sample(SampleSpec(communities=12, seed=7, province="32"))
RECORDS: list[Record] = [record for _, record in SAMPLE.records()]


def _grouped(records: list[Record], spill_after: int) -> tuple[list[object], list[str], int]:
    grouper = CommunityGrouper(spill_after=spill_after)
    grouper.add_all(records)
    try:
        return list(grouper.views()), sorted(grouper.division_names), len(grouper)
    finally:
        grouper.close()


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), spill_after=st.integers(0, 400))
def test_a_spilled_grouping_gives_the_same_views_in_the_same_order(
    seed: int, spill_after: int
) -> None:
    # Any arrival order: children before their community, kinds interleaved.
    records = list(RECORDS)
    random.Random(seed).shuffle(records)
    orphan = attrs.evolve(SAMPLE.facilities[0], id="f-orphan", community_id="c-nowhere")
    duplicate = attrs.evolve(SAMPLE.communities[3], name="重复的社区")
    records.insert(len(records) // 2, orphan)
    records.append(duplicate)  # after the first of its id

    in_memory = _grouped(records, spill_after=10**9)
    spilled = _grouped(records, spill_after=spill_after)

    assert spilled == in_memory
    views = in_memory[0]
    assert len(views) == len(SAMPLE.communities)  # the duplicate id is kept once, first wins
    assert all(view.community.name != "重复的社区" for view in views)  # type: ignore[attr-defined]


def test_only_division_names_at_street_level_and_above_are_kept() -> None:
    grouper = CommunityGrouper()
    grouper.add_all(SAMPLE.divisions)

    assert grouper.division_names
    assert all(code.endswith("000") for code in grouper.division_names)
    streets = {str(division.code) for division in SAMPLE.divisions if division.code.endswith("000")}
    assert set(grouper.division_names) == streets


@pytest.fixture
def spill_everything(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_view, "SPILL_AFTER", 5)
    monkeypatch.setattr(_results, "SPILL_AFTER", 3)
    monkeypatch.setattr(_results, "_BATCH", 4)


@pytest.fixture(params=["national", "jiangsu-2008"])
def pair(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> tuple[shequkit.standards.Evaluation, shequkit.standards.Evaluation]:
    in_memory = evaluate(SAMPLE, request.param)
    monkeypatch.setattr(_view, "SPILL_AFTER", 5)
    monkeypatch.setattr(_results, "SPILL_AFTER", 3)
    monkeypatch.setattr(_results, "_BATCH", 4)
    return in_memory, evaluate(SAMPLE, request.param)


def test_a_spilled_evaluation_holds_its_results_on_disk(
    pair: tuple[shequkit.standards.Evaluation, shequkit.standards.Evaluation],
) -> None:
    in_memory, spilled = pair

    assert "in memory" in repr(in_memory.communities)
    assert "on disk" in repr(spilled.communities)


def test_a_spilled_evaluation_equals_the_in_memory_one(
    pair: tuple[shequkit.standards.Evaluation, shequkit.standards.Evaluation],
) -> None:
    in_memory, spilled = pair

    assert list(spilled.communities) == list(in_memory.communities)
    assert spilled.rollups == in_memory.rollups
    assert list(spilled.issues()) == list(in_memory.issues())
    assert json.dumps(spilled.to_dict()) == json.dumps(in_memory.to_dict())
    assert spilled == in_memory


def test_totals_from_the_rollups_match_a_count_over_the_communities(
    pair: tuple[shequkit.standards.Evaluation, shequkit.standards.Evaluation],
) -> None:
    _, evaluation = pair
    without_rollups = attrs.evolve(evaluation, rollups={})

    assert evaluation.meeting_standard == without_rollups.meeting_standard
    for rule in evaluation.pack.rules:
        assert evaluation.rule_counts(rule.id) == without_rollups.rule_counts(rule.id)
    assert sum(evaluation.rule_counts(evaluation.pack.rules[0].id).values()) == len(
        SAMPLE.communities
    )


@pytest.mark.parametrize("extension", ["json", "html", "xlsx"])
def test_reports_read_a_spilled_evaluation(
    spill_everything: None, tmp_path: Path, extension: str
) -> None:
    evaluation = evaluate(SAMPLE, "jiangsu-2008", figures=REPORT_FIGURES)
    path = tmp_path / f"report.{extension}"
    write_report(evaluation, path)

    if extension == "json":
        written = json.loads(path.read_text(encoding="utf-8"))
        assert [item["id"] for item in written["communities"]] == [
            community.id for community in SAMPLE.communities
        ]
    elif extension == "html":
        page = path.read_text(encoding="utf-8")
        assert all(community.name in page for community in SAMPLE.communities)
    else:
        workbook = CalamineWorkbook.from_path(str(path))
        cells = {
            str(value)
            for name in workbook.sheet_names
            for row in workbook.get_sheet_by_name(name).to_python()
            for value in row
        }
        assert {community.name for community in SAMPLE.communities} <= cells


def _result(number: int) -> CommunityResult:
    outcome = (Outcome.PASS, Outcome.FAIL, Outcome.MISSING_DATA)[number % 3]
    return CommunityResult(f"c{number}", "社区", "320102001001", number, (Finding(outcome),), True)


@settings(max_examples=60, deadline=None)
@given(
    size=st.integers(0, 40),
    spill_after=st.integers(0, 12),
    batch=st.integers(1, 7),
    data=st.data(),
)
def test_community_results_behave_as_a_tuple(
    size: int, spill_after: int, batch: int, data: st.DataObject
) -> None:
    expected = tuple(_result(number) for number in range(size))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_results, "_BATCH", batch)
        results = CommunityResults(expected, spill_after=spill_after)

        assert len(results) == size
        assert tuple(results) == expected
        assert results == expected
        assert expected == results
        assert results != (*expected, _result(99))
        if size:
            index = data.draw(st.integers(-size, size - 1))
            assert results[index] == expected[index]
        start, stop, step = (data.draw(st.none() | st.integers(-50, 50)) for _ in range(3))
        if step != 0:
            assert results[start:stop:step] == expected[start:stop:step]
        with pytest.raises(IndexError):
            results[size]
        assert tuple(pickle.loads(pickle.dumps(results))) == expected
        results.close()


def test_the_temporary_file_is_gone_once_the_results_are_closed(tmp_path: Path) -> None:
    import tempfile

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(tempfile, "tempdir", str(tmp_path))
        results = CommunityResults((_result(n) for n in range(10)), spill_after=2)
        grouper = CommunityGrouper(spill_after=2)
        grouper.add_all(RECORDS[:50])

    assert "on disk" in repr(results)
    assert list(tmp_path.iterdir()) == []  # removed as soon as it was open
    results.close()
    grouper.close()


def test_a_community_view_can_be_evaluated_from_a_spilled_grouping() -> None:
    grouper = CommunityGrouper(spill_after=0)
    grouper.add_all(RECORDS)
    first = next(grouper.views())
    grouper.close()

    assert isinstance(first.community, Community)
    assert first.community == SAMPLE.communities[0]
    assert first.index == 0
    assert sum(len(records) for records in first.records.values()) > 0
