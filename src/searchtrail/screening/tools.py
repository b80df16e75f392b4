"""Decisions from the exports of screening tools, turned into ``screening/*.csv`` rows.

``searchtrail screening import`` reads a tool's export, finds each row's record among the
review's deduplicated records and appends a decision row per record to the stage's file in
``screening/``. A row is matched by a record id the tool kept (the ``ID`` of the RIS file
the pipeline writes, in a ``record_id``, ``id``, ``key`` or ``accession number`` column, or
the ``searchtrail_id`` of ``reports/dedup/asreview.csv``),
else by DOI, else by title (normalised as for deduplication); a DOI or title shared by
several publications is not a match. The row written names the record and carries, in its
``title`` column, the title the tool shows: what the person saw, which the pipeline checks
against the record on every run.

Rows that match nothing, match ambiguously, carry no final decision, or disagree with a
decision already in the file (compared as the decision reader reads it: ``Included`` is
``include``) are reported and left out. So are the rows the review would refuse: a row that
names a record by its id but shows another title (the tool's ids and titles out of step), a
full-text exclusion whose reason is not one of the review's ``exclusion_reasons`` (with the
closest one suggested), and a decision the pipeline's placement rules refuse once it is
among the review's decisions (:func:`refuse_misplaced`: a full-text decision for a record
excluded at title/abstract, a title/abstract decision for a report found by other methods).
Nothing is written that the review would then refuse. A ``--date`` that is not a real date
stops the import before anything is written.

Tools and what their exports hold:

- ``csv``: a plain table with ``decision`` (include/exclude, yes/no, 1/0), optionally
  ``reason``, and the record's ``record_id``, ``doi`` or ``title``;
- ``rayyan``: Rayyan's ``articles.csv``; the ``notes`` column holds
  ``RAYYAN-INCLUSION: {"Name"=>"Included", ...}`` and ``RAYYAN-EXCLUSION-REASONS: ...``.
  A record counts as decided when every reviewer's label is Included, or every one is
  Excluded; Maybe or disagreeing labels are left for the team (reported as undecided);
- ``asreview``: ASReview LAB's exported dataset, labels in ``included`` or
  ``asreview_label`` (1 relevant, 0 irrelevant, empty unlabelled);
- ``covidence``: a Covidence reference export of one list (included, excluded, ...); the
  list's decision is given with ``--decision``, an exclusion reason with ``--reason`` or
  from an ``Exclusion reason`` column.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final, Literal

import pandas as pd

from searchtrail.dedup import normalise
from searchtrail.dedup.verdicts import OpenQuestion
from searchtrail.errors import Problem, ReviewError, show_value
from searchtrail.layout import Tool
from searchtrail.records.identity import KnownRecords
from searchtrail.screening.decisions import (
    _SYNONYMS,
    COLUMNS,
    FILES,
    STAGES,
    TITLE,
    Decision,
    Decisions,
)
from searchtrail.screening.placement import SplitNote, place
from searchtrail.searchlog import Review, date_problem
from searchtrail.sheets import WORKBOOKS, Sheet, append_rows, exact_text

ImportStage = Literal["title_abstract", "full_text"]

_ID_COLUMNS: Final = (
    "searchtrail_id", "record_id", "id", "key", "accession number", "record id"
)  # fmt: skip
_YES: Final = frozenset({"include", "included", "yes", "y", "1", "true", "relevant"})
_NO: Final = frozenset({"exclude", "excluded", "no", "n", "0", "false", "irrelevant"})
_RAYYAN_LABELS: Final = re.compile(r"RAYYAN-INCLUSION:\s*\{([^}]*)\}")
_RAYYAN_VOTE: Final = re.compile(r'"([^"]*)"\s*=>\s*"([^"]*)"')
_RAYYAN_REASONS: Final = re.compile(r"RAYYAN-EXCLUSION-REASONS:\s*([^|]*)")
_DATE_FORM: Final = re.compile(r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?")
"""How a decision's date is written (the pattern of ``screening.schema.yaml``)."""
_LINE_END: Final = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True)
class ToolRow:
    """One row of a tool's export: how to find its record, and its decision."""

    line: int
    ids: tuple[str, ...]
    doi: str
    title: str
    decision: str | None
    """include, exclude, or None when the tool holds no final decision."""
    reason: str
    reviewer: str
    why_undecided: str = ""
    seen_title: str = ""
    """The title as the tool shows it (what the person saw), spaces collapsed; ``title``
    is its comparable form, for matching."""


