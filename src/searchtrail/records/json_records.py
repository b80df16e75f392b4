"""JSON exports: the whole file parsed once, each record's line found by a scan of its tokens.

JSON has no record boundaries a reader could resynchronise on after an error (a broken
string swallows everything after it), so a file that is not valid JSON stops the import,
naming the line and column where the parser stopped. Within valid JSON every item is read or
reported on its own.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from typing import Any, Final

from searchtrail.errors import Problem, ReviewError
from searchtrail.records.xml_records import Lines

_TOKEN: Final = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\]:,]', re.DOTALL)


def load(text: str, *, file: str, expected: str) -> Any:
    """The parsed JSON of ``text``; a :class:`ReviewError` naming the line when it is not
    JSON."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ReviewError(
            [
                Problem(
                    file,
                    error.lineno,
                    None,
                    None,
                    None,
                    expected,
                    f"the JSON cannot be read: {error.msg} (line {error.lineno}, column "
                    f"{error.colno}); JSON has no record boundaries to read on from, so no "
                    "record of the file is read",
                )
            ]
        ) from error
    except RecursionError as error:
        raise ReviewError(
            [Problem.of_file(file, expected, "the JSON is nested too deeply to be read")]
        ) from error


def item_lines(text: str, path: tuple[str | None, ...]) -> list[int]:
    """The line of each item of the array at ``path`` (the keys that lead to it from the
    root object; ``()`` for an array that is the whole document), in order."""
    opening = next(_arrays_at(text, path), None)
    if opening is None:
        return []
    return _items_from(text, opening, Lines(text))


def every_item_lines(text: str, path: tuple[str | None, ...]) -> list[list[int]]:
    """The lines of the items of every array at ``path``, one list per array in document
    order; ``None`` in ``path`` stands for the items of an array (``(None, "resultList",
    "result")``: the ``result`` array of every object of the root array)."""
    lines = Lines(text)
    return [_items_from(text, opening, lines) for opening in _arrays_at(text, path)]


def _items_from(text: str, opening: int, lines: Lines) -> list[int]:
    """The line of each item of the array that opens at ``opening``."""
    decoder = json.JSONDecoder()
    found: list[int] = []
    position = _skip(text, opening + 1)
    while position < len(text) and text[position] != "]":
        found.append(lines.at(position))
        try:
            _, position = decoder.raw_decode(text, position)
        except ValueError:
            break
        position = _skip(text, position)
        if position < len(text) and text[position] == ",":
            position = _skip(text, position + 1)
    return found


def _skip(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\r\n":
        position += 1
    return position


def _arrays_at(text: str, path: tuple[str | None, ...]) -> Iterator[int]:
    """Where each array at ``path`` opens, by a scan of the JSON's tokens."""
    stack: list[str | None] = []
    key: str | None = None
    last_string: str | None = None
    for token in _TOKEN.finditer(text):
        mark = token.group()
        if mark[0] == '"':
            last_string = mark
            continue
        if mark == ":":
            key = json.loads(last_string) if last_string else None
            continue
        if mark in "{[":
            here = (*stack[1:], key) if stack else ()
            if mark == "[" and here == path and (stack or not path):
                yield token.start()
                if not path:
                    return
            stack.append(key)
            key = None
        elif mark in "}]":
            if stack:
                stack.pop()
            key = None
        elif mark == ",":
            key = None


def flatten(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """(path, text) for every scalar inside ``value``: keys joined with ``/``, a list's items
    under the list's own path, ``true``/``false`` as written in JSON, nulls left out."""
    stack: list[tuple[str, Any]] = [(path, value)]
    while stack:
        where, item = stack.pop()
        if isinstance(item, dict):
            stack.extend(
                (f"{where}/{key}" if where else str(key), inner)
                for key, inner in reversed(list(item.items()))
            )
        elif isinstance(item, list):
            stack.extend((where, inner) for inner in reversed(item))
        elif isinstance(item, bool):
            yield where, "true" if item else "false"
        elif item is not None:
            text = str(item).strip()
            if text:
                yield where, text


def line_of(lines: list[int], index: int) -> int:
    return lines[index] if index < len(lines) else 1


def scalars(values: Iterable[Any]) -> list[str]:
    return [str(value).strip() for value in values if value is not None and str(value).strip()]


def not_an_object(file: str, line: int, index: int, item: object, expected: str) -> Problem:
    """The problem of an item of a JSON array that is not an object (a record that cannot
    be read)."""
    return Problem(
        file,
        line,
        f"item {index + 1}",
        None,
        repr(item)[:60],
        expected,
        f"item {index + 1} of the array is a {type(item).__name__}, not an object",
    )
