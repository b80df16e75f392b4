"""Every invariant of a review's numbers, checked on the numbers alone.

:func:`verify` runs when the counts are made and again whenever ``counts.json`` is read
back, so a count edited by hand, or a report reading counts made by another version,
cannot pass unnoticed. It checks that:

- searches add up to their sources and to the totals, identified and for assessment;
- every export conserves its records (in the files = read + skipped; read = publications +
  duplicates within it), and so does the review (records = publications + duplicates
  removed; removed = within sources + across sources = by identifier + by fuzzy rule + by
  person; the overlap and each source's publications agree);
- every identification box is the sum of its lines, and the boxes of a round are the sum
  of its searches (and of the records found outside them);
- every later box is its parts plus those awaiting a decision, in both columns: identified
  = duplicates + removed before screening + screened; screened = excluded + sought;
  sought = not retrieved + assessed; assessed = excluded + included; the reasons add up to
  the excluded; new reports = included in both columns; previous + new = total;
- across rounds: each round's previous studies and reports are the total of the round
  before;
- the stage tables agree with the diagrams, and the search-update table with the exports.

Numbers that are not known exactly (pending, or with searches that state no count) are
left out of the equations they cannot be part of.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import pairwise
from typing import Final

from searchtrail.counts.model import (
    IDENTIFICATION_BOXES,
    Diagram,
    ExportCounts,
    ReviewCounts,
    SearchCounts,
)
from searchtrail.counts.number import Count, exact, total
from searchtrail.errors import CountMismatchError

_PARTS: Final = (
    # box = its parts + the records or reports in it awaiting a decision
    ("records_screened", ("records_excluded", "dbr_sought_reports")),
    ("dbr_sought_reports", ("dbr_notretrieved_reports", "dbr_assessed")),
    ("dbr_assessed", ("dbr_excluded", "dbr_included")),
    ("other_sought_reports", ("other_notretrieved_reports", "other_assessed")),
    ("other_assessed", ("other_excluded", "other_included")),
    ("new_reports", ("dbr_included", "other_included")),
    ("total_reports", ("previous_reports", "new_reports")),
    ("total_studies", ("previous_studies", "new_studies")),
)


def verify(counts: ReviewCounts) -> None:
    """Check every invariant; raise :class:`CountMismatchError` listing each one broken."""
    found: list[str] = []
    found.extend(_sums(counts))
    found.extend(_records(counts))
    for diagram in (*counts.earlier, counts.diagram):
        found.extend(_identification(counts, diagram))
        found.extend(box_arithmetic(diagram))
        found.extend(_log_against_exports(counts, diagram))
    found.extend(_across_rounds(counts))
    found.extend(_stages(counts))
    found.extend(_updates(counts))
    if found:
        raise CountMismatchError(found)


def _plain(count: Count | None) -> str:
    if count is None:
        return "not recorded"
    if count.pending:
        return f"pending ({count.pending})"
    value = "unknown" if count.value is None else str(count.value)
    return f"{value} with {count.unstated} searches without a count"


def _same(label: str, part: Count | None, whole: Count | None) -> list[str]:
    # Exactly equal: a sum nothing in which states a number is "not reported", never 0.
    if part != whole:
        return [f"{label}: parts sum to {_plain(part)}, total is {_plain(whole)}"]
    return []


def _equal(label: str, whole: int, parts: int, terms: str) -> list[str]:
    return [] if whole == parts else [f"{label}: {whole}, but {terms} = {parts}"]


def _for_assessment(searches: Iterable[SearchCounts]) -> Count | None:
    recorded = [s.for_assessment for s in searches if s.for_assessment_recorded]
    return Count.of(recorded) if recorded else None


def _sums(counts: ReviewCounts) -> list[str]:
    found = _same(
        "identified, sum of the searches",
        Count.of(s.identified for s in counts.searches),
        counts.identified,
    )
    found += _same(
        "identified, sum of the per-source table",
        total(s.identified for s in counts.sources),
        counts.identified,
    )
    found += _same(
        "for_assessment, sum of the searches",
        _for_assessment(counts.searches),
        counts.for_assessment,
    )
    recorded = [s.for_assessment for s in counts.sources if s.for_assessment is not None]
    found += _same(
        "for_assessment, sum of the per-source table",
        total(recorded) if recorded else None,
        counts.for_assessment,
    )
    found += _equal(
        "searches counted from their export",
        counts.identified_from_exports,
        sum(s.identified_from_exports for s in counts.sources),
        "the sum over sources",
    )
    for source in counts.sources:
        members = [s for s in counts.searches if s.source == source.source]
        if [s.id for s in members] != list(source.search_ids):
            found.append(
                f"source '{source.source}': searches {', '.join(source.search_ids)} listed, "
                f"{', '.join(s.id for s in members)} in the log"
            )
        found += _same(
            f"source '{source.source}', identified",
            Count.of(s.identified for s in members),
            source.identified,
        )
        found += _same(
            f"source '{source.source}', for_assessment",
            _for_assessment(members),
            source.for_assessment,
        )
        from_exports = sum(1 for s in members if s.identified_from == "export")
        found += _equal(
            f"source '{source.source}', searches counted from their export",
            source.identified_from_exports,
            from_exports,
            "its searches",
        )
    return found


def _exports(counts: ReviewCounts) -> dict[str, ExportCounts]:
    found = {s.id: s.export for s in counts.searches if s.export is not None}
    found.update({r.id: r.records for r in counts.record_files})
    return found


def _records(counts: ReviewCounts) -> list[str]:
    found: list[str] = []
    exports = _exports(counts)
    for origin, e in exports.items():
        found += _equal(
            f"'{origin}': records in the files", e.in_file, e.read + e.skipped,
            f"read {e.read} + skipped {e.skipped}",
        )  # fmt: skip
        found += _equal(
            f"'{origin}': records read", e.read, e.publications + e.duplicates_within,
            f"publications {e.publications} + duplicates within {e.duplicates_within}",
        )  # fmt: skip
        if e.found_only_here > e.publications:
            found.append(f"'{origin}': more publications found only here than publications")
    d = counts.records
    read = sum(e.read for e in exports.values())
    found += _equal("records read", d.records, read, "the sum over exports and record files")
    found += _equal(
        "records in the files", d.in_file, sum(e.in_file for e in exports.values()),
        "the sum over exports and record files",
    )  # fmt: skip
    found += _equal(
        "records skipped", d.skipped, sum(e.skipped for e in exports.values()),
        "the sum over exports and record files",
    )  # fmt: skip
    found += _equal(
        "duplicates removed", d.removed, d.records - d.publications,
        f"records {d.records} − publications {d.publications}",
    )  # fmt: skip
    found += _equal(
        "duplicates removed", d.removed, d.within_source + d.across_sources,
        f"within sources {d.within_source} + across sources {d.across_sources}",
    )  # fmt: skip
    found += _equal(
        "duplicates removed", d.removed, d.by_identifier + d.by_fuzzy_rule + d.by_person,
        f"by identifier {d.by_identifier} + by fuzzy rule {d.by_fuzzy_rule} + by person "
        f"{d.by_person}",
    )  # fmt: skip
    found += _equal(
        "duplicates within sources", d.within_source,
        sum(s.duplicates_within for s in d.sources), "the sum over sources",
    )  # fmt: skip
    found += _equal(
        "duplicates across sources", d.across_sources,
        sum(s.publications for s in d.sources) - d.publications,
        "the sources' publications summed − distinct publications",
    )  # fmt: skip
    found += _equal(
        "publications", d.publications, sum(n for _, n in d.intersections),
        "the sum over combinations of sources",
    )  # fmt: skip
    diagonal = {a: n for a, b, n in d.overlap if a == b}
    for s in d.sources:
        mine = [exports[o] for o in s.origins if o in exports]
        found += _equal(f"source '{s.source}': records read", s.read,
                        sum(e.read for e in mine), "the sum over its exports")  # fmt: skip
        found += _equal(f"source '{s.source}': records in the files", s.in_file,
                        sum(e.in_file for e in mine), "the sum over its exports")  # fmt: skip
        found += _equal(f"source '{s.source}': records read", s.read,
                        s.publications + s.duplicates_within,
                        "publications + duplicates within")  # fmt: skip
        found += _equal(
            f"source '{s.source}': publications", s.publications,
            sum(n for combo, n in d.intersections if s.source in combo),
            "the combinations of sources it is in",
        )  # fmt: skip
        found += _equal(
            f"source '{s.source}': found only here", s.found_only_here,
            sum(n for combo, n in d.intersections if combo == (s.source,)),
            "its combination alone",
        )  # fmt: skip
        found += _equal(
            f"source '{s.source}': found elsewhere", s.found_elsewhere,
            s.publications - s.found_only_here, "publications − found only here",
        )  # fmt: skip
        found += _equal(f"source '{s.source}': overlap with itself", diagonal.get(s.source, 0),
                        s.publications, "its publications")  # fmt: skip
    return found


def _identification(counts: ReviewCounts, diagram: Diagram) -> list[str]:
    found: list[str] = []
    label = f"PRISMA identification (round {diagram.round})"
    for box in IDENTIFICATION_BOXES:
        found += _same(
            f"{label}, box {box}, sum of its sources",
            total(count for _, count in diagram.breakdown.get(box, ())),
            diagram.boxes[box],
        )
    searched = Count.of(s.identified for s in counts.searches if s.round == diagram.round)
    outside = Count(
        sum(
            r.records.in_file
            for r in counts.record_files
            if r.round == diagram.round and not r.searches
        )
    )
    # The boxes of kinds no search of the round has are exact zeros: both sides start at 0.
    found += _same(
        f"{label}, boxes summed against the round's searches and records found outside them",
        total([Count(0), *(diagram.boxes[box] for box in IDENTIFICATION_BOXES)]),
        total([Count(0), searched, outside]),
    )
    if diagram.sought_parts:
        found += _same(
            f"PRISMA box other_sought_reports (round {diagram.round}), sum of its parts",
            total(count for _, count in diagram.sought_parts),
            diagram.boxes["other_sought_reports"],
        )
    return found


def box_arithmetic(diagram: Diagram) -> list[str]:
    """Where a diagram's boxes do not add up (boxes without an exact number are skipped)."""
    boxes = diagram.boxes
    found = []
    for whole, parts in _PARTS:
        numbers = [exact(boxes.get(whole)), *(exact(boxes.get(p)) for p in parts)]
        waiting = exact(diagram.awaiting.get(whole, Count(0)))
        if None in numbers or waiting is None:
            continue
        sum_parts = sum(n or 0 for n in numbers[1:]) + waiting
        if numbers[0] != sum_parts:
            terms = " + ".join(f"{p} {n}" for p, n in zip(parts, numbers[1:], strict=True))
            found.append(
                f"PRISMA box {whole} (round {diagram.round}): {numbers[0]}, but {terms} + "
                f"awaiting {waiting} = {sum_parts}"
            )
    earlier, new = (
        exact(boxes.get("new_reports_of_earlier_studies")),
        exact(boxes.get("new_reports")),
    )
    if earlier is not None and new is not None and earlier > new:
        found.append(
            f"PRISMA box new_reports (round {diagram.round}): {new} new reports, but "
            f"{earlier} of them are said to belong to studies included earlier"
        )
    for box, reasons in diagram.reasons.items():
        excluded = exact(boxes[box])
        if excluded is not None and sum(n for _, n in reasons) != excluded:
            found.append(
                f"PRISMA box {box} (round {diagram.round}): {excluded} excluded, but the "
                f"reasons add up to {sum(n for _, n in reasons)}"
            )
    return found


