"""XML (``.xml``): the canonical document as elements, read streaming and hardened.

The document mirrors the canonical JSON document, with no XML namespace::

    <?xml version="1.0" encoding="UTF-8"?>
    <shequkit schema_version="1.0">
      <meta><reporting_unit>玄武区民政局</reporting_unit><period>2024</period></meta>
      <communities>
        <community><id>c1</id><division_code>320102001001</division_code>...</community>
      </communities>
      <services>
        <service>...<target_groups><item>老年人</item><item>残疾人</item></target_groups></service>
      </services>
    </shequkit>

Element names are the field, kind and collection names; a list is one ``<item>``
per value; fields equal to their default are left out. The XML Schema
``schemas/shequkit-1.0.xsd`` (see :mod:`shequkit._xsd`) describes exactly what
the writer produces.

Reading is hardened (安全解析): any ``<!DOCTYPE`` is refused before the parser
sees it, so no entity is ever declared or expanded and no DTD, file or URL is
ever loaded; XInclude is never processed; nesting, text and record sizes are
bounded. It streams: each record is converted when its end tag is parsed and
then dropped from the tree, so memory stays flat for any file size.
"""

from __future__ import annotations

import codecs
import contextlib
import re
import shutil
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, ClassVar, Final
from xml.sax.saxutils import quoteattr

from lxml import etree

from shequkit._atomic import atomic_write
from shequkit._convert import json_converter
from shequkit._exceptions import (
    EncodingError,
    HostileInputError,
    MalformedInputError,
    ShequkitError,
    UsageError,
)
from shequkit._hookspecs import hookimpl
from shequkit.formats._base import (
    INT64_RANGE,
    META,
    Codec,
    KindSpools,
    RawRecord,
    ReadOptions,
    counted,
    limit_exceeded,
    open_input,
)
from shequkit.formats._tabular import Column, cell_to_wire, columns
from shequkit.model import RECORD_KINDS, Metadata, Record, RecordKind, kind_of

__all__ = ["ROOT", "XmlCodec", "check_prolog", "shequkit_formats", "syntax_error"]

ROOT: Final = "shequkit"
"""Name of the root element."""

ITEM: Final = "item"
"""Name of the element holding one value of a list field."""

MAX_DEPTH: Final = 10
"""Deepest element nesting accepted (a document is at most 5 deep: root to ``<item>``)."""

NOT_XML_CODE: Final = "SQK-U110"
"""Code of the :class:`UsageError` raised for text XML 1.0 cannot hold."""

_VERSION: Final = "schema_version"
_PROLOG_CHUNK: Final = 4096
# Attributes of these namespaces are XML machinery (xsi:noNamespaceSchemaLocation,
# xml:lang), not data; they are allowed on the root and ignored (never fetched).
_IGNORED_ATTRIBUTE_PREFIXES: Final = (
    "{http://www.w3.org/2001/XMLSchema-instance}",
    "{http://www.w3.org/XML/1998/namespace}",
)
# XML 1.0 cannot represent these characters at all, not even as &#...; references.
_NOT_XML: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_ABSENT: Final[Any] = object()
# libxml2's safety limits (depth 256, text 10 MB...) all report ERR_RESOURCE_LIMIT.
_HOSTILE_ERRORS: Final = frozenset({"ERR_RESOURCE_LIMIT", "ERR_ENTITY_LOOP"})
_DOCTYPE: Final = "<!DOCTYPE"
# What may precede the root element: white space, the XML declaration and other
# processing instructions, comments. Anything else starting "<!" is a DOCTYPE.
_PROLOG: Final = re.compile(r"(?:[ \t\r\n\ufeff]+|<\?.*?\?>|<!--.*?-->)*", re.DOTALL)
_ROOT_TAG: Final = re.compile(r"<([^\s/>!?]+)([\s/>])?")
_WIDE_ENCODINGS: Final = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00", "utf-16-le"),
    (b"\x00<", "utf-16-be"),
)


# -- conversion tables: built once per kind, so the per-element work is dict lookups -------------