@dataclass(frozen=True)
class ImportOutcome:
    """What an import did."""

    added: list[dict[str, str]]
    already: int
    unmatched: list[tuple[ToolRow, str]]
    undecided: list[ToolRow]
    conflicts: list[tuple[ToolRow, str]]
    refused: list[tuple[ToolRow, str]] = field(default_factory=list)
    """Rows the review would refuse, and why: a row that names a record by its id but
    shows another title, an exclusion reason not in the review's list, a decision the
    pipeline's placement rules refuse."""
    added_from: list[ToolRow] = field(default_factory=list)
    """The tool's row each row of ``added`` comes from."""


def read_tool_export(
    sheet: Sheet, tool: Tool, *, decision: str | None = None, reason: str = ""
) -> list[ToolRow]:
    """Read a screening tool's export into rows (raises :class:`ReviewError` when a column
    the tool's format needs is missing, or a row holds a label the tool does not write)."""
    file = sheet.file
    header = {name.strip().lower() for name in sheet.header}

    def need(*names: str) -> None:
        if not any(name in header for name in names):
            raise ReviewError(
                [
                    Problem(
                        file,
                        1,
                        None,
                        None,
                        sheet.header_shown(),
                        f"a {tool} export with a column {' or '.join(repr(n) for n in names)}",
                        "the header lacks the decision column",
                    )
                ]
            )

    if tool == "csv":
        need("decision")
    elif tool == "rayyan":
        need("notes")
    elif tool == "asreview":
        need("included", "asreview_label", "label_included")
    elif decision not in ("include", "exclude"):
        raise ReviewError(
            [
                Problem(
                    file,
                    None,
                    None,
                    "--decision",
                    repr(decision),
                    "--decision include or --decision exclude (Covidence exports one list "
                    "per decision)",
                    "the list's decision is not given",
                )
            ]
        )
    rows = []
    problems = sheet.too_long()
    for sheet_row in sheet.rows:
        row = {key.strip().lower(): value.strip() for key, value in sheet_row.cells.items()}
        ids = tuple(row[name] for name in _ID_COLUMNS if row.get(name))
        doi = normalise.doi(row.get("doi", "") or row.get("url", ""))
        seen = " ".join(row.get("title", "").split())
        title = normalise.title(seen)
        if tool == "asreview":
            label = _asreview_label(row)
            if label not in ("", "1", "0"):
                problems.append(
                    Problem(
                        file,
                        sheet_row.line,
                        None,
                        "included",
                        show_value(label),
                        "an ASReview label: 1 (relevant), 0 (irrelevant) or empty (not labelled)",
                        f"the label {show_value(label)} is none of these",
                    )
                )
                continue
        found, why, found_reason, reviewer = _decision(tool, row, decision, reason)
        rows.append(
            ToolRow(
                sheet_row.line,
                ids,
                doi,
                title,
                found,
                found_reason,
                reviewer,
                why,
                seen_title=seen,
            )
        )
    if problems:
        raise ReviewError(problems, summary=f"rows of {file} that cannot be imported")
    return rows


def _asreview_label(row: Mapping[str, str]) -> str:
    value = row.get("included", row.get("asreview_label", row.get("label_included", "")))
    return value.removesuffix(".0")


