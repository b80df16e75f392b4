"""Every number of the review, each family made by one function from the flow model.

=========================  ================================================================
function                   numbers
=========================  ================================================================
:func:`search_counts`      per search: identified and for assessment (from the log, or from
                           the export when the log states none), its export's records
:func:`record_file_counts` per record file: its records
:func:`source_counts`      per source: the searches' counts summed
:func:`dedup_counts`       records, duplicates within and across sources, overlap
:func:`diagram`            one round's PRISMA 2020 diagram, box by box
:func:`stage_table`        each source and search through every stage, and the total
:func:`update_rows`        per search of a later round: new, seen before, no longer found
=========================  ================================================================

:func:`count_review` calls each once and checks the result with
:func:`~searchtrail.counts.verify.verify`. ``docs/counting.md`` gives every definition.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

from searchtrail.counts.flow import (
    NEEDS_STUDIES,
    Flow,
    Publication,
    has_own_records,
)
from searchtrail.counts.members import (
    Listed,
    Members,
    RoundMembers,
    check_members,
    record_weights,
)
from searchtrail.counts.model import (
    IDENTIFICATION_BOXES,
    Basis,
    DedupCounts,
    Diagram,
    ExportCounts,
    RecordFileCounts,
    ReviewCounts,
    RoundRow,
    RoundSummary,
    SearchCounts,
    SourceCounts,
    SourceRecords,
    StageRow,
    StageTable,
)
from searchtrail.counts.number import Count, total
from searchtrail.counts.verify import verify
from searchtrail.errors import CountMismatchError
from searchtrail.screening.placement import (
    AWAITING_ELIGIBILITY,
    AWAITING_RETRIEVAL,
    AWAITING_SCREENING,
    EXCLUDED_ELIGIBILITY,
    EXCLUDED_SCREENING,
    NOT_RETRIEVED,
    REMOVED_AUTOMATION,
    REMOVED_OTHER,
)
from searchtrail.searchlog import DATABASE_KINDS, DATABASES, OTHER, OUTSIDE, Review, Search

DATABASE_BOXES: Final = (
    "duplicates", "excluded_automatic", "excluded_other", "records_screened",
    "records_excluded", "dbr_sought_reports", "dbr_notretrieved_reports", "dbr_assessed",
    "dbr_excluded", "dbr_included",
)  # fmt: skip
OTHER_BOXES: Final = (
    "other_sought_reports", "other_notretrieved_reports", "other_assessed", "other_excluded",
    "other_included",
)  # fmt: skip
INCLUDED_BOXES: Final = (
    "previous_studies", "previous_reports", "new_studies", "new_reports", "total_studies",
    "total_reports",
)  # fmt: skip

NEW_REPORTS_OF_EARLIER: Final = "new_reports_of_earlier_studies"
"""The box (not in the template) of the new reports that belong to studies included in an
earlier round of an updated review."""
SOUGHT_FROM_EXPORTS: Final = "taken forward by searches with exported records"
SOUGHT_FROM_LOG: Final = "stated in the log by searches without exported records"
SOUGHT_FROM_OUTSIDE: Final = "found outside the searches"


@dataclass(frozen=True)
class Counted:
    """Every number of the review, and the publications behind each."""

    counts: ReviewCounts
    members: Members


def count_review(review: Review, flow: Flow, *, inputs: Mapping[str, str]) -> Counted:
    """Every number of the review with the lists it is counted from, checked; raise
    :class:`CountMismatchError` when the log, the records and the decisions do not add up."""
    mismatches: list[str] = []
    members = Members()
    searches = search_counts(review, flow)
    record_files = record_file_counts(review, flow)
    diagrams = [
        diagram(review, flow, searches, record_files, number, mismatches, members.round(number))
        for number in review.rounds or (1,)
    ]
    if mismatches:
        raise CountMismatchError(mismatches)
    *earlier, latest = diagrams
    counts = ReviewCounts(
        searches=searches,
        record_files=record_files,
        sources=source_counts(review, searches),
        identified=Count.of(s.identified for s in searches),
        for_assessment=_for_assessment(searches),
        identified_from_exports=sum(1 for s in searches if s.identified_from == "export"),
        diagram=latest,
        earlier=tuple(earlier),
        records=dedup_counts(review, flow),
        stages=stage_table(review, flow, members),
        rounds=round_summaries(review, flow, diagrams),
        updates=update_rows(review, flow),
        inputs=dict(sorted(inputs.items())),
    )
    verify(counts)
    broken = check_members(counts, members)
    if broken:
        raise CountMismatchError(broken)
    return Counted(counts, members)


# --- searches, record files, sources ----------------------------------------------------------


def _export(flow: Flow, origin_id: str, documented: int | None) -> ExportCounts:
    records = flow.records[origin_id]
    mine = flow.by_origin.get(origin_id, ())
    return ExportCounts(
        files=records.files,
        holds=records.origin.holds or "",
        in_file=records.in_file,
        read=records.read,
        skipped=records.skipped,
        publications=len(mine),
        duplicates_within=records.read - len(mine),
        found_only_here=sum(1 for p in mine if p.origins == {origin_id}),
        documented=documented,
        unreadable=records.unreadable,
    )


def search_counts(review: Review, flow: Flow) -> tuple[SearchCounts, ...]:
    """Per search: the numbers identified and taken forward, and its export's records.

    A count the log states is used as it is; a count it does not state is taken from the
    export when the export holds exactly those records (every record identified, or every
    record taken forward), and is otherwise unknown."""
    found = []
    for s in review.searches:
        records = flow.records.get(s.id)
        holds = s.export.holds if s.export else None
        identified: int | None = s.identified
        identified_from: Basis = "log"
        if identified is None:
            from_export = records is not None and holds == "identified"
            identified = records.in_file if records is not None and from_export else None
            identified_from = "export" if from_export else "unknown"
        for_assessment: int | None = s.for_assessment
        for_assessment_from: Basis = "log"
        if for_assessment is None:
            if records is not None and holds == "for_assessment":
                for_assessment, for_assessment_from = records.in_file, "export"
            elif not s.for_assessment_recorded:
                for_assessment_from = "not recorded"
            else:
                for_assessment_from = "unknown"
        documented = s.identified if holds == "identified" else s.for_assessment
        found.append(
            SearchCounts(
                id=s.id,
                source=s.source,
                kind=s.kind,
                round=s.round,
                identified=identified,
                identified_from=identified_from,
                for_assessment=for_assessment,
                for_assessment_from=for_assessment_from,
                export=_export(flow, s.id, documented) if records is not None else None,
            )
        )
    return tuple(found)


def record_file_counts(review: Review, flow: Flow) -> tuple[RecordFileCounts, ...]:
    """Per record file: its records."""
    return tuple(
        RecordFileCounts(
            id=o.id,
            name=o.name,
            round=o.round,
            holds=o.holds or "",
            complete=o.complete,
            searches=o.searches,
            records=_export(flow, o.id, None),
        )
        for o in review.origins()
        if not o.is_search and o.id in flow.records
    )


def _for_assessment(searches: Iterable[SearchCounts]) -> Count | None:
    """Records taken forward, over the searches that record the number (None if none do)."""
    recorded = [s.for_assessment for s in searches if s.for_assessment_recorded]
    return Count.of(recorded) if recorded else None


def source_counts(review: Review, searches: Sequence[SearchCounts]) -> tuple[SourceCounts, ...]:
    """Per source, in log order: its searches' counts summed."""
    grouped: dict[str, list[SearchCounts]] = {}
    for search in searches:
        grouped.setdefault(search.source, []).append(search)
    countries = {s.id: s.country for s in review.searches}
    return tuple(
        SourceCounts(
            source=name,
            kinds=_unique(s.kind for s in items),
            countries=_unique(countries[s.id] for s in items if countries[s.id]),
            search_ids=tuple(s.id for s in items),
            identified=Count.of(s.identified for s in items),
            for_assessment=_for_assessment(items),
            identified_from_exports=sum(1 for s in items if s.identified_from == "export"),
        )
        for name, items in grouped.items()
    )


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


