"""What deduplication writes: groups, merged unique records, and the pair audit.

A unique record is its group's kept record with gaps filled from the other members: each
standard field is taken from the kept record when it has one, otherwise from the most
complete other member that has one. Every field says which record it came from
(``<field>_from``), so a merged value can always be traced to an export.

The writers take the merged table as a data frame (:func:`merged_records`) or as
:class:`UniqueRecords`, which holds only where each value comes from and takes the values
from the records table a slice of rows at a time, so a million records are written without
a second copy of their text.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Final, TypeAlias

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as arrow_csv

from searchtrail.arrowtext import Text, mapped, recomputed
from searchtrail.dedup.engine import DedupResult, filled
from searchtrail.dedup.normalise import NO_NUMBER, full_end
from searchtrail.fileio import write_chunks, write_text
from searchtrail.records.fields import STANDARD_FIELDS, type_parts

MERGED_FIELDS: Final = tuple(name for name in STANDARD_FIELDS if name != "own_id")

_RIS_TYPES: Final = (
    ("CHAP", ("chap", "chapter", "incollection", "section", "book chapter", "book section")),
    ("JOUR", (
        "jour", "journal", "article", "j",
        # The kinds of journal item databases type records by (Scopus's document type, Web of
        # Science's DT, PubMed's PT): each is printed in a journal.
        "review", "letter", "editorial", "note", "erratum", "published erratum", "correction",
        "comment", "short survey", "retracted", "retraction", "news item", "book review",
        "reprint", "expression of concern", "data paper", "biographical-item", "case reports",
        "clinical conference", "consensus development conference",
    )),
    ("CONF", (
        "conf", "conference", "proceedings", "inproceedings", "cpaper", "s", "c",
        "meeting abstract", "congress", "abst", "abstract", "paper-conference",
    )),
    ("BOOK", ("book", "b")),
    ("THES", ("thes", "thesis", "dissertation", "phdthesis", "mastersthesis")),
    ("RPRT", ("rprt", "report", "techreport")),
)  # fmt: skip
"""RIS reference types, each with the types exports write that it stands for: the whole
value, or its start for a word longer than three letters. Tried in this order, so that a
book chapter is a chapter and a book review a journal item."""

_REFERENCE_TYPES_OF_THEIR_OWN: Final = frozenset(
    {
        "abst", "advs", "aggr", "ancient", "art", "bill", "blog", "book", "case", "chap",
        "chart", "clswk", "comp", "conf", "cpaper", "ctlg", "data", "dbase", "dict", "ebook",
        "echap", "edbook", "encyc", "equa", "figure", "govdoc", "grant", "hear", "icomm",
        "legal", "manscpt", "map", "mpct", "multi", "music", "news", "pamp", "pat", "pcomm",
        "rprt", "slide", "sound", "stand", "stat", "thes", "unbill", "video",
    }
)  # fmt: skip
"""The RIS reference types (``TY``) that name a kind of publication other than a journal's
item, an unpublished or generic one: a type that starts with one is that kind, whatever the
type of work after it says (a conference's or a book's review or editorial, a newspaper's
editorial, a personal letter are not journal articles). ``JOUR``, ``EJOUR``, ``JFULL``,
``MGZN``, ``INPR``, ``SER``, ``UNPB``, ``GEN``, ``ELEC`` and ``WEB`` are refined by it."""

Part: TypeAlias = dict[str, pa.Array]
"""Consecutive rows of the merged table, column by column: text as Arrow text (missing
values left missing), ``size`` as whole numbers."""


def groups_table(result: DedupResult) -> pd.DataFrame:
    """``record_id`` and ``duplicate_group`` for every record, in input order."""
    return pd.DataFrame({"record_id": result.record_ids, "duplicate_group": result.group_ids})


def group_names(result: DedupResult, groups: npt.NDArray[np.int64]) -> Text:
    """The names of ``groups`` (group numbers of ``result``) as
    :attr:`~searchtrail.dedup.engine.DedupResult.group_ids` spells them."""
    width = max(6, len(str(int(result.group.max()) + 1))) if result.group.size else 6
    numbers = pc.cast(pa.array(np.asarray(groups, dtype=np.int64) + 1), pa.large_string())
    return joined("g", pc.utf8_lpad(numbers, width, "0"))


class UniqueRecords:
    """The merged table as where its values come from: for each duplicate group (in the
    order of the group numbers) its kept record, its members, and for each field the record
    it is taken from. The values themselves are taken from the records table a slice of
    rows at a time (:meth:`part`)."""

    def __init__(self, records: pd.DataFrame, result: DedupResult) -> None:
        self.records = records.reset_index(drop=True)
        self.result = result
        groups = np.asarray(result.group)
        kept = np.asarray(result.kept)
        self.sizes = np.bincount(groups)
        keep_rows = np.flatnonzero(kept)
        self.keep_rows = keep_rows[np.argsort(groups[keep_rows], kind="stable")]
        self.ids = arrow_text(self.records["record_id"])
        self.origins = pa.concat_arrays([self.ids, pa.array([""], pa.large_string())])
        """The record ids, and last an empty one for a value not traced to a record."""
        members = pc.fill_null(self.ids.take(np.argsort(groups, kind="stable")), "")
        offsets = pa.array(np.concatenate([[0], np.cumsum(self.sizes)]), pa.int32())
        self.members: Text = pc.binary_join(
            pa.ListArray.from_arrays(offsets, members), pa.scalar("; ", pa.large_string())
        )
        self.values = {name: TextPieces.of(self.records[name]) for name in MERGED_FIELDS}
        self.sources: dict[str, npt.NDArray[np.int64]] = {}
        self.traced: dict[str, npt.NDArray[np.bool_]] = {}
        multi = np.flatnonzero(self.sizes[groups] > 1)
        ranked_rows = multi
        if multi.size:
            # The members of each multi-record group, best source first: kept, most complete, first.
            score = result.completeness
            order = np.lexsort((multi, -score[multi], ~kept[multi], groups[multi]))
            ranked_rows = multi[order]
        for name in MERGED_FIELDS:
            pieces = self.values[name].pieces
            filled = np.concatenate([_filled(piece) for piece in pieces])
            if name in NO_VALUE:
                filled &= ~np.concatenate([_says_none(piece, NO_VALUE[name]) for piece in pieces])
            source_rows = self.keep_rows.copy()
            if multi.size:
                with_value = ranked_rows[filled[ranked_rows]]
                groups_with_value = groups[with_value]
                first = np.ones(with_value.size, dtype=bool)
                first[1:] = groups_with_value[1:] != groups_with_value[:-1]
                source_rows[groups_with_value[first]] = with_value[first]
            self.sources[name] = source_rows
            self.traced[name] = filled[source_rows]

    def __len__(self) -> int:
        return len(self.keep_rows)

    def take_values(self, name: str, values: pd.Series) -> None:
        """Take field ``name``'s values from ``values`` (a column of the same records), for
        a field held, while its sources were chosen, as marks of whether each value is filled
        (the sources stay as chosen; ``values`` need hold only theirs)."""
        self.values[name] = TextPieces.of(values)

    def part(self, start: int, stop: int, columns: Collection[str]) -> Part:
        """Rows ``start`` to ``stop`` of the merged table, the ``columns`` asked for."""
        rows = slice(start, stop)
        part: Part = {}
        for name in columns:
            if name == "duplicate_group":
                part[name] = group_names(self.result, self.result.group[self.keep_rows[rows]])
            elif name == "record_id":
                part[name] = self.ids.take(self.keep_rows[rows])
            elif name == "size":
                part[name] = pa.array(self.sizes[rows], pa.int64())
            elif name == "records":
                part[name] = self.members[rows]
            elif name.endswith("_from"):
                field = name.removesuffix("_from")
                untraced = len(self.origins) - 1
                origin = np.where(self.traced[field][rows], self.sources[field][rows], untraced)
                part[name] = self.origins.take(origin)
            else:
                part[name] = self.values[name].take(self.sources[name][rows])
                if name in NO_VALUE:
                    traced = pa.array(self.traced[name][rows])
                    part[name] = pc.if_else(traced, part[name], pa.scalar("", pa.large_string()))
        return part

    def frame(self) -> pd.DataFrame:
        """The whole merged table (see :func:`merged_records`)."""
        table = self.records
        ids = table["record_id"]
        merged = pd.DataFrame(
            {
                "duplicate_group": group_names(
                    self.result, self.result.group[self.keep_rows]
                ).to_numpy(zero_copy_only=False),
                "record_id": ids.take(self.keep_rows).to_numpy(),
                "size": self.sizes,
            }
        )
        merged["records"] = self.members.to_numpy(zero_copy_only=False)
        for name in MERGED_FIELDS:
            source_rows = self.sources[name]
            merged[name] = table[name].take(source_rows).reset_index(drop=True)
            if name in NO_VALUE:
                merged[name] = merged[name].where(self.traced[name], "")
            origin = ids.take(source_rows).reset_index(drop=True)
            merged[f"{name}_from"] = origin.where(self.traced[name], "")
        return merged


Merged: TypeAlias = pd.DataFrame | UniqueRecords
"""The merged table, whole or as :class:`UniqueRecords`."""


def merged_records(records: pd.DataFrame, result: DedupResult) -> pd.DataFrame:
    """One row per duplicate group: the kept record with gaps filled, fields traced.

    Rows follow the order of each group's first record (the order of the group numbers).
    Values are taken by position from the records table, so its compact string columns are
    never turned into Python objects.
    """
    return UniqueRecords(records, result).frame()


def merged_parts(merged: Merged, columns: Collection[str], step: int) -> Iterator[Part]:
    """The merged table ``step`` rows at a time, the ``columns`` asked for."""
    for start in range(0, len(merged), step):
        yield merged_part(merged, start, start + step, columns)


def merged_part(merged: Merged, start: int, stop: int, columns: Collection[str]) -> Part:
    """Rows ``start`` to ``stop`` of the merged table, the ``columns`` asked for."""
    if isinstance(merged, UniqueRecords):
        return merged.part(start, stop, columns)
    rows = {name: merged[name].iloc[start:stop] for name in columns}
    return {
        name: pa.array(values.to_numpy(dtype=np.int64)) if name == "size" else arrow_text(values)
        for name, values in rows.items()
    }


class TextPieces:
    """A column of the records table as Arrow text, in the pieces Arrow holds it in (one a
    file read), so that it is not copied whole."""

    def __init__(self, pieces: Sequence[Text]) -> None:
        self.pieces = list(pieces) or [pa.array([], pa.large_string())]
        self.starts = np.cumsum([0, *(len(piece) for piece in self.pieces)])

    @classmethod
    def of(cls, values: pd.Series) -> TextPieces:
        """The column as ``astype(str)`` gives it (missing values left missing)."""
        column = pa.array(values.astype(str))
        pieces = column.chunks if isinstance(column, pa.ChunkedArray) else [column]
        return cls([piece.cast(pa.large_string()) for piece in pieces])

    def take(self, rows: npt.NDArray[np.int64]) -> Text:
        """The values in ``rows``, in that order."""
        if len(self.pieces) == 1:
            return self.pieces[0].take(rows)
        which = np.searchsorted(self.starts, rows, side="right") - 1
        order = np.argsort(which, kind="stable")
        bounds = np.searchsorted(which[order], np.arange(len(self.pieces) + 1))
        taken = [
            self.pieces[k].take(rows[order[bounds[k] : bounds[k + 1]]] - self.starts[k])
            for k in range(len(self.pieces))
            if bounds[k] < bounds[k + 1]
        ]
        values = pa.concat_arrays(taken) if taken else pa.array([], pa.large_string())
        if np.all(order[1:] > order[:-1]):
            return values
        back = np.empty_like(order)
        back[order] = np.arange(order.size)
        return values.take(back)


def arrow_text(values: pd.Series) -> Text:
    """A column as Arrow text, what ``astype(str)`` gives (missing values left missing);
    a column of Arrow strings is not copied."""
    column = pa.array(values.astype(str))
    if isinstance(column, pa.ChunkedArray):
        column = column.chunk(0) if column.num_chunks == 1 else column.combine_chunks()
    if column.type != pa.large_string():
        column = column.cast(pa.large_string())
    return column


_NO_NUMBER: Final = rf"(?i)^\s*(?:{NO_NUMBER})\s*$"
_NLM_ID: Final = r"(?i)^\s*(?:[0-9a-z]{3,4},\s*)?(?:\d{7}|\d{9}|\d{7}r)(?:,\s*[0-9a-z]{3,4})?\s*$"
NO_VALUE: Final = {
    "abstract": (
        r"(?i)^\s*(?:NA|N/A|not available"
        r"|\[?(?:no abstract(?: available)?|abstract (?:not available|unavailable))\.?\]?)\s*$"
    ),
    "pages": r"(?i)^\s*(?:n\.?\s?pag\.?(?:\s*-\s*n\.?\s?pag\.?)?|unpaginated|no-specified|NA|N/A)\s*$",
    "volume": _NO_NUMBER,
    "issue": f"{_NO_NUMBER}|{_NLM_ID}",
}
"""Values that are not a value of their field, by field (RE2 patterns): R's missing value
``NA``, which tools written in R (CiteSource, synthesisr, revtools) write into the empty
fields of the files they export, and ``N/A``; the databases' ``No abstract available``;
EBSCO's ``N.PAG`` (no pagination), ``unpaginated`` and Ovid's ``No-Specified`` for pages;
``ahead-of-print`` or ``in press`` for a volume or issue not yet given; and as an issue, the journal's NLM
id (``0147621``, ``101676033``, ``2985151R``, with or without its three-letter code: ``ei2,
0147621``), which Ovid MEDLINE's RIS writes in ``IS`` where an article has no issue, while no
issue is numbered in millions. The merged record takes a real value from another copy in the
group, or leaves the field empty; the records keep what they were exported with (their ids
and the choice of the kept record do not change)."""


def _says_none(values: Text, pattern: str) -> npt.NDArray[np.bool_]:
    """Which values match ``pattern``, a value that says there is none."""
    found = pc.fill_null(pc.match_substring_regex(values, pattern), False)
    return np.asarray(found.to_numpy(zero_copy_only=False), dtype=bool)


def _filled(values: Text) -> npt.NDArray[np.bool_]:
    """Which values hold more than white space (:func:`~searchtrail.dedup.engine.filled`);
    a missing value counts as filled."""
    found = filled(values)
    if values.null_count:
        found |= values.is_null().to_numpy(zero_copy_only=False)
    return found


def unique_csv_columns() -> list[str]:
    """The columns of ``unique.csv``, in order."""
    columns = ["duplicate_group", "record_id", "records", "size"]
    for name in MERGED_FIELDS:
        columns.extend([name, f"{name}_from"])
    return columns


def write_unique_csv(merged: Merged, path: Path) -> None:
    """The unique records as CSV (authors and keywords separated by '; ').

    Written by Arrow's CSV writer (every text cell quoted), in chunks, so a million records
    need little memory beyond the records table; text cells a spreadsheet would run as a
    formula are neutralised (see :mod:`searchtrail.csvtext`). Written atomically (a crash
    leaves the old file or the new one)."""
    columns = unique_csv_columns()
    parts = merged_parts(merged, columns, TEXT_CHUNK) if len(merged) else [no_rows(columns)]
    write_chunks(
        path,
        (unique_csv_part(part, columns, header=index == 0) for index, part in enumerate(parts)),
    )


def no_rows(columns: Sequence[str]) -> Part:
    """A part of the merged table without rows."""
    return {
        name: pa.array([], pa.int64() if name == "size" else pa.large_string()) for name in columns
    }


def unique_csv_part(part: Part, columns: Sequence[str], *, header: bool) -> memoryview:
    """A part of the merged table as rows of ``unique.csv`` (with ``header``, the header
    line first)."""
    cells = {}
    for name in columns:
        values = part[name]
        if name in _SEPARATED:
            values = pc.replace_substring(values, "\n", "; ")
        if pa.types.is_string(values.type) or pa.types.is_large_string(values.type):
            values = values.cast(pa.large_string())
            risky = formula_like(values)
            if risky.any():
                values = pc.if_else(pa.array(risky), joined("'", values), values)
        cells[name] = values
    sink = pa.BufferOutputStream()
    options = arrow_csv.WriteOptions(include_header=header, quoting_style="needed")
    arrow_csv.write_csv(pa.table(cells), sink, write_options=options)
    return memoryview(sink.getvalue())


_SEPARATED: Final = ("authors", "keywords", "issn", "isbn")
"""The columns whose lines ``unique.csv`` separates by ``'; '``."""
_FORMULA_STARTS: Final = np.isin(np.arange(256), np.frombuffer(b"=+-@\t\r", dtype=np.uint8))
"""The first bytes of text a spreadsheet would run as a formula."""


def formula_like(values: Text) -> npt.NDArray[np.bool_]:
    """Which values a spreadsheet would run as a formula: those that begin with ``=``,
    ``+``, ``-``, ``@``, a tab or a carriage return (read from the first byte of each)."""
    risky = np.zeros(len(values), dtype=bool)
    _, offset_buffer, data = values.buffers()
    if data is None or not len(values):
        return risky
    ends = np.frombuffer(offset_buffer, dtype=np.int64)[values.offset :][: len(values) + 1]
    starts = ends[:-1]
    begun = ends[1:] > starts
    risky[begun] = _FORMULA_STARTS[np.frombuffer(data, dtype=np.uint8)[starts[begun]]]
    if values.null_count:
        risky &= np.asarray(values.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
    return risky


def write_groups_csv(result: DedupResult, path: Path) -> None:
    """``groups.csv``: :func:`groups_table` as ``to_csv(index=False, lineterminator="\\n")``
    writes it, built in Arrow rather than through Python objects."""
    ids = csv_cells(pa.array(result.record_ids, pa.large_string()))
    groups = group_names(result, result.group)
    header = csv_header(["record_id", "duplicate_group"])
    write_chunks(path, [header, *_csv_lines([ids, csv_cells(groups)])])


def write_pairs_csv(result: DedupResult, path: Path) -> None:
    """``pairs.csv``: :func:`audit_pairs` as ``to_csv(index=False, lineterminator="\\n")``
    writes it."""
    write_frame_csv(audit_pairs(result), path)


def write_frame_csv(frame: pd.DataFrame, path: Path) -> None:
    """A table as pandas' ``to_csv(index=False, lineterminator="\\n")`` writes it: built
    column by column in Arrow when its columns are text, whole numbers, decimals or
    categories of text; by pandas otherwise."""
    cells = [_pandas_cells(frame[name]) for name in frame.columns]
    if len(cells) < 2 or any(column is None for column in cells):
        write_text(path, frame.to_csv(index=False, lineterminator="\n"))
        return
    header = csv_header([str(name) for name in frame.columns])
    write_chunks(path, [header, *_csv_lines([c for c in cells if c is not None])])


def csv_header(names: Sequence[str]) -> bytes:
    """A CSV header line as Python's CSV writer (and pandas) writes it."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(names)
    return buffer.getvalue().encode("utf-8")


