"""EndNote XML (also written by Zotero and Mendeley), read with defusedxml.

defusedxml refuses the XML attacks a crafted file could carry (entity expansion, external
entities), so an export from anywhere can be opened safely. Each ``<record>`` becomes a list
of (path, text) pairs, one for every element that holds text, with paths relative to the
record (``titles/title``, ``contributors/authors/author``); EndNote's ``<style>`` wrappers are
looked through. The ``name`` attribute of ``ref-type`` is kept as ``ref-type@name``.
Namespaces are set aside (some tools write a default ``xmlns``), and so are comments and
CDATA sections when records are counted: a ``<record>`` written there is text, not a
record. Elements nested more than :data:`MAX_DEPTH` levels deep are refused.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Final

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from searchtrail.errors import Problem, ReviewError
from searchtrail.records.model import ParsedFile, RawRecord

_RECORD_START: Final = re.compile(r"<(?:[\w.-]+:)?record[\s>/]")
_HIDDEN: Final = re.compile(r"<!--.*?-->|<!\[CDATA\[.*?\]\]>", re.DOTALL)
MAX_DEPTH: Final = 100
"""How deep elements may nest (EndNote's own records nest five or six levels)."""


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
    try:
        root = SafeET.fromstring(text.encode("utf-8"))
    except (ET.ParseError, DefusedXmlException) as error:
        position = getattr(error, "position", (None, None))
        raise ReviewError(
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
        ) from error
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


def _flatten_names(root: ET.Element, file: str) -> None:
    """Drop namespaces from tags; refuse nesting deeper than :data:`MAX_DEPTH`."""
    stack = [(root, 1)]
    while stack:
        element, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise ReviewError(
                [
                    Problem(
                        file,
                        None,
                        None,
                        None,
                        None,
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
    return "".join(parts).strip()


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
