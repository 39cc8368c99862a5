"""The sync client against the real sandbox on localhost: retries, idempotency, crypto, logs."""

from __future__ import annotations

import asyncio
import http.server
import itertools
import json
import logging
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, ClassVar

import httpx
import jsonschema
import pytest

from shequkit.sandbox import FaultPlan, SandboxServer
from shequkit.sync import (
    AsyncSyncClient,
    AuthenticationError,
    BadRequestError,
    Credentials,
    CredentialsError,
    IdempotencyInFlightError,
    IdempotencyMismatchError,
    Operation,
    RateLimitedError,
    RetryPolicy,
    ScopeError,
    ServerError,
    SyncClient,
    SyncConnectionError,
    SyncError,
    SyncProtocolError,
)
from shequkit.sync._client import _Call
from shequkit.sync._openapi import openapi_document
from shequkit.sync._protocol import dumps
from shequkit.sync._signing import sign_request
from sync_fixtures import (
    FAST_RETRY,
    JS_SECRET,
    JS_SM4_KEY,
    js_credentials_for,
    sample_operations,
    sd_credentials_for,
)

ONE_ATTEMPT = RetryPolicy(attempts=1)


def batches(operations: list[Operation], size: int) -> list[list[Operation]]:
    return [operations[start : start + size] for start in range(0, len(operations), size)]


def requests_for(server: SandboxServer, key: str) -> list[Any]:
    return [entry for entry in server.requests if entry.idempotency_key == key]


# -- the happy path -------------------------------------------------------------


def test_push_then_pull_returns_every_record_in_order(
    sandbox: SandboxServer, js_credentials: Credentials
) -> None:
    operations = sample_operations(2)
    with SyncClient(sandbox.url, js_credentials) as client:
        result = client.push(operations, idempotency_key="first")
        pages = list(client.iter_pull(limit=50))
    assert not result.replayed
    assert [r.status for r in result.results] == ["created"] * len(operations)
    assert [(r.kind, r.id, r.version) for r in result.results] == [
        (op.kind, op.id, 1) for op in operations
    ]
    changes = [change for page in pages for change in page.changes]
    assert [(c.kind, c.id) for c in changes] == [(op.kind, op.id) for op in operations]
    assert [c.data for c in changes] == [op.data for op in operations]
    assert [page.has_more for page in pages] == [True] * (len(pages) - 1) + [False]


def test_pull_continues_from_a_cursor(sandbox: SandboxServer, js_credentials: Credentials) -> None:
    operations = sample_operations(1)
    with SyncClient(sandbox.url, js_credentials) as client:
        client.push(operations[:10], idempotency_key="a")
        first = client.pull()
        client.push(operations[10:], idempotency_key="b")
        rest = client.pull(since=first.cursor, limit=1000)
    assert [c.id for c in rest.changes] == [op.id for op in operations[10:]]


def test_answers_validate_against_the_openapi_schemas(
    sandbox: SandboxServer, js_credentials: Credentials
) -> None:
    document = openapi_document()

    def check(instance: Any, name: str) -> None:
        schema = {"$ref": f"#/components/schemas/{name}", "components": document["components"]}
        jsonschema.Draft202012Validator(schema).validate(instance)

    operations = sample_operations(1, limit=5)
    with httpx.Client(base_url=sandbox.url) as http:
        body = dumps({"operations": [json.loads(dumps(op)) for op in operations]})
        check(json.loads(body), "BatchRequest")
        signed = sign_request(js_credentials, "POST", "/v1/batches", [], body)
        headers = {**signed.headers, "Idempotency-Key": "schema"}
        check(http.post("/v1/batches", content=body, headers=headers).json(), "BatchResponse")
        signed = sign_request(js_credentials, "GET", "/v1/records", [], b"")
        check(http.get("/v1/records", headers=signed.headers).json(), "PullResponse")
        check(http.get("/v1/records").json(), "ErrorEnvelope")


def test_health(sandbox: SandboxServer, js_credentials: Credentials) -> None:
    with SyncClient(sandbox.url, js_credentials) as client:
        assert client.health()
    with SyncClient("http://127.0.0.1:9", js_credentials, retry=ONE_ATTEMPT) as client:
        assert not client.health()


