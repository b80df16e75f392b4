"""What deduplication writes: groups, merged unique records, and the pair audit.

A unique record is its group's kept record with gaps filled from the other members: each
standard field is taken from the kept record when it has one, otherwise from the most
complete other member that has one. Every field says which record it came from
(``<field>_from``), so a merged value can always be traced to an export.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd

from searchtrail.dedup.engine import DedupResult, completeness
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

    Rows follow the order of each group's first record.
    """
    table = records.reset_index(drop=True)
    groups = np.asarray(result.group)
    kept = np.asarray(result.kept)
    sizes = np.bincount(groups)
    keep_rows = np.flatnonzero(kept)
    keep_rows = keep_rows[np.argsort(groups[keep_rows], kind="stable")]
    ids = table["record_id"].to_numpy()
    merged = pd.DataFrame(
        {
            "duplicate_group": np.asarray(result.group_ids, dtype=object)[keep_rows],
            "record_id": ids[keep_rows],
            "size": sizes[groups[keep_rows]],
        }
    )
    members_by_group = pd.Series(ids).groupby(groups).agg(lambda m: "; ".join(sorted(m, key=str)))
    merged["records"] = np.where(
        merged["size"] > 1, members_by_group.to_numpy(), merged["record_id"]
    )
    for name in MERGED_FIELDS:
        merged[name] = table[name].to_numpy()[keep_rows]
        merged[f"{name}_from"] = np.where(merged[name].astype(str) != "", merged["record_id"], "")

    multi = np.flatnonzero(sizes[groups] > 1)
    if multi.size:
        part = table.iloc[multi].copy()
        part["_group"] = groups[multi]
        part["_kept"] = kept[multi]
        part["_score"] = completeness(part)
        part["_order"] = multi
        part = part.sort_values(
            ["_group", "_kept", "_score", "_order"], ascending=[True, False, False, True]
        )
        row_of_group = pd.Series(np.arange(len(merged)), index=groups[keep_rows])
        for name in MERGED_FIELDS:
            present = part.loc[
                part[name].astype(str).str.strip() != "", ["_group", name, "record_id"]
            ]
            first = present.drop_duplicates("_group")
            rows = row_of_group.loc[first["_group"].to_numpy()].to_numpy()
            column = merged[name].to_numpy(dtype=object)
            source = merged[f"{name}_from"].to_numpy(dtype=object)
            column[rows] = first[name].to_numpy()
            source[rows] = first["record_id"].to_numpy()
            merged[name], merged[f"{name}_from"] = column, source
    order = np.argsort(
        pd.Series(np.arange(len(table))).groupby(groups).min().to_numpy()[groups[keep_rows]],
        kind="stable",
    )
    return merged.iloc[order].reset_index(drop=True)


def unique_csv(merged: pd.DataFrame) -> str:
    """The unique records as CSV; authors and keywords are separated by '; '."""
    columns = ["duplicate_group", "record_id", "records", "size"]
    for name in MERGED_FIELDS:
        columns.extend([name, f"{name}_from"])
    out = merged[columns].copy()
    for name in ("authors", "keywords", "issn", "isbn"):
        out[name] = out[name].astype(str).str.replace("\n", "; ", regex=False)
    text: str = out.to_csv(index=False, lineterminator="\n")
    return text


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


def unique_ris(merged: pd.DataFrame) -> str:
    """The unique records as RIS, each with a note naming its group and merged records.

    Tags follow rispy's mapping (TI title, AU authors, T2 journal, SP/EP pages, SN
    ISSN/ISBN, UR, KW, N1 note); multi-line values are written on one line.
    """
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
                add(f"AU  - {author.strip()}")
        for name, tag in _RIS_SIMPLE:
            value = columns[name][k]
            if value:
                add(f"{tag}  - {_one_line(value)}")
        if columns["pages"][k]:
            start, _, end = columns["pages"][k].partition("-")
            add(f"SP  - {start.strip()}")
            if end.strip():
                add(f"EP  - {end.strip()}")
        for value in (columns["issn"][k], columns["isbn"][k]):
            for number in value.split("\n"):
                if number.strip():
                    add(f"SN  - {number.strip()}")
        if columns["url"][k]:
            add(f"UR  - {_one_line(columns['url'][k])}")
        for keyword in columns["keywords"][k].split("\n"):
            if keyword.strip():
                add(f"KW  - {keyword.strip()}")
        note = f"searchtrail duplicate group {columns['duplicate_group'][k]}"
        if columns["size"][k] != "1":
            note += f": merged from {columns['records'][k]}"
        add(f"N1  - {note}")
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
