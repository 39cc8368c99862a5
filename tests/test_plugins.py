"""Plugins: hooks, per-toolkit plugin managers, built-ins through the same hooks."""

from __future__ import annotations

import inspect
import json
import types
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, ClassVar

import pytest
from click.testing import CliRunner

import shequkit
from documents import valid_document
from shequkit import _hookspecs
from shequkit.cli import cli
from shequkit.formats import Codec, RawRecord, ReadOptions
from shequkit.model import Metadata, Record

HOOKS = sorted(name for name in vars(_hookspecs) if name.startswith("shequkit_"))


class UpperJsonlCodec:
    """A toy format: JSONL with a different extension, to prove external codecs plug in."""

    name: ClassVar[str] = "toy"
    media_type: ClassVar[str] = "application/x-toy"
    extensions: ClassVar[tuple[str, ...]] = (".toy",)
    streams: ClassVar[bool] = True
    can_read: ClassVar[bool] = True
    can_write: ClassVar[bool] = True

    def read(self, path: Path, options: ReadOptions) -> Iterator[RawRecord]:
        return shequkit.Toolkit(plugins=[]).codec_named("jsonl").read(path, options)

    def write(self, path: Path, meta: Metadata, records: Iterable[Record]) -> int:
        return shequkit.Toolkit(plugins=[]).codec_named("jsonl").write(path, meta, records)


def _plugin(**hooks: Any) -> types.SimpleNamespace:
    return types.SimpleNamespace(
        **{name: shequkit.hookimpl(function) for name, function in hooks.items()}
    )


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_is_documented_and_typed(hook: str) -> None:
    function = getattr(_hookspecs, hook)
    assert len(inspect.getdoc(function) or "") > 80
    assert inspect.signature(function).return_annotation != inspect.Signature.empty


def test_every_hook_is_exercised_by_a_test() -> None:
    source = Path(__file__).read_text(encoding="utf-8")
    exercised = {hook for hook in HOOKS if f"{hook}=" in source}
    assert exercised == set(HOOKS)


def test_built_in_formats_come_through_the_formats_hook() -> None:
    toolkit = shequkit.Toolkit(plugins=[])

    formats = {info.name: info for info in toolkit.formats()}

    assert {"json", "jsonl"} <= formats.keys()
    assert formats["jsonl"].plugin == "shequkit.formats._plugin"
    assert formats["jsonl"].streams
    assert not formats["json"].streams


def test_a_plugin_format_is_used_by_convert_and_validate(tmp_path: Path) -> None:
    def toy_formats() -> Sequence[Codec]:
        return [UpperJsonlCodec()]

    toolkit = shequkit.Toolkit(plugins=[_plugin(shequkit_formats=toy_formats)])
    source = tmp_path / "in.json"
    source.write_text(json.dumps(valid_document(), ensure_ascii=False), encoding="utf-8")

    shequkit.convert(source, tmp_path / "out.toy", toolkit=toolkit)

    assert shequkit.validate(tmp_path / "out.toy", toolkit=toolkit).valid
    with pytest.raises(shequkit.UnknownFormatError):
        shequkit.validate(tmp_path / "out.toy", toolkit=shequkit.Toolkit(plugins=[]))


def test_two_toolkits_do_not_see_each_others_plugins() -> None:
    def toy_formats() -> Sequence[Codec]:
        return [UpperJsonlCodec()]

    with_toy = shequkit.Toolkit(plugins=[_plugin(shequkit_formats=toy_formats)])
    without = shequkit.Toolkit(plugins=[])

    assert "toy" in {codec.name for codec in with_toy.codecs}
    assert "toy" not in {codec.name for codec in without.codecs}
    assert with_toy.plugin_manager is not without.plugin_manager


def test_two_plugins_providing_the_same_format_name_is_an_error() -> None:
    first = _plugin(shequkit_formats=lambda: [UpperJsonlCodec()])
    second = _plugin(shequkit_formats=lambda: [UpperJsonlCodec()])

    with pytest.raises(shequkit.PluginError) as duplicate_name:
        shequkit.Toolkit(plugins=[first, second])
    with pytest.raises(shequkit.PluginError) as registered_twice:
        shequkit.Toolkit(plugins=[first, first])

    assert duplicate_name.value.code == "SQK-P102"
    assert registered_twice.value.code == "SQK-P103"


def test_standards_endpoints_and_reports_hooks_are_collected() -> None:
    pack = types.SimpleNamespace(name="toy-pack", version="1", title_zh="玩具", title_en="toy")
    endpoint = types.SimpleNamespace(name="toy-endpoint", description="a toy")
    writer = types.SimpleNamespace(name="toy-report", extensions=(".toy",), write=print)

    toolkit = shequkit.Toolkit(
        plugins=[
            _plugin(
                shequkit_standards=lambda: [pack],
                shequkit_endpoints=lambda: [endpoint],
                shequkit_reports=lambda: [writer],
            )
        ]
    )

    assert toolkit.rule_pack("toy-pack") is pack
    assert toolkit.rule_pack("missing") is None
    assert toolkit.endpoints[-1:] == (endpoint,)  # after the built-in sandbox endpoint
    assert toolkit.report_writers[-1:] == (writer,)  # after the built-in xlsx/html/json


def test_formats_command_lists_every_format_with_plugin_and_abilities() -> None:
    result = CliRunner().invoke(cli, ["formats", "--json"])

    assert result.exit_code == 0
    listed = {row["name"]: row for row in json.loads(result.output)}
    assert listed["jsonl"] == {
        "name": "jsonl",
        "plugin": "shequkit.formats._plugin",
        "media_type": "application/jsonl",
        "extensions": [".jsonl", ".ndjson"],
        "reads": True,
        "writes": True,
        "streams": True,
    }