# How a field's text becomes its wire value. Markers for the commonest cases keep
# them inline in the record loop; the callables raise ValueError for text they do
# not handle, which then goes through cell_to_wire like a spreadsheet cell.
_TEXT: Final = "text"  # kept exactly (no strip, no ' restoring: XML has no formulas)
_STRIP: Final = "strip"  # decimal, date, date-time, enumerations: stripped text on the wire
_LIST: Final = "list"  # <item> children; without them: empty → [], text → reported
_BOOLS: Final = {"true": True, "false": False, "1": True, "0": False}


def _boolean(text: str) -> bool:
    return _BOOLS[text]  # KeyError is a LookupError: the caller falls back for 是/否 etc.


def _integer(text: str) -> int:
    # Past 64 bits the text goes on as text, reported by the validator (see _tabular).
    if len(text) > 24:
        raise ValueError(text)
    value = int(text)
    if not INT64_RANGE[0] <= value <= INT64_RANGE[1]:
        raise ValueError(text)
    return value


_HOW: Final[dict[str, Any]] = {
    "str": _TEXT,
    "int": _integer,
    "float": float,
    "bool": _boolean,
    "enum_list": _LIST,
}


def _slow(column: Column, text: str) -> Any:
    """Text the fast path did not convert: blank is absent, the rest as a spreadsheet cell."""
    return _ABSENT if text.isspace() else cell_to_wire(column, text)


class _Table:
    """How to read the child elements of one kind of record (or of ``<meta>``)."""

    __slots__ = ("anomalies", "collection", "columns", "decimals", "how", "name")

    def __init__(self, name: str, collection: str, cls: type | None) -> None:
        self.name = name
        self.collection = collection
        self.columns = {column.name: column for column in columns(cls)} if cls else {}
        self.how: dict[str, Any] = {
            column.name: _HOW.get(column.kind, _STRIP) for column in self.columns.values()
        }
        self.decimals = frozenset(n for n, c in self.columns.items() if c.kind == "decimal")
        lists = [name for name, how in self.how.items() if how is _LIST]
        self.anomalies: Any = etree.XPath(_anomalies(name, lists))


def _anomalies(record: str, lists: list[str]) -> str:
    """XPath, from a collection element: is anything there that shequkit XML does not allow?"""
    found = [
        "text()[normalize-space()]",  # text between records
        f"*[not(self::{record})]",  # an element that is not a record of this collection
        "*/@*",  # attributes of records
        "*/text()[normalize-space()]",  # text between fields
        "*/*/@*",  # attributes of fields
    ]
    if lists:  # only <item> leaves without attributes, only in list fields, no text between
        parents = " or ".join(f"parent::{name}" for name in lists)
        found.append(f"*/*/*[not(self::{ITEM}) or @* or * or not({parents})]")
        found += [f"*/{name}[*]/text()[normalize-space()]" for name in lists]
    else:
        found.append("*/*/*")  # elements inside fields
    return f"boolean({' | '.join(found)})"


_TABLES: Final = {kind.name: _Table(kind.name, kind.collection, kind.cls) for kind in RECORD_KINDS}
_BY_COLLECTION: Final = {table.collection: table for table in _TABLES.values()}
_META_TABLE: Final = _Table(META, META, Metadata)
_UNKNOWN_TABLE: Final = _Table("unknown", "unknown", None)  # every field kept as text
# Only these elements produce parser events; everything else is read through
# its record (or, when unknown, through its container) in one go.
_EVENT_TAGS: Final = sorted({ROOT, META, *_TABLES, *_BY_COLLECTION})
_OUTSIDE: Final[Any] = object()  # "no collection yet": never an element's parent
# Records are checked and dropped from the tree in batches: one XPath per batch
# costs less than looking at every element from Python.
_BATCH: Final = 64
_BATCH_BYTES: Final = 1024**2


