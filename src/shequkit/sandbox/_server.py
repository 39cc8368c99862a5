"""Run the sandbox in a background thread (uvicorn on 127.0.0.1, a free port)."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Callable, Mapping
from types import TracebackType
from typing import Any

from shequkit.sandbox._app import DEFAULT_MAX_BODY_BYTES, KeyGrant, SandboxApp, create_app
from shequkit.sandbox._faults import FaultPlan, RequestLogEntry, SandboxControl
from shequkit.sandbox._store import SandboxStore

__all__ = ["SandboxServer"]


class SandboxServer:
    """The sandbox served by uvicorn in a background thread, for tests and demos.

    Args:
        db_path: the SQLite file of the sandbox.
        keys: app key id → :class:`KeyGrant`.
        faults: faults to inject (none by default).
        port: the port on 127.0.0.1; 0 picks a free one.
        clock: seconds since the epoch (for timestamp windows and expiries).
        max_body_bytes: the request size limit.

    ``url`` is set once :meth:`start` returns. Use it as a context manager::

        with SandboxServer(tmp_path / "sandbox.db", {"js": KeyGrant(b"s", ("32",))}) as server:
            client = SyncClient(server.url, Credentials("js", b"s"))
    """

    def __init__(
        self,
        db_path: str | os.PathLike[str],
        keys: Mapping[str, KeyGrant],
        *,
        faults: FaultPlan | None = None,
        port: int = 0,
        clock: Callable[[], float] = time.time,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    ) -> None:
        app = create_app(db_path, keys, faults=faults, clock=clock, max_body_bytes=max_body_bytes)
        assert isinstance(app, SandboxApp)
        self.app = app
        self.host = "127.0.0.1"
        self.port = port
        self.url = ""
        self._server: Any = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None

    @property
    def store(self) -> SandboxStore:
        """The sandbox's store (inspect what was applied)."""
        return self.app.store

    @property
    def control(self) -> SandboxControl:
        """Test hooks: queue faults, hold batches, read the request log."""
        return self.app.control

    @property
    def requests(self) -> list[RequestLogEntry]:
        """The request log (a copy)."""
        return self.app.control.requests

    def inject(self, *kinds: str) -> None:
        """Queue faults for the next signed requests (see :class:`FaultPlan`)."""
        self.app.control.inject(*kinds)

    def start(self) -> None:
        """Start serving; returns once the server accepts connections."""
        import uvicorn

        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self.port))
        self._socket = sock
        self.port = sock.getsockname()[1]
        self.url = f"http://{self.host}:{self.port}"
        config = uvicorn.Config(
            self.app,
            log_level="warning",
            access_log=False,
            http="h11",
            loop="asyncio",
            ws="none",
            lifespan="on",
            timeout_graceful_shutdown=5,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run,
            kwargs={"sockets": [sock]},
            name="shequkit-sandbox",
            daemon=True,
        )
        self._thread.start()
        deadline = time.monotonic() + 15
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the sandbox server did not start")
            time.sleep(0.01)

    def stop(self) -> None:
        """Stop serving and close the store (idempotent)."""
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=15)
            self._thread = None
        self._server = None
        if self._socket is not None:
            self._socket.close()
            self._socket = None
        self.app.store.close()

    def __enter__(self) -> SandboxServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
