"""12-digit statistical division codes (统计用区划代码)."""

from __future__ import annotations

import re
from typing import Final, Self

from shequkit._exceptions import CodeError
from shequkit.codes._base import OfficialCode
from shequkit.codes._enums import DivisionLevel, TownshipKind, VillageKind

__all__ = ["DivisionCode"]


# Province-level codes (省级代码), including Taiwan 71, Hong Kong 81 and Macao 82.
# fmt: off
_PROVINCES: Final = frozenset(
    {
        "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34",
        "35", "36", "37", "41", "42", "43", "44", "45", "46", "50", "51", "52",
        "53", "54", "61", "62", "63", "64", "65", "71", "81", "82",
    }
)
# fmt: on

_SHAPE: Final = re.compile(r"[0-9]{12}")
_PART2: Final = r"(?:0[1-9]|[1-9][0-9])"
_PART3: Final = r"(?:00[1-9]|0[1-9][0-9]|[1-5][0-9]{2})"  # 001-599
# The whole structure in one regex: the hot path is a single fullmatch.
_VALID: Final = re.compile(
    f"(?:{'|'.join(sorted(_PROVINCES))})"
    f"(?:0{{10}}|{_PART2}(?:0{{8}}|{_PART2}(?:0{{6}}|{_PART3}(?:000|{_PART3}))))"
)

_PREFIX_LENGTHS: Final = frozenset(level.prefix_length for level in DivisionLevel)


class DivisionCode(OfficialCode):
    """A 12-digit statistical division code (统计用区划代码), e.g. ``320102001001``.

    Layout: province 2 (省), city 2 (地), county 2 (县), township 3 (乡镇街道),
    village 3 (村居). A higher-level code is a lower one's prefix padded with
    zeros. Constructing an instance validates it, so an instance is always
    well-formed; ``str(code)`` is the 12 digits.

    Raises:
        CodeError: ``SQK-E201`` when the value is not exactly 12 ASCII digits
            (or not a string); ``SQK-E202`` when the structure is impossible
            (unknown province, a non-zero part under a zero part, township or
            village part outside 001–599).
    """

    __slots__ = ()

    def __new__(cls, value: str) -> Self:
        """Parse and validate ``value``."""
        if isinstance(value, str) and _VALID.fullmatch(value) is not None:
            return value if type(value) is cls else super().__new__(cls, value)
        raise _invalid(value)

    @classmethod
    def from_prefix(cls, prefix: str) -> Self:
        """The code whose significant digits are ``prefix`` (2, 4, 6, 9 or 12 digits).

        ``DivisionCode.from_prefix("320102") == "320102000000"``.

        Raises:
            CodeError: ``SQK-E201`` for a prefix of another length or with
                non-digits, ``SQK-E202`` when the padded code is invalid.
        """
        if not isinstance(prefix, str) or len(prefix) not in _PREFIX_LENGTHS:
            raise CodeError(
                f"区划代码前缀“{prefix}”长度应为 2、4、6、9 或 12 位",
                f"division code prefix {prefix!r} must have 2, 4, 6, 9 or 12 digits",
                code="SQK-E201",
                value=repr(prefix),
            )
        return cls(prefix.ljust(12, "0"))

    def __repr__(self) -> str:
        return f"DivisionCode({str(self)!r})"

    @property
    def province(self) -> str:
        """The province part (省级代码), digits 1–2."""
        return self[:2]

    @property
    def city(self) -> str:
        """The city part (地级代码), digits 3–4; ``"00"`` for a province."""
        return self[2:4]

    @property
    def county(self) -> str:
        """The county part (县级代码), digits 5–6."""
        return self[4:6]

    @property
    def township(self) -> str:
        """The township part (乡级代码), digits 7–9."""
        return self[6:9]

    @property
    def village(self) -> str:
        """The village part (村级代码), digits 10–12."""
        return self[9:]

    @property
    def level(self) -> DivisionLevel:
        """The level (行政区划级别): the deepest part that is not all zeros."""
        if self[9:] != "000":
            return DivisionLevel.VILLAGE
        if self[6:9] != "000":
            return DivisionLevel.TOWNSHIP
        if self[4:6] != "00":
            return DivisionLevel.COUNTY
        if self[2:4] != "00":
            return DivisionLevel.CITY
        return DivisionLevel.PROVINCE

    @property
    def township_kind(self) -> TownshipKind | None:
        """Street (街道), town (镇), township (乡) or special; ``None`` above township level."""
        part = self[6:9]
        if part == "000":
            return None
        if part < "100":
            return TownshipKind.STREET
        if part < "200":
            return TownshipKind.TOWN
        if part < "400":
            return TownshipKind.TOWNSHIP
        return TownshipKind.SPECIAL

    @property
    def village_kind(self) -> VillageKind | None:
        """Residents' (居委会), villagers' committee (村委会) or special; ``None`` above."""
        part = self[9:]
        if part == "000":
            return None
        if part < "200":
            return VillageKind.RESIDENTS_COMMITTEE
        if part < "400":
            return VillageKind.VILLAGERS_COMMITTEE
        return VillageKind.SPECIAL

    @property
    def prefix(self) -> str:
        """The significant leading digits for the code's level (2, 4, 6, 9 or 12)."""
        return self[: self.level.prefix_length]

    @property
    def parent(self) -> DivisionCode | None:
        """The direct parent (上级区划): this code with its deepest non-zero part zeroed.

        ``None`` for a province.
        """
        level = self.level
        if level is DivisionLevel.PROVINCE:
            return None
        keep = (2, 4, 6, 9)[level.depth - 1]
        # Zeroing the deepest part of a valid code keeps it valid: skip re-validation.
        return str.__new__(DivisionCode, self[:keep].ljust(12, "0"))

    def ancestors(self) -> list[DivisionCode]:
        """All higher divisions (上级区划链), nearest first, ending with the province."""
        chain: list[DivisionCode] = []
        node = self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain

    def is_ancestor_of(self, other: str) -> bool:
        """True when ``other`` is a deeper division lying inside this one (下辖区划).

        ``other`` may be a plain string; one that is not a valid division code
        is inside nothing, so the answer is then ``False``.
        """
        if type(other) is not DivisionCode:
            try:
                other = DivisionCode(other)
            except CodeError:
                return False
        return other.level.depth > self.level.depth and other.startswith(self.prefix)


