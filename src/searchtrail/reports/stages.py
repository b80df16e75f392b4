"""Every source through every stage, and what a search update found: tables and plots.

All numbers come from ``counts.json`` (:class:`~searchtrail.counts.model.StageTable` and
:class:`~searchtrail.counts.model.RoundRow`), counted with the same stage flags as the
PRISMA diagram: *screened* is what went into title/abstract screening, as in the diagram's
"Records screened" box.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final

from searchtrail.counts.model import (
    IDENTIFICATION_BOXES,
    Diagram,
    ReviewCounts,
    RoundSummary,
    StageRow,
)
from searchtrail.counts.number import Count
from searchtrail.csvtext import csv_text
from searchtrail.reports.plots import (
    ASCENT,
    INK,
    LABEL_SIZE,
    LINE,
    MARGIN,
    MUTED,
    NOTE_SIZE,
    NUMBER_SIZE,
    TEXT_WIDTH,
    UNKNOWN,
    Canvas,
    legend,
    lines_of,
    measure,
    message_svg,
    mix,
)
from searchtrail.reports.words import describe, md, md_table, number, searches_phrase
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
    ("exported", "records exported"),
    ("publications", "publications (unique)"),
    ("screened", "screened"),
    ("sought", "sought for retrieval"),
    ("assessed", "assessed for eligibility"),
    ("included", "included reports"),
)
_STAGE_FILLS: Final = ("#56b4e9", "#0072b2", "#009e73", "#e69f00", "#d55e00", "#cc79a7")
"""One colour per stage, from a palette that people with colour-vision deficiency can tell
apart (Okabe and Ito)."""
_ROUND_LIGHT: Final = "#9fb9da"
_ROUND_DARK: Final = "#173f69"
STAGES_HEADING: Final = "Sources through every stage"
ROUNDS_HEADING: Final = "Search rounds"
NOT_SCREENED: Final = "not screened (other methods)"
NO_DATABASES: Final = "no database or register search"
NOT_SEARCHED: Final = "not searched in this round"
_BAR_HEIGHT: Final = 13.0
_CHART: Final = 360.0
_NAME_WIDTH: Final = 230.0
"""Names longer than this are wrapped onto more lines."""
_ROW_GAP: Final = 14.0


@dataclass(frozen=True)
class _Bar:
    """One bar of a plot: what it counts (its tooltip), its count, the words written
    beside it, its colour; ``applies`` is False for a stage the row never goes through."""

    tooltip: str
    count: Count | int
    label: str
    fill: str
    applies: bool = True

    @property
    def value(self) -> int | None:
        """The part of the count the bar can show: its stated number, None when none."""
        if isinstance(self.count, int):
            return self.count
        return None if self.count.pending else self.count.value

    def length(self, scale: float) -> float:
        return 0.0 if self.value is None else scale * self.value

    def right(self, scale: float) -> float:
        """How far right of the bar's start its number reaches."""
        marker = 10.0 if self.value is None and self.applies else 0.0
        return self.length(scale) + marker + 4 + measure(self.label, NUMBER_SIZE)

    def draw(self, canvas: Canvas, x: float, top: float, scale: float) -> None:
        length = self.length(scale)
        with canvas.mark("bar", f"{self.tooltip}: {self.label}"):
            if self.value is not None:
                canvas.rect(x, top, length, _BAR_HEIGHT - 2, fill=self.fill)
                ink = INK
            elif self.applies:
                canvas.rect(x, top, 8, _BAR_HEIGHT - 2, fill="none", stroke=UNKNOWN, dashed=True)
                length, ink = 10.0, UNKNOWN
            else:
                ink = MUTED
            canvas.text(
                x + length + 4,
                top + _BAR_HEIGHT - 3.5,
                self.label,
                size=NUMBER_SIZE,
                fill=ink,
                italic=self.value is None,
            )


