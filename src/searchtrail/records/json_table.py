"""A JSON array of flat objects read as a table: each object a row, each key a column.

Reference managers and search tools save their records this way (RefLib's JSON, Publish or
Perish's JSON: ``[{"title": …, "authors": […], "year": 2021, …}, …]``). Such a file is read
with the column vocabulary of CSV files (:mod:`searchtrail.records.fields`): it is told by its
first object's keys, which must name at least two known columns (``title``, ``authors``,
``year``, ``doi``, ``journal``, ...), and its layout (a generic table, Publish or Perish, ...)
is told from the keys of all its objects as from a CSV header, and is the file's format.

Each object gives (key, text) pairs in its own order: a number or a string as written
(``true``/``false`` for booleans, nulls left out), a list of plain values as one cell with
its items joined by ``; `` (as a table's cell lists authors), and a nested object or a list
of objects as its values by path (``key/inner``). An item of the array that is not an object
is a record that cannot be read.
"""

from __future__ import annotations

import json
import re
from typing import Any, Final

from searchtrail.errors import Problem, ReviewError
from searchtrail.records.delimited import table_profile
from searchtrail.records.fields import TABLE_COLUMNS
from searchtrail.records.json_records import flatten, item_lines, line_of, load, not_an_object
from searchtrail.records.model import ParsedFile, RawRecord

_ARRAY_START: Final = re.compile(r"^\s*\[\s*\{")
_EXPECTED: Final = (
    "a JSON array of objects whose keys name a table's columns (title, authors, year, doi, "
    "journal, ...)"
)


def first_item_keys(head: str) -> list[str] | None:
    """The keys of the first object of a JSON array at the start of ``head``, or None when
    ``head`` does not start with such an array or its first object cannot be read from it."""
    start = _ARRAY_START.match(head)
    if start is None:
        return None
    try:
        item, _ = json.JSONDecoder().raw_decode(head, start.end() - 1)
    except ValueError:
        return None
    return [str(key) for key in item] if isinstance(item, dict) else None


def looks_like_json_table(head: str) -> bool:
    """Whether the start of a file is a JSON array of objects whose first object's keys name
    two known columns or more (:data:`~searchtrail.records.fields.TABLE_COLUMNS`)."""
    keys = first_item_keys(head)
    if keys is None:
        return False
    return sum(1 for key in keys if key.strip().lower() in TABLE_COLUMNS) >= 2


def read_json_table(text: str, *, file: str, encoding: str) -> ParsedFile:
    """Read every object of a JSON array as a row of a table."""
    data = load(text, file=file, expected=_EXPECTED)
    if not isinstance(data, list):
        raise ReviewError(
            [Problem.of_file(file, _EXPECTED, f"the JSON is a {type(data).__name__}")]
        )
    lines = item_lines(text, ())
    names: dict[str, None] = {}
    records: list[RawRecord] = []
    failures: list[Problem] = []
    for index, item in enumerate(data):
        line = line_of(lines, index)
        if not isinstance(item, dict):
            failures.append(
                not_an_object(
                    file,
                    line,
                    index,
                    item,
                    "an object whose keys name the columns (title, authors, year, ...)",
                )
            )
            continue
        names.update(dict.fromkeys(str(key) for key in item))
        records.append(RawRecord(line, _cells(item)))
    profile = table_profile(list(names))
    notes = [
        "read as a table: each object of the JSON array is a row and each key a column "
        f"({', '.join(list(names)[:12])}{', ...' if len(names) > 12 else ''})"
    ]
    return ParsedFile(file, profile, encoding, records, len(data), failures, notes)


def _cells(item: dict[str, Any]) -> list[tuple[str, str]]:
    cells: list[tuple[str, str]] = []
    for key, value in item.items():
        name = str(key)
        if isinstance(value, list) and not any(isinstance(v, dict | list) for v in value):
            joined = "; ".join(text for _, text in flatten(value, name))
            if joined:
                cells.append((name, joined))
        else:
            cells.extend(flatten(value, name))
    return cells