def _csv_lines(columns: Sequence[Text], *, step: int = 200_000) -> Iterator[memoryview]:
    """The rows of CSV cells ``columns``, each row a line, ``step`` rows at a time."""
    rows = len(columns[0]) if columns else 0
    separator = pa.scalar(",", pa.large_string())
    for start in range(0, rows, step):
        cells = [column[start : start + step] for column in columns]
        yield view_of(joined(pc.binary_join_element_wise(*cells, separator), "\n"))


_QUOTED: Final = '[,"\r\n]'
"""Text Python's CSV writer may quote (an RE2 pattern); other text it writes as it is."""


def csv_cells(values: pa.Array) -> Text:
    """Text values as Python's CSV writer writes them as cells (quoted where needed; a
    missing value empty)."""
    text = pc.fill_null(values.cast(pa.large_string()), "")
    return recomputed(text, pc.match_substring_regex(text, _QUOTED), text, _csv_cell)


def _csv_cell(value: str) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow([value])
    return buffer.getvalue()[:-1]


def _pandas_cells(values: pd.Series) -> Text | None:
    """A column's cells as pandas writes them to CSV, or None for a kind of column this
    does not know."""
    dtype = values.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        categories = _pandas_cells(pd.Series(dtype.categories))
        if categories is None:
            return None
        codes = pa.array(values.cat.codes.to_numpy(), mask=values.isna().to_numpy())
        return pc.fill_null(categories.take(codes), "")
    if isinstance(dtype, pd.StringDtype) or (
        isinstance(dtype, np.dtype)
        and dtype.kind == "O"
        and pd.api.types.infer_dtype(values, skipna=True) in {"string", "empty"}
    ):
        return csv_cells(arrow_text(values))
    if isinstance(dtype, np.dtype) and dtype.kind in "iu":
        return pc.cast(pa.array(values.to_numpy()), pa.large_string())
    if isinstance(dtype, np.dtype) and dtype == np.float64:
        numbers = np.ascontiguousarray(values.to_numpy())
        distinct, inverse = np.unique(numbers.view(np.int64), return_inverse=True)
        decimals = distinct.view(np.float64)
        text = decimals.astype(str)
        text[np.isnan(decimals)] = ""
        return pa.array(text.tolist(), pa.large_string()).take(pa.array(inverse.ravel()))
    return None


