"""The sandbox's Starlette application: the protocol's routes, authentication, faults.

Request handling, in order: fault injection (outermost, like a gateway),
body size limit (413), signature check (401/S401-S403), Idempotency-Key
checks (400/409/422 or a replay), then the work. See ``docs/sync-protocol.md``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import time
import urllib.parse
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping
from typing import Any, Final

import attrs
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import Message, Receive, Scope, Send

from shequkit.sandbox._faults import FaultPlan, RequestLogEntry, SandboxControl, drop_connection
from shequkit.sandbox._store import SandboxStore, body_hash
from shequkit.sync._protocol import (
    ENDPOINTS,
    ERROR_CODES,
    IDEMPOTENCY_KEY_MAX,
    KIND_NAMES,
    PULL_LIMIT_DEFAULT,
    PULL_LIMIT_MAX,
    BatchRequest,
    ErrorEnvelope,
    ErrorInfo,
    describe_error,
    dumps,
    wire_converter,
)
from shequkit.sync._signing import (
    ENCRYPTION_HEADER,
    ENCRYPTION_SM4_GCM,
    HEADER_DIGEST,
    HEADER_KEY,
    HEADER_METHOD,
    HEADER_NONCE,
    HEADER_SIGNATURE,
    HEADER_TIMESTAMP,
    METHODS,
    decrypt_sm4,
    encrypt_sm4,
    verify_request,
)

__all__ = ["DEFAULT_MAX_BODY_BYTES", "KeyGrant", "SandboxApp", "create_app"]

DEFAULT_MAX_BODY_BYTES: Final = 16 * 1024 * 1024
TIMESTAMP_WINDOW_S: Final = 300
_NONCE: Final = re.compile(r"[0-9a-fA-F]{32}")
_PREFIX: Final = re.compile(r"[0-9]{0,12}")
_SIGNED_PATHS: Final = frozenset(endpoint.path for endpoint in ENDPOINTS if endpoint.signed)


def _prefixes(value: Iterable[str]) -> tuple[str, ...]:
    if isinstance(value, str):
        raise ValueError("divisions is a sequence of prefixes, not one string")
    return tuple(value)


def _check_divisions(_: Any, __: attrs.Attribute[Any], value: tuple[str, ...]) -> None:
    if not all(isinstance(prefix, str) and _PREFIX.fullmatch(prefix) for prefix in value):
        raise ValueError("divisions are division code prefixes of 0 to 12 digits")


@attrs.frozen
class KeyGrant:
    """An app key's secret and scope on the sandbox (授权范围).

    Attributes:
        secret: the HMAC secret.
        divisions: the division code prefixes the key may read and write
            (``("32",)`` is Jiangsu; ``("",)`` everything).
        sm4_key: the 16-byte SM4 key for encrypted bodies (``None``: the key
            cannot send encrypted requests).
    """

    secret: bytes = attrs.field(repr=lambda value: f"<{len(value)} bytes masked>")
    divisions: tuple[str, ...] = attrs.field(converter=_prefixes, validator=_check_divisions)
    sm4_key: bytes | None = attrs.field(
        default=None, repr=lambda value: "None" if value is None else "<masked>"
    )


class ApiError(Exception):
    """An error answer: a protocol code, optionally a more precise message."""

    def __init__(self, code: str, zh: str | None = None, en: str | None = None) -> None:
        entry = ERROR_CODES[code]
        super().__init__(code)
        self.entry = entry
        self.info = ErrorInfo(
            code,
            zh or entry.message_zh,
            en or entry.message_en,
            retryable=entry.retryable,
        )


@attrs.frozen
class _Caller:
    app_key: str
    grant: KeyGrant
    encrypted: bool


def _json_response(
    status: int, body: bytes, caller: _Caller | None = None, headers: dict[str, str] | None = None
) -> Response:
    headers = dict(headers or {})
    if caller is not None and caller.encrypted and caller.grant.sm4_key is not None:
        body = encrypt_sm4(caller.grant.sm4_key, body)
        headers[ENCRYPTION_HEADER] = ENCRYPTION_SM4_GCM
        return Response(body, status, headers, media_type="application/octet-stream")
    return Response(body, status, headers, media_type="application/json")


def error_response(error: ApiError, caller: _Caller | None = None) -> Response:
    """The JSON answer of an :class:`ApiError`."""
    headers = {}
    if error.info.code == "SQK-S429":
        headers["Retry-After"] = "1"
    return _json_response(error.entry.status, dumps(ErrorEnvelope(error.info)), caller, headers)


class SandboxApp(Starlette):
    """A Starlette app that injects faults before anything else sees the request.

    It wraps Starlette's own middleware stack so that it receives the server's
    raw ``send`` (which can drop the connection).
    """

    control: SandboxControl
    store: SandboxStore

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] not in _SIGNED_PATHS:
            await super().__call__(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        key = headers.get(b"idempotency-key")
        fault = self.control.faults.next()
        entry = RequestLogEntry(
            time.monotonic(),
            scope["method"],
            scope["path"],
            key.decode("latin-1") if key is not None else None,
            fault,
        )
        self.control.log(entry)
        scope["shequkit.fault"] = fault
        if fault == "latency":
            await asyncio.sleep(self.control.faults.plan.latency_ms / 1000)
        if fault == "drop":
            entry.answered = time.monotonic()
            if not await drop_connection(send):
                raise ConnectionAbortedError("sandbox fault: connection dropped")
            return
        if fault == "drop-after-commit":
            send = _dropping_send(send, entry)
        else:
            send = _logging_send(send, entry)
        if fault in ("429", "500", "503"):
            await self._fault_response(fault, scope, receive, send)
            return
        await super().__call__(scope, receive, send)

    async def _fault_response(self, fault: str, scope: Scope, receive: Receive, send: Send) -> None:
        code = {"429": "SQK-S429", "500": "SQK-S500", "503": "SQK-S503"}[fault]
        error = ApiError(code, f"沙箱注入的故障 {fault}", f"fault {fault} injected by the sandbox")
        response = error_response(error)
        if fault == "429":
            response.headers["Retry-After"] = _seconds(self.control.faults.plan.retry_after_s)
        await response(scope, receive, send)


def _seconds(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.3f}".rstrip("0")


def _logging_send(send: Send, entry: RequestLogEntry) -> Send:
    async def logging_send(message: Message) -> None:
        if message["type"] == "http.response.start":
            entry.status = message["status"]
            entry.answered = time.monotonic()
        await send(message)

    return logging_send


def _dropping_send(send: Send, entry: RequestLogEntry) -> Send:
    dropped = False

    async def dropping_send(message: Message) -> None:
        nonlocal dropped
        if dropped:
            return
        if message["type"] == "http.response.start":
            dropped = True
            entry.answered = time.monotonic()
            if not await drop_connection(send):
                raise ConnectionAbortedError("sandbox fault: connection dropped")

    return dropping_send


def create_app(
    db_path: str | os.PathLike[str],
    keys: Mapping[str, KeyGrant],
    *,
    faults: FaultPlan | None = None,
    clock: Callable[[], float] = time.time,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
) -> Starlette:
    """The sandbox server as a Starlette application.

    Args:
        db_path: the SQLite file holding the sandbox's records (created if absent).
        keys: app key id → its grant (secret and division scope).
        faults: faults to inject (none by default).
        clock: seconds since the epoch; the timestamp window and expiries use it.
        max_body_bytes: larger request bodies are refused with 413 ``SQK-S413``.

    The returned app has ``app.store`` (:class:`SandboxStore`) and
    ``app.control`` (:class:`SandboxControl`: queue faults, read the request log).
    """
    store = SandboxStore(db_path, clock=clock)
    control = SandboxControl(faults)
    grants = dict(keys)

    async def health(request: Request) -> Response:
        return _json_response(200, b'{"status":"ok"}')

    async def pull(request: Request) -> Response:
        caller = await _authenticate(request, b"", grants, store, clock)
        since, limit, kinds = _pull_params(request)
        page = await run_in_threadpool(store.changes, caller.grant.divisions, since, limit, kinds)
        return _json_response(200, dumps(page), caller)

    async def push(request: Request) -> Response:
        raw = await _read_body(request, max_body_bytes)
        caller = await _authenticate(request, raw, grants, store, clock)
        plain = raw
        if caller.encrypted:
            assert caller.grant.sm4_key is not None
            try:
                plain = decrypt_sm4(caller.grant.sm4_key, raw)
            except ValueError:
                # Answered in clear: the caller evidently lacks the key.
                error = ApiError("SQK-S400", "无法解密请求体", "cannot decrypt the request body")
                return error_response(error)
        try:
            return await _push(request, plain, caller, store, control)
        except ApiError as error:
            return error_response(error, caller)

    handlers: dict[str, Callable[[Request], Awaitable[Response]]] = {
        "health": health,
        "pull": pull,
        "push": push,
    }
    routes = [
        Route(endpoint.path, _guard(handlers[endpoint.name]), methods=[endpoint.method])
        for endpoint in ENDPOINTS
    ]

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        yield
        store.close()

    async def server_fault(request: Request, exc: Exception) -> Response:
        # A bug, not an injected fault: said in the protocol's shape, and not retryable.
        info = ErrorInfo("SQK-S500", "沙箱内部错误", "internal sandbox error", retryable=False)
        return _json_response(500, dumps(ErrorEnvelope(info)))

    app = SandboxApp(routes=routes, lifespan=lifespan, exception_handlers={Exception: server_fault})
    app.store = store
    app.control = control
    app.state.store = store
    app.state.control = control
    return app


def _guard(handler: Callable[[Request], Awaitable[Response]]) -> Callable[[Request], Any]:
    async def guarded(request: Request) -> Response:
        try:
            return await handler(request)
        except ApiError as error:
            return error_response(error)
        except ClientDisconnect:
            # The client went away mid-request (killed, timed out): nobody to answer, and
            # nothing wrong with the sandbox, so no traceback in its log (Starlette would
            # print one for an unhandled exception). Nothing was stored: the body was unread.
            return Response(status_code=499)

    guarded.__name__ = handler.__name__
    return guarded


async def _read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise ApiError(
            "SQK-S413", f"请求体超过 {limit} 字节", f"the request body exceeds {limit} bytes"
        )
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ApiError(
                "SQK-S413", f"请求体超过 {limit} 字节", f"the request body exceeds {limit} bytes"
            )
        chunks.append(chunk)
    return b"".join(chunks)


async def _authenticate(
    request: Request,
    body: bytes,
    grants: Mapping[str, KeyGrant],
    store: SandboxStore,
    clock: Callable[[], float],
) -> _Caller:
    headers = request.headers
    app_key = headers.get(HEADER_KEY)
    grant = grants.get(app_key) if app_key else None
    if app_key is None or grant is None:
        raise ApiError("SQK-S401", "缺少或未知的应用密钥", "missing or unknown app key")
    method = headers.get(HEADER_METHOD, "HMAC-SHA256")
    if method not in METHODS:
        raise ApiError("SQK-S401", f"不支持的签名算法 {method}", f"unsupported method {method}")
    timestamp = headers.get(HEADER_TIMESTAMP, "")
    if not timestamp.isdigit() or len(timestamp) > 16:
        raise ApiError("SQK-S401", "时间戳缺失或格式错误", "missing or malformed timestamp")
    now_ms = int(clock() * 1000)
    if abs(now_ms - int(timestamp)) > TIMESTAMP_WINDOW_S * 1000:
        raise ApiError("SQK-S402")
    nonce = headers.get(HEADER_NONCE, "")
    if not _NONCE.fullmatch(nonce):
        raise ApiError("SQK-S401", "随机数须为 32 位十六进制字符", "the nonce must be 32 hex chars")
    digest = headers.get(HEADER_DIGEST, "")
    signature = headers.get(HEADER_SIGNATURE, "")
    if not digest or not signature:
        raise ApiError("SQK-S401", "缺少摘要或签名", "missing content digest or signature")
    query = urllib.parse.parse_qsl(request.url.query, keep_blank_values=True)
    outcome = verify_request(
        grant.secret, request.method, request.url.path, query, body, request.headers
    )
    if outcome == "digest":
        raise ApiError("SQK-S401", "内容摘要与请求体不符", "the content digest does not match")
    if outcome != "ok":
        raise ApiError("SQK-S401", "签名无效", "invalid signature")
    expires_ms = int(timestamp) + TIMESTAMP_WINDOW_S * 1000 + 1000
    fresh = await run_in_threadpool(store.remember_nonce, app_key, nonce.lower(), expires_ms)
    if not fresh:
        raise ApiError("SQK-S403")
    encrypted = headers.get(ENCRYPTION_HEADER)
    if encrypted is not None and (encrypted != ENCRYPTION_SM4_GCM or grant.sm4_key is None):
        raise ApiError(
            "SQK-S400",
            f"不支持的加密方式 {encrypted}(或本密钥未配置 SM4)",
            f"unsupported encryption {encrypted} (or no SM4 key for this app key)",
        )
    return _Caller(app_key, grant, encrypted is not None)


def _pull_params(request: Request) -> tuple[int, int, tuple[str, ...] | None]:
    params = request.query_params
    unknown = set(params) - {"since", "limit", "kinds"}
    if unknown:
        raise ApiError(
            "SQK-S400", f"未知参数 {sorted(unknown)}", f"unknown parameters {sorted(unknown)}"
        )
    since_text = params.get("since", "0") or "0"
    if not since_text.isdigit() or len(since_text) > 18:
        raise ApiError("SQK-S400", "游标无效", "invalid cursor")
    limit_text = params.get("limit", str(PULL_LIMIT_DEFAULT))
    if not limit_text.isdigit() or not 1 <= int(limit_text) <= PULL_LIMIT_MAX:
        raise ApiError(
            "SQK-S400",
            f"limit 须在 1–{PULL_LIMIT_MAX} 之间",
            f"limit must be 1 to {PULL_LIMIT_MAX}",
        )
    kinds = None
    if params.get("kinds"):
        kinds = tuple(params["kinds"].split(","))
        bad = [kind for kind in kinds if kind not in KIND_NAMES]
        if bad:
            raise ApiError("SQK-S400", f"未知的记录类别 {bad}", f"unknown kinds {bad}")
    return int(since_text), int(limit_text), kinds


async def _push(
    request: Request, plain: bytes, caller: _Caller, store: SandboxStore, control: SandboxControl
) -> Response:
    key = request.headers.get("idempotency-key")
    if not key or len(key) > IDEMPOTENCY_KEY_MAX:
        raise ApiError(
            "SQK-S400",
            f"缺少 Idempotency-Key 请求头(1–{IDEMPOTENCY_KEY_MAX} 个字符)",
            f"the Idempotency-Key header (1 to {IDEMPOTENCY_KEY_MAX} characters) is required",
        )
    try:
        document = json.loads(plain)
    except (ValueError, RecursionError):
        raise ApiError("SQK-S400", "请求体不是 JSON", "the body is not JSON") from None
    if type(document) is not dict:
        raise ApiError("SQK-S400", "请求体须为 JSON 对象", "the body must be a JSON object")
    try:
        batch = wire_converter.structure(document, BatchRequest)
    except Exception as error:
        detail = describe_error(error)
        raise ApiError("SQK-S400", f"批次格式错误:{detail}", f"malformed batch: {detail}") from None
    reservation = await run_in_threadpool(store.reserve, caller.app_key, key, body_hash(plain))
    if reservation.kind == "mismatch":
        raise ApiError("SQK-S422")
    if reservation.kind == "in-flight":
        raise ApiError("SQK-S409")
    if reservation.kind == "replay":
        assert reservation.status is not None
        assert reservation.body is not None
        return _json_response(
            reservation.status, reservation.body, caller, {"Idempotent-Replayed": "true"}
        )
    try:
        if request.scope.get("shequkit.fault") == "hold":
            await control.hold()
        status, body = await run_in_threadpool(
            store.apply_batch, caller.app_key, key, caller.grant.divisions, batch.operations
        )
    except BaseException:
        await run_in_threadpool(store.release, caller.app_key, key)
        raise
    return _json_response(status, body, caller)
