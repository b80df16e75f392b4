"""People's duplicate verdicts: ``screening/duplicates.csv``.

The file is a table people edit in a spreadsheet. Each row is a pair of records and a verdict:

- ``duplicate``: the two records are one publication (merges them, also when the machine
  never compared them);
- ``not duplicate``: they are different publications (splits a machine merge);
- empty: a question not answered yet.

The pipeline adds a row for every pair it is uncertain about and that the file does not
hold yet, with both records' details beside it to decide on. It never changes or removes a
row, so an answer is never asked again, even after new records arrive. People may add rows
of their own (record ids are in the records table) to merge or split any pair.

Accepted spellings: ``duplicate``, ``dup``, ``yes``, ``same`` and ``not duplicate``,
``not_duplicate``, ``not-duplicate``, ``no``, ``different`` (any case).

An optional ``keep`` column says, beside a ``duplicate`` verdict, which of the two records
the merged group keeps: ``a`` (``record_a``) or ``b`` (``record_b``), or that record's id;
empty leaves the choice to the machine. Two choices that keep different records of one
group stop the run.

Verdicts saved from the questions page (``reports/duplicates.html``) are added to the file
by :func:`check_saved` and :func:`add_saved` (``searchtrail screening verdicts``).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import pandas as pd

from searchtrail.dedup.engine import DedupResult, Verdict
from searchtrail.errors import Problem, ReviewError, show_value
from searchtrail.records.identity import KnownRecords
from searchtrail.sheets import Sheet, append_rows

REQUIRED: Final = ("record_a", "record_b", "verdict")
CONTEXT: Final = (
    "machine_reason",
    "title_similarity",
    "origin_a",
    "origin_b",
    "title_a",
    "title_b",
    "authors_a",
    "authors_b",
    "year_a",
    "year_b",
    "journal_a",
    "journal_b",
    "volume_a",
    "volume_b",
    "pages_a",
    "pages_b",
    "doi_a",
    "doi_b",
)
COLUMNS: Final = (*REQUIRED, "keep", "note", *CONTEXT)
_YES: Final = frozenset({"duplicate", "dup", "yes", "same", "y"})
_NO: Final = frozenset({"not duplicate", "notduplicate", "not dup", "no", "different", "n"})


@dataclass(frozen=True)
class OpenQuestion:
    """A pair in the verdicts file that nobody has answered yet, and the line it is on."""

    record_a: str
    record_b: str
    line: int


def open_questions(sheet: Sheet | None) -> list[OpenQuestion]:
    """The unanswered rows of a verdicts file, with their lines: a question row counts as
    answered when another row of the file answers the same pair, in either order (answers
    saved from the questions page are added as rows of their own, below the questions)."""
    if sheet is None:
        return []
    answered = set()
    asked = []
    for row in sheet.rows:
        a, b = row.cells.get("record_a", "").strip(), row.cells.get("record_b", "").strip()
        if not (a and b):
            continue
        if row.cells.get("verdict", "").strip():
            answered.add(_pair(a, b))
        else:
            asked.append(OpenQuestion(a, b, row.line))
    return [q for q in asked if _pair(q.record_a, q.record_b) not in answered]


def people_digest(sheet: Sheet | None) -> str:
    """A digest of what people wrote in a verdicts file: every row with a verdict or a note,
    or with more cells than the header. The questions the pipeline adds leave it
    unchanged, so the workflow reruns deduplication when people answer, and not because
    it asked."""
    digest = hashlib.sha256()
    for row in sheet.rows if sheet is not None else ():
        cells = {key: value.strip() for key, value in row.cells.items()}
        if cells.get("verdict") or cells.get("note") or cells.get("keep") or row.extra:
            digest.update(
                json.dumps([sorted(cells.items()), row.extra], ensure_ascii=False).encode()
            )
            digest.update(b"\n")
    return digest.hexdigest()


def _normalise(text: str) -> str:
    return " ".join(text.strip().lower().replace("_", " ").replace("-", " ").split())


def read_verdicts(
    sheet: Sheet, *, known: KnownRecords
) -> tuple[list[Verdict], list[dict[str, str]]]:
    """Read a verdicts file: the answered verdicts, and every row as written (to keep).

    Raises :class:`ReviewError` listing every row that names an unknown record, pairs a
    record with itself, has a verdict that is not one of the accepted words, has a ``keep``
    that names neither record or stands beside another verdict than duplicate, contradicts
    another row about the same pair (its verdict or the record it keeps), or has more cells
    than the header; and every answered
    row whose ``title_a`` or ``title_b`` (what the person saw) is not the title of the
    record now behind that id.
    """
    file = sheet.file
    missing = [name for name in REQUIRED if name not in sheet.header]
    if missing:
        raise ReviewError(
            [
                Problem(
                    file,
                    1,
                    None,
                    None,
                    ", ".join(sheet.header) or None,
                    f"a header with the columns {', '.join(COLUMNS[:4])}",
                    f"the header lacks {', '.join(missing)}",
                )
            ]
        )
    problems: list[Problem] = sheet.too_long()
    verdicts: list[Verdict] = []
    rows: list[dict[str, str]] = []
    seen: dict[tuple[str, str], tuple[bool | None, int]] = {}
    keeps: dict[tuple[str, str], tuple[str, int]] = {}
    for sheet_row in sheet.rows:
        start = sheet_row.line
        row = dict(sheet_row.cells)
        rows.append(row)
        a, b = row.get("record_a", "").strip(), row.get("record_b", "").strip()
        entry = f"row {a} / {b}"
        for name, value in (("record_a", a), ("record_b", b)):
            if value not in known:
                problems.append(
                    Problem(
                        file,
                        start,
                        entry,
                        name,
                        show_value(value),
                        "the id of a record in this review (reports/dedup/groups.csv)",
                        known.unknown(value, "verdicts"),
                    )
                )
        if a and a == b:
            problems.append(
                Problem(
                    file,
                    start,
                    entry,
                    "record_b",
                    show_value(b),
                    "two different records",
                    "a record is paired with itself",
                )
            )
        word = _normalise(row.get("verdict", ""))
        if word in _YES:
            duplicate: bool | None = True
        elif word in _NO:
            duplicate = False
        elif not word:
            duplicate = None
        else:
            problems.append(
                Problem(
                    file,
                    start,
                    entry,
                    "verdict",
                    show_value(row.get("verdict", "")),
                    "duplicate or not duplicate (or empty while unanswered)",
                    f"the verdict {show_value(row.get('verdict', ''))} is not one of the "
                    "accepted words",
                )
            )
            continue
        key = (min(a, b), max(a, b))
        keep, wrong = _keep(row.get("keep", ""), a, b, duplicate)
        if wrong:
            problems.append(
                Problem(file, start, entry, "keep", show_value(row.get("keep", "")), *wrong)
            )
        elif keep:
            earlier_keep = keeps.setdefault(key, (keep, start))
            if earlier_keep[0] != keep:
                problems.append(
                    Problem(
                        file,
                        start,
                        entry,
                        "keep",
                        show_value(row.get("keep", "")),
                        "one record kept per pair",
                        f"line {earlier_keep[1]} keeps {earlier_keep[0]}, this row keeps {keep}",
                    )
                )
        if key in seen:
            earlier, earlier_line = seen[key]
            if duplicate is not None and earlier is not None and earlier != duplicate:
                problems.append(
                    Problem(
                        file,
                        start,
                        entry,
                        "verdict",
                        show_value(row.get("verdict", "")),
                        "one verdict per pair",
                        f"line {earlier_line} gives the opposite verdict for the same pair",
                    )
                )
            if earlier is not None or duplicate is None:
                continue
        seen[key] = (duplicate, start)
        if duplicate is not None:
            for name, value in (("title_a", a), ("title_b", b)):
                written = row.get(name, "")
                changed = known.changed(value, written, "verdict")
                if changed:
                    problems.append(
                        Problem(
                            file,
                            start,
                            entry,
                            name,
                            show_value(written),
                            "the title of the record the verdict was given on",
                            changed,
                        )
                    )
        if duplicate is not None and a in known and b in known and a != b:
            verdicts.append(Verdict(a, b, duplicate, file, start))
    if problems:
        raise ReviewError(problems)
    if keeps:
        verdicts = [
            dataclasses.replace(v, keep=keeps[_pair(v.record_a, v.record_b)][0])
            if v.duplicate and _pair(v.record_a, v.record_b) in keeps
            else v
            for v in verdicts
        ]
    return verdicts, rows


def _keep(
    written: str, a: str, b: str, duplicate: bool | None
) -> tuple[str, tuple[str, str] | None]:
    """The record a row's ``keep`` cell names (``a``, ``b`` or one of the two ids), or why
    the cell cannot be used: (expected, message)."""
    value = written.strip()
    if not value:
        return "", None
    named = {"a": a, "b": b}.get(value.lower(), value if value in (a, b) else "")
    expected = (
        "a (keep record_a), b (keep record_b), one of the two record ids, or empty "
        "(the machine chooses)"
    )
    if not named:
        return "", (expected, f"the keep value {show_value(value)} names neither record")
    if duplicate is not True:
        return "", (
            "keep only beside the verdict duplicate",
            "a record to keep is chosen, but the row does not say the two are duplicates",
        )
    return named, None


def questions(
    result: DedupResult, records: pd.DataFrame, existing: Sequence[dict[str, str]]
) -> list[dict[str, str]]:
    """Rows for uncertain pairs the verdicts file does not hold yet.

    One question per pair of duplicate groups: when a record is uncertain against several
    records of one group, it is asked once (the answer merges or parts the groups), and not
    at all when other evidence already put the two records in one group."""
    uncertain = result.pairs.loc[result.pairs["decision"] == "uncertain"]
    if uncertain.empty:
        return []
    group_of = dict(zip(result.record_ids, result.group_ids, strict=True))

    def groups(a: str, b: str) -> tuple[str, str]:
        return _pair(group_of.get(a, a), group_of.get(b, b))

    asked = {_pair(r.get("record_a", ""), r.get("record_b", "")) for r in existing}
    asked_groups = {groups(*pair) for pair in asked}
    by_id = records.set_index("record_id")
    new = []
    for pair in uncertain.itertuples(index=False):
        a, b = str(pair.record_a), str(pair.record_b)
        if _pair(a, b) in asked or group_of.get(a) == group_of.get(b):
            continue
        if groups(a, b) in asked_groups:
            continue
        asked_groups.add(groups(a, b))
        first, second = by_id.loc[a], by_id.loc[b]
        row = {"record_a": a, "record_b": b, "verdict": "", "keep": "", "note": ""}
        row["machine_reason"] = str(pair.reason)
        row["title_similarity"] = str(pair.title)
        for suffix, record in (("a", first), ("b", second)):
            row[f"origin_{suffix}"] = str(record.get("origin_id", ""))
            for name in ("title", "year", "journal", "volume", "pages", "doi"):
                row[f"{name}_{suffix}"] = str(record.get(name, ""))
            row[f"authors_{suffix}"] = "; ".join(str(record.get("authors", "")).split("\n"))
        new.append(row)
    return new


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


def write_questions(path: Path, existing: Sheet | None, new: Sequence[dict[str, str]]) -> None:
    """Add the new questions to the verdicts file: after the rows already there, which are
    kept byte for byte (see :func:`~searchtrail.sheets.append_rows`); the previous version
    stays in ``screening/.previous/``."""
    append_rows(path, existing, COLUMNS, new, required=REQUIRED)


# --- verdicts saved from the questions page --------------------------------------------------

SAVED_COLUMNS: Final = ("record_a", "record_b", "verdict", "keep", "note", "title_a", "title_b")
"""The columns of a file of verdicts saved from the questions page."""
ADDED_WITH: Final = ("record_a", "record_b", "verdict", "keep", "note")
"""Columns the verdicts file must have when a saved row fills them: nothing a person wrote
on the page is left out for want of a column."""


@dataclass(frozen=True)
class SavedVerdicts:
    """What a file of saved verdicts adds to the verdicts file."""

    rows: list[dict[str, str]]
    """The rows to add, with the verdicts file's columns."""
    already: list[int]
    """Lines of the saved file whose answer the verdicts file already gives."""
    unanswered: list[int]
    """Lines of the saved file without a verdict (left out)."""


