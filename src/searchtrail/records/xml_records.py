"""Reading an XML export record by record, so that one broken record costs only itself.

An XML parser stops at the first error in a file, and a file is one document: one broken
element (a vendor's unescaped ``&`` or ``<`` in an abstract, a record cut short) would make
every record unreadable. The records of an export are therefore found by their start tags
and each is parsed on its own:

- a record starts at its start tag (``<PubmedArticle>``, ``<result>``, ``<record>``), found
  outside comments and CDATA sections, and ends at the first end tag of the same name after
  it; a record with no end tag before the next record's start tag (or the end of the file)
  cannot be read;
- each record is parsed with defusedxml (which refuses entity expansion and external
  entities), inside a wrapper that repeats the namespace declarations of the file's root
  element, so a prefix declared there is known;
- a record that does not parse is reported with its line, the line the parser stopped at and
  the parser's reason; the records before and after it are read as usual.

What lies between records (the root element, a search's request echoed by Europe PMC) is not
parsed, so an error there costs no record.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from bisect import bisect_right
from dataclasses import dataclass
from typing import Final

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

_HIDDEN: Final = re.compile(r"<!--.*?-->|<!\[CDATA\[.*?\]\]>", re.DOTALL)
_ROOT_START: Final = re.compile(r"<(?![?!/])[^>]*>")
_NAMESPACE: Final = re.compile(r"""\sxmlns(?::[\w.-]+)?\s*=\s*(["'])[^"']*\1""")
MAX_DEPTH: Final = 100
"""How deep elements may nest inside one record."""


@dataclass(frozen=True, slots=True)
class Piece:
    """One record of an XML file: its element, or why it cannot be read."""

    line: int
    element: ET.Element | None
    problem: str = ""


def local(tag: object) -> str:
    """A tag without its namespace."""
    name = str(tag)
    return name.rsplit("}", 1)[1] if name.startswith("{") else name


def _blank(found: re.Match[str]) -> str:
    return "".join(char if char == "\n" else " " for char in found.group())


def visible(text: str) -> str:
    """``text`` with comments and CDATA sections blanked (line breaks kept), for finding
    tags by their position."""
    return _HIDDEN.sub(_blank, text)


class Lines:
    """Line numbers of offsets in one text."""

    def __init__(self, text: str) -> None:
        self._breaks = [found.start() for found in re.finditer("\n", text)]

    def at(self, offset: int) -> int:
        return bisect_right(self._breaks, offset - 1) + 1


def record_pieces(text: str, names: tuple[str, ...]) -> list[Piece]:
    """Every record of ``text`` whose element is named one of ``names``, parsed on its own."""
    shown = visible(text)
    alternatives = "|".join(re.escape(name) for name in names)
    starts = list(re.finditer(rf"<(?:[\w.-]+:)?({alternatives})(?=[\s/>])", shown))
    lines = Lines(text)
    wrapper = _wrapper(shown)
    pieces = []
    for index, start in enumerate(starts):
        line = lines.at(start.start())
        limit = starts[index + 1].start() if index + 1 < len(starts) else len(shown)
        name = start.group(1)
        tag_end = shown.find(">", start.end(), limit)
        if tag_end != -1 and shown[tag_end - 1] == "/":
            end = tag_end + 1
        else:
            closing = re.compile(rf"</(?:[\w.-]+:)?{re.escape(name)}\s*>").search(
                shown, start.end(), limit
            )
            if closing is None:
                following = (
                    f"the next record (line {lines.at(limit)})"
                    if index + 1 < len(starts)
                    else "the end of the file"
                )
                pieces.append(Piece(line, None, f"no </{name}> end tag before {following}"))
                continue
            end = closing.end()
        pieces.append(_parse(text[start.start() : end], line, wrapper))
    return pieces


def _wrapper(shown: str) -> tuple[str, str]:
    """The start and end tags of an element that declares the namespaces the file's root
    element declares."""
    root = _ROOT_START.search(shown)
    declarations = "".join(m.group() for m in _NAMESPACE.finditer(root.group())) if root else ""
    return f"<searchtrail-wrapper{declarations}>", "</searchtrail-wrapper>"


def _parse(fragment: str, line: int, wrapper: tuple[str, str]) -> Piece:
    try:
        root = SafeET.fromstring((wrapper[0] + fragment + wrapper[1]).encode("utf-8"))
    except (ET.ParseError, DefusedXmlException) as error:
        position = getattr(error, "position", None)
        where = f" (parsing stopped at line {line + position[0] - 1})" if position else ""
        reason = str(error).split(": line ", 1)[0]
        return Piece(line, None, f"its XML is broken: {reason}{where}")
    element = root[0]
    stack = [(element, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            return Piece(line, None, f"elements are nested more than {MAX_DEPTH} levels deep")
        item.tag = local(item.tag)
        stack.extend((child, depth + 1) for child in item)
    return Piece(line, element)


def text_of(element: ET.Element | None) -> str:
    """All text inside an element (inline markup such as ``<i>`` looked through), with
    runs of white space made one space."""
    if element is None:
        return ""
    return " ".join("".join(element.itertext()).split())
