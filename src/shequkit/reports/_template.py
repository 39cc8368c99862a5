"""Fill-in templates: an empty report workbook a community completes (``shequkit template``).

The layout is exactly what the XLSX codec reads (``填报信息`` and one sheet
per record kind, Chinese headers with units), written by the codec's own
sheet writer, so a filled template is read back by :func:`shequkit.load` like
any workbook. On top of the codec's dropdowns for enumerations and yes/no
columns, the template adds input rules for numbers (whole or decimal, within
the field's minimum and maximum), dates and text lengths, formats text columns
as text (so an 18-digit ID number is not turned into a number), and a
``填报说明`` sheet listing the pack's rules and the columns each one reads.
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path
from typing import Any, Final

import attrs

from shequkit._exceptions import UsageError
from shequkit._toolkit import Toolkit
from shequkit.formats._tabular import Column, columns
from shequkit.formats._xlsx import (
    _SHEET_ROWS,
    META_SHEET,
    NOTES_SHEET,
    _new_workbook,
    _require,
    _width,
    _WorkbookWriter,
)
from shequkit.model import RECORD_KINDS, SCHEMA_VERSION
from shequkit.model._fields import bounds, max_length_of
from shequkit.reports._needs import rule_needs
from shequkit.standards import RulePack
from shequkit.standards._evaluate import resolve_pack

__all__ = ["write_template"]

_UNBOUNDED: Final = 1e15  # a number of any size Excel holds exactly enough
_FIRST_DAY: Final = datetime.date(1900, 3, 1)  # the codec writes earlier dates as text
_LAST_DAY: Final = datetime.date(2100, 12, 31)
_SEVERITY: Final = {"error": "必备 required", "warning": "建议 recommended", "info": "参考 info"}
_STEPS: Final = (
    (
        f"1. 在“{META_SHEET}”表填写填报单位、统计期等;橙色表头为必填项。",
        f"1. Fill in the reporting unit, period... on sheet {META_SHEET}; orange headers are"
        " required.",
    ),
    (
        "2. 每个工作表一行一条记录,请勿修改表头;枚举列请从下拉列表中选择,数值列有取值范围提示。",
        "2. One record per row on each sheet; do not change the headers; pick coded values from"
        " the dropdowns; numbers are checked against their ranges.",
    ),
    (
        "3. 各子表的“所属社区编号”填写“社区”表中的编号。",
        "3. The community number (所属社区编号) of every other sheet is the id on sheet 社区.",
    ),
    (
        "4. 填好后校验并出具报告:shequkit validate 文件.xlsx --rules {pack};"
        "shequkit report 文件.xlsx --rules {pack} -o 报告.html",
        "4. Then check it and write the report: shequkit validate FILE.xlsx --rules {pack};"
        " shequkit report FILE.xlsx --rules {pack} -o report.html",
    ),
)


def write_template(
    rules: RulePack | str, path: str | os.PathLike[str], *, toolkit: Toolkit | None = None
) -> None:
    """Write an empty workbook for communities to fill in for the rule pack ``rules``.

    Args:
        rules: a :class:`~shequkit.standards.RulePack` or the name of an installed one.
        path: the workbook to write (``.xlsx``), atomically.
        toolkit: where to look the pack up (the default toolkit otherwise).

    Raises:
        UsageError: ``SQK-U122`` when ``path`` does not end in ``.xlsx``;
            ``SQK-U120`` when no pack has that name; ``SQK-U112`` when
            xlsxwriter is not installed.
    """
    target = Path(path)
    if target.suffix.lower() != ".xlsx":
        raise UsageError(
            f"填报模板是 XLSX 工作簿,请把输出文件命名为 .xlsx(而不是“{target.name}”)",
            f"a fill-in template is an XLSX workbook: name the output .xlsx, not {target.name!r}",
            code="SQK-U122",
            path=str(target),
        )
    pack = resolve_pack(rules, toolkit)
    xlsxwriter = _require("xlsxwriter")
    with _new_workbook(xlsxwriter, target) as workbook:
        _Template(workbook, pack).write()


class _Template:
    def __init__(self, workbook: Any, pack: RulePack) -> None:
        self.workbook = workbook
        self.pack = pack
        self.writer = _WorkbookWriter(workbook)
        self.text = workbook.add_format({"num_format": "@"})
        self.bold = workbook.add_format({"bold": True})
        self.wrap = workbook.add_format({"text_wrap": True, "valign": "top"})

    def write(self) -> None:
        self.notes()
        title = f"{self.pack.title_zh}({self.pack.name} {self.pack.version})"
        self.writer.write_meta({"schema_version": SCHEMA_VERSION, "title": title})
        for kind in RECORD_KINDS:
            cls: type = kind.cls
            cols = columns(cls)
            sheet = self.writer.start_sheet(kind.label_zh, cols)
            fields = attrs.fields_dict(cls)
            for position, column in enumerate(cols):
                self.validate_column(sheet, position, column, fields[column.name])
        self.writer.finish()

    def notes(self) -> None:
        """The 填报说明 sheet: how to fill in, then each rule with the columns it reads."""
        sheet = self.workbook.add_worksheet(NOTES_SHEET)
        sheet.activate()  # what a person sees on opening the workbook
        for position, width in enumerate((18, 36, 14, 16, 56, 14, 60)):
            sheet.set_column(position, position, width)
        pack = self.pack
        sheet.write_string(0, 0, f"{pack.title_zh} 填报说明 / {pack.title_en}: how to fill in")
        row = 2
        for zh, en in _STEPS:
            sheet.write_string(row, 0, zh.format(pack=pack.name))
            sheet.write_string(row + 1, 0, en.format(pack=pack.name))
            row += 2
        row += 1
        sheet.write_string(row, 0, "规则与所需数据 Rules and the data they read", self.bold)
        row += 1
        headings = (
            "规则编号 rule",
            "要求 requirement",
            "标准值 expected",
            "性质 severity",
            "需填写 fill in (工作表:列〔条件〕 sheet: column [condition])",
            "来源 source",
            "原文 source sentence",
        )
        for col, heading in enumerate(headings):
            sheet.write_string(row, col, heading, self.writer.header_optional)
        for rule in pack.rules:
            row += 1
            needs = "\n".join(need.describe() for need in rule_needs(rule))
            citation = rule.citation
            cells = (
                rule.id,
                f"{rule.title_zh}\n{rule.title_en}",
                rule.expected,
                _SEVERITY.get(rule.severity.value, rule.severity.value),
                needs or "—",
                f"{citation.document} {citation.clause}".strip(),
                citation.text,
            )
            for col, value in enumerate(cells):
                sheet.write_string(row, col, value, self.wrap)
        if pack.targets:
            row += 2
            sheet.write_string(row, 0, "目标(按街道、县、市汇总) Targets", self.bold)
            for target in pack.targets:
                row += 1
                counted = target.rule_id or "达标(全部必备规则) the whole standard"
                sheet.write_string(row, 0, target.id)
                sheet.write_string(row, 1, f"{target.title_zh}\n{target.title_en}", self.wrap)
                sheet.write_string(row, 2, target.expected)
                sheet.write_string(row, 3, target.scope.label_zh)
                sheet.write_string(row, 4, counted)

    def validate_column(
        self, sheet: Any, position: int, column: Column, attribute: attrs.Attribute[Any]
    ) -> None:
        """Input rules for one column, beside the codec's dropdowns."""
        rule: dict[str, Any] | None = None
        if column.kind in ("int", "float", "decimal"):
            rule = _number_rule(column, attribute)
        elif column.kind in ("date", "datetime"):
            rule = {
                "validate": "date",
                "criteria": "between",
                "minimum": _FIRST_DAY,
                "maximum": _LAST_DAY,
                "input_title": column.header_zh[:32],
                "input_message": "日期,如 2024-06-30 a date",
            }
        elif column.kind == "str":
            # Text cells stay text: ID numbers and codes keep every digit.
            sheet.set_column(position, position, _width(column), self.text)
            limit = max_length_of(attribute)
            if limit is not None:
                rule = {
                    "validate": "length",
                    "criteria": "<=",
                    "value": limit,
                    "input_title": column.header_zh[:32],
                    "input_message": f"不超过 {limit} 个字符 at most {limit} characters",
                }
        elif column.kind == "enum_list" and column.enum is not None:
            allowed = "、".join(member.value for member in column.enum)
            rule = {
                "validate": "any",
                "input_title": column.header_zh[:32],
                "input_message": f"可填多项,用“、”分隔:{allowed}"[:255],
            }
        if rule is None:
            return
        if rule["validate"] != "any":
            rule["error_title"] = "取值无效"
            rule["error_message"] = f"“{column.header_zh}”:{rule['input_message']}"[:255]
        sheet.data_validation(1, position, _SHEET_ROWS - 1, position, rule)


def _number_rule(column: Column, attribute: attrs.Attribute[Any]) -> dict[str, Any]:
    low, high = bounds(attribute)
    whole = column.kind == "int"
    rule: dict[str, Any] = {"validate": "integer" if whole else "decimal"}
    if low is not None and high is not None:
        rule.update(criteria="between", minimum=low, maximum=high)
        zh, en = f"{low:g} 至 {high:g}", f"{low:g} to {high:g}"
    elif low is not None:
        rule.update(criteria=">=", value=low)
        zh, en = f"不小于 {low:g}", f"at least {low:g}"
    elif high is not None:
        rule.update(criteria="<=", value=high)
        zh, en = f"不大于 {high:g}", f"at most {high:g}"
    else:
        rule.update(criteria="between", minimum=-_UNBOUNDED, maximum=_UNBOUNDED)
        zh, en = "任意数值", "any number"
    number_zh, number_en = ("整数", "a whole number") if whole else ("数值", "a number")
    unit = f"(单位:{column.unit})" if column.unit else ""
    rule["input_title"] = column.header_zh[:32]
    rule["input_message"] = f"{number_zh},{zh}{unit};{number_en}, {en}"
    return rule
