"""The sync engine against a real sandbox on localhost: push, pull, conflicts, redirects, CLI."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest
from click.testing import CliRunner

from shequkit import Dataset, UsageError, dump, json_converter, load
from shequkit.cli import cli
from shequkit.model import RECORD_KINDS
from shequkit.sample import SampleSpec, generate_sample
from shequkit.sandbox import FaultPlan, SandboxServer
from shequkit.sync import Credentials, Operation, ScopeError, SyncClient
from shequkit.sync._config import FieldMapping, load_credentials, resolve_endpoint
from shequkit.sync._engine import pull, push
from shequkit.sync._state import SyncState, canonical_json
from sync_fixtures import FAST_RETRY, JS_KEY, JS_SECRET, js_credentials_for, sd_credentials_for

BASE = generate_sample(SampleSpec(communities=3, seed=11))


def _records(dataset: Dataset) -> set[str]:
    return {canonical_json(json_converter.unstructure(record)) for _, record in dataset.records()}


def _local_copy(state: SyncState) -> set[str]:
    return {canonical_json(data) for _, _, _, data in state.iter_pulled()}


def _replace(dataset: Dataset, kind_name: str, records: list[Any]) -> Dataset:
    collection = next(kind.collection for kind in RECORD_KINDS if kind.name == kind_name)
    return attrs.evolve(dataset, **{collection: tuple(records)})


@pytest.fixture
def client(sandbox: SandboxServer) -> Iterator[SyncClient]:
    with SyncClient(sandbox.url, js_credentials_for(), retry=FAST_RETRY) as opened:
        yield opened


# -- 10,000 records under faults; a second state pulls the same records ------------------


def test_push_of_10000_records_under_faults_loses_and_duplicates_nothing(
    tmp_path: Path, sandbox_factory: Callable[..., SandboxServer]
) -> None:
    dataset = generate_sample(SampleSpec(communities=100, seed=3))
    assert len(dataset) >= 10_000
    kinds = ("latency", "429", "503", "drop", "drop-after-commit")
    server = sandbox_factory(
        faults=FaultPlan(rate=0.2, seed=20, kinds=kinds, latency_ms=20, retry_after_s=0.05)
    )
    sent: list[tuple[int, int]] = []

    with SyncClient(server.url, js_credentials_for(), retry=FAST_RETRY) as client:
        report = push(
            dataset,
            tmp_path / "a.db",
            client,
            batch_size=500,
            progress=lambda done, total: sent.append((done, total)),
        )
        copy = pull(tmp_path / "b.db", client, output=tmp_path / "copy.jsonl", page_size=1000)

    faults = {entry.fault for entry in server.requests if entry.fault}
    assert {"429", "503", "drop", "drop-after-commit"} <= faults  # the faults did happen
    assert report.ok
    assert report.statuses == {"created": len(dataset)}
    assert report.replayed >= 1  # a batch whose answer was dropped was replayed, not re-applied
    counts = server.store.counts()
    assert counts["records"] == counts["version 1"] == len(dataset)
    assert counts["batches"] == -(-len(dataset) // 500)  # each batch applied exactly once
    assert sent[-1] == (len(dataset), len(dataset))
    assert [done for done, _ in sent] == sorted(done for done, _ in sent)

    assert copy.changes == len(dataset)
    assert copy.written == len(dataset)
    with SyncState(tmp_path / "a.db") as first, SyncState(tmp_path / "b.db") as second:
        assert _local_copy(first) == _local_copy(second) == _records(dataset)
        assert {(k.kind, k.id, k.version) for k in first.iter_known()} == {
            (k.kind, k.id, k.version) for k in second.iter_known()
        }
    assert _records(load(tmp_path / "copy.jsonl")) == _records(dataset)


def test_pulling_again_reads_only_what_changed(tmp_path: Path, client: SyncClient) -> None:
    push(BASE, tmp_path / "a.db", client)
    first = pull(tmp_path / "b.db", client)
    edited = _replace(
        BASE, "grid", [attrs.evolve(BASE.grids[0], name="改名后的网格"), *BASE.grids[1:]]
    )
    push(edited, tmp_path / "a.db", client)

    second = pull(tmp_path / "b.db", client, output=tmp_path / "copy.json")

    assert first.changes == len(BASE)
    assert second.changes == 1
    assert _records(load(tmp_path / "copy.json")) == _records(edited)


def test_a_pull_of_some_kinds_keeps_its_own_cursor(tmp_path: Path, client: SyncClient) -> None:
    push(BASE, tmp_path / "a.db", client)

    some = pull(tmp_path / "b.db", client, kinds=["community"])
    everything = pull(tmp_path / "b.db", client)

    assert some.changes == len(BASE.communities)
    assert everything.changes == len(BASE)  # not skipped by the narrower pull's cursor


def test_a_state_pushes_its_deletes_and_the_pulling_state_follows(
    tmp_path: Path, client: SyncClient
) -> None:
    push(BASE, tmp_path / "a.db", client)
    pull(tmp_path / "b.db", client)
    fewer = _replace(BASE, "staff", BASE.staff[2:])

    report = push(fewer, tmp_path / "a.db", client)
    pull(tmp_path / "b.db", client, output=tmp_path / "copy.json")

    assert report.statuses == {"deleted": 2}
    assert _records(load(tmp_path / "copy.json")) == _records(fewer)


# -- conflict policies ------------------------------------------------------------------


@attrs.frozen
class _Race:
    """A staff record edited by two states: A pushed its edit first, B's is based on v1."""

    b_state: Path
    b_file: Dataset
    record_id: str
    a_data: dict[str, Any]
    b_data: dict[str, Any]


