"""The search table (PRISMA-S style), as CSV and Markdown.

Text (queries, limits, notes) comes from the validated search log; every number comes from
:class:`~searchtrail.counts.model.ReviewCounts`. The two are joined by search id, and a
search missing from either side is an error rather than a silent gap.
"""

from __future__ import annotations

from searchtrail.counts.model import ReviewCounts, SearchCounts
from searchtrail.csvtext import csv_text
from searchtrail.errors import CountMismatchError
from searchtrail.reports.words import (
    NOT_RECORDED,
    NOT_REPORTED,
    basis_note,
    cell,
    describe,
    md,
    md_table,
    number,
    reconciliation,
    searches_phrase,
)
from searchtrail.searchlog import Review, Search

SEARCH_COLUMNS = (
    "id", "round", "source", "platform", "kind", "country", "date", "method", "query",
    "limits", "identified", "identified_from", "for_assessment", "for_assessment_from",
    "note", "export_files", "export_holds", "records_in_file", "records_read",
    "records_skipped", "publications", "duplicates_within_search", "found_only_here",
    "reconciliation", "log_text",
)  # fmt: skip


def joined(review: Review, counts: ReviewCounts) -> list[tuple[Search, SearchCounts]]:
    """Each search of the log with its numbers; refuses counts made from another log."""
    numbers = {s.id: s for s in counts.searches}
    texts = {s.id: s for s in review.searches}
    if numbers.keys() != texts.keys():
        only_log = sorted(texts.keys() - numbers.keys())
        only_counts = sorted(numbers.keys() - texts.keys())
        raise CountMismatchError(
            [
                "the counts were made from another version of the search log: "
                f"searches only in the log: {only_log or 'none'}; "
                f"only in the counts: {only_counts or 'none'} (rerun the pipeline)"
            ]
        )
    return [(search, numbers[search.id]) for search in review.searches]


def _record_cells(numbers: SearchCounts) -> tuple[str, ...]:
    export = numbers.export
    if export is None:
        return ("",) * 7
    return (
        str(export.in_file),
        str(export.read),
        str(export.skipped),
        str(export.publications),
        str(export.duplicates_within),
        str(export.found_only_here),
        reconciliation(numbers),
    )


def searches_csv(review: Review, counts: ReviewCounts) -> str:
    """One row per search; unknown counts are empty cells (the note says why)."""
    rows = [
        (
            search.id,
            str(search.round),
            search.source,
            search.platform,
            search.kind,
            search.country,
            search.date,
            search.method,
            search.query,
            "; ".join(search.limits),
            cell(numbers.identified),
            numbers.identified_from,
            cell(numbers.for_assessment),
            numbers.for_assessment_from,
            search.note,
            "; ".join(search.export.files) if search.export else "",
            search.export.holds if search.export else "",
            *_record_cells(numbers),
            search.log_text,
        )
        for search, numbers in joined(review, counts)
    ]
    return csv_text(SEARCH_COLUMNS, rows)


def _md_count(value: int | None) -> str:
    return f"*{NOT_REPORTED}*" if value is None else number(value)


def _md_note(search: Search, numbers: SearchCounts) -> str:
    parts = [search.note]
    basis = basis_note(numbers)
    if basis:
        parts.append(f"Counts: {basis}.")
    differs = reconciliation(numbers)
    if differs:
        parts.append(f"Export: {differs}.")
    return md(" ".join(part for part in parts if part))


def searches_md(review: Review, counts: ReviewCounts) -> str:
    """The search table as Markdown, grouped by round when there are several."""
    pairs = joined(review, counts)
    lines = [
        f"# Searches: {md(review.title)}",
        "",
        f"{searches_phrase(counts.search_count)} in {counts.source_count} sources. Identified: "
        f"{md(describe(counts.identified))}; taken forward for assessment: "
        f"{md(describe(counts.for_assessment))}.",
        "",
        f"A count the log does not state is shown as *{NOT_REPORTED}*; its note says why. "
        "Where the log states none but the search's export holds exactly those records, the "
        "count is taken from the export and the note says so.",
        "",
    ]
    header = (
        "Id", "Source", "Platform", "Date", "Method", "Query", "Limits", "Identified",
        "For assessment", "Exported", "Note",
    )  # fmt: skip
    several = len(counts.rounds) > 1
    for summary in counts.rounds:
        members = [(s, n) for s, n in pairs if s.round == summary.round]
        if several:
            span = (
                summary.first_date
                if summary.first_date == summary.last_date
                else f"{summary.first_date} to {summary.last_date}"
            )
            lines.extend([f"## Round {summary.round} (searched {span})", ""])
        rows = [
            (
                md(search.id),
                md(search.source),
                md(search.platform),
                md(search.date),
                md(search.method),
                md(search.query),
                md("; ".join(search.limits)),
                _md_count(numbers.identified),
                _md_count(numbers.for_assessment)
                if numbers.for_assessment_recorded
                else NOT_RECORDED,
                number(numbers.export.in_file) if numbers.export else NOT_RECORDED,
                _md_note(search, numbers),
            )
            for search, numbers in members
        ]
        lines.append(md_table(header, rows, align="lllllllrrrl"))
    return "\n".join(lines)