# --- records and duplicates -------------------------------------------------------------------


def _source_order(review: Review, flow: Flow) -> list[tuple[str, str, list[str]]]:
    """(name, kind, origin ids) of every source with records: the log's sources in log
    order, then the record files."""
    order: dict[str, tuple[str, list[str]]] = {}
    for origin in review.origins():
        if origin.id in flow.records:
            order.setdefault(origin.name, (origin.kind, []))[1].append(origin.id)
    return [(name, kind, ids) for name, (kind, ids) in order.items()]


def dedup_counts(review: Review, flow: Flow) -> DedupCounts:
    """Records read and their deduplication; duplicates within and across sources by group
    membership (within each source first, then across), independent of the kept record."""
    names = {o.id: o.name for o in flow.origins.values()}
    within: Counter[str] = Counter()
    publications: Counter[str] = Counter()
    only: Counter[str] = Counter()
    combinations: Counter[tuple[str, ...]] = Counter()
    across = 0
    for p in flow.publications:
        per_source: Counter[str] = Counter()
        for origin, n in p.records.items():
            per_source[names.get(origin, origin)] += n
        for name, n in per_source.items():
            within[name] += n - 1
            publications[name] += 1
        across += len(per_source) - 1
        combinations[tuple(sorted(per_source))] += 1
        if len(per_source) == 1:
            only[next(iter(per_source))] += 1
    rows = []
    for name, kind, ids in _source_order(review, flow):
        parts = [flow.records[i] for i in ids]
        rows.append(
            SourceRecords(
                source=name,
                kind=kind,
                origins=tuple(ids),
                in_file=sum(r.in_file for r in parts),
                read=sum(r.read for r in parts),
                skipped=sum(r.skipped for r in parts),
                duplicates_within=within[name],
                publications=publications[name],
                found_only_here=only[name],
                found_elsewhere=publications[name] - only[name],
            )
        )
    order = [row.source for row in rows]
    overlap = tuple(
        (a, b, sum(n for combo, n in combinations.items() if a in combo and b in combo))
        for a in order
        for b in order
    )
    records = list(flow.records.values())
    decisions = flow.dedup.get("decisions", {})
    read = sum(r.read for r in records)
    return DedupCounts(
        search_files=sum(r.files for r in records if r.origin.is_search),
        record_files=sum(r.files for r in records if not r.origin.is_search),
        in_file=sum(r.in_file for r in records),
        records=read,
        skipped=sum(r.skipped for r in records),
        publications=len(flow.publications),
        removed=read - len(flow.publications),
        within_source=sum(within.values()),
        across_sources=across,
        by_identifier=flow.removed_by_kind.get("identifier", 0),
        by_fuzzy_rule=flow.removed_by_kind.get("fuzzy", 0),
        by_person=flow.removed_by_kind.get("manual", 0),
        linked_pairs=int(decisions.get("linked version", 0)),
        uncertain_pairs=int(decisions.get("uncertain", 0)),
        open_questions=len(flow.dedup.get("open_questions", ())),
        verdicts=int(flow.dedup.get("verdicts", 0)),
        splits=len(flow.dedup.get("splits", ())),
        sources=tuple(rows),
        overlap=overlap,
        intersections=tuple(
            sorted(combinations.items(), key=lambda item: (-item[1], len(item[0]), item[0]))
        ),
    )


