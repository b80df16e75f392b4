"""The ``searchtrail`` command.

Each step of the pipeline is a subcommand, so people can run it by hand and the Snakemake
rules stay one line each. Problems in the review's files are printed as a list (file, line,
entry, field, value, expectation) with exit status 1, never as a traceback.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from collections.abc import Sequence
from pathlib import Path

from searchtrail import __version__
from searchtrail.counts import ReviewCounts, compute_counts, from_json, to_json
from searchtrail.errors import CountMismatchError, ReviewError
from searchtrail.prisma import build_prisma_reports
from searchtrail.recordfiles import count_records
from searchtrail.scaffold import create_review
from searchtrail.searchlog import LOG_FILE, REVIEW_FILE, Review, load_review
from searchtrail.tables import searches_csv, searches_md, sources_csv, sources_md
from searchtrail.text import describe, number


def write_text(path: Path, text: str) -> None:
    """Write UTF-8 text with LF line endings, creating parent directories."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)


def sha256(path: Path) -> str:
    """SHA-256 of a file's bytes, in hex."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def review_counts(directory: Path, review: Review) -> ReviewCounts:
    """Count everything for the review in ``directory`` (reads record files, hashes inputs)."""
    sizes = {
        record_file.id: sum(count_records(directory / name, name) for name in record_file.files)
        for record_file in review.record_files
    }
    files = [REVIEW_FILE, LOG_FILE]
    for search in review.searches:
        if search.export:
            files.extend(search.export.files)
    for record_file in review.record_files:
        files.extend(record_file.files)
    inputs = {name: sha256(directory / name) for name in files}
    return compute_counts(review, record_file_sizes=sizes, inputs=inputs)


def _load_counts(path: Path, review: Review, directory: Path) -> ReviewCounts:
    counts = from_json(path.read_text(encoding="utf-8"))
    for name in (REVIEW_FILE, LOG_FILE):
        recorded = counts.inputs.get(name)
        if recorded is not None and recorded != sha256(directory / name):
            raise CountMismatchError(
                [f"{path} was made from an earlier version of {name}; rerun the counts step"]
            )
    return counts


# --- subcommands ------------------------------------------------------------------------------


def cmd_validate(args: argparse.Namespace) -> int:
    directory = Path(args.review)
    review = load_review(directory)
    counts = review_counts(directory, review)
    rounds = review.rounds
    print(
        f"{directory / LOG_FILE}: {len(review.searches)} searches in "
        f"{len(counts.sources)} sources, "
        f"{len(rounds)} round{'s' if len(rounds) != 1 else ''}; no problems found."
    )
    print()
    print(format_sources(counts))
    return 0


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


def cmd_counts(args: argparse.Namespace) -> int:
    directory = Path(args.review)
    review = load_review(directory)
    write_text(Path(args.output), to_json(review_counts(directory, review)))
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    directory = Path(args.review)
    review = load_review(directory)
    counts = _load_counts(Path(args.counts), review, directory)
    if args.table == "searches":
        write_text(Path(args.csv), searches_csv(review, counts))
        write_text(Path(args.md), searches_md(review, counts))
    elif args.table == "sources":
        write_text(Path(args.csv), sources_csv(counts))
        write_text(Path(args.md), sources_md(review, counts))
    else:
        reports = build_prisma_reports(review, counts)
        write_text(Path(args.svg), reports.svg)
        write_text(Path(args.html), reports.html)
        write_text(Path(args.csv), reports.csv)
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

    counts = commands.add_parser("counts", help="compute every count and write counts.json")
    counts.add_argument("review", nargs="?", default=".", help="review directory (default: .)")
    counts.add_argument("-o", "--output", required=True, help="where to write counts.json")
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
    prisma = tables.add_parser("prisma", help="the PRISMA 2020 diagram (SVG, HTML) and PRISMA.csv")
    prisma.add_argument("review", help="review directory")
    prisma.add_argument("--counts", required=True, help="counts.json made by 'searchtrail counts'")
    prisma.add_argument("--svg", required=True, help="SVG file to write")
    prisma.add_argument("--html", required=True, help="HTML file to write")
    prisma.add_argument("--csv", required=True, help="PRISMA2020 template CSV to write")
    prisma.set_defaults(func=cmd_report)

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
    return status


if __name__ == "__main__":
    sys.exit(main())
