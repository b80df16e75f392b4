"""The ``searchtrail`` command.

Each step of the pipeline is a subcommand, so people can run it by hand and the Snakemake
rules stay one line each. Problems in the review's files are printed as a list (file, line,
entry, field, value, expectation) with exit status 1, never as a traceback.

The subcommands that work on a review directory live in :mod:`searchtrail.commands`, which
is imported when one of them runs: ``searchtrail dedup`` (and each of its read workers)
starts without loading the review's machinery. ``searchtrail dedup`` imports its own code
once it has started the fork server that makes its helper processes
(:mod:`searchtrail.dedup.processes`).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import importlib
import io
import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

from searchtrail import __version__
from searchtrail.console import progress
from searchtrail.dedup import processes
from searchtrail.errors import CountMismatchError, ReviewError
from searchtrail.layout import STAGES, TOOLS

# --- subcommands ------------------------------------------------------------------------------


def _review_command(name: str) -> Callable[[argparse.Namespace], int]:
    """The subcommand ``name`` of :mod:`searchtrail.commands`, imported when it runs."""

    def command(args: argparse.Namespace) -> int:
        handler: Callable[[argparse.Namespace], int] = getattr(
            importlib.import_module("searchtrail.commands"), name
        )
        return handler(args)

    return command


def cmd_dedup(args: argparse.Namespace) -> int:
    paths = [Path(name) for name in args.files]
    # The fork server imports the reading code on another core while this process does.
    processes.start_early(paths)
    from searchtrail.dedup.files import run  # noqa: PLC0415

    outcome = run(
        paths,
        Path(args.out),
        verdicts_file=Path(args.verdicts) if args.verdicts else None,
        ids=args.ids,
        skip_unreadable=args.skip_unreadable,
        progress=progress(args.quiet),
        keep_abstracts=False,
    )
    result = outcome.result
    kinds = result.removed_by
    decisions = result.decided
    print(f"{len(result.record_ids):,} records, {result.groups:,} unique")
    print(
        f"{len(result.record_ids) - result.groups:,} duplicates removed: "
        f"{kinds['identifier']:,} by identifier, {kinds['fuzzy']:,} by fuzzy rules, "
        f"{kinds['manual']:,} by people's verdicts"
    )
    asked = f" ({outcome.new_questions:,} new in {args.verdicts})" if args.verdicts else ""
    print(
        f"{decisions['linked version']:,} pairs linked as versions of one work, "
        f"{decisions['uncertain']:,} uncertain pairs{asked}"
    )
    if outcome.skipped:
        print(f"{len(outcome.skipped):,} records could not be read and were skipped:")
        for problem in outcome.skipped:
            print(f"  - {problem}")
    for message in result.splits:
        print(f"split: {message}")
    print(f"wrote {args.out}/unique.ris, unique.csv, unique.json, groups.csv, pairs.csv")
    return 0


# --- argument parsing ---------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="searchtrail",
        description="Check a review's search log and make its PRISMA 2020 counts and reports.",
    )
    parser.add_argument("--version", action="version", version=f"searchtrail {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    validate = commands.add_parser(
        "validate", help="check a review directory and print its per-source counts"
    )
    validate.add_argument("review", nargs="?", default=".", help="review directory (default: .)")
    validate.set_defaults(func=_review_command("cmd_validate"))

    stage = commands.add_parser(
        "stage",
        help="run one stage of the pipeline on a review directory",
        description="Run one stage of the pipeline; it reads what the stages before it "
        "wrote and writes its own files under the review's reports/ (the names are those "
        "of searchtrail.layout). The Snakemake workflow runs these in order: "
        + ", ".join(STAGES)
        + ".",
    )
    stage.add_argument("stage", choices=STAGES, help="the stage to run")
    stage.add_argument("review", nargs="?", default=".", help="review directory (default: .)")
    stage.add_argument(
        "--round",
        type=int,
        help="reports stage: write the diagram files of this earlier search round",
    )
    stage.add_argument("--quiet", action="store_true", help="no progress messages")
    stage.set_defaults(func=_review_command("cmd_stage"))

    dedup = commands.add_parser(
        "dedup",
        help="deduplicate export files directly",
        description="Read export files (any supported format), find duplicate records, and "
        "write DIR/unique.ris and unique.csv (one merged record per publication), "
        "DIR/groups.csv (record_id,duplicate_group) and DIR/pairs.csv (the decisions).",
    )
    dedup.add_argument("files", nargs="+", help="export files (RIS, PubMed, BibTeX, CSV, ...)")
    dedup.add_argument("--out", required=True, help="directory for the results")
    dedup.add_argument(
        "--verdicts",
        help="people's verdicts file (CSV): applied, and new uncertain pairs are added to it",
    )
    dedup.add_argument(
        "--ids",
        choices=("own", "key", "position"),
        default="own",
        help="record ids: 'own' is the file's own (RIS ID, CSV record_id/ID) where present, "
        "otherwise <file>:<key> (the record's accession, or a fingerprint of its content: "
        "it stays with the record when the file is exported again in another order); 'key' "
        "is always <file>:<key>; 'position' is <file>:<position in the file> "
        "(default: own)",
    )
    dedup.add_argument(
        "--skip-unreadable",
        action="store_true",
        help="skip records that cannot be read (listed in the output) instead of stopping",
    )
    dedup.add_argument("--quiet", action="store_true", help="no progress messages")
    dedup.set_defaults(func=cmd_dedup)

    screening = commands.add_parser("screening", help="screening decisions")
    actions = screening.add_subparsers(dest="action", required=True, metavar="ACTION")
    importer = actions.add_parser(
        "import",
        help="add decisions from a screening tool's export to screening/<stage>.csv",
        description="Match each row of a screening tool's export to the review's records (by "
        "record id, DOI or title) and add its decision to screening/<stage>.csv. Rows that "
        "match nothing or have no final decision are listed, not added.",
    )
    importer.add_argument("review", help="review directory (the pipeline has run on it)")
    importer.add_argument("file", help="the tool's export (CSV)")
    importer.add_argument("--tool", choices=TOOLS, required=True, help="which tool wrote it")
    importer.add_argument(
        "--stage", choices=("title_abstract", "full_text"), required=True, help="which stage"
    )
    importer.add_argument(
        "--decision",
        choices=("include", "exclude"),
        help="the decision of every row (Covidence exports one list per decision)",
    )
    importer.add_argument("--reason", help="exclusion reason for rows that give none")
    importer.add_argument("--date", help="date of the decisions (YYYY-MM-DD)")
    importer.add_argument("--note", help="a note for every added row")
    importer.set_defaults(func=_review_command("cmd_screening_import"))
    verdicts = actions.add_parser(
        "verdicts",
        help="add duplicate verdicts saved from reports/duplicates.html to "
        "screening/duplicates.csv",
        description="Check a file of duplicate verdicts saved from the questions page "
        "(reports/duplicates.html, 'Save verdicts') against the review's records and "
        "screening/duplicates.csv, and add its answered rows after the rows of "
        "screening/duplicates.csv, which stay as they are. Unknown record ids, verdict "
        "words, titles that are no longer the records', and answers that contradict the "
        "file are listed with their lines, and nothing is added. Run the pipeline again to "
        "apply the verdicts.",
    )
    verdicts.add_argument("review", help="review directory (the pipeline has run on it)")
    verdicts.add_argument("file", help="the saved verdicts (duplicate-verdicts.csv)")
    verdicts.set_defaults(func=_review_command("cmd_screening_verdicts"))
    migrator = actions.add_parser(
        "migrate",
        help="rewrite record ids that name a position (medline-1:4) as the records' ids",
        description="Record ids follow the record (its accession, or a fingerprint of its "
        "content), no longer its position in the export. This rewrites ids of the form "
        "<search>:<position> in screening/*.csv and screening/duplicates.csv as the ids of "
        "the records at those positions in the exports as they are now: run it once, while "
        "the exports are those the decisions were made on. The previous version of each "
        "file is kept in screening/.previous/.",
    )
    migrator.add_argument("review", nargs="?", default=".", help="review directory (default: .)")
    migrator.set_defaults(func=_review_command("cmd_screening_migrate"))

    refresher = commands.add_parser(
        "refresh",
        help="run the workflow on many review directories in one go",
        description="Run the workflow on each review directory (given here or listed in a "
        "file, one per line), several at a time, each with the same Snakemake profile: "
        "the default runs each step on this machine, --profile profiles/slurm submits each "
        "step to a SLURM cluster. A review that fails does not stop the others; each keeps "
        "its output in reports/logs/refresh.log, and the summary names every outcome.",
    )
    refresher.add_argument("reviews", nargs="*", help="review directories")
    refresher.add_argument("--list", type=Path, help="a file listing review directories")
    refresher.add_argument("--profile", type=Path, help="a Snakemake profile directory")
    refresher.add_argument(
        "--parallel", type=int, default=1, help="reviews run at the same time (default: 1)"
    )
    refresher.add_argument(
        "--cores", type=int, default=1, help="cores for each review without a profile (default: 1)"
    )
    refresher.add_argument("--snakefile", type=Path, help="the workflow (default: the checkout's)")
    refresher.add_argument(
        "--snakemake-args",
        default="",
        help="more Snakemake options for every run, in one quoted string",
    )
    refresher.set_defaults(func=_review_command("cmd_refresh"))

    init = commands.add_parser("init", help="start a new review directory from a template")
    init.add_argument("directory", help="directory to create (must not hold a review yet)")
    init.add_argument("--title", default="Title of the review", help="the review's title")
    init.set_defaults(func=_review_command("cmd_init"))
    return parser


def _terminated(signal_number: int, _frame: object) -> None:
    """A polite kill (SIGTERM) ends the command like an interrupt, so that its temporary
    files are removed and its worker processes stopped on the way out."""
    raise SystemExit(128 + signal_number)


def program() -> int:
    """The command line run as a program of its own (``searchtrail``, ``python -m
    searchtrail``). What its imports made lives as long as the process: it is set apart from
    the garbage collector's passes (:func:`gc.freeze`), which each stage's hand-back of
    memory would otherwise walk through again."""
    gc.freeze()
    return main()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = build_parser().parse_args(argv)
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _terminated)
    streams = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _Unread(sys.stdout), _Unread(sys.stderr)
    try:
        status: int = args.func(args)
    except (ReviewError, CountMismatchError) as error:
        print(str(error), file=sys.stderr)
        return 1
    except OSError as error:
        # A full disk, a read-only file system, a file another program holds.
        print(f"searchtrail: {error}", file=sys.stderr)
        return 1
    finally:
        sys.stdout, sys.stderr = streams
    return status


class _Unread:
    """A standard stream whose reader may stop reading (``| head``, a closed terminal):
    what is written after that goes nowhere, and the command finishes its work (a stage
    stopped by its own progress messages would leave its files unwritten)."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._gone = False

    def write(self, text: str) -> int:
        if not self._gone:
            try:
                return self._stream.write(text)
            except BrokenPipeError:
                self._away()
        return len(text)

    def flush(self) -> None:
        if not self._gone:
            try:
                self._stream.flush()
            except BrokenPipeError:
                self._away()

    def _away(self) -> None:
        self._gone = True
        with contextlib.suppress(OSError, ValueError, io.UnsupportedOperation):
            os.dup2(os.open(os.devnull, os.O_WRONLY), self._stream.fileno())

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


if __name__ == "__main__":
    sys.exit(main())
