"""The numbers of the flow after deduplication: screening, retrieval, eligibility, inclusion.

Made from :class:`~searchtrail.screening.Flow` (where every duplicate group stands) by
:func:`~searchtrail.counts.compute_counts`, and stored with the other counts in
``counts.json``. The PRISMA 2020 boxes are counted for the latest search round (the whole
review when there is one round); earlier rounds make the "previous studies" column.

Every box's arithmetic is checked, and a mismatch stops the run naming the box and its
numbers:

- identified − duplicates − removed by automation − removed for other reasons = screened;
- screened − excluded − awaiting screening = sought for retrieval;
- sought − not retrieved − awaiting retrieval = assessed for eligibility;
- assessed − excluded (the sum of the reasons) − awaiting a decision = included;
- previous + new = total, for studies and for reports.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Final

from searchtrail.count import (
    NEEDS_ELIGIBILITY,
    NEEDS_RETRIEVAL,
    NEEDS_SCREENING,
    NEEDS_STUDIES,
    Count,
)
from searchtrail.errors import CountMismatchError
from searchtrail.record_counts import DedupCounts
from searchtrail.screening import (
    ASSESSED,
    AWAITING_ELIGIBILITY,
    AWAITING_RETRIEVAL,
    AWAITING_SCREENING,
    DATABASES,
    EXCLUDED_ELIGIBILITY,
    EXCLUDED_SCREENING,
    INCLUDED,
    NOT_RETRIEVED,
    OTHER,
    OUTSIDE,
    REMOVED_AUTOMATION,
    REMOVED_OTHER,
    SOUGHT,
    Flow,
    GroupStatus,
)
from searchtrail.searchlog import DATABASE_KINDS, Review, Search


@dataclass(frozen=True)
class StageRow:
    """One source (or search) through every stage."""

    name: str
    kind: str
    searches: tuple[str, ...]
    exported: int | None
    """Records in its export files (None: no export)."""
    after_dedup: int | None
    """Publications (duplicate groups) it found."""
    unique: int | None
    """Publications it found and no other source did."""
    screened: Count
    sought: Count
    assessed: Count
    included: Count
    """Included reports it found."""
    included_studies: Count
    share: float | None
    """Its share of all included reports."""


@dataclass(frozen=True)
class RoundRow:
    """A search of a later round: its records new to the review and those seen before."""

    search: str
    source: str
    round: int
    records: int
    new: int
    seen_before: int
    no_longer_found: int | None
    """Records its source found in earlier rounds that this search no longer finds (None
    when the source was not searched before)."""


@dataclass(frozen=True)
class RoundCounts:
    """The PRISMA boxes of one search round that come from records and decisions."""

    round: int
    boxes: dict[str, Count]
    reasons: dict[str, tuple[tuple[str, int], ...]]
    """Full-text exclusion reasons with their counts, per excluded box."""
    awaiting: dict[str, Count]
    """Per box, the records or reports in it still waiting for the next decision."""
    other_column: bool
    """Whether the round has an other-methods column (other searches, or references from
    outside the searches that were assessed)."""


@dataclass(frozen=True)
class FlowCounts:
    """Every source and search through every stage, and what each later round found."""

    sources: tuple[StageRow, ...]
    searches: tuple[StageRow, ...]
    rounds: tuple[RoundRow, ...] = field(default_factory=tuple)


@dataclass
class _Round:
    """The boxes of one round as they are counted, and what does not add up."""

    groups: list[GroupStatus]
    flow: Flow
    order: Sequence[str]
    boxes: dict[str, Count] = field(default_factory=dict)
    awaiting: dict[str, Count] = field(default_factory=dict)
    reasons: dict[str, tuple[tuple[str, int], ...]] = field(default_factory=dict)
    mismatches: list[str] = field(default_factory=list)

    def pending(self, reason: str, *boxes: str) -> None:
        for box in boxes:
            self.boxes[box] = Count.waiting(reason)

    def databases(self, review: Review, records: DedupCounts, searches: list[Search]) -> None:
        """Duplicates to reports excluded, for the round's database and register searches
        (when every one of them has the export of all its records)."""
        without = [s for s in searches if s.export is None or s.export.holds != "identified"]
        if without:
            self.pending(
                f"needs the export of all identified records of every database and register "
                f"search ({len(without)} of {len(searches)} have none)",
                "duplicates", "excluded_other", "records_screened",
            )  # fmt: skip
            return
        ids = {s.id for s in searches}
        mine = [g for g in self.groups if g.column == DATABASES]
        read = sum(o.read for o in records.origins if o.origin_id in ids)
        skipped = sum(o.skipped for o in records.origins if o.origin_id in ids)
        statuses = Counter(g.status for g in mine)
        automation, other = statuses[REMOVED_AUTOMATION], statuses[REMOVED_OTHER] + skipped
        duplicates = read - len(mine)
        screened = len(mine) - statuses[REMOVED_AUTOMATION] - statuses[REMOVED_OTHER]
        self.boxes["duplicates"] = Count(duplicates)
        self.boxes["excluded_automatic"] = Count(automation)
        self.boxes["excluded_other"] = Count(other)
        self.boxes["records_screened"] = Count(screened)
        identified = Count.of(s.identified for s in searches)
        removed = duplicates + automation + other
        if identified.is_exact and identified.value != removed + screened:
            differ = [
                f"{o.origin_id}: log {review.search(o.origin_id).identified}, export {o.in_file}"
                for o in records.origins
                if o.origin_id in ids and review.search(o.origin_id).identified != o.in_file
            ]
            self.mismatches.append(
                f"PRISMA box 'Records screened': identified {identified.value} − removed before "
                f"screening {removed} (duplicates {duplicates}, automation {automation}, other "
                f"{other}) = {(identified.value or 0) - removed}, but {screened} records were "
                f"screened; the exports and the log differ ({'; '.join(differ)}): correct the "
                "count in searches/log.yaml or export every record the search found"
            )
        waiting = statuses[AWAITING_SCREENING]
        if not self.flow.decisions.present("title_abstract") and waiting:
            self.pending(
                NEEDS_SCREENING, "records_excluded", "dbr_sought_reports",
                "dbr_notretrieved_reports", "dbr_assessed", "dbr_excluded",
            )  # fmt: skip
            return
        sought = sum(statuses[status] for status in SOUGHT)
        self.boxes["records_excluded"] = Count(statuses[EXCLUDED_SCREENING])
        self.boxes["dbr_sought_reports"] = Count(sought)
        if waiting:
            self.awaiting["records_screened"] = Count(waiting)
        self.retrieval("dbr", mine, Count(sought))

    def other_methods(self, searches: list[Search]) -> None:
        """Reports sought to reports excluded, for the round's other searches and for the
        references from outside the searches that were assessed."""
        mine = [g for g in self.groups if g.column in (OTHER, OUTSIDE) and g.sought]
        outside = [g for g in mine if g.column == OUTSIDE]
        if not (searches or outside):
            # No other methods in this round: nothing was sought through them.
            for box in OTHER_BOXES:
                self.boxes[box] = Count(0)
            return
        if searches and all(
            s.export and s.export.holds in ("identified", "for_assessment") for s in searches
        ):
            sought = Count(len(mine))
        else:
            sought = Count.of(s.for_assessment for s in searches) + Count(len(outside))
        self.boxes["other_sought_reports"] = sought
        present = self.flow.decisions.present
        if all(g.status == AWAITING_RETRIEVAL for g in mine) and not (
            present("retrieval") or present("full_text")
        ):
            self.pending(NEEDS_RETRIEVAL, *OTHER_BOXES[1:])
            return
        self.retrieval("other", mine, sought)

    def retrieval(self, prefix: str, groups: Sequence[GroupStatus], sought: Count) -> None:
        statuses = Counter(g.status for g in groups)
        not_retrieved = statuses[NOT_RETRIEVED]
        assessed = sum(statuses[status] for status in ASSESSED)
        decided = statuses[EXCLUDED_ELIGIBILITY] + statuses[INCLUDED]
        undecided = statuses[AWAITING_ELIGIBILITY]
        if not_retrieved + assessed == 0 and (sought.value or sought.unstated):
            # Nobody has reached retrieval or eligibility yet: those stages are pending.
            self.pending(NEEDS_RETRIEVAL, f"{prefix}_notretrieved_reports", f"{prefix}_assessed")
            self.pending(NEEDS_ELIGIBILITY, f"{prefix}_excluded")
            return
        self.boxes[f"{prefix}_notretrieved_reports"] = Count(not_retrieved)
        self.boxes[f"{prefix}_assessed"] = Count(assessed)
        self.boxes[f"{prefix}_excluded"] = Count(statuses[EXCLUDED_ELIGIBILITY])
        self.reasons[f"{prefix}_excluded"] = _reasons(groups, self.order)
        if decided == 0 and undecided:
            self.pending(NEEDS_ELIGIBILITY, f"{prefix}_excluded")
        if undecided:
            self.awaiting[f"{prefix}_assessed"] = Count(undecided)
        if sought.value is None:
            return
        waiting = sought.value - not_retrieved - assessed
        if waiting < 0 and not sought.unstated:
            label = "databases and registers" if prefix == "dbr" else "other methods"
            self.mismatches.append(
                f"PRISMA box 'Reports sought for retrieval' ({label}): {sought.value} sought, "
                f"but {not_retrieved} not retrieved + {assessed} assessed = "
                f"{not_retrieved + assessed} reports have retrieval or eligibility decisions"
            )
        elif waiting or sought.unstated:
            self.awaiting[f"{prefix}_sought_reports"] = Count(max(waiting, 0), sought.unstated)

    def included(self, earlier: Sequence[GroupStatus], previous_round: bool) -> None:
        """New, previous and total studies and reports (pending without full-text
        decisions, or studies without screening/studies.csv)."""
        if not self.flow.decisions.present("full_text"):
            if previous_round:
                self.mismatches.append(
                    "PRISMA boxes 'Previous studies': an updated review needs the full-text "
                    "decisions of its earlier rounds (screening/full_text.csv)"
                )
            return
        now = [g for g in self.groups if g.status == INCLUDED]
        before = [g for g in earlier if g.status == INCLUDED]
        self.boxes["new_reports"] = Count(len(now))
        self.boxes["previous_reports"] = Count(len(before))
        self.boxes["total_reports"] = Count(len(now) + len(before))
        if self.flow.studies_mapped:
            studies_before = {g.study for g in before}
            studies_now = {g.study for g in now} - studies_before
            self.boxes["previous_studies"] = Count(len(studies_before))
            self.boxes["new_studies"] = Count(len(studies_now))
            self.boxes["total_studies"] = Count(len(studies_before | studies_now))
        elif now or before:
            self.pending(NEEDS_STUDIES, "previous_studies", "new_studies", "total_studies")
        else:
            for box in ("previous_studies", "new_studies", "total_studies"):
                self.boxes[box] = Count(0)


OTHER_BOXES: Final = (
    "other_sought_reports",
    "other_notretrieved_reports",
    "other_assessed",
    "other_excluded",
)


def round_counts(
    review: Review, flow: Flow, records: DedupCounts, round_number: int
) -> RoundCounts:
    """Count the boxes of search round ``round_number`` from ``flow``; raise
    :class:`CountMismatchError` where the log and the decisions do not add up.

    Publications first found in a later round are left out; those of earlier rounds are
    the "previous" ones.
    """
    searches = [s for s in review.searches if s.round == round_number]
    counting = _Round(
        [g for g in flow.groups if g.round == round_number], flow, review.exclusion_reasons
    )
    databases = [s for s in searches if s.kind in DATABASE_KINDS]
    if databases:
        counting.databases(review, records, databases)
    others = [s for s in searches if s.kind not in DATABASE_KINDS]
    counting.other_methods(others)
    counting.included(
        [g for g in flow.groups if g.round < round_number], previous_round=round_number > 1
    )
    if counting.mismatches:
        raise CountMismatchError(counting.mismatches)
    return RoundCounts(
        round=round_number,
        boxes=counting.boxes,
        reasons=counting.reasons,
        awaiting=counting.awaiting,
        other_column=bool(others) or any(g.column == OUTSIDE and g.sought for g in counting.groups),
    )


def flow_tables(review: Review, flow: Flow, records: DedupCounts) -> FlowCounts:
    """Every source and search through every stage, and the later rounds' searches."""
    return FlowCounts(
        sources=_stage_rows(review, flow, records, by="source"),
        searches=_stage_rows(review, flow, records, by="search"),
        rounds=_round_rows(review, flow, records) if len(review.rounds) > 1 else (),
    )


