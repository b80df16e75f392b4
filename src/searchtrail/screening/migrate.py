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
from typing import Final

from searchtrail.errors import Problem, ReviewError, show_value
from searchtrail.fileio import cannot_write, sha256, write_bytes
from searchtrail.layout import VERDICTS_FILE
from searchtrail.records.identity import POSITIONAL, KnownRecords
from searchtrail.records.review import import_review
from searchtrail.screening.decisions import STAGES, TITLE, decision_file
from searchtrail.searchlog import Review, load_review
from searchtrail.sheets import WORKBOOKS, encode_table, exact_text, read_sheet, replace_cells

SEEN: Final = {"record_id": TITLE, "record_a": "title_a", "record_b": "title_b"}
"""The column holding what the person saw of the record an id column names."""


@dataclass(frozen=True)
class _Rewrite:
    """A file's new bytes and how many ids they change."""

    name: str
    path: Path
    data: bytes
    count: int


@dataclass(frozen=True)
class Migration:
    """What a migration changed, and whether the exports could be compared with those of
    the pipeline's last run."""

    changed: list[tuple[str, int]]
    compared: bool


def migrate(directory: Path, recorded: Mapping[str, str] | None) -> Migration:
    """Rewrite the positional ids of the review's decision and verdicts files; return each
    file changed with the number of ids rewritten. Raises :class:`ReviewError`, with no
    file changed, when any of them cannot be rewritten, when an export differs from the one
    the pipeline last ran on (its positions may name other records now), or when a row's
    ``title`` (``title_a``, ``title_b``) is not the title of the record now at its position.
    ``recorded``: the SHA-256 of each input file of the pipeline's last run (None: no run
    to compare with)."""
    review = load_review(directory)
    records, _ = import_review(review, directory)
    known = KnownRecords.of(records)
    problems = _exports_changed(review, directory, recorded or {})
    targets: list[tuple[str, tuple[str, ...]]] = []
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
            rewrite = _rewritten(directory / name, name, columns, known)
        except ReviewError as error:
            problems.extend(error.problems)
            continue
        if rewrite is not None:
            rewrites.append(rewrite)
    problems.extend(
        refused
        for rewrite in rewrites
        if (refused := cannot_write(rewrite.path, backup=True)) is not None
    )
    if problems:
        raise ReviewError(
            problems,
            summary="no file was changed: every file is checked before any is rewritten, "
            "and these problems stop the rewrite",
        )
    for rewrite in rewrites:
        write_bytes(rewrite.path, rewrite.data, backup=True)
    return Migration([(rewrite.name, rewrite.count) for rewrite in rewrites], recorded is not None)


def _exports_changed(review: Review, directory: Path, recorded: Mapping[str, str]) -> list[Problem]:
    """Exports that differ from those the pipeline last ran on."""
    names = [name for search in review.searches if search.export for name in search.export.files]
    names += [name for record_file in review.record_files for name in record_file.files]
    changed = [
        name for name in names if name in recorded and recorded[name] != sha256(directory / name)
    ]
    return [
        Problem.of_file(
            name,
            "the export the decisions were made on (the one the pipeline last ran on)",
            "the file changed since the pipeline last ran: the record at a position may be "
            "another one now. Put back the export the decisions were made on, run migrate, "
            "then replace the export",
        )
        for name in changed
    ]


def _rewritten(
    path: Path, name: str, columns: Sequence[str], known: KnownRecords
) -> _Rewrite | None:
    """The file with its positional ids rewritten (None: it has none)."""
    sheet = read_sheet(path, file=name)
    changes: dict[tuple[int, str], str] = {}
    problems: list[Problem] = []
    for row in sheet.rows:
        for column in columns:
            value = row.cells.get(column, "").strip()
            now = known.at.get(value) if POSITIONAL.match(value) else None
            if now is None:
                continue
            seen = row.cells.get(SEEN[column], "")
            changed = known.changed(now, seen, "decision")
            if changed:
                problems.append(
                    Problem(
                        name,
                        row.line,
                        f"record {value}",
                        SEEN[column],
                        show_value(seen),
                        "the title of the record the decision was made on",
                        changed,
                    )
                )
            changes[(row.line, column)] = now
    if problems:
        raise ReviewError(problems)
    if not changes:
        return None
    if path.suffix.lower() in WORKBOOKS:
        raise ReviewError(
            [
                Problem.of_file(
                    name,
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
