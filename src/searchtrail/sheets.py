"""Tables people make: CSV and TSV as spreadsheet programs save them, and workbooks.

Every table a person writes or saves for searchtrail (screening decisions, duplicate
verdicts, a screening tool's export) is read here, so each is read the same forgiving and
exact way:

- **encoding**: a byte-order mark (UTF-8, UTF-16), UTF-16 without one, UTF-8, or else
  Windows-1252 (Excel's "CSV" on Windows), by :func:`searchtrail.decoding.decode`;
- **delimiter**: the one Excel's ``sep=;`` first line names (that line is not the header,
  and is kept when the file is added to), or else the one of comma, semicolon and tab that
  the header line holds most of (Excel writes semicolons where the decimal mark is a comma,
  as in the Nordic countries and Germany); a header with none is one column;
- **quoting**: the usual CSV rules, strictly: a quote left open stops with the line it
  opened on, rather than swallowing the rows after it;
- **workbooks** (``.xlsx``, ``.xlsm``, ``.xls``, ``.ods``): the first sheet, read with
  python-calamine; numbers that are whole are written without ``.0``, dates as YYYY-MM-DD;
- **column names**: matched without case and without the spaces around them
  (``Record_ID`` is ``record_id``); :attr:`Sheet.header` holds them so, and
  :attr:`Sheet.written` as the file writes them. A name given to two columns stops the
  reading: which of the two columns was meant cannot be known, and a row rebuilt by name
  would lose one of them.

A row with more cells than the header has columns is kept whole: its extra cells are in
:attr:`SheetRow.extra`, for the caller to refuse with the line (an unquoted comma in a note
would otherwise cut the note short). Blank rows are skipped.

Writing to a table people keep (:func:`append_rows`, :func:`replace_cells`) changes only
what it must: rows are added after the last one, cells are replaced where they stand, and
every other character stays as it was, in the file's own encoding, delimiter and line ends.
"""

from __future__ import annotations

import codecs
import csv
import dataclasses
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from searchtrail.csvtext import csv_text, neutral, restored
from searchtrail.decoding import decode
from searchtrail.errors import Problem, ReviewError, show_value
from searchtrail.fileio import write_bytes, write_text
from searchtrail.records.delimited import sniff_delimiter

WORKBOOKS: Final = (".xlsx", ".xlsm", ".xls", ".ods")
DELIMITER_NAMES: Final = {",": "comma", ";": "semicolon", "\t": "tab"}
SAVE_AS_UTF8: Final = (
    "save the table again as UTF-8 (in Excel: Save As, 'CSV UTF-8 (Comma delimited)')"
)
_SEPARATOR_LINE: Final = re.compile(r'sep=([^"\r\n])[ ]*(\r\n|\r|\n|$)', re.IGNORECASE)
_LINE_END: Final = re.compile(r"\r\n|\r|\n")
_ANOTHER_ENCODING: Final = "; if the file uses another encoding"


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
    """The column names, without case and surrounding spaces: the keys of the rows' cells."""
    rows: tuple[SheetRow, ...]
    encoding: str = "utf-8"
    delimiter: str = ","
    written: tuple[str, ...] = ()
    """The header's cells as the file writes them, for messages."""
    header_line: int = 1
    """The line of the header (2 after Excel's ``sep=`` line)."""

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

    def header_shown(self) -> str:
        """The header as the file writes it, for a message."""
        return show_value((self.delimiter or ", ").join(self.written or self.header), 200)


def read_sheet(path: Path, *, file: str | None = None) -> Sheet:
    """Read a table file (CSV/TSV in any encoding above, or a workbook)."""
    name = file or str(path)
    if not path.is_file():
        raise ReviewError([Problem.of_file(name, "a table file", "it is not a file")])
    if path.suffix.lower() in WORKBOOKS:
        return _workbook(path, name)
    text, encoding = table_text(path.read_bytes(), file=name)
    return parse_sheet(text, file=name, encoding=encoding)


