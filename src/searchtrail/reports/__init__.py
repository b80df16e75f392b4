"""The reports stage: every table, diagram and page, rendered from ``counts.json``.

Reports render numbers; they compute none. Each function here returns the text of the
files the layout names (:data:`searchtrail.layout.OUTPUTS` ``["reports"]``), keyed the
same way.
"""

from __future__ import annotations

from typing import Final

from searchtrail.counts.model import ReviewCounts
from searchtrail.reports.browse import Trail, embedded, list_keys, list_labels, page_data
from searchtrail.reports.duplicates import (
    dedup_md,
    overlap_csv,
    overlap_heatmap_svg,
    overlap_md,
    upset_svg,
)
from searchtrail.reports.prisma import build_prisma_reports, drawn_labels
from searchtrail.reports.prisma.export import diagram_pdf, diagram_png
from searchtrail.reports.prisma.template import BOX_DESCRIPTIONS
from searchtrail.reports.questions import duplicates_html
from searchtrail.reports.searches import searches_csv, searches_md
from searchtrail.reports.sources import sources_csv, sources_md
from searchtrail.reports.stages import (
    rounds_csv,
    rounds_md,
    rounds_svg,
    stages_csv,
    stages_md,
    stages_svg,
)
from searchtrail.searchlog import Review


def render_reports(
    review: Review, counts: ReviewCounts, trail: Trail | None = None
) -> dict[str, str]:
    """Every report of the latest round, by its key in the layout. With ``trail`` (what the
    earlier stages wrote about every record), every number of the page opens its records."""
    data, lists, labels = None, {}, {}
    if trail is not None:
        lists = list_keys(trail.members)
        labels = list_labels(
            trail.members,
            BOX_DESCRIPTIONS,
            rounds=counts.latest_round,
            drawn=drawn_labels(review, counts),
        )
        data = embedded(page_data(trail, labels))
    plots = (
        (
            "plot-stages",
            "Each source through the stages",
            stages_svg(review, counts, xml_declaration=False),
        ),
        (
            "plot-upset",
            "Overlap between sources (UpSet plot)",
            upset_svg(review, counts, xml_declaration=False),
        ),
        (
            "plot-heatmap",
            "Overlap between each pair of sources",
            overlap_heatmap_svg(review, counts, xml_declaration=False),
        ),
        ("plot-rounds", "Searches over time", rounds_svg(review, counts, xml_declaration=False)),
    )
    prisma = build_prisma_reports(
        review, counts, data=data, lists=lists, plots=plots, figures=True, labels=labels
    )
    return {
        "searches_csv": searches_csv(review, counts),
        "searches_md": searches_md(review, counts),
        "sources_csv": sources_csv(review, counts),
        "sources_md": sources_md(review, counts),
        "prisma_svg": prisma.svg,
        "prisma_html": prisma.html,
        "prisma_csv": prisma.csv,
        "duplicates_md": dedup_md(review, counts),
        "duplicates_html": duplicates_html(review, trail),
        "overlap_csv": overlap_csv(counts),
        "overlap_md": overlap_md(review, counts),
        "overlap_svg": upset_svg(review, counts),
        "overlap_heatmap_svg": overlap_heatmap_svg(review, counts),
        "stages_csv": stages_csv(counts, by="source"),
        "stages_by_search_csv": stages_csv(counts, by="search"),
        "stages_md": stages_md(review, counts),
        "stages_svg": stages_svg(review, counts),
        "rounds_csv": rounds_csv(counts),
        "rounds_md": rounds_md(review, counts),
        "rounds_svg": rounds_svg(review, counts),
    }


FIGURE_DPI: Final = 300
"""The resolution of the diagram's PNG: what journals ask for at the least."""


def render_figures(svg: str) -> dict[str, bytes]:
    """The diagram as the figure files journals take (PNG at :data:`FIGURE_DPI`, PDF), by
    their key in the layout, drawn from its SVG (``prisma_svg``)."""
    return {"prisma_png": diagram_png(svg, FIGURE_DPI), "prisma_pdf": diagram_pdf(svg)}


def render_round(review: Review, counts: ReviewCounts, number: int) -> dict[str, str]:
    """The diagram files of earlier search round ``number``, by their key in the layout;
    raises KeyError when the review has no such earlier round."""
    prisma = build_prisma_reports(review, counts.for_round(number), figures=True)
    return {"prisma_svg": prisma.svg, "prisma_html": prisma.html, "prisma_csv": prisma.csv}


__all__ = ["FIGURE_DPI", "render_figures", "render_reports", "render_round"]
