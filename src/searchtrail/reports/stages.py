"""Every source through every stage, and what a search update found: tables and a plot.

All numbers come from ``counts.json`` (:class:`~searchtrail.counts.model.StageTable` and
:class:`~searchtrail.counts.model.RoundRow`), counted with the same stage flags as the
PRISMA diagram: *screened* is what went into title/abstract screening, as in the diagram's
"Records screened" box.
"""

from __future__ import annotations

from typing import Final

from searchtrail.counts.model import ReviewCounts, StageRow
from searchtrail.counts.number import Count
from searchtrail.csvtext import csv_text
from searchtrail.reports.prisma.textwidth import text_width
from searchtrail.reports.words import md, md_table, number, xml
from searchtrail.searchlog import Review

NO_FLOW: Final = (
    "No records yet: the search log names no exported records, so the records cannot be "
    "followed through the stages."
)
STAGE_COLUMNS: Final = (
    "name",
    "kind",
    "searches",
    "exported",
    "publications",
    "found_only_here",
    "screened",
    "sought",
    "assessed",
    "included_reports",
    "included_studies",
    "share_of_included",
)
ROUND_COLUMNS: Final = (
    "search",
    "source",
    "round",
    "records",
    "publications",
    "new_publications",
    "seen_in_earlier_round",
    "earlier_publications_no_longer_found",
)


def _cell(count: Count) -> str:
    if count.pending or count.value is None:
        return ""
    return str(count.value)


def _md_cell(count: Count) -> str:
    if count.pending:
        return "*pending*"
    if count.value is None:
        return "–"
    return number(count.value)


def _optional(value: int | None) -> str:
    return "" if value is None else str(value)


def _share(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"


def _row_cells(row: StageRow) -> tuple[str, ...]:
    return (
        row.name,
        row.kind,
        "; ".join(row.searches),
        str(row.exported),
        str(row.publications),
        _optional(row.only_here),
        _cell(row.screened),
        _cell(row.sought),
        _cell(row.assessed),
        _cell(row.included),
        _cell(row.included_studies),
        _share(row.share),
    )


def stages_csv(counts: ReviewCounts, *, by: str = "source") -> str:
    """One row per source (``by="source"``) or search with records, then the total line."""
    table = counts.stages
    rows = table.sources if by == "source" else table.searches
    body = [_row_cells(row) for row in rows]
    if rows:
        body.append(_row_cells(table.total))
    return csv_text(STAGE_COLUMNS, body)


def _md_row(row: StageRow, *, bold: bool = False) -> tuple[str, ...]:
    cells = (
        md(row.name),
        number(row.exported),
        number(row.publications),
        _optional(row.only_here),
        _md_cell(row.screened),
        _md_cell(row.sought),
        _md_cell(row.assessed),
        _md_cell(row.included),
        _md_cell(row.included_studies),
        "" if row.share is None else f"{row.share:.0%}",
    )
    return tuple(f"**{c}**" if bold and c else c for c in cells)


def stages_md(review: Review, counts: ReviewCounts) -> str:
    """Per source and per search through every stage, with each source's share of the
    included reports, as Markdown."""
    lines = [f"# Sources through every stage: {md(review.title)}", ""]
    table = counts.stages
    if not table.sources:
        return "\n".join([*lines, NO_FLOW, ""])
    lines.extend(
        [
            "One line per source with records (a record file is a source of its own). "
            "*Exported*: records in its files; *Publications*: distinct publications "
            "(duplicate groups) it found; *Only here*: publications no other source found. "
            "The later columns count those publications at each stage, as the PRISMA diagram "
            "does: *Screened*, went into title/abstract screening (databases and registers "
            "only; – for other methods, which skip it); *Sought*, sought for retrieval; "
            "*Assessed*, assessed for eligibility; *Included*, included reports. A "
            "publication found by several sources counts for each of them; the last line "
            "counts every publication once. *Share*: its part of all included reports.",
            "",
        ]
    )
    header = (
        "Source", "Exported", "Publications", "Only here", "Screened", "Sought", "Assessed",
        "Included reports", "Included studies", "Share",
    )  # fmt: skip
    for title, rows in (("By source", table.sources), ("By search", table.searches)):
        lines.extend([f"## {title}", ""])
        body = [_md_row(row) for row in rows]
        body.append(_md_row(table.total, bold=True))
        lines.append(md_table(header, body, align="lrrrrrrrrr"))
    nothing = [
        row.name for row in table.sources if row.included.value == 0 and not row.included.pending
    ]
    if nothing:
        lines.append(
            "Sources that found no included report: " + ", ".join(md(n) for n in nothing) + "."
        )
        lines.append("")
    return "\n".join(lines)


_STAGES: Final = (
    ("publications", "publications"),
    ("sought", "sought"),
    ("assessed", "assessed"),
    ("included", "included"),
)
_SHADES: Final = ("#c9d6e8", "#8fb0d8", "#4f81bd", "#1f4e79")


def stages_svg(review: Review, counts: ReviewCounts) -> str:
    """A bar chart: for each source, its publications after dedup, sought, assessed and
    included (one bar each, on a shared scale)."""
    title = f"Sources through every stage: {review.title}"
    rows = list(counts.stages.sources)
    if not rows:
        return _svg(420, 60, title, [f'<text x="16" y="36" font-size="12">{xml(NO_FLOW)}</text>'])

    def value(row: StageRow, name: str) -> int | None:
        found = getattr(row, name)
        if isinstance(found, Count):
            return None if found.pending else found.value
        return found if isinstance(found, int) else None

    size = 12.0
    label = max(text_width(row.name, size) for row in rows) + 24
    chart = 360.0
    bar, gap = 11.0, 10.0
    block = bar * len(_STAGES) + gap
    top = 48.0
    width = max(16 + label + chart + 80, text_width(title, 13.0, bold=True) + 40)
    height = top + block * len(rows) + 40
    biggest = max((value(row, name) or 0 for row in rows for _, name in _STAGES), default=1) or 1
    parts = [f'<text x="16" y="20" font-size="13" font-weight="bold">{xml(title)}</text>']
    for k, (stage, _) in enumerate(_STAGES):
        x = 16 + label + k * 90
        parts.append(f'<rect x="{x:.1f}" y="30" width="10" height="10" fill="{_SHADES[k]}"/>')
        parts.append(f'<text x="{x + 14:.1f}" y="39" font-size="10">{xml(stage)}</text>')
    for i, row in enumerate(rows):
        y0 = top + block * i
        parts.append(
            f'<text x="16" y="{y0 + block / 2 + 2:.1f}" font-size="{size}">{xml(row.name)}</text>'
        )
        for k, (stage, name) in enumerate(_STAGES):
            n = value(row, name)
            y = y0 + bar * k
            shown = "pending" if n is None else f"{n:,}"
            length = 0.0 if n is None else chart * n / biggest
            parts.append(
                f'<rect x="{16 + label:.1f}" y="{y:.1f}" width="{length:.1f}" '
                f'height="{bar - 2:.1f}" fill="{_SHADES[k]}">'
                f"<title>{xml(row.name)}, {xml(stage)}: {xml(shown)}</title></rect>"
            )
            parts.append(
                f'<text x="{16 + label + length + 4:.1f}" y="{y + bar - 3:.1f}" '
                f'font-size="9">{xml(shown)}</text>'
            )
    return _svg(width, height, title, parts)


def _svg(width: float, height: float, title: str, parts: list[str]) -> str:
    body = "\n".join(parts)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="DejaVu Sans, sans-serif">\n'
        f"<title>{xml(title)}</title>\n"
        f'<rect width="100%" height="100%" fill="white"/>\n{body}\n</svg>\n'
    )