def table_text(data: bytes, *, file: str) -> tuple[str, str]:
    """The text of a table's bytes and the encoding it is in. A table that cannot be
    decoded is named with the advice that fits a table (save it as UTF-8); the search
    log's ``encoding:`` is for exports only."""
    try:
        return decode(data, file=file)
    except ReviewError as error:
        raise ReviewError(
            [
                dataclasses.replace(problem, expected=_table_advice(problem.expected))
                for problem in error.problems
            ]
        ) from error


def _table_advice(expected: str) -> str:
    what = expected.partition(_ANOTHER_ENCODING)[0]
    if "encoding:" in what:
        what = "UTF-8, UTF-16 or Windows-1252 text"
    return f"{what}; {SAVE_AS_UTF8}"


def exact_text(original: bytes, encoding: str) -> str:
    """A table's text exactly as its bytes hold it (``encoding``: as :func:`table_text`
    found it), without its byte-order mark and without the Unicode normalisation reading
    applies: the text to which rows are added or in which cells are replaced, so that
    every other character stays as the person saved it."""
    bom, codec = _codec(encoding, original)
    return original[len(bom) :].decode(codec)


def parse_sheet(text: str, *, file: str, encoding: str = "utf-8") -> Sheet:
    """Read a table from its text; raise :class:`ReviewError` naming the line where the
    quoting breaks, or the header's line when it names a column twice."""
    text = text.removeprefix("\ufeff")
    separator = _SEPARATOR_LINE.match(text)
    skipped = 0
    if separator:
        delimiter = separator.group(1)
        text = text[separator.end() :]
        skipped = 1
    else:
        delimiter = sniff_delimiter(_LINE_END.split(text, maxsplit=1)[0])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[SheetRow] = []
    written: tuple[str, ...] = ()
    header: tuple[str, ...] = ()
    header_line = 1 + skipped
    line = 0
    try:
        for cells in reader:
            start, line = line + 1, reader.line_num
            if not header:
                written, header = tuple(cells), _names(cells)
                header_line = start + skipped
                continue
            if not any(cell.strip() for cell in cells):
                continue
            rows.append(_row(header, cells, start + skipped))
    except csv.Error as error:
        raise ReviewError(
            [
                Problem(
                    file,
                    line + 1 + skipped,
                    None,
                    None,
                    None,
                    "quotes that open and close within the value",
                    f"the table cannot be read from here: {error}",
                )
            ]
        ) from error
    _refuse_repeated_names(file, header_line, written, header)
    return Sheet(file, header, tuple(rows), encoding, delimiter, written, header_line)


def _names(cells: Sequence[str]) -> tuple[str, ...]:
    return tuple(cell.strip().lower() for cell in cells)


def _refuse_repeated_names(
    file: str, line: int, written: Sequence[str], header: Sequence[str]
) -> None:
    """Stop on a column name given twice (empty names, of columns a spreadsheet left
    without a heading, may repeat)."""
    first: dict[str, int] = {}
    problems = []
    for number, name in enumerate(header, start=1):
        if not name:
            continue
        if name not in first:
            first[name] = number
            continue
        earlier = first[name]
        problems.append(
            Problem(
                file,
                line,
                None,
                None,
                show_value(written[number - 1].strip()),
                "each column named once (names are compared without case or the spaces "
                "around them): rename one of the two columns or delete it",
                f"the header names the column {written[earlier - 1].strip()!r} twice: "
                f"columns {earlier} and {number} ({_letters(earlier)} and "
                f"{_letters(number)} in a spreadsheet)",
            )
        )
    if problems:
        raise ReviewError(problems)


def _letters(number: int) -> str:
    """A spreadsheet's name of a column: 1 is A, 27 is AA."""
    name = ""
    while number:
        number, rest = divmod(number - 1, 26)
        name = chr(ord("A") + rest) + name
    return name