# --- the PRISMA 2020 diagram --------------------------------------------------------------------


@dataclass
class _Boxes:
    """A diagram's boxes as they are counted, the lists they are counted from, and what
    does not add up."""

    round: int
    lists: RoundMembers
    boxes: dict[str, Count] = field(default_factory=dict)
    awaiting: dict[str, Count] = field(default_factory=dict)
    reasons: dict[str, tuple[tuple[str, int], ...]] = field(default_factory=dict)
    mismatches: list[str] = field(default_factory=list)

    def set(self, reason: str | None, values: Mapping[str, int | Listed]) -> None:
        """Count boxes from their lists, or set all of them to pending when ``reason`` is
        given (their lists are then not kept: the stage has no data yet)."""
        for box, value in values.items():
            if reason:
                self.boxes[box] = Count.waiting(reason)
            elif isinstance(value, Listed):
                self.lists.boxes[box] = value
                self.boxes[box] = value.count()
            else:
                self.boxes[box] = Count(value)

    def wait(self, box: str, listed: Listed, count: Count | None = None) -> None:
        """Note the records or reports in ``box`` that await the next decision (``count``
        when part of them are stated by searches that give no number)."""
        count = listed.count() if count is None else count
        if count.value or count.unstated:
            self.awaiting[box] = count
            self.lists.awaiting[box] = listed


