"""Planning a push: created / updated / deleted per kind, snapshot deletes, redirects, conflicts."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shequkit import InputNotFoundError, UsageError
from shequkit.model import RECORD_KINDS, Dataset, Record, RecordKind
from shequkit.sample import SampleSpec, generate_sample
from shequkit.sync._plan import Plan, load_redirects, make_plan
from shequkit.sync._protocol import OperationResult
from shequkit.sync._state import SyncState

BASE = generate_sample(SampleSpec(communities=3, seed=7))


def _key(kind: RecordKind, record: Record) -> tuple[str, str]:
    return kind.name, str(getattr(record, kind.key_field))


def _acknowledge(state: SyncState, plan: Plan) -> None:
    """Record ``plan`` as accepted by a server (version 1 for creates, +1 for updates)."""
    ops = [operation.to_outbox() for operation in plan.operations]
    (batch,) = state.enqueue([ops], adopt=plan.adopt)
    results = [
        OperationResult(
            index=index,
            kind=op.kind,
            id=op.id,
            status="created" if op.base_version is None else "updated",
            version=(op.base_version or 0) + 1,
        )
        for index, op in enumerate(ops)
    ]
    state.complete_batch(batch, results, batch_id="b", replayed=False, policy="manual")


def _replace(dataset: Dataset, kind_name: str, records: list[Any]) -> Dataset:
    collection = next(kind.collection for kind in RECORD_KINDS if kind.name == kind_name)
    return attrs.evolve(dataset, **{collection: tuple(records)})


@pytest.fixture
def pushed(tmp_path: Path) -> Iterator[SyncState]:
    with SyncState(tmp_path / "state.db") as state:
        _acknowledge(state, make_plan(BASE, state))
        yield state


def test_a_fresh_state_plans_every_record_as_created(tmp_path: Path) -> None:
    with SyncState(tmp_path / "state.db") as state:
        plan = make_plan(BASE, state)

    expected = Counter(kind.name for kind, _ in BASE.records())
    assert {kind: row["created"] for kind, row in plan.counts().items()} == expected
    assert plan.totals() == {
        "created": len(BASE),
        "updated": 0,
        "deleted": 0,
        "unchanged": 0,
        "conflicts": 0,
    }
    assert all(operation.base_version is None for operation in plan.operations)


def test_an_unchanged_file_plans_nothing(pushed: SyncState) -> None:
    plan = make_plan(BASE, pushed)

    assert plan.operations == ()
    assert plan.totals()["unchanged"] == len(BASE)


def test_edits_are_counted_per_kind(pushed: SyncState) -> None:
    facilities = list(BASE.facilities)
    facilities[0] = attrs.evolve(facilities[0], name="新建日间照料中心")
    facilities[1] = attrs.evolve(facilities[1], floor_area_m2=999.0)
    staff = list(BASE.staff)
    removed = staff.pop(3)
    services = [*BASE.services, attrs.evolve(BASE.services[0], id="s-new")]
    edited = _replace(
        _replace(_replace(BASE, "facility", facilities), "staff", staff), "service", services
    )

    plan = make_plan(edited, pushed)

    counts = plan.counts()
    assert counts["facility"] == {
        "created": 0,
        "updated": 2,
        "deleted": 0,
        "unchanged": len(facilities) - 2,
    }
    assert counts["staff"]["deleted"] == 1
    assert counts["service"]["created"] == 1
    assert plan.totals() == {
        "created": 1,
        "updated": 2,
        "deleted": 1,
        "unchanged": len(BASE) - 3,
        "conflicts": 0,
    }
    (delete,) = [op for op in plan.operations if op.action == "deleted"]
    assert (delete.kind, delete.id, delete.base_version) == ("staff", removed.id, 1)
    assert all(op.base_version == 1 for op in plan.operations if op.action == "updated")


def test_upserts_go_parents_first_and_deletes_children_first(pushed: SyncState) -> None:
    edited = _replace(_replace(BASE, "community", BASE.communities[1:]), "facility", ())
    edited = _replace(edited, "grid", [attrs.evolve(grid, name="改") for grid in BASE.grids])

    plan = make_plan(edited, pushed)

    order = {kind.name: index for index, kind in enumerate(RECORD_KINDS)}
    actions = [op.action for op in plan.operations]
    assert actions == sorted(actions, key=lambda action: action == "deleted")
    deletes = [order[op.kind] for op in plan.operations if op.action == "deleted"]
    assert deletes == sorted(deletes, reverse=True)


def test_records_only_pulled_are_never_deleted_by_a_push(tmp_path: Path) -> None:
    from shequkit.sync._protocol import Change

    with SyncState(tmp_path / "state.db") as state:
        state.apply_page([Change("community", "other", 4, data={"id": "other"})], "c")
        plan = make_plan(BASE, state)

    assert plan.totals()["deleted"] == 0


def test_a_merged_community_is_deleted_with_its_redirect(pushed: SyncState) -> None:
    gone, kept = BASE.communities[1], BASE.communities[0]
    moved = {
        kind.collection: tuple(
            attrs.evolve(record, community_id=kept.id)
            if getattr(record, "community_id", None) == gone.id
            else record
            for record in getattr(BASE, kind.collection)
        )
        for kind in RECORD_KINDS
        if kind.name not in ("division", "community")
    }
    merged = attrs.evolve(
        BASE, communities=tuple(c for c in BASE.communities if c.id != gone.id), **moved
    )

    plan = make_plan(merged, pushed, redirects={("community", gone.id): kept.id})

    (delete,) = [op for op in plan.operations if op.action == "deleted"]
    assert (delete.kind, delete.id, delete.redirect_to) == ("community", gone.id, kept.id)
    children = sum(1 for kind, r in BASE.records() if getattr(r, "community_id", None) == gone.id)
    assert plan.totals()["updated"] == children
    assert plan.unused_redirects == ()


def test_redirects_that_contradict_the_file_are_refused(pushed: SyncState) -> None:
    first, second = BASE.communities[0].id, BASE.communities[1].id
    without_first = _replace(BASE, "community", BASE.communities[1:])

    with pytest.raises(UsageError, match="still in the file") as still_there:
        make_plan(BASE, pushed, redirects={("community", first): second})
    with pytest.raises(UsageError, match="neither in the file") as nowhere:
        make_plan(without_first, pushed, redirects={("community", first): "c-missing"})

    assert still_there.value.code == nowhere.value.code == "SQK-U142"


def test_redirects_files_in_csv_and_json(tmp_path: Path) -> None:
    csv_file = tmp_path / "redirects.csv"
    csv_file.write_text("old_id,new_id,kind\nc7,c3,community\nc8,c3,\n", encoding="utf-8")
    json_file = tmp_path / "redirects.json"
    json_file.write_text(json.dumps({"community": {"c7": "c3"}, "facility": {"f1": "f2"}}))

    assert load_redirects(csv_file) == {("community", "c7"): "c3", ("community", "c8"): "c3"}
    assert load_redirects(json_file) == {("community", "c7"): "c3", ("facility", "f1"): "f2"}


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("bad.json", "{not json"),
        ("list.json", "[1, 2]"),
        ("kind.json", '{"planet": {"a": "b"}}'),
        ("self.csv", "old_id,new_id\nc1,c1\n"),
        ("twice.csv", "old_id,new_id\nc1,c2\nc1,c3\n"),
        ("header.csv", "from,to\nc1,c2\n"),
    ],
)
def test_malformed_redirects_files_are_refused(tmp_path: Path, name: str, content: str) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")

    with pytest.raises(UsageError) as caught:
        load_redirects(path)
    assert caught.value.code == "SQK-U141"


def test_a_missing_redirects_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputNotFoundError):
        load_redirects(tmp_path / "nope.csv")


def _conflict(state: SyncState, community: Any) -> Any:
    """Leave a manual conflict on ``community``: the server moved to version 2 meanwhile."""
    edited = attrs.evolve(community, name="本地改名")
    plan = make_plan(_replace(BASE, "community", [edited, *BASE.communities[1:]]), state)
    ops = [op.to_outbox() for op in plan.operations]
    (batch,) = state.enqueue([ops])
    from shequkit import json_converter

    server = json_converter.unstructure(attrs.evolve(community, name="服务端改名"))
    (op,) = ops
    result = OperationResult(
        index=0, kind=op.kind, id=op.id, status="conflict", server_version=2, server_data=server
    )
    state.complete_batch(batch, [result], batch_id="b2", replayed=False, policy="manual")
    return edited


def test_a_pending_conflict_holds_the_record_back_until_it_is_edited(pushed: SyncState) -> None:
    community = BASE.communities[0]
    edited = _conflict(pushed, community)
    same_file = _replace(BASE, "community", [edited, *BASE.communities[1:]])
    resolved = _replace(
        BASE, "community", [attrs.evolve(community, name="协商后的名称"), *BASE.communities[1:]]
    )

    held = make_plan(same_file, pushed)
    forced = make_plan(same_file, pushed, policy="client-wins")
    dropped = make_plan(same_file, pushed, policy="server-wins")
    edited_again = make_plan(resolved, pushed)

    assert held.pending_conflicts == (("community", community.id),)
    assert held.operations == ()
    (force,) = forced.operations
    assert (force.action, force.base_version) == ("updated", 2)
    assert dropped.operations == ()
    assert dropped.adopt == (("community", community.id),)
    (edit,) = edited_again.operations
    assert (edit.action, edit.base_version) == ("updated", 2)


# -- property: the plan counts exactly the edits made to the file ---------------------

_EDITABLE = (
    "division",
    "community",
    "grid",
    "organisation",
    "facility",
    "service",
    "volunteer_team",
)


@st.composite
def _edits(draw: st.DrawFn) -> tuple[Dataset, Counter[tuple[str, str]]]:
    keyed = [(kind, record) for kind, record in BASE.records()]
    indices = st.sets(st.integers(0, len(keyed) - 1), max_size=25)
    removed, modified = draw(indices), draw(indices)
    modified -= removed
    added = draw(st.lists(st.sampled_from(keyed), max_size=10))
    expected: Counter[tuple[str, str]] = Counter()
    records: list[Any] = []
    for index, (kind, record) in enumerate(keyed):
        if index in removed:
            expected[(kind.name, "deleted")] += 1
            continue
        if index in modified and kind.name in _EDITABLE:
            record = attrs.evolve(record, name=record.name + "(改)")
            expected[(kind.name, "updated")] += 1
        records.append(record)
    for number, (kind, record) in enumerate(added):
        if kind.key_field == "id":
            records.append(attrs.evolve(record, id=f"new-{number}"))
            expected[(kind.name, "created")] += 1
    return Dataset.from_records(BASE.meta, records), expected


@pytest.fixture(scope="module")
def base_state(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SyncState]:
    with SyncState(tmp_path_factory.mktemp("plan") / "state.db") as state:
        _acknowledge(state, make_plan(BASE, state))
        yield state


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(case=_edits())
def test_plan_counts_match_random_edits(
    base_state: SyncState, case: tuple[Dataset, Counter[tuple[str, str]]]
) -> None:
    dataset, expected = case

    plan = make_plan(dataset, base_state)

    found = Counter((op.kind, op.action) for op in plan.operations)
    assert found == expected
    changed = sum(n for (_, action), n in expected.items() if action != "deleted")
    assert sum(plan.unchanged.values()) == len(dataset) - changed
