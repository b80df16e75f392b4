"""The pipeline's stages, each reading and writing the files :mod:`searchtrail.layout` names.

The Snakemake rules run these through the command line (``searchtrail stage NAME DIR``);
each is usable by hand too. :func:`assess` runs the same stage functions in memory and
writes nothing: it is ``searchtrail validate``, so a review that validates cleanly is one
the pipeline will not stop on.

===================  ===============================================================
stage                reads -> writes
===================  ===============================================================
``records``          the log's exports and record files -> records table, import summary
``dedup``            the records, ``screening/duplicates.csv`` -> groups, pairs, unique
                     records, summary; new questions added to ``screening/duplicates.csv``
``screening``        the groups, the dedup summary, ``screening/*.csv`` -> ``flow.json``,
                     ``flow.csv``; with the unique records -> ``asreview.csv``
``counts``           the import summary, groups, dedup summary, flow -> ``counts.json``
``reports``          ``counts.json`` and the log's texts -> every report
===================  ===============================================================
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd
import pyarrow as pa

from searchtrail.counts import (
    Counted,
    Members,
    ReviewCounts,
    build_flow,
    count_review,
    from_json,
    to_json,
)
from searchtrail.counts.members import check_members
from searchtrail.csvtext import frame_csv
from searchtrail.dedup.handoff import write_asreview_csv, write_unique_json
from searchtrail.dedup.output import (
    audit_pairs,
    groups_table,
    merged_records,
    write_unique_csv,
    write_unique_ris,
)
from searchtrail.dedup.review import ReviewDedup, dedup_review
from searchtrail.dedup.verdicts import OpenQuestion, open_questions, write_questions
from searchtrail.errors import CountMismatchError, Problem, ReviewError
from searchtrail.fileio import sha256, write_bytes, write_text
from searchtrail.layout import (
    DECISION_STAGES,
    LOG_FILE,
    OUTPUTS,
    REVIEW_FILE,
    VERDICTS_FILE,
    round_outputs,
)
from searchtrail.records import table
from searchtrail.records.identity import KnownRecords
from searchtrail.records.review import (
    UNREADABLE,
    FileImport,
    collect_records,
    export_count_problems,
    import_review,
    imports_from_json,
    imports_to_json,
)
from searchtrail.reports import render_figures, render_reports, render_round
from searchtrail.reports.browse import PUBLICATION_FIELDS, RECORD_FIELDS, Trail
from searchtrail.reports.questions import ASKED_COLUMNS, asked_records
from searchtrail.screening import Placement, place, read_decisions
from searchtrail.screening.decisions import collect_decisions, decision_file, stray_files
from searchtrail.screening.placement import SplitNote
from searchtrail.searchlog import Review, load_review
from searchtrail.sheets import Sheet, read_sheet

Progress = Callable[[str], None]


T = TypeVar("T")


def path(directory: Path, stage: str, key: str) -> Path:
    """Where ``stage`` writes its output ``key`` in the review ``directory``."""
    return directory / OUTPUTS[stage][key]


def earlier(directory: Path, stage: str, key: str) -> Path:
    """The output ``key`` of an earlier ``stage``, which a later stage reads; a clear error
    when that stage has not run."""
    target = path(directory, stage, key)
    if not target.is_file():
        raise ReviewError(
            [
                Problem.of_file(
                    OUTPUTS[stage][key],
                    f"the file the {stage} stage writes",
                    f"it is missing: rerun the pipeline, or `searchtrail stage {stage}` (and the "
                    "stages before it) on the review first",
                )
            ],
            summary=EARLIER,
        )
    return target


def unreadable(stage: str, key: str, error: Exception) -> ReviewError:
    """An earlier stage's output that cannot be read (damaged, or made by another version)."""
    return ReviewError(
        [
            Problem.of_file(
                OUTPUTS[stage][key],
                f"the file the {stage} stage writes",
                f"it cannot be read ({type(error).__name__}: {str(error)[:200]}); rerun the "
                f"pipeline, or `searchtrail stage {stage}`, to write it anew",
            )
        ],
        summary=EARLIER,
    )