def check_saved(
    saved: Sheet,
    existing: Sheet | None,
    *,
    known: KnownRecords,
) -> SavedVerdicts:
    """Check a file of saved verdicts against the records and the verdicts file
    (``existing``, None when there is none yet); return the rows to add to it.

    Raises :class:`ReviewError` listing every row of the saved file that the verdicts file
    would refuse (see :func:`read_verdicts`: unknown ids, verdict words, ``keep`` values,
    titles that are no longer the records'), and every row that answers a pair the opposite
    way from the verdicts file, or keeps the other record, naming both lines. The verdicts
    file itself is read as the pipeline reads it, so its own problems are listed too.
    """
    mine, _ = read_verdicts(saved, known=known)
    theirs, _ = read_verdicts(existing, known=known) if existing is not None else ([], [])
    answered = {_pair(v.record_a, v.record_b): v for v in theirs}
    chosen = {_pair(v.record_a, v.record_b): v for v in mine}
    where = existing.file if existing is not None else "the verdicts file"
    problems: list[Problem] = []
    rows: list[dict[str, str]] = []
    already: list[int] = []
    unanswered: list[int] = []
    for sheet_row in saved.rows:
        cells = sheet_row.cells
        a, b = cells.get("record_a", "").strip(), cells.get("record_b", "").strip()
        if not cells.get("verdict", "").strip():
            unanswered.append(sheet_row.line)
            continue
        key = _pair(a, b)
        given, earlier = chosen[key], answered.get(key)
        entry = f"row {a} / {b}"
        if earlier is not None and earlier.duplicate != given.duplicate:
            problems.append(
                Problem(
                    saved.file,
                    sheet_row.line,
                    entry,
                    "verdict",
                    show_value(cells.get("verdict", "")),
                    f"the answer {where} already gives ({_word(earlier.duplicate)}), or that "
                    f"row changed there first",
                    f"{where}:{earlier.line} answers this pair {_word(earlier.duplicate)!r}",
                )
            )
            continue
        if earlier is not None and earlier.keep and given.keep and earlier.keep != given.keep:
            problems.append(
                Problem(
                    saved.file,
                    sheet_row.line,
                    entry,
                    "keep",
                    show_value(cells.get("keep", "")),
                    f"the record {where} already keeps ({earlier.keep}), or that row changed "
                    "there first",
                    f"{where}:{earlier.line} keeps {earlier.keep} of this pair, this row keeps "
                    f"{given.keep}",
                )
            )
            continue
        if earlier is not None and (not given.keep or earlier.keep == given.keep):
            already.append(sheet_row.line)
            continue
        row = {name: cells.get(name, "") for name in COLUMNS}
        row["record_a"], row["record_b"] = a, b
        rows.append(row)
    if problems:
        raise ReviewError(problems)
    return SavedVerdicts(rows, already, unanswered)


def _word(duplicate: bool) -> str:
    return "duplicate" if duplicate else "not duplicate"


def add_saved(path: Path, existing: Sheet | None, rows: Sequence[dict[str, str]]) -> None:
    """Add checked saved verdicts (:func:`check_saved`) after the rows of the verdicts file,
    which are kept byte for byte; a file that does not exist yet is written with its header
    (atomically, as every write). A saved row that fills a column the file lacks (``keep``,
    ``note``) stops the write, naming the header: searchtrail never adds columns to a
    person's table."""
    append_rows(path, existing, COLUMNS, rows, required=ADDED_WITH)
