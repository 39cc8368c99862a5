"""The toolkit: one plugin manager and everything its plugins provide.

Every :class:`Toolkit` owns its own pluggy plugin manager; nothing is
module-global, so two embedding programs in one process never see each
other's plugins. The top-level functions (:func:`shequkit.validate` ...) use
:func:`default_toolkit`, which loads the built-in formats and the installed
plugins found through the ``shequkit`` entry-point group.
"""

from __future__ import annotations

import functools
import importlib
import importlib.metadata
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import attrs
import pluggy

from shequkit import _hookspecs
from shequkit._exceptions import PluginError, UsageError
from shequkit._hookspecs import PROJECT_NAME, Endpoint, ReportWriter
from shequkit.formats._base import Codec, RawRecord, ReadOptions
from shequkit.formats._registry import codec_for, codec_named

if TYPE_CHECKING:
    from shequkit.standards._rules import RulePack

__all__ = ["DEFAULT_PLUGINS", "FormatInfo", "Toolkit", "default_toolkit"]

DEFAULT_PLUGINS: Final = (
    "shequkit.formats._plugin",
    "shequkit.formats._csv",
    "shequkit.formats._xlsx",
    "shequkit.formats._xml",
    "shequkit.standards._plugin",
    "shequkit.reports._plugin",
    "shequkit._endpoints",
)
"""Modules registered in every toolkit: shequkit's own behaviour, through the public hooks."""


@attrs.frozen
class FormatInfo:
    """What ``shequkit formats`` lists for one codec."""

    name: str
    plugin: str
    media_type: str
    extensions: tuple[str, ...]
    reads: bool
    writes: bool
    streams: bool


