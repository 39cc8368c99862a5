"""The authoring-guide example plugin: installed by `make test`, loaded by entry point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import shequkit
from documents import valid_document


def test_example_plugin_is_found_through_its_entry_point() -> None:
    infos = {info.name: info for info in shequkit.Toolkit().formats()}

    assert infos["community-list"].plugin == "example"
    assert infos["community-list"].writes
    assert not infos["community-list"].reads


def test_example_plugin_is_not_loaded_when_the_program_chooses_its_plugins() -> None:
    chosen = shequkit.Toolkit(plugins=[])

    assert "community-list" not in {codec.name for codec in chosen.codecs}


def test_example_plugin_writes_one_line_per_community(tmp_path: Path) -> None:
    source = tmp_path / "in.json"
    source.write_text(json.dumps(valid_document(), ensure_ascii=False), encoding="utf-8")

    shequkit.convert(source, tmp_path / "list.names", toolkit=shequkit.Toolkit())

    lines = (tmp_path / "list.names").read_text(encoding="utf-8").splitlines()
    assert lines == ["# 玄武区民政局 2024", "320102001001 龙潭社区"]
    with pytest.raises(shequkit.UsageError):
        shequkit.validate(tmp_path / "list.names", toolkit=shequkit.Toolkit())
