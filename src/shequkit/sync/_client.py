"""The sync client (同步客户端): signed pull and push over httpx, with retries.

:class:`SyncClient` and :class:`AsyncSyncClient` share everything except the
I/O: :class:`_Core` builds, signs and reads requests; the two classes only
send them. Transient faults (connect and read errors, dropped connections,
429, 502/503/504, and errors the server marks ``retryable``) are retried with
stamina: exponential backoff with jitter, or the server's ``Retry-After`` when
it gives one. A POST is retried only because it carries an Idempotency-Key;
a request without one is never repeated.

Nothing secret is logged: the log lines name the method, path, status and
error code, never headers or bodies.
"""

from __future__ import annotations

import datetime
import email.utils
import json
import logging
import random
from collections.abc import AsyncIterator, Iterator, Sequence
from types import TracebackType
from typing import Any, Final, NoReturn

import attrs
import httpx

from shequkit._exceptions import UsageError
from shequkit._version import __version__
from shequkit.sync._errors import (
    BadRequestError,
    SyncConnectionError,
    SyncError,
    SyncProtocolError,
    error_for_code,
)
from shequkit.sync._protocol import (
    BATCH_MAX_OPERATIONS,
    IDEMPOTENCY_KEY_MAX,
    PULL_LIMIT_MAX,
    BatchRequest,
    BatchResponse,
    ErrorEnvelope,
    Operation,
    PullPage,
    PullResponse,
    PushResult,
    WireShapeError,
    dumps,
    lenient_converter,
)
from shequkit.sync._signing import (
    ENCRYPTION_HEADER,
    ENCRYPTION_SM4_GCM,
    Credentials,
    decrypt_sm4,
    encrypt_sm4,
    sign_request,
)

__all__ = ["AsyncSyncClient", "RetryPolicy", "SyncClient"]

logger = logging.getLogger("shequkit.sync")

IDEMPOTENCY_HEADER: Final = "Idempotency-Key"
REPLAYED_HEADER: Final = "Idempotent-Replayed"
_TRANSPORT_ERRORS: Final = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)


@attrs.frozen
class RetryPolicy:
    """How the client retries transient faults (exponential backoff with jitter).

    Attributes:
        attempts: total attempts per call, including the first (1 = never retry).
        timeout: give up retrying after this many seconds in all (``None``: no limit).
        wait_initial: the first backoff, in seconds.
        wait_max: the largest backoff, in seconds.
        wait_jitter: up to this many random seconds added to each backoff.
        wait_exp_base: the backoff grows by this factor per attempt.
        max_retry_after: a ``Retry-After`` longer than this is not waited for:
            the call fails at once with :class:`RateLimitedError` (its
            ``retry_after`` says when to come back).
        retry_statuses: HTTP statuses always treated as transient.
    """

    attempts: int = attrs.field(default=8, validator=attrs.validators.ge(1))
    timeout: float | None = 120.0
    wait_initial: float = 0.1
    wait_max: float = 5.0
    wait_jitter: float = 0.5
    wait_exp_base: float = 2.0
    max_retry_after: float = 60.0
    retry_statuses: tuple[int, ...] = (429, 502, 503, 504)


class _Transient(Exception):
    """An attempt failed in a way a later attempt may not (carries the final error)."""

    def __init__(self, error: SyncError, retry_after: float | None = None) -> None:
        super().__init__(error.code)
        self.error = error
        self.retry_after = retry_after


@attrs.frozen
class _Call:
    """One logical request: the same body bytes are sent on every attempt."""

    method: str
    path: str
    params: tuple[tuple[str, str], ...]
    body: bytes
    idempotency_key: str | None

    @property
    def may_retry(self) -> bool:
        return self.method == "GET" or self.idempotency_key is not None