@pytest.fixture
def race(tmp_path: Path, client: SyncClient) -> _Race:
    push(BASE, tmp_path / "a.db", client)
    pull(tmp_path / "b.db", client)
    person = BASE.staff[0]
    a_edit = attrs.evolve(person, phone="13912345678")
    b_edit = attrs.evolve(person, full_time=not person.full_time)
    push(_replace(BASE, "staff", [a_edit, *BASE.staff[1:]]), tmp_path / "a.db", client)
    return _Race(
        b_state=tmp_path / "b.db",
        b_file=_replace(BASE, "staff", [b_edit, *BASE.staff[1:]]),
        record_id=person.id,
        a_data=json_converter.unstructure(a_edit),
        b_data=json_converter.unstructure(b_edit),
    )


def _server_data(sandbox: SandboxServer, record_id: str) -> tuple[int, Any]:
    stored = sandbox.store.record("staff", record_id)
    assert stored is not None
    return stored.version, stored.data


def test_server_wins_keeps_the_servers_record_and_drops_the_local_change(
    race: _Race, client: SyncClient, sandbox: SandboxServer
) -> None:
    report = push(race.b_file, race.b_state, client, policy="server-wins")
    again = push(race.b_file, race.b_state, client, policy="server-wins")

    assert report.ok
    assert report.statuses == {"conflict": 1}
    assert report.overridden == 1
    assert _server_data(sandbox, race.record_id) == (2, race.a_data)
    with SyncState(race.b_state) as state:
        copy = {rid: data for kind, rid, _, data in state.iter_pulled() if kind == "staff"}
    assert copy[race.record_id] == race.a_data
    assert again.plan.operations == ()  # the dropped change is not sent again


def test_client_wins_resends_on_top_of_the_servers_version(
    race: _Race, client: SyncClient, sandbox: SandboxServer
) -> None:
    report = push(race.b_file, race.b_state, client, policy="client-wins")

    assert report.ok
    assert report.statuses == {"conflict": 1, "updated": 1}
    assert report.resent == 1
    assert _server_data(sandbox, race.record_id) == (3, race.b_data)


def test_manual_writes_a_masked_conflict_file_and_waits_for_an_edit(
    race: _Race, client: SyncClient, sandbox: SandboxServer, tmp_path: Path
) -> None:
    conflicts = tmp_path / "conflicts.json"

    report = push(race.b_file, race.b_state, client, conflict_file=conflicts)
    held = push(race.b_file, race.b_state, client, conflict_file=conflicts)
    shown = push(
        race.b_file, race.b_state, client, conflict_file=tmp_path / "raw.json", show_sensitive=True
    )

    assert not report.ok
    ((entry),) = json.loads(conflicts.read_text(encoding="utf-8"))["conflicts"]
    assert (entry["kind"], entry["id"], entry["server_version"]) == ("staff", race.record_id, 2)
    assert entry["differences"] == ["full_time", "phone"]
    text = conflicts.read_text(encoding="utf-8")
    for field in ("name", "phone", "id_number"):
        raw = race.a_data.get(field)
        if raw:
            assert raw not in text
            assert raw in (tmp_path / "raw.json").read_text(encoding="utf-8")
    assert held.plan.pending_conflicts == (("staff", race.record_id),)
    assert held.plan.operations == ()
    assert not held.ok
    assert not shown.ok
    assert _server_data(sandbox, race.record_id) == (2, race.a_data)  # nothing overwritten

    person = race.b_file.staff[0]
    merged = attrs.evolve(person, phone="13912345678")  # the reviewer keeps both edits
    resolved = push(
        _replace(race.b_file, "staff", [merged, *race.b_file.staff[1:]]), race.b_state, client
    )

    assert resolved.ok
    assert resolved.statuses == {"updated": 1}
    assert _server_data(sandbox, race.record_id) == (3, json_converter.unstructure(merged))


