"""Counts of exported records and of their deduplication, per search, per source, in total.

Made from the import summary (what each file held and what was read) and the duplicate
groups (which record each group kept). Record conservation is checked for every search and
record file: records read = records kept + records merged away as duplicates, and records in
the files (by the format's own rule) = records read + records skipped as unreadable.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import pandas as pd

from searchtrail.imports import FileImport
from searchtrail.searchlog import Review


@dataclass(frozen=True)
class OriginRecords:
    """The records of one search's export (or of one record file)."""

    origin_id: str
    origin: str
    source: str
    holds: str
    files: int
    in_file: int
    read: int
    skipped: int
    kept: int
    removed: int
    within_source: int
    cross_source: int
    by_identifier: int
    by_fuzzy_rule: int
    by_person: int


@dataclass(frozen=True)
class SourceRecords:
    """Exported records of every search of one source, and their fate in deduplication."""

    source: str
    read: int
    skipped: int
    kept: int
    removed: int
    within_source: int
    cross_source: int
    groups: int
    """Unique publications this source found (duplicate groups holding one of its records)."""
    unique_contribution: int
    """Publications found by this source and no other."""


@dataclass(frozen=True)
class DedupCounts:
    """Deduplication in numbers."""

    records: int
    skipped: int
    unique: int
    removed: int
    within_source: int
    cross_source: int
    by_identifier: int
    by_fuzzy_rule: int
    by_person: int
    linked_pairs: int
    uncertain_pairs: int
    open_questions: int
    verdicts: int
    splits: int
    origins: tuple[OriginRecords, ...]
    sources: tuple[SourceRecords, ...]
    overlap: tuple[tuple[str, str, int], ...]
    """(source, other source, publications both found); the diagonal is each source's."""
    intersections: tuple[tuple[tuple[str, ...], int], ...]
    """Exactly which sources found a publication, and how many publications that is."""

    def origin(self, origin_id: str) -> OriginRecords | None:
        """The records of one search or record file, if it has an export."""
        return next((o for o in self.origins if o.origin_id == origin_id), None)

    def source(self, name: str) -> SourceRecords | None:
        """The records of one source, if any of its searches has an export."""
        return next((s for s in self.sources if s.source == name), None)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["overlap"] = [list(item) for item in self.overlap]
        data["intersections"] = [
            {"sources": list(s), "publications": n} for s, n in self.intersections
        ]
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> DedupCounts:
        values = dict(data)
        values["origins"] = tuple(OriginRecords(**o) for o in data["origins"])
        values["sources"] = tuple(SourceRecords(**s) for s in data["sources"])
        values["overlap"] = tuple((a, b, n) for a, b, n in data["overlap"])
        values["intersections"] = tuple(
            (tuple(item["sources"]), item["publications"]) for item in data["intersections"]
        )
        return cls(**values)


