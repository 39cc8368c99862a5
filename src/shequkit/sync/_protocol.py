"""The wire types of the shequkit sync protocol 1.0 (同步协议), shared by client and sandbox.

Every JSON body on the wire is one of the frozen attrs classes here, turned to
and from JSON by :data:`wire_converter` (strict: a wrong JSON type or an
unknown key is an error; the client reads answers with
:data:`lenient_converter`, which ignores keys a newer server may add).
:data:`ENDPOINTS` lists the routes; the sandbox builds its routes from it and
the OpenAPI document (``schemas/shequkit-sync-1.0.openapi.json``) is generated
from it and from these classes.

This module imports neither httpx, starlette nor cryptography.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Final, Literal, TypeVar

import attrs
from cattrs import Converter, IterableValidationError, transform_error
from cattrs.errors import IterableValidationNote
from cattrs.gen import make_dict_structure_fn
from cattrs.v import format_exception

from shequkit.model import RECORD_KINDS

__all__ = [
    "BATCH_MAX_OPERATIONS",
    "ENDPOINTS",
    "ERROR_CODES",
    "IDEMPOTENCY_KEY_MAX",
    "OPERATION_KINDS",
    "PROTOCOL_VERSION",
    "PULL_LIMIT_DEFAULT",
    "PULL_LIMIT_MAX",
    "RESULT_STATUSES",
    "BatchRequest",
    "BatchResponse",
    "Change",
    "Endpoint",
    "ErrorCode",
    "ErrorEnvelope",
    "ErrorInfo",
    "Operation",
    "OperationResult",
    "PullPage",
    "PullResponse",
    "PushResult",
    "WireShapeError",
    "describe_error",
    "dumps",
    "lenient_converter",
    "wire_converter",
]

PROTOCOL_VERSION: Final = "1.0"
PULL_LIMIT_DEFAULT: Final = 500
PULL_LIMIT_MAX: Final = 1000
BATCH_MAX_OPERATIONS: Final = 1000
IDEMPOTENCY_KEY_MAX: Final = 128
OPERATION_KINDS: Final = ("upsert", "delete")
RESULT_STATUSES: Final = ("created", "updated", "deleted", "unchanged", "conflict", "rejected")
KIND_NAMES: Final = tuple(kind.name for kind in RECORD_KINDS)

OpName = Literal["upsert", "delete"]
StatusName = Literal["created", "updated", "deleted", "unchanged", "conflict", "rejected"]


def _one_of(allowed: tuple[str, ...]) -> Callable[[Any, attrs.Attribute[Any], Any], None]:
    def check(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value not in allowed:
            raise WireShapeError(f"{attribute.name} must be one of {', '.join(allowed)}")

    return check


def _non_empty(_: Any, attribute: attrs.Attribute[Any], value: str) -> None:
    if not value or len(value) > 256:
        raise WireShapeError(f"{attribute.name} must hold 1 to 256 characters")


def _version(_: Any, attribute: attrs.Attribute[Any], value: int | None) -> None:
    if value is not None and value < 1:
        raise WireShapeError(f"{attribute.name} must be at least 1")


class WireShapeError(ValueError):
    """A JSON body does not have the shape of its wire type (the message names the field)."""


@attrs.frozen
class ErrorInfo:
    """The error of a non-2xx answer, or of one rejected operation.

    Attributes:
        code: stable ``SQK-`` code (``SQK-S401``, or a validation code such as
            ``SQK-E101`` for a rejected record).
        message_zh: the message in Chinese.
        message_en: the message in English.
        retryable: whether repeating the same request later may succeed.
        path: JSON pointer into the operation's ``data`` (rejected records only).
    """

    code: str
    message_zh: str
    message_en: str
    retryable: bool = False
    path: str | None = None


@attrs.frozen
class ErrorEnvelope:
    """The body of every non-2xx answer: ``{"error": {...}}``."""

    error: ErrorInfo


@attrs.frozen
class Operation:
    """One write in a batch (``POST /v1/batches``).

    Attributes:
        op: ``"upsert"`` or ``"delete"``.
        kind: the record kind name (``"community"``, ``"facility"``, ...).
        id: the record's ``id`` (a division's ``code``).
        base_version: the server version the change is based on; ``None`` to create.
        data: the record in canonical JSON form (upserts only).
        redirect_to: for a delete, the id of the record that replaces it (merges, recodes).
    """

    op: OpName = attrs.field(validator=_one_of(OPERATION_KINDS))
    kind: str = attrs.field(validator=_non_empty)
    id: str = attrs.field(validator=_non_empty)
    base_version: int | None = attrs.field(default=None, validator=_version)
    data: dict[str, Any] | None = None
    redirect_to: str | None = None

    def __attrs_post_init__(self) -> None:
        if self.op == "upsert" and self.data is None:
            raise WireShapeError("an upsert carries data")
        if self.op == "upsert" and self.redirect_to is not None:
            raise WireShapeError("only a delete carries redirect_to")
        if self.op == "delete" and self.data is not None:
            raise WireShapeError("a delete carries no data")


@attrs.frozen
class BatchRequest:
    """The body of ``POST /v1/batches``: 1 to 1000 operations, applied in one transaction."""

    operations: tuple[Operation, ...]

    def __attrs_post_init__(self) -> None:
        if not 1 <= len(self.operations) <= BATCH_MAX_OPERATIONS:
            raise WireShapeError(f"operations must hold 1 to {BATCH_MAX_OPERATIONS} items")


@attrs.frozen
class OperationResult:
    """The outcome of one operation, in the order of the batch.

    Attributes:
        index: the operation's position in the batch (0-based).
        kind: the record kind.
        id: the record id.
        status: ``created``, ``updated``, ``deleted``, ``unchanged``, ``conflict``
            or ``rejected``.
        version: the record's server version after the operation (``None`` if
            nothing was stored).
        server_version: on a conflict, the version the server holds.
        server_data: on a conflict, the data the server holds (``None`` for a tombstone).
        error: on a rejection, why.
    """

    index: int
    kind: str
    id: str
    status: StatusName = attrs.field(validator=_one_of(RESULT_STATUSES))
    version: int | None = None
    server_version: int | None = None
    server_data: dict[str, Any] | None = None
    error: ErrorInfo | None = None


@attrs.frozen
class BatchResponse:
    """The body of a 200 answer to ``POST /v1/batches``."""

    batch_id: str
    results: tuple[OperationResult, ...]


@attrs.frozen
class PushResult:
    """What :meth:`SyncClient.push` returns: the batch answer and whether it was a replay.

    Attributes:
        batch_id: the server's id of the batch (the same on every replay).
        results: one result per operation, in order.
        replayed: ``True`` when the server answered from its idempotency store
            (the batch had already been applied by an earlier attempt).
    """

    batch_id: str
    results: tuple[OperationResult, ...]
    replayed: bool = False


@attrs.frozen
class Change:
    """One record change returned by a pull, in server commit order.

    Attributes:
        kind: the record kind.
        id: the record id.
        version: the server version of this state of the record.
        deleted: ``True`` for a tombstone.
        redirect_to: for a tombstone, the id of the record that replaced it.
        data: the record's canonical JSON (``None`` for a tombstone).
    """

    kind: str
    id: str
    version: int
    deleted: bool = False
    redirect_to: str | None = None
    data: dict[str, Any] | None = None


@attrs.frozen
class PullResponse:
    """The body of a 200 answer to ``GET /v1/records``."""

    records: tuple[Change, ...]
    cursor: str
    has_more: bool


@attrs.frozen
class PullPage:
    """One page of changes from :meth:`SyncClient.pull`.

    Attributes:
        changes: the changes, in server commit order.
        cursor: pass it back as ``since`` to continue after the last change.
        has_more: whether more changes are waiting.
    """

    changes: tuple[Change, ...]
    cursor: str
    has_more: bool


@attrs.frozen
class Endpoint:
    """One route of the protocol: the sandbox serves exactly these, the OpenAPI lists them."""

    name: str
    method: Literal["GET", "POST"]
    path: str
    signed: bool
    summary: str


ENDPOINTS: Final[tuple[Endpoint, ...]] = (
    Endpoint("health", "GET", "/v1/health", False, "Liveness check (unsigned)."),
    Endpoint("pull", "GET", "/v1/records", True, "Changes since a cursor, in commit order."),
    Endpoint("push", "POST", "/v1/batches", True, "Apply a batch of operations atomically."),
)
"""Every route of protocol 1.0."""


@attrs.frozen
class ErrorCode:
    """An error code of the protocol with its HTTP status and bilingual default message."""

    code: str
    status: int
    retryable: bool
    message_zh: str
    message_en: str


ERROR_CODES: Final[dict[str, ErrorCode]] = {
    entry.code: entry
    for entry in (
        ErrorCode("SQK-S400", 400, False, "请求格式错误", "bad request"),
        ErrorCode("SQK-S401", 401, False, "签名缺失或无效", "missing or invalid signature"),
        ErrorCode("SQK-S402", 401, False, "时间戳超出允许范围", "timestamp outside the window"),
        ErrorCode("SQK-S403", 401, False, "随机数已被使用(重放)", "nonce already used (replay)"),
        ErrorCode(
            "SQK-S404", 403, False, "应用密钥无权访问该行政区划", "key not allowed for division"
        ),
        ErrorCode("SQK-S409", 409, True, "相同幂等键的请求仍在处理", "idempotency key in flight"),
        ErrorCode("SQK-S413", 413, False, "请求体过大", "request body too large"),
        ErrorCode("SQK-S422", 422, False, "幂等键已用于不同的请求体", "idempotency key reused"),
        ErrorCode("SQK-S429", 429, True, "请求过于频繁", "rate limited"),
        ErrorCode("SQK-S500", 500, True, "服务器内部错误", "server fault"),
        ErrorCode("SQK-S503", 503, True, "服务暂不可用", "service unavailable"),
    )
}
"""The server's error codes (``SQK-S4xx``/``S5xx``) and their HTTP statuses."""

