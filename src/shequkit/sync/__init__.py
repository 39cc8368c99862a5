"""Sync with provincial civil-affairs systems (民政系统数据同步): protocol, signing, client.

The wire protocol is documented in ``docs/sync-protocol.md`` and described by
``schemas/shequkit-sync-1.0.openapi.json``; :mod:`shequkit.sandbox` implements
the server side for tests and demos.
"""

from shequkit.sync._client import AsyncSyncClient, RetryPolicy, SyncClient
from shequkit.sync._config import EndpointSpec
from shequkit.sync._conflicts import ConflictPolicy
from shequkit.sync._engine import PullReport, PushReport, plan, pull, push, status
from shequkit.sync._errors import (
    AuthenticationError,
    BadRequestError,
    CredentialsError,
    IdempotencyInFlightError,
    IdempotencyMismatchError,
    PayloadTooLargeError,
    RateLimitedError,
    ScopeError,
    ServerError,
    SyncConnectionError,
    SyncError,
    SyncProtocolError,
)
from shequkit.sync._plan import Plan, PlannedOperation, load_redirects
from shequkit.sync._protocol import (
    Change,
    ErrorInfo,
    Operation,
    OperationResult,
    PullPage,
    PushResult,
)
from shequkit.sync._signing import Credentials
from shequkit.sync._state import StateSummary, SyncState

__all__ = [
    "AsyncSyncClient",
    "AuthenticationError",
    "BadRequestError",
    "Change",
    "ConflictPolicy",
    "Credentials",
    "CredentialsError",
    "EndpointSpec",
    "ErrorInfo",
    "IdempotencyInFlightError",
    "IdempotencyMismatchError",
    "Operation",
    "OperationResult",
    "PayloadTooLargeError",
    "Plan",
    "PlannedOperation",
    "PullPage",
    "PullReport",
    "PushReport",
    "PushResult",
    "RateLimitedError",
    "RetryPolicy",
    "ScopeError",
    "ServerError",
    "StateSummary",
    "SyncClient",
    "SyncConnectionError",
    "SyncError",
    "SyncProtocolError",
    "SyncState",
    "load_redirects",
    "plan",
    "pull",
    "push",
    "status",
]
