"""hypothesis strategies for official codes: valid values of each kind, and ways to break them.

Every strategy yields plain ``str`` values as they would appear in input data.
Check characters are computed with python-stdnum's ``calc_check_digit``
functions (which, unlike stdnum's validators, accept any 17-character body),
so the library's own check-character code is tested against an independent
implementation rather than against itself.

Exported strategies: :func:`division_codes`, :func:`usccs`, :func:`resident_ids`,
:func:`mobile_numbers`, :func:`landline_numbers`, :func:`service_numbers`,
:func:`phone_inputs`, :func:`person_names`; helpers for corrupting values:
:func:`single_char_substitutions`, :func:`with_wrong_check_char`,
:func:`impossible_birth_date_ids`.
"""

from __future__ import annotations

import datetime

from hypothesis import strategies as st
from stdnum.cn import ric as stdnum_ric
from stdnum.cn import uscc as stdnum_uscc

from shequkit.codes._enums import DivisionLevel, ResidentIDKind

__all__ = [
    "MAINLAND_PROVINCES",
    "PROVINCES",
    "RESIDENT_ID_ALPHABET",
    "USCC_ALPHABET",
    "division_codes",
    "impossible_birth_date_ids",
    "landline_numbers",
    "mobile_numbers",
    "person_names",
    "phone_inputs",
    "resident_id_check",
    "resident_ids",
    "service_numbers",
    "single_char_substitutions",
    "uscc_check",
    "usccs",
    "with_wrong_check_char",
]

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
RESIDENT_ID_ALPHABET = "0123456789X"
DIGITS = "0123456789"

# fmt: off
MAINLAND_PROVINCES = (
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34",
    "35", "36", "37", "41", "42", "43", "44", "45", "46", "50", "51", "52",
    "53", "54", "61", "62", "63", "64", "65",
)
# fmt: on
PROVINCES = (*MAINLAND_PROVINCES, "71", "81", "82")

_LEVELS = tuple(DivisionLevel)


def uscc_check(first17: str) -> str:
    """Independent USCC check character (python-stdnum's formula)."""
    return stdnum_uscc.calc_check_digit(first17)


def resident_id_check(first17: str) -> str:
    """Independent GB 11643 check character (python-stdnum's formula)."""
    # stdnum's function expects the full number and ignores its last character.
    return stdnum_ric.calc_check_digit(first17 + "0")


def _digits(n: int) -> st.SearchStrategy[str]:
    return st.text(DIGITS, min_size=n, max_size=n)


def _part(width: int, low: int, high: int) -> st.SearchStrategy[str]:
    return st.integers(low, high).map(lambda i: str(i).zfill(width))


# -- division codes ------------------------------------------------------------------------


@st.composite
def division_codes(draw: st.DrawFn, level: DivisionLevel | None = None) -> str:
    """Valid 12-digit division codes, of ``level`` or of any level."""
    chosen = level if level is not None else draw(st.sampled_from(_LEVELS))
    parts = [
        draw(st.sampled_from(PROVINCES)),
        draw(_part(2, 1, 99)),
        draw(_part(2, 1, 99)),
        draw(_part(3, 1, 599)),
        draw(_part(3, 1, 599)),
    ]
    widths = (2, 2, 2, 3, 3)
    for depth in range(chosen.depth + 1, 5):
        parts[depth] = "0" * widths[depth]
    return "".join(parts)


# -- unified social credit codes -----------------------------------------------------------


@st.composite
def usccs(draw: st.DrawFn, letter_first: bool | None = None) -> str:
    """Valid unified social credit codes; ``letter_first`` forces the department kind."""
    if letter_first is None:
        letter_first = draw(st.booleans())
    department = draw(st.sampled_from(USCC_ALPHABET[10:] if letter_first else "123456789"))
    organisation_type = draw(st.sampled_from(USCC_ALPHABET))
    division = draw(_digits(6))
    organisation_code = draw(st.text(USCC_ALPHABET, min_size=9, max_size=9))
    body = department + organisation_type + division + organisation_code
    return body + uscc_check(body)


# -- resident identity numbers -------------------------------------------------------------

_BIRTH_DATES = st.dates(datetime.date(1900, 1, 1), datetime.date(2020, 12, 31))


@st.composite
def resident_ids(draw: st.DrawFn, kind: ResidentIDKind | None = None) -> str:
    """Valid 18-character identity numbers of ``kind`` (or any kind)."""
    if kind is None:
        kind = draw(st.sampled_from(tuple(ResidentIDKind)))
    if kind is ResidentIDKind.MAINLAND:
        address = draw(st.sampled_from(MAINLAND_PROVINCES)) + draw(_digits(4))
    elif kind is ResidentIDKind.HK_MO_TW_RESIDENCE_PERMIT:
        address = draw(st.sampled_from(("810000", "820000", "830000")))
    else:  # '9', province of issue, 3-digit nationality code
        address = "9" + draw(st.sampled_from(MAINLAND_PROVINCES)) + draw(_digits(3))
    born = draw(_BIRTH_DATES).strftime("%Y%m%d")
    body = address + born + draw(_digits(3))
    return body + resident_id_check(body)


