"""Unified social credit codes (统一社会信用代码, GB 32100-2015)."""

from __future__ import annotations

import operator
import re
from typing import Final, Self

from shequkit._exceptions import CodeError
from shequkit.codes._base import OfficialCode, not_text

__all__ = ["USCC", "uscc_check_char"]

ALPHABET: Final = "0123456789ABCDEFGHJKLMNPQRTUWXY"
"""The 31 characters a USCC may use (no I, O, Z, S, V)."""

_VALUES: Final = {ch: i for i, ch in enumerate(ALPHABET)}
# w_i = 3^(i-1) mod 31
_WEIGHTS: Final = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_CHAR: Final = "[0-9A-HJ-NPQRTUWXY]"
_SHAPE: Final = re.compile(f"{_CHAR}{{2}}[0-9]{{6}}{_CHAR}{{10}}")
_BODY: Final = re.compile(f"{_CHAR}{{2}}[0-9]{{6}}{_CHAR}{{9}}")


def uscc_check_char(first17: str) -> str:
    """The check character (校验码) for the first 17 characters of a USCC.

    Lowercase letters are accepted. Letter-first codes (registration department
    ``N``, ``Y``, ``A``...) are handled like digit-first ones.

    Raises:
        CodeError: ``SQK-E211`` when ``first17`` is not 17 characters of a USCC body.
    """
    body = first17.upper() if isinstance(first17, str) else first17
    if not isinstance(body, str) or _BODY.fullmatch(body) is None:
        raise CodeError(
            f"“{first17}”不是统一社会信用代码的前 17 位",
            f"{first17!r} is not the first 17 characters of a USCC",
            code="SQK-E211",
            value=repr(first17),
        )
    return _check_char(body)


def _check_char(body: str) -> str:
    total = sum(map(operator.mul, map(_VALUES.__getitem__, body), _WEIGHTS))
    return ALPHABET[(31 - total % 31) % 31]


class USCC(OfficialCode):
    """A unified social credit code (统一社会信用代码), e.g. ``51320102MJ1234567X``.

    18 characters: registration department (登记管理部门) 1, organisation type
    (机构类别) 1, division code (登记管理机关行政区划码) 6, organisation code
    (主体标识码) 9, check character (校验码) 1. Lowercase input is upper-cased.
    Codes whose department is a letter (``N`` agriculture, ``Y`` other...) are
    valid too. Constructing an instance validates it.

    Raises:
        CodeError: ``SQK-E211`` when malformed (length, characters outside the
            31-character alphabet, non-digits in positions 3–8, not a string);
            ``SQK-E212`` when the check character is wrong.
    """

    __slots__ = ()

    def __new__(cls, value: str) -> Self:
        """Parse and validate ``value``."""
        if type(value) is cls:
            return value
        if not isinstance(value, str):
            raise not_text(value, "统一社会信用代码", "a unified social credit code", "SQK-E211")
        code = value.upper()
        if _SHAPE.fullmatch(code) is None:
            raise CodeError(
                f"统一社会信用代码“{value}”格式错误:{_shape_problem_zh(code)}",
                f"unified social credit code {value!r} is malformed: {_shape_problem_en(code)}",
                code="SQK-E211",
                value=value,
            )
        expected = _check_char(code[:17])
        if code[17] != expected:
            raise CodeError(
                f"统一社会信用代码“{value}”校验码错误:应为 {expected},实际为 {code[17]}",
                f"unified social credit code {value!r} has a wrong check character: "
                f"expected {expected}, got {code[17]}",
                code="SQK-E212",
                value=value,
                expected=expected,
            )
        return super().__new__(cls, code)

    def __repr__(self) -> str:
        return f"USCC({str(self)!r})"

    @property
    def department(self) -> str:
        """Registration department code (登记管理部门代码), character 1: ``5`` civil affairs."""
        return self[0]

    @property
    def organisation_type(self) -> str:
        """Organisation type code (机构类别代码), character 2; read with the department."""
        return self[1]

    @property
    def division(self) -> str:
        """The 6-digit division code of the registering authority (登记管理机关行政区划码)."""
        return self[2:8]

    @property
    def organisation_code(self) -> str:
        """The 9-character organisation code (主体标识码 / 组织机构代码), characters 9–17."""
        return self[8:17]

    @property
    def check_char(self) -> str:
        """The check character (校验码), character 18."""
        return self[17]


def _shape_problem_zh(code: str) -> str:
    if len(code) != 18:
        return f"应为 18 个字符,实际 {len(code)} 个"
    bad = sorted({ch for ch in code if ch not in _VALUES})
    if bad:
        return f"含有不允许的字符 {''.join(bad)}"
    return "第 3–8 位应为数字(行政区划码)"


def _shape_problem_en(code: str) -> str:
    if len(code) != 18:
        return f"it must have 18 characters, not {len(code)}"
    bad = sorted({ch for ch in code if ch not in _VALUES})
    if bad:
        return f"characters {''.join(bad)!r} are not allowed"
    return "positions 3–8 (the division code) must be digits"
