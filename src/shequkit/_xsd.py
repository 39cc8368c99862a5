"""XML Schema (XSD 1.0) of the shequkit XML document, generated from the model.

Like the JSON Schema (:mod:`shequkit._jsonschema`), the XSD is never written by
hand: every record class becomes a ``complexType`` whose ``xs:sequence`` lists
its attrs fields in declaration order — the order the XML writer writes them —
each with the simple type its type hint and metadata call for. The checked-in
copy ``schemas/shequkit-1.0.xsd`` is regenerated with::

    python -m shequkit._xsd schemas

and a test fails when it drifts from the model.

Type mapping: ``str`` → ``xs:string`` (``minLength``/``maxLength`` and a
not-blank pattern for text fields), ``int`` → ``xs:integer``, ``float`` →
``xs:double`` (the writer uses Python's shortest repr, which may have an
exponent), ``Decimal`` → ``xs:decimal``, ``bool`` → ``xs:boolean``, ``date`` →
``xs:date``, ``datetime`` → ``xs:dateTime``, a :class:`LabelledEnum` → an
``xs:enumeration`` of its official values, ``tuple[X, ...]`` → repeated
``<item>`` elements, the code types → patterns of their normalised forms.
Bounds become ``minInclusive``/``maxInclusive``; fields with a default have
``minOccurs="0"`` (the writer leaves out fields equal to their default). Each
field is documented with its Chinese header and unit (``户数(户)``).

The XSD describes files *as shequkit writes them*; the reader is a little more
lenient (English enumeration names, elements in any order), and cross-record
rules (references, check characters, totals) need ``shequkit validate``.
"""

from __future__ import annotations

import datetime
import functools
import re
import sys
import typing
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

import attrs
from lxml import etree

from shequkit._atomic import atomic_write
from shequkit._exceptions import MalformedInputError
from shequkit._masking import SENSITIVE
from shequkit.codes import USCC, DivisionCode, LabelledEnum, PersonName, PhoneNumber, ResidentID
from shequkit.formats._base import ReadOptions, open_input
from shequkit.formats._tabular import columns
from shequkit.model import RECORD_KINDS, SCHEMA_VERSION, Metadata
from shequkit.model._dataset import _PERIOD, _check_period
from shequkit.model._fields import _not_blank, bounds, max_length_of

__all__ = ["XSD_FILE", "check_document", "document_schema", "document_xsd", "write_xsd"]

XSD_FILE: Final = f"shequkit-{SCHEMA_VERSION}.xsd"
"""File name of the XSD under ``schemas/``."""

_XS: Final = "http://www.w3.org/2001/XMLSchema"
_Q: Final = f"{{{_XS}}}"
_REGENERATE: Final = "python -m shequkit._xsd schemas"
_ERRORS_SHOWN: Final = 5


def _python_space() -> str:
    """Regex class body of what ``str.strip()`` removes, as far as XML 1.0 can hold it.

    Spelt out rather than ``\\p{Z}``: libxml2's Unicode tables are older than
    Python's (U+180E was a space once), and the XSD must accept every value
    the model accepts.
    """
    spaces = [
        code
        for code in range(0x80, 0x10000)
        if chr(code).isspace() and not 0xD800 <= code <= 0xDFFF and code < 0xFFFE
    ]
    body = "\\s"  # space, tab, line feed, carriage return
    index = 0
    while index < len(spaces):
        end = index
        while end + 1 < len(spaces) and spaces[end + 1] == spaces[end] + 1:
            end += 1
        body += chr(spaces[index]) + (f"-{chr(spaces[end])}" if end > index else "")
        index = end + 1
    return body


_SPACE: Final = _python_space()
_SPACE_CHARACTERS: Final = frozenset(_SPACE[2:].replace("-", ""))  # written as &#x...;
_NAME_END: Final = f"[^{_SPACE}\\p{{Cc}}\\p{{Nd}}]"

