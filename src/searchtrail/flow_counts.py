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

from searchtrail.count import Count
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
from searchtrail.searchlog import DATABASE_KINDS, Review

NO_SCREENING: Final = "needs title/abstract screening decisions (screening/title_abstract.csv)"
NO_RETRIEVAL: Final = "needs retrieval or full-text decisions"
NO_ELIGIBILITY: Final = "needs full-text eligibility decisions (screening/full_text.csv)"
NO_STUDIES: Final = "needs the reports' studies (screening/studies.csv)"


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
class FlowCounts:
    """Boxes, reasons and waiting numbers of the latest round, and the per-source stages."""

    round: int
    boxes: dict[str, Count]
    reasons: dict[str, tuple[tuple[str, int], ...]]
    awaiting: dict[str, Count]
    previous: bool
    sources: tuple[StageRow, ...]
    searches: tuple[StageRow, ...]
    rounds: tuple[RoundRow, ...] = field(default_factory=tuple)
    other_column: bool = False
    """Whether the round has an other-methods column (other searches, or references from
    outside the searches that were assessed)."""


def _n(value: int) -> Count:
    return Count(value)


def compute_flow_counts(
    review: Review,
    flow: Flow,
    records: DedupCounts,
    identified: dict[str, int | None],
    for_assessment: dict[str, int | None],
    *,
    round_number: int | None = None,
) -> FlowCounts:
    """Count the flow of ``flow`` for one search round (the latest unless ``round_number``
    says otherwise) and per source; check the arithmetic. Publications first found in a
    later round are left out; those of earlier rounds are the "previous" ones.

    ``identified`` and ``for_assessment`` are the log's counts per search id.
    """
    latest = round_number if round_number is not None else max(review.rounds, default=1)
    current = [g for g in flow.groups if g.round == latest]
    earlier = [g for g in flow.groups if g.round < latest]
    round_searches = [s for s in review.searches if s.round == latest]
    boxes: dict[str, Count] = {}
    awaiting: dict[str, Count] = {}
    reasons: dict[str, tuple[tuple[str, int], ...]] = {}
    mismatches: list[str] = []
    decisions = flow.decisions

    # Databases and registers.
    databases = [s for s in round_searches if s.kind in DATABASE_KINDS]
    if databases:
        all_exported = all(s.export and s.export.holds == "identified" for s in databases)
        mine = [g for g in current if g.column == DATABASES]
        if all_exported:
            read = sum(o.read for o in records.origins if o.origin_id in {s.id for s in databases})
            skipped = sum(
                o.skipped for o in records.origins if o.origin_id in {s.id for s in databases}
            )
            statuses = Counter(g.status for g in mine)
            automation = statuses[REMOVED_AUTOMATION]
            removed_other = statuses[REMOVED_OTHER]
            screened = len(mine) - automation - removed_other
            boxes["duplicates"] = _n(read - len(mine))
            boxes["excluded_automatic"] = _n(automation)
            boxes["excluded_other"] = _n(skipped + removed_other)
            boxes["records_screened"] = _n(screened)
            stated = [identified.get(s.id) for s in databases]
            if None not in stated:
                total = sum(v for v in stated if v is not None)
                removed = (read - len(mine)) + automation + skipped + removed_other
                if total - removed != screened:
                    differ = [
                        f"{o.origin_id}: log {identified.get(o.origin_id)}, export {o.in_file}"
                        for o in records.origins
                        if o.origin_id in {s.id for s in databases}
                        and identified.get(o.origin_id) != o.in_file
                    ]
                    mismatches.append(
                        f"PRISMA box 'Records screened': identified {total} − removed before "
                        f"screening {removed} (duplicates {read - len(mine)}, automation "
                        f"{automation}, other {skipped + removed_other}) = {total - removed}, "
                        f"but {screened} records were screened; the exports and the log differ "
                        f"({'; '.join(differ) or 'no search differs'}): correct the count in "
                        "searches/log.yaml or export every record the search found"
                    )
            _stage_boxes(
                "dbr", mine, screened, decisions.present("title_abstract"), boxes, awaiting,
                reasons, mismatches, review.exclusion_reasons,
            )  # fmt: skip

    # Other methods (and references from outside the searches that were assessed).
    others = [s for s in round_searches if s.kind not in DATABASE_KINDS]
    outside = [g for g in current if g.column == OUTSIDE and g.sought]
    if others or outside:
        mine = [g for g in current if g.column in (OTHER, OUTSIDE) and g.sought]
        exported = all(
            s.export and s.export.holds in ("identified", "for_assessment") for s in others
        )
        if others and exported:
            sought = Count(len(mine))
        else:
            stated = [for_assessment.get(s.id) for s in others]
            known = [v for v in stated if v is not None]
            sought = Count(
                (sum(known) if known or not stated else None) if stated else 0,
                len(stated) - len(known),
            )
            if outside:
                sought = Count((sought.value or 0) + len(outside), sought.unstated)
        boxes["other_sought_reports"] = sought
        _other_boxes(
            mine, sought, decisions.present, boxes, awaiting, reasons, mismatches,
            review.exclusion_reasons,
        )  # fmt: skip

    if not (others or outside):
        # No other methods in this round: nothing was sought through them.
        for box in (
            "other_sought_reports", "other_notretrieved_reports", "other_assessed",
            "other_excluded",
        ):  # fmt: skip
            boxes[box] = _n(0)

    # Included: new in this round, previous rounds, total.
    included_now = [g for g in current if g.status == INCLUDED]
    included_before = [g for g in earlier if g.status == INCLUDED]
    if not decisions.present("full_text"):
        if latest > 1:
            mismatches.append(
                "PRISMA boxes 'Previous studies': an updated review needs the full-text "
                "decisions of its earlier rounds (screening/full_text.csv)"
            )
        if mismatches:
            raise CountMismatchError(mismatches)
        return FlowCounts(
            round=latest,
            boxes=boxes,
            reasons=reasons,
            awaiting=awaiting,
            previous=latest > 1,
            sources=_stage_rows(review, flow, records, by="source"),
            searches=_stage_rows(review, flow, records, by="search"),
            rounds=_round_rows(review, flow, records) if latest > 1 else (),
            other_column=bool(others or outside),
        )
    boxes["new_reports"] = _n(len(included_now))
    boxes["previous_reports"] = _n(len(included_before))
    boxes["total_reports"] = _n(len(included_now) + len(included_before))
    if flow.studies_mapped:
        before = {g.study for g in included_before}
        now = {g.study for g in included_now} - before
        boxes["previous_studies"] = _n(len(before))
        boxes["new_studies"] = _n(len(now))
        boxes["total_studies"] = _n(len(before | now))
        if len(before | now) != len(before) + len(now):
            mismatches.append("PRISMA box 'Total studies': previous + new ≠ total")
    else:
        for box in ("previous_studies", "new_studies", "total_studies"):
            boxes[box] = Count(None, 0, NO_STUDIES if included_now or included_before else None)
            if not (included_now or included_before):
                boxes[box] = Count(0)
    if boxes["total_reports"].value != (boxes["previous_reports"].value or 0) + (
        boxes["new_reports"].value or 0
    ):
        mismatches.append("PRISMA box 'Reports of total included studies': previous + new ≠ total")
    if mismatches:
        raise CountMismatchError(mismatches)

    return FlowCounts(
        round=latest,
        boxes=boxes,
        reasons=reasons,
        awaiting=awaiting,
        previous=latest > 1,
        sources=_stage_rows(review, flow, records, by="source"),
        searches=_stage_rows(review, flow, records, by="search"),
        rounds=_round_rows(review, flow, records) if latest > 1 else (),
        other_column=bool(others or outside),
    )


