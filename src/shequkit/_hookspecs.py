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

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import pluggy

if TYPE_CHECKING:
    # Only for annotations: formats import this module to mark their hooks.
    from shequkit.formats._base import Codec
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
    """A civil-affairs system shequkit can sync with (base URL, auth scheme, field mapping)."""

    @property
    def name(self) -> str:
        """Unique name of the endpoint."""
        ...


@runtime_checkable
class ReportWriter(Protocol):
    """Writes an evaluation report in one output format (XLSX, HTML, JSON...)."""

    @property
    def name(self) -> str:
        """Unique name of the writer."""
        ...

    @property
    def extensions(self) -> tuple[str, ...]:
        """File extensions this writer produces."""
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
