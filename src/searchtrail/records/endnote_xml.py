"""EndNote XML (also written by Zotero and Mendeley), read with defusedxml.

defusedxml refuses the XML attacks a crafted file could carry (entity expansion, external
entities), so an export from anywhere can be opened safely. Each ``<record>`` becomes a list
of (path, text) pairs, one for every element that holds text, with paths relative to the
record (``titles/title``, ``contributors/authors/author``); EndNote's ``<style>`` wrappers are
looked through. The ``name`` attribute of ``ref-type`` is kept as ``ref-type@name``.
Namespaces are set aside (some tools write a default ``xmlns``), and so are comments and
CDATA sections when records are counted: a ``<record>`` written there is text, not a
record. Elements nested more than :data:`MAX_DEPTH` levels deep are refused.

Whitespace inside an element that holds a line break is the file's layout, not text: a file
written indented, one word a line (``<author>`` holding ``Chapman,`` / ``A.`` / ``G.`` on
lines of their own), gives ``Chapman, A. G.``. Each such run becomes one space. EndNote
separates values inside one element (several addresses, ISBNs, languages, lines of notes) by
a carriage return written as ``&#xD;``, which the parser keeps (unlike a line break in the
file): a run holding one becomes that carriage return. (Keywords are one ``<keyword>``
element each.) Spaces without a line break are kept as they are.

A file that is not well-formed as a whole (one record with a broken element: an unescaped
``&`` or ``<``, a tag left open) is read record by record
(:mod:`searchtrail.records.xml_records`): each ``<record>`` is parsed on its own, a record
that does not parse is reported with its line and the parser's reason, and the others are
read. Entity definitions (a DTD) still refuse the whole file.

Encoding: a byte-order mark decides, as for every export; without one, the encoding the
XML declaration names (``<?xml version="1.0" encoding="ISO-8859-1"?>``) is used when it is
a known encoding and the bytes decode with it (:func:`decode_declared`). The text is then
parsed with the declaration's encoding set to the UTF-8 it is handed over in, so the parser
never decodes it a second time (a UTF-16 file declaring UTF-16, as EndNote writes it, or a
Latin-1 file read twice).
"""

from __future__ import annotations

import codecs
import re
import xml.etree.ElementTree as ET
from typing import Final

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from searchtrail.decoding import decode
from searchtrail.errors import Problem, ReviewError
from searchtrail.records.model import ParsedFile, RawRecord
from searchtrail.records.xml_records import record_pieces

_RECORD_START: Final = re.compile(r"<(?:[\w.-]+:)?record[\s>/]")
_HIDDEN: Final = re.compile(r"<!--.*?-->|<!\[CDATA\[.*?\]\]>", re.DOTALL)
MAX_DEPTH: Final = 100
"""How deep elements may nest (EndNote's own records nest five or six levels)."""
_DECLARATION: Final = re.compile(
    r"""^(\s*<\?xml\b[^>]*?\bencoding\s*=\s*)(["'])([A-Za-z][A-Za-z0-9._-]*)\2"""
)
_DECLARATION_BYTES: Final = re.compile(
    rb"""^\s*<\?xml\b[^>]*?\bencoding\s*=\s*(["'])([A-Za-z][A-Za-z0-9._-]*)\1"""
)
_C1_BYTES: Final = re.compile(rb"[\x80-\x9f]")
# Whitespace with a line break in it: the file's layout (an indented, pretty-printed file),
# never part of a value, since EndNote writes the breaks inside a value as "&#xD;" ("\r").
_LAYOUT: Final = re.compile(r"[ \t\r\n]*\n[ \t\r\n]*")
_UTF8_MULTIBYTE: Final = re.compile(rb"[\xc2-\xf4][\x80-\xbf]+")
# Codecs Python knows that are no character set a file is written in.
_NOT_CHARACTER_SETS: Final = frozenset(
    {"unicode-escape", "raw-unicode-escape", "idna", "punycode", "undefined", "utf-7"}
)


def declared_encoding(data: bytes) -> str | None:
    """The encoding named by the XML declaration that ``data`` starts with, when the file
    has no byte-order mark and its bytes are ASCII-compatible; None otherwise."""
    found = _DECLARATION_BYTES.match(data[:512])
    return found.group(2).decode("ascii") if found else None