# XSD regular expressions are implicitly anchored and have no (?:...) groups; \d
# would match any Unicode digit, so digits are spelt [0-9].
_USCC_CHAR: Final = "[0-9A-HJ-NP-RTUW-Y]"  # the 31-character alphabet: no I, O, S, V, Z
_CODE_PATTERNS: Final[dict[type, tuple[str, ...]]] = {
    DivisionCode: ("[1-8][0-9]{11}",),
    USCC: (f"{_USCC_CHAR}{{2}}[0-9]{{6}}{_USCC_CHAR}{{10}}",),
    ResidentID: ("[0-9]{17}[0-9X]",),
    # Several xs:pattern facets in one restriction are alternatives.
    PhoneNumber: (
        "1[3-9][0-9]{9}",
        "0[0-9]{2,3}-[2-9][0-9]{6,7}(-[0-9]{1,6})?",
        "[48]00-[0-9]{3}-[0-9]{4}",
    ),
    # Stripped, no control characters, line/paragraph separators or digits of any script.
    PersonName: (f"{_NAME_END}([^\\p{{Cc}}\\p{{Nd}}\u2028\u2029]*{_NAME_END})?",),
}
_CODE_NOTES: Final[dict[type, str]] = {
    DivisionCode: "统计用区划代码,12 位数字 (12-digit statistical division code)",
    USCC: "统一社会信用代码,18 位 (unified social credit code, GB 32100-2015)",
    ResidentID: "公民身份号码,18 位,个人信息 (resident identity number; personal data)",
    PhoneNumber: (
        "电话号码,规范形式:手机 13812345678、固定电话 025-84567890(-分机)、"
        "服务热线 400-123-4567 (phone number, normalised; personal data)"
    ),
    PersonName: "姓名,个人信息 (personal name; personal data)",
}
_NOT_BLANK: Final = f"[\\s\\S]*[^{_SPACE}][\\s\\S]*"
_PLAIN: Final[dict[Any, str]] = {
    str: "xs:string",
    int: "xs:integer",
    float: "xs:double",
    Decimal: "xs:decimal",
    bool: "xs:boolean",
    datetime.datetime: "xs:dateTime",
    datetime.date: "xs:date",
}


def document_xsd() -> bytes:
    """The XSD of the shequkit XML document, as UTF-8 bytes (what ``write_xsd`` writes)."""
    schema = etree.Element(_Q + "schema", nsmap={"xs": _XS}, version=SCHEMA_VERSION)
    _document(
        schema,
        f"shequkit 社区建设数据 XML 文档 {SCHEMA_VERSION}:根元素 shequkit(属性 schema_version),"
        "元数据 meta,每类记录一个集合元素。"
        f" The shequkit XML document {SCHEMA_VERSION}: root <shequkit schema_version>,"
        " the submission's <meta>, then one element per record collection.",
    )
    _element(schema, "shequkit", type="Document")  # the one global element
    document = _sub(schema, "complexType", name="Document")
    sequence = _sub(document, "sequence")
    _document(_element(sequence, "meta", type="Metadata"), "元数据 (metadata of the submission)")
    for kind in RECORD_KINDS:
        element = _element(sequence, kind.collection, type=f"{kind.cls.__name__}List")
        element.set("minOccurs", "0")
        _document(element, f"{kind.label_zh} ({kind.collection})")
    version = _sub(document, "attribute", name="schema_version", use="required")
    _document(version, "数据规范版本 (schema version)")
    _enumeration(_sub(version, "simpleType"), [SCHEMA_VERSION])
    simple_types: dict[str, Any] = {}
    _record_type(schema, Metadata, "Metadata", simple_types, skip="schema_version")
    for kind in RECORD_KINDS:
        name = kind.cls.__name__
        collection = _sub(schema, "complexType", name=f"{name}List")
        item = _element(_sub(collection, "sequence"), kind.name, type=name)
        item.set("minOccurs", "0")
        item.set("maxOccurs", "unbounded")
        _record_type(schema, kind.cls, name, simple_types)
    for simple in simple_types.values():
        schema.append(simple)
    comment = etree.Comment(
        f" Generated from the shequkit model; do not edit. Regenerate: {_REGENERATE} "
    )
    schema.addprevious(comment)
    text: str = etree.tostring(schema.getroottree(), encoding="unicode", pretty_print=True)
    # Invisible space characters in patterns become character references.
    for character in sorted(_SPACE_CHARACTERS):
        text = text.replace(character, f"&#x{ord(character):X};")
    return b"<?xml version='1.0' encoding='UTF-8'?>\n" + text.encode()