# -- retries ------------------------------------------------------------------------


def test_429_waits_at_least_retry_after(
    sandbox_factory: Callable[..., SandboxServer], js_credentials: Credentials
) -> None:
    server = sandbox_factory(faults=FaultPlan(retry_after_s=0.4, script=("429", "429")))
    with SyncClient(server.url, js_credentials, retry=FAST_RETRY) as client:
        result = client.push(sample_operations(1, limit=3), idempotency_key="limited")
    assert not result.replayed
    log = requests_for(server, "limited")
    assert [entry.status for entry in log] == [429, 429, 200]
    # Measured by the server: from sending each 429 to the arrival of the retry.
    for refused, retry in itertools.pairwise(log):
        assert retry.started - refused.answered >= 0.4


def test_retry_after_longer_than_the_policy_allows_fails_at_once(
    sandbox_factory: Callable[..., SandboxServer], js_credentials: Credentials
) -> None:
    server = sandbox_factory(faults=FaultPlan(retry_after_s=120, script=("429",)))
    with (
        SyncClient(server.url, js_credentials, retry=FAST_RETRY) as client,
        pytest.raises(RateLimitedError) as caught,
    ):
        client.push(sample_operations(1, limit=3), idempotency_key="slow-down")
    assert caught.value.retry_after == 120
    assert caught.value.code == "SQK-S429"
    assert len(requests_for(server, "slow-down")) == 1


def test_5xx_is_retried(sandbox: SandboxServer, js_credentials: Credentials) -> None:
    sandbox.inject("503", "500", "503")
    with SyncClient(sandbox.url, js_credentials, retry=FAST_RETRY) as client:
        result = client.push(sample_operations(1, limit=4), idempotency_key="flaky")
    assert [e.status for e in requests_for(sandbox, "flaky")] == [503, 500, 503, 200]
    assert [r.status for r in result.results] == ["created"] * 4


def test_pull_is_retried_after_a_dropped_connection(
    sandbox: SandboxServer, js_credentials: Credentials
) -> None:
    with SyncClient(sandbox.url, js_credentials, retry=FAST_RETRY) as client:
        client.push(sample_operations(1, limit=4), idempotency_key="a")
        sandbox.inject("drop", "drop")
        page = client.pull()
    assert len(page.changes) == 4
    assert [e.status for e in sandbox.requests if e.method == "GET"] == [None, None, 200]


def test_dropped_before_the_batch_is_retried_and_applied_once(
    sandbox: SandboxServer, js_credentials: Credentials
) -> None:
    sandbox.inject("drop")
    with SyncClient(sandbox.url, js_credentials, retry=FAST_RETRY) as client:
        result = client.push(sample_operations(1, limit=4), idempotency_key="lost")
    assert not result.replayed
    assert sandbox.store.counts()["batches"] == 1


def test_dropped_after_commit_is_replayed_not_applied_twice(
    sandbox: SandboxServer, js_credentials: Credentials
) -> None:
    operations = sample_operations(1, limit=20)
    sandbox.inject("drop-after-commit")
    with SyncClient(sandbox.url, js_credentials, retry=FAST_RETRY) as client:
        result = client.push(operations, idempotency_key="committed")
    assert result.replayed
    assert [r.status for r in result.results] == ["created"] * 20
    assert [e.status for e in requests_for(sandbox, "committed")] == [None, 200]
    counts = sandbox.store.counts()
    assert (counts["batches"], counts["records"], counts["version 1"]) == (1, 20, 20)


def test_retries_give_up_with_a_connection_error(
    sandbox: SandboxServer, js_credentials: Credentials
) -> None:
    sandbox.inject("drop", "drop", "drop")
    policy = RetryPolicy(attempts=3, wait_initial=0.01, wait_max=0.02, wait_jitter=0.01)
    with (
        SyncClient(sandbox.url, js_credentials, retry=policy) as client,
        pytest.raises(SyncConnectionError) as caught,
    ):
        client.push(sample_operations(1, limit=2), idempotency_key="gone")
    assert caught.value.code == "SQK-S599"
    assert len(requests_for(sandbox, "gone")) == 3