TEXT_CHUNK: Final = 5000
"""How many records the CSV, RIS and CSL-JSON writers put together at a time (the text of
a few thousand records fits in memory the allocator keeps at hand)."""

_SPACES: Final = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
"""The characters Python's ``str.split()`` and ``str.strip()`` take as whitespace."""
_SPACE_CLASS: Final = "[" + "".join(f"\\x{{{ord(c):x}}}" for c in _SPACES) + "]"
NOT_ONE_LINE: Final = (
    "^ | $|  |[" + "".join(f"\\x{{{ord(c):x}}}" for c in _SPACES if c != " ") + "]"
)
"""Text that ``" ".join(text.split())`` would change (an RE2 pattern)."""
_NOT_STRIPPED: Final = f"^{_SPACE_CLASS}|{_SPACE_CLASS}$"
"""Text that ``text.strip()`` would change (an RE2 pattern)."""


NEEDS_ESCAPE: Final = r'["\\\x{0}-\x{1f}]'
"""Text that a JSON string cannot hold as it is (an RE2 pattern)."""
_CONTROL: Final = r"[\x{0}-\x{1f}]"
"""A control character, which a JSON string holds only as an escape sequence (an RE2
pattern)."""
_UNUSUAL: Final = f"{NOT_ONE_LINE}|{NEEDS_ESCAPE}"
"""Text that is not one line, or that a JSON string cannot hold as it is (an RE2
pattern)."""