class Toolkit:
    """A set of loaded plugins and the formats, rule packs, endpoints and reports they provide.

    Args:
        plugins: exactly these plugin objects or modules (beside the built-in
            ones); entry points are then not loaded. ``None`` loads every
            installed plugin from the ``shequkit`` entry-point group.

    Raises:
        PluginError: ``SQK-P101`` when an installed plugin fails to load,
            ``SQK-P102`` when two plugins provide the same name, ``SQK-P103``
            when a plugin is registered twice, ``SQK-P104`` when two formats
            claim the same file extension.
    """

    def __init__(self, plugins: Iterable[object] | None = None) -> None:
        self.plugin_manager = pluggy.PluginManager(PROJECT_NAME)
        self.plugin_manager.add_hookspecs(_hookspecs)
        for module_name in DEFAULT_PLUGINS:
            self.plugin_manager.register(importlib.import_module(module_name), name=module_name)
        if plugins is None:
            self._load_entry_points()
        else:
            for plugin in plugins:
                self._register(plugin, None)
        self.plugin_manager.check_pending()
        provided = self._collect("shequkit_formats", lambda codec: codec.name)
        self._formats: tuple[tuple[str, Codec], ...] = provided
        self.codecs: tuple[Codec, ...] = tuple(codec for _, codec in provided)
        _refuse_shared_extensions(provided)
        self.rule_packs: tuple[RulePack, ...] = tuple(
            pack for _, pack in self._collect("shequkit_standards", lambda pack: str(pack.name))
        )
        self.endpoints: tuple[Endpoint, ...] = tuple(
            end for _, end in self._collect("shequkit_endpoints", lambda end: str(end.name))
        )
        self.report_writers: tuple[ReportWriter, ...] = tuple(
            writer for _, writer in self._collect("shequkit_reports", lambda w: str(w.name))
        )

    def _load_entry_points(self) -> None:
        for entry_point in importlib.metadata.entry_points(group=PROJECT_NAME):
            if self.plugin_manager.get_plugin(entry_point.name) is not None:
                continue
            try:
                plugin = entry_point.load()
            except Exception as error:
                raise PluginError(
                    f"插件 {entry_point.name} 加载失败:{type(error).__name__}: {error}",
                    f"plugin {entry_point.name} failed to load: {type(error).__name__}: {error}",
                    code="SQK-P101",
                    plugin=entry_point.name,
                ) from error
            self._register(plugin, entry_point.name)

    def _register(self, plugin: object, name: str | None) -> None:
        try:
            self.plugin_manager.register(plugin, name=name)
        except ValueError as error:  # pluggy: registered twice, or under two names
            label = name or repr(plugin)
            raise PluginError(
                f"插件 {label} 重复注册",
                f"plugin {label} is registered twice: {error}",
                code="SQK-P103",
            ) from None

    def _collect(self, hook_name: str, key: Callable[[Any], str]) -> tuple[tuple[str, Any], ...]:
        # Call each implementation ourselves to know which plugin provided what.
        caller = getattr(self.plugin_manager.hook, hook_name)
        seen: dict[str, str] = {}
        collected: list[tuple[str, Any]] = []
        for implementation in caller.get_hookimpls():  # registration order: built-ins first
            for item in implementation.function() or ():
                name = key(item)
                if name in seen:
                    raise PluginError(
                        f"插件 {implementation.plugin_name} 与 {seen[name]} 都提供了“{name}”",
                        f"plugins {implementation.plugin_name} and {seen[name]} both provide"
                        f" {name!r}",
                        code="SQK-P102",
                        name=name,
                    )
                seen[name] = implementation.plugin_name
                collected.append((implementation.plugin_name, item))
        return tuple(collected)

    @property
    def plugin_names(self) -> list[str]:
        """Names of the registered plugins, built-in ones included."""
        return [name for name, _ in self.plugin_manager.list_name_plugin()]

    def formats(self) -> list[FormatInfo]:
        """Every format with its plugin, media type and what it can do."""
        return [
            FormatInfo(
                name=codec.name,
                plugin=plugin,
                media_type=codec.media_type,
                extensions=codec.extensions,
                reads=codec.can_read,
                writes=codec.can_write,
                streams=codec.streams,
            )
            for plugin, codec in self._formats
        ]

    def codec_named(self, name: str) -> Codec:
        """The codec called ``name``; ``UnknownFormatError`` (``SQK-F105``) if none."""
        return codec_named(name, self.codecs)

    def codec_for(self, path: str | Path, format: str | None = None) -> Codec:
        """The codec for ``path`` (by ``format`` or extension); ``UnknownFormatError`` if none."""
        return codec_for(Path(path), format, self.codecs)

    def read(
        self, path: str | Path, *, format: str | None = None, options: ReadOptions | None = None
    ) -> Iterator[RawRecord]:
        """Yield the raw records of the file at ``path`` with the codec for its format."""
        path = Path(path)
        return self.codec_for(path, format).read(path, options or ReadOptions())

    def rule_pack(self, name: str) -> RulePack | None:
        """The rule pack called ``name``, or ``None``."""
        return next((pack for pack in self.rule_packs if pack.name == name), None)

    def report_writer_for(self, path: str | Path) -> ReportWriter:
        """The first report writer whose extensions include ``path``'s (built-ins first).

        Raises:
            UsageError: ``SQK-U121`` when no writer produces that extension.
        """
        suffix = Path(path).suffix.lower()
        for writer in self.report_writers:
            if suffix in (extension.lower() for extension in writer.extensions):
                return writer
        known = ", ".join(sorted({e for w in self.report_writers for e in w.extensions}))
        raise UsageError(
            f"没有能写出“{suffix or Path(path).name}”报告的写出器;可用扩展名:{known}",
            f"no report writer writes {suffix or Path(path).name!r} files; use one of: {known}",
            code="SQK-U121",
            path=str(path),
        )


def _refuse_shared_extensions(provided: tuple[tuple[str, Codec], ...]) -> None:
    # Which codec reads "x.json" must never depend on plugin load order.
    owners: dict[str, tuple[str, str]] = {}
    for plugin, codec in provided:
        for extension in codec.extensions:
            first = owners.setdefault(extension.lower(), (plugin, codec.name))
            if first != (plugin, codec.name):
                raise PluginError(
                    f"格式 {codec.name}({plugin})与 {first[1]}({first[0]})都声明了扩展名"
                    f" {extension}",
                    f"formats {codec.name} ({plugin}) and {first[1]} ({first[0]}) both claim the"
                    f" extension {extension}",
                    code="SQK-P104",
                    extension=extension,
                )


@functools.cache
def default_toolkit() -> Toolkit:
    """The toolkit the top-level functions use: built-ins plus installed plugins (made once)."""
    return Toolkit()