def _log_against_exports(counts: ReviewCounts, diagram: Diagram) -> list[str]:
    """Identified (from the log) = duplicates + removed before screening + screened."""
    boxes = diagram.boxes
    if not diagram.databases_column:
        return []
    identified = exact(boxes["database_results"] + boxes["register_results"])
    parts = [exact(boxes[b]) for b in
             ("duplicates", "excluded_automatic", "excluded_other", "records_screened")]  # fmt: skip
    if identified is None or None in parts:
        return []
    duplicates, automation, other, screened = (n or 0 for n in parts)
    removed = duplicates + automation + other
    if identified == removed + screened:
        return []
    differ = [
        f"{s.id}: log {s.export.documented}, export {s.export.in_file}"
        for s in counts.searches
        if s.round == diagram.round
        and s.kind in ("database", "register")
        and s.export is not None
        and not s.export.agrees
    ]
    return [
        f"PRISMA box 'Records screened' (round {diagram.round}): identified {identified} − "
        f"removed before screening {removed} (duplicates {duplicates}, automation "
        f"{automation}, other {other}) = {identified - removed}, but {screened} records "
        f"were screened; the exports and the log differ ({'; '.join(differ) or 'no search'}): "
        "correct the count in searches/log.yaml or export every record the search found"
    ]


