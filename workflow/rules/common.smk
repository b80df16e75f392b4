# Shared settings and helpers. The review is loaded and validated here, when the workflow
# is parsed: a mistake in the search log stops the run at once with the full list of
# problems, and the files the log names become inputs of the rules that read them. Every
# file name comes from searchtrail.layout, the list the command line and the tests use too.

import hashlib
import shlex
import sys

from snakemake.utils import validate

from searchtrail import ReviewError, __version__, load_review
from searchtrail.dedup.verdicts import people_digest
from searchtrail.locks import stale_lock
from searchtrail.screening.decisions import decision_file
from searchtrail.sheets import read_sheet
from searchtrail.layout import (
    DECISION_STAGES,
    LOG_FILE,
    OUTPUTS,
    REVIEW_FILE,
    VERDICTS_FILE,
    final_outputs,
    log_file,
    round_outputs,
)

validate(config, schema="../schemas/config.schema.yaml")

# Rules run the searchtrail command line with the Python that runs Snakemake, where the
# README's install puts the package.
SEARCHTRAIL = f"{shlex.quote(sys.executable)} -m searchtrail"

REVIEW = Path(config["review_dir"])
SEARCHTRAIL_ENV = "../envs/searchtrail.yaml"
# A rule param, so that a new searchtrail version remakes the reports.
SEARCHTRAIL_VERSION = __version__

if "--unlock" not in sys.argv and stale_lock(Path.cwd()):
    snakefile = shlex.quote(str(Path(workflow.main_snakefile).resolve()))
    here = shlex.quote(str(Path.cwd()))
    sys.exit(
        f"searchtrail: the last run on {here} was stopped before it finished, and its lock "
        "(.snakemake/locks) is still there; no other run is going on. Remove the lock and "
        f"run again (the step it was in is redone):\n"
        f"  snakemake --unlock -s {snakefile} --directory {here}\n"
        f"  snakemake -c1 -s {snakefile} --directory {here}"
    )

try:
    REVIEW_DATA = load_review(REVIEW)
except ReviewError as error:
    sys.exit(str(error))


def at(name):
    """A path of the review directory, relative to Snakemake's working directory."""
    return str(REVIEW / name)


def stage_outputs(stage):
    """The files one stage writes, by their layout keys."""
    return {key: at(name) for key, name in OUTPUTS[stage].items()}


def log_of(stage):
    return at(log_file(stage))


def search_log():
    """The review's own description, read by every stage."""
    return [at(REVIEW_FILE), at(LOG_FILE)]


def record_files():
    """Every export and record file the search log names."""
    names = []
    for search in REVIEW_DATA.searches:
        if search.export:
            names.extend(search.export.files)
    for record_file in REVIEW_DATA.record_files:
        names.extend(record_file.files)
    return [at(name) for name in names]


def verdicts_digest():
    """What people wrote in screening/duplicates.csv (answers and notes): a parameter of
    the dedup rule, not an input, so the questions the rule itself adds to the file do not
    make the next run redo it, and every answer does. A file that cannot be read as a
    table gives a digest of its bytes, and the dedup step reports what is wrong with it.
    """
    path = REVIEW / VERDICTS_FILE
    if not path.exists():
        return people_digest(None)
    try:
        return people_digest(read_sheet(path, file=VERDICTS_FILE))
    except ReviewError:
        return hashlib.sha256(path.read_bytes()).hexdigest()


def screening_files():
    """The screening decision files the review has (title/abstract, full text, ...)."""
    names = [decision_file(REVIEW, stage)[0] for stage in DECISION_STAGES]
    return [at(name) for name in names if name]


def all_reports():
    """Every report the workflow makes, earlier search rounds' diagrams included."""
    return [at(name) for name in final_outputs(REVIEW_DATA.rounds[:-1])]


CAPTIONS = {
    "pairs_csv": ("pairs.rst", "Deduplication"),
    "searches_csv": ("searches.rst", "Searches"),
    "sources_csv": ("sources.rst", "Sources"),
    "prisma_svg": ("prisma.rst", "PRISMA 2020"),
    "prisma_png": ("prisma_png.rst", "PRISMA 2020"),
    "overlap_svg": ("overlap.rst", "Deduplication"),
    "overlap_heatmap_svg": ("heatmap.rst", "Deduplication"),
    "rounds_svg": ("rounds.rst", "Search rounds"),
    "stages_svg": ("stages.rst", "Screening"),
}


def captioned(outputs):
    """A stage's outputs, those with a caption marked for Snakemake's --report."""
    marked = {}
    for key, name in outputs.items():
        if key in CAPTIONS:
            caption, category = CAPTIONS[key]
            name = report(name, caption=f"../report/{caption}", category=category)
        marked[key] = name
    return marked
