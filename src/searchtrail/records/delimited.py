"""Delimited tables: Scopus CSV, Web of Science tab-delimited, Embase, PubMed and Zotero
CSV, and any other CSV/TSV with recognisable column names (or a column mapping in the
search log).

The delimiter is taken from the header line (tab, semicolon or comma). Web of Science
tab-delimited files are read without quote handling, as Web of Science writes quotes inside
titles unescaped; every other table follows the usual CSV quoting. Blank rows are skipped.
A row with more filled cells than the header has columns cannot be read and is reported
with its line. A line of a database's search strategy (Ovid's ``Database:`` and ``Search
Strategy:`` lines, its numbered search lines, a rule of dashes) is never a table's header:
the strategy's lines often hold as many commas as each other (``.ti,ab.``), which once made
an Ovid RIS file with a long strategy a table of one record per line.

A database may write a few lines above the header (Embase: ``"SEARCH QUERY","dinosaur:ti"``,
a rule of dashes, a blank line): the header is the first of the first :data:`HEADER_ROWS`
lines that names known columns (:func:`header_index`), and the lines above it are skipped
and named in the notes, as the workbook reader does with the rows above a sheet's header.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections.abc import Iterator
from typing import Final

from searchtrail.errors import Problem, ReviewError
from searchtrail.records import columnar, csv_bytes
from searchtrail.records.fields import TABLE_COLUMNS
from searchtrail.records.model import ParsedFile, RawRecord
from searchtrail.records.vendor_tables import LAYOUTS, layout_of, note_above_header

csv.field_size_limit(1 << 30)

PROFILES: Final = (
    "wos-tab",
    "scopus-csv",
    "embase-csv",
    "pubmed-csv",
    "zotero-csv",
    *(layout.name for layout in LAYOUTS),
    "csv",
)


def sniff_delimiter(header: str) -> str:
    """The delimiter of a table, judged from its header line."""
    counts = {"\t": header.count("\t"), ";": header.count(";"), ",": header.count(",")}
    best = max(counts, key=lambda key: (counts[key], key == "\t"))
    return best if counts[best] else ","


# A line of a search strategy or a database's preamble, as Ovid writes them before its
# records: "Database: Ovid MEDLINE(R) <1946 to ...>", "Search Strategy:", a rule of dashes,
# "1     (parent* adj3 training).ti,ab. (12345)", a record number "1." or "<1>".
_STRATEGY_LINE: Final = re.compile(
    r"^(?:Database:|Search Strategy:|\d+ +\S|<?\d+>?\.?$|[-=*_~]{3,}$)", re.IGNORECASE
)


def strategy_line(line: str) -> bool:
    """Whether ``line`` is a line of a database's search strategy or preamble (Ovid's
    ``Database:``/``Search Strategy:`` lines, a numbered search line, a rule), which no
    table has as its header."""
    return bool(_STRATEGY_LINE.match(line.strip()))


def known_header(line: str) -> bool:
    """Whether ``line`` is a table's header naming at least one column searchtrail knows
    (``title``, ``authors``, ``year``, ``source title``, ...), in two cells or more."""
    if strategy_line(line):
        return False
    delimiter = sniff_delimiter(line)
    cells = next(csv.reader([line], delimiter=delimiter), [])
    return len(cells) >= 2 and any(cell.strip().lower() in TABLE_COLUMNS for cell in cells)


_LINE_BREAK: Final = re.compile(r"\r\n|\r|\n")
HEADER_ROWS: Final = 10
"""How far down a table (a CSV or TSV file, a sheet) its header is looked for."""


def _known_names(line: str) -> tuple[int, int]:
    """How many cells of ``line`` (as a header) are filled, and how many name known
    columns."""
    cells = next(csv.reader([line], delimiter=sniff_delimiter(line)), [])
    filled = [cell.strip().lower() for cell in cells if cell.strip()]
    return len(filled), sum(1 for cell in filled if cell in TABLE_COLUMNS)


def header_index(lines: list[str]) -> int | None:
    """Which of ``lines`` (the first lines of a file) is a table's header: the first line if
    it names a known column (:func:`known_header`); otherwise the first of the first
    :data:`HEADER_ROWS` lines that names two known columns or more and has more filled cells
    than every line above it (Dimensions' note above its header aside), so that a
    database's preamble (a search query, a rule, a blank line) is passed over and a data row
    of a table whose header names no known column is never taken for its header. None when
    there is no such line."""
    if not lines:
        return None
    if known_header(lines[0]):
        return 0
    widest = 0
    for index, line in enumerate(lines[:HEADER_ROWS]):
        if note_above_header(line):
            continue
        filled, known = _known_names(line)
        if index and known >= 2 and filled > widest and known_header(line):
            return index
        widest = max(widest, filled)
    return None


def table_header(lines: list[str]) -> bool:
    """Whether the first of the non-blank ``lines`` of a file is a table's header naming a
    known column (:func:`known_header`), or the note Dimensions writes above its header
    (``About the data: Exported on …``) with such a header after it."""
    if not lines:
        return False
    if note_above_header(lines[0]):
        return len(lines) > 1 and known_header(lines[1])
    return known_header(lines[0])


def _note_above_header(text: str) -> tuple[str, int, str]:
    """``text`` without the note Dimensions writes above its header, the number of lines
    left out, and the note (empty when there is none)."""
    first_line = _first_line(text)
    if not note_above_header(first_line):
        return text, 0, ""
    rest = text[len(first_line) :]
    rest = rest[2:] if rest.startswith("\r\n") else rest[1:]
    return rest, 1, first_line


def _first_line(text: str) -> str:
    """The first line of ``text`` (without copying the rest of a large text)."""
    end = text.find("\n")
    return (text if end < 0 else text[:end]).split("\r", 1)[0]


def _text_lines(text: str, piece: int = 1 << 20) -> Iterator[str]:
    """The lines of ``text`` with their line breaks, as a file opened with ``newline=""``
    gives them to the CSV reader (split at LF, CR LF and CR), read from a piece of about
    ``piece`` characters at a time: a text buffer of the whole of a large file would hold
    four bytes a character. Pieces end just after an LF, so a CR LF is never cut."""
    start = 0
    while start < len(text):
        end = text.find("\n", start + piece)
        end = len(text) if end < 0 else end + 1
        yield from io.StringIO(text[start:end], newline="")
        start = end


def _above_header(text: str) -> tuple[str, list[str]]:
    """``text`` from its header on (:func:`header_index`), and the lines above the header
    (none when the header is the first line, or no line is one)."""
    lines: list[str] = []
    ends: list[int] = []
    position = 0
    for match in _LINE_BREAK.finditer(text):
        lines.append(text[position : match.start()])
        position = match.end()
        ends.append(position)
        if len(lines) == HEADER_ROWS:
            break
    else:
        lines.append(text[position:])
    index = header_index(lines)
    if not index:
        return text, []
    return text[ends[index - 1] :], lines[:index]


def same_cells(head: str, *, complete: bool, rows: int = 200) -> bool:
    """Whether ``head`` (the start of a file; ``complete`` when it is the whole file) is
    laid out as a table: a first line of two cells or more, and at least one more row, three
    rows in four with the same number of cells (empty cells after the last column aside),
    and a first line that is not a line of a search strategy (:func:`strategy_line`)."""
    first_line = head.split("\n", 1)[0].split("\r", 1)[0]
    delimiter = sniff_delimiter(first_line)
    if delimiter not in first_line or strategy_line(first_line):
        return False
    reader = csv.reader(io.StringIO(head, newline=""), delimiter=delimiter, strict=False)
    try:
        read = list(itertools.islice(reader, rows + 1))
    except csv.Error:
        return False
    header, data = read[0], read[1:] if complete else read[1:-1]
    data = [row for row in data if any(cell.strip() for cell in row)]
    width = len(header)
    alike = sum(
        1
        for row in data
        if len(row) == width or (len(row) > width and not any(c.strip() for c in row[width:]))
    )
    return bool(data) and alike * 4 >= len(data) * 3


def table_profile(columns: list[str]) -> str:
    """Which known exporter wrote a table with these columns."""
    names = {c.strip().lower() for c in columns}
    tags = [c for c in columns if len(c) == 2 and c.isalnum() and c.isupper()]
    if {"PT", "TI", "AU"} <= set(columns) and len(tags) >= 0.8 * len(columns):
        return "wos-tab"
    vendor = layout_of(frozenset(names))
    if vendor is not None:
        return vendor
    if {"source title", "title"} <= names and ("eid" in names or "authors" in names):
        return "scopus-csv"
    if {"author names", "source", "title"} <= names:
        return "embase-csv"
    if {"pmid", "citation", "journal/book"} <= names:
        return "pubmed-csv"
    if {"key", "item type", "publication title"} <= names:
        return "zotero-csv"
    return "csv"


def read_table(text: str, *, file: str, encoding: str) -> ParsedFile:
    """Read every data row of a CSV or TSV file (after the lines above its header: the note
    Dimensions writes, a database's search query (:func:`header_index`), which are skipped
    and named in the notes)."""
    table = Table(text, file=file)
    records = [
        RawRecord(
            start,
            [(name, cell) for name, cell in zip(table.header, row, strict=False) if cell.strip()],
        )
        for start, row in table.rows()
    ]
    return ParsedFile(
        file, table.profile, encoding, records, table.in_file, table.failures, table.notes
    )


def read_table_columns(text: str, *, file: str, encoding: str) -> ParsedFile | None:
    """:func:`read_table` with the rows held as columns (:mod:`~searchtrail.records.columnar`),
    for a table of a profile whose rows are standardised there and whose every row has a
    title (so that no row needs checking for what it gives); None otherwise."""
    table = Table(text, file=file)
    if table.empty or table.profile not in columnar.TABLE_FORMATS:
        return None
    found = columnar.from_table(table.header, table.rows())
    if not len(found) or not columnar.titled(found, table.profile):
        return None
    return ParsedFile(
        file, table.profile, encoding, [], table.in_file, table.failures, table.notes, columns=found
    )


def read_table_bytes(
    body: bytes, head: str, head_bytes: int, *, file: str, encoding: str
) -> ParsedFile | None:
    """:func:`read_table_columns` of a UTF-8 table from its bytes (``body``, without a
    byte-order mark), its header read from ``head`` (the text of its first ``head_bytes``
    bytes, whole lines, in NFC): its rows found by array operations on the bytes
    (:func:`~searchtrail.records.csv_bytes.split_table`), never held as Python text; None
    where the text is to be read (a profile read row by row, a header beyond ``head``,
    quoting of another kind)."""
    try:
        table = Table(head, file=file)
    except ReviewError:
        return None  # read whole, which reports it if the whole text is wrong too
    if table.empty or table.profile not in columnar.TABLE_FORMATS:
        return None
    start = 0
    for _ in range(table.above_rows):
        found = body.find(b"\n", start)
        if found < 0:
            return None
        start = found + 1
    if start > head_bytes or body.count(b"\r", 0, start) != body.count(b"\r\n", 0, start):
        return None
    rows = csv_bytes.split_table(body, start, table.delimiter, table.header, table.above_rows + 1)
    if rows is None or not len(rows) or not columnar.titled(rows, table.profile):
        return None
    return ParsedFile(file, table.profile, encoding, [], len(rows), [], table.notes, columns=rows)


class Table:
    """A CSV or TSV file's header, and its data rows as they are read (:meth:`rows`)."""

    def __init__(self, text: str, *, file: str) -> None:
        self.file = file
        self.in_file = 0
        self.failures: list[Problem] = []
        text, skipped, note = _note_above_header(text)
        text, above = _above_header(text)
        self.notes = (
            [f"line 1 is the note Dimensions writes above its header ({note[:80]!r}): skipped"]
            if skipped
            else []
        )
        if above:
            shown = next((line.strip() for line in above if line.strip()), "").rstrip(",;\t")
            lines = (
                f"lines {skipped + 1}-{skipped + len(above)}"
                if len(above) > 1
                else f"line {skipped + 1}"
            )
            what = f" (a database's note or search query, {shown[:80]!r})" if shown else ""
            self.notes.append(
                f"{lines} above the table's header (line {skipped + len(above) + 1}) are not "
                f"rows of the table{what}: skipped"
            )
            skipped += len(above)
        self.skipped = skipped
        first_line = _first_line(text)
        self.delimiter = delimiter = sniff_delimiter(first_line)
        header_probe = next(csv.reader([first_line], delimiter=delimiter), [])
        self.profile = table_profile(header_probe)
        self._reader = csv.reader(
            _text_lines(text),
            delimiter=delimiter,
            quoting=csv.QUOTE_NONE if self.profile == "wos-tab" else csv.QUOTE_MINIMAL,
            strict=self.profile != "wos-tab",
        )
        self.header: list[str] = []
        self.empty = True
        """Whether the file holds no line for a header (and so no rows)."""
        try:
            self.header = [name.strip() for name in next(self._reader)]
        except StopIteration:
            return
        except csv.Error as error:
            raise _broken(file, 1, error) from error
        self.empty = False
        self.above_rows = skipped + self._reader.line_num
        """How many lines of the file lie above its first row (the header's among them)."""
        _check_header(file, first_line, self.header)

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """The data rows (the line each starts at, its cells): blank rows are passed over,
        and a row with filled cells beyond the header's columns is a failure."""
        if self.empty:
            return
        file, header, reader, skipped = self.file, self.header, self._reader, self.skipped
        line = reader.line_num + skipped
        try:
            for row in reader:
                start, line = line + 1, reader.line_num + skipped
                if not any(cell.strip() for cell in row):
                    continue
                self.in_file += 1
                extra = [cell for cell in row[len(header) :] if cell.strip()]
                if extra:
                    self.failures.append(
                        Problem(
                            file,
                            start,
                            f"row at line {start}",
                            None,
                            repr(extra[0][:60]),
                            f"at most {len(header)} cells, one per column of the header",
                            f"the row has {len(row)} cells, {len(extra)} of them beyond the last "
                            "column",
                        )
                    )
                    continue
                yield start, row
        except csv.Error as error:
            # The rows after a broken quote cannot be told apart: the file cannot be read.
            raise _broken(file, line + 1, error) from error


def _check_header(file: str, first_line: str, header: list[str]) -> None:
    if strategy_line(first_line):
        raise ReviewError(
            [
                Problem(
                    file,
                    1,
                    None,
                    None,
                    repr(first_line[:60]),
                    "a first line naming the columns (title, authors, year, ...); for a file "
                    "of records after a search strategy (Ovid), leave 'format:' out or name "
                    "the records' format",
                    "the first line is a line of a database's search strategy, not a table's "
                    "header",
                )
            ]
        )
    looks_like_data = [name for name in header if _DATA_CELL.match(name)]
    if looks_like_data:
        raise ReviewError(
            [
                Problem(
                    file,
                    1,
                    None,
                    None,
                    repr(looks_like_data[0][:60]),
                    "a first line naming the columns (title, authors, year, ...)",
                    "the first line looks like a record, not a header: add a line naming "
                    "the columns",
                )
            ]
        )


# A year, a DOI or a web address: what a record holds and a header does not.
_DATA_CELL: Final = re.compile(r"^(?:(?:1[5-9]|20)\d\d|10\.\d{4,9}/.*|https?://.*)$")


def _broken(file: str, line: int, error: csv.Error) -> ReviewError:
    return ReviewError(
        [
            Problem(
                file,
                line,
                None,
                None,
                None,
                "quotes that open and close within a value; a quote inside a quoted value "
                "written twice",
                f"the table cannot be read from this row on ({error}): a quote opened here is "
                "not closed where the value ends",
            )
        ]
    )