def _reasons(groups: Iterable[GroupStatus], order: Sequence[str]) -> tuple[tuple[str, int], ...]:
    counted = Counter(g.reason for g in groups if g.status == EXCLUDED_ELIGIBILITY)
    ranked = sorted(counted, key=lambda r: (order.index(r) if r in order else len(order), r))
    return tuple((reason, counted[reason]) for reason in ranked)


def _stage_boxes(
    prefix: str,
    groups: Sequence[GroupStatus],
    screened: int,
    screening_decided: bool,
    boxes: dict[str, Count],
    awaiting: dict[str, Count],
    reasons: dict[str, tuple[tuple[str, int], ...]],
    mismatches: list[str],
    order: Sequence[str],
) -> None:
    statuses = Counter(g.status for g in groups)
    excluded = statuses[EXCLUDED_SCREENING]
    waiting = statuses[AWAITING_SCREENING]
    sought = sum(statuses[s] for s in SOUGHT)
    if not screening_decided and waiting:
        for box in ("records_excluded", f"{prefix}_sought_reports"):
            boxes[box] = Count(None, 0, NO_SCREENING)
        for box in (f"{prefix}_notretrieved_reports", f"{prefix}_assessed", f"{prefix}_excluded"):
            boxes[box] = Count(None, 0, NO_SCREENING)
        return
    boxes["records_excluded"] = _n(excluded)
    boxes[f"{prefix}_sought_reports"] = _n(sought)
    if waiting:
        awaiting["records_screened"] = _n(waiting)
    if screened - excluded - waiting != sought:
        mismatches.append(
            f"PRISMA box 'Reports sought for retrieval': screened {screened} − excluded "
            f"{excluded} − awaiting screening {waiting} = {screened - excluded - waiting}, "
            f"but {sought} reports are sought"
        )
    _retrieval_boxes(prefix, groups, Count(sought), boxes, awaiting, reasons, mismatches, order)


