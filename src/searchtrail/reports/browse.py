"""The records behind every number, packed into the report page.

:func:`page_data` joins what the earlier stages wrote into one table of publications, one of
records and one of compared pairs, and the lists the counts were made from
(``members.json``), with every list naming publications by their row. :func:`embedded`
compresses it (gzip, base64) for a ``<script>`` element of the page; the browser unpacks it
with its own ``DecompressionStream`` the first time a reader opens a number, so the page
shows its diagram and tables at once however large the review.

Nothing is counted here: a list's number is the number the counts stage made from the same
list, and the page shows both (they are checked to agree when ``members.json`` is read).

The packed form is columns of equal length (one array per field), which compresses far
better than one object per row. Lists give publications as ascending row numbers, written
as differences from the previous one.
"""

from __future__ import annotations

import base64
import gzip
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import pandas as pd

from searchtrail.counts.members import Listed, Members
from searchtrail.dedup.verdicts import OpenQuestion

FORMAT: Final = 1

RECORD_FIELDS: Final = ("title", "authors", "year", "journal", "volume", "pages", "doi", "pmid")
"""The fields of each record shown in its trail."""
PUBLICATION_FIELDS: Final = ("title", "authors", "year", "journal", "doi", "pmid")
"""The fields of each publication (its merged record) shown in lists."""
_NOUNS: Final = {
    "doi": ("DOI", "DOIs"),
    "ids": ("identifier", "identifiers"),
    "volume": ("volume", "volumes"),
    "issue": ("issue", "issues"),
    "page": ("first page", "first pages"),
}


def _similarity(name: str, value: float) -> str:
    return f"{name} missing on a side" if value < 0 else f"{name} {value:.0f}% alike"


def _agreement(name: str, value: float) -> str:
    one, many = _NOUNS.get(name, (name, name))
    if name == "ids":
        return {1: "a shared identifier", -1: "different identifiers of one kind"}.get(
            int(value), "no identifier to compare"
        )
    return {1: f"same {one}", -1: f"different {many}"}.get(int(value), f"{one}: not on both")


def _years(_: str, value: float) -> str:
    return "year missing" if value < 0 else f"years {int(value)} apart"


def _journal(_: str, value: float) -> str:
    return "journal " + {2: "same", 1: "compatible", 0: "different", -1: "missing"}.get(
        int(value), str(value)
    )


PAIR_SCORES: Final = {
    "title": _similarity,
    "authors": _similarity,
    "year_gap": _years,
    "doi": _agreement,
    "ids": _agreement,
    "journal": _journal,
    "volume": _agreement,
    "issue": _agreement,
    "page": _agreement,
}
"""The comparisons of two records shown in a trail (where the pairs table has them), in
words: similarities in percent, identifiers and numbers agree, differ or cannot tell (one
side lacks them); see the comparison's codes in :mod:`searchtrail.dedup.compare`."""


def _scores(pairs: pd.DataFrame) -> list[str]:
    names = [name for name in PAIR_SCORES if name in pairs.columns]
    columns = []
    for name in names:
        said: dict[float, str] = {}
        values = pairs[name].astype(float).tolist()
        columns.append(
            [
                "" if pd.isna(v) else said.get(v) or said.setdefault(v, PAIR_SCORES[name](name, v))
                for v in values
            ]
        )
    return (
        [", ".join(part for part in row if part) for row in zip(*columns, strict=True)]
        if (columns)
        else [""] * len(pairs)
    )


@dataclass(frozen=True)
class Trail:
    """What the earlier stages wrote about every record and publication."""

    members: Members
    records: pd.DataFrame
    """records.parquet: one row per record read."""
    groups: pd.DataFrame
    """groups.parquet: each record's duplicate group, whether it is the kept record, how it
    was merged."""
    pairs: pd.DataFrame
    """pairs.parquet: the compared pairs with a decision other than distinct."""
    unique: pd.DataFrame
    """unique.parquet: each publication's merged fields."""
    flow: Mapping[str, Any]
    """flow.json: each publication's place and decisions."""
    questions: tuple[OpenQuestion, ...] = ()
    """dedup.json: the duplicate questions still open in the verdicts file, with their lines."""
    asked: pd.DataFrame | None = None
    """records.parquet: the records the open questions name, with every field the questions
    page shows (see :mod:`searchtrail.reports.questions`)."""