# -- merges and redirects -------------------------------------------------------------


def _absorb(kept: Any, gone: Any) -> Any:
    """``kept`` after a merge: it takes over the households and residents of ``gone``."""
    return attrs.evolve(
        kept,
        households=kept.households + gone.households,
        population=kept.population + gone.population,
    )


def test_a_merged_community_tombstone_makes_references_follow_on_pull(
    tmp_path: Path, client: SyncClient
) -> None:
    kept, gone = BASE.communities[0], BASE.communities[1]
    push(BASE, tmp_path / "a.db", client)
    pull(tmp_path / "b.db", client)
    # The provincial system merges the community on its side: the survivor takes over the
    # households, the merged one becomes a tombstone with a redirect; children stay as they are.
    survivor = json_converter.unstructure(_absorb(kept, gone))
    client.push(
        [
            Operation("upsert", "community", kept.id, base_version=1, data=survivor),
            Operation("delete", "community", gone.id, base_version=1, redirect_to=kept.id),
        ],
        idempotency_key=str(uuid.uuid4()),
    )

    report = pull(tmp_path / "b.db", client, output=tmp_path / "copy.json")

    children = [r for _, r in BASE.records() if getattr(r, "community_id", None) == gone.id]
    assert children
    assert report.counts == {"upserted": 1, "deleted": 1, "redirected": len(children)}
    copy = load(tmp_path / "copy.json")  # valid: every reference resolves
    assert gone.id not in {c.id for c in copy.communities}
    moved = {r.id for _, r in copy.records() if getattr(r, "community_id", None) == kept.id}
    assert {child.id for child in children} <= moved


def test_a_push_with_redirects_leaves_a_tombstone_that_names_the_successor(
    tmp_path: Path, client: SyncClient, sandbox: SandboxServer
) -> None:
    kept, gone = BASE.communities[0], BASE.communities[2]
    push(BASE, tmp_path / "a.db", client)
    records = [
        attrs.evolve(r, community_id=kept.id) if getattr(r, "community_id", None) == gone.id else r
        for kind, r in BASE.records()
        if kind.name != "community"
    ]
    records += [_absorb(kept, gone), BASE.communities[1]]
    merged = Dataset.from_records(BASE.meta, records)
    redirects = tmp_path / "redirects.csv"
    redirects.write_text(f"kind,old_id,new_id\ncommunity,{gone.id},{kept.id}\n", encoding="utf-8")
    dump(merged, tmp_path / "merged.json")

    result = CliRunner().invoke(
        cli,
        [
            *("sync", "push", str(tmp_path / "merged.json"), "--state", str(tmp_path / "a.db")),
            *("--url", sandbox.url, "--redirects", str(redirects), "--json"),
        ],
        env=_env(),
    )

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["results"]["deleted"] == 1
    tombstone = sandbox.store.record("community", gone.id)
    assert tombstone is not None
    assert (tombstone.deleted, tombstone.redirect_to) == (True, kept.id)


# -- refusals ---------------------------------------------------------------------------


def test_records_the_server_rejects_are_kept_for_review_until_pushed(
    tmp_path: Path, client: SyncClient
) -> None:
    # A field mapping for another system: the sandbox does not know the field "sqmc".
    foreign = FieldMapping({"community": {"name": "sqmc"}})
    state = tmp_path / "state.db"

    rejected = push(BASE, state, client, field_mapping=foreign)
    fixed = push(BASE, state, client)

    assert not rejected.ok
    assert rejected.statuses["rejected"] >= len(BASE.communities)
    assert {r.kind for r in rejected.rejections} >= {"community"}
    (first, *_) = [r for r in rejected.rejections if r.kind == "community"]
    assert first.error["code"].startswith("SQK-E")
    assert fixed.ok
    assert fixed.rejections == ()


