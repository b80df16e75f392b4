"""What deduplication writes: groups, merged unique records, and the pair audit.

A unique record is its group's kept record with gaps filled from the other members: each
standard field is taken from the kept record when it has one, otherwise from the most
complete other member that has one. Every field says which record it came from
(``<field>_from``), so a merged value can always be traced to an export.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd
import pyarrow as pa
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
    records_text = merged["record_id"].to_numpy(dtype=object).copy()
    if multi.size:
        joined = (
            pd.Series(ids.take(multi).to_numpy(dtype=object)).groupby(groups[multi]).agg("; ".join)
        )
        records_text[joined.index.to_numpy()] = joined.to_numpy()
        # The members of each multi-record group, best source first: kept, most complete, first.
        part = table[[name for name in COMPLETENESS_FIELDS if name in table]].take(multi)
        order = np.lexsort((multi, -completeness(part), ~kept[multi], groups[multi]))
        del part
        ranked_rows = multi[order]
        ranked_groups = groups[ranked_rows]
    merged["records"] = records_text
    for name in MERGED_FIELDS:
        source_rows = keep_rows.copy()
        if multi.size:
            filled = (table[name].take(ranked_rows).astype(str).str.strip() != "").to_numpy()
            with_value, first = np.unique(ranked_groups[filled], return_index=True)
            source_rows[with_value] = ranked_rows[np.flatnonzero(filled)[first]]
        values = table[name].take(source_rows).reset_index(drop=True)
        merged[name] = values
        origin = ids.take(source_rows).reset_index(drop=True)
        merged[f"{name}_from"] = origin.where(values.astype(str).str.strip() != "", "")
    return merged


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
            _ris_chunk(merged.iloc[start : start + _CHUNK])
            for start in range(0, len(merged), _CHUNK)
        ),
    )


def _ris_chunk(merged: pd.DataFrame) -> str:
    columns = {name: merged[name].astype(str).tolist() for name in merged.columns}
    lines: list[str] = []
    add = lines.append
    for k in range(len(merged)):
        add(f"TY  - {ris_type(columns['type'][k])}")
        add(f"ID  - {_one_line(columns['record_id'][k])}")
        if columns["title"][k]:
            add(f"TI  - {_one_line(columns['title'][k])}")
        for author in columns["authors"][k].split("\n"):
            if author.strip():
                add(f"AU  - {_one_line(author)}")
        for name, tag in _RIS_SIMPLE:
            value = columns[name][k]
            if value:
                add(f"{tag}  - {_one_line(value)}")
        pmid = _one_line(columns["pmid"][k])
        if pmid:
            add(f"AN  - {pmid}")
            add(f"U2  - PMID: {pmid}")
        if columns["pages"][k]:
            start, _, end = columns["pages"][k].partition("-")
            add(f"SP  - {_one_line(start)}")
            if end.strip():
                add(f"EP  - {_one_line(end)}")
        for value in (columns["issn"][k], columns["isbn"][k]):
            for number in value.split("\n"):
                if number.strip():
                    add(f"SN  - {number.strip()}")
        if columns["url"][k]:
            add(f"UR  - {_one_line(columns['url'][k])}")
        for keyword in columns["keywords"][k].split("\n"):
            if keyword.strip():
                add(f"KW  - {_one_line(keyword)}")
        note = f"searchtrail duplicate group {columns['duplicate_group'][k]}"
        if columns["size"][k] != "1":
            note += f": merged from {columns['records'][k]}"
        add(f"N1  - {_one_line(note)}")
        if pmid:
            add(f"N1  - PMID: {pmid}")
        add("ER  - ")
        add("")
    return "\n".join(lines) + ("\n" if lines else "")


def _one_line(text: str) -> str:
    return " ".join(text.split())


def audit_pairs(result: DedupResult) -> pd.DataFrame:
    """The compared pairs worth reading: every decision other than "not duplicate", and the
    pairs left apart whose titles are alike (an auditor's first question)."""
    pairs = result.pairs
    keep = (pairs["decision"] != "not duplicate") | (pairs["title"].fillna(0) >= 85)
    return pairs.loc[keep].drop(columns=["a", "b"]).reset_index(drop=True)
