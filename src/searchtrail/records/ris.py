"""RIS, as written by databases and reference managers, with their quirks.

Lines are split into tag and value by :class:`rispy.RisParser` (a tag is two capitals or a
capital and a digit, then two spaces and a hyphen). A tag of the RIS specification followed
by one space and a hyphen (``TI - title``, a careless edit or a home-made export) is a tag
line too, and reported; with one space only a known tag counts, so a continued abstract line
such as ``IQ - scores were higher`` stays text. Around that, this reader adds what real
exports need and what a plain RIS reader drops silently:

- lines before the first ``TY`` and between ``ER`` and the next ``TY`` (Ovid's numbering and
  "Link to the Ovid Full Text" lines, JSTOR's header, search strategies) are skipped and
  reported;
- a tag line right after ``ER`` (Ovid writes ``NL`` there) belongs to the record it follows;
- an ``ER  -`` line that carries text is part of the record's text, not its end (an abstract
  line can begin with those letters); an ``ER`` only ends a record when it is bare;
- a record whose ``ER`` is missing ends at the next ``TY`` or at the end of the file;
- untagged lines continue the previous field (its value keeps the line break);
- repeated tags are all kept, in order; blank lines inside a record are ignored;
- tag lines outside any record that carry a title or authors are a record without ``TY``:
  that is reported as a record that cannot be read.

Counting rule (``in_file``): every ``TY`` line, plus every record recognised without one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Final

import rispy

from searchtrail.decoding import iter_lines
from searchtrail.errors import Problem
from searchtrail.records.model import (
    ParsedFile,
    RawRecord,
    kept_after_end_note,
    line_numbers,
    skipped_note,
)

CONTENT_TAGS: Final = frozenset({"TI", "T1", "AU", "A1", "AB", "PY", "DO"})
"""Tags whose lines outside any record make a record without ``TY`` (one that cannot be
read); other tag lines there are skipped with the text around them."""
RIS_TAGS: Final = frozenset({
    "TY", "A1", "A2", "A3", "A4", "AB", "AD", "AN", "AU", "AV", "BT", "C1", "C2", "C3", "C4",
    "C5", "C6", "C7", "C8", "CA", "CN", "CP", "CT", "CY", "DA", "DB", "DI", "DO", "DP", "ED",
    "EP", "ER", "ET", "ID", "IS", "J1", "J2", "JA", "JF", "JO", "KW", "L1", "L2", "L3", "L4",
    "LA", "LB", "LK", "M1", "M2", "M3", "N1", "N2", "NV", "OP", "PB", "PP", "PY", "RI", "RN",
    "RP", "SE", "SN", "SP", "ST", "T1", "T2", "T3", "TA", "TI", "TT", "U1", "U2", "U3", "U4",
    "U5", "UR", "VL", "VO", "Y1", "Y2",
})  # fmt: skip
"""The tags of the RIS specification (and DI, which Web of Science writes for the DOI)."""
_ONE_SPACE: Final = re.compile(r"^([A-Z][A-Z0-9]) -(?: (.*))?$")

LineParser = Callable[[str], tuple[str | None, str]]


def line_parser() -> LineParser:
    """A function splitting one RIS line into (tag, value), or (None, text) for a line that
    is not a tag line; see the module's docstring for the rule."""
    two_spaces = rispy.RisParser().parse_line

    def parse(line: str) -> tuple[str | None, str]:
        tag, value = two_spaces(line)
        if tag is None and line[2:4] == " -":
            match = _ONE_SPACE.match(line)
            if match and match.group(1) in RIS_TAGS:
                return match.group(1), (match.group(2) or "").strip()
        return tag, value

    return parse