class XmlCodec:
    """Reads and writes shequkit XML (``.xml``), streaming both ways.

    Args:
        validate_schema: also validate the whole document against the XML
            Schema (:func:`shequkit._xsd.document_xsd`) before reading it.
            This parses the file twice and holds the whole tree in memory once;
            a document that does not conform raises ``MalformedInputError``
            (``SQK-F103``) listing the first problems. Off by default: the
            normal path is shequkit's own validator, which reports every
            problem as an issue with its code and path.
    """

    name: ClassVar[str] = "xml"
    media_type: ClassVar[str] = "application/xml"
    extensions: ClassVar[tuple[str, ...]] = (".xml",)
    streams: ClassVar[bool] = True
    can_read: ClassVar[bool] = True
    can_write: ClassVar[bool] = True

    def __init__(self, *, validate_schema: bool = False) -> None:
        self.validate_schema = validate_schema

    def read(self, path: Path, options: ReadOptions) -> Iterator[RawRecord]:
        """Yield the metadata (kind ``"meta"``) and every record, in file order.

        Raises:
            HostileInputError: ``SQK-F104`` for a DOCTYPE (and so any entity or
                DTD), nesting deeper than :data:`MAX_DEPTH`, a text node over
                lxml's 10 MB limit, or a record larger than ``max_line_bytes``.
            MalformedInputError: ``SQK-F103`` for XML that is not well-formed or
                not shaped as a shequkit document (see docs/formats-xml.md).
            EncodingError: ``SQK-F102`` for bytes invalid in the document's encoding.
        """
        return counted(_Reader(path, options, self.validate_schema).records(), options, path.name)

    def write(self, path: Path, meta: Metadata, records: Iterable[Record]) -> int:
        """Write a document atomically, kinds in document order; return the record count.

        Raises:
            UsageError: ``SQK-U110`` when a text holds a character XML 1.0
                cannot represent (control characters other than tab, line feed
                and carriage return, lone surrogates, U+FFFE, U+FFFF).
        """
        count = 0
        with contextlib.ExitStack() as spools_stack:
            with contextlib.ExitStack() as writers_stack:
                # The xmlfile writers close (writing </collection>) before the copy below.

                def open_collection(kind: RecordKind, spool: IO[bytes]) -> tuple[IO[bytes], Any]:
                    writer = writers_stack.enter_context(etree.xmlfile(spool, encoding="utf-8"))
                    writers_stack.enter_context(writer.element(kind.collection))
                    return spool, writer

                spools = KindSpools(spools_stack, open_collection)
                for record in records:
                    kind = kind_of(record)
                    spools[kind][1].write("\n    ", _record_element(kind, record))
                    count += 1
                for _kind, (_spool, writer) in spools.in_order():
                    writer.write("\n  ")
            with atomic_write(path) as out:
                version = _xml_text(meta.schema_version, "meta", _VERSION)
                out.write(b'<?xml version="1.0" encoding="UTF-8"?>\n')
                out.write(f"<{ROOT} {_VERSION}={quoteattr(version)}>\n  ".encode())
                out.write(etree.tostring(_meta_element(meta), encoding="utf-8"))
                for _kind, (collection, _writer) in spools.in_order():
                    out.write(b"\n  ")
                    collection.seek(0)
                    shutil.copyfileobj(collection, out)
                out.write(f"\n</{ROOT}>\n".encode())
        return count


@hookimpl
def shequkit_formats() -> Sequence[Codec]:
    """The XML codec."""
    return [XmlCodec()]


# -- writing ----------------------------------------------------------------------------------


def _xml_text(text: str, where: str, field: str) -> str:
    """``text`` unchanged, or ``UsageError`` if XML 1.0 cannot hold one of its characters."""
    bad = _NOT_XML.search(text)
    if bad is None:
        return text
    # The value itself may be personal data: name the field and the code point only.
    point = f"U+{ord(bad.group()):04X}"
    raise UsageError(
        f"{where} 的字段 {field} 含有 XML 1.0 无法表示的字符 {point},无法写入 XML",
        f"field {field} of {where} holds the character {point}, which XML 1.0 cannot"
        " represent; it cannot be written as XML",
        code=NOT_XML_CODE,
        field=field,
        character=point,
    )


