"""What deduplication writes: groups, merged unique records, and the pair audit.

A unique record is its group's kept record with gaps filled from the other members: each
standard field is taken from the kept record when it has one, otherwise from the most
complete other member that has one. Every field says which record it came from
(``<field>_from``), so a merged value can always be traced to an export.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Final, TypeAlias

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as arrow_csv

from searchtrail.dedup.engine import COMPLETENESS_FIELDS, DedupResult, completeness
from searchtrail.fileio import write_chunks
from searchtrail.records.fields import STANDARD_FIELDS

MERGED_FIELDS: Final = tuple(name for name in STANDARD_FIELDS if name != "own_id")

_RIS_TYPES: Final = (
    ("JOUR", ("jour", "journal", "article", "j")),
    ("CONF", ("conf", "conference", "proceedings", "inproceedings", "cpaper", "s", "c")),
    ("CHAP", ("chap", "chapter", "incollection", "section")),
    ("BOOK", ("book", "b")),
    ("THES", ("thes", "thesis", "dissertation", "phdthesis", "mastersthesis")),
    ("RPRT", ("rprt", "report", "techreport")),
)


def groups_table(result: DedupResult) -> pd.DataFrame:
    """``record_id`` and ``duplicate_group`` for every record, in input order."""
    return pd.DataFrame({"record_id": result.record_ids, "duplicate_group": result.group_ids})


def merged_records(records: pd.DataFrame, result: DedupResult) -> pd.DataFrame:
    """One row per duplicate group: the kept record with gaps filled, fields traced.

    Rows follow the order of each group's first record (the order of the group numbers).
    Values are taken by position from the records table, so its compact string columns are
    never turned into Python objects.
    """
    table = records.reset_index(drop=True)
    groups = np.asarray(result.group)
    kept = np.asarray(result.kept)
    sizes = np.bincount(groups)
    keep_rows = np.flatnonzero(kept)
    keep_rows = keep_rows[np.argsort(groups[keep_rows], kind="stable")]  # one per group, in order
    ids = table["record_id"]
    merged = pd.DataFrame(
        {
            "duplicate_group": np.asarray(result.group_ids, dtype=object)[keep_rows],
            "record_id": ids.take(keep_rows).to_numpy(),
            "size": sizes,
        }
    )
    multi = np.flatnonzero(sizes[groups] > 1)
    members = text_column(ids.take(np.argsort(groups, kind="stable")))
    offsets = pa.array(np.concatenate([[0], np.cumsum(sizes)]), pa.int32())
    member_lists = pa.ListArray.from_arrays(offsets, members)
    records_text = pc.binary_join(member_lists, pa.scalar("; ", pa.large_string()))
    if multi.size:
        # The members of each multi-record group, best source first: kept, most complete, first.
        score = completeness(table[[name for name in COMPLETENESS_FIELDS if name in table]])
        order = np.lexsort((multi, -score[multi], ~kept[multi], groups[multi]))
        ranked_rows = multi[order]
        ranked_groups = groups[ranked_rows]
    merged["records"] = records_text.to_numpy(zero_copy_only=False)
    for name in MERGED_FIELDS:
        filled = _filled(table[name])
        source_rows = keep_rows.copy()
        if multi.size:
            ranked_filled = filled[ranked_rows]
            with_value, first = np.unique(ranked_groups[ranked_filled], return_index=True)
            source_rows[with_value] = ranked_rows[np.flatnonzero(ranked_filled)[first]]
        merged[name] = table[name].take(source_rows).reset_index(drop=True)
        origin = ids.take(source_rows).reset_index(drop=True)
        merged[f"{name}_from"] = origin.where(filled[source_rows], "")
    return merged


def _filled(values: pd.Series, *, step: int = 8192) -> npt.NDArray[np.bool_]:
    """Which values hold more than white space (``str.strip()`` leaves text), found a slice
    at a time so that no stripped copy of the whole column is made."""
    slices = (values.iloc[start : start + step] for start in range(0, len(values), step))
    found = [(part.astype(str).str.strip() != "").to_numpy(dtype=bool) for part in slices]
    return np.concatenate(found) if found else np.zeros(0, dtype=bool)


def _csv_columns() -> list[str]:
    columns = ["duplicate_group", "record_id", "records", "size"]
    for name in MERGED_FIELDS:
        columns.extend([name, f"{name}_from"])
    return columns


def write_unique_csv(merged: pd.DataFrame, path: Path) -> None:
    """The unique records as CSV (authors and keywords separated by '; ').

    Written by Arrow's CSV writer (text cells quoted where needed), in chunks, so a million
    records need little memory beyond the table itself; text cells a spreadsheet would run
    as a formula are neutralised (see :mod:`searchtrail.csvtext`). The file is written beside
    its place and renamed into it, so a crash never leaves half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    columns = _csv_columns()
    partial = path.with_name(f".{path.name}.tmp")
    writer: arrow_csv.CSVWriter | None = None
    try:
        for start in range(0, max(len(merged), 1), _CHUNK):
            out = merged[columns].iloc[start : start + _CHUNK].copy()
            for name in ("authors", "keywords", "issn", "isbn"):
                out[name] = out[name].astype(str).str.replace("\n", "; ", regex=False)
            for name in ("duplicate_group", "record_id", "records"):
                out[name] = out[name].astype(str)
            for name in out.columns:
                if out[name].dtype == object or isinstance(out[name].dtype, pd.StringDtype):
                    text = out[name].astype("string")
                    risky = text.str.match(_FORMULA, na=False)
                    out[name] = text.where(~risky, "'" + text)
            batch = pa.Table.from_pandas(out, preserve_index=False)
            if writer is None:
                writer = arrow_csv.CSVWriter(
                    str(partial),
                    batch.schema,
                    write_options=arrow_csv.WriteOptions(quoting_style="needed"),
                )
            writer.write_table(batch)
    finally:
        if writer is not None:
            writer.close()
    partial.replace(path)


