"""BibTeX, read with bibtexparser (2.x).

Every field is kept in file order, repeats included (Scopus repeats ``funding_details``),
with the entry type as ``ENTRYTYPE`` and the citation key as ``ID``; the braces or quotes
enclosing a value are taken off, everything inside is kept as written. Field names are kept
as written (Scopus writes ``funding_text 1`` with a space). Blocks bibtexparser cannot read
are records that cannot be read, each with its line.
"""

from __future__ import annotations

import re
from typing import Final

from bibtexparser import middlewares, model
from bibtexparser.entrypoint import parse_string

from searchtrail.errors import Problem
from searchtrail.records.model import ParsedFile, RawRecord

_ENTRY_START: Final = re.compile(r"^\s*@(\w+)\s*[{(]", re.MULTILINE)
_NOT_ENTRIES: Final = frozenset({"comment", "string", "preamble"})


def count_bibtex(text: str) -> int:
    """Records by the format's counting rule: ``@type{`` lines that are not comments,
    string definitions or preambles."""
    return sum(1 for m in _ENTRY_START.finditer(text) if m.group(1).lower() not in _NOT_ENTRIES)


def read_bibtex(text: str, *, file: str, encoding: str) -> ParsedFile:
    """Read every entry of a BibTeX file."""
    library = parse_string(
        text, parse_stack=[middlewares.RemoveEnclosingMiddleware(allow_inplace_modification=True)]
    )
    records: list[RawRecord] = []
    failures: list[Problem] = []
    notes: list[str] = []
    for block in library.blocks:
        line = (block.start_line or 0) + 1
        if isinstance(block, model.Entry):
            records.append(_record(block))
        elif isinstance(block, model.DuplicateFieldKeyBlock) and isinstance(
            block.ignore_error_block, model.Entry
        ):
            records.append(_record(block.ignore_error_block))
            notes.append(
                f"entry at line {line} repeats field(s) "
                f"{', '.join(sorted(block.duplicate_keys))}; every value is kept"
            )
        elif isinstance(block, model.ParsingFailedBlock):
            failures.append(
                Problem(
                    file,
                    line,
                    f"entry at line {line}",
                    None,
                    _snippet(block.raw or ""),
                    "a BibTeX entry such as @article{key, title = {...}, ...}",
                    f"the entry cannot be read: {block.error}",
                )
            )
    records.sort(key=lambda record: record.line)
    return ParsedFile(file, "bibtex", encoding, records, count_bibtex(text), failures, notes)


def _record(entry: model.Entry) -> RawRecord:
    fields = [("ENTRYTYPE", entry.entry_type), ("ID", entry.key)]
    fields.extend((f.key, str(f.value)) for f in entry.fields)
    return RawRecord((entry.start_line or 0) + 1, fields)


def _snippet(raw: str) -> str:
    first = raw.strip().splitlines()[0] if raw.strip() else ""
    return repr(first[:60])