def _row(header: Sequence[str], cells: Sequence[str], line: int) -> SheetRow:
    named = {name: (restored(cells[i]) if i < len(cells) else "") for i, name in enumerate(header)}
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
                Problem.of_file(
                    file,
                    "a workbook (.xlsx, .xls, .ods) whose first sheet is the table",
                    f"the workbook cannot be read: {error}",
                )
            ]
        ) from error
    rows: list[SheetRow] = []
    written: tuple[str, ...] = ()
    header: tuple[str, ...] = ()
    header_line = 1
    for number, raw in enumerate(values, start=1):
        cells = [_cell(value) for value in raw]
        if not header:
            written = tuple(cells)
            while written and not written[-1].strip():
                written = written[:-1]
            header, header_line = _names(written), number
            continue
        if any(cell.strip() for cell in cells):
            rows.append(_row(header, cells, number))
    _refuse_repeated_names(file, header_line, written, header)
    return Sheet(file, header, tuple(rows), "xlsx", "", written, header_line)


def append_rows(
    path: Path,
    existing: Sheet | None,
    columns: Sequence[str],
    rows: Sequence[Mapping[str, str]],
    *,
    required: Sequence[str] = (),
) -> None:
    """Add ``rows`` to a table people keep, losing nothing of theirs.

    The text already there is kept character for character: the new rows are appended in
    the file's own encoding, delimiter and line ending, under its own columns (matched
    without case; a column of ``columns`` the file does not have is left out of the new
    rows). A column of ``required`` that a new row fills and the file lacks stops the
    write, naming the header found: searchtrail never adds columns to a person's table.
    When the file's encoding cannot hold the new text (Windows-1252 and a title in
    Polish), the whole file is written as UTF-8 with a byte-order mark, every character
    as it was. A missing file (or one without even a header) is written anew. The
    previous version is kept in ``.previous/`` beside the file; the write is atomic.
    """
    if existing is None or not path.is_file() or not (existing.header or existing.rows):
        table = csv_text(columns, ([row.get(c, "") for c in columns] for row in rows))
        write_text(path, table, backup=True)
        return
    if existing.encoding == "xlsx":
        raise ReviewError(
            [
                Problem.of_file(
                    existing.file,
                    "a CSV or TSV file to add rows to",
                    "searchtrail adds rows to CSV files only and never writes a workbook; "
                    "save the workbook as CSV",
                )
            ]
        )
    filled = {name for row in rows for name, value in row.items() if value and name in required}
    missing = [name for name in required if name in filled and name not in existing.header]
    if missing:
        raise ReviewError(
            [
                Problem(
                    existing.file,
                    existing.header_line,
                    None,
                    None,
                    existing.header_shown(),
                    f"a header with the column{'s' if len(missing) > 1 else ''} "
                    f"{', '.join(missing)} (names are matched without case or the spaces "
                    "around them)",
                    f"the header lacks {', '.join(missing)}: searchtrail adds rows under "
                    "the file's own columns and never adds columns; add "
                    f"{'them' if len(missing) > 1 else 'it'} to the header and run again",
                )
            ]
        )
    original = path.read_bytes()
    text = exact_text(original, existing.encoding)
    newline = line_end(text)
    buffer = io.StringIO()
    delimiter = existing.delimiter or ","
    plain = csv.writer(buffer, delimiter=delimiter, lineterminator=newline)
    # The csv module quotes a cell holding the file's own line end only: a cell with any
    # line break (a note of two lines, in a file whose lines end in CR) is quoted whole.
    quoted = csv.writer(buffer, delimiter=delimiter, lineterminator=newline, quoting=csv.QUOTE_ALL)
    for row in rows:
        cells = [neutral(row.get(name, "")) for name in existing.header]
        (quoted if any("\n" in c or "\r" in c for c in cells) else plain).writerow(cells)
    joint = "" if not text or text.endswith(("\n", "\r")) else newline
    added = joint + buffer.getvalue()
    _, codec = _codec(existing.encoding, original)
    try:
        data = original + added.encode(codec)
    except UnicodeEncodeError:
        data = codecs.BOM_UTF8 + (text + added).encode("utf-8")
    write_bytes(path, data, backup=True)


def line_end(text: str) -> str:
    """The line end a table's text uses: that of its first line (a spreadsheet may write
    LF inside a cell and CR LF between rows)."""
    found = _LINE_END.search(text)
    return found.group() if found else "\n"