_FORMULA: Final = r"[=+\-@\t\r]"


_CHUNK: Final = 50_000

TEXT_CHUNK: Final = 5000
"""How many records the RIS and CSL-JSON writers put together at a time."""

Text: TypeAlias = pa.LargeStringArray
"""A column of text as Arrow holds it, one value a row (missing only where a function
below says so)."""

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


def text_column(values: pd.Series) -> Text:
    """A column of the merged table as Arrow text (what ``astype(str)`` gives; missing
    values empty)."""
    column = pa.array(values.astype(str), type=pa.large_string())
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    return pc.fill_null(column, "")


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


def present(values: Text) -> pa.BooleanArray:
    """Which values are not empty."""
    return pc.not_equal(values, pa.scalar("", pa.large_string()))


def mapped(values: Text, function: Callable[[str], str]) -> Text:
    """``function`` of each value, called once for each distinct value."""
    encoded = values.dictionary_encode()
    results = [function(value) for value in encoded.dictionary.to_pylist()]
    return pa.array(results, pa.large_string()).take(encoded.indices)


def recomputed(
    base: Text, rows: pa.BooleanArray, values: Text, function: Callable[[str], str]
) -> Text:
    """``base``, with each row where ``rows`` holds made ``function`` of that row's value in
    ``values``."""
    if not pc.any(rows).as_py():
        return base
    fixed = [function(value) for value in values.filter(rows).to_pylist()]
    return pc.replace_with_mask(base, rows, pa.array(fixed, pa.large_string()))


def one_line(values: Text) -> Text:
    """Each value with its whitespace runs made one space and its ends trimmed, as
    ``" ".join(value.split())`` gives."""
    return recomputed(values, pc.match_substring_regex(values, NOT_ONE_LINE), values, _one_line)


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
    _, offsets, data = rows.buffers()
    ends = np.frombuffer(offsets, dtype=np.int64)
    first, last = ends[rows.offset], ends[rows.offset + len(rows)]
    return b"" if data is None else bytes(memoryview(data)[first:last])


def ris_type(value: str) -> str:
    """A RIS reference type for a record's type as its export wrote it (JOUR when unsure)."""
    lowered = value.strip().lower()
    for code, words in _RIS_TYPES:
        if lowered in words or any(lowered.startswith(w) for w in words if len(w) > 3):
            return code
    return "JOUR" if not lowered else "GEN"


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


def write_unique_ris(merged: pd.DataFrame, path: Path) -> None:
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
            bytes_of(ris_records(merged.iloc[start : start + TEXT_CHUNK]))
            for start in range(0, len(merged), TEXT_CHUNK)
        ),
    )


_PAGES: Final = r"(?s)^(?P<start>[^-]*)(?:-(?P<end>.*))?$"
"""Pages split at the first ``-``: the start, and the end if there is one."""


def ris_records(merged: pd.DataFrame) -> Text:
    """Each unique record as RIS: its tagged lines, ``ER  - `` and a blank line, each line
    ending in ``\\n``."""
    column = {name: text_column(merged[name]) for name in _RIS_COLUMNS}
    pmid = one_line(column["pmid"])
    has_pmid = present(pmid)
    has_pages = present(column["pages"])
    pages = pc.extract_regex(column["pages"], _PAGES)
    end = one_line(pages.field("end"))
    merged_from = joined(": merged from ", column["records"])
    note = concatenated(
        "searchtrail duplicate group ",
        column["duplicate_group"],
        where(pc.not_equal(column["size"], "1"), merged_from),
    )
    return concatenated(
        _tagged("TY", mapped(column["type"], ris_type)),
        _tagged("ID", one_line(column["record_id"])),
        _tagged("TI", one_line(column["title"]), present(column["title"])),
        _tagged_lines("AU", line_lists(column["authors"])),
        *(_tagged(tag, one_line(column[name]), present(column[name])) for name, tag in _RIS_SIMPLE),
        where(has_pmid, joined("AN  - ", pmid, "\nU2  - PMID: ", pmid, "\n")),
        _tagged("SP", one_line(pages.field("start")), has_pages),
        _tagged("EP", end, pc.and_(has_pages, present(end))),
        _tagged_lines("SN", line_lists(column["issn"], stripped)),
        _tagged_lines("SN", line_lists(column["isbn"], stripped)),
        _tagged("UR", one_line(column["url"]), present(column["url"])),
        _tagged_lines("KW", line_lists(column["keywords"])),
        _tagged("N1", one_line(note)),
        _tagged("N1", joined("PMID: ", pmid), has_pmid),
        "ER  - \n\n",
    )


_RIS_COLUMNS: Final = (
    "duplicate_group", "record_id", "size", "records", "type", "title", "authors", "pages",
    "pmid", "issn", "isbn", "url", "keywords", *(name for name, _ in _RIS_SIMPLE),
)  # fmt: skip
"""The columns of the merged table that RIS carries."""


def _tagged(tag: str, values: Text, condition: pa.BooleanArray | None = None) -> Text:
    """The line ``<tag>  - <value>`` for each row (missing where ``condition`` does not
    hold)."""
    return joined(f"{tag}  - ", values if condition is None else where(condition, values), "\n")


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