def count_records(
    review: Review,
    imports: Sequence[FileImport],
    groups: pd.DataFrame,
    *,
    decisions: Mapping[str, int],
    open_questions: int,
    verdicts: int,
    splits: int,
) -> DedupCounts:
    """Count records and duplicates. ``groups`` has record_id, origin_id, duplicate_group,
    kept and merge_kind for every record read."""
    source_of = {s.id: s.source for s in review.searches}
    names = review.origin_sources()
    holds = review.origin_holds()
    table = groups.copy()
    table["source"] = [names.get(o, f"record file {o}") for o in table["origin_id"]]
    kept_rows = table.loc[table["kept"]]
    kept_source = dict(zip(kept_rows["duplicate_group"], kept_rows["source"], strict=True))
    table["kept_source"] = table["duplicate_group"].map(kept_source)
    removed = table.loc[~table["kept"]]

    origins = []
    for origin_id in dict.fromkeys(i.origin_id for i in imports):
        files = [i for i in imports if i.origin_id == origin_id]
        mine = table.loc[table["origin_id"] == origin_id]
        gone = removed.loc[removed["origin_id"] == origin_id]
        kinds = Counter(gone["merge_kind"])
        origins.append(
            OriginRecords(
                origin_id=origin_id,
                origin=files[0].origin,
                source=names.get(origin_id, f"record file {origin_id}"),
                holds=holds.get(origin_id, ""),
                files=len(files),
                in_file=sum(i.in_file for i in files),
                read=sum(i.read for i in files),
                skipped=sum(len(i.skipped) for i in files),
                kept=int(mine["kept"].sum()),
                removed=len(gone),
                within_source=int((gone["source"] == gone["kept_source"]).sum()),
                cross_source=int((gone["source"] != gone["kept_source"]).sum()),
                by_identifier=kinds.get("identifier", 0),
                by_fuzzy_rule=kinds.get("fuzzy", 0),
                by_person=kinds.get("manual", 0),
            )
        )

    searched = table.loc[table["origin_id"].isin(source_of)]
    members: dict[str, set[str]] = {}
    for group, source in zip(searched["duplicate_group"], searched["source"], strict=True):
        members.setdefault(str(group), set()).add(str(source))
    set_counts = Counter(tuple(sorted(names)) for names in members.values())
    order = list(
        dict.fromkeys(s.source for s in review.searches if s.id in set(searched["origin_id"]))
    )
    sources = []
    for name in order:
        parts = [o for o in origins if o.source == name]
        sources.append(
            SourceRecords(
                source=name,
                read=sum(o.read for o in parts),
                skipped=sum(o.skipped for o in parts),
                kept=sum(o.kept for o in parts),
                removed=sum(o.removed for o in parts),
                within_source=sum(o.within_source for o in parts),
                cross_source=sum(o.cross_source for o in parts),
                groups=sum(n for s, n in set_counts.items() if name in s),
                unique_contribution=set_counts.get((name,), 0),
            )
        )
    overlap = tuple(
        (a, b, sum(n for s, n in set_counts.items() if a in s and b in s))
        for a in order
        for b in order
    )
    intersections = tuple(
        sorted(set_counts.items(), key=lambda item: (-item[1], len(item[0]), item[0]))
    )
    kinds = Counter(removed["merge_kind"])
    return DedupCounts(
        records=len(table),
        skipped=sum(o.skipped for o in origins),
        unique=int(table["kept"].sum()),
        removed=len(removed),
        within_source=sum(o.within_source for o in origins),
        cross_source=sum(o.cross_source for o in origins),
        by_identifier=kinds.get("identifier", 0),
        by_fuzzy_rule=kinds.get("fuzzy", 0),
        by_person=kinds.get("manual", 0),
        linked_pairs=int(decisions.get("linked version", 0)),
        uncertain_pairs=int(decisions.get("uncertain", 0)),
        open_questions=open_questions,
        verdicts=verdicts,
        splits=splits,
        origins=tuple(origins),
        sources=tuple(sources),
        overlap=overlap,
        intersections=intersections,
    )


def conservation_problems(counts: DedupCounts) -> list[str]:
    """Where records are not conserved: read = kept + merged away, in the file = read +
    skipped, groups = records kept, and totals = sums of the parts."""
    found = []
    for o in counts.origins:
        if o.read != o.kept + o.removed:
            found.append(
                f"{o.origin.replace('_', ' ')} '{o.origin_id}': {o.read} records read but "
                f"{o.kept} kept + {o.removed} merged away = {o.kept + o.removed}"
            )
        if o.in_file != o.read + o.skipped:
            found.append(
                f"{o.origin.replace('_', ' ')} '{o.origin_id}': the files hold {o.in_file} records "
                f"(by the format's counting rule) but {o.read} were read and {o.skipped} skipped"
            )
        if o.removed != o.within_source + o.cross_source or o.removed != (
            o.by_identifier + o.by_fuzzy_rule + o.by_person
        ):
            found.append(f"'{o.origin_id}': duplicates removed do not add up by kind")
    totals = [
        ("records", counts.records, sum(o.read for o in counts.origins)),
        ("records kept", counts.unique, sum(o.kept for o in counts.origins)),
        ("duplicates removed", counts.removed, sum(o.removed for o in counts.origins)),
        ("records skipped", counts.skipped, sum(o.skipped for o in counts.origins)),
        (
            "publications",
            sum(n for _, n in counts.intersections),
            sum(s.kept for s in _search_origins(counts)),
        ),
    ]
    for label, whole, parts in totals:
        if whole != parts:
            found.append(f"{label}: total {whole}, sum of searches and record files {parts}")
    return found


def _search_origins(counts: DedupCounts) -> Iterable[OriginRecords]:
    # Publications in the overlap table are groups holding a search's record; a group whose
    # kept record comes from a record file holds no search record only when all its
    # records come from record files.
    return (o for o in counts.origins if o.origin == "search")