def _parse_retry_after(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    now = datetime.datetime.now(tz=moment.tzinfo or datetime.UTC)
    return max(0.0, (moment - now).total_seconds())


class _Core:
    """Everything about a request except sending it."""

    def __init__(self, base_url: str, credentials: Credentials, retry: RetryPolicy) -> None:
        if not isinstance(credentials, Credentials):
            raise UsageError(
                "credentials 须为 shequkit.sync.Credentials",
                "credentials must be a shequkit.sync.Credentials",
            )
        self.base_url = base_url.rstrip("/")
        self.credentials = credentials
        self.retry = retry
        self._random = random.Random()

    # -- building ------------------------------------------------------------
    def pull_call(self, since: str | None, limit: int, kinds: Sequence[str] | None) -> _Call:
        if not 1 <= limit <= PULL_LIMIT_MAX:
            raise BadRequestError(
                f"limit 须在 1–{PULL_LIMIT_MAX} 之间", f"limit must be 1 to {PULL_LIMIT_MAX}"
            )
        params: list[tuple[str, str]] = []
        if since is not None:
            params.append(("since", since))
        params.append(("limit", str(limit)))
        if kinds:
            params.append(("kinds", ",".join(kinds)))
        return _Call("GET", "/v1/records", tuple(params), b"", None)

    def push_call(self, operations: Sequence[Operation], idempotency_key: str) -> _Call:
        key = idempotency_key
        if not (
            isinstance(key, str)
            and 1 <= len(key) <= IDEMPOTENCY_KEY_MAX
            and key.isascii()
            and key.isprintable()
        ):
            raise BadRequestError(
                f"幂等键须为 1–{IDEMPOTENCY_KEY_MAX} 个可打印 ASCII 字符",
                f"the idempotency key must be 1 to {IDEMPOTENCY_KEY_MAX}"
                " printable ASCII characters",
            )
        try:
            body = dumps(BatchRequest(tuple(operations)))
        except WireShapeError as error:
            raise BadRequestError(
                f"批次须含 1–{BATCH_MAX_OPERATIONS} 个操作:{error}",
                f"a batch holds 1 to {BATCH_MAX_OPERATIONS} operations: {error}",
            ) from None
        return _Call("POST", "/v1/batches", (), body, key)

    def wire_body(self, call: _Call) -> bytes:
        if self.credentials.sm4_key is not None and call.body:
            return encrypt_sm4(self.credentials.sm4_key, call.body)
        return call.body

    def sign(self, request: httpx.Request, call: _Call, wire: bytes) -> None:
        """Put fresh signing headers (new timestamp and nonce) on one attempt."""
        signed = sign_request(
            self.credentials,
            request.method,
            request.url.path,
            request.url.params.multi_items(),
            wire,
        )
        request.headers.update(signed.headers)

    def headers(self, call: _Call) -> dict[str, str]:
        headers = {"Accept": "application/json", "User-Agent": f"shequkit/{__version__}"}
        if call.body:
            headers["Content-Type"] = "application/json; charset=utf-8"
        if self.credentials.sm4_key is not None:
            headers[ENCRYPTION_HEADER] = ENCRYPTION_SM4_GCM
        if call.idempotency_key is not None:
            headers[IDEMPOTENCY_HEADER] = call.idempotency_key
        return headers

    # -- reading -------------------------------------------------------------
    def read(self, response: httpx.Response, call: _Call) -> Any:
        """The JSON of a 2xx answer; raises the error of any other (``_Transient`` if retryable)."""
        body = response.content
        if response.headers.get(ENCRYPTION_HEADER) == ENCRYPTION_SM4_GCM:
            if self.credentials.sm4_key is None:
                raise SyncProtocolError(
                    "服务器返回了加密内容,但未配置 SM4 密钥",
                    "the server sent an encrypted body but no SM4 key is configured",
                    status=response.status_code,
                )
            try:
                body = decrypt_sm4(self.credentials.sm4_key, body)
            except ValueError:
                raise SyncProtocolError(
                    "无法解密服务器返回的内容",
                    "cannot decrypt the server's answer",
                    status=response.status_code,
                ) from None
        if response.is_success:
            try:
                return json.loads(body)
            except ValueError:
                raise SyncProtocolError(
                    "服务器返回的不是 JSON",
                    "the server's answer is not JSON",
                    status=response.status_code,
                ) from None
        raise self._error(response, body, call)

    def _error(self, response: httpx.Response, body: bytes, call: _Call) -> Exception:
        status = response.status_code
        code: str | None = None
        zh, en, retryable = f"HTTP {status}", f"HTTP {status}", False
        try:
            envelope = lenient_converter.structure(json.loads(body), ErrorEnvelope)
        except Exception:
            envelope = None
        if envelope is not None:
            code = envelope.error.code
            zh, en, retryable = (
                envelope.error.message_zh,
                envelope.error.message_en,
                envelope.error.retryable,
            )
        code, cls = error_for_code(code, status)
        retry_after = _parse_retry_after(response.headers.get("Retry-After"))
        details: dict[str, Any] = {"method": call.method, "path": call.path}
        if retry_after is not None:
            details["retry_after"] = retry_after
        error = cls(zh, en, code=code, status=status, retryable=retryable, **details)
        logger.info("sync: %s %s answered %s [%s]", call.method, call.path, status, code)
        if status in self.retry.retry_statuses or retryable:
            return _Transient(error, retry_after)
        return error

    def connection_error(self, exc: Exception, call: _Call) -> _Transient:
        kind = type(exc).__name__
        logger.info("sync: %s %s failed: %s", call.method, call.path, kind)
        return _Transient(
            SyncConnectionError(
                f"与同步服务器的连接失败({kind})",
                f"the connection to the sync server failed ({kind})",
                method=call.method,
                path=call.path,
            )
        )

    def should_retry(self, exc: Exception) -> bool | float:
        """stamina's backoff hook: retry transient faults, waiting ``Retry-After`` if given."""
        if not isinstance(exc, _Transient):
            return False
        if exc.retry_after is None:
            logger.info("sync: transient fault [%s], retrying with backoff", exc.error.code)
            return True
        if exc.retry_after > self.retry.max_retry_after:
            return False
        wait = exc.retry_after + self._random.uniform(0, self.retry.wait_jitter)
        logger.info("sync: [%s] retrying after %.2f s (Retry-After)", exc.error.code, wait)
        return wait

    def retry_context(self, call: _Call) -> Any:
        import stamina

        policy = self.retry
        return stamina.retry_context(
            on=self.should_retry,
            attempts=policy.attempts if call.may_retry else 1,
            timeout=policy.timeout,
            wait_initial=policy.wait_initial,
            wait_max=policy.wait_max,
            wait_jitter=policy.wait_jitter,
            wait_exp_base=policy.wait_exp_base,
        )

    # -- results -------------------------------------------------------------
    @staticmethod
    def pull_page(plain: Any) -> PullPage:
        try:
            response = lenient_converter.structure(plain, PullResponse)
        except Exception:
            raise _bad_shape("GET /v1/records") from None
        return PullPage(response.records, response.cursor, response.has_more)

    @staticmethod
    def push_result(plain: Any, replayed: bool, count: int) -> PushResult:
        try:
            response = lenient_converter.structure(plain, BatchResponse)
        except Exception:
            raise _bad_shape("POST /v1/batches") from None
        if len(response.results) != count:
            raise _bad_shape("POST /v1/batches")
        return PushResult(response.batch_id, response.results, replayed)


def _bad_shape(route: str) -> SyncProtocolError:
    return SyncProtocolError(
        f"服务器对 {route} 的应答不符合协议", f"the server's answer to {route} is not the protocol"
    )


def _unwrap(transient: _Transient) -> NoReturn:
    raise transient.error from None


class SyncClient:
    """A client of a shequkit sync endpoint (民政同步接口) over ``httpx.Client``.

    Args:
        base_url: the endpoint's root, e.g. ``"http://127.0.0.1:8765"``.
        credentials: the app key and secret that sign every request.
        timeout: seconds per attempt (connect, read, write).
        retry: how transient faults are retried.
        transport: an httpx transport to use instead of the network (tests, proxies).

    Use it as a context manager, or call :meth:`close`.

    Raises:
        SyncError: a subclass per ``SQK-S`` code for every non-retryable answer,
            and for transient faults still failing after every retry.
    """

    def __init__(
        self,
        base_url: str,
        credentials: Credentials,
        *,
        timeout: float = 30.0,
        retry: RetryPolicy = RetryPolicy(),
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._core = _Core(base_url, credentials, retry)
        self._http = httpx.Client(
            base_url=self._core.base_url, timeout=timeout, transport=transport
        )

    def __repr__(self) -> str:
        return f"SyncClient({self._core.base_url!r}, app_key={self._core.credentials.app_key!r})"

    @property
    def base_url(self) -> str:
        """The server's base URL, without a trailing slash (the sync engine binds state to it)."""
        return self._core.base_url

    def pull(
        self, *, since: str | None = None, limit: int = 500, kinds: Sequence[str] | None = None
    ) -> PullPage:
        """One page of changes after ``since`` (from the beginning when ``None``)."""
        call = self._core.pull_call(since, limit, kinds)
        plain, _ = self._send(call)
        return self._core.pull_page(plain)

    def iter_pull(
        self, *, since: str | None = None, limit: int = 500, kinds: Sequence[str] | None = None
    ) -> Iterator[PullPage]:
        """Every page after ``since`` until ``has_more`` is false (each page's cursor continues)."""
        while True:
            page = self.pull(since=since, limit=limit, kinds=kinds)
            yield page
            if not page.has_more:
                return
            since = page.cursor

    def push(self, operations: Sequence[Operation], *, idempotency_key: str) -> PushResult:
        """Apply ``operations`` (1 to 1000) as one batch; safe to repeat with the same key."""
        call = self._core.push_call(operations, idempotency_key)
        plain, headers = self._send(call)
        replayed = headers.get(REPLAYED_HEADER, "").lower() == "true"
        return self._core.push_result(plain, replayed, len(operations))

    def health(self) -> bool:
        """Whether ``GET /v1/health`` answers ``{"status": "ok"}`` (tried once, no retries)."""
        try:
            response = self._http.get("/v1/health")
        except httpx.HTTPError:
            return False
        return response.status_code == 200 and response.content.startswith(b'{"status":"ok"')

    def _send(self, call: _Call) -> tuple[Any, httpx.Headers]:
        wire = self._core.wire_body(call)
        try:
            for attempt in self._core.retry_context(call):
                with attempt:
                    return self._attempt(call, wire)
        except _Transient as transient:
            _unwrap(transient)
        raise AssertionError("unreachable")  # pragma: no cover

    def _attempt(self, call: _Call, wire: bytes) -> tuple[Any, httpx.Headers]:
        request = self._http.build_request(
            call.method,
            call.path,
            params=call.params,
            content=wire,
            headers=self._core.headers(call),
        )
        self._core.sign(request, call, wire)
        try:
            response = self._http.send(request)
        except _TRANSPORT_ERRORS as exc:
            raise self._core.connection_error(exc, call) from None
        try:
            return self._core.read(response, call), response.headers
        except _Transient as transient:
            if not call.may_retry:
                raise transient.error from None
            raise
        finally:
            response.close()

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def __enter__(self) -> SyncClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


class AsyncSyncClient:
    """The asyncio twin of :class:`SyncClient` (``httpx.AsyncClient`` inside).

    Same arguments; :meth:`pull`, :meth:`push`, :meth:`health` and :meth:`aclose`
    are coroutines, and it is an async context manager.
    """

    def __init__(
        self,
        base_url: str,
        credentials: Credentials,
        *,
        timeout: float = 30.0,
        retry: RetryPolicy = RetryPolicy(),
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._core = _Core(base_url, credentials, retry)
        self._http = httpx.AsyncClient(
            base_url=self._core.base_url, timeout=timeout, transport=transport
        )

    def __repr__(self) -> str:
        return (
            f"AsyncSyncClient({self._core.base_url!r}, app_key={self._core.credentials.app_key!r})"
        )

    @property
    def base_url(self) -> str:
        """The endpoint's root URL, without a trailing slash."""
        return self._core.base_url

    async def pull(
        self, *, since: str | None = None, limit: int = 500, kinds: Sequence[str] | None = None
    ) -> PullPage:
        """One page of changes after ``since`` (from the beginning when ``None``)."""
        call = self._core.pull_call(since, limit, kinds)
        plain, _ = await self._send(call)
        return self._core.pull_page(plain)

    async def iter_pull(
        self, *, since: str | None = None, limit: int = 500, kinds: Sequence[str] | None = None
    ) -> AsyncIterator[PullPage]:
        """Every page after ``since`` until ``has_more`` is false (each page's cursor continues)."""
        while True:
            page = await self.pull(since=since, limit=limit, kinds=kinds)
            yield page
            if not page.has_more:
                return
            since = page.cursor

    async def push(self, operations: Sequence[Operation], *, idempotency_key: str) -> PushResult:
        """Apply ``operations`` (1 to 1000) as one batch; safe to repeat with the same key."""
        call = self._core.push_call(operations, idempotency_key)
        plain, headers = await self._send(call)
        replayed = headers.get(REPLAYED_HEADER, "").lower() == "true"
        return self._core.push_result(plain, replayed, len(operations))

    async def health(self) -> bool:
        """Whether ``GET /v1/health`` answers ``{"status": "ok"}`` (tried once, no retries)."""
        try:
            response = await self._http.get("/v1/health")
        except httpx.HTTPError:
            return False
        return response.status_code == 200 and response.content.startswith(b'{"status":"ok"')

    async def _send(self, call: _Call) -> tuple[Any, httpx.Headers]:
        wire = self._core.wire_body(call)
        try:
            async for attempt in self._core.retry_context(call):
                with attempt:
                    return await self._attempt(call, wire)
        except _Transient as transient:
            _unwrap(transient)
        raise AssertionError("unreachable")  # pragma: no cover

    async def _attempt(self, call: _Call, wire: bytes) -> tuple[Any, httpx.Headers]:
        request = self._http.build_request(
            call.method,
            call.path,
            params=call.params,
            content=wire,
            headers=self._core.headers(call),
        )
        self._core.sign(request, call, wire)
        try:
            response = await self._http.send(request)
        except _TRANSPORT_ERRORS as exc:
            raise self._core.connection_error(exc, call) from None
        try:
            return self._core.read(response, call), response.headers
        except _Transient as transient:
            if not call.may_retry:
                raise transient.error from None
            raise
        finally:
            await response.aclose()

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._http.aclose()

    async def __aenter__(self) -> AsyncSyncClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()
