"""Line-tagged formats other than RIS: PubMed/MEDLINE, Web of Science plain text, and
EndNote's Refer-style ``%``-tagged export.

All three keep every tag and value in file order; a value continued on following lines
keeps the line breaks (Web of Science lists one author per line that way).
"""

from __future__ import annotations

import re
from typing import Final

import rispy

from searchtrail.decoding import iter_lines, split_lines
from searchtrail.errors import Problem
from searchtrail.records.model import ParsedFile, RawRecord

_NBIB_TAG: Final = re.compile(r"^([A-Z][A-Z0-9]{0,3}) {0,3}- (.*)$")
_NBIB_TAG_EMPTY: Final = re.compile(r"^([A-Z][A-Z0-9]{0,3}) {0,3}-$")


def read_nbib(text: str, *, file: str, encoding: str) -> ParsedFile:
    """PubMed's MEDLINE format (``.nbib``, or ``.txt`` saved from PubMed)."""
    records: list[RawRecord] = []
    current: RawRecord | None = None
    skipped = 0
    in_file = 0
    for number, line in enumerate(iter_lines(text), start=1):
        if line.startswith("PMID-"):
            in_file += 1
        match = _NBIB_TAG.match(line) or _NBIB_TAG_EMPTY.match(line)
        if match:
            tag = match.group(1)
            value = match.group(2).strip() if match.re is _NBIB_TAG else ""
            if tag == "PMID":
                current = RawRecord(number, [])
                records.append(current)
            if current is None:
                skipped += 1
                continue
            current.fields.append((tag, value))
        elif line.startswith("      ") and current is not None and current.fields:
            tag, value = current.fields[-1]
            current.fields[-1] = (tag, f"{value}\n{line.strip()}")
        elif line.strip():
            skipped += 1
    notes = [f"{skipped} line(s) outside records skipped"] if skipped else []
    return ParsedFile(file, "nbib", encoding, records, in_file, [], notes)


def read_wos(text: str, *, file: str, encoding: str) -> ParsedFile:
    """Web of Science plain text (``.txt``, ``.ciw``, ``.isi``): ``PT`` ... ``ER`` records."""
    parse_line = rispy.WokParser().parse_line
    records: list[RawRecord] = []
    current: RawRecord | None = None
    no_er: list[int] = []
    in_file = 0
    for number, line in enumerate(iter_lines(text), start=1):
        if line.startswith("PT "):
            in_file += 1
        if not line.strip():
            continue
        tag, value = parse_line(line)
        if tag == "PT":
            if current is not None:
                no_er.append(current.line)
            current = RawRecord(number, [("PT", value)])
            records.append(current)
        elif current is None:
            continue  # FN, VR and EF lines, and anything else between records
        elif tag == "ER":
            current = None
        elif tag is None:
            if current.fields:
                field_tag, field_value = current.fields[-1]
                current.fields[-1] = (field_tag, f"{field_value}\n{value}")
        else:
            current.fields.append((tag, value))
    notes = [f"record(s) without ER at lines {no_er[:5]}"] if no_er else []
    return ParsedFile(file, "wos", encoding, records, in_file, [], notes)


def read_refer(text: str, *, file: str, encoding: str) -> ParsedFile:
    """EndNote's tagged export (Refer style: ``%T`` title, ``%A`` author, ...); records are
    separated by blank lines. Counting rule: every block of lines between blank lines is a
    record; a block whose first line is not a ``%`` tag cannot be read, and is reported
    with its lines."""
    lines = split_lines(text)
    records: list[RawRecord] = []
    failures: list[Problem] = []
    in_file = 0
    current: RawRecord | None = None
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
        if current is None and not stray:
            in_file += 1
            if line.startswith("%") and len(line) >= 2:
                current = RawRecord(number, [])
                records.append(current)
            else:
                stray.append(number)
                continue
        if stray:
            stray.append(number)
        elif current is not None and line.startswith("%") and len(line) >= 2:
            current.fields.append((line[:2], line[3:].strip()))
        elif current is not None and current.fields:
            tag, value = current.fields[-1]
            current.fields[-1] = (tag, f"{value}\n{line.strip()}")
    close_stray()
    return ParsedFile(file, "refer", encoding, records, in_file, failures, [])
