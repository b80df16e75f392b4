"""The records stage: a review's exports and record files read into the records table.

Every export named in the search log is read (format and encoding told from its content,
unless the log names them). A record gets the id ``<search id>:<key>`` (a record file's
records ``<record file id>:<key>``): its own accession, or a fingerprint of its content
(:mod:`searchtrail.records.identity`), so the id stays with the record when an export is
made again or sorted differently. Its position, counted across the search's files in the
order the log lists them, is kept as provenance.

Searches and record files are read round by round (in log order within a round), so the
records of earlier rounds come first in the table and a search update never renumbers the
duplicate groups of the rounds before it.

Each file's import is summarised for reconciliation: records counted by the format's own
rule, records read, records skipped. A record that cannot be read stops the run, naming file
and line, unless the export entry says ``skip_unreadable: true``; then it is listed and
counted as removed for other reasons.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Final, Literal

import pandas as pd

from searchtrail.errors import Problem, ReviewError
from searchtrail.layout import LOG_FILE
from searchtrail.records.reader import read_export
from searchtrail.records.table import RecordColumns
from searchtrail.searchlog import DATABASE_KINDS, Review

Origin = Literal["search", "record_file"]


@dataclass(frozen=True)
class FileImport:
    """How one file was read."""

    origin: Origin
    origin_id: str
    file: str
    format: str
    encoding: str
    in_file: int
    read: int
    skipped: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["skipped"] = list(self.skipped)
        data["notes"] = list(self.notes)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FileImport:
        return cls(
            data["origin"],
            data["origin_id"],
            data["file"],
            data["format"],
            data["encoding"],
            data["in_file"],
            data["read"],
            tuple(data["skipped"]),
            tuple(data["notes"]),
        )


UNREADABLE: Final = (
    "records that cannot be read (to skip them, add 'skip_unreadable: true' to the export "
    "entry in searches/log.yaml; they are then counted as removed)"
)


def import_review(review: Review, directory: Path) -> tuple[pd.DataFrame, list[FileImport]]:
    """Read every export and record file of ``review``; raise on unreadable records that
    the log does not allow to skip, and on database exports whose number of records the
    log contradicts (:func:`export_count_problems`)."""
    records, imports, problems = collect_records(review, directory)
    if problems:
        raise ReviewError(problems, summary=UNREADABLE)
    wrong = export_count_problems(review, imports)
    if wrong:
        raise ReviewError(wrong)
    return records, imports


def collect_records(
    review: Review, directory: Path
) -> tuple[pd.DataFrame, list[FileImport], list[Problem]]:
    """Every export and record file read: the records table, each file's summary, and the
    records that cannot be read and may not be skipped."""
    columns = RecordColumns()
    imports: list[FileImport] = []
    problems: list[Problem] = []
    searches = {search.id: search for search in review.searches}
    record_files = {record_file.id: record_file for record_file in review.record_files}
    for origin in sorted(review.origins(), key=lambda o: o.round):
        position = 1
        search = searches.get(origin.id) if origin.is_search else None
        if search is not None and search.export is not None:
            for name in search.export.files:
                parsed = read_export(
                    directory / name,
                    name,
                    format_name=search.export.format,
                    encoding=search.export.encoding,
                    columns=dict(search.export.columns),
                    by_column=True,
                )
                if parsed.failures and not search.export.skip_unreadable:
                    problems.extend(parsed.failures)
                read = columns.add(
                    parsed,
                    origin_id=search.id,
                    first_position=position,
                    columns=dict(search.export.columns),
                )
                position += read
                imports.append(_summary("search", search.id, parsed, read, skipped=parsed.failures))
        elif not origin.is_search:
            record_file = record_files[origin.id]
            for name in record_file.files:
                parsed = read_export(
                    directory / name, name, format_name=record_file.format, by_column=True
                )
                problems.extend(parsed.failures)
                read = columns.add(parsed, origin_id=record_file.id, first_position=position)
                position += read
                imports.append(_summary("record_file", record_file.id, parsed, read, skipped=[]))
    return columns.frame(), imports, problems


def export_count_problems(review: Review, imports: Sequence[FileImport]) -> list[Problem]:
    """Exports that hold another number of records than the log states for them: a search
    by other methods whose export of the records taken forward holds more of them than the
    log says were taken forward (the other-methods column counts the export; fewer is a
    documented gap, shown in the tables), and database and register
    searches whose export holds every record identified, in a round whose database and
    register searches are all exported (that round's databases column could not add up)."""
    in_file: dict[str, int] = {}
    files: dict[str, list[str]] = {}
    for item in imports:
        in_file[item.origin_id] = in_file.get(item.origin_id, 0) + item.in_file
        files.setdefault(item.origin_id, []).append(item.file)
    problems = []
    for search in review.searches:
        held = in_file.get(search.id)
        if (
            search.kind not in DATABASE_KINDS
            and search.export is not None
            and search.export.holds == "for_assessment"
            and search.for_assessment is not None
            and held is not None
            and held > search.for_assessment
        ):
            problems.append(
                Problem(
                    LOG_FILE,
                    search.line,
                    f"search '{search.id}'",
                    "for_assessment",
                    str(search.for_assessment),
                    f"the number of records taken forward: its export "
                    f"({', '.join(files[search.id])}) holds {held}; correct the count, or the "
                    "export",
                    f"the log says {search.for_assessment} records were taken forward, but the "
                    f"export that holds them has {held}: it holds records that were not taken "
                    "forward (or the file is not the export the log describes), and the "
                    "other-methods column would count them",
                )
            )
    for number in review.rounds:
        databases = [s for s in review.searches if s.round == number and s.kind in DATABASE_KINDS]
        complete = all(
            s.export is not None and s.export.holds == "identified" and s.id in in_file
            for s in databases
        )
        if not complete:
            continue
        for search in databases:
            held = in_file[search.id]
            if search.identified is None or search.identified == held:
                continue
            problems.append(
                Problem(
                    LOG_FILE,
                    search.line,
                    f"search '{search.id}'",
                    "identified",
                    str(search.identified),
                    f"the number of records the search found: its export "
                    f"({', '.join(files[search.id])}) holds {held}; correct the count, or "
                    "export every record the search found",
                    f"the log says {search.identified} records were identified, but the export "
                    f"holds {held}: the databases column of round {number} would not add up",
                )
            )
    return problems


def _summary(
    origin: Origin, origin_id: str, parsed: Any, read: int, *, skipped: Sequence[Problem]
) -> FileImport:
    return FileImport(
        origin=origin,
        origin_id=origin_id,
        file=parsed.file,
        format=parsed.format,
        encoding=parsed.encoding,
        in_file=parsed.in_file,
        read=read,
        skipped=tuple(str(problem) for problem in skipped),
        notes=tuple(parsed.notes),
    )


def imports_to_json(imports: Sequence[FileImport]) -> str:
    """The import summary as stable JSON."""
    return json.dumps([item.to_json() for item in imports], indent=2, ensure_ascii=False) + "\n"


def imports_from_json(text: str) -> list[FileImport]:
    """Inverse of :func:`imports_to_json`."""
    return [FileImport.from_json(item) for item in json.loads(text)]
