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
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Final

from searchtrail.decoding import decode
from searchtrail.errors import Problem, ReviewError
from searchtrail.records.bibtex import read_bibtex
from searchtrail.records.delimited import PROFILES, read_table
from searchtrail.records.endnote_xml import read_endnote_xml
from searchtrail.records.model import ParsedFile
from searchtrail.records.ris import read_ris
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

_RIS_LINE: Final = re.compile(r"^TY  -", re.MULTILINE)
_NBIB_LINE: Final = re.compile(r"^PMID- ", re.MULTILINE)
_NBIB_TAG: Final = re.compile(r"^[A-Z][A-Z0-9]{1,3} {0,3}- ")
# What may stand before a RIS file's first TY line: a provider's header ("Provider: JSTOR")
# or Ovid's record numbers ("1.").
_RIS_PREAMBLE: Final = re.compile(r"^(?:[A-Z][A-Za-z ]{0,30}: .*|\d+\.)$")
_WOS_START: Final = re.compile(r"^(FN |VR |PT [A-Z]\b)")
_BIBTEX_ENTRY: Final = re.compile(r"^\s*@\w+\s*[{(]", re.MULTILINE)
_REFER_LINE: Final = re.compile(r"^%[0-9A-Z@+!#$&()*\-] ")


def detect_format(text: str) -> str | None:
    """The format of an export, told from its first lines; None when it cannot be told."""
    head = text[:65536]
    stripped = head.lstrip()
    if stripped.startswith(("<?xml", "<xml")) and "<record" in head:
        return "endnote-xml"
    first = next((line for line in head.splitlines() if line.strip()), "")
    ris = _RIS_LINE.search(head)
    if ris:
        # A TY line counts only where the file starts with it (after a provider's header or
        # Ovid's numbers): a cell of a CSV file may hold one too.
        before = [line.strip() for line in head[: ris.start()].splitlines() if line.strip()]
        if all(_RIS_PREAMBLE.match(line) for line in before):
            return "ris"
    if _NBIB_TAG.match(first) and _NBIB_LINE.search(head):
        return "nbib"
    if _WOS_START.match(first):
        return "wos"
    if _BIBTEX_ENTRY.search(head):
        return "bibtex"
    if _REFER_LINE.match(first):
        return "refer"
    if any(mark in first for mark in ("\t", ",", ";")):
        return "csv"
    return None


def read_export(
    path: Path, name: str, *, format_name: str | None = None, encoding: str | None = None
) -> ParsedFile:
    """Read the export at ``path``; ``name`` is how reports name it (its path in the review).

    Raises :class:`ReviewError` when the file cannot be decoded, its format cannot be told,
    or a named format is unknown.
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
    text, used = decode(data, file=name, encoding=encoding)
    chosen = format_name or detect_format(text)
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
                    "the format cannot be told from the file's content",
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
    parsed = _READERS[chosen](text, file=name, encoding=used)
    if chosen in PROFILES and chosen not in ("csv", parsed.format):
        parsed.format = chosen  # the search log's word wins over the table's header
    return parsed