def test_unreachable_server_raises_a_connection_error(js_credentials: Credentials) -> None:
    policy = RetryPolicy(attempts=2, wait_initial=0.01, wait_max=0.01, wait_jitter=0.0)
    with (
        SyncClient("http://127.0.0.1:9", js_credentials, retry=policy) as client,
        pytest.raises(SyncConnectionError),
    ):
        client.pull()


def test_post_without_idempotency_key_is_never_retried(
    sandbox: SandboxServer, js_credentials: Credentials
) -> None:
    sandbox.inject("503")
    body = dumps({"operations": [json.loads(dumps(sample_operations(1, limit=1)[0]))]})
    with (
        SyncClient(sandbox.url, js_credentials, retry=FAST_RETRY) as client,
        pytest.raises(ServerError) as caught,
    ):
        client._send(_Call("POST", "/v1/batches", (), body, None))
    assert caught.value.code == "SQK-S503"
    assert len([e for e in sandbox.requests if e.method == "POST"]) == 1


def test_refusals_are_not_retried(sandbox: SandboxServer) -> None:
    forged = Credentials("js", b"wrong-secret")
    with (
        SyncClient(sandbox.url, forged, retry=FAST_RETRY) as client,
        pytest.raises(AuthenticationError) as caught,
    ):
        client.pull()
    assert (caught.value.code, caught.value.status) == ("SQK-S401", 401)
    assert len(sandbox.requests) == 1


# -- idempotency through the client -----------------------------------------------------


def test_repeated_push_with_the_same_key_is_a_replay(
    sandbox: SandboxServer, js_credentials: Credentials
) -> None:
    operations = sample_operations(1, limit=5)
    with SyncClient(sandbox.url, js_credentials) as client:
        first = client.push(operations, idempotency_key="twice")
        second = client.push(operations, idempotency_key="twice")
    assert (first.replayed, second.replayed) == (False, True)
    assert first.batch_id == second.batch_id
    assert first.results == second.results


def test_same_key_with_another_payload_raises_422(
    sandbox: SandboxServer, js_credentials: Credentials
) -> None:
    operations = sample_operations(1, limit=5)
    with SyncClient(sandbox.url, js_credentials) as client:
        client.push(operations, idempotency_key="reused")
        with pytest.raises(IdempotencyMismatchError) as caught:
            client.push(operations[:2], idempotency_key="reused")
    assert (caught.value.code, caught.value.status) == ("SQK-S422", 422)


def test_same_key_in_flight_raises_409_or_waits_for_the_replay(
    sandbox: SandboxServer, js_credentials: Credentials
) -> None:
    operations = sample_operations(1, limit=5)
    sandbox.inject("hold")
    outcomes: dict[str, Any] = {}

    def first() -> None:
        with SyncClient(sandbox.url, js_credentials) as client:
            outcomes["first"] = client.push(operations, idempotency_key="held")

    def patient() -> None:
        with SyncClient(sandbox.url, js_credentials, retry=FAST_RETRY) as client:
            outcomes["patient"] = client.push(operations, idempotency_key="held")

    holder = threading.Thread(target=first)
    holder.start()
    waiter = threading.Thread(target=patient)
    try:
        assert sandbox.control.held.wait(10)
        with (
            SyncClient(sandbox.url, js_credentials, retry=ONE_ATTEMPT) as client,
            pytest.raises(IdempotencyInFlightError) as caught,
        ):
            client.push(operations, idempotency_key="held")
        assert caught.value.retryable
        waiter.start()
        deadline = time.monotonic() + 10
        while sum(e.status == 409 for e in requests_for(sandbox, "held")) < 2:
            assert time.monotonic() < deadline
            time.sleep(0.01)
    finally:
        sandbox.control.release()
        holder.join(10)
        if waiter.is_alive() or waiter.ident is not None:
            waiter.join(10)
    assert not outcomes["first"].replayed
    assert outcomes["patient"].replayed
    assert outcomes["patient"].batch_id == outcomes["first"].batch_id
    assert sandbox.store.counts()["batches"] == 1


