"""The search table (PRISMA-S style) and the per-source table, as CSV and Markdown.

Text (queries, limits, notes) comes from the validated search log; every number comes from
:class:`~searchtrail.counts.ReviewCounts`. The two are joined by search id, and a search
missing from either side is an error rather than a silent gap.
"""

from __future__ import annotations

from searchtrail.count import Count
from searchtrail.counts import ReviewCounts, SearchCounts
from searchtrail.errors import CountMismatchError
from searchtrail.reports import reconciliation
from searchtrail.searchlog import Review, Search
from searchtrail.text import (
    NOT_RECORDED,
    NOT_REPORTED,
    cell,
    csv_text,
    describe,
    md,
    md_table,
    number,
    number_or_words,
    searches_phrase,
    sum_cell,
    unstated,
)

SEARCH_COLUMNS = (
    "id",
    "round",
    "source",
    "platform",
    "kind",
    "country",
    "date",
    "method",
    "query",
    "limits",
    "identified",
    "for_assessment",
    "note",
    "export_files",
    "export_holds",
    "records_in_file",
    "records_read",
    "records_skipped",
    "records_kept",
    "duplicates_removed",
    "reconciliation",
    "log_text",
)

SOURCE_COLUMNS = (
    "source",
    "kind",
    "country",
    "searches",
    "searches_without_count",
    "identified",
    "for_assessment",
    "searches_without_for_assessment",
    "records_exported",
    "records_read",
    "records_skipped",
    "records_kept",
    "duplicates_within_source",
    "duplicates_across_sources",
    "publications",
    "found_only_here",
    "reconciliation",
)


def _joined(review: Review, counts: ReviewCounts) -> list[tuple[Search, SearchCounts]]:
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
            cell(numbers.for_assessment),
            search.note,
            "; ".join(search.export.files) if search.export else "",
            search.export.holds if search.export else "",
            *_record_cells(counts, search),
            search.log_text,
        )
        for search, numbers in _joined(review, counts)
    ]
    return csv_text(SEARCH_COLUMNS, rows)


def _record_cells(counts: ReviewCounts, search: Search) -> tuple[str, ...]:
    found = counts.records.origin(search.id) if counts.records else None
    if found is None:
        return ("",) * 6
    return (
        str(found.in_file),
        str(found.read),
        str(found.skipped),
        str(found.kept),
        str(found.removed),
        reconciliation(search, found),
    )


def searches_md(review: Review, counts: ReviewCounts) -> str:
    """The search table as Markdown, grouped by round when there are several."""
    joined = _joined(review, counts)
    rounds = sorted({search.round for search, _ in joined})
    lines = [
        f"# Searches: {md(review.title)}",
        "",
        f"{searches_phrase(len(joined))} in {len(counts.sources)} sources. Identified: "
        f"{md(describe(counts.identified))}; taken forward for assessment: "
        f"{md(describe(counts.for_assessment))}.",
        "",
        f"A count the log does not state is shown as *{NOT_REPORTED}*; its note says why.",
        "",
    ]
    header = (
        "Id",
        "Source",
        "Platform",
        "Date",
        "Method",
        "Query",
        "Limits",
        "Identified",
        "For assessment",
        "Exported",
        "Note",
    )
    for round_number in rounds:
        members = [(s, n) for s, n in joined if s.round == round_number]
        if len(rounds) > 1:
            dates = sorted({s.date for s, _ in members})
            span = dates[0] if len(dates) == 1 else f"{dates[0]} to {dates[-1]}"
            lines.extend([f"## Round {round_number} (searched {span})", ""])
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
                _md_exported(counts, search),
                md(
                    " ".join(
                        part for part in (search.note, _md_reconciliation(counts, search)) if part
                    )
                ),
            )
            for search, numbers in members
        ]
        lines.append(md_table(header, rows, align="lllllllrrrl"))
    return "\n".join(lines)


def _md_exported(counts: ReviewCounts, search: Search) -> str:
    found = counts.records.origin(search.id) if counts.records else None
    return number(found.in_file) if found else NOT_RECORDED


def _md_reconciliation(counts: ReviewCounts, search: Search) -> str:
    found = counts.records.origin(search.id) if counts.records else None
    text = reconciliation(search, found)
    return f"Export: {text}." if text else ""


def _md_count(value: int | None) -> str:
    return f"*{NOT_REPORTED}*" if value is None else number(value)


def source_reconciliation(review: Review, counts: ReviewCounts, name: str) -> list[str]:
    """Where a source's exports differ from its log counts, one note per search."""
    found = []
    for search in review.searches:
        if search.source != name or counts.records is None:
            continue
        note = reconciliation(search, counts.records.origin(search.id))
        if note:
            found.append(f"{search.id}: {note}")
    return found