def _reasons(groups: Iterable[GroupStatus], order: Sequence[str]) -> tuple[tuple[str, int], ...]:
    counted = Counter(g.reason for g in groups if g.status == EXCLUDED_ELIGIBILITY)
    ranked = sorted(counted, key=lambda r: (order.index(r) if r in order else len(order), r))
    return tuple((reason, counted[reason]) for reason in ranked)


def _stage_rows(
    review: Review, flow: Flow, records: DedupCounts, *, by: str
) -> tuple[StageRow, ...]:
    """Every source (or search) with exported records, through every stage."""
    keys: dict[str, list[str]] = {}
    kinds: dict[str, str] = {}
    names = review.origin_sources()
    for origin, kind in [(s.id, s.kind) for s in review.searches] + [
        (r.id, "record file") for r in review.record_files
    ]:
        key = names[origin] if by == "source" else origin
        keys.setdefault(key, []).append(origin)
        kinds.setdefault(key, kind)
    included_total = sum(1 for g in flow.groups if g.status == INCLUDED)
    screening_started = flow.decisions.present("title_abstract")
    searched = {s.id for s in review.searches}
    by_origin: dict[str, list[GroupStatus]] = {}
    for group in flow.groups:
        for origin in group.origins:
            by_origin.setdefault(origin, []).append(group)
    rows = []
    for key, ids in keys.items():
        wanted = set(ids)
        origins = [o for o in records.origins if o.origin_id in wanted]
        if not origins:
            continue
        found = {g.group: g for origin in ids for g in by_origin.get(origin, ())}
        mine = [found[name] for name in sorted(found)]
        alone = [g for g in mine if searched.intersection(g.origins) <= wanted]
        databases = kinds[key] in DATABASE_KINDS
        if databases and not screening_started:
            screened = Count(None, 0, NEEDS_SCREENING)
            sought = assessed = included = studies = screened
        else:
            screened = (
                Count(sum(1 for g in mine if g.status in SOUGHT or g.status == EXCLUDED_SCREENING))
                if databases
                else Count(None)
            )
            sought = Count(sum(1 for g in mine if g.status in SOUGHT))
            assessed = Count(sum(1 for g in mine if g.status in ASSESSED))
            hits = [g for g in mine if g.status == INCLUDED]
            included = Count(len(hits))
            studies = (
                Count(len({g.study for g in hits}))
                if flow.studies_mapped
                else Count(None, 0, NEEDS_STUDIES)
            )
        share = (
            included.value / included_total
            if included.value is not None and included_total
            else None
        )
        rows.append(
            StageRow(
                name=key,
                kind=kinds[key],
                searches=tuple(ids),
                exported=sum(o.in_file for o in origins),
                after_dedup=len(mine),
                unique=len(alone),
                screened=screened,
                sought=sought,
                assessed=assessed,
                included=included,
                included_studies=studies,
                share=share,
            )
        )
    return tuple(rows)


