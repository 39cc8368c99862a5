"""Hook specifications: what a shequkit plugin can provide.

A plugin is any object or module with functions named after these hooks and
marked with :data:`hookimpl`. Built-in formats are registered through these
same hooks (see ``shequkit.formats._plugin``), which keeps the hooks honest:
everything shequkit ships could have come from a plugin.

External plugins are separate distributions that declare an entry point in
the ``shequkit`` group::

    [project.entry-points.shequkit]
    jiangsu = "shequkit_jiangsu"

Each hook is called with no arguments and returns a sequence; the toolkit
concatenates the answers of all plugins in registration order.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import pluggy

if TYPE_CHECKING:
    # Only for annotations: formats import this module to mark their hooks.
    from shequkit.formats._base import Codec
    from shequkit.standards._evaluate import Evaluation
    from shequkit.standards._rules import RulePack

__all__ = [
    "PROJECT_NAME",
    "Endpoint",
    "ReportWriter",
    "hookimpl",
    "hookspec",
    "shequkit_endpoints",
    "shequkit_formats",
    "shequkit_reports",
    "shequkit_standards",
]

PROJECT_NAME = "shequkit"
"""The pluggy project name and the entry-point group plugins register under."""

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)
"""Marker for hook implementations: decorate ``shequkit_formats`` etc. in a plugin."""


@runtime_checkable
class Endpoint(Protocol):
    """A civil-affairs system shequkit can sync with (base URL, auth scheme, field mapping).

    ``shequkit sync push --endpoint NAME`` picks one by name; the built-in
    ``sandbox`` endpoint comes through the hook too (``shequkit._endpoints``).
    A TOML config file (``--config``) may override any attribute but the name.
    Credentials are never part of an endpoint.
    """

    @property
    def name(self) -> str:
        """Unique name of the endpoint."""
        ...

    @property
    def base_url(self) -> str:
        """The API root, the part before ``/v1`` (``https://sync.example.gov.cn``)."""
        ...

    @property
    def auth_method(self) -> str:
        """Signature method the system expects: ``HMAC-SHA256`` or ``HMAC-SM3``."""
        ...

    @property
    def encryption(self) -> str | None:
        """``"SM4-GCM"`` when payloads must be encrypted, else ``None``."""
        ...

    @property
    def field_mapping(self) -> Mapping[str, Mapping[str, str]]:
        """Field renames per kind, ``{kind: {shequkit field: system field}}``; may be empty."""
        ...


@runtime_checkable
class ReportWriter(Protocol):
    """Writes an evaluation report in one output format (XLSX, HTML, JSON...).

    ``shequkit report FILE --rules PACK -o OUT`` evaluates once and hands the
    :class:`~shequkit.standards.Evaluation` to the writer whose ``extensions``
    include OUT's extension (the built-in writers come first). A writer must
    write atomically (``shequkit._atomic.atomic_write``), never include personal
    data, and raise :class:`~shequkit.ShequkitError` subclasses only.
    """

    @property
    def name(self) -> str:
        """Unique name of the writer."""
        ...

    @property
    def extensions(self) -> tuple[str, ...]:
        """File extensions this writer produces, lower case with the dot (``".xlsx"``)."""
        ...

    def write(
        self,
        evaluation: Evaluation,
        path: Path,
        *,
        progress: Callable[[int], None] | None = None,
    ) -> None:
        """Write the report of ``evaluation`` to ``path``, atomically.

        ``progress``, when given, is called now and then with the number of
        communities written so far.
        """
        ...


@hookspec
def shequkit_formats() -> Sequence[Codec]:  # type: ignore[empty-body]
    """Return the file formats (codecs) this plugin provides.

    Called once when a :class:`~shequkit.Toolkit` is created. Each codec has a
    unique ``name``, a ``media_type``, the file ``extensions`` it owns, whether
    it ``streams``, and ``read``/``write`` methods (see
    :class:`shequkit.formats.Codec`). A codec that only writes (an export) may
    raise :class:`~shequkit.UsageError` from ``read``; set ``can_read = False``
    so listings say so. Two codecs with the same name are an error.
    """


@hookspec
def shequkit_standards() -> Sequence[RulePack]:  # type: ignore[empty-body]
    """Return the rule packs (standards) this plugin provides.

    Each is a :class:`shequkit.standards.RulePack`: named, versioned rules for
    one community and share targets for divisions, each citing its source.
    Called once when a toolkit is created; rule packs are then looked up by
    name (``--rules jiangsu-2008``). Provincial plugins ship their packs here;
    the national pack comes through this same hook.
    """


@hookspec
def shequkit_endpoints() -> Sequence[Endpoint]:  # type: ignore[empty-body]
    """Return the sync endpoints (civil-affairs systems) this plugin describes.

    Called once when a toolkit is created; the sync engine selects an endpoint
    by name. Credentials never come from here: only from the environment or a
    credentials file.
    """


@hookspec
def shequkit_reports() -> Sequence[ReportWriter]:  # type: ignore[empty-body]
    """Return the report writers this plugin provides (one per output format).

    Called once when a toolkit is created; ``shequkit report -o FILE`` picks
    the writer by the output file's extension.
    """