def _decision(
    tool: Tool, row: Mapping[str, str], given: str | None, given_reason: str
) -> tuple[str | None, str, str, str]:
    """(decision, why there is none, reason, reviewers) for one row of a tool's export."""
    if tool == "rayyan":
        notes = row.get("notes", "")
        labels = _RAYYAN_LABELS.search(notes)
        votes = _RAYYAN_VOTE.findall(labels.group(1)) if labels else []
        if not votes:
            return None, "no Rayyan inclusion label", "", ""
        kinds = {label.strip().lower() for _, label in votes}
        reviewers = ";".join(name for name, _ in votes)
        reasons = _RAYYAN_REASONS.search(notes)
        reason = reasons.group(1).split(",")[0].strip() if reasons else ""
        if kinds == {"included"}:
            return "include", "", "", reviewers
        if kinds == {"excluded"}:
            return "exclude", "", reason, reviewers
        return None, "reviewers' labels " + ", ".join(sorted(kinds)), "", reviewers
    if tool == "asreview":
        value = _asreview_label(row)
        if value in ("1", "0"):
            return ("include" if value == "1" else "exclude"), "", "", "ASReview"
        return None, "not labelled in ASReview", "", ""
    if tool == "covidence":
        reason = row.get("exclusion reason", "") or given_reason
        return given, "", reason if given == "exclude" else "", ""
    value = row.get("decision", "").lower()
    if value in _YES:
        return "include", "", "", row.get("reviewer", "")
    if value in _NO:
        return "exclude", "", row.get("reason", ""), row.get("reviewer", "")
    return None, f"decision {value!r} is not include or exclude", "", ""


@dataclass(frozen=True)
class Match:
    """The publication (duplicate group) a tool's row is about, and how it was found."""

    group: str
    by: Literal["id", "DOI", "title"]
    record_id: str = ""
    """The record the row names by its id (matched by id only)."""


@dataclass(frozen=True)
class RecordIndex:
    """The review's records, findable by id, DOI and title."""

    group_of: dict[str, str]
    kept: dict[str, str]
    by_doi: dict[str, set[str]]
    by_title: dict[str, set[str]]
    members: dict[str, list[str]]
    """duplicate group -> its records, in the records table's order."""
    known: KnownRecords
    """Every record's title, compared with what a person saw as the pipeline compares it."""

    @classmethod
    def of(cls, records: pd.DataFrame, groups: pd.DataFrame) -> RecordIndex:
        """From the records table (record_id, doi, title; origin_id and position when
        present) and the dedup stage's groups."""
        group_of = dict(
            zip(groups["record_id"].astype(str), groups["duplicate_group"].astype(str), strict=True)
        )
        kept = {
            str(g): str(r)
            for r, g, k in zip(
                groups["record_id"], groups["duplicate_group"], groups["kept"], strict=True
            )
            if k
        }
        by_doi: dict[str, set[str]] = {}
        by_title: dict[str, set[str]] = {}
        members: dict[str, list[str]] = {}
        for record_id, doi, title in zip(
            records["record_id"].astype(str), records["doi"], records["title"], strict=True
        ):
            group = group_of.get(record_id)
            if group is None:
                continue
            members.setdefault(group, []).append(record_id)
            found = normalise.doi(str(doi or ""))
            if found:
                by_doi.setdefault(found, set()).add(group)
            folded = normalise.title(str(title or ""))
            if folded:
                by_title.setdefault(folded, set()).add(group)
        return cls(group_of, kept, by_doi, by_title, members, KnownRecords.of(records))

    def find(self, row: ToolRow) -> tuple[Match | None, str]:
        """The publication a tool's row is about, or None and why not."""
        for value in row.ids:
            if value in self.group_of:
                return Match(self.group_of[value], "id", value), ""
        keys: tuple[tuple[str, dict[str, set[str]], Literal["DOI", "title"]], ...] = (
            (row.doi, self.by_doi, "DOI"),
            (row.title, self.by_title, "title"),
        )
        for key, index, label in keys:
            if not key:
                continue
            groups = index.get(key, set())
            if len(groups) == 1:
                return Match(next(iter(groups)), label), ""
            if len(groups) > 1:
                return None, f"the {label} matches {len(groups)} different publications"
        return None, "no record with its id, DOI or title"

    def record(self, match: Match, seen: str) -> tuple[str, str]:
        """The record a decision row names, and why the row is refused ('' when it is
        not): the record the tool's row names by id, which must have the title the row
        shows (``seen``; compared as the pipeline compares them,
        :meth:`~searchtrail.records.identity.KnownRecords.changed`); for a row found by
        DOI or title, the group's record that has that title (its kept record first)."""
        if match.by == "id":
            candidates = [match.record_id]
        else:
            kept = self.kept.get(match.group, "")
            others = [r for r in self.members.get(match.group, []) if r != kept]
            candidates = [kept, *others] if kept else others or [match.group]
        for candidate in candidates:
            if self.known.changed(candidate, seen, "decision") is None:
                return candidate, ""
        record = candidates[0]
        found = "" if match.by == "id" else f" (found by its {match.by})"
        return record, (
            f"the tool shows the title {show_value(seen, 100)}, record {record}{found} is "
            f"{show_value(self.known.titles.get(record, ''), 100)}: the tool's ids and titles "
            "may be out of step, and the decision may be about another record; check which "
            "record was decided on and correct the tool's row"
        )


