"""EndNote XML (also written by Zotero and Mendeley), read with defusedxml.

defusedxml refuses the XML attacks a crafted file could carry (entity expansion, external
entities), so an export from anywhere can be opened safely. Each ``<record>`` becomes a list
of (path, text) pairs, one for every element that holds text, with paths relative to the
record (``titles/title``, ``contributors/authors/author``); EndNote's ``<style>`` wrappers are
looked through. The ``name`` attribute of ``ref-type`` is kept as ``ref-type@name``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Final

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from searchtrail.errors import Problem, ReviewError
from searchtrail.records.model import ParsedFile, RawRecord

_RECORD_START: Final = re.compile(r"<record[\s>]")


def count_endnote_xml(text: str) -> int:
    """Records by the format's counting rule: ``<record>`` start tags."""
    return len(_RECORD_START.findall(text))


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
    starts = [text.count("\n", 0, m.start()) + 1 for m in _RECORD_START.finditer(text)]
    records = []
    for index, element in enumerate(root.iter("record")):
        fields: list[tuple[str, str]] = []
        _walk(element, "", fields)
        line = starts[index] if index < len(starts) else 1
        records.append(RawRecord(line, fields))
    return ParsedFile(file, "endnote-xml", encoding, records, len(starts), [], [])


def _walk(element: ET.Element, path: str, fields: list[tuple[str, str]]) -> None:
    for child in element:
        if child.tag == "style":
            continue
        child_path = f"{path}/{child.tag}" if path else str(child.tag)
        name = child.get("name")
        if child.tag == "ref-type" and name:
            fields.append(("ref-type@name", name))
        structural = [c for c in child if c.tag != "style"]
        if structural:
            _walk(child, child_path, fields)
        else:
            value = "".join(child.itertext()).strip()
            if value:
                fields.append((child_path, value))