def _fill(parent: Any, wire: dict[str, Any], where: str, table: _Table) -> Any:
    # cattrs puts fields with defaults after the others; the XSD's xs:sequence wants
    # declaration order, so the table's field order decides.
    sub_element = etree.SubElement
    for name in table.how:
        value = wire.get(name, _ABSENT)
        if value is _ABSENT or value is None:
            continue  # None never occurs: every optional field defaults to None
        element = sub_element(parent, name)
        if type(value) is str:
            if name in table.decimals and "E" in value.upper():
                value = format(Decimal(value), "f")  # xs:decimal has no exponent form
            element.text = _xml_text(value, where, name)
        elif type(value) is bool:
            element.text = "true" if value else "false"
        elif type(value) is list:
            for item in value:
                sub_element(element, ITEM).text = _xml_text(str(item), where, name)
        else:
            element.text = str(value)  # int, float (the shortest repr round-trips)
    return parent


def _record_element(kind: RecordKind, record: Record) -> Any:
    wire: dict[str, Any] = json_converter.unstructure(record)
    key = wire.get(kind.key_field)
    where = f"{kind.name} {key}" if type(key) is str and not _NOT_XML.search(key) else kind.name
    return _fill(etree.Element(kind.name), wire, where, _TABLES[kind.name])


def _meta_element(meta: Metadata) -> Any:
    wire: dict[str, Any] = json_converter.unstructure(meta)
    wire.pop(_VERSION, None)  # stated once, on the root element
    return _fill(etree.Element(META), wire, META, _META_TABLE)


# -- reading: the prolog ----------------------------------------------------------------------


def check_prolog(stream: IO[bytes], where: str, limit: int) -> None:
    """Refuse a DOCTYPE, and anything but ``<shequkit>`` as root, before lxml sees the bytes.

    The prolog (XML declaration, comments, processing instructions) is read
    up to the root start tag. A ``<!DOCTYPE`` — the only way to declare
    entities or point at a DTD — is refused here, so neither internal nor
    external entities, parameter entities nor DTD URLs ever reach the parser.
    """
    head = b""
    size = _PROLOG_CHUNK
    while True:
        chunk = stream.read(size)
        head += chunk
        found = _root_name(_prolog_text(head), where)
        if found is not None:
            break
        if not chunk:
            raise MalformedInputError(
                f"{where} 不是 XML 文档:没有根元素",
                f"{where} is not an XML document: no root element",
                where=where,
            )
        if len(head) > limit:
            raise HostileInputError(
                f"{where} 的 XML 序言超过长度上限 {limit} 字节",
                f"the XML prolog of {where} exceeds the limit of {limit} bytes",
                where=where,
                limit=limit,
            )
        size *= 2  # rescanning a doubling head keeps a long prolog linear overall
    if found != ROOT:
        raise MalformedInputError(
            f"{where} 的根元素是 <{found}>,应为 <{ROOT}>",
            f"the root element of {where} is <{found}>; a shequkit document has <{ROOT}>",
            where=where,
        )


def _prolog_text(head: bytes) -> str:
    # The prolog is ASCII in every ASCII-compatible encoding (UTF-8, GB18030...);
    # UTF-16/32 are recognised by their byte-order mark or the "<" pattern.
    for mark, codec in _WIDE_ENCODINGS:
        if head.startswith(mark):
            return head.decode(codec, errors="replace")
    return head.removeprefix(codecs.BOM_UTF8).decode("latin-1")


def _root_name(text: str, where: str) -> str | None:
    """The root element's name, or ``None`` if ``text`` ends before it is known."""
    rest = text[_PROLOG.match(text).end() :]  # type: ignore[union-attr]  # matches ""
    if rest.startswith(_DOCTYPE):
        raise HostileInputError(
            f"{where} 含有 DOCTYPE 声明;为安全起见,shequkit 拒绝任何 DTD 和实体声明",
            f"{where} has a DOCTYPE declaration; for safety shequkit refuses any DTD"
            " and entity declaration",
            where=where,
        )
    if rest.startswith(("<?", "<!--")) or _DOCTYPE.startswith(rest) or "<!--".startswith(rest):
        return None  # a comment, PI or DOCTYPE not complete yet
    root = _ROOT_TAG.match(rest)
    if root is not None:
        return root.group(1) if root.group(2) else None
    raise MalformedInputError(
        f"{where} 不是 XML 文档:根元素之前有多余内容",
        f"{where} is not an XML document: unexpected content before the root element",
        where=where,
    )