def check_date(date: str) -> None:
    """Raise :class:`ReviewError` unless ``date`` (given for every imported row) is a real
    date as the decision reader accepts it: YYYY-MM-DD, YYYY-MM or YYYY."""
    if not date:
        return
    wrong = (
        date_problem(date)
        if _DATE_FORM.fullmatch(date)
        else f"{date!r} is not written YYYY-MM-DD, YYYY-MM or YYYY"
    )
    if wrong:
        raise ReviewError(
            [
                Problem(
                    "--date",
                    None,
                    None,
                    "date",
                    show_value(date),
                    "a real date written YYYY-MM-DD, YYYY-MM or YYYY",
                    f"{wrong}; nothing was imported",
                )
            ],
            summary="the import's options cannot be used",
        )


def _decision_value(cell: str) -> str:
    """A decision as the decision reader reads it: ``Included`` is ``include``."""
    folded = cell.strip().lower()
    return _SYNONYMS.get(folded, folded)


def import_decisions(
    rows: Iterable[ToolRow],
    index: RecordIndex,
    existing: Sheet | None,
    stage: ImportStage,
    *,
    date: str = "",
    note: str = "",
    reasons: Sequence[str] | None = None,
) -> ImportOutcome:
    """Match ``rows`` to the review's records and make the new decision rows for ``stage``.

    A row is written with the record it names and the title the tool shows (what the
    person saw); a row that names a record by id but shows another title is refused.
    ``reasons`` are the review's ``exclusion_reasons``: a full-text exclusion whose reason
    is none of them is refused (a reason that differs only in case is written as the
    review spells it). Raises :class:`ReviewError` when the existing file's header lacks
    ``record_id`` or ``decision``: rows would be added under columns the review does not
    read."""
    if existing is not None:
        _check_header(existing, stage)
    decided: dict[str, tuple[str, int]] = {}
    for kept in existing.rows if existing is not None else ():
        group = index.group_of.get(kept.cells.get("record_id", "").strip())
        if group is not None:
            decided[group] = (_decision_value(kept.cells.get("decision", "")), kept.line)
    added: list[dict[str, str]] = []
    already = 0
    unmatched: list[tuple[ToolRow, str]] = []
    undecided: list[ToolRow] = []
    conflicts: list[tuple[ToolRow, str]] = []
    refused: list[tuple[ToolRow, str]] = []
    added_from: list[ToolRow] = []
    for row in rows:
        if row.decision is None:
            undecided.append(row)
            continue
        match, why = index.find(row)
        if match is None:
            unmatched.append((row, why))
            continue
        record, wrong = index.record(match, row.seen_title)
        if wrong:
            refused.append((row, wrong))
            continue
        group = match.group
        if group in decided:
            earlier, line = decided[group]
            if earlier == row.decision:
                already += 1
            elif earlier in ("include", "exclude"):
                conflicts.append(
                    (row, f"the file already says {earlier!r} for this record (line {line})")
                )
            else:
                conflicts.append(
                    (
                        row,
                        f"the file's row for this record (line {line}) says {earlier!r}, "
                        "which is not include or exclude",
                    )
                )
            continue
        reason = row.reason if row.decision == "exclude" else ""
        if stage == "full_text" and row.decision == "exclude" and reasons is not None:
            reason, wrong = _review_reason(reason, reasons)
            if wrong:
                refused.append((row, wrong))
                continue
        decided[group] = (row.decision, 0)
        values = {
            "record_id": record,
            # What the person saw; when the tool shows no title, the record's title now,
            # so that a later change of the record still stops the run.
            TITLE: row.seen_title or index.known.titles.get(record, ""),
            "decision": row.decision,
            "reason": reason,
            "reviewer": row.reviewer,
            "date": date,
            "note": note,
        }
        added.append({name: values.get(name, "") for name in (*COLUMNS[stage], TITLE)})
        added_from.append(row)
    return ImportOutcome(added, already, unmatched, undecided, conflicts, refused, added_from)


