"""How numbers are worded and how input text is escaped, in one place for every report."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from typing import Final

from searchtrail.counts.model import ExportCounts, SearchCounts
from searchtrail.counts.number import Count

NOT_REPORTED: Final = "not reported"
NOT_RECORDED: Final = "—"
"""Shown for a number the log does not keep for that kind of search (not the same as unknown)."""


def number(value: int) -> str:
    """An integer with thousands separators: 9331 -> '9,331'."""
    return f"{value:,}"


def searches_phrase(n: int) -> str:
    """'1 search' or 'n searches'."""
    return f"{n} search" if n == 1 else f"{n} searches"


def describe(count: Count | None) -> str:
    """A count in words, honest about what is not known.

    - ``9,331`` when exact;
    - ``9,331 + 13 searches with no count`` when some searches state no number;
    - ``not reported (2 searches)`` when none does;
    - ``pending`` when the stage has no data yet;
    - ``—`` when no search records this number at all (``None``).
    """
    if count is None:
        return NOT_RECORDED
    if count.pending:
        return "pending"
    if count.value is None:
        if count.unstated:
            return f"{NOT_REPORTED} ({searches_phrase(count.unstated)})"
        return NOT_REPORTED
    if count.unstated:
        return f"{number(count.value)} + {searches_phrase(count.unstated)} with no count"
    return number(count.value)


def n_phrase(count: Count) -> str:
    """The count as the PRISMA template writes it in a box, without brackets.

    'n = 1,239'; 'n = 5,932 + 4 searches with no count'; 'n not reported, 2 searches';
    'pending' (the reason is given separately).
    """
    if count.pending:
        return "pending"
    if count.value is None:
        if count.unstated:
            return f"n {NOT_REPORTED}, {searches_phrase(count.unstated)}"
        return f"n {NOT_REPORTED}"
    return f"n = {describe(count)}"


def cell(value: int | None) -> str:
    """A count for a CSV cell: digits, or empty when unknown."""
    return "" if value is None else str(value)


def sum_cell(count: Count | None) -> str:
    """A sum for a CSV cell: the stated total, or empty when none is stated or recorded."""
    return "" if count is None else cell(count.value)


def unstated(count: Count | None) -> int:
    """How many searches contribute no number to ``count`` (0 when nothing is recorded)."""
    return 0 if count is None else count.unstated


def number_or_words(count: Count | None) -> str:
    """The stated sum with separators, 'not reported' when none is stated, '—' when none is
    recorded; for table cells that show the missing searches in a column of their own."""
    if count is None:
        return NOT_RECORDED
    return NOT_REPORTED if count.value is None else number(count.value)


def awaiting_phrase(count: Count) -> str:
    """Records or reports waiting for a decision: '12'; '33 or more' when searches that
    state no count may add to them; 'not known' when none of them states one."""
    if count.value is None:
        return "not known"
    if count.unstated:
        return f"{number(count.value)} or more"
    return number(count.value)


def basis_note(search: SearchCounts) -> str:
    """Where a search's numbers come from, when it is not the log ('' when it is)."""
    notes = []
    if search.identified_from == "export" and search.export is not None:
        notes.append(
            f"identified not stated in the log; counted from the export "
            f"({number(search.export.in_file)} records)"
        )
    if search.for_assessment_from == "export" and search.export is not None:
        notes.append(
            f"for assessment not stated in the log; counted from the export "
            f"({number(search.export.in_file)} records)"
        )
    return "; ".join(notes)


def reconciliation(search: SearchCounts) -> str:
    """How a search's documented count compares with its export, in words ('' when they
    agree or there is no export)."""
    export: ExportCounts | None = search.export
    if export is None:
        return ""
    parts = []
    if not export.agrees:
        label = "identified" if export.holds == "identified" else "for assessment"
        parts.append(
            f"documented {number(export.documented or 0)} {label}, the export holds "
            f"{number(export.in_file)}"
        )
    if export.skipped:
        parts.append(f"{number(export.skipped)} unreadable record(s) skipped")
    return "; ".join(parts)


# --- Markdown ---------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]{}|~#!])")


_HIDDEN: Final = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\u061c]")
"""Characters that change how text around them is shown without being seen themselves:
zero-width spaces and joiners, and the marks that override the direction of writing (a
name written backwards could pass for another)."""


def visible(text: str) -> str:
    """Text with every invisible formatting character shown as its code, ``[U+202E]``."""
    return _HIDDEN.sub(lambda found: f"[U+{ord(found.group()):04X}]", text)


def md(text: str) -> str:
    """Escape text for a Markdown table cell (GitHub-flavoured).

    Characters that would start emphasis, links, code or a new cell are backslash-escaped;
    ``<``, ``>`` and ``&`` become HTML entities; line breaks become ``<br>``; invisible
    formatting characters are shown by their code (:func:`visible`).
    """
    escaped = html.escape(visible(text), quote=False)
    escaped = _MD_SPECIAL.sub(r"\\\1", escaped)
    lines = [line.strip() for line in escaped.splitlines()]
    return "<br>".join(line for line in lines if line) if len(lines) > 1 else escaped.strip()


def md_table(header: Sequence[str], rows: Iterable[Sequence[str]], *, align: str = "") -> str:
    """A Markdown table. ``align`` gives one letter per column: l (default) or r."""
    head = "| " + " | ".join(header) + " |"
    marks = ["---:" if (align[i : i + 1] == "r") else "---" for i in range(len(header))]
    lines = [head, "| " + " | ".join(marks) + " |"]
    lines.extend("| " + " | ".join(row) + " |" for row in rows)
    return "\n".join(lines) + "\n"


# --- HTML and SVG ---------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def xml(text: str) -> str:
    """Escape text for HTML or SVG content and attribute values.

    Control characters that XML does not allow are dropped rather than written; invisible
    formatting characters are shown by their code (:func:`visible`).
    """
    return html.escape(visible(_CONTROL.sub("", text)), quote=True)


def slug(text: str) -> str:
    """A lower-case anchor name from text: 'Socialstyrelsen Sweden' -> 'socialstyrelsen-sweden'."""
    value = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return value or "x"


def anchors(names: Iterable[str], prefix: str) -> dict[str, str]:
    """Unique, stable anchor names for ``names`` (in order): 'source-nice', 'source-nice-2', ..."""
    result: dict[str, str] = {}
    used: set[str] = set()
    for name in names:
        base = f"{prefix}-{slug(name)}"
        anchor, n = base, 1
        while anchor in used:
            n += 1
            anchor = f"{base}-{n}"
        used.add(anchor)
        result[name] = anchor
    return result