# -- reading: the document --------------------------------------------------------------------


class _CountingStream:
    """The byte source handed to lxml: refuses a record larger than the limit.

    ``mark`` is moved after every record, so ``count - mark`` is what the parser
    has consumed without completing one; lxml holds about that much as a tree.
    A record completed now began after the previous one ended, at most
    ``chunk`` (the largest read) before ``mark``: so it is at most
    ``count - mark + chunk`` bytes long.
    """

    __slots__ = ("_limit", "_raw", "_where", "chunk", "count", "mark")

    def __init__(self, raw: IO[bytes], where: str, limit: int) -> None:
        self._raw = raw
        self._where = where
        self._limit = limit
        self.count = 0
        self.mark = 0
        self.chunk = 0

    def read(self, size: int) -> bytes:
        data = self._raw.read(size)
        self.count += len(data)
        if len(data) > self.chunk:
            self.chunk = len(data)
        if self.count - self.mark > self._limit:
            raise HostileInputError(
                f"{self._where} 中有记录或元素超过大小上限 {self._limit} 字节"
                f"(max_line_bytes={self._limit})",
                f"a record or element of {self._where} exceeds the limit of {self._limit} bytes"
                f" (max_line_bytes={self._limit})",
                where=self._where,
                limit=self._limit,
                limit_name="max_line_bytes",
            )
        return data


