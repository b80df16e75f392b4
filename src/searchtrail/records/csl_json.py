"""CSL-JSON (Citation Style Language JSON): Zotero's and Mendeley's "CSL JSON" export.

The file is a JSON array of items, each an object with a ``type`` and CSL's variables
(``title``, ``author``, ``issued``, ``container-title``, ``DOI``, ``PMID``, ...). Records are
counted as the array's items; an item that is not an object is a record that cannot be read.
Each item becomes (variable, value) pairs in the item's own order:

- a name variable (``author``, ``editor``, ...) gives one pair per person: ``family, given``
  (a ``non-dropping-particle`` before the family name, a ``suffix`` after the given name),
  or the name's ``literal`` (an organisation);
- a date variable (``issued``, ``accessed``, ...) gives its ``date-parts`` as ``2019-03-15``
  (a range as ``2019/2020``), or its ``raw`` or ``literal`` text as written;
- a list gives one pair per value; anything nested deeper is kept under its path
  (``custom/key``).
"""

from __future__ import annotations

import re
from typing import Any, Final

from searchtrail.errors import Problem, ReviewError
from searchtrail.records.json_records import flatten, item_lines, line_of, load, not_an_object
from searchtrail.records.model import ParsedFile, RawRecord

_NAMES: Final = frozenset(
    {
        "author", "chair", "collection-editor", "compiler", "composer", "container-author",
        "contributor", "curator", "director", "editor", "editorial-director",
        "executive-producer", "guest", "host", "illustrator", "interviewer", "narrator",
        "organizer", "original-author", "performer", "producer", "recipient",
        "reviewed-author", "script-writer", "series-creator", "translator",
    }
)  # fmt: skip
_DATES: Final = frozenset(
    {"accessed", "available-date", "event-date", "issued", "original-date", "submitted"}
)
_ITEM_START: Final = re.compile(r"^\s*\[\s*(?:\]|\{)")
# CSL's item types (CSL 1.0.2), as "type" gives them: other JSON has a "type" too (RefLib's
# "journalArticle", Zotero's own item types), so the type's value is what tells CSL.
_CSL_TYPES: Final = (
    "article|article-journal|article-magazine|article-newspaper|bill|book|broadcast|"
    "chapter|classic|collection|dataset|document|entry|entry-dictionary|entry-encyclopedia|"
    "event|figure|graphic|hearing|interview|legal_case|legislation|manuscript|map|"
    "motion_picture|musical_score|pamphlet|paper-conference|patent|performance|periodical|"
    "personal_communication|post|post-weblog|regulation|report|review|review-book|software|"
    "song|speech|standard|thesis|treaty|webpage"
)
_CSL_TYPE: Final = re.compile(rf'"type"\s*:\s*"(?:{_CSL_TYPES})"')
# CSL's own structures: a name list of {"family", "given"} (or "literal") objects, a date as
# {"date-parts"} (or "raw", "literal").
_CSL_NAMES: Final = re.compile(
    r'"(?:author|editor)"\s*:\s*\[\s*\{[^{}\[\]]*"(?:family|given|literal)"\s*:'
)
_CSL_DATE: Final = re.compile(r'"issued"\s*:\s*\{\s*"(?:date-parts|raw|literal)"\s*:')
_EXPECTED: Final = (
    "a CSL-JSON export: a JSON array of items, each an object with 'type', 'title', "
    "'author', 'issued', ..."
)


def looks_like_csl_json(head: str) -> bool:
    """Whether the start of a file is CSL-JSON: a JSON array of objects with CSL's own
    marks, a ``type`` that is one of CSL's item types (``article-journal``, ``book``,
    ``chapter``, ``paper-conference``, ...), or an ``author``/``editor`` list of
    ``{"family", "given"}`` names, or an ``issued`` date of ``date-parts``. A JSON array that
    merely has a ``type`` and a ``title`` (RefLib's ``"type": "journalArticle"``, authors as
    strings) is not CSL-JSON: read as CSL it would lose its authors, year and DOI."""
    if not _ITEM_START.match(head):
        return False
    return bool(_CSL_TYPE.search(head) or _CSL_NAMES.search(head) or _CSL_DATE.search(head))


def read_csl_json(text: str, *, file: str, encoding: str) -> ParsedFile:
    """Read every item of a CSL-JSON file."""
    data = load(text, file=file, expected=_EXPECTED)
    if isinstance(data, dict) and isinstance(data.get("items"), list):
        items, lines = data["items"], item_lines(text, ("items",))
    elif isinstance(data, list):
        items, lines = data, item_lines(text, ())
    elif isinstance(data, dict):
        items, lines = [data], [1]
    else:
        raise ReviewError(
            [Problem.of_file(file, _EXPECTED, f"the JSON is a {type(data).__name__}")]
        )
    records: list[RawRecord] = []
    failures: list[Problem] = []
    for index, item in enumerate(items):
        line = line_of(lines, index)
        if not isinstance(item, dict):
            failures.append(
                not_an_object(
                    file, line, index, item, "an object with 'type', 'title', 'author', ..."
                )
            )
            continue
        records.append(RawRecord(line, _fields(item)))
    return ParsedFile(file, "csl-json", encoding, records, len(items), failures, [])


def _fields(item: dict[str, Any]) -> list[tuple[str, str]]:
    fields: list[tuple[str, str]] = []
    for key, value in item.items():
        if key in _NAMES and isinstance(value, list):
            fields.extend((key, name) for name in map(_name, value) if name)
        elif key in _DATES and isinstance(value, dict):
            date = _date(value)
            if date:
                fields.append((key, date))
        else:
            fields.extend(flatten(value, key))
    return fields


def _name(person: Any) -> str:
    if not isinstance(person, dict):
        return str(person).strip() if person is not None else ""
    literal = str(person.get("literal") or "").strip()
    family = " ".join(
        str(person.get(part) or "").strip() for part in ("non-dropping-particle", "family")
    ).strip()
    given = " ".join(
        str(person.get(part) or "").strip() for part in ("given", "dropping-particle")
    ).strip()
    suffix = str(person.get("suffix") or "").strip()
    name = f"{family}, {given}" if family and given else family or given or literal
    return f"{name} {suffix}" if name and suffix else name


def _date(date: dict[str, Any]) -> str:
    parts = date.get("date-parts")
    if isinstance(parts, list):
        shown = []
        for part in parts:
            if not isinstance(part, list):
                continue
            pieces = [str(p).strip() for p in part if p is not None and str(p).strip()]
            if pieces:
                head, *rest = pieces
                shown.append("-".join([head, *(p.zfill(2) for p in rest)]))
        if shown:
            return "/".join(shown)
    for key in ("raw", "literal"):
        text = str(date.get(key) or "").strip()
        if text:
            return text
    return ""
