"""Reading one export file: its encoding, its format (told from its content), its records.

Formats, by the name used in the search log's ``format:`` (normally left out):

| name | what it is |
| --- | --- |
| ``ris`` | RIS from any database or reference manager (Ovid, EBSCOhost, Scopus, Web of |
|  | Science, ProQuest, Embase, Lens, Dimensions, JSTOR, IEEE, EndNote, Zotero, ...) |
| ``nbib`` | PubMed / MEDLINE format |
| ``wos`` | Web of Science plain text (``.txt``, ``.ciw``, ``.isi``) |
| ``refer`` | EndNote tagged export (``%T``, ``%A``, ...) |
| ``bibtex`` | BibTeX |
| ``endnote-xml`` | EndNote XML, also from Zotero and Mendeley |
| ``wos-tab`` | Web of Science tab-delimited |
| ``scopus-csv``, ``embase-csv``, ``pubmed-csv``, ``zotero-csv`` | those exporters' CSV |
| ``csv`` | any other CSV or TSV, with columns named as in :mod:`searchtrail.records.fields` |

Every record in a file is read or reported (file, line, what is wrong); a file the readers
cannot use stops the import:

- the format is told from the file's structure, looked for in its first 64 KB and 500
  lines, not from its first line alone (:func:`detect_format`);
- a format named in the search log that the content contradicts (``format: nbib`` on a RIS
  file) stops the import, naming the format the content shows;
- a reader that finds no record in a file whose content shows another format's records
  stops the import;
- a record with no field besides its type (``TY  - JOUR`` then ``ER  -``) cannot be
  counted, screened or deduplicated: it is reported as a record that cannot be read.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Final

from searchtrail.decoding import decode, split_lines
from searchtrail.errors import Problem, ReviewError
from searchtrail.records.bibtex import read_bibtex
from searchtrail.records.delimited import PROFILES, known_header, read_table, same_cells
from searchtrail.records.endnote_xml import declared_encoding, decode_declared, read_endnote_xml
from searchtrail.records.model import ParsedFile
from searchtrail.records.ris import line_parser, read_ris
from searchtrail.records.tagged import read_nbib, read_refer, read_wos

Reader = Callable[..., ParsedFile]

_READERS: Final[dict[str, Reader]] = {
    "ris": read_ris,
    "nbib": read_nbib,
    "wos": read_wos,
    "refer": read_refer,
    "bibtex": read_bibtex,
    "endnote-xml": read_endnote_xml,
    **dict.fromkeys(PROFILES, read_table),
    "tsv": read_table,
}
FORMATS: Final = tuple(sorted(_READERS))

HEAD_CHARACTERS: Final = 65536
HEAD_LINES: Final = 500
"""How much of a file its format is told from."""

_NBIB_LINE: Final = re.compile(r"^PMID- ", re.MULTILINE)
_NBIB_TAG: Final = re.compile(r"^[A-Z][A-Z0-9]{1,3} {0,3}- ")
# What may stand before a RIS file's first tag line: a provider's header ("Provider: JSTOR"),
# Ovid's record numbers ("1.", "<1>") and its search strategy ("Database: Ovid MEDLINE(R)
# <1946 to ...>", "Search Strategy:", a rule of dashes, "1     parent training.mp. (1234)").
_RIS_PREAMBLE: Final = re.compile(
    r"^(?:[A-Z][\w ()<>/.,&'-]{0,60}:(?:\s.*)?|<?\d+>?\.?|\d+\s+\S.*|[-=*_~]{3,})$"
)
_WOS_START: Final = re.compile(r"^(FN |VR |PT [A-Z]\b)")
_BIBTEX_ENTRY: Final = re.compile(r"^\s*@\w+\s*[{(]", re.MULTILINE)
_REFER_LINE: Final = re.compile(r"^%[0-9A-Z@+!#$&()*\-] ")

LOOKED_FOR: Final = (
    "RIS tag lines ('TY  - ', 'AU  - ', ..., 'ER  - '), PubMed tags ('PMID- '), Web of "
    "Science tags (FN, PT, ..., ER), EndNote % tags (%0, %T, ...), BibTeX entries "
    "(@article{...}), EndNote XML <record>s, or a table whose header names known columns "
    "(title, authors, year, ...) or whose rows have as many cells as its header"
)
"""What :func:`detect_format` looks for, for messages."""

_NAMES: Final = {
    "ris": "RIS",
    "nbib": "PubMed (MEDLINE) format",
    "wos": "Web of Science plain text",
    "refer": "EndNote tagged (Refer) text",
    "bibtex": "BibTeX",
    "endnote-xml": "EndNote XML",
    "csv": "a table (CSV/TSV)",
}
# Formats told by structure a table cell can also hold now and then: a format named in the
# log is not refused for them, only when it then reads no record.
_LOOSELY_TOLD: Final = frozenset({"csv", "bibtex"})
# Fields that say what a record is but not which publication: a record with nothing else
# cannot be counted, screened or deduplicated.
_TYPE_ONLY: Final[dict[str, frozenset[str]]] = {
    "ris": frozenset({"TY", "ER"}),
    "nbib": frozenset({"PT", "OWN", "STAT"}),
    "wos": frozenset({"PT"}),
    "refer": frozenset({"%0"}),
    "bibtex": frozenset({"ENTRYTYPE", "ID"}),
    "endnote-xml": frozenset(
        {"ref-type", "ref-type@name", "rec-number", "foreign-keys/key", "database", "source-app"}
    ),
}


def _family(format_name: str) -> str:
    return "csv" if format_name in PROFILES or format_name == "tsv" else format_name


def detect_format(text: str) -> str | None:
    """The format of an export, told from its structure in its first 64 KB and 500 lines;
    None when no reader can claim it.

    RIS: a ``TY`` or bare ``ER`` line, and either only a provider's header, Ovid's numbers
    or its search strategy before the first tag line, or tag lines on at least half of the
    lines (a record that lost its ``TY``, an unknown header). PubMed, Web of Science and
    EndNote tagged text: the first line is one of their tag lines. A table: a header naming
    a known column, or rows with as many cells as the header (:func:`same_cells`).
    """
    head = text[:HEAD_CHARACTERS]
    stripped = head.lstrip()
    if stripped.startswith(("<?xml", "<xml")) and "<record" in head:
        return "endnote-xml"
    lines = [line for line in split_lines(head)[:HEAD_LINES] if line.strip()]
    first = lines[0] if lines else ""
    ris = _ris_structure(lines)
    if ris == "clear":
        return "ris"
    if _NBIB_TAG.match(first) and _NBIB_LINE.search(head):
        return "nbib"
    if _WOS_START.match(first):
        return "wos"
    if _REFER_LINE.match(first):
        return "refer"
    if known_header(first):
        return "csv"
    if ris == "likely":
        return "ris"
    if _BIBTEX_ENTRY.search(head):
        return "bibtex"
    if same_cells(head, complete=len(text) <= HEAD_CHARACTERS, rows=HEAD_LINES):
        return "csv"
    return None


def _ris_structure(lines: list[str]) -> str | None:
    """ "clear" when non-blank ``lines`` are RIS records after a known preamble, "likely"
    when they hold RIS records and tag lines make up half of them, None otherwise."""
    parse = line_parser()
    parsed = [parse(line) for line in lines]
    if not any(tag == "TY" or (tag == "ER" and not value) for tag, value in parsed):
        return None
    first = next(index for index, (tag, _) in enumerate(parsed) if tag is not None)
    if all(_RIS_PREAMBLE.match(line.strip()) for line in lines[:first]):
        return "clear"
    tagged = sum(1 for tag, _ in parsed if tag is not None)
    return "likely" if tagged * 2 >= len(lines) else None


def read_export(
    path: Path, name: str, *, format_name: str | None = None, encoding: str | None = None
) -> ParsedFile:
    """Read the export at ``path``; ``name`` is how reports name it (its path in the review).

    Raises :class:`ReviewError` when the file cannot be decoded, its format cannot be told,
    a named format is unknown or contradicted by the content, or the format read finds no
    record in content that shows another format's records.
    """
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ReviewError(
            [
                Problem(
                    name,
                    None,
                    None,
                    None,
                    None,
                    "a readable file",
                    f"cannot read the file: {error}",
                )
            ]
        ) from error
    # An XML declaration names the encoding, unless the log does (or says it is not XML).
    xml = encoding is None and format_name in (None, "endnote-xml")
    declared = declared_encoding(data) if xml else None
    notes: list[str] = []
    if declared:
        text, used, notes = decode_declared(data, declared, file=name)
    else:
        text, used = decode(data, file=name, encoding=encoding)
    seen = detect_format(text)
    chosen = format_name or seen
    if chosen is None:
        raise ReviewError(
            [
                Problem(
                    name,
                    1,
                    None,
                    None,
                    None,
                    f"one of the formats {', '.join(FORMATS)}; name it with 'format:' in the "
                    "export entry of the search log",
                    "the format cannot be told from the file's content: its first "
                    f"{HEAD_LINES} lines hold none of {LOOKED_FOR}",
                )
            ]
        )
    if chosen not in _READERS:
        raise ReviewError(
            [
                Problem(
                    name,
                    None,
                    None,
                    "format",
                    repr(chosen),
                    f"one of {', '.join(FORMATS)}",
                    f"unknown format {chosen!r}",
                )
            ]
        )
    if seen and seen not in _LOOSELY_TOLD and _family(seen) != _family(chosen):
        raise _contradicted(name, chosen, seen)
    parsed = _READERS[chosen](text, file=name, encoding=used)
    if chosen in PROFILES and chosen not in ("csv", parsed.format):
        parsed.format = chosen  # the search log's word wins over the table's header
    parsed.notes[:0] = notes
    if not parsed.records and not parsed.failures and seen and _family(seen) != _family(chosen):
        raise _contradicted(name, chosen, seen, read_nothing=True)
    _set_aside_type_only(parsed)
    return parsed


def _contradicted(name: str, chosen: str, seen: str, *, read_nothing: bool = False) -> ReviewError:
    """A format named in the search log that the file's content contradicts."""
    found = "no record in that format was found, and " if read_nothing else ""
    return ReviewError(
        [
            Problem(
                name,
                None,
                None,
                "format",
                repr(chosen),
                f"the file's own format: correct 'format:' to {seen!r} or leave it out (the "
                "format is told from the content), or export the file again in the format named",
                f"the search log names the format {chosen!r}, but {found}the file's content "
                f"is {_NAMES.get(seen, seen)}",
            )
        ]
    )


def _set_aside_type_only(parsed: ParsedFile) -> None:
    """Report records with no field besides their type as records that cannot be read."""
    bookkeeping = _TYPE_ONLY.get(parsed.format)
    if bookkeeping is None:
        return
    kept = []
    for record in parsed.records:
        if any(value.strip() for tag, value in record.fields if tag not in bookkeeping):
            kept.append(record)
            continue
        tags = sorted({tag for tag, value in record.fields if value.strip()}) or ["none"]
        parsed.failures.append(
            Problem(
                parsed.file,
                record.line,
                f"record at line {record.line}",
                None,
                None,
                "a record with a field besides its type: a title, an author, an identifier, ...",
                f"the record holds no field besides its type ({', '.join(tags)}); it cannot be "
                "counted, screened or deduplicated",
            )
        )
    parsed.records[:] = kept