def stage_label(count: Count | int, stage: str = "") -> str:
    """A stage's number as a plot writes it beside its bar: the number; "pending" when the
    stage has no data yet; for screening, "not screened (other methods)" when the row's
    publications skip it; "not reported" for a number nobody stated."""
    if isinstance(count, int):
        return number(count)
    if count.pending:
        return "pending"
    if stage == "screened" and _skipped(count):
        return NOT_SCREENED
    return describe(count)


def _skipped(count: Count | int) -> bool:
    """A count the model leaves empty because the stage does not apply (screening for
    other methods, a source not searched in a round): no number, nothing pending."""
    return isinstance(count, Count) and count == Count(None)


def _stage_bars(row: StageRow) -> list[_Bar]:
    bars = []
    for (stage, text), fill in zip(_STAGES, _STAGE_FILLS, strict=True):
        count = getattr(row, stage)
        applies = not (stage == "screened" and _skipped(count))
        bars.append(_Bar(f"{row.name}, {text}", count, stage_label(count, stage), fill, applies))
    return bars


def _pending(bars: Sequence[_Bar], reasons: list[str]) -> None:
    for bar in bars:
        reason = bar.count.pending if isinstance(bar.count, Count) else None
        if reason and reason not in reasons:
            reasons.append(reason)


def _lines(name: str, *, bold: bool = False) -> list[str]:
    return lines_of(name, _NAME_WIDTH, LABEL_SIZE, bold=bold)


def _label_width(names: Sequence[Sequence[str]], *, bold: bool = False) -> float:
    return max(measure(line, LABEL_SIZE, bold=bold) for lines in names for line in lines)


def _scale(bars: Sequence[_Bar]) -> float:
    return _CHART / (max((bar.value or 0 for bar in bars), default=0) or 1)


def _write_lines(
    canvas: Canvas,
    x: float,
    top: float,
    height: float,
    lines: Sequence[str],
    *,
    bold: bool = False,
    fill: str = INK,
) -> None:
    """Lines of a label, centred on a block of ``height`` from ``top``."""
    first = top + (height - LABEL_SIZE * LINE * len(lines)) / 2 + ASCENT * LABEL_SIZE
    for n, line in enumerate(lines):
        canvas.text(x, first + LABEL_SIZE * LINE * n, line, size=LABEL_SIZE, bold=bold, fill=fill)


def stages_svg(review: Review, counts: ReviewCounts, *, xml_declaration: bool = True) -> str:
    """A bar chart of each source (and all of them, each publication once) through the
    stages: records exported, publications after deduplication, screened, sought,
    assessed, included reports. Every bar has its number beside it; a stage without a
    number says why (pending, not screened, not reported) instead of showing 0. With
    ``xml_declaration=False``, an ``<svg>`` element to place in an HTML page."""
    ident = "stages"
    title = f"{STAGES_HEADING}: {review.title}"
    table = counts.stages
    if not table.sources:
        return message_svg(
            STAGES_HEADING, review.title, NO_FLOW, ident=ident, xml_declaration=xml_declaration
        )
    rows = [*table.sources, table.total]
    names = [_lines(row.name, bold=row is table.total) for row in rows]
    groups = [_stage_bars(row) for row in rows]
    scale = _scale([bar for bars in groups for bar in bars])
    left = MARGIN + _label_width(names, bold=True) + 14
    content_width = max(
        left - MARGIN + max(bar.right(scale) for bars in groups for bar in bars), TEXT_WIDTH
    )

    canvas = Canvas()
    y = canvas.heading(STAGES_HEADING, review.title, width=content_width)
    entries = [(fill, text) for (_, text), fill in zip(_STAGES, _STAGE_FILLS, strict=True)]
    y = legend(canvas, MARGIN, y + NOTE_SIZE, entries, width=content_width) + 4
    reasons: list[str] = []
    for row, lines, bars in zip(rows, names, groups, strict=True):
        total = row is table.total
        if total:
            canvas.line(
                MARGIN, y - _ROW_GAP / 2, MARGIN + content_width, y - _ROW_GAP / 2, stroke="#bbbbbb"
            )
        block = max(_BAR_HEIGHT * len(bars), LABEL_SIZE * LINE * len(lines))
        _write_lines(canvas, MARGIN, y, block, lines, bold=total)
        for k, bar in enumerate(bars):
            bar.draw(canvas, left, y + _BAR_HEIGHT * k, scale)
        _pending(bars, reasons)
        y += block + _ROW_GAP
    notes = [
        "Each source's publications are counted at every stage they reached; a publication "
        "several sources found counts for each of them, and once in the last group. "
        "Records found by websites, organisations and citation searching are not screened "
        "by title and abstract."
    ]
    notes.extend(f"Pending: {reason}" for reason in reasons)
    y += NOTE_SIZE - 6
    for note in notes:
        y = canvas.paragraph(MARGIN, y, note, width=content_width)
    return canvas.svg(title=title, ident=ident, xml_declaration=xml_declaration)


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
            "Search",
            "Source",
            "Round",
            "Records",
            "Publications",
            "New",
            "Seen before",
            "No longer found",
        )
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


