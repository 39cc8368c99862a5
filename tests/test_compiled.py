"""The compiled fast path of the structural layer agrees with the cattrs converter.

It may only ever be a shortcut: for any wire mapping it either answers ``None``
(the converter then decides) or builds exactly the record the converter builds.
The spilled (SQLite) indices of the semantic layer report what the in-memory ones do.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import shequkit
from planted import planted_lines, write_jsonl
from shequkit import json_converter
from shequkit.codes import DivisionCode
from shequkit.model import RECORD_KINDS
from shequkit.validate._compiled import compiled_for, division_code_ok
from strategies import records

_semantic = importlib.import_module("shequkit.validate._semantic")

_JSON_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(["", " ", "320102001001", "2024-01-01", "街道型", "老年人", "12000.00"]),
    st.lists(st.sampled_from(["老年人", "残疾人", "x", 3]), max_size=3),
)


def _converter(cls: type[Any], data: dict[str, Any]) -> Any:
    try:
        return json_converter.structure(data, cls)
    except Exception:
        return None


@pytest.mark.parametrize("kind", RECORD_KINDS, ids=lambda kind: kind.name)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_fast_path_builds_what_the_converter_builds(kind: Any, data: st.DataObject) -> None:
    record = data.draw(records(kind.cls))
    wire = json_converter.unstructure(record)
    compiled = compiled_for(kind.cls)
    assert compiled is not None

    values = compiled.values(wire)

    assert values is not None
    assert compiled.build(values) == _converter(kind.cls, wire) == record
    assert tuple(compiled.view(values)) == attrs.astuple(record, recurse=False)


@pytest.mark.parametrize("kind", RECORD_KINDS, ids=lambda kind: kind.name)
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_fast_path_never_accepts_what_the_converter_refuses(kind: Any, data: st.DataObject) -> None:
    wire = json_converter.unstructure(data.draw(records(kind.cls)))
    names = [field.name for field in attrs.fields(kind.cls)] + ["unknown"]
    for name in data.draw(st.lists(st.sampled_from(names), min_size=1, max_size=3)):
        if data.draw(st.booleans()):
            wire.pop(name, None)
        else:
            wire[name] = data.draw(_JSON_VALUES)
    compiled = compiled_for(kind.cls)
    assert compiled is not None

    values = compiled.values(wire)

    if values is not None:
        assert compiled.build(values) == _converter(kind.cls, wire)


@settings(max_examples=500, deadline=None)
@given(
    st.one_of(
        st.text(alphabet="0123456789", min_size=10, max_size=13),
        st.builds(
            "".join,
            st.lists(
                st.sampled_from(["32", "11", "00", "99", "01", "000", "001", "599", "600", "١"]),
                min_size=4,
                max_size=6,
            ),
        ),
    )
)
def test_division_code_check_agrees_with_the_code_type(value: str) -> None:
    try:
        DivisionCode(value)
        valid = True
    except shequkit.CodeError:
        valid = False

    assert division_code_ok(value) is valid


@pytest.mark.parametrize("spill_after", [0, 700], ids=["spilled-from-the-start", "half-way"])
def test_spilled_indices_report_what_the_in_memory_ones_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, spill_after: int
) -> None:
    path = write_jsonl(tmp_path / "planted.jsonl", planted_lines(communities=12))
    in_memory = shequkit.validate(path)
    monkeypatch.setattr(_semantic, "SPILL_AFTER", spill_after)

    spilled = shequkit.validate(path)

    assert len(in_memory.issues) > 15
    assert spilled.issues == in_memory.issues
    assert [repr(issue) for issue in spilled.issues] == [repr(i) for i in in_memory.issues]
