"""PRISMA 2020 outputs: the flow diagram (SVG and HTML page) and the R template CSV."""

from __future__ import annotations

from dataclasses import dataclass

from searchtrail.count import Count
from searchtrail.counts import ReviewCounts
from searchtrail.prisma.diagram import diagram_boxes, render_svg
from searchtrail.prisma.html import render_html
from searchtrail.prisma.template import prisma_csv
from searchtrail.searchlog import Review
from searchtrail.text import anchors


@dataclass(frozen=True)
class PrismaReports:
    """The three PRISMA files, as text."""

    svg: str
    html: str
    csv: str


def footnotes(counts: ReviewCounts) -> list[str]:
    """The notes under the diagram: what its wording of incomplete numbers means."""
    boxes = counts.prisma.boxes.values()
    notes = []
    if any(c.unstated and c.value is not None for c in boxes):
        notes.append(
            "“n = X + N searches with no count”: X is the sum of the numbers the search log "
            "states; N searches state no number, so the true total is at least X."
        )
    if any(c.value is None and not c.pending for c in boxes):
        notes.append("“not reported”: no search in that line states a number of records.")
    latest = max((s.round for s in counts.searches), default=1)
    if counts.prisma.round < latest:
        notes.append(
            f"Search round {counts.prisma.round} of {latest}: the review as it stood before "
            "its update, with the decisions recorded since. The main diagram shows the "
            "latest round."
        )
    elif counts.prisma.previous_column:
        notes.append(
            f"“Previous studies”: the studies and reports included from the search rounds "
            f"before round {latest}."
        )
    if counts.prisma.awaiting:
        notes.append(
            "“awaiting a decision”: records or reports in that box that have no decision "
            "for the next stage yet; they are not counted as excluded."
        )
    if any(c.pending for c in boxes):
        notes.append(
            "“pending”: the review directory does not yet hold the data for that stage; no "
            "number is shown rather than a guessed one."
        )
    return notes


def build_prisma_reports(review: Review, counts: ReviewCounts) -> PrismaReports:
    """Make the SVG diagram, the HTML page and ``PRISMA.csv`` from the counts."""
    source_anchors = anchors((s.source for s in counts.sources), "source")
    notes = footnotes(counts)
    standalone = render_svg(
        diagram_boxes(counts.prisma, {k: f"prisma.html#{v}" for k, v in source_anchors.items()}),
        title=review.title,
        footnotes=notes,
    )
    inline = render_svg(
        diagram_boxes(counts.prisma, {k: f"#{v}" for k, v in source_anchors.items()}),
        title=review.title,
        xml_declaration=False,
    )
    page = render_html(review, counts, svg=inline, source_anchors=source_anchors, footnotes=notes)
    reasons = {
        box: tuple((reason, Count(n)) for reason, n in items)
        for box, items in counts.prisma.reasons.items()
        if items
    }
    return PrismaReports(svg=standalone, html=page, csv=prisma_csv(counts.prisma, reasons=reasons))


__all__ = ["PrismaReports", "build_prisma_reports", "footnotes"]