def _across_rounds(counts: ReviewCounts) -> list[str]:
    found: list[str] = []
    diagrams = [*counts.earlier, counts.diagram]
    for before, after in pairwise(diagrams):
        for previous, total_box in (
            ("previous_reports", "total_reports"),
            ("previous_studies", "total_studies"),
        ):
            a, b = exact(after.boxes[previous]), exact(before.boxes[total_box])
            if a is not None and b is not None and a != b:
                found.append(
                    f"PRISMA box {previous} (round {after.round}): {a}, but round "
                    f"{before.round}'s {total_box} is {b}"
                )
    return found


def _sum_exact(counts: Iterable[Count]) -> int | None:
    values = [exact(c) for c in counts]
    return None if None in values else sum(v or 0 for v in values)


def _stages(counts: ReviewCounts) -> list[str]:
    found: list[str] = []
    table = counts.stages
    everything = table.total
    diagrams = [*counts.earlier, counts.diagram]
    found += _equal("stage table: publications", everything.publications,
                    counts.records.publications, "publications after deduplication")  # fmt: skip
    found += _equal("stage table: records exported", everything.exported,
                    counts.records.in_file, "records in the files")  # fmt: skip
    for stage, boxes in (
        ("screened", ("records_screened",)),
        ("assessed", ("dbr_assessed", "other_assessed")),
        ("included", ("dbr_included", "other_included")),
    ):
        mine = exact(getattr(everything, stage))
        theirs = _sum_exact(d.boxes[box] for d in diagrams for box in boxes)
        if mine is not None and theirs is not None and mine != theirs:
            found.append(
                f"stage table: {stage} {mine}, but the diagrams' {' + '.join(boxes)} over "
                f"every round = {theirs}"
            )
    studies, total_studies = (
        exact(everything.included_studies),
        exact(counts.diagram.boxes["total_studies"]),
    )
    if studies is not None and total_studies is not None and studies != total_studies:
        found.append(
            f"stage table: included studies {studies}, but the diagram's total_studies is "
            f"{total_studies}"
        )
    sources = {s.source: s for s in counts.records.sources}
    for row in table.sources:
        source = sources.get(row.name)
        if source is None:
            found.append(f"stage table: source '{row.name}' has no records")
            continue
        found += _equal(f"stage table: '{row.name}' publications", row.publications,
                        source.publications, "its publications after deduplication")  # fmt: skip
        found += _equal(f"stage table: '{row.name}' found only here", row.only_here or 0,
                        source.found_only_here, "its publications no other source found")  # fmt: skip
    exports = _exports(counts)
    for row in table.searches:
        export = exports.get(row.name)
        if export is None:
            found.append(f"stage table: search '{row.name}' has no records")
            continue
        found += _equal(f"stage table: '{row.name}' publications", row.publications,
                        export.publications, "its export's publications")  # fmt: skip
        found += _equal(f"stage table: '{row.name}' found only here", row.only_here or 0,
                        export.found_only_here, "its export's publications found only there")  # fmt: skip
    for row in (*table.sources, *table.searches, everything):
        flags = [exact(c) for c in (row.sought, row.assessed, row.included)]
        if None not in flags and not (row.publications >= (flags[0] or 0) >= (flags[1] or 0)
                                      >= (flags[2] or 0)):  # fmt: skip
            found.append(
                f"stage table: '{row.name}': publications {row.publications} ≥ sought "
                f"{flags[0]} ≥ assessed {flags[1]} ≥ included {flags[2]} does not hold"
            )
    return found


def _updates(counts: ReviewCounts) -> list[str]:
    found: list[str] = []
    for row in counts.updates:
        found += _equal(f"search update '{row.search}': publications", row.publications,
                        row.new + row.seen_before, f"new {row.new} + seen before {row.seen_before}")  # fmt: skip
        export = _exports(counts).get(row.search)
        if export is not None:
            found += _equal(f"search update '{row.search}': publications", row.publications,
                            export.publications, "its export's publications")  # fmt: skip
    return found