def diagram(
    review: Review,
    flow: Flow,
    searches: Sequence[SearchCounts],
    record_files: Sequence[RecordFileCounts],
    number: int,
    mismatches: list[str],
    lists: RoundMembers,
) -> Diagram:
    """The diagram of search round ``number``: identification from the round's searches
    (and the records found outside them), every later box from the publications first found
    in the round and their decisions, previous studies from the rounds before it. ``lists``
    receives the publications behind every box."""
    shown = [s for s in searches if s.round == number]
    outside = [r for r in record_files if r.round == number and not r.searches]
    mine = [p for p in flow.publications if p.round == number]
    counted = _Boxes(number, lists)
    breakdown: dict[str, tuple[tuple[str, Count], ...]] = {}
    for box, kinds in IDENTIFICATION_BOXES.items():
        members = [s for s in shown if s.kind in kinds]
        lines = _per_source(members)
        found = Count.of(s.identified for s in members)
        sources: dict[str, list[SearchCounts | RecordFileCounts]] = {}
        for s in members:
            sources.setdefault(s.source, []).append(s)
        if box == "other_results" and outside:
            lines += tuple((r.name, Count(r.records.in_file)) for r in outside)
            found = total([found, *(Count(r.records.in_file) for r in outside)])
            sources.update({r.name: [r] for r in outside})
        breakdown[box] = lines
        counted.boxes[box] = found
        _identification_lists(flow, box, sources, lists)

    databases = [s for s in shown if s.kind in DATABASE_KINDS]
    database_members = [p for p in mine if p.column == DATABASES]
    databases_column = bool(databases or database_members)
    if databases_column:
        _databases(flow, number, databases, database_members, review.exclusion_reasons, counted)
    else:
        counted.set(None, dict.fromkeys(DATABASE_BOXES, 0))

    others = [s for s in shown if s.kind not in DATABASE_KINDS]
    other_members = [p for p in mine if p.column in (OTHER, OUTSIDE)]
    other_column = bool(others or other_members or outside)
    parts: tuple[tuple[str, Count], ...] = ()
    if other_column:
        parts = _other(review, flow, number, others, outside, other_members, counted)
    else:
        counted.set(None, dict.fromkeys(OTHER_BOXES, 0))

    _included(flow, number, counted)
    mismatches.extend(counted.mismatches)
    return Diagram(
        round=number,
        databases_column=databases_column,
        other_column=other_column,
        previous_column=number > 1,
        boxes=counted.boxes,
        breakdown=breakdown,
        awaiting=counted.awaiting,
        reasons=counted.reasons,
        sought_parts=parts if len(parts) > 1 else (),
        other_seen_elsewhere=_other_seen_elsewhere(flow, number),
        identified_from_exports=tuple(s.id for s in shown if s.identified_from == "export"),
        earlier_awaiting=len(
            _with(
                (p for p in flow.publications if p.round < number),
                AWAITING_SCREENING,
                AWAITING_RETRIEVAL,
                AWAITING_ELIGIBILITY,
            )
        ),
    )


def _identification_lists(
    flow: Flow,
    box: str,
    sources: Mapping[str, Sequence[SearchCounts | RecordFileCounts]],
    lists: RoundMembers,
) -> None:
    """What each source's line of an identification box counts, by publication: the records
    of the searches whose export holds every record they identified (and of the record files
    found outside the searches), and, as parts without records behind them, the numbers the
    log states for the other searches (the publications their exports hold, such as those
    taken forward, are shown within them)."""
    if not sources:
        return

    def listed(items: Sequence[SearchCounts | RecordFileCounts]) -> Listed:
        exported: list[str] = []
        stated: list[tuple[str, int | None]] = []
        within: list[str] = []
        for item in items:
            if isinstance(item, RecordFileCounts) or (
                item.export is not None
                and item.export.holds == "identified"
                and item.id in flow.records
            ):
                exported.append(item.id)
            else:
                stated.append((f"identified by {item.id}, as the log states", item.identified))
                if item.id in flow.records:
                    within.append(item.id)
        unread = tuple(
            (f"records of {origin} that could not be read", flow.records[origin].skipped)
            for origin in exported
            if origin in flow.records and flow.records[origin].skipped
        )
        return record_weights(_publications_of(flow, exported), exported).plus(
            *unread, *stated, within=_publications_of(flow, within)
        )

    lists.boxes[box] = listed([item for items in sources.values() for item in items])
    lists.lines[box] = {name: listed(items) for name, items in sources.items()}