class PartText(Mapping[str, Text]):
    """A part of the merged table as text (missing values empty), its sizes as whole
    numbers (:attr:`sizes`), and what several writers make of a column, each made once:
    its one-line form, that form escaped for a JSON string, its lines; and each record's
    note (:meth:`note`)."""

    def __init__(self, part: Part) -> None:
        self.part = part
        self.sizes: pa.Int64Array = part["size"]
        self._text: dict[str, Text] = {}
        self._unusual: dict[str, pa.BooleanArray] = {}
        self._lines: dict[str, pa.ListArray] = {}
        self._note: Text | None = None

    def __getitem__(self, name: str) -> Text:
        if name not in self._text:
            self._text[name] = pc.fill_null(self.part[name], "")
        return self._text[name]

    def __iter__(self) -> Iterator[str]:
        return (name for name in self.part if name != "size")

    def __len__(self) -> int:
        return len(self.part) - ("size" in self.part)

    def _unusual_rows(self, name: str) -> pa.BooleanArray:
        """The rows whose value is not one line or holds what JSON escapes."""
        if name not in self._unusual:
            self._unusual[name] = pc.match_substring_regex(self[name], _UNUSUAL)
        return self._unusual[name]

    def one_line(self, name: str) -> Text:
        """The column made one line, as :func:`one_line` makes it."""
        return one_line_where(self[name], self._unusual_rows(name))

    def json_line(self, name: str) -> Text:
        """The column made one line and escaped for a JSON string, as ``json.dumps(" ".join(
        value.split()), ensure_ascii=False)`` writes it between its quotes."""
        return json_text(self[name], self._unusual_rows(name), one_line=True)

    def note(self) -> Text:
        """Each record's note, as RIS and CSL-JSON write it: its duplicate group, and the
        records merged into it where there are several."""
        if self._note is None:
            merged_from = joined(": merged from ", self["records"])
            self._note = concatenated(
                "searchtrail duplicate group ",
                self["duplicate_group"],
                where(pc.not_equal(self.sizes, 1), merged_from),
            )
        return self._note

    def lines(self, name: str) -> pa.ListArray:
        """The column's lines, as :func:`line_lists` gives them."""
        if name not in self._lines:
            self._lines[name] = line_lists(self[name])
        return self._lines[name]


