"""PRISMA 2020 outputs: the flow diagram (SVG and HTML page) and the R template CSV."""

from __future__ import annotations

from dataclasses import dataclass

from searchtrail.counts.model import ReviewCounts
from searchtrail.reports.prisma.diagram import diagram_boxes, render_svg
from searchtrail.reports.prisma.html import render_html
from searchtrail.reports.prisma.template import prisma_csv
from searchtrail.reports.words import anchors, number, searches_phrase
from searchtrail.searchlog import Review


@dataclass(frozen=True)
class PrismaReports:
    """The three PRISMA files, as text."""

    svg: str
    html: str
    csv: str


def footnotes(counts: ReviewCounts) -> list[str]:
    """The notes under the diagram: what its wording of incomplete numbers means, and the
    numbers a reader needs to follow the boxes back to the searches."""
    diagram = counts.diagram
    boxes = diagram.boxes.values()
    notes = []
    if any(c.unstated and c.value is not None for c in boxes):
        notes.append(
            "“n = X + N searches with no count”: X is the sum of the numbers the search log "
            "states; N searches state no number, so the true total is at least X."
        )
    if any(c.value is None and not c.pending for c in boxes):
        notes.append("“not reported”: no search in that line states a number of records.")
    from_exports = diagram.identified_from_exports
    if from_exports:
        notes.append(
            f"The search log states no number identified for {searches_phrase(len(from_exports))} "
            f"({', '.join(from_exports)}); their exports hold every record they found, and "
            "their number is that of the records exported."
        )
    if diagram.sought_parts:
        notes.append(
            "“Reports sought for retrieval” (other methods) counts each report once: the "
            "distinct publications taken forward by searches whose records are exported, "
            "plus the numbers the log states for searches without exported records, plus "
            "the records found outside the searches."
        )
    if diagram.other_seen_elsewhere:
        notes.append(
            f"{number(diagram.other_seen_elsewhere)} report(s) that other methods took forward "
            "in this round were also found by the database and register searches, or in an "
            "earlier round, and are counted there, once."
        )
    latest = counts.latest_round
    if diagram.round < latest:
        notes.append(
            f"Search round {diagram.round} of {latest}: the review as it stood before "
            "its update, with the decisions recorded since. The main diagram shows the "
            "latest round."
        )
    elif diagram.previous_column:
        notes.append(
            f"“Previous studies”: the studies and reports included from the search rounds "
            f"before round {latest}."
        )
    if diagram.earlier_awaiting:
        notes.append(
            f"{number(diagram.earlier_awaiting)} publication(s) found in earlier rounds still "
            "await a decision; they are counted in the diagram of the round that found them "
            "(reports/round-N/), not among the previous studies until they are included."
        )
    if diagram.awaiting:
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
        diagram_boxes(counts.diagram, {k: f"prisma.html#{v}" for k, v in source_anchors.items()}),
        title=review.title,
        footnotes=notes,
    )
    inline = render_svg(
        diagram_boxes(counts.diagram, {k: f"#{v}" for k, v in source_anchors.items()}),
        title=review.title,
        xml_declaration=False,
    )
    page = render_html(review, counts, svg=inline, source_anchors=source_anchors, footnotes=notes)
    return PrismaReports(svg=standalone, html=page, csv=prisma_csv(counts.diagram))


__all__ = ["PrismaReports", "build_prisma_reports", "footnotes"]
