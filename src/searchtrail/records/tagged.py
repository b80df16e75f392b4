"""Line-tagged formats other than RIS: PubMed/MEDLINE, Web of Science plain text, and
EndNote's Refer-style ``%``-tagged export.

All three keep every tag and value in file order; a value continued on following lines
keeps the line breaks (Web of Science lists one author per line that way). Each reader
counts the records of a file (``in_file``) by the rule it reads them by, stated in its
docstring, so a record the rule finds is either read or reported, never merged into its
neighbour or dropped.
"""

from __future__ import annotations

import re
from typing import Final

from searchtrail.decoding import iter_lines, split_lines
from searchtrail.errors import Problem
from searchtrail.records.model import ParsedFile, RawRecord, line_numbers, skipped_note

_NBIB_TAG: Final = re.compile(r"^([A-Z][A-Z0-9]{0,3}) {0,3}- (.*)$")
_NBIB_TAG_EMPTY: Final = re.compile(r"^([A-Z][A-Z0-9]{0,3}) {0,3}-$")
# "PMID-22664220": a PMID line written without the space after the hyphen.
_NBIB_PMID_TIGHT: Final = re.compile(r"^(PMID)-(\d+)\s*$")
_WOS_TAG: Final = re.compile(r"^([A-Z][A-Z0-9])(?: (.*))?$")
_WOS_FILE_MARKS: Final = frozenset({"FN", "VR", "EF"})


def read_nbib(text: str, *, file: str, encoding: str) -> ParsedFile:
    """PubMed's MEDLINE format (``.nbib``, or ``.txt`` saved from PubMed).

    Records are separated by blank lines: a tag line after a blank line (or the file's
    first tag line) starts a record, whether or not it is ``PMID-``. A ``PMID-`` line
    starts a record wherever it stands, as PubMed writes it first in every record (records
    written without the blank line), and so does a second ``OWN`` line in one record (ERIC
    writes ``OWN - ERIC`` first, and no PMID). Lines indented by six spaces continue the field before
    them; other lines outside that shape are skipped and reported with their numbers. A
    ``PMID-`` line without the space after the hyphen (``PMID-22664220``) is a PMID line
    all the same: the file is read as MEDLINE from its other lines, and the PMID's value
    (digits only) cannot be mistaken for text."""
    records: list[RawRecord] = []
    current: RawRecord | None = None
    skipped: list[int] = []
    no_pmid: list[int] = []
    joined: list[int] = []
    joined_own: list[int] = []
    number = 0
    for line in iter_lines(text):
        number += 1
        tag = line[:4].rstrip(" ")
        if (
            line[4:6] == "- "
            and tag.isascii()
            and tag.isalnum()
            and tag.isupper()
            and tag[:1].isalpha()
        ):
            # The usual shape, told by slicing: the rule of ``_NBIB_TAG``.
            value = line[6:].strip()
        elif line.startswith("      ") and (more := line.strip()):
            # A continued field (no tag line begins with a space).
            if current is not None and current.fields:
                last, previous = current.fields[-1]
                current.fields[-1] = (last, f"{previous}\n{more}")
            else:
                skipped.append(number)
            continue
        elif not line.strip():
            current = None  # a blank line ends the record
            continue
        elif match := (
            _NBIB_TAG.match(line) or _NBIB_TAG_EMPTY.match(line) or _NBIB_PMID_TIGHT.match(line)
        ):
            tag = match.group(1)
            value = match.group(2).strip() if match.re is not _NBIB_TAG_EMPTY else ""
        else:
            skipped.append(number)
            continue
        if (
            current is not None
            and current.fields
            and (tag == "PMID" or (tag == "OWN" and _has(current, "OWN")))
        ):
            (joined if tag == "PMID" else joined_own).append(number)
            current = None
        if current is None:
            current = RawRecord(number, [])
            records.append(current)
        current.fields.append((tag, value))
    no_pmid.extend(
        record.line
        for record in records
        if not _has(record, "PMID") and ("OWN", "ERIC") not in record.fields
    )
    notes = []
    if skipped:
        notes.append(skipped_note(skipped))
    if joined:
        notes.append(
            f"record(s) with no blank line before them, told by their PMID line ({line_numbers(joined)})"
        )
    if joined_own:
        notes.append(
            f"record(s) with no blank line before them, told by their OWN line ({line_numbers(joined_own)})"
        )
    if no_pmid:
        notes.append(f"record(s) without a PMID line ({line_numbers(no_pmid)})")
    # Counting rule: the record starts above (blank-line blocks and repeated PMID lines).
    return ParsedFile(file, "nbib", encoding, records, len(records), [], notes)