def list_keys(members: Members) -> dict[str, Listed]:
    """Every list by the key the page gives it.

    ``r<round>.box.<box>``, ``r<round>.line.<box>.<source>``, ``r<round>.part.<label>``,
    ``r<round>.wait.<box>`` for a round's diagram; ``src.<source>.<column>``,
    ``sea.<search>.<column>`` and ``tot.<column>`` for the stage tables. Box, column and
    label names hold no dot, so a key reads back unambiguously from both ends."""
    keys: dict[str, Listed] = {}
    for number, lists in sorted(members.rounds.items()):
        for box, listed in lists.boxes.items():
            keys[f"r{number}.box.{box}"] = listed
        for box, lines in lists.lines.items():
            for source, listed in lines.items():
                keys[f"r{number}.line.{box}.{source}"] = listed
        for label, listed in lists.parts.items():
            keys[f"r{number}.part.{label}"] = listed
        for box, listed in lists.awaiting.items():
            keys[f"r{number}.wait.{box}"] = listed
    for name, row in members.sources.items():
        for column, listed in row.items():
            keys[f"src.{name}.{column}"] = listed
    for name, row in members.searches.items():
        for column, listed in row.items():
            keys[f"sea.{name}.{column}"] = listed
    for column, listed in members.total.items():
        keys[f"tot.{column}"] = listed
    return keys


def _text(values: pd.Series) -> list[str]:
    present = values.astype(object).where(values.notna(), "")
    return [str(value) for value in present.tolist()]


def _unless_same(
    values: Sequence[str], publication: Sequence[int], merged: Sequence[str] | None
) -> list[str | None]:
    """A record field, ``None`` where it is the same as its publication's (most records
    are the kept record of their publication, and the page fills these in)."""
    if merged is None:
        return list(values)
    return [
        None if row >= 0 and value == merged[row] else value
        for value, row in zip(values, publication, strict=True)
    ]


def _packed(rows: Sequence[int]) -> list[int]:
    previous = 0
    packed = []
    for row in rows:
        packed.append(row - previous)
        previous = row
    return packed


