"""Every number the reports show, computed once.

:func:`compute_counts` turns a validated :class:`~searchtrail.searchlog.Review` into
:class:`ReviewCounts`: per search, per source, in total, and per PRISMA 2020 box. The
pipeline writes it to ``counts.json``; every report reads its numbers from there and
nothing else does arithmetic. :func:`verify` checks that the parts add up to the wholes
(sources to totals, searches to boxes, per-source lines to their box) and is run when the
counts are made and again whenever they are read.

A count the log does not state is unknown, never zero. :class:`Count` keeps the sum of the
numbers that are stated apart from the number of searches that state none, so a report can
say "9,331 + 13 searches with no count" instead of pretending the sum is complete.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Final

from searchtrail.count import (
    NEEDS_ELIGIBILITY,
    NEEDS_RECORDS,
    NEEDS_RETRIEVAL,
    NEEDS_SCREENING,
    Count,
    total,
)
from searchtrail.errors import CountMismatchError
from searchtrail.flow_counts import (
    FlowCounts,
    RoundCounts,
    flow_from_json,
    flow_tables,
    flow_to_json,
    round_counts,
)
from searchtrail.record_counts import DedupCounts, conservation_problems
from searchtrail.screening import Flow
from searchtrail.searchlog import DATABASE_KINDS, Review, Search

FORMAT: Final = "searchtrail-counts/1"


@dataclass(frozen=True)
class SearchCounts:
    """The numbers of one search."""

    id: str
    source: str
    kind: str
    round: int
    identified: int | None
    for_assessment: int | None
    for_assessment_recorded: bool = True


@dataclass(frozen=True)
class SourceCounts:
    """The numbers of every search of one source, summed.

    ``for_assessment`` is None when no search of the source records one.
    """

    source: str
    kinds: tuple[str, ...]
    countries: tuple[str, ...]
    search_ids: tuple[str, ...]
    identified: Count
    for_assessment: Count | None

    @property
    def searches(self) -> int:
        """Number of searches run in this source."""
        return len(self.search_ids)


# PRISMA 2020 boxes, by the data names of the PRISMA2020 R package's template.
IDENTIFICATION_BOXES: Final[dict[str, tuple[str, ...]]] = {
    "database_results": ("database",),
    "register_results": ("register",),
    "website_results": ("website",),
    "organisation_results": ("organisation",),
    "citations_results": ("citation_search",),
    "other_results": ("other",),
}
PENDING_BOXES: Final[dict[str, str]] = {
    "duplicates": NEEDS_RECORDS,
    "excluded_automatic": NEEDS_RECORDS,
    "excluded_other": NEEDS_RECORDS,
    "records_screened": NEEDS_SCREENING,
    "records_excluded": NEEDS_SCREENING,
    "dbr_sought_reports": NEEDS_SCREENING,
    "dbr_notretrieved_reports": NEEDS_RETRIEVAL,
    "dbr_assessed": NEEDS_RETRIEVAL,
    "dbr_excluded": NEEDS_ELIGIBILITY,
    "other_notretrieved_reports": NEEDS_RETRIEVAL,
    "other_assessed": NEEDS_RETRIEVAL,
    "other_excluded": NEEDS_ELIGIBILITY,
    "new_studies": NEEDS_ELIGIBILITY,
    "new_reports": NEEDS_ELIGIBILITY,
    "total_studies": NEEDS_ELIGIBILITY,
    "total_reports": NEEDS_ELIGIBILITY,
}


@dataclass(frozen=True)
class PrismaCounts:
    """The numbers of the PRISMA 2020 flow diagram.

    ``boxes`` maps template data names to counts; ``breakdown`` lists, for each
    identification box, the count of each source in it (in log order).
    """

    databases_column: bool
    other_column: bool
    previous_column: bool
    boxes: dict[str, Count]
    breakdown: dict[str, tuple[tuple[str, Count], ...]]
    reasons: dict[str, tuple[tuple[str, int], ...]] = field(default_factory=dict)
    """Full-text exclusion reasons and their counts (dbr_excluded, other_excluded)."""
    awaiting: dict[str, Count] = field(default_factory=dict)
    """Per box, the records or reports in it still waiting for the next decision."""
    round: int = 1
    """The search round the boxes count (the latest)."""


@dataclass(frozen=True)
class ReviewCounts:
    """All numbers of a review; the one place reports read them from."""

    searches: tuple[SearchCounts, ...]
    sources: tuple[SourceCounts, ...]
    identified: Count
    for_assessment: Count | None
    prisma: PrismaCounts
    records: DedupCounts | None = None
    """Exported records and their deduplication (None until the records are read)."""
    flow: FlowCounts | None = None
    """Screening to inclusion, per source and per round (None until the records are read)."""
    earlier_rounds: tuple[PrismaCounts, ...] = ()
    """For an updated review, the diagram of each earlier round as it stood (round 1 is the
    original review's diagram)."""
    inputs: dict[str, str] = field(default_factory=dict)

    def for_round(self, number: int) -> ReviewCounts:
        """These counts with the diagram of search round ``number``."""
        if number == self.prisma.round:
            return self
        for prisma in self.earlier_rounds:
            if prisma.round == number:
                return replace(self, prisma=prisma)
        raise KeyError(number)

    def source(self, name: str) -> SourceCounts:
        """The counts of source ``name``."""
        for source in self.sources:
            if source.source == name:
                return source
        raise KeyError(name)


def compute_counts(
    review: Review,
    *,
    records: DedupCounts | None = None,
    flow: Flow | None = None,
    inputs: Mapping[str, str] | None = None,
) -> ReviewCounts:
    """Compute every count from the review's search log and, given ``records``, from its
    exported records and their deduplication; given ``flow`` too, from the screening
    decisions.

    ``inputs`` names the input files and their hashes, for the audit trail.
    """
    searches = tuple(
        SearchCounts(
            s.id,
            s.source,
            s.kind,
            s.round,
            s.identified,
            s.for_assessment,
            s.for_assessment_recorded,
        )
        for s in review.searches
    )
    sources = _per_source(review.searches)
    flow_counts = None
    rounds: list[RoundCounts | None] = [None]
    if flow is not None and records is not None:
        flow_counts = flow_tables(review, flow, records)
        rounds = [round_counts(review, flow, records, n) for n in review.rounds or (1,)]
    *earlier, latest = [_prisma(review.searches, found) for found in rounds]
    counts = ReviewCounts(
        searches=searches,
        sources=sources,
        identified=Count.of(s.identified for s in review.searches),
        for_assessment=for_assessment_count(searches),
        prisma=latest,
        records=records,
        flow=flow_counts,
        earlier_rounds=tuple(earlier),
        inputs=dict(sorted((inputs or {}).items())),
    )
    verify(counts)
    return counts


def for_assessment_count(searches: Iterable[Search | SearchCounts]) -> Count | None:
    """Records taken forward, over the searches that record the number (None if none do)."""
    recorded = [s.for_assessment for s in searches if s.for_assessment_recorded]
    return Count.of(recorded) if recorded else None


def _per_source(searches: Iterable[Search]) -> tuple[SourceCounts, ...]:
    grouped: dict[str, list[Search]] = {}
    for search in searches:
        grouped.setdefault(search.source, []).append(search)
    return tuple(
        SourceCounts(
            source=name,
            kinds=_unique(s.kind for s in items),
            countries=_unique(s.country for s in items if s.country),
            search_ids=tuple(s.id for s in items),
            identified=Count.of(s.identified for s in items),
            for_assessment=for_assessment_count(items),
        )
        for name, items in grouped.items()
    )


def _prisma(searches: tuple[Search, ...], found: RoundCounts | None) -> PrismaCounts:
    """The diagram: identification from the log (the round's searches), the rest from the
    records and decisions of ``found`` (pending without them)."""
    latest = found.round if found is not None else 1
    shown = tuple(s for s in searches if s.round == latest) if found is not None else searches
    boxes: dict[str, Count] = {}
    breakdown: dict[str, tuple[tuple[str, Count], ...]] = {}
    for box, kinds in IDENTIFICATION_BOXES.items():
        members = [s for s in shown if s.kind in kinds]
        boxes[box] = Count.of(s.identified for s in members)
        breakdown[box] = tuple(
            (source.source, source.identified) for source in _per_source(members)
        )
    other = [s for s in shown if s.kind not in DATABASE_KINDS]
    boxes["other_sought_reports"] = for_assessment_count(other) or Count(0)
    for box, reason in PENDING_BOXES.items():
        boxes[box] = Count.waiting(reason)
    boxes["previous_studies"] = Count(0)
    boxes["previous_reports"] = Count(0)
    if found is not None:
        boxes.update(found.boxes)
    return PrismaCounts(
        databases_column=any(s.kind in DATABASE_KINDS for s in shown),
        other_column=bool(other) or bool(found and found.other_column),
        previous_column=latest > 1,
        boxes=boxes,
        breakdown=breakdown,
        reasons=dict(found.reasons) if found is not None else {},
        awaiting=dict(found.awaiting) if found is not None else {},
        round=latest,
    )


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


# --- cross-checks ---------------------------------------------------------------------------


def verify(counts: ReviewCounts) -> None:
    """Check that every part adds up to its whole; raise :class:`CountMismatchError` if not."""
    mismatches: list[str] = []

    def same(label: str, part: Count | None, whole: Count | None) -> None:
        # A sum with no stated number (None) and a stated 0 add up the same way; which of
        # the two a box shows comes from its own members, not from this comparison.
        part, whole = part or Count(0), whole or Count(0)
        if (part.value or 0, part.unstated, part.pending) != (
            whole.value or 0,
            whole.unstated,
            whole.pending,
        ):
            mismatches.append(f"{label}: parts sum to {_plain(part)}, total is {_plain(whole)}")

    same(
        "identified, sum of the searches",
        Count.of(s.identified for s in counts.searches),
        counts.identified,
    )
    same(
        "identified, sum of the per-source table",
        total(s.identified for s in counts.sources),
        counts.identified,
    )
    same(
        "for_assessment, sum of the searches",
        for_assessment_count(counts.searches),
        counts.for_assessment,
    )
    same(
        "for_assessment, sum of the per-source table",
        total(s.for_assessment or Count(0) for s in counts.sources),
        counts.for_assessment,
    )
    for source in counts.sources:
        members = [s for s in counts.searches if s.source == source.source]
        if len(members) != source.searches:
            mismatches.append(
                f"source '{source.source}': {source.searches} searches listed, "
                f"{len(members)} searches in the log"
            )
        same(
            f"source '{source.source}', identified",
            Count.of(s.identified for s in members),
            source.identified,
        )
    boxes = counts.prisma.boxes
    latest = counts.prisma.round
    shown = [s for s in counts.searches if s.round == latest or not counts.prisma.previous_column]
    same(
        "PRISMA identification boxes, sum",
        total(boxes[box] for box in IDENTIFICATION_BOXES),
        Count.of(s.identified for s in shown),
    )
    for earlier in counts.earlier_rounds:
        same(
            f"PRISMA identification boxes of round {earlier.round}, sum",
            total(earlier.boxes[box] for box in IDENTIFICATION_BOXES),
            Count.of(s.identified for s in counts.searches if s.round == earlier.round),
        )
    for box in IDENTIFICATION_BOXES:
        same(
            f"PRISMA box {box}, sum of its sources",
            total(count for _, count in counts.prisma.breakdown[box]),
            boxes[box],
        )
    other_searches = [s for s in shown if s.kind not in DATABASE_KINDS]
    if counts.flow is None:
        same(
            "PRISMA box other_sought_reports",
            for_assessment_count(other_searches),
            boxes["other_sought_reports"],
        )
    if counts.records is not None:
        mismatches.extend(conservation_problems(counts.records))
    for prisma in (*counts.earlier_rounds, counts.prisma):
        mismatches.extend(box_arithmetic(prisma))
    if mismatches:
        raise CountMismatchError(mismatches)


_PARTS: Final = (
    # box = its parts + the records or reports in it awaiting a decision
    ("records_screened", ("records_excluded", "dbr_sought_reports")),
    ("dbr_sought_reports", ("dbr_notretrieved_reports", "dbr_assessed")),
    ("other_sought_reports", ("other_notretrieved_reports", "other_assessed")),
    ("total_reports", ("previous_reports", "new_reports")),
    ("total_studies", ("previous_studies", "new_studies")),
)


def box_arithmetic(prisma: PrismaCounts) -> list[str]:
    """Where the diagram's boxes do not add up: screened − excluded = sought, sought − not
    retrieved = assessed (each less those awaiting a decision), previous + new = total, and
    the exclusion reasons = reports excluded. Boxes without an exact number are skipped."""

    def exact(count: Count | None) -> int | None:
        if count is None:
            return 0
        return count.value if count.is_exact else None

    found = []
    for whole, parts in _PARTS:
        numbers = [exact(prisma.boxes[whole]), *(exact(prisma.boxes[p]) for p in parts)]
        waiting = exact(prisma.awaiting.get(whole))
        if None in numbers or waiting is None:
            continue
        total_parts = sum(n for n in numbers[1:] if n is not None) + waiting
        if numbers[0] != total_parts:
            terms = " + ".join(f"{p} {n}" for p, n in zip(parts, numbers[1:], strict=True))
            found.append(
                f"PRISMA box {whole} (round {prisma.round}): {numbers[0]}, but {terms} + "
                f"awaiting {waiting} = {total_parts}"
            )
    for box, reasons in prisma.reasons.items():
        excluded = exact(prisma.boxes[box])
        if reasons and excluded is not None and sum(n for _, n in reasons) != excluded:
            found.append(
                f"PRISMA box {box} (round {prisma.round}): {excluded} excluded, but the "
                f"reasons add up to {sum(n for _, n in reasons)}"
            )
    return found


def _plain(count: Count) -> str:
    if count.pending:
        return f"pending ({count.pending})"
    value = "unknown" if count.value is None else str(count.value)
    return f"{value} with {count.unstated} searches without a count"


# --- counts.json ----------------------------------------------------------------------------


def to_json(counts: ReviewCounts) -> str:
    """Serialise counts as stable, sorted, human-readable JSON."""
    data = {
        "format": FORMAT,
        "inputs": counts.inputs,
        "totals": {
            "searches": len(counts.searches),
            "sources": len(counts.sources),
            "identified": counts.identified.to_json(),
            "for_assessment": _optional(counts.for_assessment),
        },
        "searches": [
            {
                "id": s.id,
                "source": s.source,
                "kind": s.kind,
                "round": s.round,
                "identified": s.identified,
                "for_assessment": s.for_assessment,
                "for_assessment_recorded": s.for_assessment_recorded,
            }
            for s in counts.searches
        ],
        "sources": [
            {
                "source": s.source,
                "kinds": list(s.kinds),
                "countries": list(s.countries),
                "searches": list(s.search_ids),
                "identified": s.identified.to_json(),
                "for_assessment": _optional(s.for_assessment),
            }
            for s in counts.sources
        ],
        "prisma": _prisma_to_json(counts.prisma),
        "earlier_rounds": [_prisma_to_json(p) for p in counts.earlier_rounds],
        "records": counts.records.to_json() if counts.records is not None else None,
        "flow": flow_to_json(counts.flow) if counts.flow is not None else None,
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _prisma_to_json(prisma: PrismaCounts) -> dict[str, Any]:
    return {
        "columns": {
            "databases": prisma.databases_column,
            "other": prisma.other_column,
            "previous": prisma.previous_column,
        },
        "boxes": {key: count.to_json() for key, count in prisma.boxes.items()},
        "breakdown": {
            key: [{"source": name, **count.to_json()} for name, count in lines]
            for key, lines in prisma.breakdown.items()
        },
        "round": prisma.round,
        "reasons": {key: [list(item) for item in items] for key, items in prisma.reasons.items()},
        "awaiting": {key: c.to_json() for key, c in prisma.awaiting.items()},
    }


def _prisma_from_json(prisma: Mapping[str, Any]) -> PrismaCounts:
    return PrismaCounts(
        databases_column=prisma["columns"]["databases"],
        other_column=prisma["columns"]["other"],
        previous_column=prisma["columns"]["previous"],
        boxes={key: Count.from_json(value) for key, value in prisma["boxes"].items()},
        breakdown={
            key: tuple((line["source"], Count.from_json(line)) for line in lines)
            for key, lines in prisma["breakdown"].items()
        },
        reasons={
            key: tuple((str(r), int(n)) for r, n in items)
            for key, items in prisma["reasons"].items()
        },
        awaiting={key: Count.from_json(value) for key, value in prisma["awaiting"].items()},
        round=prisma["round"],
    )


def _optional(count: Count | None) -> dict[str, Any] | None:
    return None if count is None else count.to_json()


def _optional_count(data: Mapping[str, Any] | None) -> Count | None:
    return None if data is None else Count.from_json(data)


def from_json(text: str) -> ReviewCounts:
    """Read counts written by :func:`to_json`, and verify that they add up."""
    data = json.loads(text)
    if data.get("format") != FORMAT:
        raise ValueError(f"counts file has format {data.get('format')!r}; expected {FORMAT!r}")
    prisma = data["prisma"]
    counts = ReviewCounts(
        searches=tuple(
            SearchCounts(
                s["id"],
                s["source"],
                s["kind"],
                s["round"],
                s["identified"],
                s["for_assessment"],
                s["for_assessment_recorded"],
            )
            for s in data["searches"]
        ),
        sources=tuple(
            SourceCounts(
                source=s["source"],
                kinds=tuple(s["kinds"]),
                countries=tuple(s["countries"]),
                search_ids=tuple(s["searches"]),
                identified=Count.from_json(s["identified"]),
                for_assessment=_optional_count(s["for_assessment"]),
            )
            for s in data["sources"]
        ),
        identified=Count.from_json(data["totals"]["identified"]),
        for_assessment=_optional_count(data["totals"]["for_assessment"]),
        prisma=_prisma_from_json(prisma),
        earlier_rounds=tuple(_prisma_from_json(p) for p in data["earlier_rounds"]),
        records=DedupCounts.from_json(data["records"]) if data["records"] is not None else None,
        flow=flow_from_json(data["flow"]) if data["flow"] is not None else None,
        inputs=data["inputs"],
    )
    verify(counts)
    return counts
