"""Masking of personal data (个人信息去标识化) for logs, reports and error messages.

Personal information (MZ/T 073-2024 marks names, identity numbers and phone
numbers as sensitive) must never appear raw where a human or a log file can see
it by default. The functions here accept *any* string, including values that
failed validation, and always return a masked form: the raw middle of a value
never survives.

Rules:

* resident ID (公民身份号码): keep ``k`` characters at each end and star the
  middle, with ``k = min(4, len // 4)``; an 18-character number becomes
  ``3201**********123X`` and at most half of any string is ever shown.
* phone (电话号码): separators stay in place, digits are starred.

  - mobile (手机): first 3 and last 4 digits kept, ``138****5678``;
  - landline (固定电话): area code, the first digit and the last 3 digits of the
    subscriber number kept, the extension starred, ``025-8****890-***``;
  - service number (服务热线, 400/800): the same rule with 400/800 as the "area
    code", ``400-1**-*567``;
  - anything else: first and last digit kept, other digits starred.

  Characters other than digits and the separators ``+ - ( )`` and spaces are
  starred too, so stray text in a phone field cannot leak.
* personal name (姓名): the surname is kept and every other character starred:
  ``张*``, ``欧阳**`` (a known compound surname, 复姓, is kept whole when the name
  is longer than it); a one-character name becomes ``*``.
* anything else: :func:`mask_text` keeps the first and last character.

Surrounding whitespace is dropped before masking.

This module must not import :mod:`shequkit.codes`: the code types import it.
"""

from __future__ import annotations

import re
from typing import Final, Protocol, runtime_checkable

__all__ = [
    "SENSITIVE",
    "Sensitive",
    "mask_name",
    "mask_phone",
    "mask_resident_id",
    "mask_text",
]

SENSITIVE: Final = "shequkit.sensitive"
"""attrs metadata key marking a field as personal data (敏感个人信息)."""

STAR: Final = "*"


@runtime_checkable
class Sensitive(Protocol):
    """A value holding personal data (个人信息) that knows its own masked form.

    :class:`~shequkit.codes.ResidentID`, :class:`~shequkit.codes.PhoneNumber` and
    :class:`~shequkit.codes.PersonName` satisfy it; their ``repr`` is masked
    while ``str`` gives the raw value for serialisation.
    """

    @property
    def masked(self) -> str:
        """The value with its identifying middle replaced by ``*``."""
        ...


def mask_text(s: str) -> str:
    """Mask a generic text value (通用脱敏): keep the first and last character.

    Strings of two characters or fewer are starred entirely.
    ``mask_text("abcdef") == "a****f"``.
    """
    s = s.strip()
    if len(s) <= 2:
        return STAR * len(s)
    return s[0] + STAR * (len(s) - 2) + s[-1]


def mask_resident_id(s: str) -> str:
    """Mask a resident identity number (身份证号码脱敏): ``3201**********123X``.

    Works on any string: ``min(4, len // 4)`` characters are kept at each end, so
    a malformed or truncated number is masked as well and never more than half
    of it is shown.
    """
    s = s.strip()
    keep = min(4, len(s) // 4)
    if keep == 0:
        return STAR * len(s)
    return s[:keep] + STAR * (len(s) - 2 * keep) + s[-keep:]


# Compound surnames (复姓) kept whole by mask_name; the common ones are enough,
# an unknown one just reveals one character less.
# fmt: off
_COMPOUND_SURNAMES: Final = frozenset(
    {
        "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙",
        "宇文", "司徒", "夏侯", "轩辕", "令狐", "端木", "西门", "南宫", "独孤", "呼延",
        "闻人", "澹台", "公冶", "太史", "申屠", "钟离", "赫连", "万俟", "司空", "濮阳",
        "淳于", "单于", "拓跋", "百里", "东郭", "第五", "羊舌", "微生", "梁丘", "左丘",
        "东门", "公羊", "谷梁", "公良", "乐正", "漆雕", "巫马", "壤驷", "公西", "颛孙",
        "亓官", "司寇", "子车", "鲜于", "闾丘", "仲孙", "叔孙", "宗政", "段干", "夹谷",
        "汝鄢", "涂钦", "南门",
    }
)
# fmt: on


def mask_name(s: str) -> str:
    """Mask a personal name (姓名脱敏): keep the surname, star the rest.

    ``张三`` → ``张*``, ``欧阳娜娜`` → ``欧阳**``, ``John Smith`` → ``J*********``;
    a one-character name becomes ``*``.
    """
    s = s.strip()
    if len(s) <= 1:
        return STAR * len(s)
    keep = 2 if len(s) > 2 and s[:2] in _COMPOUND_SURNAMES else 1
    return s[:keep] + STAR * (len(s) - keep)


_PHONE_KEPT_SEPARATORS: Final = frozenset(" -+()")
_DIGIT_RUN: Final = re.compile(r"[0-9]+")


def mask_phone(s: str) -> str:
    """Mask a phone number (电话号码脱敏), keeping separators in place.

    ``13812345678`` → ``138****5678``, ``025-84567890`` → ``025-8****890``,
    ``025-84567890-123`` → ``025-8****890-***``, ``400-123-4567`` → ``400-1**-*567``.
    Any other string still comes out masked (first and last digit kept).
    """
    s = s.strip()
    runs = [m.span() for m in _DIGIT_RUN.finditer(s)]
    digits = "".join(s[a:b] for a, b in runs)
    keep = _phone_digits_kept(digits, runs)
    out: list[str] = []
    index = 0  # position in ``digits``
    for ch in s:
        if "0" <= ch <= "9":
            out.append(ch if keep[index] else STAR)
            index += 1
        else:
            out.append(ch if ch in _PHONE_KEPT_SEPARATORS else STAR)
    return "".join(out)


def _phone_digits_kept(digits: str, runs: list[tuple[int, int]]) -> list[bool]:
    """Which digits of a phone number stay visible (see the module rules)."""
    n = len(digits)
    keep = [False] * n
    prefix = 0
    if n == 13 and digits.startswith("861"):
        prefix = 2
    elif n == 15 and digits.startswith("00861"):
        prefix = 4
    rest = digits[prefix:]
    if len(rest) == 11 and rest[0] == "1":  # mobile
        visible = [*range(prefix + 3), *range(n - 4, n)]
    elif len(rest) == 10 and rest[:3] in ("400", "800"):  # service number
        visible = [*range(4), *range(n - 3, n)]
    elif len(rest) >= 10 and rest[0] == "0":  # landline: area code + 7-8 digits (+ extension)
        area = 3 if rest[1] == "2" or rest[:3] == "010" else 4
        subscriber_end = n
        if len(runs) >= 2:
            last_run = runs[-1][1] - runs[-1][0]
            if 1 <= last_run <= 6 and 7 <= n - last_run - area <= 8:
                subscriber_end = n - last_run  # the trailing run is the extension
        visible = [*range(area + 1), *range(max(area + 1, subscriber_end - 3), subscriber_end)]
    elif n >= 3:
        visible = [0, n - 1]
    else:
        visible = []
    if n - len(set(visible)) < 3 and n >= 5:
        # Too short for its shape (e.g. a 10-digit "landline"): hide all but the ends.
        visible = [0, n - 1]
    for i in visible:
        keep[i] = True
    return keep