def read_ris(text: str, *, file: str, encoding: str) -> ParsedFile:
    """Read every record of a RIS file."""
    parse_line = line_parser()
    with_ty = 0
    records: list[RawRecord] = []
    failures: list[Problem] = []
    notes: list[str] = []
    skipped: list[int] = []
    trailing: list[int] = []
    text_er: list[int] = []
    no_er: list[int] = []
    one_space: list[int] = []

    current: RawRecord | None = None
    after_end = False  # just past a bare ER, before any blank line
    stray: list[tuple[int, str]] = []  # tag lines outside records since the last record

    def flush_stray() -> None:
        tags = {tag for _, tag in stray}
        if tags & CONTENT_TAGS:
            first = stray[0][0]
            failures.append(
                Problem(
                    file,
                    first,
                    f"record at line {first}",
                    None,
                    None,
                    "every record to begin with a 'TY  - ' line",
                    f"lines {first}-{stray[-1][0]} hold a record ({', '.join(sorted(tags))}) "
                    "with no TY line",
                )
            )
        stray.clear()

    # The loop below is the reader's hot path: a tag line of the usual shape is told by
    # slicing (the rule of :func:`line_parser`), anything else goes through that function.
    fields: list[tuple[str, str]] | None = None  # the fields of ``current``
    # The first five characters of the tag lines seen ("AU  -") and their tags, other than
    # TY and ER: inside a record, such a line is a field and nothing else.
    fields_by_head: dict[str, str] = {}
    for number, line in enumerate(iter_lines(text), start=1):
        known = fields_by_head.get(line[:5])
        if known is not None and fields is not None:
            fields.append((known, line[6:].strip()))
            continue
        tag: str | None
        if line[2:5] == "  -" and line[:2].isupper() and line[:1].isalpha():
            head = line[:2]
            tag, value = head, line[6:].strip()
            if head not in ("TY", "ER"):
                fields_by_head[line[:5]] = head
        else:
            tag, value = parse_line(line)
            if tag is not None:
                one_space.append(number)
        if fields is not None:
            if tag is None:
                if value:
                    last, previous = fields[-1]
                    fields[-1] = (last, f"{previous}\n{value}" if previous else value)
            elif tag == "ER":
                if value:
                    last, previous = fields[-1]
                    text_line = line.strip()
                    fields[-1] = (last, f"{previous}\n{text_line}" if previous else text_line)
                    text_er.append(number)
                    continue
                records.append(current)  # type: ignore[arg-type]
                current, fields = None, None
                after_end = True
            elif tag == "TY":
                with_ty += 1
                no_er.append(current.line)  # type: ignore[union-attr]
                records.append(current)  # type: ignore[arg-type]
                current = RawRecord(number, [("TY", value)])
                fields = current.fields
            else:
                fields.append((tag, value))
            continue
        if tag == "TY":
            with_ty += 1
            flush_stray()
            current = RawRecord(number, [("TY", value)])
            fields = current.fields
            after_end = False
        elif tag == "ER" and stray:
            # the end of a record that had no TY line
            skipped.append(number)
            flush_stray()
        elif tag is not None and after_end and records:
            records[-1].fields.append((tag, value))
            trailing.append(number)
        elif tag is not None:
            stray.append((number, tag))
            skipped.append(number)
        elif value:
            after_end = False
            skipped.append(number)
        else:
            after_end = False
    if current is not None:
        no_er.append(current.line)
        records.append(current)
    flush_stray()

    if skipped:
        notes.append(skipped_note(skipped))
    if trailing:
        notes.append(kept_after_end_note(trailing))
    if text_er:
        notes.append(f"'ER  -' line(s) with text read as record text ({line_numbers(text_er)})")
    if no_er:
        notes.append(
            f"record(s) without ER ended at the next TY or the end of the file ({line_numbers(no_er)})"
        )
    if one_space:
        notes.append(
            f"tag line(s) with one space before the hyphen read as tags ({line_numbers(one_space)})"
        )
    # Records in the file: those with a TY line (the format's own counting rule) and those
    # recognised without one (each a failure, read or skipped but never lost).
    in_file = with_ty + len(failures)
    return ParsedFile(file, "ris", encoding, records, in_file, failures, notes)