def _span(summary: RoundSummary) -> str:
    if summary.first_date == summary.last_date:
        return summary.first_date
    return f"{summary.first_date} to {summary.last_date}"


_Group = tuple[list[str], list[tuple[str, _Bar]]]
"""Rows of a panel under one label: the label's lines, and each row's round and bar."""


def _round_panels(counts: ReviewCounts, fills: dict[int, str]) -> list[tuple[str, list[_Group]]]:
    """The panels of the rounds plot, each a heading and its groups of rows, from each
    round's PRISMA diagram."""
    diagrams = {d.round: d for d in (*counts.earlier, counts.diagram)}
    numbers = [summary.round for summary in counts.rounds]

    def bar(number: int, what: str, count: Count, *, missing: str = "") -> _Bar:
        skipped = bool(missing) and _skipped(count)
        label = missing if skipped else stage_label(count)
        return _Bar(f"Round {number}, {what}", count, label, fills[number], not skipped)

    def per_round(what: str, count_of: Callable[[Diagram], Count], **kw: str) -> list[_Group]:
        return [
            ([f"Round {n}"], [("", bar(n, what, count_of(diagrams[n]), **kw))]) for n in numbers
        ]

    identified_in = {summary.round: summary.identified for summary in counts.rounds}

    def identified(diagram: Diagram) -> Count:
        return identified_in[diagram.round]

    def screened(diagram: Diagram) -> Count:
        return diagram.boxes["records_screened"] if diagram.databases_column else Count(None)

    by_source: dict[str, dict[int, Count]] = {}
    for n in numbers:
        for box in IDENTIFICATION_BOXES:
            for name, count in diagrams[n].breakdown.get(box, ()):
                by_source.setdefault(name, {})[n] = count
    sources: list[_Group] = [
        (
            _lines(name),
            [
                (
                    f"round {n}",
                    bar(
                        n,
                        f"records identified by {name}",
                        found.get(n, Count(None)),
                        missing=NOT_SEARCHED,
                    ),
                )
                for n in numbers
            ],
        )
        for name, found in by_source.items()
    ]
    return [
        ("Records identified", per_round("records identified", identified)),
        (
            "New records screened (databases and registers)",
            per_round("new records screened", screened, missing=NO_DATABASES),
        ),
        (
            "New reports included",
            per_round("new reports included", lambda d: d.boxes["new_reports"]),
        ),
        ("Records identified, by source", sources),
    ]


