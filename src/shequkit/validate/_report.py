"""Validation results: :class:`Issue` and :class:`Report`, rendered as text, JSON or JUnit XML."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from typing import Any

import attrs
from lxml import etree

from shequkit.validate._catalogue import Layer, Severity, issue_type

__all__ = ["Issue", "Report"]


@attrs.frozen(kw_only=True)
class Issue:
    """One problem found in the data.

    Attributes:
        code: stable catalogue code (``SQK-E212``).
        severity: error, warning or info.
        layer: the validation layer that found it.
        path: JSON pointer to the offending field (``/organisations/3/uscc``).
        message_zh / message_en: what is wrong, in Chinese and English. Messages
            never contain unmasked personal data.
        value: the offending value, masked when the field holds personal data.
        record_id: the id (or code) of the record, when known.
        location: where in the source file, when the format knows (``line 57``).
    """

    code: str
    severity: Severity
    layer: Layer
    path: str
    message_zh: str
    message_en: str
    value: Any = None
    record_id: str | None = None
    location: str | None = None
    # The unmasked value, for callers who explicitly ask to see personal data.
    raw_value: Any = attrs.field(default=None, repr=False, eq=False)

    @classmethod
    def of(cls, code: str, path: str, message_zh: str, message_en: str, **rest: Any) -> Issue:
        """An issue whose severity and layer come from the catalogue entry for ``code``."""
        entry = issue_type(code)
        return cls(
            code=code,
            severity=entry.severity,
            layer=entry.layer,
            path=path,
            message_zh=message_zh,
            message_en=message_en,
            **rest,
        )

    @classmethod
    def catalogued(
        cls,
        issue_code: str,
        path: str,
        /,
        *,
        record_id: str | None = None,
        location: str | None = None,
        value: Any = None,
        raw_value: Any = None,
        **facts: Any,
    ) -> Issue:
        """An issue whose messages are the catalogue templates for ``code`` filled with ``facts``.

        ``value`` is what reports show (already masked where needed); it is also
        available to the templates as ``{value}``.
        """
        zh, en = issue_type(issue_code).format(value=value, **facts)
        return cls.of(
            issue_code,
            path,
            zh,
            en,
            value=value,
            raw_value=value if raw_value is None else raw_value,
            record_id=record_id,
            location=location,
        )

    def to_dict(self, *, show_sensitive: bool = False) -> dict[str, Any]:
        """A JSON-ready mapping; personal data stays masked unless ``show_sensitive``."""
        value = self.raw_value if show_sensitive and self.raw_value is not None else self.value
        data: dict[str, Any] = {
            "code": self.code,
            "severity": self.severity.value,
            "layer": self.layer.value,
            "path": self.path,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
        }
        if value is not None:
            data["value"] = value if _is_json_scalar(value) else str(value)
        if self.record_id is not None:
            data["record_id"] = self.record_id
        if self.location is not None:
            data["location"] = self.location
        return data


# Characters XML 1.0 cannot hold at all; data may contain them (a stray backspace in a cell).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_safe(text: str) -> str:
    """``text`` with characters XML cannot hold shown as ``\\xNN`` escapes."""
    return _NOT_XML.sub(lambda match: f"\\x{ord(match.group()):02x}", text)


def _is_json_scalar(value: Any) -> bool:
    return type(value) in (str, int, float, bool)


@attrs.define(kw_only=True)
class Report:
    """Everything :func:`shequkit.validate` found, in the order found.

    A report is *valid* when it holds no error (warnings allowed).
    ``dropped`` counts issues beyond ``max_issues`` that were counted in
    :attr:`counts` but not kept.
    """

    issues: list[Issue] = attrs.field(factory=list)
    records: int = 0
    source: str | None = None
    dropped: int = 0
    counts: Counter[str] = attrs.field(factory=Counter)

    @property
    def valid(self) -> bool:
        """True when no issue of severity error was found."""
        return self.error_count == 0

    @property
    def error_count(self) -> int:
        """Number of errors, including dropped ones."""
        return sum(n for code, n in self.counts.items() if issue_type(code).severity is _ERROR)

    @property
    def warning_count(self) -> int:
        """Number of warnings, including dropped ones."""
        return sum(n for code, n in self.counts.items() if issue_type(code).severity is _WARNING)

    @property
    def errors(self) -> list[Issue]:
        """The kept issues of severity error."""
        return [issue for issue in self.issues if issue.severity is _ERROR]

    @property
    def warnings(self) -> list[Issue]:
        """The kept issues of severity warning."""
        return [issue for issue in self.issues if issue.severity is _WARNING]

    def codes(self) -> set[str]:
        """The distinct issue codes found (dropped ones included)."""
        return set(self.counts)

    def to_dict(self, *, show_sensitive: bool = False) -> dict[str, Any]:
        """The report as a JSON-ready mapping (the shape ``shequkit validate --json`` prints)."""
        return {
            "valid": self.valid,
            "records": self.records,
            "source": self.source,
            "summary": {
                "errors": self.error_count,
                "warnings": self.warning_count,
                "dropped": self.dropped,
                "by_code": dict(sorted(self.counts.items())),
            },
            "issues": [issue.to_dict(show_sensitive=show_sensitive) for issue in self.issues],
        }

    def to_json(self, *, show_sensitive: bool = False, indent: int | None = 2) -> str:
        """The report as JSON text (UTF-8 friendly: Chinese is not escaped)."""
        return json.dumps(
            self.to_dict(show_sensitive=show_sensitive), ensure_ascii=False, indent=indent
        )

    def to_text(self, *, show_sensitive: bool = False, language: str = "both") -> str:
        """A plain-text report: one block per issue, then a summary line.

        ``language`` is ``"zh"``, ``"en"`` or ``"both"``.
        """
        lines: list[str] = []
        for issue in self.issues:
            lines.extend(_text_block(issue, show_sensitive=show_sensitive, language=language))
        lines.append(self.summary(language=language))
        return "\n".join(lines) + "\n"

    def summary(self, *, language: str = "both") -> str:
        """One line: verdict, records, errors, warnings."""
        verdict_zh = "通过" if self.valid else "未通过"
        verdict_en = "valid" if self.valid else "INVALID"
        zh = (
            f"校验{verdict_zh}:{self.records} 条记录,"
            f"{self.error_count} 个错误,{self.warning_count} 个警告"
        )
        en = (
            f"{verdict_en}: {self.records} records, "
            f"{self.error_count} errors, {self.warning_count} warnings"
        )
        if self.dropped:
            zh += f"(另有 {self.dropped} 个问题未列出)"
            en += f" ({self.dropped} more issues not listed)"
        return {"zh": zh, "en": en}.get(language, f"{zh}\n{en}")

    def to_junit_xml(self, *, show_sensitive: bool = False) -> str:
        """JUnit XML for CI systems: one test case per record with issues, failures inside.

        A valid dataset yields one passing test case, so CI dashboards show a green run.
        """
        suite = etree.Element(
            "testsuite",
            name="shequkit.validate",
            tests="0",
            failures=str(self.error_count),
            errors="0",
            skipped="0",
        )
        properties = etree.SubElement(suite, "properties")
        for name, value in (("source", self.source or ""), ("records", str(self.records))):
            etree.SubElement(properties, "property", name=name, value=_xml_safe(value))
        by_record: dict[str, list[Issue]] = {}
        for issue in self.issues:
            by_record.setdefault(_record_pointer(issue.path), []).append(issue)
        if not by_record:
            etree.SubElement(suite, "testcase", classname="shequkit.validate", name="dataset")
        for pointer, issues in by_record.items():
            case = etree.SubElement(
                suite, "testcase", classname="shequkit.validate", name=_xml_safe(pointer or "/")
            )
            for issue in issues:
                tag = "failure" if issue.severity is _ERROR else "system-out"
                element = etree.SubElement(case, tag)
                text = "\n".join(_text_block(issue, show_sensitive=show_sensitive))
                if tag == "failure":
                    element.set("type", issue.code)
                    message = f"{issue.code} {issue.path}: {issue.message_en}"
                    element.set("message", _xml_safe(message))
                element.text = _xml_safe(text)
        suite.set("tests", str(max(1, len(by_record))))
        xml: str = etree.tostring(suite, encoding="unicode", pretty_print=True)
        return xml

    def add(self, issue: Issue, *, max_issues: int | None = None) -> None:
        """Record ``issue``; past ``max_issues`` kept issues it is counted but not kept."""
        self.counts[issue.code] += 1
        if max_issues is not None and len(self.issues) >= max_issues:
            self.dropped += 1
        else:
            self.issues.append(issue)

    def extend(self, issues: Iterable[Issue], *, max_issues: int | None = None) -> None:
        """Record several issues (see :meth:`add`)."""
        for issue in issues:
            self.add(issue, max_issues=max_issues)


_ERROR = Severity.ERROR
_WARNING = Severity.WARNING


def _record_pointer(path: str) -> str:
    # "/communities/3/households" -> "/communities/3": JUnit groups per record.
    parts = path.split("/")
    return "/".join(parts[:3]) if len(parts) > 3 else path


def _text_block(issue: Issue, *, show_sensitive: bool, language: str = "both") -> list[str]:
    head = f"{issue.severity.value.upper():7} {issue.code} {issue.path}"
    if issue.record_id:
        head += f" [{issue.record_id}]"
    if issue.location:
        head += f" ({issue.location})"
    lines = [head]
    if language in ("zh", "both"):
        lines.append(f"        {issue.message_zh}")
    if language in ("en", "both"):
        lines.append(f"        {issue.message_en}")
    value = issue.raw_value if show_sensitive and issue.raw_value is not None else issue.value
    if value is not None:
        lines.append(
            f"        value: {value!r}" if not isinstance(value, str) else f"        value: {value}"
        )
    return lines