EARLIER = "a file an earlier stage writes cannot be used"


_DAMAGED = (OSError, ValueError, KeyError, TypeError, AttributeError, pa.ArrowException)


def read_earlier_table(
    directory: Path, stage: str, key: str, columns: Sequence[str] | None = None
) -> pd.DataFrame:
    """A table (Parquet) an earlier stage wrote."""
    target = earlier(directory, stage, key)
    try:
        return pd.read_parquet(target, columns=list(columns) if columns is not None else None)
    except _DAMAGED as error:
        raise unreadable(stage, key, error) from error


def read_earlier_text(directory: Path, stage: str, key: str, parse: Callable[[str], T]) -> T:
    """A text file (JSON) an earlier stage wrote, parsed."""
    target = earlier(directory, stage, key)
    try:
        return parse(target.read_text(encoding="utf-8"))
    except _DAMAGED as error:
        raise unreadable(stage, key, error) from error


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
    for stage in DECISION_STAGES:
        name, _ = decision_file(directory, stage)
        if name is not None:
            names.append(name)
    return names


def input_hashes(review: Review, directory: Path) -> dict[str, str]:
    """The SHA-256 of every input file, for the audit trail."""
    return {name: sha256(directory / name) for name in input_files(review, directory)}


def dedup_summary(outcome: ReviewDedup, questions: Sequence[OpenQuestion]) -> dict[str, Any]:
    """What the dedup stage tells the later ones: its pair decisions, the verdicts applied,
    the questions still open (with their lines in the verdicts file) and the splits."""
    pairs = outcome.result.pairs
    return {
        "decisions": {
            str(name): int(n) for name, n in pairs["decision"].value_counts().sort_index().items()
        },
        "verdicts": len(outcome.verdicts),
        "open_questions": [
            {"record_a": q.record_a, "record_b": q.record_b, "line": q.line} for q in questions
        ],
        "new_questions": len(outcome.new_questions),
        "splits": [
            {"record_a": s.record_a, "record_b": s.record_b, "why": s.why, "message": str(s)}
            for s in outcome.result.splits
        ],
    }


def dedup_questions_and_splits(directory: Path) -> tuple[list[OpenQuestion], list[SplitNote]]:
    """The open duplicate questions and the splits the dedup stage wrote in its summary."""

    def parse(text: str) -> tuple[list[OpenQuestion], list[SplitNote]]:
        summary = json.loads(text)
        return _questions(summary), _splits(summary)

    return read_earlier_text(directory, "dedup", "summary", parse)


def _splits(summary: Mapping[str, Any]) -> list[SplitNote]:
    return [SplitNote(s["record_a"], s["record_b"], s["why"]) for s in summary["splits"]]


def _questions(summary: Mapping[str, Any]) -> list[OpenQuestion]:
    return [
        OpenQuestion(q["record_a"], q["record_b"], q["line"]) for q in summary["open_questions"]
    ]


# --- the stages ---------------------------------------------------------------------------------


def stage_records(directory: Path) -> pd.DataFrame:
    """Read every export and record file into the records table."""
    review = load_review(directory)
    records, imports = import_review(review, directory)
    table.write(records, path(directory, "records", "records"))
    write_text(path(directory, "records", "imports"), imports_to_json(imports))
    return records


def _verdicts(directory: Path) -> Sheet | None:
    stray = stray_files(directory)
    if stray:
        raise ReviewError(stray)
    path = directory / VERDICTS_FILE
    return read_sheet(path, file=VERDICTS_FILE) if path.exists() else None


