"""A table's rows read from its bytes as columns (a CSV or TSV export in UTF-8).

The CSV reader of Python's standard library reads a table a row at a time, which is most of
the time a large Scopus export takes to read. The rows of a table whose quoting is the plain
kind (a quoted cell begins and ends with a quote, a quote inside it is doubled, and no
unquoted cell holds one) are found here by array operations on its bytes instead, with the
same cells, the same line numbers and the same blank rows passed over; a table with
anything else (a quote elsewhere, a NUL byte, a row with filled cells beyond the header, a
bare CR, bytes that are not UTF-8) is left to the CSV reader, which reads or reports it.

Where a byte lies inside quotes is told by counting the quotes before it: a doubled quote
inside a quoted cell adds two, so a delimiter or line feed is a separator exactly where an
even number of quotes lies before it, once every quote has been checked to stand where
the plain kind allows.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from searchtrail.records import columnar
from searchtrail.records.columnar import TaggedColumns, TaggedFile
from searchtrail.threads import each_in_order

FORMATS: Final = frozenset({"csv", "tsv"})
"""The formats whose UTF-8 files are read here (when their quoting is the plain kind)."""

_QUOTE = 0x22
_LF = 0x0A
_CR = 0x0D


def split_table(
    body: bytes, start: int, delimiter: str, header: list[str], first_line: int
) -> TaggedFile | None:
    """The rows of ``body`` from byte ``start`` on (a table's text after its header, in
    UTF-8; its first line is line ``first_line`` of the file) as columns named by
    ``header``, as
    :func:`~searchtrail.records.columnar.from_table` makes them from the CSV reader's rows;
    None when the table is not of the plain kind. Read in pieces of whole rows (16 MB), two
    at a time in threads (:data:`~searchtrail.threads.PIECE_THREADS`)."""
    bounds: list[tuple[int, int, int]] = []  # each piece's first byte, end and first line
    line = first_line
    while start < len(body) or not bounds:
        end = _rows_end(body, start, start + columnar.PIECE)
        bounds.append((start, end, line))
        line += body.count(b"\n", start, end)
        start = end

    def piece(bound: tuple[int, int, int]) -> TaggedColumns | None:
        start, end, line = bound
        lines = columnar._Lines.of(body[start:end], 1)
        return _rows(lines, ord(delimiter), header, line) if lines is not None else None

    pieces: list[TaggedColumns] = []
    for part in each_in_order(piece, bounds):
        if part is None:
            return None
        pieces.append(part)
    return TaggedFile(pieces, [])


def _rows_end(body: bytes, start: int, at: int) -> int:
    """Where a piece from ``start`` ends: just after the first line feed from ``at`` on
    that lies outside quotes (an even number of quotes since ``start``), or at the end."""
    if at >= len(body):
        return len(body)
    end = body.find(b"\n", at)
    if end < 0:
        return len(body)
    quotes = body.count(b'"', start, end)
    while quotes % 2:
        after = body.find(b"\n", end + 1)
        if after < 0:
            return len(body)
        quotes += body.count(b'"', end, after)
        end = after
    return end + 1


def _rows(
    lines: columnar._Lines, delimiter: int, header: list[str], first_line: int
) -> TaggedColumns | None:
    """The rows of one piece (``lines``, beginning at line ``first_line``) as columns, or
    None when its quoting is not of the plain kind."""
    data = lines.data
    every = lines.bytes
    if b"\0" in data:
        return None
    quote = np.flatnonzero(every == _QUOTE)
    if len(quote) % 2 or not _plain_quotes(every, quote, delimiter):
        return None
    breaks = lines.feeds()
    delimiters = np.flatnonzero(every == delimiter)
    breaks = breaks[np.searchsorted(quote, breaks) % 2 == 0]
    delimiters = delimiters[np.searchsorted(quote, delimiters) % 2 == 0]
    # Each cell ends at a separator (a delimiter or the line feed that ends its row), the
    # last at the end of the text when no line feed ends it.
    ending = breaks if data.endswith(b"\n") or not data else np.append(breaks, len(data))
    separator = np.concatenate([delimiters, ending])
    row_end = np.concatenate([np.zeros(len(delimiters), bool), np.ones(len(ending), bool)])
    order = np.argsort(separator, kind="stable")
    separator, row_end = separator[order], row_end[order]
    begin = np.zeros(len(separator), dtype=np.int64)
    begin[1:] = separator[:-1] + 1
    end = separator.copy()
    returns = row_end & (end > begin)
    returns[returns] = every[end[returns] - 1] == _CR
    end -= returns
    row = np.cumsum(row_end) - row_end
    first_cell = np.flatnonzero(np.concatenate([[True], row_end[:-1]]))
    column = np.arange(len(separator)) - first_cell[row]
    quoted = (end > begin) & (every[np.minimum(begin, len(every) - 1)] == _QUOTE)
    begin = begin + quoted
    end = end - quoted
    trimmed_start, trimmed_end = lines.stripped(begin, end)
    filled = trimmed_start < trimmed_end
    width = len(header)
    if (filled & (column >= width)).any():
        return None  # filled cells beyond the header's columns: the CSV reader reports them
    rows_kept = np.zeros(len(first_cell), dtype=bool)
    rows_kept[row[filled]] = True
    number = np.cumsum(rows_kept) - 1
    values = lines.text(begin[filled], end[filled])
    if len(quote) > 2 * int(quoted.sum()):
        values = pc.replace_substring(values, '""', '"')
    starts = first_line + np.searchsorted(lines.start, begin[first_cell[rows_kept]], "right") - 1
    names = pa.array(header, columnar._TEXT).take(pa.array(column[filled]))
    return TaggedColumns(number[row[filled]], names, values, starts)


def _plain_quotes(every: np.ndarray, quote: np.ndarray, delimiter: int) -> bool:
    """Whether every quote stands where the plain kind of quoting allows: one that opens
    (an even number before it) begins a cell or is the second of a doubled quote, one that
    closes ends a cell (a delimiter, a line break or the end after it) or is the first of a
    doubled quote."""
    if not len(quote):
        return True
    opens, closes = quote[0::2], quote[1::2]
    before = every[np.maximum(opens - 1, 0)]
    doubled = np.zeros(len(opens), dtype=bool)
    doubled[1:] = closes[:-1] == opens[1:] - 1
    at_start = (opens == 0) | (before == delimiter) | (before == _LF)
    if not (at_start | doubled).all():
        return False
    following = every[np.minimum(closes + 1, len(every) - 1)]
    doubling = np.zeros(len(closes), dtype=bool)
    doubling[:-1] = opens[1:] == closes[:-1] + 1
    at_end = (closes + 1 == len(every)) | (following == delimiter) | (following == _LF)
    at_end |= following == _CR
    return bool((at_end | doubling).all())