def page_data(trail: Trail, labels: Mapping[str, str]) -> dict[str, Any]:
    """The page's data: publications, records, pairs and every list, as plain JSON data.
    ``labels`` names each list key the page shows (the diagram box or table cell)."""
    publications = list(trail.flow["publications"])
    row_of = {p["group"]: i for i, p in enumerate(publications)}
    unique = trail.unique.set_index("duplicate_group")
    merged = {
        field: _text(unique[field].reindex([p["group"] for p in publications]))
        for field in PUBLICATION_FIELDS
    }

    records = trail.records.merge(
        trail.groups[["record_id", "duplicate_group", "kept", "merge_kind"]],
        on="record_id",
        how="left",
        validate="one_to_one",
    )
    files = sorted(set(_text(records["file"])))
    file_row = {name: i for i, name in enumerate(files)}
    record_row = {rid: i for i, rid in enumerate(_text(records["record_id"]))}
    by_publication: list[list[int]] = [[] for _ in publications]
    record_publication = []
    for i, group in enumerate(_text(records["duplicate_group"])):
        row = row_of.get(group, -1)
        record_publication.append(row)
        if row >= 0:
            by_publication[row].append(i)

    pairs = trail.pairs
    pair_data = {
        "a": [record_row.get(r, -1) for r in _text(pairs["record_a"])],
        "b": [record_row.get(r, -1) for r in _text(pairs["record_b"])],
        "decision": _text(pairs["decision"]),
        "reason": _text(pairs["reason"]),
        "by": _text(pairs["decided_by"]),
        "scores": _scores(pairs),
    }

    lists = {}
    for key, listed in list_keys(trail.members).items():
        rows = [row_of[g] for g in listed.publications]
        order = sorted(range(len(rows)), key=rows.__getitem__)
        entry: dict[str, Any] = {
            "label": labels.get(key, key),
            "unit": listed.unit,
            "n": listed.n,
            "p": _packed([rows[i] for i in order]),
        }
        if listed.records:
            entry["r"] = [listed.records[i] for i in order]
        if listed.studies:
            entry["s"] = [listed.studies[i] for i in order]
        if listed.outside:
            entry["o"] = [list(part) for part in listed.outside]
        if listed.within:
            entry["w"] = _packed(sorted(row_of[g] for g in listed.within))
        lists[key] = entry

    return {
        "format": FORMAT,
        "files": files,
        "pubs": {
            "group": [p["group"] for p in publications],
            "kept": [p["record_id"] for p in publications],
            "column": [p["column"] for p in publications],
            "round": [p["round"] for p in publications],
            "sources": [p["sources"] for p in publications],
            "status": [p["status"] for p in publications],
            "removed": [p["removed"] for p in publications],
            "screening": [p["screening"] for p in publications],
            "retrieval": [p["retrieval"] for p in publications],
            "eligibility": [p["eligibility"] for p in publications],
            "reason": [p["reason"] for p in publications],
            "study": [p["study"] for p in publications],
            "decided": [p["decided_in"] for p in publications],
            "records": by_publication,
            **merged,
        },
        "recs": {
            "id": _text(records["record_id"]),
            "origin": _text(records["origin_id"]),
            "file": [file_row[f] for f in _text(records["file"])],
            "line": [int(n) for n in records["line"]],
            "pub": record_publication,
            "kept": [bool(k) for k in records["kept"].fillna(False)],
            "merge": _text(records["merge_kind"]),
            **{
                field: _unless_same(_text(records[field]), record_publication, merged.get(field))
                for field in RECORD_FIELDS
            },
        },
        "pairs": pair_data,
        "lists": lists,
    }


def embedded(data: Mapping[str, Any]) -> str:
    """The data as base64 text of gzip-compressed JSON, the same bytes for the same data
    (its keys in the order they were made: the lists in the diagram's order)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    packed = gzip.compress(text.encode("utf-8"), compresslevel=6, mtime=0)
    return base64.b64encode(packed).decode("ascii")


__all__ = ["Trail", "embedded", "list_keys", "page_data"]


STAGE_LABELS: Final = {
    "exported": "records in its exports",
    "publications": "publications it found",
    "only_here": "publications no other source found",
    "screened": "publications screened on title and abstract",
    "sought": "reports sought for retrieval",
    "assessed": "reports assessed for eligibility",
    "included": "included reports",
    "included_studies": "studies of its included reports",
}


def list_labels(
    members: Members,
    boxes: Mapping[str, str],
    *,
    rounds: int,
    drawn: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """What each list is, in words: the diagram box or the table cell it stands behind.
    ``drawn`` gives a box's words as the diagram draws them, by list key
    (``r<round>.box.<box>``); ``boxes`` the template's description of each box, for a box
    the diagram does not draw."""
    drawn = drawn or {}
    labels: dict[str, str] = {}
    for key in list_keys(members):
        if key.startswith("tot."):
            column = key.removeprefix("tot.")
            labels[key] = f"All sources: {STAGE_LABELS.get(column, column)}"
            continue
        head, kind, rest = key.split(".", 2)
        if head.startswith("r"):
            where = f"Round {head[1:]}: " if rounds > 1 else ""

            def box_name(box: str, at: str = head) -> str:
                return drawn.get(f"{at}.box.{box}") or boxes.get(box, box)

            if kind == "box":
                labels[key] = where + box_name(rest)
            elif kind == "line":
                box, source = rest.split(".", 1)
                labels[key] = f"{where}{box_name(box)}: {source}"
            elif kind == "part":
                labels[key] = f"{where}{box_name('other_sought_reports')}: {rest}"
            else:
                labels[key] = f"{where}{box_name(rest)}: awaiting a decision"
            continue
        name, column = f"{kind}.{rest}".rsplit(".", 1)
        labels[key] = f"{name}: {STAGE_LABELS.get(column, column)}"
    return labels
