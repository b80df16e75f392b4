"""Tables people make: CSV and TSV as spreadsheet programs save them, and workbooks.

Every table a person writes or saves for searchtrail (screening decisions, duplicate
verdicts, a screening tool's export) is read here, so each is read the same forgiving and
exact way:

- **encoding**: a byte-order mark (UTF-8, UTF-16), UTF-16 without one, UTF-8, or else
  Windows-1252 (Excel's "CSV" on Windows), by :func:`searchtrail.decoding.decode`;
- **delimiter**: the one of comma, semicolon and tab that the header line holds most of
  (Excel writes semicolons where the decimal mark is a comma, as in the Nordic countries
  and Germany); a header with none is one column;
- **quoting**: the usual CSV rules, strictly: a quote left open stops with the line it
  opened on, rather than swallowing the rows after it;
- **workbooks** (``.xlsx``, ``.xlsm``, ``.xls``, ``.ods``): the first sheet, read with
  python-calamine; numbers that are whole are written without ``.0``, dates as YYYY-MM-DD.

A row with more cells than the header has columns is kept whole: its extra cells are in
:attr:`SheetRow.extra`, for the caller to refuse with the line (an unquoted comma in a note
would otherwise cut the note short). Blank rows are skipped.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from searchtrail.csvtext import csv_text, neutral
from searchtrail.decoding import decode
from searchtrail.errors import Problem, ReviewError, show_value
from searchtrail.fileio import write_bytes, write_text
from searchtrail.records.delimited import sniff_delimiter

WORKBOOKS: Final = (".xlsx", ".xlsm", ".xls", ".ods")
DELIMITER_NAMES: Final = {",": "comma", ";": "semicolon", "\t": "tab"}


@dataclass(frozen=True)
class SheetRow:
    """One row: its cells by column name, where it starts, and cells past the header."""

    line: int
    cells: dict[str, str]
    extra: tuple[str, ...] = ()


@dataclass(frozen=True)
class Sheet:
    """A table as read: its header, its rows and how its text was written."""

    file: str
    header: tuple[str, ...]
    rows: tuple[SheetRow, ...]
    encoding: str = "utf-8"
    delimiter: str = ","

    def too_long(self, expected: str = "") -> list[Problem]:
        """Rows with more cells than the header has columns, as problems."""
        return [
            Problem(
                self.file,
                row.line,
                None,
                None,
                show_value(self.delimiter.join(row.extra)),
                expected or f"at most {len(self.header)} cells, one per column of the header",
                f"the row has {len(self.header) + len(row.extra)} cells but the header has "
                f"{len(self.header)} columns: a value holding a "
                f"{DELIMITER_NAMES.get(self.delimiter, self.delimiter)} must be quoted",
            )
            for row in self.rows
            if row.extra
        ]


def read_sheet(path: Path, *, file: str | None = None) -> Sheet:
    """Read a table file (CSV/TSV in any encoding above, or a workbook)."""
    name = file or str(path)
    if not path.is_file():
        raise ReviewError(
            [Problem(name, None, None, None, None, "a table file", "it is not a file")]
        )
    if path.suffix.lower() in WORKBOOKS:
        return _workbook(path, name)
    text, encoding = decode(path.read_bytes(), file=name)
    return parse_sheet(text, file=name, encoding=encoding)


def parse_sheet(text: str, *, file: str, encoding: str = "utf-8") -> Sheet:
    """Read a table from its text; raise :class:`ReviewError` naming the line where the
    quoting breaks."""
    text = text.removeprefix("\ufeff")
    first = text.split("\n", 1)[0]
    delimiter = sniff_delimiter(first)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[SheetRow] = []
    header: tuple[str, ...] = ()
    line = 0
    try:
        for cells in reader:
            start, line = line + 1, reader.line_num
            if not header:
                header = tuple(cell.strip() for cell in cells)
                continue
            if not any(cell.strip() for cell in cells):
                continue
            rows.append(_row(header, cells, start))
    except csv.Error as error:
        raise ReviewError(
            [
                Problem(
                    file,
                    line + 1,
                    None,
                    None,
                    None,
                    "quotes that open and close within the value",
                    f"the table cannot be read from here: {error}",
                )
            ]
        ) from error
    return Sheet(file, header, tuple(rows), encoding, delimiter)


def _row(header: Sequence[str], cells: Sequence[str], line: int) -> SheetRow:
    named = {name: (cells[i] if i < len(cells) else "") for i, name in enumerate(header)}
    extra = tuple(cell for cell in cells[len(header) :] if cell.strip())
    return SheetRow(line, named, extra)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _workbook(path: Path, file: str) -> Sheet:
    from python_calamine import CalamineWorkbook  # noqa: PLC0415 - only for workbooks

    try:
        book = CalamineWorkbook.from_path(str(path))
        values: Iterable[Sequence[object]] = book.get_sheet_by_index(0).to_python()
    except Exception as error:  # calamine reports every kind of damage its own way
        raise ReviewError(
            [
                Problem(
                    file,
                    None,
                    None,
                    None,
                    None,
                    "a workbook (.xlsx, .xls, .ods) whose first sheet is the table",
                    f"the workbook cannot be read: {error}",
                )
            ]
        ) from error
    rows: list[SheetRow] = []
    header: tuple[str, ...] = ()
    for number, raw in enumerate(values, start=1):
        cells = [_cell(value) for value in raw]
        if not header:
            header = tuple(cell.strip() for cell in cells)
            while header and not header[-1]:
                header = header[:-1]
            continue
        if any(cell.strip() for cell in cells):
            rows.append(_row(header, cells, number))
    return Sheet(file, header, tuple(rows), "xlsx", "")


def append_rows(
    path: Path,
    existing: Sheet | None,
    columns: Sequence[str],
    rows: Sequence[Mapping[str, str]],
    *,
    required: Sequence[str] = (),
) -> None:
    """Add ``rows`` to a table people keep, losing nothing of theirs.

    The rows already there are kept byte for byte: the new ones are appended in the file's
    own encoding, delimiter and line ending, under its own columns (a column of ``columns``
    the file does not have is left out of the new rows, unless it is ``required`` and a new
    row fills it). Only when that cannot be (a required column is missing, the file is
    UTF-16, or its encoding cannot hold the new text) is it written anew, in UTF-8 with its
    own columns followed by the missing ones, every row's values as they were. The
    previous version is kept in ``.previous/`` beside the file; the write is atomic.
    """
    if existing is None or not path.is_file():
        write_text(path, csv_text(columns, ([row.get(c, "") for c in columns] for row in rows)))
        return
    filled = {name for row in rows for name, value in row.items() if value and name in required}
    header = list(existing.header)
    original = path.read_bytes()
    appendable = (
        filled <= set(header)
        and existing.encoding in ("utf-8", "utf-8-sig", "cp1252")
        and existing.delimiter in (",", ";", "\t")
    )
    if appendable:
        newline = "\r\n" if b"\r\n" in original else "\n"
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=existing.delimiter, lineterminator=newline)
        writer.writerows([neutral(row.get(name, "")) for name in header] for row in rows)
        try:
            added = buffer.getvalue().encode("cp1252" if existing.encoding == "cp1252" else "utf-8")
        except UnicodeEncodeError:
            appendable = False
        else:
            joint = b"" if not original or original.endswith((b"\n", b"\r")) else newline.encode()
            write_bytes(path, original + joint + added, backup=True)
            return
    missing = [name for name in columns if name not in header]
    header += missing
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for old in existing.rows:
        writer.writerow([old.cells.get(name, "") for name in header] + list(old.extra))
    writer.writerows([neutral(row.get(name, "")) for name in header] for row in rows)
    write_text(path, buffer.getvalue(), backup=True)
