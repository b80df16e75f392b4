"""A table layout: how one exporter names its columns, how its header is told from others,
and which standard field and identifier each column gives.

The layouts of the exporters added after the first ones (Lens, Dimensions, OpenAlex, Publish
or Perish, Web of Science's Excel export, the trial registers) are described here as data, in
:mod:`searchtrail.records.vendor_tables` and :mod:`searchtrail.records.registers`; the
readers (:mod:`searchtrail.records.delimited`, :mod:`searchtrail.records.workbook`), the
field mapping (:mod:`searchtrail.records.fields`) and the identifiers
(:mod:`searchtrail.records.identifiers`) take them from there. Column names are compared in
lower case, without the spaces around them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

Standard = dict[str, str]
Fix = Callable[[Standard, Mapping[str, list[str]]], None]


@dataclass(frozen=True)
class Layout:
    """One exporter's table.

    ``name`` is the format name (``format:`` in the search log); ``vendor`` names the
    exporter for messages and documentation. ``told_by`` decides from a header's column
    names (lower case) whether the table is this exporter's. ``fields`` maps standard field
    names to columns, in the notation of :mod:`searchtrail.records.fields` (``+`` gathers
    several columns, ``*`` every value); ``sources`` names the columns holding identifiers
    and what they hold (see :mod:`searchtrail.records.identifiers`); ``fix`` completes the
    standard fields from the columns where one column is not enough (pages from a first and
    a last page, lists written with ``|``). ``distinctive`` are column names that make a
    file's first line a table's header (:func:`searchtrail.records.delimited.known_header`):
    names no other kind of text starts with.
    """

    name: str
    vendor: str
    told_by: Callable[[frozenset[str]], bool]
    fields: Mapping[str, list[str]]
    sources: tuple[tuple[str, str], ...] = ()
    fix: Fix | None = None
    distinctive: frozenset[str] = field(default_factory=frozenset)


def first(by_name: Mapping[str, list[str]], *names: str) -> str:
    """The first non-empty value of the first of ``names`` that has one."""
    for name in names:
        for value in by_name.get(name, []):
            if value.strip():
                return value.strip()
    return ""


def page_range(start: str, end: str, article: str = "") -> str:
    """Pages as ``start-end`` (or whichever is known; an article number without pages)."""
    if start and end and "-" not in start:
        return f"{start}-{end}"
    return start or end or article


def listed(text: str, separator: str) -> str:
    """A list written in one cell with ``separator`` as one item per line."""
    parts = [part.strip() for part in text.replace("\n", separator).split(separator)]
    return "\n".join(part for part in parts if part)
