"""Reports on exported records: deduplication summary, source overlap, UpSet plot.

Every number comes from :class:`~searchtrail.counts.model.ReviewCounts` (``counts.json``).
Record files are shown as sources of their own ("record file <id>").
"""

from __future__ import annotations

from typing import Final

from searchtrail.counts.model import ExportCounts, ReviewCounts
from searchtrail.csvtext import csv_text
from searchtrail.reports.prisma.textwidth import FONT_FAMILY, text_width
from searchtrail.reports.searches import joined
from searchtrail.reports.words import basis_note, md, md_table, number, reconciliation, xml
from searchtrail.searchlog import Review

NO_RECORDS: Final = (
    "No search in the log names an export file and there are no record files, so there are "
    "no records to deduplicate."
)


def _export_row(name: str, source: str, export: ExportCounts, note: str) -> tuple[str, ...]:
    return (
        md(name),
        md(source),
        md(export.holds.replace("_", " ")),
        number(export.in_file),
        number(export.read),
        number(export.skipped),
        number(export.publications),
        number(export.duplicates_within),
        number(export.found_only_here),
        note,
    )


def dedup_md(review: Review, counts: ReviewCounts) -> str:
    """The deduplication summary as Markdown."""
    lines = [f"# Deduplication: {md(review.title)}", ""]
    records = counts.records
    if not records.sources:
        lines.extend([NO_RECORDS, ""])
        return "\n".join(lines)
    lines.append(
        f"{number(records.records)} records read from {records.search_files} export file(s)"
        + (f" and {records.record_files} record file(s)" if records.record_files else "")
        + (
            f"; {number(records.skipped)} could not be read and were skipped (counted as removed "
            "for other reasons)."
            if records.skipped
            else "."
        )
    )
    lines.append(
        f"**{number(records.publications)} unique publications**; "
        f"{number(records.removed)} duplicates removed:"
    )
    lines.append("")
    lines.append(
        md_table(
            ("Duplicates removed", "Records"),
            [
                ("within one source", number(records.within_source)),
                ("across sources", number(records.across_sources)),
                ("by the same DOI or PubMed id", number(records.by_identifier)),
                (
                    "by fuzzy rules (title, authors, journal, volume, pages)",
                    number(records.by_fuzzy_rule),
                ),
                ("by people's verdicts (screening/duplicates.csv)", number(records.by_person)),
            ],
            align="lr",
        )
    )
    lines.append(
        "Within and across are told apart by which sources hold a publication's records: a "
        "publication with n records in one source has n − 1 duplicates within it, and one "
        "found by k sources has k − 1 across them, whichever record was kept. How a record "
        "was matched (identifier, fuzzy rule, person) is that of its link to the kept record."
    )
    lines.append("")
    lines.append(
        f"Pairs linked as versions of one work and kept apart (erratum, retraction, preprint, "
        f"conference abstract): {number(records.linked_pairs)}. Pairs left for people: "
        f"{number(records.uncertain_pairs)}; unanswered questions in `screening/duplicates.csv`: "
        f"{number(records.open_questions)}; people's verdicts applied: {number(records.verdicts)}. "
        f"Groups split because two of their records cannot be one work: {number(records.splits)}."
    )
    lines.append("")
    lines.append(
        "Every compared pair, with the rule or reason behind its decision, is in "
        "`reports/dedup/pairs.csv`; the unique records, each field naming the record it came "
        "from, in `reports/dedup/unique.csv` and `unique.ris`; every record's group in "
        "`reports/dedup/groups.csv`."
    )
    lines.extend(["", "## Records per search and record file", ""])
    rows = [
        _export_row(
            search.id,
            search.source,
            numbers.export,
            md(reconciliation(numbers) or basis_note(numbers)) or "agrees",
        )
        for search, numbers in joined(review, counts)
        if numbers.export is not None
    ]
    rows.extend(
        _export_row(r.id, "record file", r.records, "" if r.complete else "partial list")
        for r in counts.record_files
    )
    lines.append(
        md_table(
            (
                "Search",
                "Source",
                "Export holds",
                "In the files",
                "Read",
                "Skipped",
                "Publications",
                "Duplicates within",
                "Found only here",
                "Documented count",
            ),
            rows,
            align="lllrrrrrrl",
        )
    )
    return "\n".join(lines)


def _sources(counts: ReviewCounts) -> list[str]:
    return [s.source for s in counts.records.sources]


def overlap_csv(counts: ReviewCounts) -> str:
    """Publications found by each pair of sources (the diagonal: by each source)."""
    names = _sources(counts)
    cells = {(a, b): n for a, b, n in counts.records.overlap}
    return csv_text(["source", *names], ([a, *(str(cells[(a, b)]) for b in names)] for a in names))


