"""The built-in sync endpoints, provided through the ``shequkit_endpoints`` hook.

Kept outside :mod:`shequkit.sync` on purpose: every :class:`~shequkit.Toolkit`
registers this module, and importing the sync package would load the HTTP
client (httpx, stamina) into every program that only validates files.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

import attrs

from shequkit._hookspecs import Endpoint, hookimpl

__all__ = ["SANDBOX_ENDPOINT", "SANDBOX_PORT", "EndpointSpec", "shequkit_endpoints"]

SANDBOX_PORT: Final = 8765
"""Port ``shequkit sandbox`` listens on by default; the built-in endpoint points there."""


@attrs.frozen
class EndpointSpec:
    """A civil-affairs system to sync with; implements the ``Endpoint`` protocol of the hook.

    Attributes:
        name: unique name, chosen with ``--endpoint NAME``.
        base_url: the API root (the part before ``/v1``).
        auth_method: ``HMAC-SHA256`` or ``HMAC-SM3``.
        encryption: ``"SM4-GCM"`` when payloads are encrypted, else ``None``.
        field_mapping: field renames per kind for systems whose names differ from
            shequkit's, ``{kind: {shequkit field: system field}}``.
        description: one line for listings.
    """

    name: str
    base_url: str
    auth_method: str = "HMAC-SHA256"
    encryption: str | None = None
    field_mapping: Mapping[str, Mapping[str, str]] = attrs.field(factory=dict)
    description: str = ""


SANDBOX_ENDPOINT: Final = EndpointSpec(
    name="sandbox",
    base_url=f"http://127.0.0.1:{SANDBOX_PORT}",
    description="shequkit sandbox on this machine (shequkit sandbox)",
)
"""The built-in endpoint: the reference sandbox server on localhost."""


@hookimpl
def shequkit_endpoints() -> list[Endpoint]:
    """The built-in endpoints (the sandbox), provided through the public hook."""
    return [SANDBOX_ENDPOINT]
