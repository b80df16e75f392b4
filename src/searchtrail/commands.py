"""The subcommands that work on a review directory: ``validate``, ``stage``, ``screening``,
``init`` and ``refresh`` (:mod:`searchtrail.cli` parses the command line and imports this
module when one of them runs, so that ``searchtrail dedup`` starts without the review's
machinery)."""

from __future__ import annotations

import argparse
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from searchtrail.console import progress
from searchtrail.counts import ReviewCounts
from searchtrail.dedup.verdicts import add_saved, check_saved
from searchtrail.errors import ReviewError
from searchtrail.layout import DECISION_FILES, LOG_FILE, OUTPUTS, VERDICTS_FILE
from searchtrail.pipeline import (
    assess,
    dedup_questions_and_splits,
    last_run_inputs,
    read_earlier_table,
    stage_counts,
    stage_dedup,
    stage_records,
    stage_reports,
    stage_screening,
)
from searchtrail.records.identity import KnownRecords
from searchtrail.refresh import refresh, reviews_from, snakefile, summary
from searchtrail.reports.words import describe, number
from searchtrail.scaffold import create_review
from searchtrail.screening.decisions import collect_decisions, decision_file, stray_files
from searchtrail.screening.migrate import migrate
from searchtrail.screening.tools import (
    Flow,
    RecordIndex,
    appending,
    check_date,
    import_decisions,
    read_tool_export,
    refuse_misplaced,
    write_decisions,
)
from searchtrail.searchlog import load_review
from searchtrail.sheets import read_sheet


def format_sources(counts: ReviewCounts) -> str:
    """The per-source counts as a plain-text table for the terminal."""
    header = ("source", "kind", "searches", "without count", "identified", "for assessment")
    rows = [
        (
            s.source,
            ", ".join(s.kinds),
            str(s.searches),
            str(s.identified.unstated),
            "not reported" if s.identified.value is None else number(s.identified.value),
            describe(s.for_assessment),
        )
        for s in counts.sources
    ]
    rows.append(
        (
            "Total",
            "",
            str(counts.search_count),
            str(counts.identified.unstated),
            "not reported" if counts.identified.value is None else number(counts.identified.value),
            describe(counts.for_assessment),
        )
    )
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    right = {2, 3, 4}

    def line(row: Sequence[str]) -> str:
        return "  ".join(
            cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])
            for i, cell in enumerate(row)
        ).rstrip()

    out = [line(header), line(["-" * w for w in widths])]
    out.extend(line(row) for row in rows[:-1])
    out.append(line(["-" * w for w in widths]))
    out.append(line(rows[-1]))
    return "\n".join(out)


def cmd_validate(args: argparse.Namespace) -> int:
    directory = Path(args.review)
    checked = assess(directory)
    counts = checked.counts
    rounds = len(counts.rounds)
    print(
        f"{directory / LOG_FILE}: {counts.search_count} searches in "
        f"{counts.source_count} sources, "
        f"{rounds} round{'s' if rounds != 1 else ''}; no problems found."
    )
    records = counts.records
    if records.sources:
        print(
            f"records: {records.records:,} read, {records.publications:,} publications after "
            f"deduplication; the counts add up."
        )
    if checked.new_questions:
        print(
            f"screening/duplicates.csv: the pipeline will ask {checked.new_questions:,} new "
            "question(s) about possible duplicates."
        )
    if checked.decision_files:
        print(
            f"screening/: {checked.decisions:,} decisions in {checked.decision_files} files; "
            "no problems found."
        )
    print()
    print(format_sources(counts))
    return 0


def cmd_stage(args: argparse.Namespace) -> int:
    directory = Path(args.review)
    if args.stage == "records":
        records = stage_records(directory)
        print(f"{len(records):,} records read", file=sys.stderr)
    elif args.stage == "dedup":
        outcome = stage_dedup(directory, progress=progress(args.quiet))
        if outcome.new_questions:
            print(
                f"{len(outcome.new_questions):,} new question(s) about possible duplicates in "
                f"{directory / 'screening/duplicates.csv'}: answer 'duplicate' or "
                "'not duplicate' and run the pipeline again",
                file=sys.stderr,
            )
    elif args.stage == "screening":
        placement = stage_screening(directory)
        print(f"{len(placement.publications):,} publications placed", file=sys.stderr)
    elif args.stage == "counts":
        stage_counts(directory)
    else:
        try:
            stage_reports(directory, round_number=args.round)
        except KeyError:
            print(
                f"error: the review has no earlier search round {args.round}",
                file=sys.stderr,
            )
            return 1
    return 0


