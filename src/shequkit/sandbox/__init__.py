"""A reference civil-affairs sync server (沙箱服务器) for tests, demos and integration work.

It implements the shequkit sync protocol 1.0 (``docs/sync-protocol.md``) over
Starlette + uvicorn with a SQLite store, signature checks, idempotency, per-key
division scopes and seeded fault injection. Needs the ``[sync]`` extra.
"""

from shequkit.sandbox._app import KeyGrant, SandboxApp, create_app
from shequkit.sandbox._faults import FAULT_KINDS, FaultPlan, RequestLogEntry, SandboxControl
from shequkit.sandbox._server import SandboxServer
from shequkit.sandbox._store import SandboxStore

__all__ = [
    "FAULT_KINDS",
    "FaultPlan",
    "KeyGrant",
    "RequestLogEntry",
    "SandboxApp",
    "SandboxControl",
    "SandboxServer",
    "SandboxStore",
    "create_app",
]