def _invalid(value: object) -> CodeError:
    """The error for a value that is not a valid division code."""
    if not isinstance(value, str):
        got = type(value).__name__
        return CodeError(
            f"区划代码应为文本,实际为 {got}",
            f"a division code must be a string, got {got}",
            code="SQK-E201",
            value=repr(value),
        )
    if _SHAPE.fullmatch(value) is None:
        return CodeError(
            f"区划代码“{value}”应为 12 位数字(实际 {len(value)} 个字符)",
            f"division code {value!r} must be exactly 12 ASCII digits "
            f"(got {len(value)} characters)",
            code="SQK-E201",
            value=value,
        )
    zh, en = _structure_problem(value) or ("结构不合规则", "structure does not match the rules")
    return CodeError(
        f"区划代码“{value}”结构错误:{zh}",
        f"division code {value!r} is structurally invalid: {en}",
        code="SQK-E202",
        value=value,
    )


def _structure_problem(code: str) -> tuple[str, str] | None:
    """Why a 12-digit string is not a possible division code, or ``None``."""
    if code[:2] not in _PROVINCES:
        return (
            f"省级代码 {code[:2]} 不存在",
            f"there is no province with code {code[:2]}",
        )
    if code[2:4] == "00" and code[4:] != "00000000":
        return ("地级代码为 00 时其后各级必须为 0", "city part is 00 but a lower part is not zero")
    if code[4:6] == "00" and code[6:] != "000000":
        return (
            "县级代码为 00 时其后各级必须为 0",
            "county part is 00 but a lower part is not zero",
        )
    township = code[6:9]
    village = code[9:]
    if township == "000":
        if village != "000":
            return (
                "乡级代码为 000 时村级代码必须为 000",
                "township part is 000 but the village part is not",
            )
        return None
    if township >= "600":
        return (
            f"乡级代码 {township} 超出 001–599",
            f"township part {township} is outside 001–599",
        )
    if village >= "600":
        return (
            f"村级代码 {village} 超出 001–599",
            f"village part {village} is outside 001–599",
        )
    return None