def _per_source(searches: Sequence[SearchCounts]) -> tuple[tuple[str, Count], ...]:
    grouped: dict[str, list[int | None]] = {}
    for search in searches:
        grouped.setdefault(search.source, []).append(search.identified)
    return tuple((name, Count.of(values)) for name, values in grouped.items())


def _with(publications: Iterable[Publication], *statuses: str) -> list[Publication]:
    return [p for p in publications if p.status in statuses]


def _flagged(publications: Iterable[Publication], flag: str) -> list[Publication]:
    return [p for p in publications if getattr(p, flag) is True]


def _reasons(
    publications: Iterable[Publication], order: Sequence[str]
) -> tuple[tuple[str, int], ...]:
    counted = Counter(p.reason for p in publications if p.status == EXCLUDED_ELIGIBILITY)
    ranked = sorted(counted, key=lambda r: (order.index(r) if r in order else len(order), r))
    return tuple((reason, counted[reason]) for reason in ranked)


def _duplicates(flow: Flow, exported: Sequence[str], members: Sequence[Publication]) -> Listed:
    """Records of the round's database and register exports removed as duplicates: every
    record of a publication but the one kept, and every record of a publication found in
    an earlier round or in the other column (kept there)."""
    own = {p.group for p in members}
    holding = _publications_of(flow, exported)
    wanted = set(exported)
    return Listed.weighed(
        (p, sum(n for o, n in p.records.items() if o in wanted) - (p.group in own)) for p in holding
    )


def _databases(
    flow: Flow,
    number: int,
    searches: Sequence[SearchCounts],
    members: Sequence[Publication],
    order: Sequence[str],
    counted: _Boxes,
) -> None:
    """Duplicates to reports included, for the round's database and register searches."""
    stages = flow.stage(number, DATABASES)
    after_exports = stages.exports
    after_removal = after_exports or stages.removal
    after_screening = after_removal or stages.screening
    after_retrieval = after_screening or stages.retrieval
    after_eligibility = after_retrieval or stages.eligibility
    exported = [s.id for s in searches if s.id in flow.records]
    skipped = [(s, flow.records[s].skipped) for s in exported if flow.records[s].skipped]
    if not after_exports:
        ids = set(exported)
        strays = [p.group for p in members if not ids & p.origins]
        if strays:
            counted.mismatches.append(
                f"round {number}: publications in the databases column hold no record of the "
                f"round's database and register exports: {', '.join(strays[:10])}; their "
                "records come only from record files"
            )
    counted.set(after_exports, {"duplicates": _duplicates(flow, exported, members)})
    counted.set(
        after_removal,
        {
            "excluded_automatic": Listed.of(_with(members, REMOVED_AUTOMATION)),
            "excluded_other": Listed.of(_with(members, REMOVED_OTHER)).plus(
                *((f"records of {s} that could not be read", n) for s, n in skipped)
            ),
            "records_screened": Listed.of(_flagged(members, "screened")),
        },
    )
    counted.set(
        after_screening,
        {
            "records_excluded": Listed.of(_with(members, EXCLUDED_SCREENING)),
            "dbr_sought_reports": Listed.of(_flagged(members, "sought")),
        },
    )
    if not after_screening:
        counted.wait("records_screened", Listed.of(_with(members, AWAITING_SCREENING)))
    sought = _flagged(members, "sought")
    counted.set(
        after_retrieval,
        {
            "dbr_notretrieved_reports": Listed.of(_with(sought, NOT_RETRIEVED)),
            "dbr_assessed": Listed.of(_flagged(sought, "assessed")),
        },
    )
    if not after_retrieval:
        counted.wait("dbr_sought_reports", Listed.of(_with(sought, AWAITING_RETRIEVAL)))
    counted.set(
        after_eligibility,
        {
            "dbr_excluded": Listed.of(_with(sought, EXCLUDED_ELIGIBILITY)),
            "dbr_included": Listed.of(_flagged(sought, "included")),
        },
    )
    if not after_eligibility:
        counted.wait("dbr_assessed", Listed.of(_with(sought, AWAITING_ELIGIBILITY)))
        counted.reasons["dbr_excluded"] = _reasons(sought, order)