class _Reader:
    """One pass over one document; a class so the per-record loop keeps its state local.

    Records are converted without per-element checks; every few records one
    compiled XPath per kind (:func:`_anomalies`) looks over what was read for
    anything the format does not allow — attributes, stray text, nesting below
    ``<item>``, a misplaced element — and only if it finds something are the
    records checked one by one to raise a precise error. Then the checked
    records are deleted from the tree.
    """

    def __init__(self, path: Path, options: ReadOptions, validate_schema: bool) -> None:
        self.path = path
        self.where = path.name
        self.options = options
        self.validate_schema = validate_schema
        self.version: str | None = None
        self.metas = 0
        self.counters: dict[str, int] = {}

    def records(self) -> Iterator[RawRecord]:
        """The raw records, as a generator: nothing is opened before the first is asked for."""
        if self.validate_schema:
            from shequkit._xsd import check_document  # imports this module: import when used

            check_document(self.path, self.options)
        with open_input(self.path) as stream:
            check_prolog(stream, self.where, self.options.max_line_bytes)
            stream.seek(0)
            source = _CountingStream(stream, self.where, self.options.max_line_bytes)
            try:
                parser = etree.iterparse(
                    source,
                    events=("end", "start-ns"),
                    tag=_EVENT_TAGS,
                    encoding=self.options.encoding,
                    resolve_entities=False,
                    load_dtd=False,
                    no_network=True,
                    dtd_validation=False,
                    attribute_defaults=False,
                    huge_tree=False,
                    remove_blank_text=True,
                    remove_comments=True,
                    remove_pis=True,
                )
            except LookupError:  # an unknown encoding name
                raise EncodingError(
                    f"{self.where}:未知的编码 {self.options.encoding}",
                    f"{self.where}: unknown encoding {self.options.encoding!r}",
                    where=self.where,
                ) from None
            try:
                yield from self._records(parser, source)
            except etree.XMLSyntaxError as error:
                raise syntax_error(error, parser.error_log, self.where) from None

    def _records(self, parser: Any, source: _CountingStream) -> Iterator[RawRecord]:
        root: Any = None
        counters = self.counters
        field_limit = self.options.max_field_chars
        current: Any = _OUTSIDE  # the collection element of the last record
        table: _Table | None = None
        name = collection = ""
        index = pending = emptied_at = 0  # pending: records of `current` still in the tree
        for event, element in parser:
            if event != "end":  # start-ns: (prefix, uri)
                if not element[0] and element[1]:
                    raise self._malformed(
                        f"shequkit XML 不使用命名空间(发现默认命名空间 {element[1]})",
                        f"shequkit XML uses no namespace (found the default namespace"
                        f" {element[1]})",
                        None,
                    )
                continue
            parent = element.getparent()
            if parent is not current:
                if root is None:
                    root = self._start(element)
                if parent is None:
                    yield from self._finish(element)
                    continue
                if parent is root:
                    yield from self._top_level(element, root)
                    source.mark = source.count
                    continue
                if parent.getparent() is not root:
                    continue  # a record-named element deeper down: part of its record
                yield from self._drop_before(parent, root)  # the first record of a collection
                current, table = parent, _BY_COLLECTION.get(parent.tag)
                if table is None:
                    continue  # records of an unknown collection: read at its end
                name, collection = table.name, table.collection
                index, pending, emptied_at = counters.get(collection, 0), 0, source.count
            if table is None or element.tag != name:
                continue  # unknown or misplaced: dealt with at its collection's end
            if source.count - source.mark + source.chunk > field_limit:
                self._check_text(element)  # only a record this long can hold a long text
            counters[collection] = index + 1
            yield RawRecord(
                name,
                index,
                self._fields(element, table),
                f"/{collection}/{index}",
                f"line {element.sourceline}",
            )
            index += 1
            source.mark = source.count
            pending += 1
            if pending >= _BATCH or source.count - emptied_at > _BATCH_BYTES:
                # Check what the collection holds in one go (the records read, and any
                # parsed ahead: a partial record has no anomaly it will not keep), then
                # delete the records read but this one: lxml may still point at it.
                self._verify(current, table)
                del current[: pending - 1]
                pending, emptied_at = 1, source.count
        if root is None:
            raise self._malformed(
                f"根元素应为无命名空间的 <{ROOT}>",
                f"the root element must be <{ROOT}> in no namespace",
                None,
            )

    def _start(self, element: Any) -> Any:
        root = element.getroottree().getroot()
        if root.getroottree().docinfo.doctype:  # refused in the prolog already; never again
            raise HostileInputError(
                f"{self.where} 含有 DOCTYPE 声明", f"{self.where} has a DOCTYPE", where=self.where
            )
        if root.tag != ROOT:
            raise self._malformed(
                f"根元素应为 <{ROOT}>", f"the root element must be <{ROOT}>", root
            )
        for name, value in root.attrib.items():
            if name == _VERSION:
                self.version = value
            elif not name.startswith(_IGNORED_ATTRIBUTE_PREFIXES):
                self._no_attributes(root, name)
        return root

    def _top_level(self, element: Any, root: Any) -> Iterator[RawRecord]:
        """A child of the root has ended: meta or a collection; earlier siblings are dropped."""
        yield from self._drop_before(element, root)
        tag = element.tag
        if tag == META:
            self._check(element, _META_TABLE)
            self._check_text(element)
            data = self._fields(element, _META_TABLE)
            if self.version is not None:
                data = {_VERSION: self.version, **data}
            self.metas += 1
            yield RawRecord(META, self.metas - 1, data, "/meta", f"line {element.sourceline}")
        elif tag in _BY_COLLECTION:
            self._verify(element, _BY_COLLECTION[tag])
        else:  # a record kind's element outside its collection
            raise self._misplaced(element, ROOT)
        element.clear()  # kept, emptied, until the next one ends: lxml may point at it

    def _drop_before(self, element: Any, root: Any) -> Iterator[RawRecord]:
        """Delete the root's children before ``element``, reading unknown ones first."""
        self._no_stray(root.text, root)
        first = root[0]
        while first is not element:
            yield from self._unknown_collection(first)
            self._no_stray(first.tail, root)
            del root[0]
            first = root[0]

    def _finish(self, root: Any) -> Iterator[RawRecord]:
        for child in root:
            yield from self._unknown_collection(child)
            self._no_stray(child.tail, root)
        self._no_stray(root.text, root)
        if self.metas == 0:
            yield RawRecord(META, 0, None, "/meta")

    def _unknown_collection(self, element: Any) -> Iterator[RawRecord]:
        """An element under the root that is no collection: its records are ``SQK-E106``."""
        tag = element.tag
        if tag == META or tag in _BY_COLLECTION:
            return  # already read at its end tag
        if tag in _TABLES:
            raise self._misplaced(element, ROOT)
        self._no_attributes(element)
        self._check_text(element)
        location = f"line {element.sourceline}"
        if len(element) == 0:
            text = "" if element.text is None else element.text
            yield RawRecord(tag, -1, text, f"/{tag}", location)
            return
        self._no_stray(element.text, element)
        for child in element:
            self._no_stray(child.tail, element)
            self._check(child, _UNKNOWN_TABLE)
            index = self.counters.get(tag, 0)
            self.counters[tag] = index + 1
            data = self._fields(child, _UNKNOWN_TABLE)
            yield RawRecord(tag, index, data, f"/{tag}/{index}", f"line {child.sourceline}")

    # -- one record: the hot path ---------------------------------------------------------

    def _fields(self, element: Any, table: _Table) -> dict[str, Any]:
        """The wire mapping of a record (or meta) element, built from its child elements."""
        data: dict[str, Any] = {}
        hows = table.how
        absent: list[str] | None = None
        for child in element:
            tag = child.tag
            text = child.text
            how = hows.get(tag, _TEXT)  # an unknown field keeps its text (SQK-E104)
            if how is _TEXT:
                data[tag] = "" if text is None else text
                continue
            if how is _LIST:
                if len(child):
                    data[tag] = ["" if item.text is None else item.text for item in child]
                else:  # empty: no values; text: reported by the validator (SQK-E102)
                    data[tag] = [] if text is None or text.isspace() else text
                continue
            if text is None:
                value = _ABSENT  # an empty element of a non-text field: as if left out
            elif how is _STRIP:
                value = text.strip() or _ABSENT
            else:
                try:
                    value = how(text)
                except (LookupError, ValueError):
                    value = _slow(table.columns[tag], text)
            if value is not _ABSENT:
                data[tag] = value
            elif absent is None:
                absent = [tag]
            else:
                absent.append(tag)
        count = len(data) + (len(absent) if absent else 0)
        if count != len(element) or (absent and len({*absent, *data}) != count):
            raise self._duplicate(element)
        return data

    def _verify(self, collection: Any, table: _Table) -> None:
        """Raise if anything in ``collection`` (complete records) is not plain shequkit XML."""
        self._no_attributes(collection)
        if not table.anomalies(collection):
            return
        self._no_stray(collection.text, collection)
        for child in collection:
            if child.tag != table.name:
                raise self._misplaced(child, table.collection)
            self._no_stray(child.tail, collection)
            self._check(child, table)
        raise self._malformed("结构不符合 shequkit XML", "not shaped as shequkit XML", collection)

    def _check(self, element: Any, table: _Table) -> None:
        """Raise if a record has attributes, stray text, or elements below ``<item>``."""
        self._no_attributes(element)
        self._no_stray(element.text, element)
        for child in element:
            self._no_stray(child.tail, element)
            self._no_attributes(child)
            if len(child) == 0:
                continue
            if table.how.get(child.tag) is not _LIST:
                raise self._nested(child)
            self._no_stray(child.text, child)
            for item in child:
                if item.tag != ITEM or len(item):
                    raise self._nested(item)
                self._no_attributes(item)
                self._no_stray(item.tail, child)

    # -- errors -------------------------------------------------------------------------------

    def _check_text(self, element: Any) -> None:
        """Refuse a text in ``element`` longer than ``max_field_chars``."""
        limit = self.options.max_field_chars
        for node in element.iter():
            if node.text is not None and len(node.text) > limit:
                raise limit_exceeded(
                    self.where,
                    "max_field_chars",
                    limit,
                    f"第 {node.sourceline} 行 <{node.tag}> 的文本超过 {limit} 个字符",
                    f"line {node.sourceline}: the text of <{node.tag}> is longer than"
                    f" {limit} characters",
                    line=node.sourceline,
                )

    def _no_stray(self, text: str | None, element: Any) -> None:
        if text is not None and not text.isspace():
            raise self._malformed(
                f"<{element.tag}> 中有元素之外的文本(混合内容不属于 shequkit XML)",
                f"<{element.tag}> holds text between elements (mixed content is not shequkit XML)",
                element,
            )

    def _no_attributes(self, element: Any, name: str | None = None) -> None:
        if name is not None or element.attrib:
            name = name or element.keys()[0]
            raise self._malformed(
                f"<{element.tag}> 带有属性 {name};shequkit XML 的数据只写在元素中",
                f"<{element.tag}> has the attribute {name}; shequkit XML holds data in elements"
                " only",
                element,
            )

    def _nested(self, element: Any) -> ShequkitError:
        depth = max(sum(1 for _ in node.iterancestors()) + 1 for node in element.iter())
        if depth > MAX_DEPTH:
            return HostileInputError(
                f"{self.where} 第 {element.sourceline} 行:元素嵌套超过 {MAX_DEPTH} 层",
                f"{self.where} line {element.sourceline}: elements are nested deeper than"
                f" {MAX_DEPTH} levels",
                where=self.where,
                limit=MAX_DEPTH,
            )
        return self._malformed(
            f"<{element.tag}> 不应含有子元素(只有列表字段含 <{ITEM}>)",
            f"<{element.tag}> may not contain elements (only list fields hold <{ITEM}>)",
            element,
        )

    def _duplicate(self, element: Any) -> MalformedInputError:
        tags = [child.tag for child in element]
        twice = next((tag for tag in tags if tags.count(tag) > 1), "?")
        return self._malformed(
            f"<{element.tag}> 中 <{twice}> 出现了两次",
            f"<{element.tag}> has <{twice}> more than once",
            element,
        )

    def _misplaced(self, element: Any, container: str) -> MalformedInputError:
        return self._malformed(
            f"<{element.tag}> 不应出现在 <{container}> 中",
            f"<{element.tag}> does not belong in <{container}>",
            element,
        )

    def _malformed(self, zh: str, en: str, element: Any) -> MalformedInputError:
        line = element.sourceline if element is not None else None
        at_zh = f" 第 {line} 行" if line else ""
        at_en = f" line {line}" if line else ""
        return MalformedInputError(
            f"{self.where}{at_zh}:{zh}", f"{self.where}{at_en}: {en}", where=self.where, line=line
        )


