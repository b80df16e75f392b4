"""Reports on exported records: deduplication summary, source overlap, UpSet plot and
overlap heatmap.

Every number comes from :class:`~searchtrail.counts.model.ReviewCounts` (``counts.json``).
Record files are shown as sources of their own ("record file <id>").
"""

from __future__ import annotations

from typing import Final

from searchtrail.counts.model import DedupCounts, ExportCounts, ReviewCounts
from searchtrail.csvtext import csv_text
from searchtrail.reports.plots import (
    LABEL_SIZE,
    LINE,
    MARGIN,
    MUTED,
    NOTE_SIZE,
    NUMBER_SIZE,
    TEXT_WIDTH,
    Canvas,
    legend,
    measure,
    message_svg,
    mix,
    text_on,
)
from searchtrail.reports.searches import joined
from searchtrail.reports.words import basis_note, md, md_table, number, reconciliation
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
        f"conference abstract): {number(records.linked_pairs)}. Pairs the rules could not "
        f"decide and asked people about: {number(records.uncertain_pairs)}; unanswered "
        f"questions in `screening/duplicates.csv`: "
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
    unreadable = [
        (name, problem)
        for name, export in (
            *((s.id, n.export) for s, n in joined(review, counts) if n.export is not None),
            *((r.id, r.records) for r in counts.record_files),
        )
        for problem in export.unreadable
    ]
    if unreadable:
        lines.extend(["", "## Records that could not be read", ""])
        lines.append(
            "Skipped as the search log allows (`skip_unreadable`), each where it is in its "
            "file and why:"
        )
        lines.append("")
        lines.extend(f"- {md(name)}: {md(problem)}" for name, problem in unreadable)
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


# --- plots ------------------------------------------------------------------------------------

UPSET_HEADING: Final = "Publications by the sources that found them"
HEATMAP_HEADING: Final = "Overlap between sources"
_BAR: Final = "#2f5d8a"
_DOT_OFF: Final = "#d9d9d9"
_LIGHT: Final = "#f2f6fb"
_DARK: Final = "#1f4e79"
_DIAGONAL: Final = "#e4e4e4"


def _one_source(records: DedupCounts) -> str:
    only = records.sources[0]
    return (
        f"Only one source has records ({only.source}: {number(only.publications)} "
        "publications), so there is no overlap between sources to show."
    )


def _too_few(
    review: Review, counts: ReviewCounts, heading: str, ident: str, *, xml_declaration: bool
) -> str | None:
    """The message plot when fewer than two sources have records, else None."""
    records = counts.records
    if len(records.sources) >= 2:
        return None
    if not records.sources:
        return message_svg(
            heading, review.title, NO_RECORDS, ident=ident, xml_declaration=xml_declaration
        )
    only = records.sources[0]
    return message_svg(
        heading,
        review.title,
        _one_source(records),
        ident=ident,
        xml_declaration=xml_declaration,
        mark=("source", f"{only.source}: {number(only.publications)}"),
    )


def upset_svg(
    review: Review, counts: ReviewCounts, *, limit: int = 30, xml_declaration: bool = True
) -> str:
    """An UpSet plot of which sources found which publications.

    Each column is one combination of sources (filled dots), with a bar for the number of
    publications found by exactly that combination, its number on top; the bars on the
    left are each source's publications, the number beside each. At most ``limit``
    combinations are drawn, largest first. With ``xml_declaration=False``, an ``<svg>``
    element to place in an HTML page.
    """
    ident = "overlap-upset"
    title = f"{UPSET_HEADING}: {review.title}"
    few = _too_few(review, counts, UPSET_HEADING, ident, xml_declaration=xml_declaration)
    if few is not None:
        return few
    records = counts.records
    names = _sources(counts)
    combos = list(records.intersections[:limit])
    totals = {s.source: s.publications for s in records.sources}

    row_height, chart = 22.0, 160.0
    widest_total = max(measure(number(n), NUMBER_SIZE) for n in totals.values())
    widest_combo = max((measure(number(n), NUMBER_SIZE) for _, n in combos), default=0.0)
    column = max(26.0, widest_combo + 8)
    total_width = 120.0
    bars_right = MARGIN + widest_total + 6 + total_width
    names_left = bars_right + 8
    label_width = max(measure(name, LABEL_SIZE) for name in names)
    left = names_left + label_width + 12
    content_width = max(left + column * len(combos) - MARGIN, TEXT_WIDTH)

    canvas = Canvas()
    top = canvas.heading(UPSET_HEADING, review.title, width=content_width)
    top += NUMBER_SIZE * LINE
    matrix_top = top + chart + 10
    biggest = max((n for _, n in combos), default=1) or 1
    biggest_total = max(totals.values(), default=1) or 1

    for k, (members, n) in enumerate(combos):
        x = left + column * k + column / 2
        bar = chart * n / biggest
        with canvas.mark("combination", f"{' + '.join(members)}: {number(n)}"):
            canvas.rect(x - 8, top + chart - bar, 16, bar, fill=_BAR)
            canvas.text(x, top + chart - bar - 4, number(n), size=NUMBER_SIZE, anchor="middle")
        present = [i for i, name in enumerate(names) if name in members]
        if len(present) > 1:
            y1 = matrix_top + row_height * present[0] + row_height / 2
            y2 = matrix_top + row_height * present[-1] + row_height / 2
            canvas.line(x, y1, x, y2, stroke=_BAR, width=3)
        for i in range(len(names)):
            y = matrix_top + row_height * i + row_height / 2
            canvas.circle(x, y, 5.5, fill=_BAR if i in present else _DOT_OFF)
    canvas.text(
        bars_right, matrix_top - 4, "publications", size=NUMBER_SIZE, anchor="end", fill=MUTED
    )
    for i, name in enumerate(names):
        y = matrix_top + row_height * i + row_height / 2
        bar = total_width * totals[name] / biggest_total
        with canvas.mark("source", f"{name}: {number(totals[name])}"):
            canvas.rect(bars_right - bar, y - 6, bar, 12, fill=_BAR)
            canvas.text(
                bars_right - bar - 4, y + 4, number(totals[name]), size=NUMBER_SIZE, anchor="end"
            )
        canvas.text(names_left, y + 4, name, size=LABEL_SIZE)

    notes = [
        "Left: the publications each source found. Columns: the publications found by "
        "exactly the sources marked, and by no other."
    ]
    if all(len(members) == 1 for members, _ in records.intersections):
        notes.append("No publication was found by more than one source.")
    if len(records.intersections) > limit:
        notes.append(f"The {limit} largest of {len(records.intersections)} combinations are shown.")
    y = matrix_top + row_height * len(names) + 14 + NOTE_SIZE
    for note in notes:
        y = canvas.paragraph(MARGIN, y, note, width=content_width)
    return canvas.svg(title=title, ident=ident, xml_declaration=xml_declaration)