_T = TypeVar("_T")

_JSON_TYPES: Final[dict[type, tuple[type, ...]]] = {
    str: (str,),
    int: (int,),
    bool: (bool,),
    float: (int, float),
}


def _strict(expected: type) -> Callable[[Any, type], Any]:
    allowed = _JSON_TYPES[expected]

    def structure(value: Any, _: type) -> Any:
        # bool is an int in Python but not in JSON.
        if type(value) not in allowed or (expected is int and type(value) is bool):
            raise WireShapeError(f"expected {expected.__name__}, got {type(value).__name__}")
        return value

    return structure


def _object(value: Any, _: type) -> dict[str, Any]:
    if type(value) is not dict:
        raise WireShapeError(f"expected an object, got {type(value).__name__}")
    return value


def _tuple_of(converter: Converter) -> Callable[[Any, Any], tuple[Any, ...]]:
    def structure(value: Any, cls: Any) -> tuple[Any, ...]:
        if type(value) is not list:
            raise WireShapeError(f"expected an array, got {type(value).__name__}")
        item_type = cls.__args__[0]
        items, errors = [], []
        for index, item in enumerate(value):
            try:
                items.append(converter.structure(item, item_type))
            except Exception as error:
                note = IterableValidationNote(f"Structuring @ index {index}", index, item_type)
                error.__notes__ = [*getattr(error, "__notes__", []), note]
                errors.append(error)
        if errors:
            raise IterableValidationError(f"While structuring {cls!r}", errors, cls)
        return tuple(items)

    return structure