def stage_dedup(directory: Path, *, progress: Progress | None = None) -> ReviewDedup:
    """Deduplicate the records; write groups, pairs, unique records, and new questions."""
    review = load_review(directory)
    records = read_earlier_table(directory, "records", "records")
    existing = _verdicts(directory)
    outcome = dedup_review(review, records, existing, progress=progress)
    if outcome.new_questions:
        write_questions(directory / VERDICTS_FILE, existing, outcome.new_questions)
    result = outcome.result
    merged = merged_records(records, result)
    data = path(directory, "dedup", "groups").parent
    data.mkdir(parents=True, exist_ok=True)
    outcome.groups.to_parquet(path(directory, "dedup", "groups"), index=False)
    result.pairs.drop(columns=["a", "b"]).to_parquet(path(directory, "dedup", "pairs"), index=False)
    merged.to_parquet(path(directory, "dedup", "unique"), index=False)
    summary = dedup_summary(outcome, open_questions(_verdicts(directory)))
    write_text(
        path(directory, "dedup", "summary"),
        json.dumps(summary, indent=2, ensure_ascii=False) + "\n",
    )
    write_text(path(directory, "dedup", "groups_csv"), frame_csv(groups_table(result)))
    path(directory, "dedup", "unique_csv").parent.mkdir(parents=True, exist_ok=True)
    write_unique_csv(merged, path(directory, "dedup", "unique_csv"))
    write_unique_ris(merged, path(directory, "dedup", "unique_ris"))
    write_unique_json(merged, path(directory, "dedup", "unique_json"))
    write_text(path(directory, "dedup", "pairs_csv"), frame_csv(audit_pairs(result)))
    return outcome


def stage_screening(directory: Path) -> Placement:
    """Place every publication in the flow after people's decisions."""
    review = load_review(directory)
    groups = read_earlier_table(directory, "dedup", "groups")
    questions, splits = dedup_questions_and_splits(directory)
    records = read_earlier_table(
        directory, "records", "records", ("record_id", "origin_id", "position", "title")
    )
    placement = place(
        review,
        groups,
        read_decisions(directory, review),
        questions,
        splits,
        KnownRecords.of(records),
    )
    write_text(path(directory, "screening", "flow"), placement.to_json())
    write_text(path(directory, "screening", "flow_csv"), frame_csv(placement.table()))
    unique = read_earlier_table(directory, "dedup", "unique", ASREVIEW_FIELDS)
    statuses = {p.group: p.status for p in placement.publications}
    write_asreview_csv(unique, statuses, path(directory, "screening", "asreview_csv"))
    return placement


ASREVIEW_FIELDS = (
    "duplicate_group", "record_id", "title", "abstract", "keywords", "authors", "year", "doi",
    "url",
)  # fmt: skip
"""The columns of the unique records the screening stage reads for ``asreview.csv``."""


def stage_counts(directory: Path) -> ReviewCounts:
    """Compute every number from the earlier stages' files, check it, write counts.json."""
    review = load_review(directory)
    imports = read_earlier_text(directory, "records", "imports", imports_from_json)
    groups = read_earlier_table(directory, "dedup", "groups")
    summary = read_earlier_text(directory, "dedup", "summary", json.loads)
    placement = read_earlier_text(directory, "screening", "flow", Placement.from_json)
    counted = _count(review, directory, imports, groups, placement, summary)
    write_text(path(directory, "counts", "counts"), to_json(counted.counts))
    write_text(path(directory, "counts", "members"), counted.members.to_json())
    return counted.counts


def _count(
    review: Review,
    directory: Path,
    imports: Sequence[FileImport],
    groups: pd.DataFrame,
    placement: Placement,
    summary: Mapping[str, Any],
) -> Counted:
    flow = build_flow(review, imports, groups, placement, summary)
    return count_review(review, flow, inputs=input_hashes(review, directory))


def stage_reports(directory: Path, *, round_number: int | None = None) -> list[Path]:
    """Render the reports (or an earlier round's diagram files) from counts.json."""
    review = load_review(directory)
    counts = load_counts(directory)
    if round_number is None:
        texts, names = (
            render_reports(review, counts, load_trail(directory, counts)),
            OUTPUTS["reports"],
        )
    else:
        texts, names = render_round(review, counts, round_number), round_outputs(round_number)
    written = []
    for key, text in texts.items():
        target = directory / names[key]
        write_text(target, text)
        written.append(target)
    for key, data in render_figures(texts["prisma_svg"]).items():
        target = directory / names[key]
        write_bytes(target, data)
        written.append(target)
    return written