def json_text(values: Text, rows: pa.BooleanArray, *, one_line: bool) -> Text:
    """``values`` as they go between the quotes of a JSON string, as ``json.dumps(value,
    ensure_ascii=False)`` escapes them (each made one line first with ``one_line``), where
    ``rows`` holds at least every row that needs a change. Most such rows only hold a quote
    or a backslash (a title's quoted phrase); Arrow puts a backslash before each. Only a
    row with a control character, or not one line, goes through Python's ``json``."""
    if not pc.any(rows).as_py():
        return values
    changing = values.filter(rows)
    by_python = pc.match_substring_regex(
        changing, f"{NOT_ONE_LINE}|{_CONTROL}" if one_line else _CONTROL
    )
    escaped = pc.replace_substring_regex(changing, r'(["\\])', r"\\\1")
    fixed = recomputed(escaped, by_python, changing, json_one_line if one_line else _escaped)
    return pc.replace_with_mask(values, rows, fixed)


def _escaped(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)[1:-1]


def json_one_line(value: str) -> str:
    """``value`` made one line, as it goes between the quotes of a JSON string."""
    return _escaped(" ".join(value.split()))


def joined(*parts: pa.Array | str) -> Text:
    """Each row's parts end to end (a plain string is the same in every row); missing where
    any part is missing."""
    values = [pa.scalar(p, pa.large_string()) if isinstance(p, str) else p for p in parts]
    return pc.binary_join_element_wise(*values, pa.scalar("", pa.large_string()))


