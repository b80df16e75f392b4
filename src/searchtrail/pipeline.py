"""The pipeline's steps, each reading and writing files in a review directory.

The Snakemake rules call these through the command line; each step is also usable by hand.

======================  ===================================================================
step                    reads / writes
======================  ===================================================================
:func:`step_records`    the exports and record files named in the log
                        -> ``reports/data/records.parquet``, ``reports/data/import.json``
:func:`step_duplicates` the records, ``screening/duplicates.csv``
                        -> ``reports/data/groups.parquet``, ``pairs.parquet``,
                        ``unique.parquet``, ``dedup.json``; ``reports/dedup/*``;
                        new questions added to ``screening/duplicates.csv``
:func:`step_counts`     the log, ``import.json``, ``groups.parquet``, ``dedup.json``
                        -> ``reports/data/counts.json``
======================  ===================================================================
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from searchtrail.counts import ReviewCounts, compute_counts, from_json, to_json
from searchtrail.dedup.output import (
    audit_pairs,
    groups_table,
    merged_records,
    write_unique_csv,
    write_unique_ris,
)
from searchtrail.dedup.verdicts import VERDICTS_FILE, verdicts_text
from searchtrail.duplicates import ReviewDedup, dedup_review
from searchtrail.errors import CountMismatchError
from searchtrail.imports import import_review, imports_from_json, imports_to_json
from searchtrail.record_counts import DedupCounts, count_records
from searchtrail.records import table
from searchtrail.screening import FILES as SCREENING_FILES
from searchtrail.screening import compute_flow, read_decisions
from searchtrail.searchlog import LOG_FILE, REVIEW_FILE, Review, load_review

Progress = Callable[[str], None]


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


def input_files(review: Review, directory: Path) -> list[str]:
    """Every input file of the review, as named in it (relative to ``directory``)."""
    names = [REVIEW_FILE, LOG_FILE]
    for search in review.searches:
        if search.export:
            names.extend(search.export.files)
    for record_file in review.record_files:
        names.extend(record_file.files)
    if (directory / VERDICTS_FILE).exists():
        names.append(VERDICTS_FILE)
    names.extend(name for name in SCREENING_FILES.values() if (directory / name).exists())
    return names


def step_records(directory: Path, records_path: Path, summary_path: Path) -> pd.DataFrame:
    """Read every export and record file into the records table."""
    review = load_review(directory)
    records, imports = import_review(review, directory)
    table.write(records, records_path)
    write_text(summary_path, imports_to_json(imports))
    return records


def step_duplicates(
    directory: Path,
    records_path: Path,
    data_dir: Path,
    reports_dir: Path,
    *,
    progress: Progress | None = None,
) -> ReviewDedup:
    """Deduplicate the records; write groups, pairs, unique records, and new questions."""
    review = load_review(directory)
    records = table.read(records_path)
    verdicts_path = directory / VERDICTS_FILE
    existing = verdicts_path.read_text(encoding="utf-8-sig") if verdicts_path.exists() else None
    outcome = dedup_review(
        review, records, existing, verdicts_file=VERDICTS_FILE, progress=progress
    )
    if outcome.new_questions:
        write_text(verdicts_path, verdicts_text(outcome.existing_rows, outcome.new_questions))
    result = outcome.result
    merged = merged_records(records, result)
    data_dir.mkdir(parents=True, exist_ok=True)
    outcome.groups.to_parquet(data_dir / "groups.parquet", index=False)
    result.pairs.drop(columns=["a", "b"]).to_parquet(data_dir / "pairs.parquet", index=False)
    merged.to_parquet(data_dir / "unique.parquet", index=False)
    rows = [*outcome.existing_rows, *outcome.new_questions]
    summary = {
        "decisions": {
            name: int(n) for name, n in result.pairs["decision"].value_counts().sort_index().items()
        },
        "verdicts": len(outcome.verdicts),
        "open_questions": sum(1 for row in rows if not row.get("verdict", "").strip()),
        "new_questions": len(outcome.new_questions),
        "splits": result.splits,
    }
    write_text(data_dir / "dedup.json", json.dumps(summary, indent=2, ensure_ascii=False) + "\n")
    write_text(
        reports_dir / "groups.csv", groups_table(result).to_csv(index=False, lineterminator="\n")
    )
    write_unique_csv(merged, reports_dir / "unique.csv")
    write_unique_ris(merged, reports_dir / "unique.ris")
    write_text(
        reports_dir / "pairs.csv", audit_pairs(result).to_csv(index=False, lineterminator="\n")
    )
    return outcome


def record_counts(review: Review, data_dir: Path, groups: pd.DataFrame) -> DedupCounts:
    """The record and deduplication counts from the files the earlier steps wrote
    (``groups`` is their groups.parquet)."""
    imports = imports_from_json((data_dir / "import.json").read_text(encoding="utf-8"))
    summary = json.loads((data_dir / "dedup.json").read_text(encoding="utf-8"))
    return count_records(
        review,
        imports,
        groups,
        decisions=summary["decisions"],
        open_questions=summary["open_questions"],
        verdicts=summary["verdicts"],
        splits=len(summary["splits"]),
    )


def step_counts(
    directory: Path, counts_path: Path, data_dir: Path | None, flow_path: Path | None = None
) -> ReviewCounts:
    """Compute every count; with ``data_dir``, also from the records steps' outputs and the
    screening decisions (and write where every record stands to ``flow_path``)."""
    review = load_review(directory)
    records = flow = None
    if data_dir is not None:
        groups = pd.read_parquet(data_dir / "groups.parquet")
        records = record_counts(review, data_dir, groups)
        flow = compute_flow(review, groups, read_decisions(directory, review))
        if flow_path is not None:
            write_text(flow_path, flow.table().to_csv(index=False, lineterminator="\n"))
    inputs = {name: sha256(directory / name) for name in input_files(review, directory)}
    counts = compute_counts(review, records=records, flow=flow, inputs=inputs)
    write_text(counts_path, to_json(counts))
    return counts


def load_counts(path: Path, directory: Path) -> ReviewCounts:
    """Read counts and check they were made from the review's current files."""
    counts = from_json(path.read_text(encoding="utf-8"))
    for name in (REVIEW_FILE, LOG_FILE):
        recorded = counts.inputs.get(name)
        if recorded is not None and recorded != sha256(directory / name):
            raise CountMismatchError(
                [f"{path} was made from an earlier version of {name}; rerun the counts step"]
            )
    return counts