def read_wos(text: str, *, file: str, encoding: str) -> ParsedFile:
    """Web of Science plain text (``.txt``, ``.ciw``, ``.isi``).

    After the file's ``FN``/``VR`` header, a record is whatever lies between one ``ER`` line
    and the next, ``PT`` line or not; ``EF`` ends the file. A record whose ``ER`` is missing
    ends where a blank line is followed by a tag line, or at a second ``PT`` line, and is
    reported. Lines that begin with spaces continue the field before them."""
    records: list[RawRecord] = []
    current: RawRecord | None = None
    after_blank = False
    no_er: list[int] = []
    no_pt: list[int] = []
    untagged: list[int] = []
    skipped: list[int] = []
    number = 0
    for line in iter_lines(text):
        number += 1
        head = line[:2]
        tag: str | None
        if (
            line[2:3] == " "
            and head.isascii()
            and head.isalnum()
            and head.isupper()
            and head[:1].isalpha()
        ):
            # The usual shape, told by slicing: the rule of ``_WOS_TAG``.
            tag, value = head, line[3:].strip()
        else:
            if not line.strip():
                after_blank = True
                continue
            match = None if line.startswith(" ") else _WOS_TAG.match(line.rstrip())
            tag = match.group(1) if match else None
            value = (match.group(2) or "").strip() if match else line.strip()
        if current is not None and tag is not None:
            if tag == "ER":
                current, after_blank = None, False
                continue
            if after_blank or (tag == "PT" and _has(current, "PT")):
                no_er.append(current.line)
                current = None
        after_blank = False
        if current is None:
            if tag is None or tag in _WOS_FILE_MARKS or tag == "ER":
                if tag is None:
                    skipped.append(number)
                continue
            current = RawRecord(number, [(tag, value)])
            records.append(current)
        elif tag is not None:
            current.fields.append((tag, value))
        else:
            if not line.startswith(" "):
                untagged.append(number)
            field_tag, field_value = current.fields[-1]
            current.fields[-1] = (field_tag, f"{field_value}\n{value}")
    no_pt.extend(record.line for record in records if not _has(record, "PT"))
    notes = []
    if no_er:
        notes.append(f"record(s) without ER ended where the next began ({line_numbers(no_er)})")
    if no_pt:
        notes.append(f"record(s) without a PT line ({line_numbers(no_pt)})")
    if untagged:
        notes.append(
            f"line(s) without a tag or indent read as continued text ({line_numbers(untagged)})"
        )
    if skipped:
        notes.append(skipped_note(skipped))
    # Counting rule: the records between ER lines found above.
    return ParsedFile(file, "wos", encoding, records, len(records), [], notes)


def read_refer(text: str, *, file: str, encoding: str) -> ParsedFile:
    """EndNote's tagged export (Refer style: ``%T`` title, ``%A`` author, ...).

    Counting rule: every block of lines between blank lines is a record, and a second ``%0``
    (reference type) line within a block starts another (records written without a blank
    line between them). Where the block's record began with other tags before its ``%0``
    (``%T`` first, as some exporters write), the same tags just before the second ``%0``
    go with the new record. A block whose first line is not a ``%`` tag cannot be read, and
    is reported with its lines."""
    lines = split_lines(text)
    records: list[RawRecord] = []
    failures: list[Problem] = []
    joined: list[int] = []
    in_file = 0
    current: RawRecord | None = None
    field_lines: list[int] = []  # the line of each field of the current record
    stray: list[int] = []

    def close_stray() -> None:
        if stray:
            failures.append(
                Problem(
                    file,
                    stray[0],
                    f"lines {stray[0]}-{stray[-1]}",
                    None,
                    None,
                    "a record whose lines begin with % tags (%0, %T, %A, ...)",
                    "the lines between blank lines do not begin with a % tag",
                )
            )
            stray.clear()

    for number, line in enumerate(lines, start=1):
        if not line.strip():
            close_stray()
            current = None
            continue
        tagged = line.startswith("%") and len(line) >= 2
        if current is None and not stray:
            in_file += 1
            if tagged:
                current = RawRecord(number, [])
                field_lines = []
                records.append(current)
            else:
                stray.append(number)
                continue
        if stray:
            stray.append(number)
        elif current is not None and tagged:
            tag, value = line[:2], line[3:].strip()
            if tag == "%0" and _has(current, "%0"):
                in_file += 1
                joined.append(number)
                current, field_lines = _split_refer(current, field_lines, number)
                records.append(current)
            current.fields.append((tag, value))
            field_lines.append(number)
        elif current is not None and current.fields:
            tag, value = current.fields[-1]
            current.fields[-1] = (tag, f"{value}\n{line.strip()}")
    close_stray()
    notes = (
        [
            f"record(s) with no blank line before them, told by a second %0 line ({line_numbers(joined)})"
        ]
        if joined
        else []
    )
    return ParsedFile(file, "refer", encoding, records, in_file, failures, notes)


def _split_refer(
    record: RawRecord, field_lines: list[int], number: int
) -> tuple[RawRecord, list[int]]:
    """The record that a second ``%0`` at line ``number`` starts: it takes along the fields
    just before it that repeat the tags ``record`` began with before its own ``%0``."""
    lead = [tag for tag, _ in record.fields[: [t for t, _ in record.fields].index("%0")]]
    size = len(lead)
    if size and len(record.fields) > 2 * size and [t for t, _ in record.fields[-size:]] == lead:
        moved, moved_lines = record.fields[-size:], field_lines[-size:]
        del record.fields[-size:]
        del field_lines[-size:]
        return RawRecord(moved_lines[0], list(moved)), list(moved_lines)
    return RawRecord(number, []), []


def _has(record: RawRecord, tag: str) -> bool:
    return any(name == tag for name, _ in record.fields)
