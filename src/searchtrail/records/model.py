"""What a reader returns: records with their original fields, and what it met on the way."""

from __future__ import annotations

from dataclasses import dataclass, field

from searchtrail.errors import Problem


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
    are quirks met and handled (each names its lines).
    """

    file: str
    format: str
    encoding: str
    records: list[RawRecord]
    in_file: int
    failures: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