def sources_csv(review: Review, counts: ReviewCounts) -> str:
    """One row per source. ``identified`` is the sum of the stated counts, empty when no
    search of the source states one; ``searches_without_count`` says how many state none;
    ``reconciliation`` says where its exports differ from the log."""
    rows = [
        (
            source.source,
            "; ".join(source.kinds),
            "; ".join(source.countries),
            str(source.searches),
            str(source.identified.unstated),
            cell(source.identified.value),
            sum_cell(source.for_assessment),
            str(unstated(source.for_assessment)),
            *_source_record_cells(counts, source.source),
            "; ".join(source_reconciliation(review, counts, source.source)),
        )
        for source in counts.sources
    ]
    return csv_text(SOURCE_COLUMNS, rows)


RECORD_HEADER = (
    "Source",
    "Read",
    "Skipped",
    "Kept",
    "Duplicates within",
    "Duplicates across",
    "Publications",
    "Found only here",
)


def _source_record_cells(counts: ReviewCounts, name: str) -> tuple[str, ...]:
    records = counts.records
    found = records.source(name) if records else None
    if records is None or found is None:
        return ("",) * 8
    exported = sum(o.in_file for o in records.origins if o.source == name)
    return (
        str(exported),
        str(found.read),
        str(found.skipped),
        str(found.kept),
        str(found.within_source),
        str(found.cross_source),
        str(found.groups),
        str(found.unique_contribution),
    )


def sources_md(review: Review, counts: ReviewCounts) -> str:
    """The per-source table as Markdown, with a total line."""
    header = (
        "Source",
        "Kind",
        "Country",
        "Searches",
        "Without count",
        "Identified",
        "For assessment",
        "Without for-assessment count",
    )
    rows = [
        (
            md(source.source),
            md(", ".join(k.replace("_", " ") for k in source.kinds)),
            md(", ".join(source.countries)),
            str(source.searches),
            str(source.identified.unstated),
            _md_sum(source.identified),
            _md_sum(source.for_assessment),
            str(unstated(source.for_assessment)),
        )
        for source in counts.sources
    ]
    rows.append(
        (
            "**Total**",
            "",
            "",
            f"**{len(counts.searches)}**",
            f"**{counts.identified.unstated}**",
            f"**{_md_sum(counts.identified)}**",
            f"**{_md_sum(counts.for_assessment)}**",
            f"**{unstated(counts.for_assessment)}**",
        )
    )
    intro = [
        f"# Records per source: {md(review.title)}",
        "",
        "*Identified* and *For assessment* are sums of the counts the search log states. "
        "*Without count* is the number of searches that state no number; their records are "
        f"not in the sum, which is therefore a lower bound. A source none of whose searches "
        f"states a count shows *{NOT_REPORTED}*.",
        "",
        f"In total: {md(describe(counts.identified))} identified; "
        f"{md(describe(counts.for_assessment))} taken forward for assessment.",
        "",
        "",
    ]
    text = "\n".join(intro) + md_table(header, rows, align="lllrrrrr")
    records = counts.records
    if records is None or not records.sources:
        return text
    record_rows = [
        (
            md(s.source),
            number(s.read),
            number(s.skipped),
            number(s.kept),
            number(s.within_source),
            number(s.cross_source),
            number(s.groups),
            number(s.unique_contribution),
        )
        for s in records.sources
    ]
    search_origins = [o for o in records.origins if o.origin == "search"]
    record_rows.append(
        (
            "**Total**",
            f"**{number(sum(o.read for o in search_origins))}**",
            f"**{number(sum(o.skipped for o in search_origins))}**",
            f"**{number(sum(o.kept for o in search_origins))}**",
            f"**{number(sum(o.within_source for o in search_origins))}**",
            f"**{number(sum(o.cross_source for o in search_origins))}**",
            f"**{number(sum(n for _, n in records.intersections))}**",
            "",
        )
    )
    return (
        text
        + "\n## Exported records per source\n\n"
        + "*Read* are the records of the sources' exports; *Kept* remain after deduplication; "
        "duplicates are counted *within* one source or *across* sources; *Publications* are the "
        "unique publications a source found, *Found only here* those no other source found.\n\n"
        + md_table(
            (
                "Source",
                "Read",
                "Skipped",
                "Kept",
                "Duplicates within",
                "Duplicates across",
                "Publications",
                "Found only here",
            ),
            record_rows,
            align="lrrrrrrr",
        )
        + _md_differences(review, counts)
    )


def _md_differences(review: Review, counts: ReviewCounts) -> str:
    notes = [
        f"- {md(source.source)}: {md(note)}"
        for source in counts.sources
        for note in source_reconciliation(review, counts, source.source)
    ]
    if not notes:
        return ""
    return "\n## Where the exports differ from the log\n\n" + "\n".join(notes) + "\n"


def _md_sum(count: Count | None) -> str:
    text = number_or_words(count)
    return f"*{text}*" if text == NOT_REPORTED else text
