"""Line-tagged exports of the plain shape read column by column: RIS, PubMed's MEDLINE
(``.nbib``) and Web of Science plain text.

The readers of :mod:`~searchtrail.records.ris` and :mod:`~searchtrail.records.tagged` go
through a file line by line, and :func:`~searchtrail.records.fields.standardiser` through
it record by record; that costs some tens of microseconds a record in Python. Most large
exports have the plain shape of their format, and such a file is read here instead, with
Arrow's array operations over all of its lines at once:

- its lines are told apart (tag line, continued text, blank) by the same rules as the line
  readers, its records and fields found by counting record marks (``TY``/``ER``, blank
  lines, ``ER``), and a field's continued lines joined to it as those readers join them;
- the standard fields are picked from the fields by the format's table in
  :mod:`~searchtrail.records.fields`, and the steps after the pick (ISSNs and ISBNs, the
  year, the DOI, the typed identifiers, whitespace) are the same functions, applied once
  per distinct value or as array operations where those give the same result.

A file leaves this path, and goes to its line reader, when anything in it is beyond the
plain shape: a line outside a record that is not blank, a record without its end mark, a
tag written another way (one space before the hyphen, a lower-case or non-Latin head), a
record the reader would note or set aside (no PMID, no ``PT``, a second ``PMID`` in one
block, a record of its type alone), line breaks other than LF and CR LF. A record whose
fields need a rule that works on the whole record (a DOI found only in a link, the year
only in a later date field, an author list written in one line, an ERIC source line) is
standardised by :func:`~searchtrail.records.fields.standardiser` itself. The tests read
every export fixture both ways and compare the tables.
"""

from __future__ import annotations

import itertools
import json
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Final

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from searchtrail.arrowtext import mapped, recomputed
from searchtrail.records import fields as standard
from searchtrail.records.identifiers import DATABASE_FIELDS, FORMS, SOURCES, _split, typed
from searchtrail.records.model import RawRecord, kept_after_end_note, skipped_note
from searchtrail.records.ris import CONTENT_TAGS
from searchtrail.threads import each_in_order

FORMATS: Final = frozenset({"ris", "nbib", "wos"})
"""The line-tagged formats read here when their files have the plain shape."""
TABLE_FORMATS: Final = frozenset({"scopus-csv", "csv"})
"""The tables whose rows are standardised here (their cells are read by
:class:`~searchtrail.records.delimited.Table`)."""
TABLE_PIECE: Final = 20_000
"""Rows of a table turned into columns at a time."""

_TEXT: Final = pa.large_string()


@dataclass
class TaggedColumns:
    """Records as columns: field ``i`` is (``tags[i]``, ``values[i]``) of record
    ``record[i]`` (records numbered from 0, fields in file order), and record ``r`` begins
    at line ``lines[r]``. ``skipped`` and ``kept`` are the lines outside records that were
    skipped, and the tag lines after ``ER`` kept with their record (RIS)."""

    record: np.ndarray
    tags: pa.Array
    values: pa.Array
    lines: np.ndarray
    skipped: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    kept: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    def __len__(self) -> int:
        return len(self.lines)

    def records(self) -> list[RawRecord]:
        """The records as the line readers give them."""
        everything = self.fields_of(np.arange(len(self)))
        return [
            RawRecord(int(line), fields)
            for line, fields in zip(self.lines.tolist(), everything, strict=True)
        ]

    def fields_of(self, wanted: np.ndarray) -> list[list[tuple[str, str]]]:
        """The (tag, value) pairs of the records ``wanted`` (ascending record numbers)."""
        rows = np.flatnonzero(np.isin(self.record, wanted))
        owners = self.record[rows]
        tags = self.tags.take(rows).to_pylist()
        values = self.values.take(rows).to_pylist()
        grouped: dict[int, list[tuple[str, str]]] = {int(r): [] for r in wanted}
        for owner, tag, value in zip(owners.tolist(), tags, values, strict=True):
            grouped[owner].append((tag, value))
        return [grouped[int(r)] for r in wanted]


@dataclass
class TaggedFile:
    """The records of one file, in pieces of consecutive records, and the reader's notes."""

    pieces: list[TaggedColumns]
    notes: list[str]

    def __len__(self) -> int:
        return sum(len(piece) for piece in self.pieces)

    def records(self) -> list[RawRecord]:
        """The records as the line readers give them."""
        return [record for piece in self.pieces for record in piece.records()]


PIECE: Final = 1 << 24
"""Bytes of text read at a time: a file is cut into pieces of whole records, so that the
arrays worked on stay a few times this size whatever the size of the file."""

_CUTS: Final = {
    "ris": re.compile(rb"\n(?=TY  -)"),  # before a TY line
    "nbib": re.compile(rb"\n\r?\n(?=PMID- )"),  # before a PMID line after a blank line
    "wos": re.compile(rb"\nER\r?\n"),  # after an ER line
}
"""Where a file of each format may be cut between records: the state of the line reader
there is that of the start of a file."""


def split(data: bytes, format_name: str) -> TaggedFile | None:
    """The records of ``data`` (an export's text in UTF-8, without a byte-order mark) in
    ``format_name``, or None when the file is not of the plain shape or not UTF-8 (its line
    reader reads it then). Each piece is read as bytes: only its lines that hold bytes
    outside ASCII are decoded, to check that they are UTF-8 and in Unicode's composed form
    (NFC); a line that is not is put in that form, as :func:`~searchtrail.decoding.decode`
    puts the whole text, so the whole text is never held as Python text. The pieces are
    cut first and read two at a time, in threads (:data:`~searchtrail.threads.PIECE_THREADS`)."""
    if format_name not in FORMATS:
        return None
    splitter = {"ris": _split_ris, "nbib": _split_nbib, "wos": _split_wos}[format_name]
    cut = _CUTS[format_name]
    bounds: list[tuple[int, int, int]] = []  # each piece's first byte, end and first line
    start, first_line = 0, 1
    while start < len(data) or not bounds:
        found = cut.search(data, start + PIECE) if start + PIECE < len(data) else None
        end = found.end() if found else len(data)
        bounds.append((start, end, first_line))
        first_line += data.count(b"\n", start, end)
        start = end

    def piece(bound: tuple[int, int, int]) -> TaggedColumns | None:
        start, end, first_line = bound
        lines = _Lines.of(data[start:end], _HEADS[format_name])
        return splitter(lines, first_line) if lines is not None else None

    pieces: list[TaggedColumns] = []
    for part in each_in_order(piece, bounds):
        if part is None:
            return None
        pieces.append(part)
    skipped = np.concatenate([part.skipped for part in pieces])
    kept = np.concatenate([part.kept for part in pieces])
    notes = []
    if len(skipped):
        notes.append(skipped_note(skipped.tolist()))
    if len(kept):
        notes.append(kept_after_end_note(kept.tolist()))
    return TaggedFile(pieces, notes)


_HEAD: Final = 9
"""Bytes at the start of a line that the tests of its shape look at: the most a MEDLINE tag
line needs (four letters, three spaces, the hyphen and the space after it)."""
_HEADS: Final = {"ris": 6, "nbib": _HEAD, "wos": 4}
"""The bytes each format's tests look at: RIS ``AU  -`` and the byte after it; Web of
Science a tag and its space, and the fourth byte that a tag's number
(:meth:`_Lines.codes`, four bytes) is made of."""


