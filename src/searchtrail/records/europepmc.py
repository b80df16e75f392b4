"""Europe PMC search results, as XML or JSON (the REST API's ``search`` with
``resultType=core`` or ``lite``, saved as it came).

Both forms have one structure: ``<responseWrapper>`` (a JSON object) holding the request and
``<resultList>`` (``"resultList"``) with one ``<result>`` (an item of ``"result"``) per
record. A JSON array of such result objects (the results without their wrapper) is read too, and
so is a JSON array of whole response pages (``[{"hitCount": …, "resultList": {"result":
[…]}}, …]``, as a client saves the pages of a cursor search): every page's results.
Records are counted as ``<result>`` start tags, or as the items of the ``result`` arrays; XML
records are read one by one (:mod:`searchtrail.records.xml_records`), so a broken one is
reported with its line and the others are read.

Each result becomes (path, value) pairs, one for every value, with the element or key names
as Europe PMC writes them, joined with ``/`` below the result (``title``, ``pmid``,
``authorList/author/fullName``, ``journalInfo/journal/title``, ``pubTypeList/pubType``); the
XML and the JSON of one result give the same paths. The ``authorString`` (``Larsen IM,
Okafor C.``) keeps the authors' order, groups included.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any, Final

from searchtrail.errors import Problem, ReviewError
from searchtrail.records.json_records import (
    every_item_lines,
    flatten,
    item_lines,
    line_of,
    load,
)
from searchtrail.records.model import ParsedFile, RawRecord
from searchtrail.records.xml_records import record_pieces, visible

_XML: Final = re.compile(r"<(?:[\w.-]+:)?(?:responseWrapper|resultList)[\s>]")
_XML_RESULT: Final = re.compile(r"<(?:[\w.-]+:)?result[\s>/]")
_JSON_OBJECT: Final = re.compile(r'^\s*\{.*?"(?:resultList|hitCount)"\s*:', re.DOTALL)
_JSON_ARRAY: Final = re.compile(r"^\s*\[\s*\{")
_JSON_PAGES: Final = re.compile(r'^\s*\[\s*\{.*?"(?:resultList|hitCount)"\s*:', re.DOTALL)
_JSON_RESULT_KEYS: Final = re.compile(r'"(?:authorString|pubYear|journalInfo|pmid)"\s*:')
_JSON_SOURCE: Final = re.compile(r'"source"\s*:\s*"(?:MED|PMC|PPR|AGR|CBA|CTX|ETH|HIR|PAT)"')
_EXPECTED: Final = (
    "Europe PMC search results: <responseWrapper> with <resultList><result>..., or the same "
    'as JSON ({"resultList": {"result": [...]}})'
)


def looks_like_europepmc(head: str) -> str | None:
    """``"xml"`` or ``"json"`` when the start of a file is Europe PMC search results: XML with
    ``<responseWrapper>`` or ``<resultList>`` and a ``<result>``; a JSON object whose first
    keys include ``resultList`` or ``hitCount``; or a JSON array of objects with a Europe PMC
    ``source`` (``MED``, ``PMC``, ``PPR``, ...) and its result keys (``authorString``,
    ``pubYear``, ``journalInfo``, ``pmid``). None otherwise."""
    stripped = head.lstrip()
    if stripped.startswith("<"):
        shown = visible(head)
        return "xml" if _XML.search(shown) and _XML_RESULT.search(shown) else None
    if (_JSON_OBJECT.match(head[:4096]) or _JSON_PAGES.match(head[:4096])) and '"result' in head:
        return "json"
    if _JSON_ARRAY.match(head) and _JSON_SOURCE.search(head) and _JSON_RESULT_KEYS.search(head):
        return "json"
    return None


def read_europepmc(text: str, *, file: str, encoding: str) -> ParsedFile:
    """Read every result of a Europe PMC XML or JSON file."""
    if text.lstrip().startswith("<"):
        return _read_xml(text, file=file, encoding=encoding)
    return _read_json(text, file=file, encoding=encoding)


def _read_xml(text: str, *, file: str, encoding: str) -> ParsedFile:
    records: list[RawRecord] = []
    failures: list[Problem] = []
    pieces = record_pieces(text, ("result",))
    for piece in pieces:
        if piece.element is None:
            failures.append(_failure(file, piece.line, piece.problem))
        else:
            records.append(RawRecord(piece.line, _element_fields(piece.element)))
    return ParsedFile(file, "europepmc", encoding, records, len(pieces), failures, [])


def _element_fields(result: ET.Element) -> list[tuple[str, str]]:
    """Every element holding text, by its path below the result, in document order."""
    fields: list[tuple[str, str]] = []
    stack: list[tuple[ET.Element, str]] = [(child, "") for child in reversed(list(result))]
    while stack:
        element, path = stack.pop()
        here = f"{path}/{element.tag}" if path else str(element.tag)
        children = list(element)
        if children:
            stack.extend((child, here) for child in reversed(children))
            continue
        value = (element.text or "").strip()
        if value:
            fields.append((here, value))
    return fields


def _read_json(text: str, *, file: str, encoding: str) -> ParsedFile:
    data = load(text, file=file, expected=_EXPECTED)
    results: Any
    if isinstance(data, dict):
        wrapper = data.get("resultList")
        results = wrapper.get("result") if isinstance(wrapper, dict) else None
        lines = item_lines(text, ("resultList", "result"))
    elif _pages(data):
        # Several response pages saved as one array (a client's pages of a cursor search):
        # every page's results, in order.
        results = [result for page in data for result in page["resultList"]["result"]]
        lines = [line for page in every_item_lines(text, _PAGE_RESULTS) for line in page]
    else:
        results, lines = data, item_lines(text, ())
    if not isinstance(results, list):
        raise ReviewError(
            [
                Problem.of_file(
                    file, _EXPECTED, "the JSON holds no 'resultList' with a 'result' array"
                )
            ]
        )
    records: list[RawRecord] = []
    failures: list[Problem] = []
    for index, result in enumerate(results):
        line = line_of(lines, index)
        if isinstance(result, dict):
            records.append(RawRecord(line, list(flatten(result))))
        else:
            failures.append(
                _failure(
                    file, line, f"result {index + 1} is a {type(result).__name__}, not an object"
                )
            )
    return ParsedFile(file, "europepmc", encoding, records, len(results), failures, [])


_PAGE_RESULTS: Final = (None, "resultList", "result")


def _pages(data: Any) -> bool:
    """Whether ``data`` is an array of response pages, each with ``resultList.result``."""
    return (
        isinstance(data, list)
        and bool(data)
        and all(
            isinstance(page, dict)
            and isinstance(page.get("resultList"), dict)
            and isinstance(page["resultList"].get("result"), list)
            for page in data
        )
    )


def _failure(file: str, line: int, problem: str) -> Problem:
    return Problem(
        file,
        line,
        f"record at line {line}",
        None,
        None,
        "a Europe PMC <result> element (an object in the JSON 'result' array)",
        f"the record cannot be read: {problem}",
    )