def _other(
    review: Review,
    flow: Flow,
    number: int,
    searches: Sequence[SearchCounts],
    outside: Sequence[RecordFileCounts],
    members: Sequence[Publication],
    counted: _Boxes,
) -> tuple[tuple[str, Count], ...]:
    """Reports sought to reports included, for the round's other methods and the records
    found outside the searches; returns the parts of the reports-sought box.

    Each report is counted once: the distinct publications taken forward by searches whose
    records are exported (their own export, or a complete record file), plus the records
    taken forward from outside the searches, plus the counts the log states for searches
    without exported records (whose records, if a partial record file lists some, are part
    of those counts)."""
    logged = {s.id: s for s in review.searches}
    with_records = [s for s in searches if has_own_records(logged[s.id], review, flow.records)]
    stated_only = [s for s in searches if s not in with_records]
    exported_origins = {s.id for s in with_records} | {
        o.id
        for o in flow.origins.values()
        if not o.is_search and o.complete and o.round == number and o.column == OTHER
    }
    sought = _flagged(members, "sought")
    from_exports = [p for p in sought if p.column == OTHER and exported_origins & p.origins]
    from_outside = [p for p in sought if p.column == OUTSIDE]
    counted_sets = {p.group for p in (*from_exports, *from_outside)}
    from_lists = [p for p in sought if p.group not in counted_sets]
    stated_parts = tuple((f"stated in the log by {s.id}", s.for_assessment) for s in stated_only)
    stated = Count.of(s.for_assessment for s in stated_only)
    parts: list[tuple[str, Count]] = []
    if with_records:
        parts.append((SOUGHT_FROM_EXPORTS, Count(len(from_exports))))
        counted.lists.parts[SOUGHT_FROM_EXPORTS] = Listed.of(from_exports)
    if stated_only:
        parts.append((SOUGHT_FROM_LOG, stated))
        counted.lists.parts[SOUGHT_FROM_LOG] = Listed.of(()).plus(*stated_parts, within=from_lists)
    if outside or from_outside:
        parts.append((SOUGHT_FROM_OUTSIDE, Count(len(from_outside))))
        counted.lists.parts[SOUGHT_FROM_OUTSIDE] = Listed.of(from_outside)
    counted.lists.boxes["other_sought_reports"] = Listed.of((*from_exports, *from_outside)).plus(
        *stated_parts, within=from_lists
    )
    counted.boxes["other_sought_reports"] = total(count for _, count in parts)

    stages = flow.stage(number, OTHER)
    after_retrieval = stages.retrieval
    after_eligibility = after_retrieval or stages.eligibility
    counted.set(
        after_retrieval,
        {
            "other_notretrieved_reports": Listed.of(_with(sought, NOT_RETRIEVED)),
            "other_assessed": Listed.of(_flagged(sought, "assessed")),
        },
    )
    if not after_retrieval:
        undecided = _with((*from_exports, *from_outside), AWAITING_RETRIEVAL)
        decided_in_lists = len(from_lists) - len(_with(from_lists, AWAITING_RETRIEVAL))
        spare = 0
        if stated.value is not None:
            spare = stated.value - decided_in_lists
            if spare < 0 and not stated.unstated:
                files = sorted(
                    {flow.origins[o].name for p in from_lists for o in p.origins}
                    - {s.source for s in searches}
                )
                counted.mismatches.append(
                    f"PRISMA box 'Reports sought for retrieval' (other methods, round "
                    f"{number}): the log states {stated.value} reports taken forward by the "
                    f"searches without exported records "
                    f"({', '.join(s.id for s in stated_only)}), but {decided_in_lists} of their "
                    f"records ({', '.join(files)}) have retrieval or eligibility decisions: "
                    "correct for_assessment in searches/log.yaml"
                )
        waiting = Listed.of(undecided)
        if spare > 0:
            waiting = waiting.plus(("stated in the log, with no decision yet", spare))
        waiting = waiting.plus(
            *(
                (f"stated in the log by {s.id}", None)
                for s in stated_only
                if s.for_assessment is None
            )
        )
        counted.wait(
            "other_sought_reports",
            waiting,
            Count(len(undecided) + max(spare, 0), stated.unstated),
        )
    counted.set(
        after_eligibility,
        {
            "other_excluded": Listed.of(_with(sought, EXCLUDED_ELIGIBILITY)),
            "other_included": Listed.of(_flagged(sought, "included")),
        },
    )
    if not after_eligibility:
        counted.wait("other_assessed", Listed.of(_with(sought, AWAITING_ELIGIBILITY)))
        counted.reasons["other_excluded"] = _reasons(sought, review.exclusion_reasons)
    return tuple(parts)


