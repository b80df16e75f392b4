"""Rewriting record ids that name a position (``medline-1:4``) as the ids of the records.

Before record ids followed the record, they were ``<search id>:<position in the export>``;
a re-export or a re-sort then pointed them at other records. ``searchtrail screening
migrate DIR`` reads the exports as they are now and, in every decision file and the
verdicts file, replaces each such id by the id of the record at that position. It is right
only while the exports are those the decisions were made on, so run it once, before
replacing any export.

Every file is read and its new text made before any is written: a file that cannot be
rewritten (a workbook with such ids, a table that cannot be read) stops the command with
nothing changed. Only the id cells change; every other character of the file stays as it
was (quoting, blank rows, other cells, Excel's ``sep=`` line), in its own encoding,
byte-order mark, delimiter and line ends. Each changed file's previous version is kept in
``screening/.previous/``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from searchtrail.errors import Problem, ReviewError
from searchtrail.fileio import write_bytes
from searchtrail.layout import VERDICTS_FILE
from searchtrail.records.identity import POSITIONAL, positions
from searchtrail.records.review import import_review
from searchtrail.screening.decisions import STAGES, decision_file
from searchtrail.searchlog import load_review
from searchtrail.sheets import WORKBOOKS, encode_table, exact_text, read_sheet, replace_cells


@dataclass(frozen=True)
class _Rewrite:
    """A file's new bytes and how many ids they change."""

    name: str
    path: Path
    data: bytes
    count: int


def migrate(directory: Path) -> list[tuple[str, int]]:
    """Rewrite the positional ids of the review's decision and verdicts files; return each
    file changed with the number of ids rewritten. Raises :class:`ReviewError`, with no
    file changed, when any of them cannot be rewritten."""
    review = load_review(directory)
    records, _ = import_review(review, directory)
    now = positions(records)
    targets: list[tuple[str, tuple[str, ...]]] = []
    problems: list[Problem] = []
    for stage in STAGES:
        name, wrong = decision_file(directory, stage)
        problems.extend(wrong)
        if name is not None:
            targets.append((name, ("record_id",)))
    if (directory / VERDICTS_FILE).exists():
        targets.append((VERDICTS_FILE, ("record_a", "record_b")))
    rewrites: list[_Rewrite] = []
    for name, columns in targets:
        try:
            rewrite = _rewritten(directory / name, name, columns, now)
        except ReviewError as error:
            problems.extend(error.problems)
            continue
        if rewrite is not None:
            rewrites.append(rewrite)
    if problems:
        raise ReviewError(
            problems,
            summary="no file was changed: every file is checked before any is rewritten, "
            "and these problems stop the rewrite",
        )
    for rewrite in rewrites:
        write_bytes(rewrite.path, rewrite.data, backup=True)
    return [(rewrite.name, rewrite.count) for rewrite in rewrites]


def _rewritten(
    path: Path, name: str, columns: Sequence[str], now: Mapping[str, str]
) -> _Rewrite | None:
    """The file with its positional ids rewritten (None: it has none)."""
    sheet = read_sheet(path, file=name)
    changes: dict[tuple[int, str], str] = {}
    for row in sheet.rows:
        for column in columns:
            value = row.cells.get(column, "").strip()
            if POSITIONAL.match(value) and value in now:
                changes[(row.line, column)] = now[value]
    if not changes:
        return None
    if path.suffix.lower() in WORKBOOKS:
        raise ReviewError(
            [
                Problem(
                    name,
                    None,
                    None,
                    None,
                    None,
                    "decisions in a CSV file to rewrite (searchtrail never writes a workbook)",
                    f"{len(changes)} ids name a position; save the workbook as CSV, delete "
                    "the workbook and run again",
                )
            ]
        )
    original = path.read_bytes()
    text = exact_text(original, sheet.encoding)
    data = encode_table(replace_cells(text, sheet, changes), sheet.encoding, original)
    return _Rewrite(name, path, data, len(changes))