def concatenated(*parts: pa.Array | str) -> Text:
    """Each row's parts end to end (a plain string is the same in every row), missing parts
    left out."""
    values = [pa.scalar(p, pa.large_string()) if isinstance(p, str) else p for p in parts]
    return pc.binary_join_element_wise(
        *values, pa.scalar("", pa.large_string()), null_handling="replace"
    )


def where(condition: pa.BooleanArray, values: Text) -> Text:
    """``values`` in the rows where ``condition`` holds, missing in the others."""
    if values.offset or condition.offset or values.null_count or condition.null_count:
        return pc.if_else(condition, values, pa.scalar(None, pa.large_string()))
    _, offsets, data = values.buffers()
    return pa.Array.from_buffers(
        pa.large_string(), len(values), [condition.buffers()[1], offsets, data]
    )


def optional(
    condition: pa.BooleanArray, before: str, values: Text, after: str
) -> tuple[Text, Text, Text]:
    """``before``, each value and ``after`` in the rows where ``condition`` holds and the
    value is not missing, as three pieces of :func:`concatenated`, missing (left out) in the
    other rows. Where :func:`joined` would copy each value into a line that the record's
    concatenation copies again, a value is copied once, into its record."""
    missing = pa.scalar(None, pa.large_string())
    if values.null_count:
        condition = pc.and_(condition, values.is_valid())
    return (
        pc.if_else(condition, before, missing),
        where(condition, values),
        pc.if_else(condition, after, missing),
    )


def present(values: Text) -> pa.BooleanArray:
    """Which values are not empty."""
    return pc.not_equal(values, pa.scalar("", pa.large_string()))


def one_line(values: Text) -> Text:
    """Each value with its whitespace runs made one space and its ends trimmed, as
    ``" ".join(value.split())`` gives."""
    return recomputed(values, pc.match_substring_regex(values, NOT_ONE_LINE), values, _one_line)


def one_line_where(values: Text, rows: pa.BooleanArray) -> Text:
    """:func:`one_line` of ``values``, where ``rows`` holds at least every row that is not
    one line: only those rows are tested."""
    if not pc.any(rows).as_py():
        return values
    return pc.replace_with_mask(values, rows, one_line(values.filter(rows)))


