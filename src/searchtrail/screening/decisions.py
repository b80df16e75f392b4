"""People's decisions after deduplication: the files in ``screening/``, read and checked.

Decision files live in ``screening/``, one CSV table per stage (documented, with examples, in
``docs/screening.md``; rows are checked against ``schemas/screening.schema.yaml``):

=============================  ===========================================================
file                           rows
=============================  ===========================================================
``removed.csv``                record_id, removed_by (automation | other), reason
``title_abstract.csv``         record_id, decision (include | exclude)
``retrieval.csv``              record_id, retrieved (yes | no)
``full_text.csv``              record_id, decision (include | exclude), reason
``studies.csv``                record_id, study_id
=============================  ===========================================================

Every file is optional. Decisions name records by their ids from the dedup stage; which
publication each decision applies to is decided by :mod:`searchtrail.screening.placement`.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final, Literal

from searchtrail.errors import Problem, ReviewError, show_value
from searchtrail.layout import DECISION_FILES, VERDICTS_FILE
from searchtrail.schemas import schema_problems
from searchtrail.searchlog import Review, date_problem
from searchtrail.sheets import WORKBOOKS, Sheet, read_sheet
from searchtrail.yamlio import Path_, YamlDocument

Stage = Literal["removed", "title_abstract", "retrieval", "full_text", "studies"]
STAGES: Final[tuple[Stage, ...]] = (
    "removed",
    "title_abstract",
    "retrieval",
    "full_text",
    "studies",
)
FILES: Final[dict[Stage, str]] = {stage: DECISION_FILES[stage] for stage in STAGES}
DECISION_SUFFIXES: Final = (".csv", ".tsv", *WORKBOOKS)
"""A stage's file may be CSV, TSV or a workbook: ``screening/full_text.xlsx`` will do."""
COLUMNS: Final[dict[Stage, tuple[str, ...]]] = {
    "removed": ("record_id", "removed_by", "reason", "reviewer", "date", "note"),
    "title_abstract": ("record_id", "decision", "reviewer", "date", "note"),
    "retrieval": ("record_id", "retrieved", "reviewer", "date", "note"),
    "full_text": ("record_id", "decision", "reason", "reviewer", "date", "note"),
    "studies": ("record_id", "study_id", "note"),
}
TITLE: Final = "title"
"""An optional column of every decision file: the title of the record as the person saw it.
When written, a decision whose record now has another title stops the run."""
VALUE_COLUMN: Final[dict[Stage, str]] = {
    "removed": "removed_by",
    "title_abstract": "decision",
    "retrieval": "retrieved",
    "full_text": "decision",
    "studies": "study_id",
}
# Spellings people and tools use for the same decision.
_SYNONYMS: Final[dict[str, str]] = {
    "included": "include",
    "excluded": "exclude",
    "y": "yes",
    "n": "no",
    "retrieved": "yes",
    "not retrieved": "no",
    "automatic": "automation",
    "automated": "automation",
}


@dataclass(frozen=True)
class Decision:
    """One row of a decision file."""

    stage: Stage
    record_id: str
    value: str
    reason: str
    reviewer: str
    date: str
    note: str
    file: str
    line: int
    title: str = ""
    """The title of the record as the person saw it (an optional ``title`` column)."""

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class Decisions:
    """Every decision file of a review, read and checked row by row."""

    rows: dict[Stage, tuple[Decision, ...]] = field(default_factory=dict)

    def present(self, stage: Stage) -> bool:
        """True when the review has a file for ``stage``."""
        return stage in self.rows

    def of(self, stage: Stage) -> tuple[Decision, ...]:
        return self.rows.get(stage, ())


def read_decisions(directory: Path, review: Review) -> Decisions:
    """Read every decision file in ``directory/screening``; raise :class:`ReviewError` with
    every problem in them (schema, unknown exclusion reasons) at once."""
    decisions, problems = collect_decisions(directory, review)
    if problems:
        raise ReviewError(problems)
    return decisions


def decision_file(directory: Path, stage: Stage) -> tuple[str | None, list[Problem]]:
    """The file of ``stage`` that the review has: ``screening/<stage>.csv``, or a workbook
    or TSV of that name (None if none), and a problem when it has more than one."""
    base = FILES[stage].removesuffix(".csv")
    found = [
        f"{base}{suffix}"
        for suffix in DECISION_SUFFIXES
        if (directory / f"{base}{suffix}").exists()
    ]
    if len(found) > 1:
        return found[0], [
            Problem.of_file(
                found[1],
                f"one file of {stage} decisions",
                f"{found[0]} holds them too: keep one of the two",
            )
        ]
    return (found[0] if found else None), []


_TABLE_SUFFIXES: Final = frozenset({".csv", ".tsv", ".txt", *WORKBOOKS})