# -- scope -------------------------------------------------------------------------------


def test_shandong_key_cannot_push_jiangsu_records(
    sandbox: SandboxServer, sd_credentials: Credentials
) -> None:
    with SyncClient(sandbox.url, sd_credentials) as client, pytest.raises(ScopeError) as caught:
        client.push(sample_operations(1, province="32", limit=3), idempotency_key="x")
    assert (caught.value.code, caught.value.status) == ("SQK-S404", 403)
    assert isinstance(caught.value, PermissionError)


def test_pull_never_shows_another_provinces_records(
    sandbox: SandboxServer, js_credentials: Credentials, sd_credentials: Credentials
) -> None:
    with SyncClient(sandbox.url, js_credentials) as jiangsu:
        jiangsu.push(sample_operations(1, province="32"), idempotency_key="js")
    with SyncClient(sandbox.url, sd_credentials) as shandong:
        shandong.push(sample_operations(1, province="37"), idempotency_key="sd")
        seen = [c for page in shandong.iter_pull(limit=40) for c in page.changes]
    assert seen
    for change in seen:
        assert sandbox.store.record(change.kind, change.id).division.startswith("37")


# -- national cryptography ------------------------------------------------------------------


class RecordingTransport(httpx.HTTPTransport):
    """A real HTTP transport that keeps the bytes it sent and received."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[bytes] = []
        self.received: list[bytes] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(request.read())
        response = super().handle_request(request)
        body = response.read()
        self.received.append(body)
        return httpx.Response(
            response.status_code, headers=response.headers, content=body, request=request
        )


def test_hmac_sm3_end_to_end(sandbox: SandboxServer) -> None:
    operations = sample_operations(1, limit=10)
    with SyncClient(sandbox.url, js_credentials_for("HMAC-SM3")) as client:
        result = client.push(operations, idempotency_key="sm3")
        page = client.pull()
    assert {r.status for r in result.results} == {"created"}
    assert [c.id for c in page.changes] == [op.id for op in operations]


@pytest.mark.parametrize("method", ["HMAC-SHA256", "HMAC-SM3"])
def test_sm4_encrypted_bodies_end_to_end(sandbox: SandboxServer, method: str) -> None:
    operations = sample_operations(1, limit=10)
    transport = RecordingTransport()
    credentials = js_credentials_for(method, encrypted=True)
    with SyncClient(sandbox.url, credentials, transport=transport) as client:
        result = client.push(operations, idempotency_key="sm4")
        page = client.pull()
    assert {r.status for r in result.results} == {"created"}
    assert [c.data for c in page.changes] == [op.data for op in operations]
    name = operations[1].data["name"].encode("utf-8")  # type: ignore[index]
    assert all(name not in raw and b'"operations"' not in raw for raw in transport.sent)
    assert all(b'"records"' not in raw and b'"results"' not in raw for raw in transport.received)
    assert sandbox.store.record(operations[1].kind, operations[1].id) is not None


def test_sm4_with_the_wrong_key_is_refused(sandbox: SandboxServer) -> None:
    wrong = Credentials("js", JS_SECRET, sm4_key=bytes(16))
    with SyncClient(sandbox.url, wrong) as client, pytest.raises(BadRequestError) as caught:
        client.push(sample_operations(1, limit=2), idempotency_key="k")
    assert "decrypt" in caught.value.message_en


# -- the whole run under faults --------------------------------------------------------------


def test_10000_records_under_random_faults_are_stored_exactly_once(
    sandbox_factory: Callable[..., SandboxServer], js_credentials: Credentials
) -> None:
    plan = FaultPlan(
        rate=0.2,
        seed=169,  # draws every kind of fault within the 20 batches and their retries
        kinds=("latency", "429", "500", "503", "drop", "drop-after-commit"),
        latency_ms=20,
        retry_after_s=0.05,
    )
    server = sandbox_factory(faults=plan)
    operations = sample_operations(95, limit=10_000)
    assert len(operations) == 10_000
    statuses: list[str] = []
    with SyncClient(server.url, js_credentials, retry=FAST_RETRY) as client:
        for number, batch in enumerate(batches(operations, 500)):
            result = client.push(batch, idempotency_key=f"run-1-batch-{number}")
            statuses += [r.status for r in result.results]
    assert statuses == ["created"] * 10_000
    counts = server.store.counts()
    assert (counts["records"], counts["version 1"], counts["batches"]) == (10_000, 10_000, 20)
    faults = {entry.fault for entry in server.requests}
    assert {"latency", "429", "500", "503", "drop", "drop-after-commit"} <= faults
    with SyncClient(server.url, js_credentials, retry=FAST_RETRY) as client:
        pulled = [c for page in client.iter_pull(limit=1000) for c in page.changes]
    assert sorted((c.kind, c.id) for c in pulled) == sorted((o.kind, o.id) for o in operations)


# -- async ------------------------------------------------------------------------------------


def test_async_client_push_and_pull_with_faults(
    sandbox: SandboxServer, js_credentials: Credentials
) -> None:
    operations = sample_operations(1, limit=30)
    sandbox.inject("503", "drop-after-commit", "429", "drop")

    async def run() -> tuple[Any, Any, Any]:
        async with AsyncSyncClient(sandbox.url, js_credentials, retry=FAST_RETRY) as client:
            pushed = await client.push(operations, idempotency_key="async")
            pages = [page async for page in client.iter_pull(limit=7)]
            return pushed, pages, await client.health()

    pushed, pages, healthy = asyncio.run(run())
    assert pushed.replayed
    assert {r.status for r in pushed.results} == {"created"}
    assert len(pages) == 5
    assert [c.id for page in pages for c in page.changes] == [op.id for op in operations]
    assert healthy
    assert sandbox.store.counts()["batches"] == 1


def test_async_client_raises_the_same_errors(sandbox: SandboxServer) -> None:
    async def run() -> None:
        async with AsyncSyncClient(sandbox.url, sd_credentials_for()) as client:
            await client.push(sample_operations(1, limit=2), idempotency_key="x")

    with pytest.raises(ScopeError):
        asyncio.run(run())


# -- input checks, credentials and secrets ------------------------------------------------------


@pytest.mark.parametrize("key", ["", "x" * 129, "ключ", "a\nb"])
def test_bad_idempotency_key_is_refused_before_sending(
    sandbox: SandboxServer, js_credentials: Credentials, key: str
) -> None:
    with SyncClient(sandbox.url, js_credentials) as client, pytest.raises(BadRequestError):
        client.push(sample_operations(1, limit=1), idempotency_key=key)
    assert sandbox.requests == []


def test_empty_or_oversized_batch_is_refused_before_sending(
    sandbox: SandboxServer, js_credentials: Credentials
) -> None:
    operation = sample_operations(1, limit=1)[0]
    with SyncClient(sandbox.url, js_credentials) as client:
        for operations in ([], [operation] * 1001):
            with pytest.raises(BadRequestError):
                client.push(operations, idempotency_key="k")
        with pytest.raises(BadRequestError):
            client.pull(limit=0)
    assert sandbox.requests == []


def test_credentials_from_the_environment(tmp_path: Path) -> None:
    secret_file = tmp_path / "secret"
    secret_file.write_bytes(b"file-secret\n")
    credentials = Credentials.from_env(
        environ={
            "SHEQUKIT_SYNC_APP_KEY": "js",
            "SHEQUKIT_SYNC_SECRET_FILE": str(secret_file),
            "SHEQUKIT_SYNC_METHOD": "HMAC-SM3",
            "SHEQUKIT_SYNC_SM4_KEY": JS_SM4_KEY.hex(),
        }
    )
    assert credentials == Credentials("js", b"file-secret", "HMAC-SM3", JS_SM4_KEY)
    direct = Credentials.from_env("X_", environ={"X_APP_KEY": "k", "X_SECRET": "s3cret"})
    assert direct.secret == b"s3cret"


@pytest.mark.parametrize(
    "environ",
    [
        {},
        {"SHEQUKIT_SYNC_APP_KEY": "js"},
        {"SHEQUKIT_SYNC_APP_KEY": "js", "SHEQUKIT_SYNC_SECRET_FILE": "/nonexistent/secret"},
        {"SHEQUKIT_SYNC_APP_KEY": "js", "SHEQUKIT_SYNC_SECRET": "s", "SHEQUKIT_SYNC_SM4_KEY": "zz"},
        {"SHEQUKIT_SYNC_APP_KEY": "js", "SHEQUKIT_SYNC_SECRET": "s", "SHEQUKIT_SYNC_METHOD": "MD5"},
    ],
)
def test_missing_or_bad_credentials_raise_s001(environ: dict[str, str]) -> None:
    with pytest.raises(CredentialsError) as caught:
        Credentials.from_env(environ=environ)
    assert caught.value.code == "SQK-S001"
    assert "/nonexistent" not in str(caught.value)


def test_secrets_are_never_logged_or_shown(
    sandbox: SandboxServer, caplog: pytest.LogCaptureFixture
) -> None:
    credentials = js_credentials_for("HMAC-SM3", encrypted=True)
    caplog.set_level(logging.DEBUG)
    sandbox.inject("429", "drop", "503", "drop-after-commit")
    errors: list[SyncError] = []
    with SyncClient(sandbox.url, credentials, retry=FAST_RETRY) as client:
        client.push(sample_operations(1, limit=5), idempotency_key="quiet")
        client.pull()
        shown = [repr(client), repr(credentials), str(credentials)]
    with (
        SyncClient(sandbox.url, Credentials("js", b"guess-secret"), retry=FAST_RETRY) as client,
        pytest.raises(SyncError) as caught,
    ):
        client.pull()
    errors.append(caught.value)
    assert caplog.records, "the retries were logged"
    text = caplog.text + "".join(shown) + "".join(str(e) + repr(e.details) for e in errors)
    for secret in (JS_SECRET, b"guess-secret", JS_SM4_KEY):
        for form in (secret.decode("latin-1"), secret.hex(), secret.hex().upper()):
            assert form not in text
    assert "X-SQK-Signature" not in caplog.text


# -- a gateway in front of the server ---------------------------------------------------------


class _Gateway(http.server.BaseHTTPRequestHandler):
    """Answers 502 and 504 pages (HTML, as a proxy does), then a protocol answer."""

    answers: ClassVar[list[tuple[int, bytes]]] = []
    seen: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.seen.append(self.path)
        status, body = self.answers.pop(0)
        self.send_response(status)
        self.send_header("Content-Type", "text/html" if status >= 500 else "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def gateway() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join(5)


def test_502_and_504_from_a_gateway_are_retried(gateway: str, js_credentials: Credentials) -> None:
    _Gateway.seen.clear()
    _Gateway.answers[:] = [
        (502, b"<html>Bad Gateway</html>"),
        (504, b"<html>Gateway Timeout</html>"),
        (200, b'{"records": [], "cursor": "0", "has_more": false}'),
    ]
    with SyncClient(gateway, js_credentials, retry=FAST_RETRY) as client:
        page = client.pull()
    assert page.changes == ()
    assert len(_Gateway.seen) == 3


def test_gateway_error_without_the_protocol_body_still_maps_to_a_code(
    gateway: str, js_credentials: Credentials
) -> None:
    _Gateway.answers[:] = [(502, b"<html>Bad Gateway</html>")] * 2
    policy = RetryPolicy(attempts=2, wait_initial=0.01, wait_max=0.01, wait_jitter=0.0)
    with (
        SyncClient(gateway, js_credentials, retry=policy) as client,
        pytest.raises(ServerError) as caught,
    ):
        client.pull()
    assert (caught.value.code, caught.value.status) == ("SQK-S503", 502)


def test_answer_that_is_not_the_protocol_raises_s502(
    gateway: str, js_credentials: Credentials
) -> None:
    _Gateway.answers[:] = [(200, b'{"unexpected": true}'), (200, b"not json")]
    with SyncClient(gateway, js_credentials) as client:
        for _ in range(2):
            with pytest.raises(SyncProtocolError) as caught:
                client.pull()
            assert caught.value.code == "SQK-S502"