def share_phrase(part: int, whole: int) -> str:
    """``part`` as a percentage of ``whole``, never rounded to 0% or 100% when it is not."""
    if whole <= 0:
        return "–"
    if part == whole:
        return "100%"
    if part == 0:
        return "0%"
    percent = 100 * part / whole
    if percent < 1:
        return "<1%"
    if percent > 99:
        return ">99%"
    return f"{percent:.0f}%"


def overlap_heatmap_svg(
    review: Review, counts: ReviewCounts, *, xml_declaration: bool = True
) -> str:
    """A matrix of sources by sources: each cell holds the publications found by both the
    row's and the column's source (``DedupCounts.overlap``) and the percentage of the row
    source's publications that is; the diagonal holds each source's publications. Darker
    cells share more. With ``xml_declaration=False``, an ``<svg>`` element to place in an
    HTML page."""
    ident = "overlap-heatmap"
    title = f"{HEATMAP_HEADING}: {review.title}"
    few = _too_few(review, counts, HEATMAP_HEADING, ident, xml_declaration=xml_declaration)
    if few is not None:
        return few
    names = _sources(counts)
    cells = {(a, b): n for a, b, n in counts.records.overlap}
    own = {a: cells[(a, a)] for a in names}

    head_size = NUMBER_SIZE + 1
    widest = max(measure(number(n), LABEL_SIZE, bold=True) for n in cells.values())
    cell_w = max(52.0, widest + 12)
    cell_h = 38.0
    label_width = max(measure(name, LABEL_SIZE) for name in names)
    grid_left = MARGIN + label_width + 10
    grid_width = cell_w * len(names)
    content_width = max(grid_left + grid_width - MARGIN, TEXT_WIDTH)
    header_height = max(measure(name, head_size) for name in names) + 8

    canvas = Canvas()
    top = canvas.heading(HEATMAP_HEADING, review.title, width=content_width)
    grid_top = top + header_height
    for j, name in enumerate(names):
        x = grid_left + cell_w * j + cell_w / 2 + head_size * 0.35
        canvas.text(x, grid_top - 6, name, size=head_size, vertical=True)
    for i, row in enumerate(names):
        y = grid_top + cell_h * i
        canvas.text(grid_left - 10, y + cell_h / 2 + 4, row, size=LABEL_SIZE, anchor="end")
        for j, column in enumerate(names):
            x = grid_left + cell_w * j
            n = cells[(row, column)]
            centre = x + cell_w / 2
            if row == column:
                tooltip = f"{row}: {number(n)} publications"
                with canvas.mark("cell", tooltip):
                    canvas.rect(x, y, cell_w, cell_h, fill=_DIAGONAL, stroke="#ffffff")
                    canvas.text(
                        centre,
                        y + cell_h / 2 + 4,
                        number(n),
                        size=LABEL_SIZE,
                        anchor="middle",
                        bold=True,
                    )
                continue
            share = share_phrase(n, own[row])
            fill = mix(_LIGHT, _DARK, n / own[row] if own[row] else 0.0)
            ink = text_on(fill)
            tooltip = f"{row} and {column}: {number(n)} publications, {share} of {row}'s"
            with canvas.mark("cell", tooltip):
                canvas.rect(x, y, cell_w, cell_h, fill=fill, stroke="#ffffff")
                canvas.text(
                    centre, y + 16, number(n), size=LABEL_SIZE, anchor="middle", bold=True, fill=ink
                )
                canvas.text(centre, y + 30, share, size=NUMBER_SIZE, anchor="middle", fill=ink)

    y = grid_top + cell_h * len(names) + 14 + NOTE_SIZE
    swatches = [(mix(_LIGHT, _DARK, k / 4), f"{25 * k}%") for k in range(5)]
    y = legend(
        canvas, MARGIN, y, [(_DIAGONAL, "the source itself"), *swatches], width=content_width
    )
    canvas.paragraph(
        MARGIN,
        y + 4,
        "Each cell: the publications (after deduplication) found by both the source of its "
        "row and the source of its column, and what percentage of the row source's "
        "publications they are; the darker the cell, the larger that percentage. The "
        "diagonal: the publications each source found.",
        width=content_width,
    )
    return canvas.svg(title=title, ident=ident, xml_declaration=xml_declaration)