def _heads(data: bytes, start: np.ndarray, end: np.ndarray, width: int) -> np.ndarray:
    """The first ``width`` bytes of each line ``start``-``end`` of ``data`` (0 past its
    end)."""
    if len(data) < width:
        data += bytes(width)
    top = len(data) - width
    windows = np.lib.stride_tricks.sliding_window_view(np.frombuffer(data, np.uint8), width)
    head: np.ndarray = windows[np.minimum(start, top)]
    for row in np.flatnonzero(start > top).tolist():  # the last few lines of the text
        tail = data[start[row] : start[row] + width]
        head[row] = np.frombuffer(tail.ljust(width, b"\0"), np.uint8)
    short = np.flatnonzero(end - start < width)
    head[short] *= np.arange(width) < (end - start)[short, None]
    return head


def _byte_class(*ranges: tuple[int, int]) -> np.ndarray:
    """The bytes ``ranges`` as a table of 256; never the byte 0, which stands for "past
    the line's end" in a line's head (:func:`_heads`)."""
    table = np.zeros(256, dtype=bool)
    for low, high in ranges:
        if low == 0:
            raise ValueError("a class of bytes cannot hold 0")
        table[low : high + 1] = True
    return table


_UPPER: Final = _byte_class((0x41, 0x5A))
_UPPER_OR_DIGIT: Final = _byte_class((0x41, 0x5A), (0x30, 0x39))
_SPACE: Final = _byte_class((0x20, 0x20))
_PY_SPACE: Final = _byte_class((0x09, 0x0D), (0x1C, 0x20))
"""The ASCII characters Python's ``str.strip`` and ``str.isspace`` take for white space."""


_PLAIN_BLOCKS: Final = ((0x0080, 0x07FF), (0x2000, 0x2BFF))
"""Where the characters lie whose lines are taken without decoding when each is in NFC on
its own and combines with nothing (:func:`_plain`): the two-byte characters of UTF-8
(Latin, Greek, Cyrillic, Hebrew, Arabic and others) and the punctuation and symbols
(dashes, quotes, bullets, arrows, shapes) that exports are full of. The blocks hold no
character that joins the one before it in a composition (Hangul vowels, some vowel signs
of Indian scripts) other than combining marks."""


_HIGH_BITS: Final = np.uint64(0x8080808080808080)