def cmd_screening_import(args: argparse.Namespace) -> int:
    directory = Path(args.review)
    needed = [
        directory / OUTPUTS["records"]["records"],
        directory / OUTPUTS["dedup"]["groups"],
        directory / OUTPUTS["dedup"]["summary"],
    ]
    missing = [str(name) for name in needed if not name.exists()]
    if missing:
        print(
            f"error: {', '.join(missing)} missing: run the pipeline on the review first, "
            "so its records and duplicate groups exist",
            file=sys.stderr,
        )
        return 1
    check_date(args.date or "")
    review = load_review(directory)
    source = Path(args.file)
    rows = read_tool_export(
        read_sheet(source), args.tool, decision=args.decision, reason=args.reason or ""
    )
    # Read as the screening stage reads them: a damaged file is named, with what to rerun.
    records: pd.DataFrame = read_earlier_table(
        directory, "records", "records", ("record_id", "origin_id", "position", "doi", "title")
    )
    groups: pd.DataFrame = read_earlier_table(directory, "dedup", "groups")
    questions, splits = dedup_questions_and_splits(directory)
    index = RecordIndex.of(records, groups)
    name, problems = decision_file(directory, args.stage)
    if problems:
        raise ReviewError(problems)
    existing = read_sheet(directory / name, file=name) if name else None
    target = directory / (name or DECISION_FILES[args.stage])
    outcome = import_decisions(
        rows,
        index,
        existing,
        args.stage,
        date=args.date or "",
        note=args.note or "",
        reasons=review.exclusion_reasons,
    )
    # The review's decisions as the pipeline reads them; the problems they have without the
    # import are the pipeline's to report.
    decisions, _ = collect_decisions(directory, review)
    outcome = refuse_misplaced(
        outcome,
        args.stage,
        appending(directory, args.stage, existing),
        decisions,
        Flow(review, groups, questions, splits, index.known),
    )
    if outcome.added:
        write_decisions(directory, args.stage, existing, outcome.added)
    print(f"{len(outcome.added):,} decisions added to {target}; {outcome.already:,} already there")
    for title, items in (
        ("could not be matched to a record", [(r, why) for r, why in outcome.unmatched]),
        ("contradict the file", outcome.conflicts),
        ("are refused, as the review would refuse them", outcome.refused),
        ("have no final decision in the tool", [(r, r.why_undecided) for r in outcome.undecided]),
    ):
        if items:
            print(f"{len(items):,} rows of {source} {title}:")
            for row, why in items:
                print(f"  - {source}:{row.line}: {why}")
    return 0


def cmd_screening_verdicts(args: argparse.Namespace) -> int:
    directory = Path(args.review)
    source = Path(args.file)
    target = directory / VERDICTS_FILE
    if source.resolve() == target.resolve():
        print(
            f"error: {source} is the verdicts file itself; give the file saved from "
            f"{directory / OUTPUTS['reports']['duplicates_html']}",
            file=sys.stderr,
        )
        return 1
    records: pd.DataFrame = read_earlier_table(
        directory, "records", "records", ("record_id", "origin_id", "position", "title")
    )
    inside = source.resolve().parent == target.resolve().parent
    mine = f"{Path(VERDICTS_FILE).parent.as_posix()}/{source.name}" if inside else None
    stray = [problem for problem in stray_files(directory) if problem.file != mine]
    if stray:
        raise ReviewError(stray)
    existing = read_sheet(target, file=VERDICTS_FILE) if target.exists() else None
    saved = check_saved(read_sheet(source), existing, known=KnownRecords.of(records))
    if saved.rows:
        add_saved(target, existing, saved.rows)
    print(f"{len(saved.rows):,} verdict(s) added to {target}; {len(saved.already):,} already there")
    if saved.already:
        lines = ", ".join(str(n) for n in saved.already)
        print(f"already answered the same way in {target} (not added): {source} lines {lines}")
    if saved.unanswered:
        lines = ", ".join(str(n) for n in saved.unanswered)
        print(f"without a verdict (not added): {source} lines {lines}")
    if saved.rows:
        print("Run the pipeline again to apply them.")
    if inside:
        print(
            f"note: move {source} out of {target.parent}: the pipeline stops on tables there "
            "that it does not read",
            file=sys.stderr,
        )
    return 0


def cmd_screening_migrate(args: argparse.Namespace) -> int:
    directory = Path(args.review)
    done = migrate(directory, last_run_inputs(directory))
    if not done.changed:
        print("no record id names a position; nothing to rewrite")
    for name, count in done.changed:
        print(
            f"{name}: {count:,} id(s) rewritten (the previous version is in screening/.previous/)"
        )
    if done.changed and not done.compared:
        print(
            "note: the exports could not be compared with those of the pipeline's last run "
            "(reports/data/counts.json is missing or unreadable); the ids were rewritten for "
            "the exports as they are now, so check that these are the exports the decisions "
            "were made on",
            file=sys.stderr,
        )
    return 0


def cmd_init(args: argparse.Namespace) -> int:
    created = create_review(Path(args.directory), title=args.title)
    for path in created:
        print(f"created {path}")
    print(
        f"\nNext: describe your searches in {Path(args.directory) / LOG_FILE}, then run\n"
        f"  searchtrail validate {args.directory}\n"
        f"  snakemake -c1 --directory {args.directory}   (from the searchtrail checkout)"
    )
    return 0


def cmd_refresh(args: argparse.Namespace) -> int:
    reviews = reviews_from(args.reviews, args.list)
    outcomes = refresh(
        reviews,
        workflow=args.snakefile or snakefile(),
        profile=args.profile,
        parallel=args.parallel,
        cores=args.cores,
        extra=shlex.split(args.snakemake_args),
    )
    print(summary(outcomes))
    return 0 if all(outcome.ok for outcome in outcomes) else 1