@st.composite
def impossible_birth_date_ids(draw: st.DrawFn) -> str:
    """Numbers with a correct check character but an impossible birth date."""
    address = draw(st.sampled_from(MAINLAND_PROVINCES)) + draw(_digits(4))
    born = draw(
        st.one_of(
            # not a calendar date
            st.sampled_from(
                ("19900231", "20010229", "19991301", "19990001", "19990100", "00000101")
            ),
            # before 1900
            st.dates(datetime.date(1000, 1, 1), datetime.date(1899, 12, 31)).map(
                lambda d: d.strftime("%Y%m%d")
            ),
            # in the future
            st.integers(datetime.date.today().year + 1, 9999).map(lambda y: f"{y}0101"),
        )
    )
    body = address + born + draw(_digits(3))
    return body + resident_id_check(body)


# -- phone numbers -------------------------------------------------------------------------


@st.composite
def mobile_numbers(draw: st.DrawFn) -> str:
    """Normalised mobile numbers: 11 digits starting ``1[3-9]``."""
    return "1" + draw(st.sampled_from("3456789")) + draw(_digits(9))


@st.composite
def _area_codes(draw: st.DrawFn) -> str:
    return draw(
        st.one_of(
            st.just("010"),
            _digits(1).map(lambda d: "02" + d),
            st.sampled_from("3456789").flatmap(lambda d: _digits(2).map(lambda r: "0" + d + r)),
        )
    )


@st.composite
def _subscriber_numbers(draw: st.DrawFn) -> str:
    return draw(st.sampled_from("23456789")) + draw(_digits(draw(st.sampled_from((6, 7)))))


@st.composite
def landline_numbers(draw: st.DrawFn, extension: bool | None = None) -> str:
    """Normalised landlines ``025-84567890`` or ``025-84567890-123``."""
    number = draw(_area_codes()) + "-" + draw(_subscriber_numbers())
    if extension is None:
        extension = draw(st.booleans())
    if extension:
        number += "-" + draw(st.integers(1, 6).flatmap(_digits))
    return number


@st.composite
def service_numbers(draw: st.DrawFn) -> str:
    """Normalised 400/800 service numbers ``400-123-4567``."""
    return draw(st.sampled_from(("400", "800"))) + "-" + draw(_digits(3)) + "-" + draw(_digits(4))


_SEP = st.sampled_from(("", " ", "-"))


@st.composite
def phone_inputs(draw: st.DrawFn) -> tuple[str, str]:
    """``(as written, normalised)`` pairs: the ways people write each kind of number."""
    which = draw(st.sampled_from(("mobile", "landline", "service")))
    if which == "mobile":
        normal = draw(mobile_numbers())
        prefix = draw(st.sampled_from(("", "+86", "0086", "86", "+86 ", "+86-", "(+86) ")))
        written = prefix + normal[:3] + draw(_SEP) + normal[3:7] + draw(_SEP) + normal[7:]
        return written, normal
    if which == "service":
        normal = draw(service_numbers())
        return normal.replace("-", draw(_SEP)), normal
    normal = draw(landline_numbers())
    area, number, *ext = normal.split("-")
    style = draw(st.sampled_from(("dash", "space", "parens", "plain", "intl")))
    if style == "parens":
        written = f"({area}){number}"
    elif style == "space":
        written = f"{area} {number[:4]} {number[4:]}"
    elif style == "plain":
        written = area + number
    elif style == "intl":
        written = f"+86 {area[1:]} {number}"
    else:
        written = f"{area}-{number}"
    if ext:
        mark = draw(st.sampled_from(("-", " ", "转", " ext ", "#")))
        if style == "plain" and mark in ("-", " "):
            mark = "转"  # an unseparated number followed by digits would be ambiguous
        written += mark + ext[0]
    return written, normal


# -- personal names ------------------------------------------------------------------------

_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐"
_COMPOUND = ("欧阳", "司马", "上官", "诸葛", "慕容")
_GIVEN = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)


@st.composite
def person_names(draw: st.DrawFn) -> str:
    """Valid personal names: Chinese (single or compound surname) and Latin-script ones."""
    kind = draw(st.sampled_from(("chinese", "compound", "latin")))
    if kind == "latin":
        word = st.text("abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=10).map(str.title)
        return " ".join(draw(st.lists(word, min_size=1, max_size=3)))
    surname = draw(st.sampled_from(_COMPOUND if kind == "compound" else tuple(_SURNAMES)))
    return surname + draw(st.text(_GIVEN, min_size=1, max_size=2))


# -- corruption ----------------------------------------------------------------------------


@st.composite
def single_char_substitutions(
    draw: st.DrawFn, valid: st.SearchStrategy[str], alphabet: str
) -> tuple[str, int, str]:
    """``(original, position, corrupted)``: one character replaced by another from ``alphabet``."""
    original = draw(valid)
    position = draw(st.integers(0, len(original) - 1))
    replacement = draw(st.sampled_from([c for c in alphabet if c != original[position]]))
    return original, position, original[:position] + replacement + original[position + 1 :]


@st.composite
def with_wrong_check_char(draw: st.DrawFn, valid: st.SearchStrategy[str], alphabet: str) -> str:
    """A valid code whose last (check) character is replaced by a wrong one."""
    original = draw(valid)
    return original[:-1] + draw(st.sampled_from([c for c in alphabet if c != original[-1]]))