def _other_seen_elsewhere(flow: Flow, number: int) -> int:
    """Publications that other methods of round ``number`` took forward but that are counted
    elsewhere: found by a database search of the round, or in an earlier round."""
    forwarding = {
        o.id
        for o in flow.origins.values()
        if o.round == number
        and o.column in (OTHER, OUTSIDE)
        and o.holds in ("for_assessment", "included")
    }
    return sum(
        1
        for p in flow.publications
        if forwarding & p.origins and (p.round < number or p.column == DATABASES)
    )


def _included(flow: Flow, number: int, counted: _Boxes) -> None:
    """Previous, new and total reports and studies."""
    boxes = counted.boxes
    earlier = [p for p in flow.publications if p.round < number]
    unknown = next((p for p in earlier if p.included is None), None)
    previous = _flagged(earlier, "included")
    new = _flagged((p for p in flow.publications if p.round == number), "included")
    new_pending = (boxes["dbr_included"] + boxes["other_included"]).pending
    counted.set(new_pending, {"new_reports": Listed.of(new)})
    if unknown is not None:
        boxes["previous_reports"] = Count.waiting(flow.pending_reason(unknown, "included") or "")
    else:
        counted.set(None, {"previous_reports": Listed.of(previous)})
    new_reports, previous_reports = boxes["new_reports"], boxes["previous_reports"]
    counted.set(
        (previous_reports + new_reports).pending, {"total_reports": Listed.of((*previous, *new))}
    )
    reason = new_reports.pending or previous_reports.pending
    included_any = bool(new_reports.value or previous_reports.value)
    if not reason and included_any and "studies" not in flow.decision_files:
        reason = NEEDS_STUDIES
    studies = ("previous_studies", "new_studies", "total_studies", NEW_REPORTS_OF_EARLIER)
    if reason:
        counted.set(reason, dict.fromkeys(studies, 0))
        return
    before = {p.study for p in previous}
    counted.set(
        None,
        {
            "previous_studies": Listed.studies_of(previous),
            "new_studies": Listed.studies_of(p for p in new if p.study not in before),
            "total_studies": Listed.studies_of((*previous, *new)),
            NEW_REPORTS_OF_EARLIER: Listed.of(p for p in new if p.study in before),
        },
    )


# --- sources and searches through every stage ----------------------------------------------------


def _stage(
    flow: Flow, publications: Sequence[Publication], flag: str, lists: dict[str, Listed]
) -> Count:
    unknown = next((p for p in publications if getattr(p, flag) is None), None)
    if unknown is not None:
        return Count.waiting(flow.pending_reason(unknown, flag) or "")
    listed = Listed.of(_flagged(publications, flag))
    lists[flag] = listed
    return listed.count()


def _studies(
    flow: Flow, publications: Sequence[Publication], included: Count, lists: dict[str, Listed]
) -> Count:
    if included.pending:
        return included
    if included.value and "studies" not in flow.decision_files:
        return Count.waiting(NEEDS_STUDIES)
    listed = Listed.studies_of(_flagged(publications, "included"))
    lists["included_studies"] = listed
    return listed.count()


def _stage_row(
    flow: Flow,
    name: str,
    kind: str,
    ids: Sequence[str],
    publications: Sequence[Publication],
    lists: dict[str, Listed],
    *,
    screening: bool,
    only_here: Sequence[Publication] | None,
    included_total: Count,
) -> StageRow:
    """One row of a stage table; ``lists`` receives the publications behind each cell."""
    included = _stage(flow, publications, "included", lists)
    share = None
    if included.is_exact and included_total.is_exact and included_total.value:
        share = (included.value or 0) / included_total.value
    exported = record_weights(publications, ids).plus(
        *(
            (f"records of {i} that could not be read", flow.records[i].skipped)
            for i in ids
            if i in flow.records and flow.records[i].skipped
        )
    )
    lists["exported"] = exported
    lists["publications"] = Listed.of(publications)
    if only_here is not None:
        lists["only_here"] = Listed.of(only_here)
    return StageRow(
        name=name,
        kind=kind,
        searches=tuple(ids),
        exported=exported.n,
        publications=len(publications),
        only_here=None if only_here is None else len(only_here),
        screened=_stage(flow, publications, "screened", lists) if screening else Count(None),
        sought=_stage(flow, publications, "sought", lists),
        assessed=_stage(flow, publications, "assessed", lists),
        included=included,
        included_studies=_studies(flow, publications, included, lists),
        share=share,
    )


