"""Rewriting record ids that name a position (``medline-1:4``) as the ids of the records.

Before record ids followed the record, they were ``<search id>:<position in the export>``;
a re-export or a re-sort then pointed them at other records. ``searchtrail screening
migrate DIR`` reads the exports as they are now and, in every decision file and the
verdicts file, replaces each such id by the id of the record at that position. It is right
only while the exports are those the decisions were made on, so run it once, before
replacing any export. Each file it changes is written anew at once (the previous version
kept in ``screening/.previous/``), in its own encoding and delimiter; every other cell
stays as it was.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from pathlib import Path

from searchtrail.errors import Problem, ReviewError
from searchtrail.fileio import write_bytes
from searchtrail.layout import VERDICTS_FILE
from searchtrail.records.identity import POSITIONAL, positions
from searchtrail.records.review import import_review
from searchtrail.screening.decisions import STAGES, decision_file
from searchtrail.searchlog import load_review
from searchtrail.sheets import WORKBOOKS, read_sheet


def migrate(directory: Path) -> list[tuple[str, int]]:
    """Rewrite the positional ids of the review's decision and verdicts files; return each
    file changed with the number of ids rewritten."""
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
    if problems:
        raise ReviewError(problems)
    changed = []
    for name, columns in targets:
        count = _rewrite(directory / name, name, columns, now)
        if count:
            changed.append((name, count))
    return changed


def _rewrite(path: Path, name: str, columns: Sequence[str], now: Mapping[str, str]) -> int:
    sheet = read_sheet(path, file=name)
    count = sum(
        1
        for row in sheet.rows
        for column in columns
        if POSITIONAL.match(row.cells.get(column, "").strip())
        and row.cells.get(column, "").strip() in now
    )
    if not count:
        return 0
    if path.suffix.lower() in WORKBOOKS:
        raise ReviewError(
            [
                Problem(
                    name,
                    None,
                    None,
                    None,
                    None,
                    "decisions in a CSV file to rewrite",
                    f"{count} ids name a position; save the workbook as CSV and run again",
                )
            ]
        )
    original = path.read_bytes()
    newline = "\r\n" if b"\r\n" in original else "\n"
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=sheet.delimiter or ",", lineterminator=newline)
    writer.writerow(sheet.header)
    for row in sheet.rows:
        cells = dict(row.cells)
        for column in columns:
            value = cells.get(column, "").strip()
            if POSITIONAL.match(value) and value in now:
                cells[column] = now[value]
        writer.writerow([cells.get(column, "") for column in sheet.header] + list(row.extra))
    encoding = sheet.encoding if sheet.encoding in ("utf-8-sig", "cp1252") else "utf-8"
    write_bytes(path, buffer.getvalue().encode(encoding), backup=True)
    return count