def _check_header(existing: Sheet, stage: ImportStage) -> None:
    missing = [name for name in ("record_id", "decision") if name not in existing.header]
    if missing:
        raise ReviewError(
            [
                Problem(
                    existing.file,
                    existing.header_line,
                    None,
                    None,
                    existing.header_shown(),
                    f"a header with the columns {', '.join(COLUMNS[stage])} (names are "
                    "matched without case or the spaces around them)",
                    f"the header lacks {', '.join(missing)}: decisions are added under the "
                    "file's own columns, never as a second set of columns; name the "
                    "columns in the header and run again",
                )
            ],
            summary="no decision was imported",
        )


def _review_reason(reason: str, reasons: Sequence[str]) -> tuple[str, str]:
    """The review's spelling of an exclusion reason, or why it is refused."""
    reason = reason.strip()
    if reason in reasons:
        return reason, ""
    for known in reasons:
        if known.casefold() == reason.casefold():
            return known, ""
    if not reasons:
        return reason, "the review defines no exclusion_reasons (searches/review.yaml)"
    if not reason:
        return reason, (
            "an exclusion needs one of the review's exclusion_reasons; give it with --reason"
        )
    close = difflib.get_close_matches(reason, reasons, n=1, cutoff=0.5)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return reason, (
        f"the reason {show_value(reason)} is not in the review's exclusion_reasons{hint}"
    )


@dataclass(frozen=True)
class Appending:
    """Where an import's rows go: the stage's file as the pipeline names it, the line the
    first added row starts on, and the columns a row is written with (the file's own)."""

    file: str
    first_line: int
    columns: tuple[str, ...]

    def decisions(self, stage: ImportStage, rows: Sequence[Mapping[str, str]]) -> list[Decision]:
        """``rows`` as the decision reader will read them once appended: each on the line it
        gets, with the cells the file has a column for."""
        line = self.first_line
        found = []
        for row in rows:
            cells = {name: row.get(name, "") for name in self.columns}
            found.append(
                Decision(
                    stage=stage,
                    record_id=cells.get("record_id", ""),
                    value=cells.get("decision", ""),
                    reason=cells.get("reason", ""),
                    reviewer=cells.get("reviewer", ""),
                    date=cells.get("date", ""),
                    note=cells.get("note", ""),
                    file=self.file,
                    line=line,
                    title=cells.get(TITLE, ""),
                )
            )
            # A value with a line break (a note) is written across lines.
            line += 1 + sum(len(_LINE_END.findall(value)) for value in cells.values())
        return found


def appending(directory: Path, stage: ImportStage, existing: Sheet | None) -> Appending:
    """Where :func:`write_decisions` appends the stage's rows: after the file's last line
    (blank ones too, as the reader counts them), under its own columns; a new file has
    every column and its rows start on line 2."""
    name = existing.file if existing is not None else FILES[stage]
    path = directory / name
    if existing is None or not path.is_file() or not (existing.header or existing.rows):
        return Appending(name, 2, (*COLUMNS[stage], TITLE))
    if existing.encoding == "xlsx":  # never written; see write_decisions
        last = max((row.line for row in existing.rows), default=existing.header_line)
        return Appending(name, last + 1, existing.header)
    text = exact_text(path.read_bytes(), existing.encoding)
    lines = len(_LINE_END.findall(text)) + (0 if text.endswith(("\n", "\r")) else 1)
    return Appending(name, lines + 1, existing.header)


