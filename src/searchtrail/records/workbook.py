"""Spreadsheet exports read directly: Excel (``.xlsx``, ``.xls``) and OpenDocument (``.ods``)
workbooks whose sheet holds a table of records.

Web of Science's "Excel" export (``.xls`` and ``.xlsx``), Embase's Excel export and a
workbook anyone saved from another database's table are read here with python-calamine. The
format is told from the content: the file's signature says it is a workbook, and a row near
the top of a sheet must name known columns (the header a CSV export would have, see
:func:`searchtrail.records.delimited.known_header`); the sheet read is the first that has
one (the first sheet, unless it holds something else, such as a search summary). The table's
layout (Web of Science, Embase, Scopus, Lens, ...) is then told from that header as for a
CSV file, and each row below it is a record, its cells read as text: a whole number as the
sheet shows it (a year is ``2019``, never ``2019.0``), a date as ``YYYY-MM-DD``.

A workbook whose sheets hold no such header (a list of notes, a screening sheet), and a file
that only looks like one, are not read here: :func:`searchtrail.records.reader.binary_kind`
then names the file for what it is, as for any file that is not a text export.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Sequence
from typing import Final

from searchtrail.errors import Problem
from searchtrail.records.delimited import HEADER_ROWS, table_profile
from searchtrail.records.fields import TABLE_COLUMNS
from searchtrail.records.model import ParsedFile, RawRecord
from searchtrail.records.vendor_tables import note_above_header

_OLE: Final = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP: Final = b"PK\x03\x04"
_ODS_MIMETYPE: Final = b"application/vnd.oasis.opendocument.spreadsheet"


def workbook_kind(data: bytes) -> str | None:
    """``xls``, ``xlsx`` or ``ods`` when ``data`` has a workbook's signature (an old Office
    file, or a ZIP archive holding a workbook's parts), otherwise None. An old Office file
    may be a Word document: only reading it tells."""
    if data.startswith(_OLE):
        return "xls"
    if not data.startswith(_ZIP):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            if "xl/workbook.xml" in names:
                return "xlsx"
            if "mimetype" in names and archive.read("mimetype").strip() == _ODS_MIMETYPE:
                return "ods"
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, KeyError):
        return None
    return None


def read_workbook(data: bytes, *, file: str) -> ParsedFile | None:
    """The records of a workbook whose sheet holds a table of records, or None when ``data``
    is not a workbook, cannot be read as one, or no sheet has a header naming known columns.
    """
    kind = workbook_kind(data)
    if kind is None:
        return None
    found = _table(data)
    if found is None:
        return None
    sheet_name, passed, rows, header_index = found
    written = [_text(value).strip() for value in rows[header_index]]
    while written and not written[-1]:
        written.pop()
    profile = table_profile(written)
    records: list[RawRecord] = []
    failures: list[Problem] = []
    in_file = 0
    for index in range(header_index + 1, len(rows)):
        cells = [_text(value) for value in rows[index]]
        if not any(cell.strip() for cell in cells):
            continue
        row_number = index + 1
        in_file += 1
        extra = [cell for cell in cells[len(written) :] if cell.strip()]
        if extra:
            failures.append(
                Problem(
                    file,
                    row_number,
                    f"row {row_number} of sheet {sheet_name!r}",
                    None,
                    repr(extra[0][:60]),
                    f"at most {len(written)} cells, one per column of the header",
                    f"the row has cells beyond the last column of the header ({len(extra)} filled)",
                )
            )
            continue
        fields = [
            (name, cell)
            for name, cell in zip(written, cells, strict=False)
            if name and cell.strip()
        ]
        records.append(RawRecord(row_number, fields))
    notes = [
        f"read from the sheet {sheet_name!r} of the workbook ({kind}); its header is row "
        f"{header_index + 1}, and a record's line is its row"
    ]
    if passed:
        notes.append(
            f"the sheet(s) {', '.join(repr(name) for name in passed)} before it hold no header "
            "naming known columns and were not read"
        )
    return ParsedFile(file, profile, kind, records, in_file, failures, notes)


def holds_records(data: bytes) -> bool:
    """Whether ``data`` is a workbook with a sheet holding a table of records."""
    return workbook_kind(data) is not None and _table(data) is not None


Table = tuple[str, list[str], list[Sequence[object]], int]


def _table(data: bytes) -> Table | None:
    """The first sheet with a header naming known columns in its first rows: its name, the
    names of the sheets before it, its rows (from the sheet's first row, so that a row's index + 1 is its number)
    and the header's row index."""
    from python_calamine import CalamineWorkbook  # noqa: PLC0415 - only for workbooks

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = list(book.sheet_names)
        for index, name in enumerate(names):
            rows: list[Sequence[object]] = list(
                book.get_sheet_by_index(index).to_python(skip_empty_area=False)
            )
            header = _header_row(rows)
            if header is not None:
                return name, names[:index], rows, header
    except Exception:  # calamine reports every kind of damage its own way
        return None
    return None


def _header_row(rows: list[Sequence[object]]) -> int | None:
    """The index of the first of the first rows whose cells name known columns (two cells or
    more, one of them a column searchtrail knows); Dimensions' note above its header is
    passed over like any other row."""
    for index, row in enumerate(rows[:HEADER_ROWS]):
        cells = [_text(value).strip().lower() for value in row]
        filled = [cell for cell in cells if cell]
        if filled and note_above_header(filled[0]):
            continue
        if len(filled) >= 2 and any(cell in TABLE_COLUMNS for cell in filled):
            return index
    return None


def _text(value: object) -> str:
    """A cell as the sheet shows it: whole numbers without ``.0``, dates as YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)