def _outside_ascii(data: bytes) -> np.ndarray:
    """The positions of the bytes of ``data`` outside ASCII, in order: found among the
    8-byte words that hold any (few, in text that is mostly ASCII)."""
    whole = len(data) // 8 * 8
    words = np.flatnonzero((np.frombuffer(data, np.uint64, whole // 8) & _HIGH_BITS) != 0)
    near = (words[:, None] * 8 + np.arange(8)).reshape(-1)
    near = np.concatenate([near, np.arange(whole, len(data))])
    every = np.frombuffer(data, np.uint8)
    found: np.ndarray = near[every[near] >= 0x80]
    return found


@cache
def _plain_characters() -> np.ndarray:
    """Per code point up to U+FFFF: whether it lies in :data:`_PLAIN_BLOCKS`, is its own
    composed form (NFC) and is no combining mark (class 0)."""
    plain = np.zeros(0x10000, dtype=bool)
    for low, high in _PLAIN_BLOCKS:
        plain[low : high + 1] = [
            unicodedata.combining(chr(code)) == 0 and unicodedata.is_normalized("NFC", chr(code))
            for code in range(low, high + 1)
        ]
    return plain


def _plain(every: np.ndarray, outside: np.ndarray) -> np.ndarray:
    """Per byte ``outside`` ASCII (its positions in ``every``, in order): whether it is part
    of a well-formed UTF-8 character of two or three bytes that :func:`_plain_characters`
    takes. Text made of such characters and ASCII is UTF-8 and in NFC whatever their order
    (Unicode's quick check: every character is allowed in NFC and none may combine with the
    one before it), so a line made of them needs neither decoding nor a check."""
    count = len(outside)
    value = np.zeros(count + 2, dtype=np.int64)  # two bytes of nothing past the last
    value[:count] = every[outside]
    at = np.full(count + 2, -8, dtype=np.int64)
    at[:count] = outside
    goes_on = (at[1:] == at[:-1] + 1) & (value[1:] >= 0x80) & (value[1:] < 0xC0)
    second, third = value[1 : count + 1] & 0x3F, value[2:] & 0x3F
    value = value[:count]
    plain = _plain_characters()
    two = (value >= 0xC2) & (value <= 0xDF) & goes_on[:count]
    two &= plain[((value & 0x1F) << 6 | second) * two]
    three = (value >= 0xE0) & (value <= 0xEF) & goes_on[:count] & goes_on[1:]
    code = ((value & 0x0F) << 12 | second << 6 | third) * three
    three &= (code >= 0x800) & plain[code]
    covered: np.ndarray = two | three
    covered[1:] |= two[:-1] | three[:-1]
    covered[2:] |= three[:-2]
    return covered


class _Lines:
    """The lines of a piece of UTF-8 text as byte ranges (``start``, ``end``; a line's
    break and the CR before it left out), as :func:`~searchtrail.decoding.iter_lines`
    gives them from its text, and the first bytes of each (``head``, 0 past its end).

    The shape of a line is told from its head by byte tests. A test made of ASCII
    characters and classes of them is true of a head's bytes where the line readers'
    pattern matches its text: a byte outside ASCII belongs to no such class, as the
    character it is part of belongs to none. A pattern with "any character" is tested on
    the text of the lines where that character may lie outside ASCII."""

    def __init__(
        self, data: bytes, start: np.ndarray, end: np.ndarray, width: int, breaks: int
    ) -> None:
        self.data = data
        self.bytes = np.frombuffer(data, dtype=np.uint8)
        self.start, self.end = start, end
        self.head = _heads(data, start, end, width)
        self.breaks = breaks
        """How many line breaks the text holds."""

    @classmethod
    def of(cls, data: bytes, width: int = _HEAD) -> _Lines | None:
        """The lines of ``data`` (with the first ``width`` bytes of each), put in Unicode's
        composed form (NFC) where they are not; None when its line breaks are not LF or CR
        LF (a bare CR is left to the line readers) or it is not UTF-8."""
        every = np.frombuffer(data, dtype=np.uint8)
        breaks = np.flatnonzero(every == 0x0A)
        returns = int(np.count_nonzero(every == 0x0D))
        if returns and returns != np.count_nonzero(every[breaks[breaks > 0] - 1] == 0x0D):
            return None
        count = len(breaks) + (0 if data.endswith(b"\n") or not data else 1)
        start = np.zeros(count, dtype=np.int64)
        start[1:] = breaks[: count - 1] + 1
        end = np.empty(count, dtype=np.int64)
        end[: len(breaks)] = breaks[:count]
        if count > len(breaks):
            end[-1] = len(data)
        if returns:  # every CR stands before an LF (checked above)
            cr = end > start
            cr[cr] = every[end[cr] - 1] == 0x0D
            end -= cr
        outside = _outside_ascii(data)
        holding = np.unique(np.searchsorted(breaks, outside[~_plain(every, outside)]))
        # No letter composes across a line break: each line with characters outside ASCII
        # other than plain ones is checked (most are in NFC, which a quick
        # check of its letters tells), and only those that are not change.
        changes = []
        try:
            for index, first, last in zip(
                holding.tolist(), start[holding].tolist(), end[holding].tolist(), strict=True
            ):
                line = data[first:last].decode("utf-8")
                if not unicodedata.is_normalized("NFC", line):
                    changes.append((index, unicodedata.normalize("NFC", line).encode("utf-8")))
        except UnicodeDecodeError:
            return None
        if not changes:
            return cls(data, start, end, width, len(breaks))
        parts, done = [], 0
        grown = np.zeros(count + 1, dtype=np.int64)
        for index, text in changes:
            parts += [data[done : start[index]], text]
            done = end[index]
            grown[index + 1] = len(text) - (end[index] - start[index])
        shift = np.cumsum(grown)
        text = b"".join([*parts, data[done:]])
        return cls(text, start + shift[:-1], end + shift[1:], width, len(breaks))

    def __len__(self) -> int:
        return len(self.start)

    def feeds(self) -> np.ndarray:
        """The positions of the text's line feeds: each ends the line before a line's
        start, and the last may end the text."""
        feeds = self.start[1:] - 1
        return np.append(feeds, len(self.data) - 1) if self.data.endswith(b"\n") else feeds

    def texts(self, wanted: np.ndarray) -> list[str]:
        """The lines ``wanted`` (a mask) as text."""
        return [
            self.data[start:end].decode("utf-8")
            for start, end in zip(
                self.start[wanted].tolist(), self.end[wanted].tolist(), strict=True
            )
        ]

    def matching(
        self, tested: np.ndarray, wide: np.ndarray, pattern: re.Pattern[str]
    ) -> np.ndarray:
        """``tested`` (a byte test of each head), with the lines ``wide`` (whose bytes the
        test cannot tell characters by) tested by ``pattern`` instead."""
        if wide.any():
            tested = tested.copy()
            tested[wide] = [bool(pattern.match(line)) for line in self.texts(wide)]
        return tested

    def is_(self, at: int, table: np.ndarray) -> np.ndarray:
        """Per line: whether its byte ``at`` is in ``table`` (False past its end, where the
        head holds 0, which no class holds)."""
        return np.asarray(table[self.head[:, at]])

    def byte(self, at: int, value: str) -> np.ndarray:
        """Per line: whether its byte ``at`` is ``value``."""
        return np.asarray(self.head[:, at] == ord(value))

    def run(self, at: int, table: np.ndarray, most: int) -> np.ndarray:
        """Per line: how many bytes from ``at`` on are in ``table`` (up to ``most``)."""
        length = np.zeros(len(self), dtype=np.int64)
        going = np.ones(len(self), dtype=bool)
        for offset in range(most):
            going &= self.is_(at + offset, table)
            length += going
        return length

    def at(self, offsets: np.ndarray, value: str) -> np.ndarray:
        """Per line: whether its byte at ``offsets`` (one per line, within the head) is
        ``value``."""
        return np.asarray(self.head[np.arange(len(self)), offsets] == ord(value))

    def codes(self, width: np.ndarray | int) -> np.ndarray:
        """Per line: its first ``width`` bytes (at most 4, and within the head) as one
        number."""
        code = np.zeros(len(self), dtype=np.int64)
        for offset in range(4):
            code = code * 256 + np.where(offset < width, self.head[:, offset], 0)
        return code

    def stripped(self, start: np.ndarray, end: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The ranges ``start``-``end`` without white space at either end, as Python's
        ``str.strip`` takes it: ASCII white space by bytes, and in Python a range that
        begins or ends outside ASCII after that (white space of other scripts)."""
        start, end = start.copy(), end.copy()
        data = self.bytes
        # Each range's first and last byte, read once; only the ranges that begin or end
        # with white space step through it.
        filled = np.flatnonzero(start < end)
        first, last = data[start[filled]], data[end[filled] - 1]
        leading, trailing = filled[_PY_SPACE[first]], filled[_PY_SPACE[last]]
        todo = leading
        while len(todo):
            start[todo] += 1
            todo = todo[start[todo] < end[todo]]
            todo = todo[_PY_SPACE[data[start[todo]]]]
        moved = np.union1d(leading, trailing)
        todo = trailing
        todo = todo[start[todo] < end[todo]]
        while len(todo):
            end[todo] -= 1
            todo = todo[start[todo] < end[todo]]
            todo = todo[_PY_SPACE[data[end[todo] - 1]]]
        # The ranges that may begin or end outside ASCII: those whose bytes there were, and
        # those that moved.
        near = np.union1d(filled[(first >= 0x80) | (last >= 0x80)], moved)
        near = near[start[near] < end[near]]
        odd = near[(data[start[near]] >= 0x80) | (data[end[near] - 1] >= 0x80)]
        for index in odd.tolist():
            text = self.data[start[index] : end[index]].decode("utf-8")
            lead = len(text) - len(text.lstrip())
            start[index] += len(text[:lead].encode("utf-8"))
            end[index] = start[index] + len(text.strip().encode("utf-8"))
        return start, end

    def text(self, start: np.ndarray, end: np.ndarray) -> pa.Array:
        """The ranges ``start``-``end`` (in the order of the text, none overlapping) as an
        array of text: the ranges and the gaps between them alternate in one array over the
        bytes, of which every other item is taken."""
        count = len(start)
        if not count:
            return pa.array([], _TEXT)
        offsets = np.empty(2 * count + 1, dtype=np.int64)
        offsets[0:-1:2] = start
        offsets[1::2] = end
        offsets[-1] = end[-1]
        both = pa.Array.from_buffers(
            _TEXT, 2 * count, [None, pa.py_buffer(offsets), pa.py_buffer(self.data)]
        )
        return both.take(pa.array(np.arange(0, 2 * count, 2)))


def _before(mask: np.ndarray) -> np.ndarray:
    """Per line: whether the line before it is in ``mask`` (True for the first line)."""
    shifted = np.empty_like(mask)
    if len(mask):
        shifted[0] = True
        shifted[1:] = mask[:-1]
    return shifted


class _Values:
    """Each line's value as a byte range, stripped of white space at both ends as Python's
    ``str.strip`` does: a tag line's text from ``value_from`` on (one offset per line, or
    one for all), another line whole (past its ``indent``, white space its head shows, so
    that stripping need not step through it)."""

    def __init__(
        self,
        lines: _Lines,
        tag_lines: np.ndarray,
        value_from: np.ndarray | int,
        indent: np.ndarray | int = 0,
    ) -> None:
        self.lines = lines
        begin = np.where(
            tag_lines, np.minimum(lines.start + value_from, lines.end), lines.start + indent
        )
        self.start, self.end = lines.stripped(begin, lines.end)
        self.empty = self.start == self.end

    def of(self, wanted: np.ndarray) -> pa.Array:
        """The values of the lines ``wanted``, in line order."""
        return self.lines.text(self.start[wanted], self.end[wanted])


def _gather_fields(
    values: _Values,
    field_lines: np.ndarray,
    continued: np.ndarray,
    *,
    keep_empty: bool,
) -> tuple[pa.Array, np.ndarray]:
    """Each field's value: its tag line's value, and the values of the lines that continue
    it, joined by line breaks; and whether it holds any text. Without ``keep_empty``, an
    empty tag value is left out of the join (RIS); with it, it is kept (``"\\ntext"``, as
    MEDLINE and Web of Science)."""
    owner_of_line = np.cumsum(field_lines) - 1
    count = int(field_lines.sum())
    filled = (
        np.bincount(owner_of_line[(field_lines | continued) & ~values.empty], minlength=count) > 0
    )
    if not continued.any():
        return values.of(field_lines), filled
    parts = field_lines | continued
    if not keep_empty:
        parts &= ~values.empty
    owner = owner_of_line[parts]
    part_values = values.of(parts)
    counts = np.bincount(owner, minlength=count)
    offsets = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    grouped = pa.LargeListArray.from_arrays(pa.array(offsets), part_values)
    return pc.binary_join(grouped, pa.scalar("\n", _TEXT)), filled


def _has_only(
    record: np.ndarray, tags: pa.Array, filled: np.ndarray, count: int, bookkeeping: Iterable[str]
) -> bool:
    """Whether some record holds no non-empty field besides ``bookkeeping`` tags (a record
    of its type alone, which the reader sets aside)."""
    useful = ~_mask(pc.is_in(tags, pa.array(sorted(bookkeeping), _TEXT))) & filled
    return bool((np.bincount(record[useful], minlength=count) == 0).any())


def _last(mask: np.ndarray, index: np.ndarray) -> np.ndarray:
    """Per line: the index of the last line in ``mask`` up to it, or -1."""
    return np.maximum.accumulate(np.where(mask, index, -1)) if len(mask) else index


def _names(codes: np.ndarray) -> pa.Array:
    """The tags that :meth:`_Lines.codes` made ``codes`` of, as text."""
    encoded = pc.dictionary_encode(pa.array(codes))
    distinct = encoded.dictionary.to_pylist()
    names = [code.to_bytes(4, "big").rstrip(b"\0").decode("ascii") for code in distinct]
    return pa.array(names, _TEXT).take(encoded.indices)


_RIS_HEAD: Final = re.compile(r"..  ?-")


def _ris_heads(lines: _Lines) -> tuple[np.ndarray, np.ndarray]:
    """Per line: whether it is a tag line (``^[A-Z][A-Z0-9]  -``), and whether it has the
    wider shape ``^..  ?-`` (whose two first characters may lie outside ASCII)."""
    tag_lines = lines.is_(0, _UPPER) & lines.is_(1, _UPPER_OR_DIGIT)
    tag_lines &= lines.byte(2, " ") & lines.byte(3, " ") & lines.byte(4, "-")
    any_head = lines.byte(2, " ") & (lines.byte(3, "-") | lines.byte(3, " ") & lines.byte(4, "-"))
    wide = (lines.head[:, 0] >= 0x80) | (lines.head[:, 1] >= 0x80)
    return tag_lines, lines.matching(any_head, wide, _RIS_HEAD)


def _split_ris(lines: _Lines, first: int) -> TaggedColumns | None:
    """RIS of the plain shape: blank lines between records, each record a ``TY`` line,
    tag lines and continued text, and a bare ``ER`` line (the rules of
    :func:`~searchtrail.records.ris.read_ris`)."""
    tag_lines, any_head = _ris_heads(lines)
    # Lines another rule of the reader could take for tag lines: other heads, one space.
    if any_head.sum() != tag_lines.sum():
        return None
    if (tag_lines & (lines.head[:, 5] >= 0x80)).any():
        return None  # a value beginning outside ASCII right after the hyphen
    code = lines.codes(2)
    starts = tag_lines & (code == lines_code("TY"))
    ends = tag_lines & (code == lines_code("ER"))
    values = _Values(lines, tag_lines, 6)
    empty = values.empty
    if (ends & ~empty).any():
        return None  # an ER line with text is record text
    depth = np.cumsum(starts, dtype=np.int64) - np.cumsum(ends, dtype=np.int64)
    if len(depth) and (depth.min() < 0 or depth.max() > 1 or depth[-1] != 0):
        return None  # an ER outside a record, a TY inside one, a record without ER
    inside = depth == 1
    outside = ~inside & ~ends
    # A tag line right after a record's ER, before any blank line or text (Ovid's NL), is
    # a field of that record; other tag lines outside records are skipped with the text
    # there (Ovid's numbering, links and search strategy, a header).
    index = np.arange(len(depth))
    last_end = _last(ends, index)
    breaks = _last(outside & ~tag_lines, index)  # blank lines and text
    trailing = outside & tag_lines & (last_end >= 0) & (last_end > breaks)
    stray = outside & tag_lines & ~trailing
    if (stray & np.isin(code, [lines_code(tag) for tag in CONTENT_TAGS])).any():
        return None  # a record without TY, which the reader reports
    skipped = np.flatnonzero(stray | (outside & ~tag_lines & ~empty)) + first
    kept = np.flatnonzero(trailing) + first
    field_lines = (inside | trailing) & tag_lines
    continued = inside & ~tag_lines & ~empty
    record = (np.cumsum(starts) - 1)[field_lines]
    count = int(starts.sum())
    tags = _names(code[field_lines])
    field_values, filled = _gather_fields(values, field_lines, continued, keep_empty=False)
    if _has_only(record, tags, filled, count, ("TY", "ER")):
        return None
    return TaggedColumns(record, tags, field_values, np.flatnonzero(starts) + first, skipped, kept)


def lines_code(tag: str) -> int:
    """The number :meth:`_Lines.codes` makes of a line beginning with ``tag``."""
    return int.from_bytes(tag.encode("ascii")[:4].ljust(4, b"\0"), "big")


def _nbib_heads(lines: _Lines) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per line: whether it is a tag line (``^[A-Z][A-Z0-9]{0,3} {0,3}-(?: |$)``: a capital,
    up to three capitals or digits, up to three spaces, a hyphen, and a space or the line's
    end), the length of its tag, and where its hyphen stands (its value follows it)."""
    letters = 1 + lines.run(1, _UPPER_OR_DIGIT, 3)
    # The spaces after the tag: a run of up to three from each place a tag may end, of
    # which each line's own is taken.
    runs = np.zeros((len(lines), 8), dtype=np.int64)
    for at in (6, 5, 4, 3, 2, 1):
        runs[:, at] = lines.is_(at, _SPACE) * (1 + runs[:, at + 1])
    spaces = np.minimum(runs[np.arange(len(lines)), letters], 3)
    hyphen = letters + spaces
    tag_lines = lines.is_(0, _UPPER) & lines.at(hyphen, "-")
    tag_lines &= lines.at(hyphen + 1, " ") | (lines.start + hyphen + 1 == lines.end)
    return tag_lines, letters, hyphen


def _split_nbib(lines: _Lines, first: int) -> TaggedColumns | None:
    """MEDLINE of the plain shape: records separated by blank lines, each with a ``PMID``
    line first (or, from ERIC, ``OWN - ERIC`` and no PMID) and one ``OWN`` line at most,
    fields continued on lines indented by six spaces (the rules of
    :func:`~searchtrail.records.tagged.read_nbib`)."""
    tag_lines, letters, hyphen = _nbib_heads(lines)
    indented = np.ones(len(lines), dtype=bool)
    for offset in range(6):
        indented &= lines.byte(offset, " ")
    values = _Values(lines, tag_lines, hyphen + 2, 6 * indented)  # past the hyphen's space
    empty = ~tag_lines & values.empty
    continued = ~tag_lines & ~empty & indented
    if (~tag_lines & ~empty & ~continued).any():
        return None  # a line of another shape (skipped by the reader, and noted)
    starts = tag_lines & _before(empty)
    if (continued & _before(empty)).any():
        return None  # continued text with no field before it
    code = lines.codes(letters)
    pmid = tag_lines & (code == lines_code("PMID"))
    if (pmid & ~starts).any():
        return None  # a record told by its PMID line
    field_lines = tag_lines
    record = (np.cumsum(starts) - 1)[field_lines]
    count = int(starts.sum())
    tags = _names(code[field_lines])
    own = (code == lines_code("OWN"))[field_lines]
    if (np.bincount(record[own], minlength=count) > 1).any():
        return None  # a second OWN line starts a record
    field_values, filled = _gather_fields(values, field_lines, continued, keep_empty=True)
    eric = own & _mask(pc.equal(field_values, "ERIC"))
    told = np.bincount(record[pmid[field_lines] | eric], minlength=count) > 0
    if not told.all():
        return None  # a record without a PMID, which the reader notes
    if _has_only(record, tags, filled, count, ("PT", "OWN", "STAT")):
        return None
    return TaggedColumns(record, tags, field_values, np.flatnonzero(starts) + first)


_WOS_MARKS: Final = ("FN", "VR", "EF")


def _wos_heads(lines: _Lines) -> np.ndarray:
    r"""Per line: whether it is a tag line: a tag, a space and its value; or a tag alone
    ("ER", "EF"), white space after it aside (``^[A-Z][A-Z0-9](?: |\s*$)``)."""
    head = lines.is_(0, _UPPER) & lines.is_(1, _UPPER_OR_DIGIT)
    tag_lines: np.ndarray = head & lines.byte(2, " ")
    alone = np.flatnonzero(head & ~tag_lines)
    rest_start, rest_end = lines.stripped(lines.start[alone] + 2, lines.end[alone])
    tag_lines[alone[rest_start == rest_end]] = True  # nothing but white space after the tag
    return tag_lines


def _split_wos(lines: _Lines, first: int) -> TaggedColumns | None:
    """Web of Science of the plain shape: a header of ``FN``/``VR`` lines, records that
    end with ``ER`` and hold one ``PT`` line, fields continued on indented lines, ``EF`` at
    the end (the rules of :func:`~searchtrail.records.tagged.read_wos`)."""
    tag_lines = _wos_heads(lines)
    # A tag's value follows its space; a tag written alone has none (the bytes after it are
    # white space, which may be a character of more than one byte: "ER" and a no-break space).
    values = _Values(lines, tag_lines, np.where(lines.byte(2, " "), 3, 2), lines.run(0, _SPACE, 4))
    empty = ~tag_lines & values.empty
    continued = ~tag_lines & ~empty & lines.byte(0, " ")
    if (~tag_lines & ~empty & ~continued).any():
        return None  # untagged text, noted by the reader
    code = lines.codes(2)
    ends = tag_lines & (code == lines_code("ER"))
    marks = tag_lines & np.isin(code, [lines_code(mark) for mark in _WOS_MARKS])
    opening = tag_lines & ~ends & ~marks
    segment = np.cumsum(ends) - ends  # the ER lines before each line
    segments = int(ends.sum()) + 1
    opening_first = np.full(segments, len(lines), dtype=np.int64)
    opening_at = np.flatnonzero(opening)
    np.minimum.at(opening_first, segment[opening_at], opening_at)
    index = np.arange(len(lines))
    inside = (index >= opening_first[segment]) & ~ends
    starts = np.zeros(len(lines), dtype=bool)
    starts[opening_first[opening_first < len(lines)]] = True
    if (continued & ~inside).any() or (marks & inside).any():
        return None  # text before a record, or a file mark inside one
    if (inside & tag_lines & ~starts & _before(empty)).any():
        return None  # a record without ER, ended by a blank line
    field_lines = inside & tag_lines
    record = (np.cumsum(starts) - 1)[field_lines]
    count = int(starts.sum())
    tags = _names(code[field_lines])
    pt = (code == lines_code("PT"))[field_lines]
    if (np.bincount(record[pt], minlength=count) != 1).any():
        return None  # a record without PT, or one ended by a second PT
    field_values, filled = _gather_fields(values, field_lines, continued & inside, keep_empty=True)
    if _has_only(record, tags, filled, count, ("PT",)):
        return None
    return TaggedColumns(record, tags, field_values, np.flatnonzero(starts) + first)


def _mask(array: pa.Array) -> np.ndarray:
    return np.asarray(array.to_numpy(zero_copy_only=False), dtype=bool)


def _matches(lines: pa.Array, pattern: str) -> np.ndarray:
    return _mask(pc.match_substring_regex(lines, pattern))


def from_table(header: list[str], rows: Iterable[tuple[int, list[str]]]) -> TaggedFile:
    """A table's rows (the line each starts at, its cells) as columns: a row's fields are
    its filled cells, named by the header, in the header's order (as the table reader's)."""
    pieces: list[TaggedColumns] = []
    chunk: list[tuple[int, list[str]]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= TABLE_PIECE:
            pieces.append(_table_piece(header, chunk))
            chunk = []
    if chunk or not pieces:
        pieces.append(_table_piece(header, chunk))
    return TaggedFile(pieces, [])


def _table_piece(header: list[str], chunk: list[tuple[int, list[str]]]) -> TaggedColumns:
    starts = np.array([start for start, _ in chunk], dtype=np.int64)
    cells = list(itertools.zip_longest(*(row for _, row in chunk), fillvalue=""))
    owners, places, values = [], [], []
    for number, column in enumerate(cells[: len(header)]):
        texts = pa.array(column, _TEXT)
        filled = _mask(pc.greater(pc.binary_length(pc.utf8_trim_whitespace(texts)), 0))
        owners.append(np.flatnonzero(filled))
        places.append(np.full(int(filled.sum()), number))
        values.append(texts.filter(pa.array(filled)))
    if not owners:
        empty = pa.array([], _TEXT)
        return TaggedColumns(np.zeros(0, dtype=np.int64), empty, empty, starts)
    record, place = np.concatenate(owners), np.concatenate(places)
    order = np.lexsort((place, record))
    names = pa.array(header, _TEXT).take(pa.array(place[order]))
    return TaggedColumns(
        record[order], names, pa.concat_arrays(values).take(pa.array(order)), starts
    )


def titled(found: TaggedFile, format_name: str) -> bool:
    """Whether every record of a table has a title (a filled cell in a column the title is
    taken from): such a table needs no check of what its rows give."""
    titles, _ = standard.source_names(format_name, "title")
    for piece in found.pieces:
        encoded = pc.dictionary_encode(piece.tags)
        wanted = [
            i for i, name in enumerate(encoded.dictionary.to_pylist()) if name.lower() in titles
        ]
        named = np.isin(encoded.indices.to_numpy(zero_copy_only=False), wanted)
        if (np.bincount(piece.record[named], minlength=len(piece)) == 0).any():
            return False
    return True


# --- standard fields ---------------------------------------------------------------------


class _Fields:
    """A file's fields by tag: each standard field is picked per record from them. Picks
    are made as row numbers (-1: none), and values taken once at the end."""

    def __init__(self, columns: TaggedColumns, *, caseless: bool = False) -> None:
        self.count = len(columns)
        self.record = columns.record
        self.raw = columns.values
        stripped = pc.utf8_trim_whitespace(columns.values)
        self.present = _mask(pc.greater(pc.binary_length(stripped), 0))
        self.none = len(stripped)
        """The row number that stands for no value (an empty text after the last row)."""
        self.values = pa.concat_arrays([stripped.cast(_TEXT), pa.array([""], _TEXT)])
        encoded = pc.dictionary_encode(columns.tags)
        self.codes = encoded.indices.to_numpy(zero_copy_only=False)
        self.code: dict[str, list[int]] = {}
        for code, name in enumerate(encoded.dictionary.to_pylist()):
            self.code.setdefault(name.lower() if caseless else name, []).append(code)
        self.caseless = caseless

    def rows(self, tag: str) -> np.ndarray:
        """The rows of the fields named ``tag`` (in a table, whatever the case of the
        column's name)."""
        codes = self.code.get(tag.lower() if self.caseless else tag)
        if codes is None:
            return np.zeros(0, dtype=np.int64)
        if len(codes) == 1:
            return np.flatnonzero(self.codes == codes[0])
        return np.flatnonzero(np.isin(self.codes, codes))

    def has(self, tags: Iterable[str]) -> np.ndarray:
        """Per record: whether it holds a field of one of ``tags``."""
        found = np.zeros(self.count, dtype=bool)
        for tag in tags:
            found[self.record[self.rows(tag)]] = True
        return found

    def leading(self, rows: np.ndarray) -> np.ndarray:
        """Per record: the first of ``rows`` (ascending) that is its, or -1."""
        owners = self.record[rows]
        leading = np.ones(len(rows), dtype=bool)
        leading[1:] = owners[1:] != owners[:-1]
        chosen = np.full(self.count, -1, dtype=np.int64)
        chosen[owners[leading]] = rows[leading]
        return chosen

    def first_row(self, tag: str) -> np.ndarray:
        """Per record: the row of its first ``tag`` field, or -1."""
        return self.leading(self.rows(tag))

    def take(self, chosen: np.ndarray) -> pa.Array:
        """The stripped values of rows ``chosen`` ("" for -1)."""
        return self.values.take(pa.array(np.where(chosen < 0, self.none, chosen)))

    def first(self, tag: str) -> pa.Array:
        """Per record: the stripped value of its first ``tag`` field ("" without one)."""
        return self.take(self.first_row(tag))

    def joined(self, tags: Iterable[str], separator: str = "\n") -> pa.Array:
        """Per record: the non-empty values of ``tags`` (all of the first tag's, then the
        next's) joined by ``separator``; "" where there are none."""
        return self._joined([self.rows(tag) for tag in tags], separator)[0]

    def _joined(self, chosen: list[np.ndarray], separator: str) -> tuple[pa.Array, np.ndarray]:
        rows = np.concatenate(chosen) if chosen else np.zeros(0, dtype=np.int64)
        rank = (
            np.concatenate([np.full(len(r), i) for i, r in enumerate(chosen)]) if chosen else rows
        )
        kept = self.present[rows]
        rows, rank = rows[kept], rank[kept]
        order = np.lexsort((rows, rank, self.record[rows]))
        rows = rows[order]
        counts = np.bincount(self.record[rows], minlength=self.count)
        if (counts <= 1).all():
            single = np.full(self.count, -1, dtype=np.int64)
            single[self.record[rows]] = rows
            return self.take(single), counts
        offsets = np.zeros(self.count + 1, dtype=np.int64)
        np.cumsum(counts, out=offsets[1:])
        grouped = pa.LargeListArray.from_arrays(pa.array(offsets), self.values.take(pa.array(rows)))
        return pc.binary_join(grouped, _literal(separator)), counts

    def pick(self, sources: tuple[tuple[int, str], ...]) -> pa.Array:
        """A standard field by its sources (the rule of ``fields._pick``), "" without one."""
        modes = {mode for mode, _ in sources}
        if modes == {standard._GATHER}:
            return self.joined([name for _, name in sources])
        if standard._GATHER in modes:
            raise ValueError(f"a field gathered from some sources only: {sources}")
        chosen = np.full(self.count, -1, dtype=np.int64)
        # Per record: the source whose values are joined (-1: none, the row chosen holds).
        joined_from = np.full(self.count, -1, dtype=np.int64)
        joins: dict[int, pa.Array] = {}
        for index, (mode, name) in enumerate(sources):
            open_ = (chosen < 0) & (joined_from < 0)
            if not open_.any():
                break
            if mode == standard._FIRST:
                row = self.first_row(name)
                row[(row >= 0) & ~self.present[row]] = -1  # an empty first value: the next source
                chosen[open_] = row[open_]
            else:
                rows = self.rows(name)
                present = rows[self.present[rows]]
                counts = np.bincount(self.record[present], minlength=self.count)
                single = self.leading(present)
                take_single = open_ & (counts == 1)
                chosen[take_single] = single[take_single]
                several = open_ & (counts > 1)
                if several.any():
                    joined_from[several] = index
                    joins[index] = self._joined([rows], "\n")[0]
        result = self.take(chosen)
        for index, joined in joins.items():
            result = pc.if_else(pa.array(joined_from == index), joined, result)
        return result


_WHITESPACE: Final = "".join(chr(c) for c in range(0x3001) if chr(c).isspace())
"""The characters Python's ``str.split`` splits on (none lies above U+3000, the
ideographic space; a test checks that against all of Unicode)."""
_NOT_ONE_SPACED: Final = (
    "[" + "".join(f"\\x{{{ord(c):x}}}" for c in _WHITESPACE if c != " ") + "]|  |^ | $"
)
"""Text that :func:`~searchtrail.records.fields.one_spaced` changes: white space other
than single spaces inside it (the characters Python's ``str.split`` splits on)."""


def _one_spaced(values: pa.Array) -> pa.Array:
    changes = pc.match_substring_regex(values, _NOT_ONE_SPACED)
    return recomputed(values, changes, values, standard.one_spaced)


_ASCII_SPACE: Final = "\\x09-\\x0d\\x1c-\\x1f\\x20"
_DOI_IN: Final = f"(?P<doi>10\\.[0-9]{{4,9}}/[^{_ASCII_SPACE}]+)"


def _dois(values: pa.Array) -> pa.Array:
    """:func:`~searchtrail.records.fields._doi` of each value: in Arrow for ASCII values
    without percent-escapes (there its pattern matches the same), in Python otherwise."""
    odd = _matches(values, r"[^\x00-\x7f]|%")
    found = pc.struct_field(pc.extract_regex(values, _DOI_IN), 0).fill_null("")
    found = pc.utf8_rtrim(found, ".,;")
    if odd.any():
        found = pc.replace_with_mask(
            found,
            pa.array(odd),
            pa.array([standard._doi(v) for v in values.filter(pa.array(odd)).to_pylist()], _TEXT),
        )
    return found


def _authors(authors: pa.Array, *, commas: bool) -> tuple[pa.Array, np.ndarray]:
    """:func:`~searchtrail.records.fields.split_authors` of each record's authors, and the
    records it must be left to: author lines are kept as they are unless one begins with
    "and", is empty, has white space at an end or holds an e-mail address in brackets, or a
    single line holds several authors.
    With ``commas`` (the format's one-line lists are split at commas), a single line with
    commas and none of ";", " and " or a part beginning with "and" is split here."""
    # A line with white space at either end (a table's cell of several lines, "\r\n" in it)
    # is stripped by the rule, as white space of any script.
    space = r"[\t\n\x0b\x0c\r\x1c-\x1f \x{85}\p{Z}]"
    easy = ~_matches(
        authors,
        rf"(?:^|\n)and|^\n|\n\n|\n$|{space}\n|\n{space}|^{space}|{space}$|{standard.EMAIL_IN_NAME}",
    )
    single = ~_matches(authors, "\n")
    semicolon, joined = _matches(authors, ";"), _matches(authors, " and ")
    comma = _matches(authors, ",")
    split = semicolon | _matches(authors, r"^[^,]+ [A-Z]{1,3}\.?, ") | (joined & comma)
    if commas:
        # A generational suffix written as a part of its own ("Thompson F.R., III") is left
        # to the rule, which puts it back after its name.
        suffix = _matches(authors, rf",\s*{standard.GENERATION_SUFFIX}\s*(?:,|$)")
        listed = single & comma & ~semicolon & ~joined & ~_matches(authors, r",\s*and") & ~suffix
        authors = _split_at_commas(authors, listed)
        split = (split | comma) & ~listed
    return authors, ~(easy & ~(single & split))


def _split_at_commas(authors: pa.Array, wanted: np.ndarray) -> pa.Array:
    """``authors`` with the lists ``wanted`` split at their commas, one author a line."""
    if not wanted.any():
        return authors
    parts = pc.split_pattern(authors.filter(pa.array(wanted)), ",")
    names = pc.utf8_trim_whitespace(pc.list_flatten(parts))
    owner = pc.list_parent_indices(parts).to_numpy(zero_copy_only=False)
    kept = _mask(pc.greater(pc.binary_length(names), 0))
    counts = np.bincount(owner[kept], minlength=int(wanted.sum()))
    offsets = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    lists = pa.LargeListArray.from_arrays(
        pa.array(offsets), names.filter(pa.array(kept)).cast(_TEXT)
    )
    return pc.replace_with_mask(authors, pa.array(wanted), pc.binary_join(lists, _literal("\n")))


def _ids(found: _Fields, format_name: str) -> pa.Array:
    """Per record: its typed identifiers, one per line (the rule of
    :func:`~searchtrail.records.identifiers.identifiers`)."""
    sources = SOURCES[format_name]
    databases = found.joined(DATABASE_FIELDS.get(format_name, ()), " ").to_pylist()
    chosen: list[np.ndarray] = []
    ranks: list[np.ndarray] = []
    told: list[str | None] = []
    for number, (name, holds) in enumerate(sources):
        rows = found.rows(name)
        if not len(rows):
            continue
        known = _told(found.raw.take(pa.array(rows)), holds)
        useful = np.array([value != "" for value in known], dtype=bool)
        chosen.append(rows[useful])
        ranks.append(np.full(int(useful.sum()), number))
        told.extend(value for value, keep in zip(known, useful.tolist(), strict=True) if keep)
    result = [""] * found.count
    if not chosen:
        return pa.array(result, _TEXT)
    every_row, every_rank = np.concatenate(chosen), np.concatenate(ranks)
    owners = found.record[every_row]
    order = np.lexsort((every_row, every_rank, owners))
    raws = found.raw.take(pa.array(every_row[order])).to_pylist()
    current, listed = -1, list[str]()
    for owner, source, index, raw in zip(
        owners[order].tolist(), every_rank[order].tolist(), order.tolist(), raws, strict=True
    ):
        if owner != current:
            if listed:
                result[current] = "\n".join(dict.fromkeys(listed))
            current, listed = owner, []
        given = told[index]
        if given is None:
            held = sources[source][1]
            listed.extend(
                kind
                for value in _split(raw, held)
                if (kind := typed(value, held, databases[owner]))
            )
        else:
            listed.append(given)
    if listed:
        result[current] = "\n".join(dict.fromkeys(listed))
    return pa.array(result, _TEXT)


_FORM_ONLY: Final = frozenset({"eid", "pmcid", "central", "cdsr", "eric"})
"""Fields whose values are identifiers only in a form that names their database."""
_ANY_FORM: Final = (
    r"(?i)(?:^|[;,\n])[\s\x0b\x1c-\x1f]*(?:"
    + "|".join(form.pattern.removeprefix("^").removesuffix("$") for _, form in FORMS)
    + ")"
)
"""Text in which a value of :data:`~searchtrail.records.identifiers.FORMS` could stand (a
wider pattern: a value it does not find is typed as nothing)."""


def _told(raw: pa.Array, holds: str) -> list[str | None]:
    """Per value of a field that ``holds`` identifiers: its identifier where the usual
    forms tell it in Arrow ("" for none), None where :func:`typed` must tell."""
    known: list[str | None] = [None] * len(raw)
    if holds == "pmid":  # a PubMed id alone: its number
        simple = np.flatnonzero(_matches(raw, r"^[0-9]{1,8}$"))
        numbers = pc.cast(raw.take(pa.array(simple)), pa.int64()).to_pylist()
        for index, number in zip(simple.tolist(), numbers, strict=True):
            known[index] = f"pmid:{number}" if number > 0 else ""
    elif holds == "wos":  # WOS: and fifteen digits
        simple = _matches(raw, r"^WOS:[0-9]{15}$")
        for index, value in zip(
            np.flatnonzero(simple).tolist(),
            raw.filter(pa.array(simple)).to_pylist(),
            strict=True,
        ):
            known[index] = f"wos:{value[4:]}"
        # Without fifteen digits in a row and without an identifier's form, no part of the
        # text is an accession (text outside ASCII is left to Python's patterns).
        none = ~simple & ~_matches(raw, r"[0-9]{15}|[^\x00-\x7f]") & ~_matches(raw, _ANY_FORM)
        for index in np.flatnonzero(none).tolist():
            known[index] = ""
    elif holds == "text" or holds in _FORM_ONLY:
        # Text without "PMID", or without an identifier's form, holds none (text outside
        # ASCII is left to Python's patterns, whose letter cases are Unicode's).
        found = _matches(raw, "(?i)pmid" if holds == "text" else _ANY_FORM)
        for index in np.flatnonzero(~found & ~_matches(raw, r"[^\x00-\x7f]")).tolist():
            known[index] = ""
    return known


def _first_of(
    found: _Fields, tags: Iterable[str], wanted: Callable[[pa.Array], pa.Array]
) -> pa.Array:
    """Per record: the first value among the fields of ``tags`` (all of the first tag's,
    then the next's) for which ``wanted`` holds; null where none does."""
    chosen = np.full(found.count, -1, dtype=np.int64)
    for tag in tags:
        rows = found.rows(tag)
        rows = rows[_mask(wanted(found.raw.take(pa.array(rows))))]
        chosen = np.where(chosen < 0, found.leading(rows), chosen)
    return found.raw.take(pa.array(chosen, mask=chosen < 0))


def _pages(start: pa.Array, end: pa.Array, otherwise: pa.Array, *, unless_dash: bool) -> pa.Array:
    """``start-end`` where both are given (and, with ``unless_dash``, the start holds no
    dash), else the start, else ``otherwise``."""
    has_start = pc.greater(pc.binary_length(start), 0)
    both = pc.and_(has_start, pc.greater(pc.binary_length(end), 0))
    if unless_dash:
        both = pc.and_(both, pc.invert(pc.match_substring(start, "-")))
    alone = pc.if_else(has_start, start, otherwise)
    return pc.if_else(both, pc.binary_join_element_wise(start, end, _literal("-")), alone)


def standardise(columns: TaggedColumns, format_name: str) -> dict[str, pa.Array]:
    """The standard fields of every record, as columns (those of
    :data:`~searchtrail.records.fields.STANDARD_FIELDS`)."""
    found = _Fields(columns, caseless=format_name in standard._CASELESS)
    plan = dict(standard._plan(format_name, ()))
    picked = {name: found.pick(sources) for name, sources in plan.items()}
    slow = np.zeros(found.count, dtype=bool)
    result: dict[str, pa.Array] = {}
    for name in standard.STANDARD_FIELDS:
        result[name] = picked.get(name, pa.array([""] * found.count, _TEXT))
    result["type"] = mapped(result["type"], standard.joined_types)
    numbers = cache(standard._split_issn_isbn)
    result["issn"] = mapped(picked["issn_isbn"], lambda text: numbers(text)[0])
    result["isbn"] = mapped(picked["issn_isbn"], lambda text: numbers(text)[1])

    authors = picked["authors"]
    if "authors_short" in picked:
        none = _mask(pc.equal(pc.binary_length(authors), 0))
        authors = pc.if_else(pa.array(none), picked["authors_short"], authors)
    authors, hard = _authors(authors, commas=format_name in standard.COMMA_AUTHORS)

    if format_name == "ris":
        end = found.first("EP")
        article = found.first("C7")
        numbered = _mask(
            pc.match_substring_regex(article, f"^(?:{standard.ARTICLE_NUMBER.pattern})$")
        )
        otherwise = pc.if_else(
            pc.greater(pc.binary_length(end), 0),
            end,
            pc.if_else(pa.array(numbered), article, _literal("")),
        )
        result["pages"] = _pages(found.first("SP"), end, otherwise, unless_dash=True)
        doi = _dois(picked["doi"])
        slow |= _mask(pc.equal(doi, "")) & found.has(standard._RIS_BARE_DOI)
    elif format_name == "nbib":
        marked = _first_of(found, ("LID", "AID"), lambda v: pc.ends_with(v, "[doi]"))
        slow |= marked.is_null().to_numpy(zero_copy_only=False) & found.has(("AID",))
        marked = pc.utf8_trim_whitespace(pc.utf8_slice_codeunits(marked.fill_null(""), 0, -5))
        doi = _dois(marked)
        own = found.rows("OWN")
        eric = _mask(pc.equal(pc.utf8_upper(found.values.take(pa.array(own))), "ERIC"))
        slow[found.record[own[eric]]] = True
        result["own_id"] = pa.array([""] * found.count, _TEXT)
    elif format_name == "wos":
        result["pages"] = _pages(
            found.first("BP"), found.first("EP"), found.first("AR"), unless_dash=False
        )
        doi = _dois(picked["doi"])
    elif format_name == "scopus-csv":
        result["pages"] = _pages(
            found.first("page start"),
            found.first("page end"),
            found.first("art. no."),
            unless_dash=False,
        )
        doi = _dois(picked["doi"])
        # Scopus's full names ("Larsen, Ingrid M. (57190000001)") are the authors where given.
        full = found.first("author full names")
        given = _mask(pc.greater(pc.binary_length(full), 0))
        authors = pc.if_else(pa.array(given), mapped(full, standard.scopus_names), authors)
        hard &= ~given
    else:
        doi = _dois(picked["doi"])
    slow |= hard
    result["authors"] = authors

    year = mapped(picked["year"], standard._year)
    slow |= _mask(pc.equal(year, ""))
    result["year"] = year
    url = result["url"]
    no_doi = _mask(pc.equal(doi, "")) & _matches(pc.utf8_lower(url), "doi")
    result["doi"] = doi
    if no_doi.any():
        urls = url.filter(pa.array(no_doi)).to_pylist()
        result["doi"] = pc.replace_with_mask(
            doi, pa.array(no_doi), pa.array([standard._doi_from(u) for u in urls], _TEXT)
        )
    ids = _ids(found, format_name)
    result["ids"] = ids
    pmid = pc.extract_regex(ids, r"(?:^|\n)pmid:(?P<pmid>[^\n]*)")
    result["pmid"] = pc.struct_field(pmid, 0).fill_null("")
    for name in ("title", "abstract", "journal"):
        result[name] = _one_spaced(result[name])
    keywords = result["keywords"]
    listed = pc.match_substring(keywords, ";")
    result["keywords"] = recomputed(keywords, listed, keywords, standard.keyword_lines)
    if slow.any():
        _standardise_slowly(result, columns, format_name, np.flatnonzero(slow))
    return {name: result[name] for name in standard.STANDARD_FIELDS}


def _standardise_slowly(
    result: dict[str, pa.Array], columns: TaggedColumns, format_name: str, wanted: np.ndarray
) -> None:
    """The records ``wanted`` standardised one by one."""
    one = standard.standardiser(format_name)
    rows = [one(fields) for fields in columns.fields_of(wanted)]
    mask = np.zeros(len(columns), dtype=bool)
    mask[wanted] = True
    for name in standard.STANDARD_FIELDS:
        result[name] = pc.replace_with_mask(
            result[name], pa.array(mask), pa.array([row[name] for row in rows], _TEXT)
        )


def raw_json(columns: TaggedColumns) -> pa.Array:
    """Per record: its fields as the records table's ``raw`` column holds them (a JSON list
    of [tag, value] pairs in file order)."""
    encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode

    def escaped(texts: pa.Array) -> pa.Array:
        """The texts as inside JSON strings (only a quote, a backslash or a control
        character needs escaping; a table's column names may hold them too)."""
        needs = pc.match_substring_regex(texts, r'[\x00-\x1f"\\]')
        return recomputed(texts, needs, texts, lambda v: encode(v)[1:-1])

    pairs = pc.binary_join_element_wise(
        _literal('["'),
        escaped(columns.tags.cast(_TEXT)),
        _literal('","'),
        escaped(columns.values.cast(_TEXT)),
        _literal('"]'),
        _literal(""),
    )
    counts = np.bincount(columns.record, minlength=len(columns))
    offsets = np.zeros(len(columns) + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    grouped = pa.LargeListArray.from_arrays(pa.array(offsets), pairs.cast(_TEXT))
    inner = pc.binary_join(grouped, pa.scalar(",", _TEXT))
    return pc.binary_join_element_wise(_literal("["), inner, _literal("]"), _literal(""))


def _literal(text: str) -> pa.Scalar:
    return pa.scalar(text, _TEXT)