def encode_table(text: str, encoding: str, original: bytes) -> bytes:
    """``text`` in the encoding a table was read in (``original``: its bytes as they
    were, for the byte-order mark and its byte order); as UTF-8 with a byte-order mark
    when that encoding cannot hold it."""
    bom, codec = _codec(encoding, original)
    try:
        return bom + text.encode(codec)
    except UnicodeEncodeError:
        return codecs.BOM_UTF8 + text.encode("utf-8")


def _codec(encoding: str, original: bytes) -> tuple[bytes, str]:
    """The byte-order mark and codec of a table's bytes, from the encoding it was read in."""
    if encoding == "utf-8-sig":
        return codecs.BOM_UTF8, "utf-8"
    if encoding == "utf-16":
        big = original.startswith(codecs.BOM_UTF16_BE)
        return original[:2], "utf-16-be" if big else "utf-16-le"
    return b"", encoding


def replace_cells(text: str, sheet: Sheet, changes: Mapping[tuple[int, str], str]) -> str:
    """``text`` (a table's text, as read into ``sheet``) with some cells' values replaced:
    ``changes`` maps (the line a row starts on, a column name) to the value that replaces
    the cell's value, the spaces around it kept. Every other character stays as it was:
    the other cells, quoting, blank rows, line ends, Excel's ``sep=`` line."""
    if not changes:
        return text
    column_of = {name: number for number, name in enumerate(sheet.header) if name}
    cells_of = {row.line: row.cells for row in sheet.rows}
    by_line: dict[int, list[tuple[str, str]]] = {}
    for (line, name), value in changes.items():
        by_line.setdefault(line, []).append((name, value))
    edits: list[tuple[int, int, str]] = []
    for line, spans in _cell_spans(text, sheet.delimiter or ","):
        for name, value in by_line.get(line, ()):
            number = column_of[name]
            start, end = spans[number] if number < len(spans) else (0, 0)
            old = _unquoted(text[start:end])
            if number >= len(spans) or _nfc(old) != _nfc(cells_of[line][name]):
                raise ReviewError(
                    [
                        Problem(
                            sheet.file,
                            line,
                            None,
                            name,
                            show_value(old),
                            "a cell as the table's quoting rules write it",
                            "the cell cannot be found in the file's text to be rewritten",
                        )
                    ]
                )
            new = old.replace(old.strip(), value, 1) if old.strip() else value
            quoted = text.startswith('"', start)
            if quoted or any(c in new for c in (sheet.delimiter, '"', "\r", "\n")):
                new = '"' + new.replace('"', '""') + '"'
            edits.append((start, end, new))
    pieces: list[str] = []
    done = 0
    for start, end, new in sorted(edits):
        pieces.extend((text[done:start], new))
        done = end
    pieces.append(text[done:])
    return "".join(pieces)


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _unquoted(raw: str) -> str:
    if raw.startswith('"') and raw.endswith('"') and len(raw) > 1:
        return raw[1:-1].replace('""', '"')
    return raw


def _cell_spans(text: str, delimiter: str) -> Iterator[tuple[int, list[tuple[int, int]]]]:
    """Each record of a table's text: the line it starts on (counted as the CSV reader
    counts them, CR LF, CR or LF each ending one) and where each of its cells is in
    ``text``, quotes included."""
    position = 1 if text.startswith("\ufeff") else 0
    line = 1
    size = len(text)
    while position < size:
        first = line
        spans = []
        while True:
            start = position
            if position < size and text[position] == '"':
                position += 1
                while True:
                    close = text.find('"', position)
                    if close < 0:
                        close = size
                    line += len(_LINE_END.findall(text, position, close))
                    if close < size - 1 and text[close + 1] == '"':
                        position = close + 2
                        continue
                    position = min(close + 1, size)
                    break
            while position < size and text[position] not in (delimiter, "\r", "\n"):
                position += 1
            spans.append((start, position))
            if position < size and text[position] == delimiter:
                position += 1
                continue
            break
        position += 2 if text.startswith("\r\n", position) else 1
        line += 1
        yield first, spans