def overlap_md(review: Review, counts: ReviewCounts) -> str:
    """The overlap table and each source's unique contribution, as Markdown."""
    lines = [f"# Overlap between sources: {md(review.title)}", ""]
    records = counts.records
    if not records.sources:
        lines.extend([NO_RECORDS, ""])
        return "\n".join(lines)
    names = _sources(counts)
    cells = {(a, b): n for a, b, n in records.overlap}
    lines.append(
        "Unique publications (duplicate groups) found by the source in the row and the source in "
        "the column; the diagonal is each source's own total."
    )
    lines.append("")
    lines.append(
        md_table(
            ("Source", *(md(n) for n in names)),
            [(md(a), *(number(cells[(a, b)]) for b in names)) for a in names],
            align="l" + "r" * len(names),
        )
    )
    lines.extend(["## Each source's contribution", ""])
    lines.append(
        md_table(
            (
                "Source",
                "Records",
                "Duplicates within",
                "Publications",
                "Found only here",
                "Found elsewhere",
            ),
            [
                (
                    md(s.source),
                    number(s.read),
                    number(s.duplicates_within),
                    number(s.publications),
                    number(s.found_only_here),
                    number(s.found_elsewhere),
                )
                for s in records.sources
            ],
            align="lrrrrr",
        )
    )
    return "\n".join(lines)


# --- UpSet plot -------------------------------------------------------------------------------

_BAR: Final = "#2f5d8a"
_DOT_OFF: Final = "#d9d9d9"


def upset_svg(review: Review, counts: ReviewCounts, *, limit: int = 30) -> str:
    """An UpSet-style plot of which sources found which publications.

    Each column is one combination of sources (filled dots), with a bar for the number of
    publications found by exactly that combination; the horizontal bars on the left are
    each source's total. At most ``limit`` combinations are drawn, largest first.
    """
    records = counts.records
    title = f"Publications by the sources that found them: {review.title}"
    if not records.sources:
        return _svg(
            420, 60, title, [f'<text x="16" y="36" font-size="12">{xml(NO_RECORDS)}</text>']
        )
    names = _sources(counts)
    combos = list(records.intersections[:limit])
    totals = {s.source: s.publications for s in records.sources}
    size, row_height, column = 12.0, 22.0, 26.0
    label_width = max(text_width(n, size) for n in names) + 16
    total_width = 120.0
    left = 16 + total_width + label_width
    top, chart = 30.0, 170.0
    matrix_top = top + chart + 14
    width = left + column * max(len(combos), 1) + 24
    height = matrix_top + row_height * len(names) + 40
    biggest = max((n for _, n in combos), default=1) or 1
    biggest_total = max(totals.values(), default=1) or 1
    heading = xml("Publications by the sources that found them")
    parts = [f'<text x="16" y="18" font-size="13" font-weight="bold">{heading}</text>']
    for k, (members, n) in enumerate(combos):
        x = left + column * k + column / 2
        bar = chart * n / biggest
        parts.append(
            f'<rect x="{x - 8:.1f}" y="{top + chart - bar:.1f}" width="16" height="{bar:.1f}" fill="{_BAR}">'
            f"<title>{xml(' + '.join(members))}: {n:,}</title></rect>"
        )
        parts.append(
            f'<text x="{x:.1f}" y="{top + chart - bar - 4:.1f}" font-size="9" text-anchor="middle">{n:,}</text>'
        )
        present = [i for i, name in enumerate(names) if name in members]
        if len(present) > 1:
            y1 = matrix_top + row_height * present[0] + row_height / 2
            y2 = matrix_top + row_height * present[-1] + row_height / 2
            parts.append(
                f'<line x1="{x:.1f}" y1="{y1:.1f}" x2="{x:.1f}" y2="{y2:.1f}" stroke="{_BAR}" stroke-width="3"/>'
            )
        for i, _name in enumerate(names):
            y = matrix_top + row_height * i + row_height / 2
            fill = _BAR if i in present else _DOT_OFF
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5.5" fill="{fill}"/>')
    for i, name in enumerate(names):
        y = matrix_top + row_height * i + row_height / 2
        bar = total_width * totals[name] / biggest_total
        parts.append(
            f'<rect x="{16 + total_width - bar:.1f}" y="{y - 6:.1f}" width="{bar:.1f}" height="12" fill="{_BAR}">'
            f"<title>{xml(name)}: {totals[name]:,}</title></rect>"
        )
        parts.append(
            f'<text x="{16 + total_width + 8:.1f}" y="{y + 4:.1f}" font-size="{size}">{xml(name)}</text>'
        )
    note_y = matrix_top + row_height * len(names) + 24
    shown = (
        ""
        if len(records.intersections) <= limit
        else f" ({limit} largest of {len(records.intersections)} combinations shown)"
    )
    parts.append(
        f'<text x="16" y="{note_y:.1f}" font-size="10" fill="#444">'
        + xml(
            "Left: publications found by each source. Columns: publications found by exactly "
            "the sources marked." + shown
        )
        + "</text>"
    )
    return _svg(width, height, title, parts)


def _svg(width: float, height: float, title: str, parts: list[str]) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" role="img" aria-labelledby="upset-title" '
        f'font-family="{xml(FONT_FAMILY)}">\n'
        f'<title id="upset-title">{xml(title)}</title>\n'
        '<rect width="100%" height="100%" fill="#ffffff"/>\n' + "\n".join(parts) + "\n</svg>\n"
    )
