"""What a reader returns: records with their original fields, and what it met on the way."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from searchtrail.errors import Problem

if TYPE_CHECKING:
    from searchtrail.records.columnar import TaggedFile


@dataclass(slots=True)
class RawRecord:
    """One record as the file holds it.

    ``fields`` keeps every (tag, value) pair in file order, repeats included; a value that
    spans several lines keeps its line breaks. ``line`` is where the record starts.
    """

    line: int
    fields: list[tuple[str, str]]


@dataclass
class ParsedFile:
    """The records read from one file.

    ``in_file`` is the number of records in the file by the format's own counting rule
    (``TY`` lines, ``<record>`` tags, data rows, blocks between blank lines, ...), stated in
    each reader, so ``len(records) + len(failures)`` can be checked against it: every record
    counted is read or reported. ``failures`` are records that could not be read; ``notes``
    are quirks met and handled (each names its lines). A file read column by column
    (:mod:`~searchtrail.records.columnar`) holds its records in ``columns`` instead of
    ``records``.
    """

    file: str
    format: str
    encoding: str
    records: list[RawRecord]
    in_file: int
    failures: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    columns: TaggedFile | None = None


def line_numbers(numbers: Iterable[int], limit: int = 5) -> str:
    """Line numbers as a reader's notes give them: ``line 7``, ``lines 3, 9`` or ``lines 1,
    2, 3, 4, 5, … 12 more``."""
    numbers = list(numbers)
    shown = ", ".join(str(n) for n in numbers[:limit])
    more = f", … {len(numbers) - limit} more" if len(numbers) > limit else ""
    return f"line {shown}{more}" if len(numbers) == 1 else f"lines {shown}{more}"


def skipped_note(numbers: Sequence[int]) -> str:
    """The note on lines outside records that a reader skipped."""
    return f"{len(numbers)} line(s) outside records skipped ({line_numbers(numbers)})"


def kept_after_end_note(numbers: Sequence[int]) -> str:
    """The note on RIS tag lines right after ``ER`` kept with the record they follow."""
    return f"{len(numbers)} tag line(s) right after ER kept with their record ({line_numbers(numbers)})"