def stripped(values: Text) -> Text:
    """Each value without whitespace at its ends, as ``value.strip()`` gives."""
    return recomputed(values, pc.match_substring_regex(values, _NOT_STRIPPED), values, str.strip)


def line_lists(values: Text, tidy: Callable[[Text], Text] = one_line) -> pa.ListArray:
    """Each value's lines (split at ``\\n``), each made ``tidy``, the blank ones left out."""
    lists = pc.split_pattern(values, "\n")
    lines = tidy(pc.list_flatten(lists))
    rows = pc.list_parent_indices(lists)
    kept = present(lines)
    counts = np.bincount(rows.filter(kept).to_numpy(), minlength=len(values))
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
    return pa.ListArray.from_arrays(pa.array(offsets), lines.filter(kept))


def each_line(lists: pa.ListArray, function: Callable[[Text], Text], separator: str) -> Text:
    """For each row, ``function`` of each of its lines, the results joined by ``separator``."""
    lines = function(lists.flatten())
    offsets = pc.subtract(lists.offsets, lists.offsets[0])
    rebuilt = pa.ListArray.from_arrays(offsets, lines)
    return pc.binary_join(rebuilt, pa.scalar(separator, pa.large_string()))


def text_of(rows: Text) -> str:
    """All rows' text end to end."""
    return str(bytes_of(rows), "utf-8")


def bytes_of(rows: Text) -> bytes:
    """All rows' text end to end, as the UTF-8 bytes Arrow holds it in."""
    return bytes(view_of(rows))


def view_of(rows: Text) -> memoryview:
    """All rows' text end to end, the UTF-8 bytes Arrow holds it in (not copied)."""
    _, offsets, data = rows.buffers()
    ends = np.frombuffer(offsets, dtype=np.int64)
    first, last = ends[rows.offset], ends[rows.offset + len(rows)]
    return memoryview(b"") if data is None else memoryview(data)[first:last]


def ris_type(value: str) -> str:
    """A RIS reference type for a record's type as its export wrote it (JOUR when unsure).
    A type of several parts (PubMed's publication types in alphabetical order, "Comparative
    Study; Journal Article"; Web of Science's "Article; Proceedings Paper", "Article; Book
    Chapter") is the first RIS type, in :data:`_RIS_TYPES` order, that any part names: a
    chapter before a journal article, a journal article before a conference paper. A RIS
    reference type of its own (:data:`_REFERENCE_TYPES_OF_THEIR_OWN`) first decides alone."""
    parts = type_parts(value)
    if not parts:
        return "JOUR"
    if parts[0] in _REFERENCE_TYPES_OF_THEIR_OWN:
        parts = parts[:1]  # RIS's TY, refined by its type of work only where it is JOUR or GEN
    for code, words in _RIS_TYPES:
        for part in parts:
            if part in words or any(part.startswith(w) for w in words if len(w) > 3):
                return code
    return "GEN"


_RIS_SIMPLE: Final = (
    ("year", "PY"),
    ("journal", "T2"),
    ("volume", "VL"),
    ("issue", "IS"),
    ("doi", "DO"),
    ("abstract", "AB"),
    ("language", "LA"),
    ("publisher", "PB"),
)


def write_unique_ris(merged: Merged, path: Path) -> None:
    """The unique records as RIS, each with a note naming its group and merged records.

    Tags follow rispy's mapping and what Rayyan, Covidence and EPPI-Reviewer import
    (docs/handoff.md): ID our record id, TI title, AU one author a line, T2 journal, SP/EP
    pages, SN ISSN/ISBN, DO DOI, UR, KW, N1 notes; a PubMed id as the accession number
    (AN), in U2 as ``PMID: <id>`` and in a note. Multi-line values are written on one line.
    Written in chunks, so a million records need little memory, and atomically (a crash
    leaves the old file or the new one).
    """
    write_chunks(
        path,
        (
            view_of(ris_records(PartText(part)))
            for part in merged_parts(merged, _RIS_COLUMNS, TEXT_CHUNK)
        ),
    )


_ONE_RANGE: Final = re.compile(r"([^\s,;\-\u2013]+)\s*[-\u2013]+\s*([^\s,;\-\u2013]*)")
"""One page range: a first page, a dash or several (BibTeX's ``--``) or an en dash, and a
last page (which may be empty or a mark)."""
_PAGES: Final = r"(?s)^(?P<start>[^\n]*)(?:\n(?P<end>.*))?$"
"""RIS's first and last page as :func:`_first_and_last_page` gives them (an RE2 pattern)."""