def load_trail(directory: Path, counts: ReviewCounts) -> Trail:
    """What the earlier stages wrote about every record, for the report page; the lists
    behind the numbers are checked against ``counts``."""
    members = read_earlier_text(directory, "counts", "members", Members.from_json)
    broken = check_members(counts, members)
    if broken:
        raise CountMismatchError(
            [
                f"{path(directory, 'counts', 'members')} does not match counts.json: {b}"
                for b in broken
            ]
        )
    questions, _ = dedup_questions_and_splits(directory)
    return Trail(
        members=members,
        records=read_earlier_table(
            directory,
            "records",
            "records",
            ["record_id", "origin_id", "file", "line", *RECORD_FIELDS],
        ),
        groups=read_earlier_table(directory, "dedup", "groups"),
        pairs=read_earlier_table(directory, "dedup", "pairs"),
        unique=read_earlier_table(
            directory, "dedup", "unique", ["duplicate_group", *PUBLICATION_FIELDS]
        ),
        flow=read_earlier_text(directory, "screening", "flow", json.loads),
        questions=tuple(questions),
        asked=asked_records(
            read_earlier_table(directory, "records", "records", ASKED_COLUMNS), questions
        )
        if questions
        else None,
    )


def last_run_inputs(directory: Path) -> dict[str, str] | None:
    """The SHA-256 of each input file of the pipeline's last run (from counts.json), or
    None when there is no readable record of one."""
    try:
        return from_json(path(directory, "counts", "counts").read_text(encoding="utf-8")).inputs
    except _DAMAGED:
        return None


def load_counts(directory: Path) -> ReviewCounts:
    """Read counts.json and check it was made from the review's current log."""
    counts_path = path(directory, "counts", "counts")
    counts = read_earlier_text(directory, "counts", "counts", from_json)
    for name in (REVIEW_FILE, LOG_FILE):
        recorded = counts.inputs.get(name)
        if recorded is not None and recorded != sha256(directory / name):
            raise CountMismatchError(
                [f"{counts_path} was made from an earlier version of {name}; rerun the pipeline"]
            )
    return counts


# --- every stage in memory: validate ------------------------------------------------------------


@dataclass(frozen=True)
class Assessment:
    """What running every stage in memory found: the counts and the new questions."""

    review: Review
    counts: ReviewCounts
    decisions: int
    decision_files: int
    new_questions: int


def assess(directory: Path, review: Review | None = None) -> Assessment:
    """Run every stage on the review in memory, with the same checks as the pipeline, and
    write nothing. Raises the error the pipeline would stop with; problems in the records,
    the duplicate verdicts and the decision files are reported together, and those of
    placing the decisions as soon as those are clean."""
    review = review or load_review(directory)
    records, imports, unreadable = collect_records(review, directory)
    problems: list[Problem] = [*unreadable]
    if not unreadable:
        problems.extend(export_count_problems(review, imports))
    decisions, wrong = collect_decisions(directory, review)
    problems.extend(wrong)
    outcome = None
    existing: Sheet | None = None
    if not unreadable:
        try:
            existing = _verdicts(directory)
            outcome = dedup_review(review, records, existing)
        except ReviewError as error:
            problems.extend(error.problems)
    if outcome is None or problems:
        raise ReviewError(
            problems,
            summary=f"{len(problems)} problem{'s' if len(problems) != 1 else ''} found in the "
            "review's files" + (f"; {UNREADABLE}" if unreadable else ""),
        )
    # New questions would follow the file's last row (or its header).
    after = max((row.line for row in existing.rows), default=1) if existing else 1
    asked = open_questions(existing) + [
        OpenQuestion(q["record_a"], q["record_b"], after + n)
        for n, q in enumerate(outcome.new_questions, start=1)
    ]
    summary = dedup_summary(outcome, asked)
    placement = place(
        review,
        outcome.groups,
        decisions,
        _questions(summary),
        _splits(summary),
        KnownRecords.of(records),
    )
    counted = _count(review, directory, imports, outcome.groups, placement, summary)
    return Assessment(
        review=review,
        counts=counted.counts,
        decisions=sum(len(rows) for rows in decisions.rows.values()),
        decision_files=len(decisions.rows),
        new_questions=len(outcome.new_questions),
    )
