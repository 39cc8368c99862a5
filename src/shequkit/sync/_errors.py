"""The errors of the sync protocol: one class per ``SQK-S`` code family.

The server answers every failure with ``{"error": {"code", "message_zh",
"message_en", "retryable"}}``; the client raises the class below that matches
the code, so callers can ``except AuthenticationError`` without parsing codes.
Client-side failures (credentials missing, the server unreachable after every
retry, an answer that is not the protocol) have their own codes.
"""

from __future__ import annotations

from typing import Any, Final

from shequkit._exceptions import ShequkitError

__all__ = [
    "AuthenticationError",
    "BadRequestError",
    "CredentialsError",
    "IdempotencyInFlightError",
    "IdempotencyMismatchError",
    "PayloadTooLargeError",
    "RateLimitedError",
    "ScopeError",
    "ServerError",
    "SyncConnectionError",
    "SyncError",
    "SyncProtocolError",
    "error_for_code",
]


class SyncError(ShequkitError):
    """Root of the sync errors (同步错误); ``status`` is the HTTP status when there was one.

    Attributes:
        status: the HTTP status of the answer that caused it, ``None`` when the
            error arose on the client side.
        retryable: whether the server said a later retry may succeed.
    """

    default_code = "SQK-S000"

    def __init__(
        self,
        message_zh: str,
        message_en: str,
        *,
        code: str | None = None,
        status: int | None = None,
        retryable: bool = False,
        **details: Any,
    ) -> None:
        super().__init__(message_zh, message_en, code=code, **details)
        self.status = status
        self.retryable = retryable

    def __reduce__(self) -> tuple[Any, ...]:
        return (
            _rebuild,
            (type(self), self.message_zh, self.message_en, self.code, self.status, self.details),
        )


def _rebuild(
    cls: type[SyncError], zh: str, en: str, code: str, status: int | None, details: dict[str, Any]
) -> SyncError:
    return cls(zh, en, code=code, status=status, **details)


class CredentialsError(SyncError):
    """Sync credentials are missing or unreadable (environment variables, secret files)."""

    default_code = "SQK-S001"


class BadRequestError(SyncError, ValueError):
    """The request is not valid protocol (``SQK-S400``, HTTP 400)."""

    default_code = "SQK-S400"


class AuthenticationError(SyncError):
    """Signature, timestamp or nonce refused (``SQK-S401``/``S402``/``S403``, HTTP 401)."""

    default_code = "SQK-S401"


class ScopeError(SyncError, PermissionError):
    """The app key may not touch the division of a record (``SQK-S404``, HTTP 403)."""

    default_code = "SQK-S404"


class IdempotencyInFlightError(SyncError):
    """A request with the same Idempotency-Key is still being processed (``SQK-S409``)."""

    default_code = "SQK-S409"


class PayloadTooLargeError(SyncError):
    """The request body is larger than the server accepts (``SQK-S413``, HTTP 413)."""

    default_code = "SQK-S413"


class IdempotencyMismatchError(SyncError):
    """The Idempotency-Key was used before with a different body (``SQK-S422``)."""

    default_code = "SQK-S422"


class RateLimitedError(SyncError):
    """Too many requests (``SQK-S429``); ``retry_after`` says how long to wait (seconds)."""

    default_code = "SQK-S429"

    @property
    def retry_after(self) -> float | None:
        """Seconds the server asked to wait, if it said."""
        value = self.details.get("retry_after")
        return float(value) if value is not None else None


class ServerError(SyncError):
    """The server failed or is unavailable (``SQK-S500``, ``SQK-S503``)."""

    default_code = "SQK-S500"


class SyncConnectionError(SyncError, ConnectionError):
    """No answer from the server after every retry: connect/read errors, dropped connections."""

    default_code = "SQK-S599"


class SyncProtocolError(SyncError):
    """The server's answer is not the protocol (bad JSON, undecryptable, wrong shape)."""

    default_code = "SQK-S502"


_BY_CODE: Final[dict[str, type[SyncError]]] = {
    "SQK-S001": CredentialsError,
    "SQK-S400": BadRequestError,
    "SQK-S401": AuthenticationError,
    "SQK-S402": AuthenticationError,
    "SQK-S403": AuthenticationError,
    "SQK-S404": ScopeError,
    "SQK-S409": IdempotencyInFlightError,
    "SQK-S413": PayloadTooLargeError,
    "SQK-S422": IdempotencyMismatchError,
    "SQK-S429": RateLimitedError,
    "SQK-S500": ServerError,
    "SQK-S502": SyncProtocolError,
    "SQK-S503": ServerError,
    "SQK-S599": SyncConnectionError,
}

_BY_STATUS: Final[dict[int, str]] = {
    400: "SQK-S400",
    401: "SQK-S401",
    403: "SQK-S404",
    409: "SQK-S409",
    413: "SQK-S413",
    422: "SQK-S422",
    429: "SQK-S429",
    502: "SQK-S503",  # a gateway in front of the server: unavailable
    503: "SQK-S503",
    504: "SQK-S503",
}


def error_for_code(code: str | None, status: int | None) -> tuple[str, type[SyncError]]:
    """The code and class for an error answer (by its code, else by its HTTP status)."""
    if code is not None and code in _BY_CODE:
        return code, _BY_CODE[code]
    if status is not None and status in _BY_STATUS:
        fallback = _BY_STATUS[status]
        return fallback, _BY_CODE[fallback]
    if status is not None and status >= 500:
        return "SQK-S500", ServerError
    return "SQK-S502", SyncProtocolError
