"""Fault injection (故障注入) for the sandbox: seeded, scriptable, and logged.

Each signed request draws from a seeded RNG: with probability ``rate`` it
gets one of ``kinds``. Faults queued with :meth:`FaultInjector.inject` (or
``FaultPlan.script``) come first, in order, for deterministic tests. Kinds:

- ``latency``: wait ``latency_ms``, then answer normally;
- ``429``: answer 429 ``SQK-S429`` with ``Retry-After: retry_after_s``;
- ``500`` / ``503``: answer ``SQK-S500`` / ``SQK-S503`` (retryable, nothing done);
- ``drop``: close the connection before doing anything (no response at all);
- ``drop-after-commit``: do the work (a batch is committed), then close the
  connection instead of answering: the client cannot tell it from ``drop``,
  and only the Idempotency-Key keeps its retry from applying the batch twice;
- ``hold`` (script only): a batch waits after claiming its Idempotency-Key
  until :meth:`SandboxControl.release` (to observe 409 in-flight answers).

Every request is logged with its times, fault and status (:class:`RequestLogEntry`).
"""

from __future__ import annotations

import asyncio
import random
import threading
import time
from collections import deque
from collections.abc import Iterable
from typing import Any, Final

import attrs

__all__ = [
    "FAULT_KINDS",
    "FaultInjector",
    "FaultPlan",
    "RequestLogEntry",
    "SandboxControl",
    "drop_connection",
]

FAULT_KINDS: Final = ("latency", "429", "500", "503", "drop", "drop-after-commit", "hold")
RANDOM_FAULT_KINDS: Final = FAULT_KINDS[:-1]
REQUEST_LOG_SIZE: Final = 100_000


def _check_kinds(_: Any, attribute: attrs.Attribute[Any], value: tuple[str, ...]) -> None:
    allowed = RANDOM_FAULT_KINDS if attribute.name == "kinds" else FAULT_KINDS
    unknown = [kind for kind in value if kind not in allowed]
    if unknown:
        raise ValueError(f"unknown fault kinds {unknown}; use {', '.join(allowed)}")


def _check_rate(_: Any, __: attrs.Attribute[float], value: float) -> None:
    if not 0.0 <= value <= 1.0:
        raise ValueError("fault rate must be between 0 and 1")


@attrs.frozen
class FaultPlan:
    """Which faults the sandbox injects, and how often.

    Attributes:
        rate: probability (0–1) that a signed request gets a fault.
        seed: seed of the RNG: the same plan and request order give the same faults.
        kinds: the faults drawn from (``latency``, ``429``, ``500``, ``503``,
            ``drop``, ``drop-after-commit``).
        latency_ms: the delay of a ``latency`` fault.
        retry_after_s: the ``Retry-After`` of a ``429`` (seconds; may be fractional).
        script: faults for the first signed requests, in order, before the RNG.
    """

    rate: float = attrs.field(default=0.0, validator=_check_rate)
    seed: int = 0
    kinds: tuple[str, ...] = attrs.field(
        default=("latency", "429", "503", "drop"), validator=_check_kinds
    )
    latency_ms: int = 200
    retry_after_s: float = 1
    script: tuple[str, ...] = attrs.field(default=(), validator=_check_kinds)


@attrs.define
class RequestLogEntry:
    """One request as the sandbox saw it (times from :func:`time.monotonic`).

    Attributes:
        started: when the request arrived.
        method: HTTP method.
        path: URL path.
        idempotency_key: its Idempotency-Key header, if any.
        fault: the injected fault, if any.
        status: the status answered (``None`` when the connection was dropped).
        answered: when the answer (or the drop) happened.
    """

    started: float
    method: str
    path: str
    idempotency_key: str | None
    fault: str | None
    status: int | None = None
    answered: float | None = None


class FaultInjector:
    """Decides the fault of each signed request (thread-safe)."""

    def __init__(self, plan: FaultPlan | None) -> None:
        self.plan = plan or FaultPlan()
        self._random = random.Random(self.plan.seed)
        self._queue: deque[str] = deque(self.plan.script)
        self._lock = threading.Lock()

    def inject(self, kinds: Iterable[str]) -> None:
        """Queue faults for the next signed requests, in order."""
        kinds = tuple(kinds)
        _check_kinds(None, attrs.fields(FaultPlan).script, kinds)
        with self._lock:
            self._queue.extend(kinds)

    def next(self) -> str | None:
        """The fault for the request arriving now (``None``: none)."""
        with self._lock:
            if self._queue:
                return self._queue.popleft()
            plan = self.plan
            if plan.rate > 0 and plan.kinds and self._random.random() < plan.rate:
                return self._random.choice(plan.kinds)
        return None


class SandboxControl:
    """Test hooks of a running sandbox: queue faults, read the request log, hold batches."""

    def __init__(self, plan: FaultPlan | None) -> None:
        self.faults = FaultInjector(plan)
        # Bounded, so a long-running `shequkit sandbox` does not grow without end.
        self._log: deque[RequestLogEntry] = deque(maxlen=REQUEST_LOG_SIZE)
        self._log_lock = threading.Lock()
        self.held = threading.Event()
        self._release = threading.Event()

    def inject(self, *kinds: str) -> None:
        """Queue faults for the next signed requests (``"429"``, ``"drop-after-commit"``...)."""
        self.faults.inject(kinds)

    def log(self, entry: RequestLogEntry) -> None:
        """Append one request to the log."""
        with self._log_lock:
            self._log.append(entry)

    @property
    def requests(self) -> list[RequestLogEntry]:
        """A copy of the request log (the latest 100,000 requests), in arrival order."""
        with self._log_lock:
            return list(self._log)

    def release(self) -> None:
        """Let held batches go on."""
        self._release.set()

    async def hold(self, timeout: float = 30.0) -> None:
        """Wait (without blocking the event loop) until :meth:`release` or ``timeout``."""
        self.held.set()
        deadline = time.monotonic() + timeout
        while not self._release.is_set() and time.monotonic() < deadline:
            await asyncio.sleep(0.005)
        self._release.clear()
        self.held.clear()


async def drop_connection(send: Any) -> bool:
    """Close the client's connection without an answer; ``False`` if the server offers no way.

    Under uvicorn the ASGI ``send`` is a method of the request cycle, which owns
    the transport; closing it sends a FIN with no response bytes.
    """
    cycle = getattr(send, "__self__", None)
    transport = getattr(cycle, "transport", None)
    if transport is None:
        return False
    transport.close()
    # Let uvicorn see the connection lost, so it does not try to answer on it.
    for _ in range(200):
        if getattr(cycle, "disconnected", True):
            break
        await asyncio.sleep(0.001)
    return True
