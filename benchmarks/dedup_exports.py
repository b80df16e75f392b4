"""Deduplication of real export files that nobody labelled: what ``searchtrail dedup`` makes
of them, as figures to compare between releases.

Usage::

    python benchmarks/dedup_exports.py [FOLDER ...] [--out benchmarks/results]

Each ``FOLDER`` (default: ``../shared/benchmarks/exports``, the export files of many
databases and reference managers described in its README) is read whole, every export file
in it (not its README, checksums or manifest), and deduplicated as ``searchtrail dedup
--ids key`` does. For each folder: the files, records and unique records; the duplicates
removed by an identifier and by the fuzzy rules; the pairs linked as versions of one work
and the pairs left to a person; and every group split because two of its records cannot be
one work, with the reason. With no truth to score against, these figures say what changed:
a rule that merges or splits more shows here first, and each change can be read in the
files' ``groups.csv`` and ``pairs.csv`` (written to a temporary folder, named in the
output).

Writes ``dedup_exports.md`` and ``dedup_exports.json`` to ``--out``.
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
import tempfile
import time
from pathlib import Path

from searchtrail.dedup.files import run

HERE = Path(__file__).resolve().parent
DEFAULT = HERE.parent.parent / "shared" / "benchmarks" / "exports"
NOT_EXPORTS = frozenset({"README.md", "SHA256SUMS", "manifest.csv"})


def exports(folder: Path) -> list[Path]:
    """The export files of ``folder``, by name."""
    return sorted(
        path for path in folder.iterdir() if path.is_file() and path.name not in NOT_EXPORTS
    )


def measure(folder: Path, out: Path) -> dict[str, object]:
    """``searchtrail dedup`` of every export file of ``folder``, its outputs in ``out``."""
    paths = exports(folder)
    started = time.perf_counter()
    outcome = run(paths, out, ids="key", keep_abstracts=False)
    seconds = time.perf_counter() - started
    result = outcome.result
    decisions = result.decided
    kinds = result.removed_by
    reasons = collections.Counter(split.why for split in result.splits)
    return {
        "folder": folder.name,
        "files": len(paths),
        "records": len(result.record_ids),
        "unique": int(result.groups),
        "removed": len(result.record_ids) - int(result.groups),
        "by_identifier": kinds["identifier"],
        "by_fuzzy_rules": kinds["fuzzy"],
        "linked_pairs": decisions["linked version"],
        "uncertain_pairs": decisions["uncertain"],
        "splits": len(result.splits),
        "split_reasons": dict(sorted(reasons.items())),
        "split_records": [[split.record_a, split.record_b, split.why] for split in result.splits],
        "seconds": round(seconds, 2),
    }


def markdown(rows: list[dict[str, object]]) -> str:
    """The figures as a table, and each folder's splits."""
    columns = (
        "folder", "files", "records", "unique", "removed", "by_identifier", "by_fuzzy_rules",
        "linked_pairs", "uncertain_pairs", "splits", "seconds",
    )  # fmt: skip
    lines = [
        "# Real export files, deduplicated (no truth)",
        "",
        "| " + " | ".join(columns) + " |",
        "|" + "---|" * len(columns),
    ]
    for row in rows:
        cells = [row[c] for c in columns]
        lines.append(
            "| "
            + " | ".join(f"{cell:,}" if isinstance(cell, int) else str(cell) for cell in cells)
            + " |"
        )
    for row in rows:
        lines += ["", f"## {row['folder']}: groups split", ""]
        splits = row["split_records"]
        assert isinstance(splits, list)
        lines += [f"- {a} and {b}: {why}" for a, b, why in splits] or ["none"]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("folders", nargs="*", type=Path, default=[DEFAULT])
    parser.add_argument("--out", type=Path, default=HERE / "results")
    args = parser.parse_args(argv)
    rows = []
    outputs = Path(tempfile.mkdtemp(prefix="dedup_exports-"))
    for number, folder in enumerate(args.folders):
        if not folder.is_dir():
            print(f"{folder}: not a folder of export files", file=sys.stderr)
            return 2
        written = outputs / f"{number}-{folder.name}"
        row = measure(folder, written)
        rows.append(row)
        print(
            f"{folder.name}: {row['records']:,} records, {row['unique']:,} unique, "
            f"{row['removed']:,} removed ({row['by_identifier']:,} by identifier, "
            f"{row['by_fuzzy_rules']:,} by fuzzy rules), {row['splits']} splits; "
            f"outputs in {written}",
            file=sys.stderr,
        )
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "dedup_exports.json").write_text(
        json.dumps(rows, indent=1) + "\n", encoding="utf-8"
    )
    (args.out / "dedup_exports.md").write_text(markdown(rows), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