def test_a_batch_refused_for_scope_is_closed_and_planned_again(
    tmp_path: Path, sandbox: SandboxServer
) -> None:
    shandong = generate_sample(SampleSpec(communities=1, seed=1, province="37"))
    state = tmp_path / "state.db"

    with (
        SyncClient(sandbox.url, js_credentials_for(), retry=FAST_RETRY) as client,
        pytest.raises(ScopeError),
    ):
        push(shandong, state, client)
    with SyncClient(sandbox.url, sd_credentials_for(), retry=FAST_RETRY) as allowed:
        report = push(shandong, state, allowed)

    with SyncState(state) as opened:
        summary = opened.summary()
    assert (summary.pending_batches, summary.failed_batches) == (0, 1)
    assert report.resumed == 0  # the refused batch was not resent...
    assert report.ok
    assert report.statuses == {"created": len(shandong)}  # ...its records were planned again


# -- the command line ---------------------------------------------------------------------


def _env(**extra: str) -> dict[str, str | None]:
    return {
        "SHEQUKIT_SYNC_APP_KEY": JS_KEY,
        "SHEQUKIT_SYNC_SECRET": JS_SECRET.decode(),
        "SHEQUKIT_SYNC_SECRET_FILE": None,
        "SHEQUKIT_SYNC_URL": None,
        "COLUMNS": "120",
        **extra,
    }


def test_cli_plan_push_status_pull(tmp_path: Path, sandbox: SandboxServer) -> None:
    runner = CliRunner()
    data, state = tmp_path / "data.json", tmp_path / "state.db"
    dump(BASE, data)
    remote = ["--url", sandbox.url]

    planned = runner.invoke(cli, ["sync", "plan", str(data), "--state", str(state), "--json"])
    pushed = runner.invoke(
        cli, ["sync", "push", str(data), "--state", str(state), *remote], env=_env()
    )
    status = runner.invoke(cli, ["sync", "status", "--state", str(state), "--json"])
    pulled = runner.invoke(
        cli,
        [
            "sync",
            "pull",
            "--state",
            str(tmp_path / "b.db"),
            "-o",
            str(tmp_path / "b.jsonl"),
            *remote,
        ],
        env=_env(),
    )
    replanned = runner.invoke(cli, ["sync", "plan", str(data), "--state", str(state)])

    assert planned.exit_code == 0, planned.output
    assert json.loads(planned.stdout)["totals"]["created"] == len(BASE)
    assert not state.exists() or pushed.exit_code == 0  # planning created no state file
    assert pushed.exit_code == 0, pushed.output
    assert f"created {len(BASE)}" in pushed.stdout
    assert status.exit_code == 0, status.output
    summary = json.loads(status.stdout)
    assert (summary["pushed"], summary["pending_batches"], summary["conflicts"]) == (
        len(BASE),
        0,
        0,
    )
    assert summary["endpoint"] == sandbox.url
    assert pulled.exit_code == 0, pulled.output
    assert _records(load(tmp_path / "b.jsonl")) == _records(BASE)
    assert replanned.exit_code == 0
    assert f"unchanged {len(BASE)}" in replanned.stdout


def test_cli_exits_1_when_conflicts_are_left(race: _Race, sandbox: SandboxServer) -> None:
    data = race.b_state.with_name("b.json")
    dump(race.b_file, data)

    result = CliRunner().invoke(
        cli,
        ["sync", "push", str(data), "--state", str(race.b_state), "--url", sandbox.url],
        env=_env(),
    )
    status = CliRunner().invoke(cli, ["sync", "status", "--state", str(race.b_state)])

    assert result.exit_code == 1, result.output
    assert "conflicts left: 1" in result.stdout
    assert race.b_state.with_name("b.conflicts.json").exists()
    assert status.exit_code == 1

    settled = CliRunner().invoke(
        cli,
        [
            *("sync", "push", str(data), "--state", str(race.b_state)),
            *("--url", sandbox.url, "--policy", "server-wins"),
        ],
        env=_env(),
    )

    assert settled.exit_code == 0, settled.output
    assert not race.b_state.with_name("b.conflicts.json").exists()  # nothing pending any more


