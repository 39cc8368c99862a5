"""The generated per-header row readers of CSV and XLSX agree with the plain cell loop.

Both readers turn rows as wide as the header through code generated once per
sheet (inlined fast paths for text, integer and real cells); rows of any other
width go through a loop over the per-column converters. Appending an empty
cell sends the same row down the loop, so the two paths are compared on every
column kind of every record class with generated cells.
"""

from __future__ import annotations

import datetime
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shequkit import HostileInputError
from shequkit.formats._csv import _row_reader as csv_row_reader
from shequkit.formats._tabular import Column, columns
from shequkit.formats._xlsx_rows import _row_reader as xlsx_row_reader
from shequkit.model import RECORD_KINDS

# Edge values are drawn as often as everything else together: the fast paths end there.
_TEXT_EDGES = st.sampled_from(
    [
        *("", " ", "\u3000", "3000", " 42 ", "007", "3000.0", "1e3", "-5", "+5", "1_000"),
        *("٣", "²", "9" * 18, "9" * 19, "9" * 20, "9" * 30, str(2**63 - 1), str(2**63)),
        *("nan", "inf", " 2.5 ", "'=SUM(A1)", "是", "否", "x"),
    ]
)
_TEXT_CELLS = st.one_of(
    _TEXT_EDGES,
    st.one_of(
        st.text(max_size=8),
        st.integers(-(2**70), 2**70).map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
    ),
)
_XLSX_EDGES = st.sampled_from([3000.0, 2.0**63, -(2.0**63), 2.0**62, 1e20, 0.5, -0.0, True])
_XLSX_CELLS = st.one_of(
    _XLSX_EDGES,
    _TEXT_CELLS,
    st.one_of(
        st.floats(allow_nan=False),
        st.integers(-(2**40), 2**40),
        st.datetimes(min_value=datetime.datetime(1900, 1, 1)),
        st.dates(min_value=datetime.date(1900, 1, 1)),
    ),
)

_HEADERS: list[list[tuple[str | None, Column | None]]] = [
    [*((column.name, column) for column in columns(kind.cls)), ("未知列", None)]
    for kind in RECORD_KINDS
]


def _same(left: dict[str, Any], right: dict[str, Any]) -> bool:
    # NaN is not equal to itself: compare what the values are, not their identity.
    if left.keys() != right.keys():
        return False
    for key, value in left.items():
        other = right[key]
        if isinstance(value, float) and math.isnan(value):
            if not (isinstance(other, float) and math.isnan(other)):
                return False
        elif value != other or type(value) is not type(other):
            return False
    return True


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_csv_rows_read_the_same_through_the_generated_code_and_the_loop(
    data: st.DataObject,
) -> None:
    keys = data.draw(st.sampled_from(_HEADERS))
    read = csv_row_reader([(key or "", column) for key, column in keys])
    cells = [data.draw(_TEXT_CELLS) for _ in keys]

    assert _same(read(cells), read([*cells, ""]))


@settings(max_examples=300, deadline=None)
@given(st.data(), st.sampled_from([None, 6]))
def test_xlsx_rows_read_the_same_through_the_generated_code_and_the_loop(
    data: st.DataObject, limit: int | None
) -> None:
    keys = data.draw(st.sampled_from(_HEADERS))
    read = xlsx_row_reader(keys, 0, limit, "t.xlsx", "社区")
    cells = [data.draw(_XLSX_CELLS) for _ in keys]

    outcomes = []
    for row in (cells, [*cells, ""]):
        try:
            outcomes.append(read(row, 2))
        except HostileInputError as error:
            outcomes.append(error.code)
    first, second = outcomes
    if isinstance(first, dict) and isinstance(second, dict):
        assert _same(first, second)
    else:
        assert first == second == "SQK-F104"


def test_a_long_text_cell_in_a_record_row_is_refused_with_its_row() -> None:
    read = xlsx_row_reader(_HEADERS[1], 0, 5, "t.xlsx", "社区")
    cells: list[Any] = [""] * len(_HEADERS[1])
    cells[0] = "长" * 6

    with pytest.raises(HostileInputError, match="row 7") as raised:
        read(cells, 7)
    assert raised.value.code == "SQK-F104"
