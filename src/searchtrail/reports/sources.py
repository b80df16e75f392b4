"""The per-source table, as CSV and Markdown: each source's searches and stated counts, and
the records its exports held with what deduplication made of them.

Every number, the total lines included, comes from
:class:`~searchtrail.counts.model.ReviewCounts`.
"""

from __future__ import annotations

from searchtrail.counts.model import ReviewCounts, SourceRecords
from searchtrail.counts.number import Count
from searchtrail.csvtext import csv_text
from searchtrail.reports.searches import joined
from searchtrail.reports.words import (
    NOT_REPORTED,
    cell,
    describe,
    md,
    md_table,
    number,
    number_or_words,
    reconciliation,
    sum_cell,
    unstated,
)
from searchtrail.searchlog import Review

SOURCE_COLUMNS = (
    "source", "kind", "country", "searches", "searches_without_count", "identified",
    "searches_counted_from_export", "for_assessment", "searches_without_for_assessment",
    "records_exported", "records_read", "records_skipped", "duplicates_within_source",
    "publications", "found_only_here", "found_elsewhere", "reconciliation",
)  # fmt: skip


def source_reconciliation(review: Review, counts: ReviewCounts, name: str) -> list[str]:
    """Where a source's exports differ from its log counts, one note per search."""
    return [
        f"{search.id}: {note}"
        for search, numbers in joined(review, counts)
        if search.source == name and (note := reconciliation(numbers))
    ]


def _record_cells(records: SourceRecords | None) -> tuple[str, ...]:
    if records is None:
        return ("",) * 7
    return (
        str(records.in_file),
        str(records.read),
        str(records.skipped),
        str(records.duplicates_within),
        str(records.publications),
        str(records.found_only_here),
        str(records.found_elsewhere),
    )


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
            str(source.identified_from_exports),
            sum_cell(source.for_assessment),
            str(unstated(source.for_assessment)),
            *_record_cells(counts.records.source(source.source)),
            "; ".join(source_reconciliation(review, counts, source.source)),
        )
        for source in counts.sources
    ]
    return csv_text(SOURCE_COLUMNS, rows)


def _md_sum(count: Count | None) -> str:
    text = number_or_words(count)
    return f"*{text}*" if text == NOT_REPORTED else text


def sources_md(review: Review, counts: ReviewCounts) -> str:
    """The per-source table as Markdown, with total lines."""
    header = (
        "Source", "Kind", "Country", "Searches", "Without count", "Identified",
        "For assessment", "Without for-assessment count",
    )  # fmt: skip
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
            f"**{counts.search_count}**",
            f"**{counts.identified.unstated}**",
            f"**{_md_sum(counts.identified)}**",
            f"**{_md_sum(counts.for_assessment)}**",
            f"**{unstated(counts.for_assessment)}**",
        )
    )
    from_exports = counts.identified_from_exports
    intro = [
        f"# Records per source: {md(review.title)}",
        "",
        "*Identified* and *For assessment* are sums of the counts the search log states. "
        "*Without count* is the number of searches that state no number; their records are "
        f"not in the sum, which is therefore a lower bound. A source none of whose searches "
        f"states a count shows *{NOT_REPORTED}*."
        + (
            f" For {from_exports} search(es) the log states no number identified and the "
            "number is that of the records in the search's export, which holds every record "
            "it identified (see the search table)."
            if from_exports
            else ""
        ),
        "",
        f"In total: {md(describe(counts.identified))} identified; "
        f"{md(describe(counts.for_assessment))} taken forward for assessment.",
        "",
        "",
    ]
    text = "\n".join(intro) + md_table(header, rows, align="lllrrrrr")
    records = counts.records
    if not records.sources:
        return text
    record_rows = [
        (
            md(s.source),
            number(s.read),
            number(s.skipped),
            number(s.duplicates_within),
            number(s.publications),
            number(s.found_only_here),
            number(s.found_elsewhere),
        )
        for s in records.sources
    ]
    record_rows.append(
        (
            "**All sources**",
            f"**{number(records.records)}**",
            f"**{number(records.skipped)}**",
            f"**{number(records.within_source)}**",
            f"**{number(records.publications)}**",
            "",
            "",
        )
    )
    return (
        text
        + "\n## Exported records per source\n\n"
        + "*Read*: the records of the source's exports (and of each record file, listed as "
        "a source of its own). *Duplicates within*: its records that duplicate another of "
        "its own records. *Publications*: the distinct publications it found; *Found only "
        "here*: those no other source found; *Found elsewhere*: those another source found "
        "too. The total line counts each publication once: "
        f"{number(records.publications)} publications, and "
        f"{number(records.across_sources)} duplicates across sources (a publication found by "
        "k sources counts k − 1).\n\n"
        + md_table(
            (
                "Source",
                "Read",
                "Skipped",
                "Duplicates within",
                "Publications",
                "Found only here",
                "Found elsewhere",
            ),
            record_rows,
            align="lrrrrrr",
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