def rounds_svg(review: Review, counts: ReviewCounts, *, xml_declaration: bool = True) -> str:
    """The review's search rounds compared, one panel per number, each on its own scale:
    the records the round's searches identified, the new records screened, the new reports
    included, and the records each source identified in each round. Every bar has its
    number beside it. A review with one round gets a short message instead. With
    ``xml_declaration=False``, an ``<svg>`` element to place in an HTML page."""
    ident = "rounds"
    title = f"{ROUNDS_HEADING}: {review.title}"
    if len(counts.rounds) <= 1:
        message = "One search round: the searches have not been run again."
        if counts.rounds:
            only = counts.rounds[0]
            message = (
                f"One search round ({searches_phrase(only.searches)}, {_span(only)}): the "
                "searches have not been run again, so there is no update to compare."
            )
        return message_svg(
            ROUNDS_HEADING, review.title, message, ident=ident, xml_declaration=xml_declaration
        )
    last = len(counts.rounds) - 1
    fills = {
        summary.round: mix(_ROUND_LIGHT, _ROUND_DARK, k / last)
        for k, summary in enumerate(counts.rounds)
    }
    panels = _round_panels(counts, fills)
    groups = [group for _, panel in panels for group in panel]
    rows = [row for _, rows in groups for row in rows]
    round_left = MARGIN + _label_width([lines for lines, _ in groups]) + 10
    left = round_left + max(measure(text, LABEL_SIZE) for text, _ in rows) + 10
    scales = [_scale([bar for _, rows in panel for _, bar in rows]) for _, panel in panels]
    reach = max(
        bar.right(scale)
        for (_, panel), scale in zip(panels, scales, strict=True)
        for _, rows in panel
        for _, bar in rows
    )
    content_width = max(left - MARGIN + reach, TEXT_WIDTH)
    row_height = _BAR_HEIGHT + 3

    canvas = Canvas()
    y = canvas.heading(ROUNDS_HEADING, review.title, width=content_width)
    y += ASCENT * LABEL_SIZE
    for summary in counts.rounds:
        canvas.rect(MARGIN, y - 10, 10, 10, fill=fills[summary.round])
        y = canvas.paragraph(
            MARGIN + 16,
            y,
            f"Round {summary.round}: {_span(summary)}, {searches_phrase(summary.searches)}",
            width=content_width - 16,
            size=LABEL_SIZE,
            fill=INK,
        )
    reasons: list[str] = []
    for (heading, panel), scale in zip(panels, scales, strict=True):
        if not panel:
            continue
        y += 10
        canvas.text(MARGIN, y + ASCENT * LABEL_SIZE, heading, size=LABEL_SIZE, bold=True)
        y += LABEL_SIZE * LINE + 4
        for lines, rows in panel:
            block = max(row_height * len(rows), LABEL_SIZE * LINE * len(lines))
            # The label's first line beside the first row, the others under it.
            _write_lines(canvas, MARGIN, y, row_height - 1, lines[:1])
            for n, line in enumerate(lines[1:], start=1):
                canvas.text(
                    MARGIN, y + ASCENT * LABEL_SIZE + LABEL_SIZE * LINE * n, line, size=LABEL_SIZE
                )
            for k, (text, bar) in enumerate(rows):
                top = y + row_height * k
                if text:
                    _write_lines(canvas, round_left, top, row_height - 1, [text], fill=MUTED)
                bar.draw(canvas, left, top + 1, scale)
            y += block + (4 if len(rows) > 1 else 0)
            _pending([bar for _, bar in rows], reasons)
    notes = [
        "Each panel has its own scale. Records identified: what the round's searches found, "
        "as the log states it (a search that states no number is counted beside the sum, "
        "never as 0). New: publications that no earlier round found; those found before "
        "keep the decisions made then and are not screened again."
    ]
    notes.extend(f"Pending: {reason}" for reason in reasons)
    y += NOTE_SIZE + 8
    for note in notes:
        y = canvas.paragraph(MARGIN, y, note, width=content_width)
    return canvas.svg(title=title, ident=ident, xml_declaration=xml_declaration)
