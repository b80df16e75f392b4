"""PRISMA 2020 outputs: the flow diagram (SVG and HTML page) and the R template CSV."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from searchtrail.counts.model import ReviewCounts
from searchtrail.reports.language import DEFAULT_LANGUAGE, Words, report_language, words
from searchtrail.reports.prisma.diagram import diagram_boxes, render_svg
from searchtrail.reports.prisma.html import render_html
from searchtrail.reports.prisma.template import prisma_csv
from searchtrail.reports.words import anchors
from searchtrail.searchlog import Review


@dataclass(frozen=True)
class PrismaReports:
    """The three PRISMA files, as text."""

    svg: str
    html: str
    csv: str


def footnotes(counts: ReviewCounts, *, language: str = DEFAULT_LANGUAGE) -> list[str]:
    """The notes under the diagram, in ``language``: what its wording of incomplete numbers
    means, and the numbers a reader needs to follow the boxes back to the searches."""
    said = words(language)
    diagram = counts.diagram
    boxes = diagram.boxes.values()
    notes = []
    if any(c.unstated and c.value is not None for c in boxes):
        example = said.label(
            "count.n_unstated", n="X", searches=said.label("searches.other", n="N")
        )
        notes.append(said.label("note.unstated", phrase=example))
    if any(c.value is None and not c.pending for c in boxes):
        notes.append(said.label("note.not_reported", phrase=said.label("count.not_reported")))
    from_exports = diagram.identified_from_exports
    if from_exports:
        notes.append(
            said.label(
                "note.from_exports",
                searches=said.searches(len(from_exports)),
                ids=", ".join(from_exports),
            )
        )
    if diagram.sought_parts:
        notes.append(said.label("note.sought_parts", box=said.label("box.reports_sought")))
    if diagram.other_seen_elsewhere:
        notes.append(said.plural("note.other_seen_elsewhere", diagram.other_seen_elsewhere))
    latest = counts.latest_round
    if diagram.round < latest:
        notes.append(said.label("note.round", round=diagram.round, latest=latest))
    elif diagram.previous_column:
        notes.append(
            said.label("note.previous", header=said.label("header.previous"), latest=latest)
        )
    if diagram.earlier_awaiting:
        notes.append(said.plural("note.earlier_awaiting", diagram.earlier_awaiting))
    if diagram.awaiting:
        notes.append(said.label("note.awaiting", label=said.label("count.awaiting_label")))
    if any(c.pending for c in boxes):
        notes.append(said.label("note.pending", label=said.label("count.pending")))
    if diagram.round == latest:
        notes.extend(_open_questions(counts, said))
    return notes


def _open_questions(counts: ReviewCounts, said: Words) -> list[str]:
    """The note on what still needs a person: unanswered duplicate questions, and exports
    holding another number of records than the log states."""
    found = []
    if counts.records.open_questions:
        found.append(said.label("note.open_duplicates", n=counts.records.open_questions))
    for search in counts.searches:
        export = search.export
        if export is not None and not export.agrees:
            found.append(
                said.label(
                    "note.export_differs",
                    search=search.id,
                    found=export.in_file,
                    stated=export.documented or 0,
                )
            )
    if not found:
        return []
    return [said.label("note.open_questions", what="; ".join(found))]


def drawn_labels(review: Review, counts: ReviewCounts) -> dict[str, str]:
    """The words each count of every round's diagram is drawn with (without its number),
    by the key of the list behind it, in the review's report language."""
    language = report_language(review)
    found: dict[str, str] = {}
    for diagram in (*counts.earlier, counts.diagram):
        for spec in diagram_boxes(diagram, {}, language=language):
            for line in spec.lines:
                if line.opens is not None:
                    found[line.opens] = re.sub(r"[\s\u00a0]\([^()]*\)$", "", line.text)
    return found


def build_prisma_reports(
    review: Review,
    counts: ReviewCounts,
    *,
    data: str | None = None,
    lists: Collection[str] = (),
    plots: Sequence[tuple[str, str, str]] = (),
    figures: bool = False,
    labels: Mapping[str, str] | None = None,
) -> PrismaReports:
    """Make the SVG diagram, the HTML page and ``PRISMA.csv`` from the counts.

    The diagram and its notes are in the review's report language (:func:`report_language`).
    ``data`` and ``lists`` are the page's packed records and the keys of their lists
    (:func:`~searchtrail.reports.prisma.html.render_html`)."""
    language = report_language(review)
    round_page = counts.diagram.round < counts.latest_round
    page = "../prisma.html" if round_page else ""
    source_anchors = anchors((s.source for s in counts.sources), "source")
    notes = footnotes(counts, language=language)
    standalone = render_svg(
        diagram_boxes(
            counts.diagram,
            {k: f"{page or 'prisma.html'}#{v}" for k, v in source_anchors.items()},
            language=language,
        ),
        title=review.title,
        footnotes=notes,
        language=language,
    )
    inline = render_svg(
        diagram_boxes(
            counts.diagram,
            {k: f"{page}#{v}" for k, v in source_anchors.items()},
            language=language,
        ),
        title=review.title,
        xml_declaration=False,
        language=language,
        lists=lists,
    )
    page = render_html(
        review,
        counts,
        svg=inline,
        source_anchors=source_anchors,
        footnotes=notes,
        data=data,
        lists=lists,
        plots=plots,
        figures=figures,
        labels=labels,
        round_page=round_page,
    )
    return PrismaReports(svg=standalone, html=page, csv=prisma_csv(counts.diagram))


__all__ = ["PrismaReports", "build_prisma_reports", "drawn_labels", "footnotes"]