def syntax_error(error: Any, log: Any, where: str) -> ShequkitError:
    """Translate an lxml parse error: limits are hostile, bad bytes encoding, the rest malformed."""
    # The parser's own log names the first fatal error; the exception's text can be vaguer
    # ("no element found" for an undeclared entity).
    last = log.last_error if log is not None else None
    message = last.message if last is not None else error.msg
    line = last.line if last is not None else error.lineno
    kind = last.type_name if last is not None else ""
    at_zh = f"第 {line} 行" if line else ""
    at_en = f" at line {line}" if line else ""
    # Decided by the error type: the message may quote element names.
    if kind in _HOSTILE_ERRORS or "XML_PARSE_HUGE" in message:
        return HostileInputError(
            f"{where}{at_zh}超出 XML 解析安全限制:{message}",
            f"{where} exceeds an XML parser safety limit{at_en}: {message}",
            where=where,
            line=line,
        )
    if kind.endswith("_ENCODING"):
        return EncodingError(
            f"{where}{at_zh}含有不符合其编码的字节:{message}",
            f"{where} has bytes invalid in its encoding{at_en}: {message}",
            where=where,
            line=line,
        )
    return MalformedInputError(
        f"{where}{at_zh}不是格式正确的 XML:{message}",
        f"{where} is not well-formed XML{at_en}: {message}",
        where=where,
        line=line,
    )