@pytest.mark.parametrize(
    ("args", "env", "code"),
    [
        (["--url", "http://127.0.0.1:9"], {"SHEQUKIT_SYNC_APP_KEY": None}, "SQK-S001"),
        (["--endpoint", "nowhere"], {}, "SQK-U140"),
        ([], {}, "SQK-U140"),
    ],
)
def test_cli_push_without_a_usable_endpoint_exits_2(
    tmp_path: Path, args: list[str], env: dict[str, str | None], code: str
) -> None:
    data = tmp_path / "data.json"
    dump(BASE, data)

    result = CliRunner().invoke(
        cli, ["sync", "push", str(data), "--state", str(tmp_path / "s.db"), *args], env=_env(**env)
    )

    assert result.exit_code == 2
    assert code in result.output
    assert JS_SECRET.decode() not in result.output


def test_cli_status_of_a_missing_state_exits_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["sync", "status", "--state", str(tmp_path / "none.db")])

    assert result.exit_code == 2
    assert "SQK-F101" in result.output


# -- configuration ---------------------------------------------------------------------


def test_the_sandbox_endpoint_comes_through_the_endpoints_hook() -> None:
    endpoint = resolve_endpoint(name="sandbox", environ={})

    assert endpoint.url == "http://127.0.0.1:8765"
    assert endpoint.auth_method == "HMAC-SHA256"


def test_a_config_file_names_endpoints_and_secret_files(tmp_path: Path) -> None:
    (tmp_path / "js.secret").write_bytes(b"s3cret-from-file\n")
    config = tmp_path / "sync.toml"
    config.write_text(
        '[sync]\nendpoint = "js-test"\npolicy = "server-wins"\n\n'
        '[endpoints.js-test]\nurl = "https://sync.example.gov.cn/"\nauth_method = "HMAC-SM3"\n'
        'app_key = "js-0001"\nsecret_file = "js.secret"\n\n'
        '[endpoints.js-test.field_mapping.community]\nname = "sqmc"\n',
        encoding="utf-8",
    )

    endpoint = resolve_endpoint(config=config, environ={})
    overridden = resolve_endpoint(config=config, environ={"SHEQUKIT_SYNC_URL": "http://x:1"})
    credentials = load_credentials(endpoint, environ={})

    assert (endpoint.name, endpoint.url, endpoint.auth_method) == (
        "js-test",
        "https://sync.example.gov.cn",
        "HMAC-SM3",
    )
    assert endpoint.settings["policy"] == "server-wins"
    assert endpoint.field_mapping.outbound("community", {"name": "a", "id": "c"}) == {
        "sqmc": "a",
        "id": "c",
    }
    assert endpoint.field_mapping.inbound("community", {"sqmc": "a"}) == {"name": "a"}
    assert overridden.url == "http://x:1"
    assert credentials == Credentials("js-0001", b"s3cret-from-file", "HMAC-SM3")
    assert "s3cret" not in repr(credentials)


def test_the_environment_wins_over_the_config_for_credentials(tmp_path: Path) -> None:
    config = tmp_path / "sync.toml"
    config.write_text(
        '[endpoints.x]\nurl = "http://x"\napp_key = "k"\nsecret_file = "missing"\n',
        encoding="utf-8",
    )
    endpoint = resolve_endpoint(name="x", config=config, environ={})

    credentials = load_credentials(
        endpoint, environ={"SHEQUKIT_SYNC_APP_KEY": "env", "SHEQUKIT_SYNC_SECRET": "e"}
    )

    assert (credentials.app_key, credentials.secret) == ("env", b"e")


def test_a_secret_written_into_the_config_file_is_refused(tmp_path: Path) -> None:
    config = tmp_path / "sync.toml"
    config.write_text('[endpoints.x]\nurl = "http://x"\nsecret = "hunter2"\n', encoding="utf-8")
    broken = tmp_path / "broken.toml"
    broken.write_text("[sync\n", encoding="utf-8")
    wrong = tmp_path / "wrong.toml"
    wrong.write_text('[sync]\npolicy = "first-wins"\n', encoding="utf-8")

    for path in (config, broken, wrong):
        with pytest.raises(UsageError) as caught:
            resolve_endpoint(config=path, environ={})
        assert caught.value.code == "SQK-U146"
        assert "hunter2" not in str(caught.value)