def _round_rows(review: Review, flow: Flow, records: DedupCounts) -> tuple[RoundRow, ...]:
    """Per search of a later round: records new to the review and records seen before."""
    round_of = {s.id: s.round for s in review.searches}
    rows = []
    for search in review.searches:
        if search.round == 1 or records.origin(search.id) is None:
            continue
        mine = [g for g in flow.groups if search.id in g.origins]
        seen = [
            g for g in mine if any(round_of.get(o, search.round) < search.round for o in g.origins)
        ]
        same_source_before = [
            s.id for s in review.searches if s.source == search.source and s.round < search.round
        ]
        gone: int | None = None
        if same_source_before and all(records.origin(i) for i in same_source_before):
            earlier = [g for g in flow.groups if set(same_source_before) & set(g.origins)]
            gone = sum(1 for g in earlier if search.id not in g.origins)
        origin = records.origin(search.id)
        rows.append(
            RoundRow(
                search=search.id,
                source=search.source,
                round=search.round,
                records=origin.read if origin else 0,
                new=len(mine) - len(seen),
                seen_before=len(seen),
                no_longer_found=gone,
            )
        )
    return tuple(rows)


# --- counts.json ------------------------------------------------------------------------------


def _row_to_json(row: StageRow) -> dict[str, Any]:
    return {
        "name": row.name,
        "kind": row.kind,
        "searches": list(row.searches),
        "exported": row.exported,
        "after_dedup": row.after_dedup,
        "unique": row.unique,
        "screened": row.screened.to_json(),
        "sought": row.sought.to_json(),
        "assessed": row.assessed.to_json(),
        "included": row.included.to_json(),
        "included_studies": row.included_studies.to_json(),
        "share": row.share,
    }


def _row_from_json(data: dict[str, Any]) -> StageRow:
    return StageRow(
        name=data["name"],
        kind=data["kind"],
        searches=tuple(data["searches"]),
        exported=data["exported"],
        after_dedup=data["after_dedup"],
        unique=data["unique"],
        screened=Count.from_json(data["screened"]),
        sought=Count.from_json(data["sought"]),
        assessed=Count.from_json(data["assessed"]),
        included=Count.from_json(data["included"]),
        included_studies=Count.from_json(data["included_studies"]),
        share=data["share"],
    )


def flow_to_json(flow: FlowCounts) -> dict[str, Any]:
    """Plain data for ``counts.json``."""
    return {
        "sources": [_row_to_json(row) for row in flow.sources],
        "searches": [_row_to_json(row) for row in flow.searches],
        "rounds": [asdict(row) for row in flow.rounds],
    }


def flow_from_json(data: dict[str, Any]) -> FlowCounts:
    """Inverse of :func:`flow_to_json`."""
    return FlowCounts(
        sources=tuple(_row_from_json(row) for row in data["sources"]),
        searches=tuple(_row_from_json(row) for row in data["searches"]),
        rounds=tuple(RoundRow(**row) for row in data["rounds"]),
    )