def stage_table(review: Review, flow: Flow, members: Members) -> StageTable:
    """Every source and search with records through every stage (a publication found by
    several counts for each of them), and all publications once in the total line;
    ``members`` receives the publications behind each cell."""
    everything = flow.publications
    included_total = _stage(flow, everything, "included", {})

    def rows(
        keys: Sequence[tuple[str, str, list[str]]], table: dict[str, dict[str, Listed]]
    ) -> tuple[StageRow, ...]:
        made = []
        for name, kind, ids in keys:
            wanted = set(ids)
            mine = _publications_of(flow, ids)
            made.append(
                _stage_row(
                    flow,
                    name,
                    kind,
                    ids,
                    mine,
                    table.setdefault(name, {}),
                    screening=any(flow.origins[i].column == DATABASES for i in ids),
                    only_here=[p for p in mine if p.origins <= wanted],
                    included_total=included_total,
                )
            )
        return tuple(made)

    by_source = _source_order(review, flow)
    by_search = [(o.id, o.kind, [o.id]) for o in review.origins() if o.id in flow.records]
    every = [i for _, _, ids in by_source for i in ids]
    return StageTable(
        sources=rows(by_source, members.sources),
        searches=rows(by_search, members.searches),
        total=_stage_row(
            flow,
            "All sources",
            "",
            every,
            everything,
            members.total,
            screening=any(flow.origins[i].column == DATABASES for i in every),
            only_here=None,
            included_total=included_total,
        ),
    )


def _publications_of(flow: Flow, ids: Iterable[str]) -> list[Publication]:
    found: dict[str, Publication] = {}
    for origin in ids:
        for p in flow.by_origin.get(origin, ()):
            found.setdefault(p.group, p)
    return [found[group] for group in sorted(found)]


# --- search rounds ----------------------------------------------------------------------------


def round_summaries(
    review: Review, flow: Flow, diagrams: Sequence[Diagram]
) -> tuple[RoundSummary, ...]:
    """Each search round: how many searches, the dates they ran, the records they
    identified and the publications new in it."""
    identified = {d.round: total(d.boxes[box] for box in IDENTIFICATION_BOXES) for d in diagrams}
    new = Counter(p.round for p in flow.publications)
    summaries = []
    for number in review.rounds:
        dates = sorted(s.date for s in review.searches if s.round == number)
        summaries.append(
            RoundSummary(number, len(dates), dates[0], dates[-1], identified[number], new[number])
        )
    return tuple(summaries)


def update_rows(review: Review, flow: Flow) -> tuple[RoundRow, ...]:
    """Per search of a later round with an export: its publications new to the review,
    those seen in an earlier round, and those its source found before but no longer finds."""
    if len(review.rounds) <= 1:
        return ()
    rows = []
    for search in review.searches:
        if search.round == 1 or search.id not in flow.records:
            continue
        mine = flow.by_origin.get(search.id, ())
        seen = sum(1 for p in mine if p.round < search.round)
        rows.append(
            RoundRow(
                search=search.id,
                source=search.source,
                round=search.round,
                records=flow.records[search.id].read,
                publications=len(mine),
                new=len(mine) - seen,
                seen_before=seen,
                no_longer_found=_no_longer_found(review, flow, search),
            )
        )
    return tuple(rows)


def _no_longer_found(review: Review, flow: Flow, search: Search) -> int | None:
    before = [s.id for s in review.searches if s.source == search.source and s.round < search.round]
    if not before or not all(i in flow.records for i in before):
        return None
    earlier = _publications_of(flow, before)
    return sum(1 for p in earlier if search.id not in p.origins)