def decode_declared(data: bytes, declared: str, *, file: str) -> tuple[str, str, list[str]]:
    """The text of an XML file without a byte-order mark that declares ``declared``: the
    text, the encoding used, and notes on what was done.

    The declaration is used when it names a known encoding and the bytes decode with it
    (for ISO-8859-1, bytes 0x80-0x9F, control characters there and never text, are read as
    Windows-1252 does, as web browsers do). A declaration that the bytes contradict is
    reported and the encoding told from the bytes is used. Bytes that are UTF-8, with
    multi-byte sequences, under a declaration of a one-byte encoding stop the import: either
    reading would be a guess."""
    try:
        codec = codecs.lookup(declared).name
    except LookupError:
        codec = ""
    if not codec or codec in _NOT_CHARACTER_SETS or not _decodes(b"<?xml", codec):
        return _told_from_bytes(data, file, f"names an unknown encoding {declared!r}")
    if codec == "utf-8" and _decodes(data, "utf-8"):
        text, used = decode(data, file=file)
        return text, used, []
    if codec == "utf-8" or codec.startswith(("utf-16", "utf-32")):
        # (The declaration was read as ASCII, so the bytes cannot be UTF-16 or UTF-32.)
        return _told_from_bytes(data, file, f"says {declared}, but the bytes are not {declared}")
    multibyte = _UTF8_MULTIBYTE.search(data)
    if multibyte and _decodes(data, "utf-8"):
        raise ReviewError(
            [
                Problem(
                    file,
                    data.count(b"\n", 0, multibyte.start()) + 1,
                    None,
                    "encoding",
                    repr(declared),
                    "an XML declaration that names the file's encoding; or name the encoding "
                    "with 'encoding:' in the export entry of the search log",
                    f"the XML declaration says {declared}, but the bytes are UTF-8 text "
                    f"(multi-byte sequences from offset {multibyte.start()}): which of the two "
                    "is right cannot be told",
                )
            ]
        )
    if codec == "iso8859-1" and _C1_BYTES.search(data) and _decodes(data, "cp1252"):
        text, _ = decode(data, file=file, encoding="cp1252")
        note = f"the XML declaration says {declared}; its bytes 0x80-0x9F read as Windows-1252"
        return text, "cp1252", [note]
    try:
        data.decode(codec)
    except UnicodeError as error:
        offset = getattr(error, "start", 0)
        return _told_from_bytes(
            data, file, f"says {declared}, but the byte at offset {offset} is not {declared}"
        )
    text, _ = decode(data, file=file, encoding=codec)
    return text, codec, []


def _told_from_bytes(data: bytes, file: str, why: str) -> tuple[str, str, list[str]]:
    """The text decoded by the rules for every export, with a note on why the XML
    declaration was not used."""
    text, used = decode(data, file=file)
    return text, used, [f"the XML declaration {why}; read as {used}"]


def _decodes(data: bytes, codec: str) -> bool:
    try:
        data.decode(codec)
    except (UnicodeError, LookupError):
        return False
    return True


def _blank(found: re.Match[str]) -> str:
    """A comment or CDATA section as blanks of the same length, its line breaks kept."""
    return "".join(char if char == "\n" else " " for char in found.group())


def count_endnote_xml(text: str) -> int:
    """Records by the format's counting rule: ``<record>`` start tags outside comments and
    CDATA sections."""
    return len(_RECORD_START.findall(_HIDDEN.sub(_blank, text)))


def _local(tag: object) -> str:
    name = str(tag)
    return name.rsplit("}", 1)[1] if name.startswith("{") else name