def stray_files(directory: Path) -> list[Problem]:
    """Tables in ``screening/`` that look meant for searchtrail but that it would not read:
    a stage's file named in another case or with another ending (``full_text.CSV``,
    ``duplicates.xlsx``: verdicts are read from a CSV table only) or misspelt
    (``study.csv``). Left unread, their decisions would silently count for nothing."""
    folder = directory / "screening"
    if not folder.is_dir():
        return []
    read = {*(Path(name).name for name in FILES.values()), Path(VERDICTS_FILE).name}
    read |= {
        f"{Path(name).stem}{suffix}" for name in FILES.values() for suffix in DECISION_SUFFIXES
    }
    stems = sorted({Path(name).stem for name in read})
    problems = []
    for path in sorted(folder.iterdir()):
        name = path.name
        if name in read or name.startswith(".") or path.suffix.lower() not in _TABLE_SUFFIXES:
            continue
        stem = path.stem.lower()
        close = difflib.get_close_matches(stem, stems, n=1, cutoff=0.65)
        if not close:
            continue
        meant = close[0]
        readable = (
            f"screening/{meant}.csv"
            if meant == Path(VERDICTS_FILE).stem
            else f"screening/{meant}.csv (or .tsv, .xlsx, .xls, .ods)"
        )
        problems.append(
            Problem.of_file(
                f"screening/{name}",
                f"the file searchtrail reads: {readable}",
                "searchtrail does not read this file, so its rows would count for nothing: "
                "rename it (or move it out of screening/)",
            )
        )
    return problems


def collect_decisions(directory: Path, review: Review) -> tuple[Decisions, list[Problem]]:
    """Every decision file's rows, those without problems, and the problems found."""
    rows: dict[Stage, tuple[Decision, ...]] = {}
    problems: list[Problem] = stray_files(directory)
    for stage in STAGES:
        name, wrong = decision_file(directory, stage)
        problems.extend(wrong)
        if name is None:
            continue
        try:
            sheet = read_sheet(directory / name, file=name)
        except ReviewError as error:
            problems.extend(error.problems)
            continue
        found, wrong = parse_decisions(sheet, stage, review)
        refused = {problem.line for problem in wrong}
        rows[stage] = tuple(d for d in found if d.line not in refused)
        problems.extend(wrong)
    return Decisions(rows), problems


def parse_decisions(
    sheet: Sheet, stage: Stage, review: Review
) -> tuple[tuple[Decision, ...], list[Problem]]:
    """One decision file's decisions and the problems found in it."""
    file = sheet.file
    header = list(sheet.header)
    required = ("record_id", VALUE_COLUMN[stage])
    missing = [name for name in required if name not in header]
    if missing:
        return (), [
            Problem(
                file,
                1,
                None,
                None,
                show_value(", ".join(header)),
                f"a header with the columns {', '.join(COLUMNS[stage])}",
                f"the header lacks {', '.join(missing)}",
            )
        ]
    data: list[dict[str, str]] = []
    seen: list[str] = []
    lines: dict[Path_, int] = {}
    for sheet_row in sheet.rows:
        start = sheet_row.line
        row = {key.strip(): value.strip() for key, value in sheet_row.cells.items()}
        wanted = {name: row.get(name, "") for name in COLUMNS[stage] if name in header}
        value_column = VALUE_COLUMN[stage]
        if stage != "studies":
            lowered = wanted[value_column].lower()
            wanted[value_column] = _SYNONYMS.get(lowered, lowered)
        # Optional columns left empty are simply absent.
        wanted = {k: v for k, v in wanted.items() if v or k in required}
        index = len(data)
        lines[(index,)] = start
        for name in wanted:
            lines[(index, name)] = start
        data.append(wanted)
        seen.append(row.get(TITLE, ""))
    document = YamlDocument(file=file, data=data, lines=lines)

    def entry(path: Path_) -> tuple[str | None, int]:
        if path and isinstance(path[0], int) and path[0] < len(data):
            return f"record {data[path[0]].get('record_id', '?')!s}", 1
        return None, 0

    problems = schema_problems(document, "screening", entry, rows=stage)
    problems.extend(sheet.too_long())
    for index, row in enumerate(data):
        date = row.get("date", "")
        wrong_date = date_problem(date) if date else None
        if wrong_date:
            problems.append(
                Problem(
                    file,
                    lines[(index,)],
                    f"record {row.get('record_id', '?')}",
                    "date",
                    show_value(date),
                    "a real date written YYYY-MM-DD, YYYY-MM or YYYY",
                    wrong_date,
                )
            )
    reasons = review.exclusion_reasons
    decisions = []
    for index, row in enumerate(data):
        start = lines[(index,)]
        reason = row.get("reason", "")
        if stage == "full_text" and row.get("decision") == "exclude" and reason not in reasons:
            if not reasons:
                expected = "exclusion_reasons listed in searches/review.yaml"
                message = "the review defines no exclusion reasons to choose from"
            else:
                close = difflib.get_close_matches(reason, reasons, n=1, cutoff=0.5)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                expected = "one of the exclusion_reasons in searches/review.yaml: " + "; ".join(
                    reasons
                )
                message = (
                    f"the reason {show_value(reason)} is not in the review's list{hint}"
                    if reason
                    else "an exclusion needs a reason"
                )
            problems.append(
                Problem(
                    file,
                    start,
                    f"record {row.get('record_id', '?')}",
                    "reason",
                    show_value(reason),
                    expected,
                    message,
                )
            )
        decisions.append(
            Decision(
                stage=stage,
                record_id=row.get("record_id", ""),
                value=row.get(VALUE_COLUMN[stage], ""),
                reason=reason,
                reviewer=row.get("reviewer", ""),
                date=row.get("date", ""),
                note=row.get("note", ""),
                file=file,
                line=start,
                title=seen[index],
            )
        )
    return tuple(decisions), problems