def write_xsd(directory: Path) -> Path:
    """Write :data:`XSD_FILE` into ``directory`` (created if missing) atomically; return it."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / XSD_FILE
    with atomic_write(path) as out:
        out.write(document_xsd())
    return path


@functools.cache
def document_schema() -> Any:
    """The XSD compiled as an ``lxml.etree.XMLSchema`` (made once)."""
    parser = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True)
    return etree.XMLSchema(etree.fromstring(document_xsd(), parser))


def check_document(path: Path, options: ReadOptions) -> None:
    """Validate the whole file at ``path`` against the XSD; raise if it does not conform.

    The file is parsed whole (hardened like the streaming reader: a DOCTYPE is
    refused before parsing), so this costs one extra pass and the memory of
    the tree.

    Raises:
        MalformedInputError: ``SQK-F103`` listing the first schema violations
            with their lines; quoted values are cut from the messages, since
            they may be personal data.
        HostileInputError, EncodingError: as for :meth:`XmlCodec.read`.
    """
    from shequkit.formats._xml import check_prolog, syntax_error  # the codec imports us lazily

    where = path.name
    parser = etree.XMLParser(
        resolve_entities=False,
        load_dtd=False,
        no_network=True,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        encoding=options.encoding,
    )
    with open_input(path) as stream:
        check_prolog(stream, where, options.max_line_bytes)
        stream.seek(0)
        try:
            tree = etree.parse(stream, parser)
        except etree.XMLSyntaxError as error:
            raise syntax_error(error, parser.error_log, where) from None
    schema = document_schema()
    if schema.validate(tree):
        return
    log = list(schema.error_log)
    shown = [f"line {entry.line}: {_redact(entry.message)}" for entry in log[:_ERRORS_SHOWN]]
    more = f" (+{len(log) - len(shown)})" if len(log) > len(shown) else ""
    joined = "; ".join(shown) + more
    raise MalformedInputError(
        f"{where} 不符合 shequkit XML Schema:{joined}",
        f"{where} does not conform to the shequkit XML Schema: {joined}",
        where=where,
        errors=shown,
    )


_QUOTED_VALUE: Final = re.compile(r"((?:[Vv]alue|[Kk]ey sequence) )'[^']*'|'[^']*'(?= is not )")


def _redact(message: str) -> str:
    return _QUOTED_VALUE.sub(lambda match: f"{match.group(1) or ''}'…'", message)


# -- building blocks --------------------------------------------------------------------------


def _sub(parent: Any, tag: str, **attributes: str) -> Any:
    return etree.SubElement(parent, _Q + tag, attributes)


def _element(parent: Any, name: str, **attributes: str) -> Any:
    return _sub(parent, "element", name=name, **attributes)


def _document(parent: Any, text: str) -> None:
    _sub(_sub(parent, "annotation"), "documentation").text = text


def _enumeration(simple: Any, values: list[str], labels: list[str] | None = None) -> None:
    restriction = _sub(simple, "restriction", base="xs:string")
    for index, value in enumerate(values):
        facet = _sub(restriction, "enumeration", value=value)
        if labels is not None:
            _document(facet, labels[index])


def _record_type(
    schema: Any, cls: type, name: str, simple_types: dict[str, Any], skip: str | None = None
) -> None:
    """A ``complexType`` with one element per attrs field of ``cls``, in field order."""
    complex_type = _sub(schema, "complexType", name=name)
    _document(complex_type, _first_line(cls.__doc__))
    sequence = _sub(complex_type, "sequence")
    hints = typing.get_type_hints(cls)
    headers = {column.name: column.header for column in columns(cls)}
    for attribute in attrs.fields(cls):
        if attribute.name == skip:
            continue
        element = _element(sequence, attribute.name)
        if attribute.default is not attrs.NOTHING:
            element.set("minOccurs", "0")
        note = headers[attribute.name]
        if attribute.metadata.get(SENSITIVE):
            note += " — 个人信息 (personal data)"
        _document(element, note)
        hint = _unwrap_optional(hints[attribute.name])
        if typing.get_origin(hint) is tuple:
            items = _sub(_sub(_sub(element, "complexType"), "sequence"), "element", name="item")
            items.set("minOccurs", "0")
            items.set("maxOccurs", "unbounded")
            _set_type(items, typing.get_args(hint)[0], attribute, simple_types)
        else:
            _set_type(element, hint, attribute, simple_types)


def _set_type(
    element: Any, hint: Any, attribute: attrs.Attribute[Any], simple_types: dict[str, Any]
) -> None:
    """Give ``element`` its type: a named type, an ``xs:`` type or a restriction of one."""
    if isinstance(hint, type) and issubclass(hint, LabelledEnum | str) and hint is not str:
        element.set("type", _named_type(hint, simple_types))
        return
    base = _PLAIN.get(hint)
    if base is None:
        raise TypeError(f"{attribute.name}: no XSD type for {hint!r}")
    facets = _facets(hint, attribute)
    if not facets:
        element.set("type", base)
        return
    restriction = _sub(_sub(element, "simpleType"), "restriction", base=base)
    for facet, value in facets:
        _sub(restriction, facet, value=value)


def _facets(hint: Any, attribute: attrs.Attribute[Any]) -> list[tuple[str, str]]:
    facets: list[tuple[str, str]] = []
    low, high = bounds(attribute)
    if low is not None:
        facets.append(("minInclusive", _number(low)))
    if high is not None:
        facets.append(("maxInclusive", _number(high)))
    if hint is str:
        validators = list(_validators(attribute.validator))
        if _not_blank in validators:
            facets.append(("minLength", "1"))
        limit = max_length_of(attribute)
        if limit is not None:
            facets.append(("maxLength", str(limit)))
        if _check_period in validators:
            facets.append(("pattern", _xsd_pattern(_PERIOD.pattern)))
        elif _not_blank in validators:
            facets.append(("pattern", _NOT_BLANK))
    return facets


def _named_type(hint: type, simple_types: dict[str, Any]) -> str:
    """The name of the shared ``simpleType`` of an enumeration or code type (made on first use)."""
    name = hint.__name__
    if name in simple_types:
        return name
    simple = etree.Element(_Q + "simpleType", name=name)
    if issubclass(hint, LabelledEnum):
        _document(simple, _first_line(hint.__doc__))
        members = list(hint)
        _enumeration(
            simple,
            [member.value for member in members],
            [_member_label(member) for member in members],
        )
    else:
        code_type = next(code for code in _CODE_PATTERNS if issubclass(hint, code))
        _document(simple, _CODE_NOTES[code_type])
        restriction = _sub(simple, "restriction", base="xs:string")
        if code_type is PersonName:
            _sub(restriction, "minLength", value="1")
            _sub(restriction, "maxLength", value="64")
        for pattern in _CODE_PATTERNS[code_type]:
            _sub(restriction, "pattern", value=pattern)
    simple_types[name] = simple
    return name


def _member_label(member: LabelledEnum) -> str:
    if member.value == member.label_zh:
        return f"{member.value} ({member.label_en})"
    return f"{member.value} = {member.label_zh} ({member.label_en})"


def _unwrap_optional(hint: Any) -> Any:
    args = typing.get_args(hint)
    if type(None) in args:
        others = [arg for arg in args if arg is not type(None)]
        if len(others) != 1:
            raise TypeError(f"unsupported union {hint!r}: only X | None is")
        return others[0]
    return hint


def _validators(validator: Any) -> list[Any]:
    """The validators of a field, with attrs' ``and_`` chains flattened."""
    if validator is None:
        return []
    chained = getattr(validator, "_validators", None)
    if isinstance(chained, tuple):
        return [flat for item in chained for flat in _validators(item)]
    return [validator]


def _xsd_pattern(pattern: str) -> str:
    """A Python ``\\A...\\Z`` regex in XSD syntax: no anchors, plain groups, ASCII digits."""
    if not (pattern.startswith(r"\A") and pattern.endswith(r"\Z")):
        raise ValueError(f"cannot translate regex {pattern!r}: expected \\A...\\Z anchors")
    return pattern[2:-2].replace("(?:", "(").replace(r"\d", "[0-9]")


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _first_line(doc: str | None) -> str:
    return (doc or "").strip().splitlines()[0] if doc and doc.strip() else ""


if __name__ == "__main__":
    write_xsd(Path(sys.argv[1]))
