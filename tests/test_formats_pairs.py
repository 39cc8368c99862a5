"""`convert` works between every pair of built-in formats without changing the data."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

import shequkit
from documents import valid_document
from shequkit import _toolkit

_SUFFIX = {"json": ".json", "jsonl": ".jsonl", "csv": ".zip", "xlsx": ".xlsx", "xml": ".xml"}
BUILT_IN = [
    codec.name
    for codec in shequkit.Toolkit(plugins=[]).codecs
    if codec.name in _SUFFIX and codec.can_read and codec.can_write
]


def test_every_built_in_format_takes_part() -> None:
    registered = {module.rsplit(".", 1)[-1].lstrip("_") for module in _toolkit.DEFAULT_PLUGINS}
    assert set(BUILT_IN) >= {"json", "jsonl", "csv", "xlsx"}
    assert {"csv", "xlsx"} <= registered


@pytest.mark.parametrize(("first", "second"), list(itertools.permutations(BUILT_IN, 2)))
def test_convert_between_every_pair_keeps_the_data(tmp_path: Path, first: str, second: str) -> None:
    toolkit = shequkit.Toolkit(plugins=[])
    source = tmp_path / "source.json"
    source.write_text(json.dumps(valid_document(), ensure_ascii=False), encoding="utf-8")
    middle = tmp_path / f"middle{_SUFFIX[first]}"
    target = tmp_path / f"target{_SUFFIX[second]}"

    shequkit.convert(source, middle, toolkit=toolkit)
    report = shequkit.convert(middle, target, toolkit=toolkit)

    assert report.valid
    assert shequkit.load(target, toolkit=toolkit) == shequkit.load(source, toolkit=toolkit)