def _other_boxes(
    groups: Sequence[GroupStatus],
    sought: Count,
    present: Any,
    boxes: dict[str, Count],
    awaiting: dict[str, Count],
    reasons: dict[str, tuple[tuple[str, int], ...]],
    mismatches: list[str],
    order: Sequence[str],
) -> None:
    decided = [g for g in groups if g.status != AWAITING_RETRIEVAL]
    if not decided and not (present("retrieval") or present("full_text")):
        for box in ("other_notretrieved_reports", "other_assessed", "other_excluded"):
            boxes[box] = Count(None, 0, NO_RETRIEVAL)
        return
    _retrieval_boxes("other", groups, sought, boxes, awaiting, reasons, mismatches, order)


def _retrieval_boxes(
    prefix: str,
    groups: Sequence[GroupStatus],
    sought: Count,
    boxes: dict[str, Count],
    awaiting: dict[str, Count],
    reasons: dict[str, tuple[tuple[str, int], ...]],
    mismatches: list[str],
    order: Sequence[str],
) -> None:
    statuses = Counter(g.status for g in groups)
    not_retrieved = statuses[NOT_RETRIEVED]
    assessed = sum(statuses[s] for s in ASSESSED)
    excluded = statuses[EXCLUDED_ELIGIBILITY]
    included = statuses[INCLUDED]
    undecided = statuses[AWAITING_ELIGIBILITY]
    label = "databases and registers" if prefix == "dbr" else "other methods"
    boxes[f"{prefix}_notretrieved_reports"] = _n(not_retrieved)
    boxes[f"{prefix}_assessed"] = _n(assessed)
    boxes[f"{prefix}_excluded"] = _n(excluded)
    reasons[f"{prefix}_excluded"] = _reasons(groups, order)
    if sought.value is not None:
        waiting = sought.value - not_retrieved - assessed
        if waiting < 0 and not sought.unstated:
            mismatches.append(
                f"PRISMA box 'Reports sought for retrieval' ({label}): {sought.value} sought, "
                f"but {not_retrieved} not retrieved + {assessed} assessed = "
                f"{not_retrieved + assessed} reports have retrieval or eligibility decisions"
            )
        elif waiting or sought.unstated:
            awaiting[f"{prefix}_sought_reports"] = Count(max(waiting, 0), sought.unstated)
    if undecided:
        awaiting[f"{prefix}_assessed"] = _n(undecided)
    if not_retrieved + assessed == 0 and (sought.value or sought.unstated):
        # Nobody has reached retrieval or eligibility yet: those stages are pending.
        for box in (f"{prefix}_notretrieved_reports", f"{prefix}_assessed"):
            boxes[box] = Count.waiting(NO_RETRIEVAL)
        boxes[f"{prefix}_excluded"] = Count.waiting(NO_ELIGIBILITY)
        awaiting.pop(f"{prefix}_sought_reports", None)
    elif excluded + included == 0 and undecided:
        boxes[f"{prefix}_excluded"] = Count.waiting(NO_ELIGIBILITY)
    if assessed - excluded - undecided != included:
        mismatches.append(
            f"PRISMA box 'Reports excluded' ({label}): assessed {assessed} − excluded "
            f"{excluded} − awaiting {undecided} ≠ included {included}"
        )
    if sum(n for _, n in reasons[f"{prefix}_excluded"]) != excluded:
        mismatches.append(f"PRISMA box 'Reports excluded' ({label}): the reasons do not add up")


