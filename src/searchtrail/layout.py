"""Where a review's files are: its inputs, and what each stage of the pipeline writes.

This is the one list of file names. The Snakemake rules take their inputs and outputs from
it, the command line writes each stage's files to the names it gives, and the tests read
them from here, so a file is named in one place only. Every path is relative to the review
directory.

The stages run in this order, each reading what the ones before it wrote:

==============  ======================================================================
stage           writes
==============  ======================================================================
``records``     every export and record file read into one table
``dedup``       duplicate groups, compared pairs, unique records; new questions for people
``screening``   where every publication stands after people's decisions (``flow.csv``),
                and the unique records labelled with them for ASReview
``counts``      every number of the review, checked (``counts.json``)
``reports``     the tables, diagrams and pages, rendered from ``counts.json``
==============  ======================================================================
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final, Literal

REVIEW_FILE: Final = "searches/review.yaml"
LOG_FILE: Final = "searches/log.yaml"
VERDICTS_FILE: Final = "screening/duplicates.csv"
Tool = Literal["csv", "rayyan", "asreview", "covidence"]
TOOLS: Final[tuple[Tool, ...]] = ("csv", "rayyan", "asreview", "covidence")
"""The screening tools whose exports ``searchtrail screening import`` reads into the
review's decision files."""
DECISION_STAGES: Final = ("removed", "title_abstract", "retrieval", "full_text", "studies")
DECISION_FILES: Final[dict[str, str]] = {
    stage: f"screening/{stage}.csv" for stage in DECISION_STAGES
}

STAGES: Final = ("records", "dedup", "screening", "counts", "reports")

OUTPUTS: Final[dict[str, dict[str, str]]] = {
    "records": {
        "records": "reports/data/records.parquet",
        "imports": "reports/data/import.json",
    },
    "dedup": {
        "groups": "reports/data/groups.parquet",
        "pairs": "reports/data/pairs.parquet",
        "unique": "reports/data/unique.parquet",
        "summary": "reports/data/dedup.json",
        "groups_csv": "reports/dedup/groups.csv",
        "unique_csv": "reports/dedup/unique.csv",
        "unique_ris": "reports/dedup/unique.ris",
        "unique_json": "reports/dedup/unique.json",
        "pairs_csv": "reports/dedup/pairs.csv",
    },
    "screening": {
        "flow": "reports/data/flow.json",
        "flow_csv": "reports/flow.csv",
        # Beside the other files for the next tool, but written here: its labels are the
        # decisions the flow places.
        "asreview_csv": "reports/dedup/asreview.csv",
    },
    "counts": {
        "counts": "reports/data/counts.json",
        "members": "reports/data/members.json",
    },
    "reports": {
        "searches_csv": "reports/searches.csv",
        "searches_md": "reports/searches.md",
        "sources_csv": "reports/sources.csv",
        "sources_md": "reports/sources.md",
        "prisma_svg": "reports/prisma.svg",
        "prisma_html": "reports/prisma.html",
        "prisma_csv": "reports/PRISMA.csv",
        "prisma_png": "reports/prisma.png",
        "prisma_pdf": "reports/prisma.pdf",
        "duplicates_md": "reports/duplicates.md",
        "duplicates_html": "reports/duplicates.html",
        "overlap_csv": "reports/overlap.csv",
        "overlap_md": "reports/overlap.md",
        "overlap_svg": "reports/overlap.svg",
        "overlap_heatmap_svg": "reports/overlap_heatmap.svg",
        "stages_csv": "reports/stages.csv",
        "stages_by_search_csv": "reports/stages_by_search.csv",
        "stages_md": "reports/stages.md",
        "stages_svg": "reports/stages.svg",
        "rounds_csv": "reports/rounds.csv",
        "rounds_md": "reports/rounds.md",
        "rounds_svg": "reports/rounds.svg",
    },
}

ROUND_REPORTS: Final[dict[str, str]] = {
    "prisma_svg": "prisma.svg",
    "prisma_html": "prisma.html",
    "prisma_csv": "PRISMA.csv",
    "prisma_png": "prisma.png",
    "prisma_pdf": "prisma.pdf",
}
"""The diagram files kept for each earlier search round of an updated review."""


def output(stage: str, key: str) -> str:
    """The path of one output of ``stage`` (``output("counts", "counts")``)."""
    return OUTPUTS[stage][key]


def round_outputs(number: int | str) -> dict[str, str]:
    """The diagram files of earlier search round ``number`` (or of the pattern ``"{round}"``,
    for a rule's wildcard)."""
    return {key: f"reports/round-{number}/{name}" for key, name in ROUND_REPORTS.items()}


def log_file(stage: str) -> str:
    """Where a stage's log goes when the workflow runs it."""
    return f"reports/logs/{stage}.log"


def final_outputs(earlier_rounds: Iterable[int]) -> list[str]:
    """Every report of a review whose earlier search rounds are ``earlier_rounds``."""
    names = list(OUTPUTS["reports"].values())
    names.append(OUTPUTS["screening"]["flow_csv"])
    names.append(OUTPUTS["dedup"]["unique_ris"])
    names.append(OUTPUTS["dedup"]["unique_json"])
    names.append(OUTPUTS["screening"]["asreview_csv"])
    for number in earlier_rounds:
        names.extend(round_outputs(number).values())
    return names