def _first_and_last_page(pages: str) -> str:
    """RIS's first and last page (SP and EP) of a pages field, as ``first\nlast`` (just
    ``first`` where there is no last page). One range is split at its dash or dashes
    (``508--513`` as BibTeX writes it, ``508-513``, an en dash), and its end is written in
    full where it is abbreviated (``1320-35`` is 1320-1335), so that EP is a page number;
    an end that names no page (Web of Science's ``135-+`` and ``135-&``, "and following")
    is left out. Anything else, an article number (``e2045``) or a list of ranges
    (``459-66, e106-107``), is the first page as it is written."""
    start, dash, end = pages.partition("-")
    if not (dash and start.isdigit() and end.isdigit() and start.isascii() and end.isascii()):
        one = _ONE_RANGE.fullmatch(" ".join(pages.split()))
        if one is None:
            return " ".join(pages.split())
        start, end = one.groups()
        if not any(character.isalnum() for character in end):
            return start
        if not (start.isascii() and start.isdigit() and end.isascii() and end.isdigit()):
            return f"{start}\n{end}"
    return f"{start}\n{full_end(start, end) if len(end) < len(start) else end}"


_FULL_RANGE: Final = r"^(?P<start>[0-9]+)-(?P<end>[0-9]+)$"
"""A range of two page numbers (an RE2 pattern); where its end has as many digits as its
start or more, it is written in full."""


def first_and_last_pages(pages: Text) -> Text:
    """:func:`_first_and_last_page` of each value. A range of two page numbers whose end is
    written in full, the form most exports use, is split by Arrow; the others (an
    abbreviated end, article numbers, lists) go through Python."""
    range_ = pc.extract_regex(pages, _FULL_RANGE)
    start, end = range_.field("start"), range_.field("end")
    # A value that is no such range has a missing range whose fields are empty, not missing.
    in_full = pc.and_(
        range_.is_valid(), pc.greater_equal(pc.binary_length(end), pc.binary_length(start))
    )
    return recomputed(joined(start, "\n", end), pc.invert(in_full), pages, _first_and_last_page)


def ris_records(column: PartText) -> Text:
    """Each unique record of a part of the merged table as RIS: its tagged lines,
    ``ER  - `` and a blank line, each line ending in ``\\n``."""
    pmid = column.one_line("pmid")
    has_pmid = present(pmid)
    has_pages = present(column["pages"])
    pages = pc.extract_regex(first_and_last_pages(column["pages"]), _PAGES)
    end = one_line(pages.field("end"))
    note = column.note()
    return concatenated(
        *_tagged("TY", mapped(column["type"], ris_type)),
        *_tagged("ID", one_line(column["record_id"])),
        *_tagged("TI", column.one_line("title"), present(column["title"])),
        _tagged_lines("AU", column.lines("authors")),
        *(
            piece
            for name, tag in _RIS_SIMPLE
            for piece in _tagged(tag, column.one_line(name), present(column[name]))
        ),
        where(has_pmid, joined("AN  - ", pmid, "\nU2  - PMID: ", pmid, "\n")),
        *_tagged("SP", one_line(pages.field("start")), has_pages),
        *_tagged("EP", end, pc.and_(has_pages, present(end))),
        _tagged_lines("SN", line_lists(column["issn"], stripped)),
        _tagged_lines("SN", line_lists(column["isbn"], stripped)),
        *_tagged("UR", column.one_line("url"), present(column["url"])),
        _tagged_lines("KW", column.lines("keywords")),
        *_tagged("N1", one_line(note)),
        *_tagged("N1", joined("PMID: ", pmid), has_pmid),
        "ER  - \n\n",
    )


_RIS_COLUMNS: Final = (
    "duplicate_group", "record_id", "size", "records", "type", "title", "authors", "pages",
    "pmid", "issn", "isbn", "url", "keywords", *(name for name, _ in _RIS_SIMPLE),
)  # fmt: skip
"""The columns of the merged table that RIS carries."""


def _tagged(
    tag: str, values: Text, condition: pa.BooleanArray | None = None
) -> tuple[Text, Text, Text]:
    """The line ``<tag>  - <value>`` for each row where the value is not missing and
    ``condition`` holds, as pieces of the record's :func:`concatenated`."""
    return optional(
        values.is_valid() if condition is None else condition, f"{tag}  - ", values, "\n"
    )


def _tagged_lines(tag: str, lists: pa.ListArray) -> Text:
    """The lines ``<tag>  - <value>``, one for each of a row's values."""
    return each_line(lists, lambda values: joined(f"{tag}  - ", values, "\n"), "")


def _one_line(text: str) -> str:
    return " ".join(text.split())


def audit_pairs(result: DedupResult) -> pd.DataFrame:
    """The compared pairs worth reading: every decision other than "not duplicate", and the
    pairs left apart whose titles are alike (an auditor's first question)."""
    pairs = result.pairs
    keep = (pairs["decision"] != "not duplicate") | (pairs["title"].fillna(0) >= 85)
    return pairs.loc[keep].drop(columns=["a", "b"]).reset_index(drop=True)