def read_endnote_xml(text: str, *, file: str, encoding: str) -> ParsedFile:
    """Read every record of an EndNote XML file."""
    # The text is handed to the parser as UTF-8: the declaration must say so.
    utf8 = _DECLARATION.sub(lambda m: f"{m.group(1)}{m.group(2)}UTF-8{m.group(2)}", text, count=1)
    try:
        root = SafeET.fromstring(utf8.encode("utf-8"))
    except ET.ParseError as error:
        if count_endnote_xml(text):
            return _read_by_record(text, file, encoding, error)
        raise _unreadable(file, error) from error
    except DefusedXmlException as error:
        raise _unreadable(file, error) from error
    _flatten_names(root, file)
    visible = _HIDDEN.sub(_blank, text)
    starts = [visible.count("\n", 0, m.start()) + 1 for m in _RECORD_START.finditer(visible)]
    records = []
    for index, element in enumerate(root.iter("record")):
        fields: list[tuple[str, str]] = []
        _walk(element, fields)
        line = starts[index] if index < len(starts) else 1
        records.append(RawRecord(line, fields))
    return ParsedFile(file, "endnote-xml", encoding, records, len(starts), [], [])


def _unreadable(file: str, error: Exception) -> ReviewError:
    position = getattr(error, "position", (None, None))
    return ReviewError(
        [
            Problem(
                file,
                position[0],
                None,
                None,
                None,
                "well-formed EndNote XML without DTDs or entity definitions",
                f"the XML cannot be read: {error}",
            )
        ]
    )


def _read_by_record(text: str, file: str, encoding: str, error: ET.ParseError) -> ParsedFile:
    """Every ``<record>`` parsed on its own, in a file that is not well-formed as a whole."""
    records: list[RawRecord] = []
    failures: list[Problem] = []
    pieces = record_pieces(text, ("record",))
    for piece in pieces:
        if piece.element is None:
            failures.append(
                Problem(
                    file,
                    piece.line,
                    f"record at line {piece.line}",
                    None,
                    None,
                    "a well-formed EndNote <record> element",
                    f"the record cannot be read: {piece.problem}",
                )
            )
            continue
        fields: list[tuple[str, str]] = []
        _walk(piece.element, fields)
        records.append(RawRecord(piece.line, fields))
    where = error.position[0] if getattr(error, "position", None) else "?"
    note = (
        f"the file is not well-formed XML as a whole (line {where}: "
        f"{str(error).split(': line ', 1)[0]}); its records were read one by one"
    )
    return ParsedFile(file, "endnote-xml", encoding, records, len(pieces), failures, [note])


def _flatten_names(root: ET.Element, file: str) -> None:
    """Drop namespaces from tags; refuse nesting deeper than :data:`MAX_DEPTH`."""
    stack = [(root, 1)]
    while stack:
        element, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise ReviewError(
                [
                    Problem.of_file(
                        file,
                        f"EndNote XML, whose elements nest a few levels deep (at most {MAX_DEPTH})",
                        f"elements are nested more than {MAX_DEPTH} levels deep",
                    )
                ]
            )
        element.tag = _local(element.tag)
        stack.extend((child, depth + 1) for child in element)


def _text(element: ET.Element) -> str:
    """The text of an element and of the ``<style>`` wrappers inside it."""
    parts: list[str] = []
    stack: list[ET.Element | str] = [element]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            parts.append(item)
            continue
        if item.text:
            parts.append(item.text)
        for child in reversed(list(item)):
            if child.tail:
                stack.append(child.tail)
            stack.append(child)
    return _LAYOUT.sub(_unlaid, "".join(parts)).strip()


def _unlaid(found: re.Match[str]) -> str:
    """A run of whitespace with a line break in it, as one space; EndNote's own break
    between values (``&#xD;``) in it is kept."""
    return "\r" if "\r" in found.group() else " "


def _walk(record: ET.Element, fields: list[tuple[str, str]]) -> None:
    """Every element of a record that holds text, in document order, by its path."""
    stack: list[tuple[ET.Element, str]] = [(child, "") for child in reversed(list(record))]
    while stack:
        child, path = stack.pop()
        if child.tag == "style":
            continue
        child_path = f"{path}/{child.tag}" if path else str(child.tag)
        name = child.get("name")
        if child.tag == "ref-type" and name:
            fields.append(("ref-type@name", name))
        structural = [c for c in child if c.tag != "style"]
        if structural:
            stack.extend((grand, child_path) for grand in reversed(structural))
        else:
            value = _text(child)
            if value:
                fields.append((child_path, value))