def rounds_csv(counts: ReviewCounts) -> str:
    """One row per search of a later round: its publications, new ones, ones seen before,
    earlier ones its source no longer finds."""
    return csv_text(
        ROUND_COLUMNS,
        (
            (
                r.search,
                r.source,
                str(r.round),
                str(r.records),
                str(r.publications),
                str(r.new),
                str(r.seen_before),
                _optional(r.no_longer_found),
            )
            for r in counts.updates
        ),
    )


def rounds_md(review: Review, counts: ReviewCounts) -> str:
    """The search update as Markdown: each round's searches and dates, and per search of a
    later round what is new and what was seen before."""
    lines = [f"# Search rounds: {md(review.title)}", ""]
    if len(counts.rounds) <= 1:
        return "\n".join([*lines, "The review has one search round.", ""])
    for summary in counts.rounds:
        span = (
            summary.first_date
            if summary.first_date == summary.last_date
            else f"{summary.first_date} to {summary.last_date}"
        )
        plural = "search" if summary.searches == 1 else "searches"
        lines.append(f"- Round {summary.round}: {summary.searches} {plural}, {span}")
    lines.append("")
    if counts.updates:
        lines.extend(
            [
                "Per search of a later round: *New* publications were not found in an earlier "
                "round; *Seen before* ones were (matched through deduplication), and keep the "
                "decisions made then, so they are not screened again. *No longer found*: "
                "publications the same source found in an earlier round that this search "
                "does not find.",
                "",
            ]
        )
        header = (
            "Search", "Source", "Round", "Records", "Publications", "New", "Seen before",
            "No longer found",
        )  # fmt: skip
        body = [
            (
                md(r.search),
                md(r.source),
                str(r.round),
                number(r.records),
                number(r.publications),
                number(r.new),
                number(r.seen_before),
                "–" if r.no_longer_found is None else number(r.no_longer_found),
            )
            for r in counts.updates
        ]
        lines.append(md_table(header, body, align="llrrrrrr"))
    return "\n".join(lines)