def _stage_rows(
    review: Review, flow: Flow, records: DedupCounts, *, by: str
) -> tuple[StageRow, ...]:
    """Every source (or search) with exported records, through every stage."""
    keys: dict[str, list[str]] = {}
    kinds: dict[str, str] = {}
    for search in review.searches:
        key = search.source if by == "source" else search.id
        keys.setdefault(key, []).append(search.id)
        kinds.setdefault(key, search.kind)
    for record_file in review.record_files:
        key = f"record file {record_file.id}" if by == "source" else record_file.id
        keys.setdefault(key, []).append(record_file.id)
        kinds.setdefault(key, "record file")
    included_total = sum(1 for g in flow.groups if g.status == INCLUDED)
    screening_started = flow.decisions.present("title_abstract")
    rows = []
    for key, ids in keys.items():
        wanted = set(ids)
        origins = [o for o in records.origins if o.origin_id in wanted]
        if not origins:
            continue
        mine = [g for g in flow.groups if wanted & set(g.origins)]
        alone = [g for g in mine if {o for o in g.origins if o in _search_ids(review)} <= wanted]
        databases = kinds[key] in DATABASE_KINDS
        if databases and not screening_started:
            screened = Count(None, 0, NO_SCREENING)
            sought = assessed = included = studies = screened
        else:
            screened = (
                _n(sum(1 for g in mine if g.status in SOUGHT or g.status == EXCLUDED_SCREENING))
                if databases
                else Count(None)
            )
            sought = _n(sum(1 for g in mine if g.status in SOUGHT))
            assessed = _n(sum(1 for g in mine if g.status in ASSESSED))
            hits = [g for g in mine if g.status == INCLUDED]
            included = _n(len(hits))
            studies = (
                _n(len({g.study for g in hits}))
                if flow.studies_mapped
                else Count(None, 0, NO_STUDIES)
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


def _search_ids(review: Review) -> set[str]:
    return {s.id for s in review.searches}


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
        "round": flow.round,
        "previous": flow.previous,
        "boxes": {key: count.to_json() for key, count in flow.boxes.items()},
        "reasons": {key: [list(item) for item in items] for key, items in flow.reasons.items()},
        "awaiting": {key: count.to_json() for key, count in flow.awaiting.items()},
        "sources": [_row_to_json(row) for row in flow.sources],
        "searches": [_row_to_json(row) for row in flow.searches],
        "rounds": [asdict(row) for row in flow.rounds],
        "other_column": flow.other_column,
    }


def flow_from_json(data: dict[str, Any]) -> FlowCounts:
    """Inverse of :func:`flow_to_json`."""
    return FlowCounts(
        round=data["round"],
        boxes={key: Count.from_json(value) for key, value in data["boxes"].items()},
        reasons={
            key: tuple((str(r), int(n)) for r, n in items) for key, items in data["reasons"].items()
        },
        awaiting={key: Count.from_json(value) for key, value in data["awaiting"].items()},
        previous=data["previous"],
        sources=tuple(_row_from_json(row) for row in data["sources"]),
        searches=tuple(_row_from_json(row) for row in data["searches"]),
        rounds=tuple(RoundRow(**row) for row in data["rounds"]),
        other_column=data["other_column"],
    )
