"""The sandbox server on localhost: authentication, scope, batch semantics, idempotency, faults.

Requests here are built by hand (signed with ``sign_request``) so each check of
the server can be provoked on its own; ``test_sync_client.py`` drives the
same server through the client.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

from shequkit._generate import OPENAPI_FILE
from shequkit.cli import cli
from shequkit.sandbox import FaultPlan, KeyGrant, SandboxServer, create_app
from shequkit.sandbox._faults import FaultInjector
from shequkit.sync import Credentials, Operation, SyncClient
from shequkit.sync._openapi import openapi_document
from shequkit.sync._protocol import ENDPOINTS, dumps
from shequkit.sync._signing import sign_request
from sync_fixtures import (
    FAST_RETRY,
    JS_KEY,
    JS_SECRET,
    SANDBOX_KEYS,
    js_credentials_for,
    sample_operations,
    sd_credentials_for,
)

ROOT = Path(__file__).resolve().parents[1]


def send(
    server: SandboxServer,
    method: str,
    path: str,
    *,
    params: Iterable[tuple[str, str]] = (),
    body: bytes = b"",
    credentials: Credentials | None = None,
    headers: dict[str, str] | None = None,
    timestamp_ms: int | None = None,
    nonce: str | None = None,
    sign_body: bytes | None = None,
) -> httpx.Response:
    """One signed request (``sign_body`` signs other bytes than those sent)."""
    params = list(params)
    credentials = credentials or js_credentials_for()
    signed = sign_request(
        credentials,
        method,
        path,
        params,
        body if sign_body is None else sign_body,
        timestamp_ms=timestamp_ms,
        nonce=nonce,
    )
    with httpx.Client(base_url=server.url) as http:
        return http.request(
            method, path, params=params, content=body, headers={**signed.headers, **(headers or {})}
        )


def push(
    server: SandboxServer,
    operations: list[Operation],
    key: str = "k1",
    credentials: Credentials | None = None,
) -> httpx.Response:
    body = dumps({"operations": [_plain(op) for op in operations]})
    return send(
        server,
        "POST",
        "/v1/batches",
        body=body,
        credentials=credentials,
        headers={"Idempotency-Key": key},
    )


def _plain(op: Operation) -> dict[str, Any]:
    return {
        "op": op.op,
        "kind": op.kind,
        "id": op.id,
        "base_version": op.base_version,
        "data": op.data,
        "redirect_to": op.redirect_to,
    }


def error_code(response: httpx.Response) -> str:
    code: str = response.json()["error"]["code"]
    return code


def pull_all(server: SandboxServer, credentials: Credentials | None = None) -> list[dict[str, Any]]:
    changes: list[dict[str, Any]] = []
    since = "0"
    while True:
        page = send(
            server,
            "GET",
            "/v1/records",
            params=[("since", since), ("limit", "100")],
            credentials=credentials,
        ).json()
        changes += page["records"]
        since = page["cursor"]
        if not page["has_more"]:
            return changes


# -- authentication -----------------------------------------------------------


def test_health_needs_no_signature(sandbox: SandboxServer) -> None:
    response = httpx.get(f"{sandbox.url}/v1/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_unsigned_request_is_refused_with_s401(sandbox: SandboxServer) -> None:
    response = httpx.get(f"{sandbox.url}/v1/records")
    assert response.status_code == 401
    assert error_code(response) == "SQK-S401"
    assert response.json()["error"]["retryable"] is False


def test_signature_by_another_secret_is_refused(sandbox: SandboxServer) -> None:
    forged = Credentials(JS_KEY, b"not-the-secret")
    response = send(sandbox, "GET", "/v1/records", credentials=forged)
    assert response.status_code == 401
    assert error_code(response) == "SQK-S401"


def test_unknown_app_key_is_refused(sandbox: SandboxServer) -> None:
    response = send(sandbox, "GET", "/v1/records", credentials=Credentials("zz", JS_SECRET))
    assert (response.status_code, error_code(response)) == (401, "SQK-S401")


def test_body_changed_after_signing_is_refused(sandbox: SandboxServer) -> None:
    body = dumps({"operations": [_plain(sample_operations(1, limit=1)[0])]})
    response = send(
        sandbox,
        "POST",
        "/v1/batches",
        body=body,
        sign_body=body.replace(b"upsert", b"delete"),
        headers={"Idempotency-Key": "k"},
    )
    assert (response.status_code, error_code(response)) == (401, "SQK-S401")
    assert sandbox.store.counts()["records"] == 0


def test_query_changed_after_signing_is_refused(sandbox: SandboxServer) -> None:
    signed = sign_request(js_credentials_for(), "GET", "/v1/records", [("limit", "5")], b"")
    response = httpx.get(f"{sandbox.url}/v1/records", params={"limit": "6"}, headers=signed.headers)
    assert (response.status_code, error_code(response)) == (401, "SQK-S401")


@pytest.mark.parametrize("offset_s", [-301, 301])
def test_timestamp_outside_the_window_is_refused_with_s402(
    sandbox: SandboxServer, offset_s: int
) -> None:
    stale = int((time.time() + offset_s) * 1000)
    response = send(sandbox, "GET", "/v1/records", timestamp_ms=stale)
    assert (response.status_code, error_code(response)) == (401, "SQK-S402")


def test_timestamp_inside_the_window_is_accepted(sandbox: SandboxServer) -> None:
    response = send(sandbox, "GET", "/v1/records", timestamp_ms=int((time.time() - 250) * 1000))
    assert response.status_code == 200


def test_replayed_nonce_is_refused_with_s403(sandbox: SandboxServer) -> None:
    nonce = "0123456789abcdef0123456789abcdef"
    first = send(sandbox, "GET", "/v1/records", nonce=nonce)
    second = send(sandbox, "GET", "/v1/records", nonce=nonce)
    assert first.status_code == 200
    assert (second.status_code, error_code(second)) == (401, "SQK-S403")


def test_same_nonce_for_two_keys_is_no_replay(sandbox: SandboxServer) -> None:
    nonce = "fedcba9876543210fedcba9876543210"
    assert send(sandbox, "GET", "/v1/records", nonce=nonce).status_code == 200
    other = send(sandbox, "GET", "/v1/records", nonce=nonce, credentials=sd_credentials_for())
    assert other.status_code == 200


def test_malformed_nonce_is_refused(sandbox: SandboxServer) -> None:
    response = send(sandbox, "GET", "/v1/records", nonce="short")
    assert (response.status_code, error_code(response)) == (401, "SQK-S401")


def test_hmac_sm3_signature_is_accepted(sandbox: SandboxServer) -> None:
    response = send(sandbox, "GET", "/v1/records", credentials=js_credentials_for("HMAC-SM3"))
    assert response.status_code == 200


def test_sm3_digest_with_sha256_method_header_is_refused(sandbox: SandboxServer) -> None:
    signed = sign_request(js_credentials_for("HMAC-SM3"), "GET", "/v1/records", [], b"")
    headers = {**signed.headers, "X-SQK-Signature-Method": "HMAC-SHA256"}
    response = httpx.get(f"{sandbox.url}/v1/records", headers=headers)
    assert (response.status_code, error_code(response)) == (401, "SQK-S401")


# -- division scope -------------------------------------------------------------


def test_pull_shows_only_the_keys_province(sandbox: SandboxServer) -> None:
    assert push(sandbox, sample_operations(2, province="32")).status_code == 200
    shandong = sd_credentials_for()
    assert (
        push(sandbox, sample_operations(2, province="37"), credentials=shandong).status_code == 200
    )
    jiangsu_view = pull_all(sandbox)
    shandong_view = pull_all(sandbox, shandong)
    assert jiangsu_view
    assert shandong_view
    assert {change["id"] for change in jiangsu_view}.isdisjoint(
        change["id"] for change in shandong_view if change["kind"] == "division"
    )
    for change in jiangsu_view:
        assert sandbox.store.record(change["kind"], change["id"]).division.startswith("32")
    for change in shandong_view:
        assert sandbox.store.record(change["kind"], change["id"]).division.startswith("37")
    assert len(jiangsu_view) + len(shandong_view) == sandbox.store.counts()["records"]


def test_shandong_key_pushing_a_jiangsu_record_gets_403_s404(sandbox: SandboxServer) -> None:
    response = push(sandbox, sample_operations(1, province="32"), credentials=sd_credentials_for())
    assert (response.status_code, error_code(response)) == (403, "SQK-S404")
    assert sandbox.store.counts()["records"] == 0


def test_one_foreign_record_refuses_the_whole_batch(sandbox: SandboxServer) -> None:
    own = sample_operations(1, province="37")
    foreign = sample_operations(1, province="32", limit=3)
    response = push(sandbox, own + foreign[-1:], credentials=sd_credentials_for())
    assert (response.status_code, error_code(response)) == (403, "SQK-S404")
    assert sandbox.store.counts()["records"] == 0


def test_child_of_a_foreign_community_is_out_of_scope(sandbox: SandboxServer) -> None:
    jiangsu = sample_operations(1, province="32")
    assert push(sandbox, jiangsu).status_code == 200
    facility = next(op for op in jiangsu if op.kind == "facility")
    assert facility.data is not None
    changed = Operation("upsert", "facility", "sd-f1", None, {**facility.data, "id": "sd-f1"})
    response = push(sandbox, [changed], "k2", credentials=sd_credentials_for())
    assert (response.status_code, error_code(response)) == (403, "SQK-S404")


def test_national_key_sees_every_province(tmp_path: Path) -> None:
    keys = {**SANDBOX_KEYS, "mca": KeyGrant(b"national", ("",))}
    with SandboxServer(tmp_path / "n.db", keys) as server:
        push(server, sample_operations(1, province="32"))
        push(server, sample_operations(1, province="37"), credentials=sd_credentials_for())
        everything = pull_all(server, Credentials("mca", b"national"))
        assert len(everything) == server.store.counts()["records"]


# -- batch semantics ------------------------------------------------------------


def _community(operations: list[Operation]) -> Operation:
    return next(op for op in operations if op.kind == "community")


def _results(response: httpx.Response) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.text
    results: list[dict[str, Any]] = response.json()["results"]
    return results


def test_create_then_same_data_is_unchanged_and_other_data_conflicts(
    sandbox: SandboxServer,
) -> None:
    community = _community(sample_operations(1))
    assert community.data is not None
    assert _results(push(sandbox, [community], "a"))[0]["status"] == "created"
    again = _results(push(sandbox, [community], "b"))[0]
    assert (again["status"], again["version"]) == ("unchanged", 1)
    renamed = Operation("upsert", "community", community.id, None, {**community.data, "name": "新"})
    conflict = _results(push(sandbox, [renamed], "c"))[0]
    assert conflict["status"] == "conflict"
    assert conflict["server_version"] == 1
    assert conflict["server_data"]["name"] == community.data["name"]


def test_update_at_the_current_version_bumps_it_and_a_stale_base_conflicts(
    sandbox: SandboxServer,
) -> None:
    community = _community(sample_operations(1))
    assert community.data is not None
    push(sandbox, [community], "a")
    renamed = Operation("upsert", "community", community.id, 1, {**community.data, "name": "新名"})
    assert _results(push(sandbox, [renamed], "b"))[0] == {
        "index": 0,
        "kind": "community",
        "id": community.id,
        "status": "updated",
        "version": 2,
        "server_version": None,
        "server_data": None,
        "error": None,
    }
    stale = Operation("upsert", "community", community.id, 1, {**community.data, "name": "旧"})
    result = _results(push(sandbox, [stale], "c"))[0]
    assert (result["status"], result["server_version"]) == ("conflict", 2)
    assert sandbox.store.record("community", community.id).data["name"] == "新名"


def test_delete_leaves_a_tombstone_with_its_redirect(sandbox: SandboxServer) -> None:
    community = _community(sample_operations(1))
    push(sandbox, [community], "a")
    delete = Operation("delete", "community", community.id, 1, redirect_to="c-merged")
    assert _results(push(sandbox, [delete], "b"))[0]["status"] == "deleted"
    tombstone = pull_all(sandbox)[-1]
    assert tombstone == {
        "kind": "community",
        "id": community.id,
        "version": 2,
        "deleted": True,
        "redirect_to": "c-merged",
        "data": None,
    }
    again = _results(push(sandbox, [delete], "c"))[0]
    assert (again["status"], again["version"]) == ("unchanged", 2)


def test_tombstone_is_restored_only_from_its_version(sandbox: SandboxServer) -> None:
    community = _community(sample_operations(1))
    push(sandbox, [community], "a")
    push(sandbox, [Operation("delete", "community", community.id, 1)], "b")
    assert _results(push(sandbox, [community], "c"))[0]["status"] == "conflict"
    restore = Operation("upsert", "community", community.id, 2, community.data)
    result = _results(push(sandbox, [restore], "d"))[0]
    assert (result["status"], result["version"]) == ("updated", 3)


def test_deleting_what_is_absent(sandbox: SandboxServer) -> None:
    results = _results(
        push(
            sandbox,
            [Operation("delete", "community", "nope"), Operation("delete", "community", "no", 3)],
        )
    )
    assert [(r["status"], r["server_version"]) for r in results] == [
        ("unchanged", None),
        ("conflict", None),
    ]


def test_invalid_record_is_rejected_with_the_validation_code(sandbox: SandboxServer) -> None:
    community = _community(sample_operations(1))
    assert community.data is not None
    broken = Operation(
        "upsert", "community", community.id, None, {**community.data, "households": "many"}
    )
    result = _results(push(sandbox, [broken]))[0]
    assert result["status"] == "rejected"
    assert result["error"]["code"] == "SQK-E102"
    assert result["error"]["path"] == "/households"
    assert sandbox.store.counts()["records"] == 0


def test_child_of_an_unknown_community_is_rejected(sandbox: SandboxServer) -> None:
    facility = next(op for op in sample_operations(1) if op.kind == "facility")
    result = _results(push(sandbox, [facility]))[0]
    assert (result["status"], result["error"]["code"]) == ("rejected", "SQK-E301")


def test_child_before_its_community_in_the_same_batch_is_accepted(
    sandbox: SandboxServer,
) -> None:
    operations = sample_operations(1)
    facility = next(op for op in operations if op.kind == "facility")
    community = _community(operations)
    statuses = [r["status"] for r in _results(push(sandbox, [facility, community]))]
    assert statuses == ["created", "created"]


def test_id_differing_from_the_data_is_rejected(sandbox: SandboxServer) -> None:
    community = _community(sample_operations(1))
    moved = Operation("upsert", "community", "other-id", None, community.data)
    result = _results(push(sandbox, [moved]))[0]
    assert (result["status"], result["error"]["code"]) == ("rejected", "SQK-S400")


def test_unknown_kind_is_rejected(sandbox: SandboxServer) -> None:
    result = _results(push(sandbox, [Operation("upsert", "spaceship", "x", None, {"id": "x"})]))[0]
    assert result["status"] == "rejected"


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (b"not json", "not JSON"),
        (b"[" * 100_000, "not JSON"),
        (b"[]", "JSON object"),
        (b'{"operations": []}', "1 to 1000"),
        (b'{"operations": [{"op": "upsert", "kind": "community", "id": "c"}]}', "carries data"),
        (
            b'{"operations": [{"op": "delete", "kind": "c", "id": "c", "base_version": "1"}]}',
            "operations[0].base_version",
        ),
        (b'{"operations": [{"op": "delete", "kind": "c", "id": "c", "extra": 1}]}', "extra"),
    ],
)
def test_malformed_batch_is_refused_with_s400(
    sandbox: SandboxServer, body: bytes, fragment: str
) -> None:
    response = send(sandbox, "POST", "/v1/batches", body=body, headers={"Idempotency-Key": "k"})
    assert (response.status_code, error_code(response)) == (400, "SQK-S400")
    assert fragment in response.json()["error"]["message_en"]


def test_batch_without_idempotency_key_is_refused(sandbox: SandboxServer) -> None:
    body = dumps({"operations": [_plain(_community(sample_operations(1)))]})
    response = send(sandbox, "POST", "/v1/batches", body=body)
    assert (response.status_code, error_code(response)) == (400, "SQK-S400")
    assert "Idempotency-Key" in response.json()["error"]["message_en"]


def test_body_over_the_limit_is_refused_with_413(
    sandbox_factory: Callable[..., SandboxServer],
) -> None:
    server = sandbox_factory(max_body_bytes=2000)
    response = push(server, sample_operations(1, limit=20))
    assert (response.status_code, error_code(response)) == (413, "SQK-S413")
    assert server.store.counts()["records"] == 0


# -- pull -------------------------------------------------------------------------


def test_pull_pages_continue_from_the_cursor_in_commit_order(sandbox: SandboxServer) -> None:
    operations = sample_operations(2)
    push(sandbox, operations)
    seen = pull_all(sandbox)
    assert [(c["kind"], c["id"]) for c in seen] == [(op.kind, op.id) for op in operations]
    assert all(change["version"] == 1 and not change["deleted"] for change in seen)


def test_pull_after_the_last_cursor_is_empty_and_keeps_the_cursor(
    sandbox: SandboxServer,
) -> None:
    push(sandbox, sample_operations(1))
    first = send(sandbox, "GET", "/v1/records", params=[("limit", "1000")]).json()
    after = send(sandbox, "GET", "/v1/records", params=[("since", first["cursor"])]).json()
    assert after == {"records": [], "cursor": first["cursor"], "has_more": False}


def test_pull_filters_by_kind(sandbox: SandboxServer) -> None:
    push(sandbox, sample_operations(2))
    page = send(
        sandbox, "GET", "/v1/records", params=[("kinds", "community,facility"), ("limit", "1000")]
    ).json()
    kinds = {change["kind"] for change in page["records"]}
    assert kinds == {"community", "facility"}


@pytest.mark.parametrize(
    "params",
    [[("limit", "0")], [("limit", "1001")], [("since", "abc")], [("kinds", "x")], [("x", "1")]],
)
def test_bad_pull_parameters_are_refused(
    sandbox: SandboxServer, params: list[tuple[str, str]]
) -> None:
    response = send(sandbox, "GET", "/v1/records", params=params)
    assert (response.status_code, error_code(response)) == (400, "SQK-S400")


# -- idempotency --------------------------------------------------------------------


def test_same_key_and_body_replays_the_stored_answer(sandbox: SandboxServer) -> None:
    operations = sample_operations(1, limit=5)
    first = push(sandbox, operations, "same")
    second = push(sandbox, operations, "same")
    assert second.status_code == 200
    assert second.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert second.json() == first.json()
    assert sandbox.store.counts()["batches"] == 1


def test_same_key_with_another_body_is_refused_with_422(sandbox: SandboxServer) -> None:
    operations = sample_operations(1, limit=5)
    push(sandbox, operations, "same")
    response = push(sandbox, operations[:4], "same")
    assert (response.status_code, error_code(response)) == (422, "SQK-S422")


def test_idempotency_keys_are_scoped_per_app_key(sandbox: SandboxServer) -> None:
    push(sandbox, sample_operations(1, province="32", limit=3), "shared")
    shandong = push(
        sandbox, sample_operations(1, province="37", limit=3), "shared", sd_credentials_for()
    )
    assert shandong.status_code == 200
    assert "Idempotent-Replayed" not in shandong.headers


def test_refused_batch_is_replayed_as_refused(sandbox: SandboxServer) -> None:
    foreign = sample_operations(1, province="32", limit=2)
    first = push(sandbox, foreign, "x", sd_credentials_for())
    second = push(sandbox, foreign, "x", sd_credentials_for())
    assert first.status_code == second.status_code == 403
    assert second.headers["Idempotent-Replayed"] == "true"


def test_same_key_while_in_flight_is_refused_with_409(sandbox: SandboxServer) -> None:
    operations = sample_operations(1, limit=5)
    sandbox.inject("hold")
    answers: list[httpx.Response] = []
    worker = threading.Thread(target=lambda: answers.append(push(sandbox, operations, "slow")))
    worker.start()
    try:
        assert sandbox.control.held.wait(10)
        concurrent = push(sandbox, operations, "slow")
        assert (concurrent.status_code, error_code(concurrent)) == (409, "SQK-S409")
        assert concurrent.json()["error"]["retryable"] is True
    finally:
        sandbox.control.release()
        worker.join(10)
    assert answers[0].status_code == 200
    assert push(sandbox, operations, "slow").headers["Idempotent-Replayed"] == "true"


def test_store_survives_a_restart_with_its_idempotency_record(tmp_path: Path) -> None:
    operations = sample_operations(1, limit=5)
    with SandboxServer(tmp_path / "s.db", SANDBOX_KEYS) as server:
        first = push(server, operations, "k")
    with SandboxServer(tmp_path / "s.db", SANDBOX_KEYS) as server:
        again = push(server, operations, "k")
        assert again.headers["Idempotent-Replayed"] == "true"
        assert again.json() == first.json()
        assert server.store.counts()["records"] == 5


# -- faults ---------------------------------------------------------------------------


def test_fault_draws_repeat_for_the_same_seed() -> None:
    plan = FaultPlan(rate=0.3, seed=7, kinds=("429", "503", "drop"))
    first = [FaultInjector(plan).next() for _ in range(1)]
    draws_a = FaultInjector(plan)
    draws_b = FaultInjector(plan)
    sequence = [draws_a.next() for _ in range(200)]
    assert sequence == [draws_b.next() for _ in range(200)]
    assert 30 < sum(kind is not None for kind in sequence) < 90
    assert first[0] == sequence[0]


def test_unknown_fault_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown fault kinds"):
        FaultPlan(kinds=("meteor",))


def test_injected_faults_answer_as_documented(sandbox: SandboxServer) -> None:
    sandbox.inject("429", "503", "500")
    answers = [send(sandbox, "GET", "/v1/records") for _ in range(3)]
    assert [(a.status_code, error_code(a), a.json()["error"]["retryable"]) for a in answers] == [
        (429, "SQK-S429", True),
        (503, "SQK-S503", True),
        (500, "SQK-S500", True),
    ]
    assert answers[0].headers["Retry-After"] == "1"


@pytest.mark.parametrize("kind", ["drop", "drop-after-commit"])
def test_dropped_connection_sends_no_answer(sandbox: SandboxServer, kind: str) -> None:
    sandbox.inject(kind)
    with pytest.raises(httpx.RemoteProtocolError):
        push(sandbox, sample_operations(1, limit=3), "dropped")
    applied = 3 if kind == "drop-after-commit" else 0
    assert sandbox.store.counts()["records"] == applied
    assert sandbox.requests[-1].status is None


def test_health_is_never_faulted(sandbox_factory: Callable[..., SandboxServer]) -> None:
    server = sandbox_factory(faults=FaultPlan(rate=1.0, kinds=("503",)))
    assert all(httpx.get(f"{server.url}/v1/health").status_code == 200 for _ in range(3))
    assert send(server, "GET", "/v1/records").status_code == 503


# -- OpenAPI ------------------------------------------------------------------------


def test_openapi_paths_are_the_sandbox_routes(tmp_path: Path) -> None:
    app = create_app(tmp_path / "routes.db", SANDBOX_KEYS)
    served = {
        (method, route.path)  # type: ignore[attr-defined]
        for route in app.routes
        for method in route.methods - {"HEAD"}  # type: ignore[attr-defined]
    }
    document = openapi_document()
    documented = {
        (method.upper(), path) for path, item in document["paths"].items() for method in item
    }
    assert served == documented == {(e.method, e.path) for e in ENDPOINTS}


def test_openapi_file_is_current() -> None:
    checked_in = json.loads((ROOT / OPENAPI_FILE).read_text(encoding="utf-8"))
    assert checked_in == openapi_document(), "run: python -m shequkit._generate"


def test_openapi_lists_every_error_code() -> None:
    text = json.dumps(openapi_document())
    for code in ("SQK-S400", "SQK-S401", "SQK-S402", "SQK-S403", "SQK-S404", "SQK-S409"):
        assert code in text
    for code in ("SQK-S413", "SQK-S422", "SQK-S429", "SQK-S500", "SQK-S503"):
        assert code in text


# -- the command --------------------------------------------------------------------


def _serve(arguments: list[str], env: dict[str, str]) -> tuple[subprocess.Popen[str], str, str]:
    """Start ``shequkit sandbox``; return the process, its URL and what it printed first."""
    process = subprocess.Popen(
        [sys.executable, "-m", "shequkit", "sandbox", "--port", "0", *arguments],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        env={**os.environ, **env},
    )
    assert process.stderr is not None
    printed = ""
    while "shequkit sandbox on " not in printed:
        line = process.stderr.readline()
        if not line:
            break
        printed += line
    match = re.search(r"on (http://\S+)", printed)
    assert match, printed
    return process, match.group(1), printed


def _stop(process: subprocess.Popen[str]) -> None:
    process.terminate()
    process.wait(15)
    assert process.stderr is not None
    process.stderr.close()


def test_sandbox_command_serves_keys_from_a_file(tmp_path: Path) -> None:
    keys = tmp_path / "keys.json"
    keys.write_text(
        json.dumps({"js": {"secret": JS_SECRET.decode(), "divisions": ["32"]}}), encoding="utf-8"
    )
    process, url, printed = _serve(
        ["--db", str(tmp_path / "cli.db"), "--keys", str(keys), "--fault-rate", "0.5"], {}
    )
    try:
        assert "js (32)" in printed
        assert JS_SECRET.decode() not in printed
        with SyncClient(url, js_credentials_for(), retry=FAST_RETRY) as client:
            result = client.push(sample_operations(1, limit=10), idempotency_key="cli")
            assert {r.status for r in result.results} == {"created"}
            assert len(client.pull().changes) == 10
    finally:
        _stop(process)


def test_sandbox_command_demo_key_uses_the_secret_from_the_environment(tmp_path: Path) -> None:
    process, url, printed = _serve(
        ["--db", str(tmp_path / "cli.db")], {"SHEQUKIT_SANDBOX_SECRET": "env-secret-1234"}
    )
    try:
        assert "env-secret-1234" not in printed
        assert "demo (all divisions)" in printed
        with SyncClient(url, Credentials("demo", b"env-secret-1234")) as client:
            client.push(sample_operations(1, province="42", limit=3), idempotency_key="demo")
    finally:
        _stop(process)


def test_sandbox_command_prints_a_generated_demo_secret_once(tmp_path: Path) -> None:
    environ = {"SHEQUKIT_SANDBOX_SECRET": ""}
    process, url, printed = _serve(["--db", str(tmp_path / "cli.db")], environ)
    try:
        match = re.search(r"generated demo secret for key 'demo': (\S+)", printed)
        assert match, printed
        with SyncClient(url, Credentials("demo", match.group(1).encode())) as client:
            assert client.pull().changes == ()
    finally:
        _stop(process)


def test_sandbox_command_refuses_a_malformed_keys_file(tmp_path: Path) -> None:
    keys = tmp_path / "keys.json"
    keys.write_text('{"js": {"divisions": ["32"]}}', encoding="utf-8")
    result = CliRunner().invoke(cli, ["sandbox", "--keys", str(keys)], prog_name="shequkit")
    assert result.exit_code == 2
    assert "SQK-U150" in result.output


def test_sandbox_command_refuses_unknown_fault_kinds() -> None:
    result = CliRunner().invoke(cli, ["sandbox", "--fault-kinds", "meteor"], prog_name="shequkit")
    assert result.exit_code == 2
    assert "meteor" in result.output


def test_sandbox_command_without_the_sync_extra_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "uvicorn", None)
    result = CliRunner().invoke(cli, ["sandbox", "--port", "0"], prog_name="shequkit")
    assert result.exit_code == 2
    assert "SQK-U112" in result.output
    assert "shequkit[sync]" in result.output


def test_a_client_gone_mid_body_leaves_no_traceback_in_the_sandbox_log(
    capfd: pytest.CaptureFixture[str], sandbox: SandboxServer
) -> None:
    # capfd first: the server's log handler is made when it starts, on the captured stderr.
    import socket

    push = next(endpoint for endpoint in ENDPOINTS if endpoint.name == "push")
    with socket.create_connection((sandbox.host, sandbox.port), timeout=5) as connection:
        connection.sendall(
            f"POST {push.path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            "Content-Length: 5000\r\n\r\n".encode()
            + b'{"operations": ['
        )
        time.sleep(0.3)  # the handler is waiting for the rest of the body
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:  # the server notices the disconnect
        time.sleep(0.1)
        if httpx.get(f"{sandbox.url}/v1/health", timeout=5).status_code == 200:
            break
    time.sleep(0.3)

    errors = capfd.readouterr().err
    assert "Traceback" not in errors
    assert "ClientDisconnect" not in errors
    assert httpx.get(f"{sandbox.url}/v1/health", timeout=5).status_code == 200