def _format(error: BaseException, cls: Any) -> str:
    if isinstance(error, WireShapeError):
        return str(error)
    return format_exception(error, cls)


def describe_error(error: BaseException) -> str:
    """One line naming every field a body failed to structure at (``$.operations[1].op: ...``)."""
    return "; ".join(transform_error(error, format_exception=_format))[:500]


def _make_converter(*, forbid_extra_keys: bool) -> Converter:
    converter = Converter()
    for python_type in _JSON_TYPES:
        converter.register_structure_hook(python_type, _strict(python_type))
    converter.register_structure_hook_func(
        lambda cls: getattr(cls, "__origin__", None) is dict, _object
    )
    converter.register_structure_hook_func(
        lambda cls: getattr(cls, "__origin__", None) is tuple, _tuple_of(converter)
    )
    for cls in (
        ErrorInfo,
        ErrorEnvelope,
        Operation,
        BatchRequest,
        OperationResult,
        BatchResponse,
        Change,
        PullResponse,
    ):
        converter.register_structure_hook(
            cls, make_dict_structure_fn(cls, converter, _cattrs_forbid_extra_keys=forbid_extra_keys)
        )
    return converter


wire_converter: Final = _make_converter(forbid_extra_keys=True)
"""Strict converter: the sandbox reads requests with it."""

lenient_converter: Final = _make_converter(forbid_extra_keys=False)
"""Tolerant reader: the client reads answers with it (unknown keys are ignored)."""


def dumps(value: Any) -> bytes:
    """Compact UTF-8 JSON of a wire object (attrs instance or plain JSON value)."""
    plain = wire_converter.unstructure(value) if attrs.has(type(value)) else value
    return json.dumps(plain, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
