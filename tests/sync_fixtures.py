"""pytest fixtures for the sync protocol: a real sandbox server on localhost.

Registered in ``tests/conftest.py`` through ``pytest_plugins``. The ``sandbox``
fixture serves a fresh SQLite database on a free port with two app keys:
``js`` (Jiangsu, divisions ``("32",)``) and ``sd`` (Shandong, ``("37",)``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Final

import pytest

from shequkit._convert import json_converter
from shequkit.sample import SampleSpec, iter_sample
from shequkit.sandbox import FaultPlan, KeyGrant, SandboxServer
from shequkit.sync import Credentials, Operation, RetryPolicy

JS_KEY: Final = "js"
JS_SECRET: Final = b"js-sandbox-secret-not-for-production"
JS_SM4_KEY: Final = bytes.fromhex("0123456789abcdeffedcba9876543210")
SD_KEY: Final = "sd"
SD_SECRET: Final = b"sd-sandbox-secret-not-for-production"
SD_SM4_KEY: Final = bytes.fromhex("fedcba98765432100123456789abcdef")

SANDBOX_KEYS: Final = {
    JS_KEY: KeyGrant(JS_SECRET, ("32",), sm4_key=JS_SM4_KEY),
    SD_KEY: KeyGrant(SD_SECRET, ("37",), sm4_key=SD_SM4_KEY),
}
"""The app keys of the ``sandbox`` fixture."""

FAST_RETRY: Final = RetryPolicy(
    attempts=10, timeout=60.0, wait_initial=0.01, wait_max=0.2, wait_jitter=0.01
)
"""A retry policy with short waits, for tests that provoke faults."""


def js_credentials_for(method: str = "HMAC-SHA256", *, encrypted: bool = False) -> Credentials:
    """Credentials of the Jiangsu key ``js``."""
    return Credentials(JS_KEY, JS_SECRET, method, JS_SM4_KEY if encrypted else None)


def sd_credentials_for(method: str = "HMAC-SHA256", *, encrypted: bool = False) -> Credentials:
    """Credentials of the Shandong key ``sd``."""
    return Credentials(SD_KEY, SD_SECRET, method, SD_SM4_KEY if encrypted else None)


def sample_operations(
    communities: int = 2,
    *,
    province: str = "32",
    seed: int = 1,
    limit: int | None = None,
    id_prefix: str | None = None,
) -> list[Operation]:
    """Create-upserts (``base_version`` null) for the records of a sample, parents first.

    Sample ids restart at ``c000001`` in every province; ids (and references to
    them) get ``id_prefix`` in front, by default ``"37-"`` for province 37 and
    nothing for Jiangsu, so two provinces can share one server.
    """
    prefix = ("" if province == "32" else f"{province}-") if id_prefix is None else id_prefix
    operations = []
    for kind, record in iter_sample(
        SampleSpec(communities=communities, seed=seed, province=province)
    ):
        data = json_converter.unstructure(record)
        for name, value in data.items():
            if (name == "id" or name.endswith("_id")) and isinstance(value, str):
                data[name] = prefix + value
        operations.append(Operation("upsert", kind.name, str(data[kind.key_field]), None, data))
        if limit is not None and len(operations) >= limit:
            break
    return operations


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[SandboxServer]:
    """A running sandbox with keys ``js`` (divisions 32) and ``sd`` (divisions 37)."""
    with SandboxServer(tmp_path / "sandbox.db", SANDBOX_KEYS) as server:
        yield server


@pytest.fixture
def sandbox_factory(tmp_path: Path) -> Iterator[Callable[..., SandboxServer]]:
    """Start extra sandboxes (own database, optional faults); all stop at teardown."""
    servers: list[SandboxServer] = []

    def start(*, faults: FaultPlan | None = None, **options: Any) -> SandboxServer:
        path = tmp_path / f"sandbox-{len(servers)}.db"
        server = SandboxServer(path, options.pop("keys", SANDBOX_KEYS), faults=faults, **options)
        servers.append(server)
        server.start()
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def js_credentials() -> Credentials:
    """Credentials of the Jiangsu key ``js`` (HMAC-SHA256, no encryption)."""
    return js_credentials_for()


@pytest.fixture
def sd_credentials() -> Credentials:
    """Credentials of the Shandong key ``sd`` (HMAC-SHA256, no encryption)."""
    return sd_credentials_for()