@dataclass(frozen=True)
class Flow:
    """What the pipeline's screening stage places decisions with, but the decisions: the
    review, the dedup stage's groups, open questions and splits, and the records."""

    review: Review
    groups: pd.DataFrame
    open_questions: Sequence[OpenQuestion]
    splits: Sequence[SplitNote]
    known: KnownRecords

    def problems(self, decisions: Decisions) -> list[Problem]:
        """What the screening stage would refuse among ``decisions`` (none: it places
        them)."""
        try:
            place(
                self.review,
                self.groups,
                decisions,
                self.open_questions,
                self.splits,
                self.known,
            )
        except ReviewError as error:
            return list(error.problems)
        return []


def refuse_misplaced(
    outcome: ImportOutcome,
    stage: ImportStage,
    target: Appending,
    decisions: Decisions,
    flow: Flow,
) -> ImportOutcome:
    """Check the rows an import adds with the pipeline's own placement rules, as they will
    stand among the review's ``decisions`` (its files as they are now, rows with problems
    left out, as :func:`~searchtrail.screening.decisions.collect_decisions` reads them).

    A new row the screening stage would refuse (a full-text decision for a record
    excluded at title/abstract, a title/abstract decision for a report found by other
    methods, ...) is refused with the stage's reason, and so is a new row that would make
    it refuse a row of the same publication already in the files, or refuse it for
    another reason than now (a title/abstract exclusion of a record with a full-text
    decision). Problems the files have without the import are the pipeline's to report.
    Repeated until the rows left raise none."""
    group_of = dict(
        zip(
            flow.groups["record_id"].astype(str),
            flow.groups["duplicate_group"].astype(str),
            strict=True,
        )
    )
    already = {(d.file, d.line): d for name in STAGES for d in decisions.of(name)}
    before = {(p.file, p.line, p.message) for p in flow.problems(decisions)}
    remaining = list(range(len(outcome.added)))
    refused = list(outcome.refused)
    while remaining:
        new = target.decisions(stage, [outcome.added[i] for i in remaining])
        rows = dict(decisions.rows)
        rows[stage] = (*decisions.of(stage), *new)
        problems = flow.problems(Decisions(rows))
        at = {(d.file, d.line): i for i, d in zip(remaining, new, strict=True)}
        of_group = {group_of.get(d.record_id): i for i, d in zip(remaining, new, strict=True)}
        wrong: dict[int, str] = {}
        for problem in problems:
            where = (problem.file, problem.line)
            if where in at:
                wrong.setdefault(at[where], f"{problem.message}; expected {problem.expected}")
            elif where in already and (*where, problem.message) not in before:
                index = of_group.get(group_of.get(already[where].record_id))
                if index is not None:
                    wrong.setdefault(
                        index,
                        f"with it, the review would refuse {problem.file}:{problem.line} "
                        f"({problem.entry}): {problem.message}",
                    )
        if not wrong:
            break
        refused.extend((outcome.added_from[i], why) for i, why in wrong.items())
        remaining = [i for i in remaining if i not in wrong]
    return dataclasses.replace(
        outcome,
        added=[outcome.added[i] for i in remaining],
        added_from=[outcome.added_from[i] for i in remaining],
        refused=sorted(refused, key=lambda item: item[0].line),
    )


def write_decisions(
    directory: Path, stage: ImportStage, existing: Sheet | None, added: list[dict[str, str]]
) -> Path:
    """Add rows to the stage's decision file (``screening/<stage>.csv``, made when missing).
    The rows already there are kept byte for byte (see
    :func:`~searchtrail.sheets.append_rows`); the previous version stays in
    ``screening/.previous/``."""
    name = existing.file if existing is not None else FILES[stage]
    path = directory / name
    if existing is not None and path.suffix.lower() in WORKBOOKS:
        raise ReviewError(
            [
                Problem.of_file(
                    name,
                    f"decisions kept in {FILES[stage]} to add rows to",
                    "searchtrail adds rows to CSV files only; save the workbook as CSV",
                )
            ]
        )
    append_rows(
        path,
        existing,
        (*COLUMNS[stage], TITLE),
        added,
        required=("record_id", "decision", "reason"),
    )
    return path
