"""The ``searchtrail`` command.

Each step of the pipeline is a subcommand, so people can run it by hand and the Snakemake
rules stay one line each. Problems in the review's files are printed as a list (file, line,
entry, field, value, expectation) with exit status 1, never as a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from searchtrail import __version__
from searchtrail.counts import ReviewCounts, compute_counts
from searchtrail.dedup.files import run
from searchtrail.errors import CountMismatchError, ReviewError
from searchtrail.pipeline import load_counts, step_counts, step_duplicates, step_records, write_text
from searchtrail.prisma import build_prisma_reports
from searchtrail.reports import dedup_md, overlap_csv, overlap_md, upset_svg
from searchtrail.scaffold import create_review
from searchtrail.screening import FILES as SCREENING_FILES
from searchtrail.screening import read_decisions
from searchtrail.screening_import import (
    TOOLS,
    RecordIndex,
    import_decisions,
    read_tool_export,
    write_decisions,
)
from searchtrail.searchlog import LOG_FILE, load_review
from searchtrail.stages import rounds_csv, rounds_md, stages_csv, stages_md, stages_svg
from searchtrail.tables import searches_csv, searches_md, sources_csv, sources_md
from searchtrail.text import describe, number


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
            str(len(counts.searches)),
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


def _stderr(quiet: bool) -> object:
    def say(message: str) -> None:
        if not quiet:
            print(message, file=sys.stderr, flush=True)

    return say


# --- subcommands ------------------------------------------------------------------------------


def cmd_validate(args: argparse.Namespace) -> int:
    directory = Path(args.review)
    review = load_review(directory)
    counts = compute_counts(review)
    decisions = read_decisions(directory, review)  # the files' form; records are checked later
    rounds = review.rounds
    print(
        f"{directory / LOG_FILE}: {len(review.searches)} searches in "
        f"{len(counts.sources)} sources, "
        f"{len(rounds)} round{'s' if len(rounds) != 1 else ''}; no problems found."
    )
    decided = sum(len(rows) for rows in decisions.rows.values())
    if decisions.rows:
        print(
            f"screening/: {decided:,} decisions in {len(decisions.rows)} files; no problems found."
        )
    print()
    print(format_sources(counts))
    return 0


def cmd_records(args: argparse.Namespace) -> int:
    records = step_records(Path(args.review), Path(args.out), Path(args.summary))
    print(f"{len(records):,} records read into {args.out}", file=sys.stderr)
    return 0


def cmd_duplicates(args: argparse.Namespace) -> int:
    outcome = step_duplicates(
        Path(args.review),
        Path(args.records),
        Path(args.data),
        Path(args.reports),
        progress=_stderr(args.quiet),  # type: ignore[arg-type]
    )
    if outcome.new_questions:
        print(
            f"{len(outcome.new_questions):,} new question(s) about possible duplicates in "
            f"{Path(args.review) / 'screening/duplicates.csv'}: answer 'duplicate' or "
            "'not duplicate' and run the pipeline again",
            file=sys.stderr,
        )
    return 0


def cmd_counts(args: argparse.Namespace) -> int:
    step_counts(
        Path(args.review),
        Path(args.output),
        Path(args.data) if args.data else None,
        Path(args.flow) if args.flow else None,
    )
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    directory = Path(args.review)
    review = load_review(directory)
    counts = load_counts(Path(args.counts), directory)
    if args.table == "searches":
        write_text(Path(args.csv), searches_csv(review, counts))
        write_text(Path(args.md), searches_md(review, counts))
    elif args.table == "sources":
        write_text(Path(args.csv), sources_csv(review, counts))
        write_text(Path(args.md), sources_md(review, counts))
    elif args.table == "duplicates":
        write_text(Path(args.md), dedup_md(review, counts))
        write_text(Path(args.overlap_csv), overlap_csv(counts))
        write_text(Path(args.overlap_md), overlap_md(review, counts))
        write_text(Path(args.upset), upset_svg(review, counts))
    elif args.table == "stages":
        write_text(Path(args.csv), stages_csv(counts, by="source"))
        write_text(Path(args.searches_csv), stages_csv(counts, by="search"))
        write_text(Path(args.md), stages_md(review, counts))
        write_text(Path(args.svg), stages_svg(review, counts))
        write_text(Path(args.rounds_csv), rounds_csv(counts))
        write_text(Path(args.rounds_md), rounds_md(review, counts))
    else:
        if args.round is not None:
            try:
                counts = counts.for_round(args.round)
            except KeyError:
                rounds = ", ".join(str(p.round) for p in counts.earlier_rounds) or "none"
                print(
                    f"error: no diagram of round {args.round}; earlier rounds with a diagram: "
                    f"{rounds} (the latest round is the main diagram)",
                    file=sys.stderr,
                )
                return 1
        reports = build_prisma_reports(review, counts)
        write_text(Path(args.svg), reports.svg)
        write_text(Path(args.html), reports.html)
        write_text(Path(args.csv), reports.csv)
    return 0


def cmd_dedup(args: argparse.Namespace) -> int:
    outcome = run(
        [Path(name) for name in args.files],
        Path(args.out),
        verdicts_file=Path(args.verdicts) if args.verdicts else None,
        ids=args.ids,
        skip_unreadable=args.skip_unreadable,
        progress=_stderr(args.quiet),  # type: ignore[arg-type]
    )
    result = outcome.result
    kinds = {k: int((result.merge_kind == k).sum()) for k in ("identifier", "fuzzy", "manual")}
    decisions = result.pairs["decision"].value_counts()
    print(f"{len(result.record_ids):,} records, {result.groups:,} unique")
    print(
        f"{len(result.record_ids) - result.groups:,} duplicates removed: "
        f"{kinds['identifier']:,} by identifier, {kinds['fuzzy']:,} by fuzzy rules, "
        f"{kinds['manual']:,} by people's verdicts"
    )
    asked = f" ({outcome.new_questions:,} new in {args.verdicts})" if args.verdicts else ""
    print(
        f"{int(decisions.get('linked version', 0)):,} pairs linked as versions of one work, "
        f"{int(decisions.get('uncertain', 0)):,} uncertain pairs{asked}"
    )
    if outcome.skipped:
        print(f"{len(outcome.skipped):,} records could not be read and were skipped:")
        for problem in outcome.skipped:
            print(f"  - {problem}")
    for message in result.splits:
        print(f"split: {message}")
    print(f"wrote {args.out}/unique.ris, unique.csv, groups.csv, pairs.csv")
    return 0


def cmd_screening_import(args: argparse.Namespace) -> int:
    directory = Path(args.review)
    data = directory / "reports" / "data"
    missing = [name for name in ("records.parquet", "groups.parquet") if not (data / name).exists()]
    if missing:
        print(
            f"error: {data} lacks {', '.join(missing)}: run the pipeline on the review first, "
            "so its records and duplicate groups exist",
            file=sys.stderr,
        )
        return 1
    source = Path(args.file)
    rows = read_tool_export(
        source.read_text(encoding="utf-8-sig"),
        args.tool,
        file=str(source),
        decision=args.decision,
        reason=args.reason or "",
    )
    index = RecordIndex.of(
        pd.read_parquet(data / "records.parquet", columns=["record_id", "doi", "title"]),
        pd.read_parquet(data / "groups.parquet"),
    )
    target = directory / SCREENING_FILES[args.stage]
    existing = target.read_text(encoding="utf-8-sig") if target.exists() else None
    outcome = import_decisions(
        rows, index, existing, args.stage, date=args.date or "", note=args.note or ""
    )
    if outcome.added:
        write_decisions(directory, args.stage, outcome.added)
    print(f"{len(outcome.added):,} decisions added to {target}; {outcome.already:,} already there")
    for title, items in (
        ("could not be matched to a record", [(r, why) for r, why in outcome.unmatched]),
        ("contradict the file", outcome.conflicts),
        ("have no final decision in the tool", [(r, r.why_undecided) for r in outcome.undecided]),
    ):
        if items:
            print(f"{len(items):,} rows of {source} {title}:")
            for row, why in items:
                print(f"  - {source}:{row.line}: {why}")
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
    validate.set_defaults(func=cmd_validate)

    records = commands.add_parser("records", help="read every export of a review (a pipeline step)")
    records.add_argument("review", help="review directory")
    records.add_argument("--out", required=True, help="records table to write (Parquet)")
    records.add_argument("--summary", required=True, help="import summary to write (JSON)")
    records.set_defaults(func=cmd_records)

    duplicates = commands.add_parser(
        "duplicates", help="deduplicate a review's records (a pipeline step)"
    )
    duplicates.add_argument("review", help="review directory")
    duplicates.add_argument("--records", required=True, help="records table (Parquet)")
    duplicates.add_argument("--data", required=True, help="directory for the data files")
    duplicates.add_argument("--reports", required=True, help="directory for the readable files")
    duplicates.add_argument("--quiet", action="store_true", help="no progress messages")
    duplicates.set_defaults(func=cmd_duplicates)

    counts = commands.add_parser("counts", help="compute every count and write counts.json")
    counts.add_argument("review", nargs="?", default=".", help="review directory (default: .)")
    counts.add_argument("-o", "--output", required=True, help="where to write counts.json")
    counts.add_argument(
        "--data", help="directory with import.json, groups.parquet and dedup.json (records steps)"
    )
    counts.add_argument(
        "--flow", help="where to write flow.csv: every record's stage and decisions (with --data)"
    )
    counts.set_defaults(func=cmd_counts)

    report = commands.add_parser("report", help="write one report from counts.json")
    tables = report.add_subparsers(dest="table", required=True, metavar="REPORT")
    for name, help_text in (
        ("searches", "the search table (PRISMA-S style): CSV and Markdown"),
        ("sources", "records per source: CSV and Markdown"),
    ):
        sub = tables.add_parser(name, help=help_text)
        sub.add_argument("review", help="review directory")
        sub.add_argument("--counts", required=True, help="counts.json made by 'searchtrail counts'")
        sub.add_argument("--csv", required=True, help="CSV file to write")
        sub.add_argument("--md", required=True, help="Markdown file to write")
        sub.set_defaults(func=cmd_report)
    dups = tables.add_parser("duplicates", help="deduplication summary, source overlap, UpSet plot")
    dups.add_argument("review", help="review directory")
    dups.add_argument("--counts", required=True, help="counts.json made by 'searchtrail counts'")
    dups.add_argument("--md", required=True, help="deduplication summary to write (Markdown)")
    dups.add_argument("--overlap-csv", required=True, help="source overlap table (CSV)")
    dups.add_argument("--overlap-md", required=True, help="source overlap table (Markdown)")
    dups.add_argument("--upset", required=True, help="UpSet plot of source overlap (SVG)")
    dups.set_defaults(func=cmd_report)
    stages = tables.add_parser(
        "stages", help="sources and searches through every stage (CSV, Markdown, SVG), rounds"
    )
    stages.add_argument("review", help="review directory")
    stages.add_argument("--counts", required=True, help="counts.json made by 'searchtrail counts'")
    stages.add_argument("--csv", required=True, help="per-source table to write (CSV)")
    stages.add_argument("--searches-csv", required=True, help="per-search table to write (CSV)")
    stages.add_argument("--md", required=True, help="both tables to write (Markdown)")
    stages.add_argument("--svg", required=True, help="bar chart to write (SVG)")
    stages.add_argument("--rounds-csv", required=True, help="search update table (CSV)")
    stages.add_argument("--rounds-md", required=True, help="search rounds (Markdown)")
    stages.set_defaults(func=cmd_report)
    prisma = tables.add_parser("prisma", help="the PRISMA 2020 diagram (SVG, HTML) and PRISMA.csv")
    prisma.add_argument("review", help="review directory")
    prisma.add_argument("--counts", required=True, help="counts.json made by 'searchtrail counts'")
    prisma.add_argument("--svg", required=True, help="SVG file to write")
    prisma.add_argument("--html", required=True, help="HTML file to write")
    prisma.add_argument("--csv", required=True, help="PRISMA2020 template CSV to write")
    prisma.add_argument(
        "--round",
        type=int,
        help="an earlier search round of an updated review (default: the latest round)",
    )
    prisma.set_defaults(func=cmd_report)

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
        choices=("own", "position"),
        default="own",
        help="record ids: the file's own (RIS ID, CSV record_id/ID) where present, or always "
        "<file>:<position> (default: own)",
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
    importer.set_defaults(func=cmd_screening_import)

    init = commands.add_parser("init", help="start a new review directory from a template")
    init.add_argument("directory", help="directory to create (must not hold a review yet)")
    init.add_argument("--title", default="Title of the review", help="the review's title")
    init.set_defaults(func=cmd_init)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = build_parser().parse_args(argv)
    try:
        status: int = args.func(args)
    except ReviewError as error:
        print(str(error), file=sys.stderr)
        return 1
    except CountMismatchError as error:
        print(str(error), file=sys.stderr)
        return 1
    except FileExistsError as error:
        print(f"searchtrail: {error}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        # The reader of our output (head, less) stopped early: not an error of ours.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    return status


if __name__ == "__main__":
    sys.exit(main())
