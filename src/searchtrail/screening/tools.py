"""Decisions from the exports of screening tools, turned into ``screening/*.csv`` rows.

``searchtrail screening import`` reads a tool's export, finds each row's record among the
review's deduplicated records and appends a decision row per record to the stage's file in
``screening/``. A row is matched by a record id the tool kept (the ``ID`` of the RIS file
the pipeline writes, in a ``record_id``, ``id``, ``key`` or ``accession number`` column),
else by DOI, else by title (normalised as for deduplication); a DOI or title shared by
several publications is not a match. Rows that match nothing, match ambiguously, carry no
final decision, or disagree with a decision already in the file (compared as the decision
reader reads it: ``Included`` is ``include``) are reported and left out, and so is a
full-text exclusion whose reason is not one of the review's ``exclusion_reasons`` (with the
closest one suggested): nothing is written that the review would then refuse. A ``--date``
that is not a real date stops the import before anything is written.

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

import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final, Literal

import pandas as pd

from searchtrail.dedup import normalise
from searchtrail.errors import Problem, ReviewError, show_value
from searchtrail.screening.decisions import _SYNONYMS, COLUMNS, FILES, TITLE
from searchtrail.searchlog import date_problem
from searchtrail.sheets import WORKBOOKS, Sheet, append_rows

Tool = Literal["csv", "rayyan", "asreview", "covidence"]
TOOLS: Final[tuple[Tool, ...]] = ("csv", "rayyan", "asreview", "covidence")
ImportStage = Literal["title_abstract", "full_text"]

_ID_COLUMNS: Final = ("record_id", "id", "key", "accession number", "record id")
_YES: Final = frozenset({"include", "included", "yes", "y", "1", "true", "relevant"})
_NO: Final = frozenset({"exclude", "excluded", "no", "n", "0", "false", "irrelevant"})
_RAYYAN_LABELS: Final = re.compile(r"RAYYAN-INCLUSION:\s*\{([^}]*)\}")
_RAYYAN_VOTE: Final = re.compile(r'"([^"]*)"\s*=>\s*"([^"]*)"')
_RAYYAN_REASONS: Final = re.compile(r"RAYYAN-EXCLUSION-REASONS:\s*([^|]*)")
_DATE_FORM: Final = re.compile(r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?")
"""How a decision's date is written (the pattern of ``screening.schema.yaml``)."""


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


@dataclass(frozen=True)
class ImportOutcome:
    """What an import did."""

    added: list[dict[str, str]]
    already: int
    unmatched: list[tuple[ToolRow, str]]
    undecided: list[ToolRow]
    conflicts: list[tuple[ToolRow, str]]
    refused: list[tuple[ToolRow, str]] = field(default_factory=list)
    """Rows the review would refuse (an exclusion reason not in its list), and why."""


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
        title = normalise.title(row.get("title", ""))
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
        rows.append(ToolRow(sheet_row.line, ids, doi, title, found, found_reason, reviewer, why))
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
class RecordIndex:
    """The review's records, findable by id, DOI and title."""

    group_of: dict[str, str]
    kept: dict[str, str]
    by_doi: dict[str, set[str]]
    by_title: dict[str, set[str]]
    titles: dict[str, str]
    """record_id -> title, for the kept records."""

    @classmethod
    def of(cls, records: pd.DataFrame, groups: pd.DataFrame) -> RecordIndex:
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
        titles: dict[str, str] = {}
        kept_ids = set(kept.values())
        for record_id, doi, title in zip(
            records["record_id"].astype(str), records["doi"], records["title"], strict=True
        ):
            group = group_of.get(record_id)
            if group is None:
                continue
            if record_id in kept_ids:
                titles[record_id] = str(title or "")
            found = normalise.doi(str(doi or ""))
            if found:
                by_doi.setdefault(found, set()).add(group)
            folded = normalise.title(str(title or ""))
            if folded:
                by_title.setdefault(folded, set()).add(group)
        return cls(group_of, kept, by_doi, by_title, titles)

    def find(self, row: ToolRow) -> tuple[str | None, str]:
        """The group a tool's row is about, or None and why not."""
        for value in row.ids:
            if value in self.group_of:
                return self.group_of[value], ""
        for key, index, label in (
            (row.doi, self.by_doi, "DOI"),
            (row.title, self.by_title, "title"),
        ):
            if not key:
                continue
            groups = index.get(key, set())
            if len(groups) == 1:
                return next(iter(groups)), ""
            if len(groups) > 1:
                return None, f"the {label} matches {len(groups)} different publications"
        return None, "no record with its id, DOI or title"


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
    for row in rows:
        if row.decision is None:
            undecided.append(row)
            continue
        group, why = index.find(row)
        if group is None:
            unmatched.append((row, why))
            continue
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
        record = index.kept.get(group, group)
        values = {
            "record_id": record,
            TITLE: index.titles.get(record, ""),
            "decision": row.decision,
            "reason": reason,
            "reviewer": row.reviewer,
            "date": date,
            "note": note,
        }
        added.append({name: values.get(name, "") for name in (*COLUMNS[stage], TITLE)})
    return ImportOutcome(added, already, unmatched, undecided, conflicts, refused)


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
                Problem(
                    name,
                    None,
                    None,
                    None,
                    None,
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
