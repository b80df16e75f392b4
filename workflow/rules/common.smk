# Shared settings and helpers. The review is loaded and validated here, when the workflow
# is parsed: a mistake in the search log stops the run at once with the full list of
# problems, and the files the log names become inputs of the rules that read them.

import shlex
import sys

from snakemake.utils import validate

from searchtrail import ReviewError, __version__, load_review

validate(config, schema="../schemas/config.schema.yaml")

# Rules run the searchtrail command line with the Python that runs Snakemake, where the
# README's install puts the package.
SEARCHTRAIL = f"{shlex.quote(sys.executable)} -m searchtrail"

REVIEW = Path(config["review_dir"])
SEARCHES = REVIEW / "searches"
REPORTS = REVIEW / "reports"
DATA = REPORTS / "data"
LOGS = REPORTS / "logs"
SEARCHTRAIL_ENV = "../envs/searchtrail.yaml"
# A rule param, so that a new searchtrail version remakes the reports.
SEARCHTRAIL_VERSION = __version__

try:
    REVIEW_DATA = load_review(REVIEW)
except ReviewError as error:
    sys.exit(str(error))


def record_files():
    """Every export and record file the search log names, relative to the working directory."""
    names = []
    for search in REVIEW_DATA.searches:
        if search.export:
            names.extend(search.export.files)
    for record_file in REVIEW_DATA.record_files:
        names.extend(record_file.files)
    return [str(REVIEW / name) for name in names]


def verdicts_file():
    """People's duplicate verdicts, when the review has them."""
    path = REVIEW / "screening" / "duplicates.csv"
    return [str(path)] if path.exists() else []


def screening_files():
    """The screening decision files the review has (title/abstract, full text, ...)."""
    names = ("removed", "title_abstract", "retrieval", "full_text", "studies")
    paths = [REVIEW / "screening" / f"{name}.csv" for name in names]
    return [str(path) for path in paths if path.exists()]


def final_outputs():
    """Every report the workflow makes."""
    names = [
        "searches.csv",
        "searches.md",
        "sources.csv",
        "sources.md",
        "prisma.svg",
        "prisma.html",
        "PRISMA.csv",
        "duplicates.md",
        "overlap.csv",
        "overlap.md",
        "overlap.svg",
        "dedup/unique.ris",
        "flow.csv",
        "stages.csv",
        "stages_by_search.csv",
        "stages.md",
        "stages.svg",
        "rounds.csv",
        "rounds.md",
    ]
    # An updated review keeps the diagram of each earlier round (round 1: the original).
    for number in REVIEW_DATA.rounds[:-1]:
        names.extend(
            f"round-{number}/{name}"
            for name in ("prisma.svg", "prisma.html", "PRISMA.csv")
        )
    return [str(REPORTS / name) for name in names]
