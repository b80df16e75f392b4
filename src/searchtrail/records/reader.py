"""Reading one export file: its encoding, its format (told from its content), its records.

Formats, by the name used in the search log's ``format:`` (normally left out):

| name | what it is |
| --- | --- |
| ``ris`` | RIS from any database or reference manager (Ovid, EBSCOhost, Scopus, Web of |
|  | Science, ProQuest, Embase, Lens, Dimensions, JSTOR, IEEE, EndNote, Zotero, ...) |
| ``nbib`` | PubMed / MEDLINE format, and ERIC's records in its tags (``OWN - ERIC``) |
| ``proquest-text`` | ProQuest plain text ("Report Information from ProQuest") |
| ``ovid-text`` | Ovid's fielded display text ("Ovid MEDLINE(R)", records ``<1>``) |
| ``ovid-direct`` | Ovid's tagged "Direct Export" (Citavi, EndNote: ``<1. >``, ``VN  - Ovid``) |
| ``cochrane-text`` | Cochrane Library plain text (CENTRAL, CDSR: ``Record #1 of 25``) |
| ``refworks`` | RefWorks tagged format (``RT Journal Article``, ``A1``, ``T1``, ...) |
| ``wos`` | Web of Science plain text (``.txt``, ``.ciw``, ``.isi``) |
| ``refer`` | EndNote tagged export (``%T``, ``%A``, ...) |
| ``bibtex`` | BibTeX |
| ``endnote-xml`` | EndNote XML, also from Zotero and Mendeley |
| ``pubmed-xml`` | PubMed / MEDLINE XML (``<PubmedArticleSet>``: PubMed's XML download, efetch) |
| ``europepmc`` | Europe PMC search results, XML (``<responseWrapper>``) or JSON |
| ``csl-json`` | CSL-JSON (Zotero's and Mendeley's "CSL JSON" export) |
| ``wos-tab`` | Web of Science tab-delimited |
| ``scopus-csv``, ``embase-csv``, ``pubmed-csv``, ``zotero-csv`` | those exporters' CSV |
| ``wos-excel``, ``lens-csv``, ``dimensions-csv``, ``openalex-csv``, ``pop-csv`` | Web of |
|  | Science's Excel export, Lens, Dimensions, OpenAlex, Publish or Perish tables |
|  | (:mod:`searchtrail.records.vendor_tables`) |
| ``ctgov-csv``, ``ictrp-csv`` | ClinicalTrials.gov and WHO ICTRP tables |
|  | (:mod:`searchtrail.records.registers`) |
| ``ictrp-xml``, ``ctgov-json`` | WHO ICTRP XML, ClinicalTrials.gov JSON |
|  | (:mod:`searchtrail.records.register_documents`) |
| ``csv`` | any other CSV or TSV, with columns named as in :mod:`searchtrail.records.fields` |
| ``json-table`` | a JSON array of flat objects whose keys name known columns, read as a |
|  | table (:mod:`searchtrail.records.json_table`); its format is the table's layout |

A table may also be a workbook (``.xlsx``, ``.xls``, ``.ods``) whose sheet holds it
(:mod:`searchtrail.records.workbook`); its format is the table's layout.

Every record in a file is read or reported (file, line, what is wrong); a file the readers
cannot use stops the import:

- a binary file (a ZIP archive, an Excel or Word file, a PDF, a gzip file) is named for
  what it is before any decoding is tried (:func:`binary_kind`), unless it is a workbook
  whose sheet holds a table of records;
- the format is told from the file's structure, looked for in its first 64 KB and 500
  lines, not from its first line alone, and past them when those hold only a database's
  preamble (a search strategy of any length) (:func:`detect_format`);
- a format named in the search log that the content contradicts (``format: nbib`` on a RIS
  file) stops the import, naming the format the content shows;
- a reader that finds no record in a file whose content shows another format's records
  stops the import;
- a record with no field besides its type (``TY  - JOUR`` then ``ER  -``) cannot be
  counted, screened or deduplicated: it is reported as a record that cannot be read;
- a table's row that gives no title, authors, year or identifier is reported likewise, and a
  table none of whose rows gives one stops the import naming its columns
  (:func:`_check_table_rows`).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Final

from searchtrail.decoding import composed, decode, split_lines, utf8_body
from searchtrail.errors import Problem, ReviewError, show_value
from searchtrail.records import columnar, csv_bytes
from searchtrail.records.bibtex import read_bibtex
from searchtrail.records.csl_json import looks_like_csl_json, read_csl_json
from searchtrail.records.delimited import (
    PROFILES,
    header_index,
    read_table,
    read_table_bytes,
    read_table_columns,
    same_cells,
    table_header,
)
from searchtrail.records.endnote_xml import declared_encoding, decode_declared, read_endnote_xml
from searchtrail.records.europepmc import looks_like_europepmc, read_europepmc
from searchtrail.records.fields import source_names, standardiser
from searchtrail.records.json_table import first_item_keys, looks_like_json_table, read_json_table
from searchtrail.records.model import ParsedFile, RawRecord
from searchtrail.records.plaintext import (
    detect_plaintext,
    read_cochrane_text,
    read_ovid_direct,
    read_ovid_text,
    read_proquest_text,
    read_refworks,
)
from searchtrail.records.pubmed_xml import looks_like_pubmed_xml, read_pubmed_xml
from searchtrail.records.register_documents import (
    read_ctgov_json,
    read_ictrp_xml,
    register_document,
)
from searchtrail.records.ris import line_parser, read_ris
from searchtrail.records.tagged import read_nbib, read_refer, read_wos
from searchtrail.records.workbook import holds_records, read_workbook

Reader = Callable[..., ParsedFile]

_READERS: Final[dict[str, Reader]] = {
    "ris": read_ris,
    "nbib": read_nbib,
    "wos": read_wos,
    "refer": read_refer,
    "bibtex": read_bibtex,
    "endnote-xml": read_endnote_xml,
    "pubmed-xml": read_pubmed_xml,
    "europepmc": read_europepmc,
    "csl-json": read_csl_json,
    "ictrp-xml": read_ictrp_xml,
    "ctgov-json": read_ctgov_json,
    "proquest-text": read_proquest_text,
    "ovid-text": read_ovid_text,
    "ovid-direct": read_ovid_direct,
    "cochrane-text": read_cochrane_text,
    "refworks": read_refworks,
    "json-table": read_json_table,
    **dict.fromkeys(PROFILES, read_table),
    "tsv": read_table,
}
FORMATS: Final = tuple(sorted(_READERS))

HEAD_CHARACTERS: Final = 65536
HEAD_LINES: Final = 500
"""How much of a file its format is told from."""

# A PubMed record, or an ERIC record in the same tags (ERIC records have no PMID line).
_NBIB_LINE: Final = re.compile(r"^(?:PMID- |OWN - ERIC\b)", re.MULTILINE)
_NBIB_TAG: Final = re.compile(r"^[A-Z][A-Z0-9]{1,3} {0,3}- ")
# What may stand before a RIS file's first tag line, or a PubMed file's first PMID line: a
# provider's header ("Provider: JSTOR"), Ovid's record numbers ("1.", "<1>") and its search
# strategy ("Database: Ovid MEDLINE(R) <1946 to ...>", "Search Strategy:", a rule of dashes,
# "1     parent training.mp. (1234)"). Written so that it never crosses a line break: the
# same pattern checks one stripped line and scans a whole text for the preamble's end.
_SPACE: Final = r"[^\S\r\n]"  # whitespace other than a line break
_LINE_END: Final = r"(?=[\r\n]|\Z)"
# Lines told by how they begin (the rest of the line is free) and lines that are all pattern.
_PREAMBLE_OPENING: Final = rf"[A-Z][\w ()<>/.,&'-]{{0,60}}:(?:{_SPACE}|{_LINE_END})|\d+{_SPACE}+\S"
_PREAMBLE_WHOLE: Final = r"<?\d+>?\.?|[-=*_~]{3,}"
_RIS_PREAMBLE: Final = re.compile(rf"(?:{_PREAMBLE_OPENING}|(?:{_PREAMBLE_WHOLE})$)")
"""One stripped line of a database's preamble (use with ``match``)."""
_PAST_PREAMBLE: Final = re.compile(
    rf"[\r\n]{_SPACE}*(?!{_PREAMBLE_OPENING}|(?:{_PREAMBLE_WHOLE}){_SPACE}*{_LINE_END})(?=\S)"
)
"""The line break before the first non-blank line that is not a preamble line: one compiled
search, a second or two per 300 MB of preamble, run only on files whose first 64 KB (500
lines) are all preamble."""
_LINE_BREAK: Final = re.compile(r"\r\n|\r|\n")
_WOS_START: Final = re.compile(r"^(FN |VR |PT [A-Z]\b)")
_BIBTEX_ENTRY: Final = re.compile(r"^\s*@\w+\s*[{(]", re.MULTILINE)
_REFER_LINE: Final = re.compile(r"^%[0-9A-Z@+!#$&()*\-] ")

LOOKED_FOR: Final = (
    "RIS tag lines ('TY  - ', 'AU  - ', ..., 'ER  - '), PubMed tags ('PMID- '), Web of "
    "Science tags (FN, PT, ..., ER), EndNote % tags (%0, %T, ...), BibTeX entries "
    "(@article{...}), EndNote XML <record>s, PubMed XML <PubmedArticle>s, Europe PMC "
    "<result>s (XML or JSON), a CSL-JSON array of items, ProQuest's 'Document N of M' text, Ovid's "
    "fielded text or tagged export ('<1. >', 'VN  - Ovid Technologies'), Cochrane's "
    "'Record #N of M' text, RefWorks tags (RT, A1, T1, ...), "
    "ICTRP's <Trial>s, ClinicalTrials.gov's JSON studies, a JSON array of objects whose keys "
    "name known columns, "
    "or a table whose header names known columns "
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
    "pubmed-xml": "PubMed XML",
    "europepmc": "Europe PMC search results (XML or JSON)",
    "csl-json": "CSL-JSON",
    "proquest-text": "ProQuest plain text",
    "ovid-text": "Ovid's fielded display text",
    "ovid-direct": "Ovid's tagged export (Direct Export)",
    "cochrane-text": "Cochrane Library plain text",
    "refworks": "RefWorks tagged text",
    "csv": "a table (CSV/TSV)",
    "json-table": "a JSON array of objects read as a table",
    "workbook": "a workbook (.xlsx, .xls, .ods) holding a table of records",
    "ictrp-xml": "WHO ICTRP XML",
    "ctgov-json": "ClinicalTrials.gov JSON",
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
    "pubmed-xml": frozenset({"PublicationType", "Language", "PublicationStatus"}),
    "europepmc": frozenset({"id", "source", "pubType", "pubTypeList/pubType", "isOpenAccess"}),
    "csl-json": frozenset({"type", "id", "citation-key"}),
    "proquest-text": frozenset({"Database", "Last updated", "Copyright", "Links"}),
    "ovid-text": frozenset({"Record Owner", "Status", "Entry Date", "Update Date"}),
    "ovid-direct": frozenset({"VN", "DB", "PT", "EM", "DD", "DC", "CR"}),
    "cochrane-text": frozenset({"PT"}),
    "refworks": frozenset({"RT", "SR"}),
    "endnote-xml": frozenset(
        {"ref-type", "ref-type@name", "rec-number", "foreign-keys/key", "database", "source-app"}
    ),
}


def _family(format_name: str) -> str:
    table = format_name in PROFILES or format_name in ("tsv", "json-table")
    return "csv" if table else format_name


def detect_format(text: str) -> str | None:
    """The format of an export, told from its structure in its first 64 KB and 500 lines
    (and past them when those hold only a database's preamble); None when no reader can
    claim it.

    RIS: a ``TY`` or bare ``ER`` line, and either only a provider's header, Ovid's numbers
    or its search strategy before the first tag line, or tag lines on at least half of the
    lines (a record that lost its ``TY``, an unknown header). PubMed: a ``PMID-`` line, and
    before the first PubMed tag line only such a preamble, or PubMed's tag and continuation
    lines on at least half of the lines. Web of Science and EndNote tagged text: the first
    line is one of their tag lines. A table: a header naming a known column, or rows with as
    many cells as the header (:func:`same_cells`), never a header that is a line of a search
    strategy.

    A preamble does not hide the records after it, however long it is: when every line of
    the window is a preamble line and the file goes on, the first line after the preamble
    is found in the whole text (one compiled search) and, if RIS or PubMed records start
    there, that is the format.
    """
    window = _Window(text, 0)
    if not window.whole and window.preamble_only():
        start = _after_preamble(text)
        if start is not None:
            later = _detect_window(_Window(text, start))
            if later in ("ris", "nbib", "ovid-text", "ovid-direct"):
                return later
    return _detect_window(window)


class _Window:
    """The part of ``text`` from ``start`` that a format is told from: at most
    :data:`HEAD_CHARACTERS` characters and :data:`HEAD_LINES` lines."""

    def __init__(self, text: str, start: int) -> None:
        self.head = text[start : start + HEAD_CHARACTERS]
        every = split_lines(self.head)
        self.examined = min(len(every), HEAD_LINES)
        self.complete = len(text) - start <= HEAD_CHARACTERS
        self.whole = self.complete and len(every) <= HEAD_LINES
        # The character limit cut the last line (it may be the start of a record).
        self.cut = not self.complete and len(every) <= HEAD_LINES
        # (line number in the window, line) of the non-blank lines.
        self.numbered = [
            (number, line)
            for number, line in enumerate(every[:HEAD_LINES], start=1)
            if line.strip()
        ]
        self.lines = [line for _, line in self.numbered]

    def preamble_only(self) -> bool:
        """Whether every non-blank line is a preamble line; a last line the character limit
        cut off is left out (it may be the start of a record)."""
        lines = self.lines[:-1] if self.cut else self.lines
        return bool(lines) and all(_RIS_PREAMBLE.match(line.strip()) for line in lines)


def _after_preamble(text: str) -> int | None:
    """Where the first non-blank line that is not a preamble line starts, or None when the
    text holds nothing else (the first line is known to be a preamble line)."""
    found = _PAST_PREAMBLE.search(text)
    return found.start() + 1 if found else None


def _detect_window(window: _Window) -> str | None:
    head, lines = window.head, window.lines
    stripped = head.lstrip()
    structured = _structured(head)
    if structured is not None:
        return structured
    if stripped.startswith(("<?xml", "<xml")) and "<record" in head:
        return "endnote-xml"
    first = lines[0] if lines else ""
    ris = _ris_structure(lines)
    if ris == "clear":
        return "ris"
    nbib = _nbib_structure(lines, head)
    if nbib == "clear":
        return "nbib"
    plain = detect_plaintext(lines)
    if plain is not None:
        return plain
    if _WOS_START.match(first):
        return "wos"
    if _REFER_LINE.match(first):
        return "refer"
    if table_header(lines):
        return "csv"
    if ris == "likely":
        return "ris"
    if nbib == "likely":
        return "nbib"
    if _BIBTEX_ENTRY.search(head):
        return "bibtex"
    if header_index(lines) is not None:
        return "csv"  # a header below a database's note or search query (Embase)
    if same_cells(head, complete=window.complete, rows=HEAD_LINES):
        return "csv"
    return None


def _structured(head: str) -> str | None:
    """PubMed XML, Europe PMC results (XML or JSON) or CSL-JSON, told by their markup."""
    if looks_like_pubmed_xml(head):
        return "pubmed-xml"
    if looks_like_europepmc(head):
        return "europepmc"
    if looks_like_csl_json(head):
        return "csl-json"
    register = register_document(head)
    if register is not None:
        return register
    return "json-table" if looks_like_json_table(head) else None


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


def _nbib_structure(lines: list[str], head: str) -> str | None:
    """ "clear" when non-blank ``lines`` are PubMed records (a ``PMID-`` line in ``head``)
    with nothing before the first PubMed tag line but a database's preamble (as for RIS),
    "likely" when PubMed tag and continuation lines make up half of them, None otherwise."""
    if not _NBIB_LINE.search(head):
        return None
    first = next((index for index, line in enumerate(lines) if _NBIB_TAG.match(line)), None)
    if first is None:
        return None
    if all(_RIS_PREAMBLE.match(line.strip()) for line in lines[:first]):
        return "clear"
    tagged = sum(1 for line in lines if _NBIB_TAG.match(line) or line.startswith("      "))
    return "likely" if tagged * 2 >= len(lines) else None


def _not_told(text: str) -> tuple[int, str, str]:
    """Why :func:`detect_format` found no format: (line, what was found, what to do)."""
    expected = (
        f"one of the formats {', '.join(FORMATS)}; name it with 'format:' in the export entry "
        "of the search log"
    )
    keys = first_item_keys(text[:HEAD_CHARACTERS])
    if keys is not None:
        shown = ", ".join(repr(key) for key in keys[:12]) + (", ..." if len(keys) > 12 else "")
        return (
            1,
            "the format cannot be told from the file's content: it is a JSON array of objects, "
            "but not CSL-JSON (no CSL item type, name list or date), Europe PMC or "
            "ClinicalTrials.gov results, and its first object's keys "
            f"({shown}) name fewer than two columns searchtrail knows (title, authors, year, "
            "doi, journal, ...)",
            "an export searchtrail reads: export the records as RIS, PubMed, BibTeX, EndNote "
            "XML, CSL-JSON or CSV, or name the keys as a table's columns",
        )
    window = _Window(text, 0)
    if window.lines and window.preamble_only():
        start = None if window.whole else _after_preamble(text)
        preamble = (
            "a database's preamble (a search strategy, numbered lines, lines such as "
            "'Database: ...')"
        )
        if start is None:
            return (
                1,
                f"the format cannot be told from the file's content: it holds only {preamble} "
                "and no record",
                "records after the search strategy: export the search again with its records "
                "(or, if it found none, name 'format: ris' for this file)",
            )
        after = _line_number(text, start)
        shown = show_value(split_lines(text[start : start + 200])[0])
        return (
            after,
            f"the format cannot be told from the file's content: lines 1-{after - 1} are "
            f"{preamble}, and line {after} after it, {shown}, does not begin a RIS record "
            "('TY  - ') or a PubMed record ('PMID- ')",
            expected,
        )
    for index, (number, line) in enumerate(window.numbered):
        if line.startswith(("TY  - ", "PMID- ")):
            # The first line before the first record that is neither preamble nor a tag line.
            odd = next(
                (
                    (odd_number, odd_line)
                    for odd_number, odd_line in window.numbered[:index]
                    if not _RIS_PREAMBLE.match(odd_line.strip()) and not _NBIB_TAG.match(odd_line)
                ),
                None,
            )
            if odd is None:
                break
            return (
                odd[0],
                f"the format cannot be told from the file's content: line {odd[0]}, "
                f"{show_value(odd[1])}, stands before the first record (line {number}, "
                f"{show_value(line)}) and is neither a tag line nor a line of a database's "
                "preamble (a header such as 'Database: ...', a search strategy, numbered lines)",
                "the records' tag lines from the first line on, after at most a database's "
                "preamble: remove the lines before the first record, or name the format with "
                "'format:' in the export entry of the search log",
            )
    return (
        1,
        "the format cannot be told from the file's content: its first "
        f"{window.examined} lines hold none of {LOOKED_FOR}",
        expected,
    )


def _line_number(text: str, offset: int) -> int:
    return sum(1 for _ in _LINE_BREAK.finditer(text, 0, offset)) + 1


def read_export(
    path: Path,
    name: str,
    *,
    format_name: str | None = None,
    encoding: str | None = None,
    columns: Mapping[str, str] | None = None,
    by_column: bool = False,
) -> ParsedFile:
    """Read the export at ``path``; ``name`` is how reports name it (its path in the review).
    ``columns`` is the search log's mapping of a table's columns to standard fields (see
    :func:`~searchtrail.records.fields.standardise`): a table's rows are checked with it
    (:func:`_check_table_rows`). With ``by_column``, a RIS, MEDLINE or Web of Science file
    of its format's plain shape is read column by column (:mod:`~searchtrail.records.columnar`:
    the result holds its records in ``columns``).

    Raises :class:`ReviewError` when the file cannot be decoded, its format cannot be told,
    a named format is unknown or contradicted by the content, or the format read finds no
    record in content that shows another format's records.
    """
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ReviewError(
            [Problem.of_file(name, "a readable file", f"cannot read the file: {error}")]
        ) from error
    workbook = read_workbook(data, file=name)
    if workbook is not None:
        return _check_table_rows(_from_workbook(workbook, name, format_name), columns)
    binary = binary_kind(data)
    if binary is not None:
        what, advice = binary
        raise ReviewError(
            [
                Problem(
                    name,
                    1,
                    None,
                    None,
                    show_value(data[:4].decode("latin-1")),
                    f"a text export: {advice}",
                    f"the file is {what}, not a text export (it begins with that format's "
                    "signature)",
                )
            ]
        )
    split_tried = False  # whether the column reader found the UTF-8 text beyond the plain shape
    if by_column and encoding is None and not columns:
        from_bytes, split_tried = _by_column(data, name, format_name)
        if from_bytes is not None:
            return from_bytes
    # An XML declaration names the encoding, unless the log does (or says it is not XML).
    xml = encoding is None and format_name in (
        None,
        "endnote-xml",
        "pubmed-xml",
        "europepmc",
        "ictrp-xml",
    )
    declared = declared_encoding(data) if xml else None
    notes: list[str] = []
    if declared:
        text, used, notes = decode_declared(data, declared, file=name)
    else:
        text, used = decode(data, file=name, encoding=encoding)
    del data  # the text is what is read from here on (a large export is held once)
    seen = detect_format(text)
    chosen = format_name or seen
    if chosen is None:
        line, message, expected = _not_told(text)
        raise ReviewError([Problem(name, line, None, None, None, expected, message)])
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
    if (
        by_column
        and not columns
        and chosen in columnar.FORMATS
        and not (split_tried and used.startswith("utf-8"))
    ):
        found = columnar.split(text.encode(), chosen)
        if found is not None and len(found):
            return ParsedFile(
                name, chosen, used, [], len(found), [], notes + found.notes, columns=found
            )
    as_json = seen == "json-table" and _family(chosen) == "csv"
    if by_column and not columns and chosen in ("csv", "tsv") and not as_json:
        table = read_table_columns(text, file=name, encoding=used)  # its header tells its kind
        if table is not None:
            table.notes[:0] = notes
            return table
    parsed = (read_json_table if as_json else _READERS[chosen])(text, file=name, encoding=used)
    if chosen in PROFILES and chosen not in ("csv", parsed.format):
        parsed.format = chosen  # the search log's word wins over the table's header
    parsed.notes[:0] = notes
    if not parsed.records and not parsed.failures and seen and _family(seen) != _family(chosen):
        raise _contradicted(name, chosen, seen, read_nothing=True)
    _set_aside_type_only(parsed)
    return _check_table_rows(parsed, columns)


def _by_column(data: bytes, name: str, format_name: str | None) -> tuple[ParsedFile | None, bool]:
    """:func:`read_export` of a line-tagged export in UTF-8, read column by column from its
    bytes a piece at a time (:func:`~searchtrail.records.columnar.split`), its format told
    from its first megabyte (where the whole text tells it as its head does: that head is
    far longer than the window a format is told from, and not all a preamble) and the one
    the search log names, if it names one; None where the whole text is to be read (which
    also says why a named format is not the one the file shows), and whether the column
    reader was tried on the file (a UTF-8 file it does not take need not be tried again
    once decoded whole)."""
    utf8 = utf8_body(data)
    if utf8 is None:
        return None, False
    body, used = utf8
    cut = body.find(b"\n", _HEAD_BYTES) + 1 if len(body) > _HEAD_BYTES else 0
    try:
        head = composed((body[:cut] if cut else body).decode("utf-8"))
    except UnicodeDecodeError:
        return None, False
    if cut and (len(head) <= 2 * HEAD_CHARACTERS or _Window(head, 0).preamble_only()):
        return None, False
    seen = detect_format(head)
    if seen in csv_bytes.FORMATS and format_name in (None, seen):
        return read_table_bytes(body, head, cut or len(body), file=name, encoding=used), False
    del head
    if seen not in columnar.FORMATS or format_name not in (None, seen):
        return None, False
    found = columnar.split(body, seen)
    if found is None or not len(found):
        return None, True
    return ParsedFile(name, seen, used, [], len(found), [], found.notes, columns=found), True


_HEAD_BYTES: Final = 1 << 20
"""How much of a large export read column by column its format is told from."""


_EXPORT_AGAIN: Final = (
    "export the records from the database or reference manager as RIS (or PubMed .nbib, "
    "BibTeX, EndNote XML, CSV) and name that file in the search log"
)
_SIGNATURES: Final = (
    (b"%PDF-", "a PDF document", _EXPORT_AGAIN),
    (b"\x1f\x8b", "a gzip-compressed file", "decompress it (gunzip) and name the export inside"),
    (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        "an old Microsoft Office file (an Excel .xls or Word .doc)",
        "save the sheet as CSV (UTF-8), or " + _EXPORT_AGAIN,
    ),
    (b"Rar!\x1a\x07", "a RAR archive", "unpack it and name the export inside"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive", "unpack it and name the export inside"),
    (b"\xfd7zXZ\x00", "an xz-compressed file", "decompress it and name the export inside"),
    (b"SQLite format 3\x00", "an SQLite database (a reference manager's library)", _EXPORT_AGAIN),
    (b"\x89PNG\r\n\x1a\n", "a PNG image", _EXPORT_AGAIN),
    (b"\xff\xd8\xff", "a JPEG image", _EXPORT_AGAIN),
)
_ZIP_SIGNATURES: Final = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_ZIP_DOCUMENTS: Final = (
    ("xl/", "an Excel workbook (.xlsx, a ZIP archive)", "save the sheet as CSV (UTF-8), or "),
    ("word/", "a Word document (.docx, a ZIP archive)", ""),
    ("ppt/", "a PowerPoint file (.pptx, a ZIP archive)", ""),
)
_EXPORT_SUFFIXES: Final = (
    ".ris", ".nbib", ".txt", ".ciw", ".isi", ".bib", ".xml", ".csv", ".tsv", ".json",
)  # fmt: skip


def binary_kind(data: bytes) -> tuple[str, str] | None:
    """What a binary file is, told by its signature (its first bytes), and what to do
    instead; None for anything else. A ZIP archive is looked into: Excel and Word files are
    ZIP archives, and an archive may hold the export itself. A workbook whose sheet holds a
    table of records (:mod:`searchtrail.records.workbook`) is an export, and None."""
    if holds_records(data):
        return None
    for signature, what, advice in _SIGNATURES:
        if data.startswith(signature):
            return what, advice
    if data.startswith(b"BZh") and data[4:10] == b"1AY&SY":
        return "a bzip2-compressed file", "decompress it and name the export inside"
    if not data.startswith(_ZIP_SIGNATURES):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return (
            "a ZIP archive (or an Excel/Word file, which are ZIP archives)",
            _EXPORT_AGAIN,
        )
    for folder, what, advice in _ZIP_DOCUMENTS:
        if any(name.startswith(folder) for name in names):
            return what, advice + _EXPORT_AGAIN
    exports = [name for name in names if name.lower().endswith(_EXPORT_SUFFIXES)]
    if exports:
        shown = ", ".join(repr(name) for name in exports[:3])
        more = f" and {len(exports) - 3} more" if len(exports) > 3 else ""
        return (
            f"a ZIP archive holding {shown}{more}",
            "unzip it and name the export(s) inside in the search log",
        )
    return "a ZIP archive", _EXPORT_AGAIN


def _from_workbook(parsed: ParsedFile, name: str, format_name: str | None) -> ParsedFile:
    """A workbook's records, checked against the format the search log names (a table's
    layout, or ``csv``; any other format is contradicted by the workbook)."""
    if format_name is not None and format_name not in _READERS:
        raise ReviewError(
            [
                Problem(
                    name,
                    None,
                    None,
                    "format",
                    repr(format_name),
                    f"one of {', '.join(FORMATS)}",
                    f"unknown format {format_name!r}",
                )
            ]
        )
    if format_name is not None and _family(format_name) != "csv":
        raise _contradicted(name, format_name, "workbook")
    if format_name in PROFILES and format_name != "csv":
        parsed.format = format_name  # the search log's word wins over the table's header
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


_USABLE: Final = ("title", "authors", "year", "doi", "pmid", "ids")
"""Standard fields of which a table's row must give one to be a record."""


def _check_table_rows(parsed: ParsedFile, columns: Mapping[str, str] | None) -> ParsedFile:
    """A table's rows checked by what their columns give (with the log's ``columns``): a row
    that gives no title, authors, year or identifier is a record that cannot be read, and a
    table none of whose rows gives one is refused, naming its columns (a header not
    understood, or a file that is not a table of records); when most rows give no title, the
    notes say so and name the columns."""
    if _family(parsed.format) != "csv" or not parsed.records:
        return parsed
    kept: list[RawRecord] = []
    unusable: list[RawRecord] = []
    untitled = 0
    titles, caseless = source_names(parsed.format, "title", columns)
    standardise = standardiser(parsed.format, columns)
    for record in parsed.records:
        if any(
            (tag.lower() if caseless else tag) in titles and value.strip()
            for tag, value in record.fields
        ):
            kept.append(record)  # a title: no need to standardise the row to know
            continue
        standard = standardise(record.fields)
        untitled += not standard["title"]
        (kept if any(standard[name] for name in _USABLE) else unusable).append(record)
    names = list(dict.fromkeys(tag for record in parsed.records for tag, _ in record.fields))
    shown = ", ".join(repr(name[:40]) for name in names[:12]) + (", ..." if len(names) > 12 else "")
    advice = (
        "a header naming columns searchtrail knows (title, authors, year, doi, journal, ...), "
        "or 'columns:' in the export entry of the search log naming the column of each field "
        "(title: ..., authors: ..., year: ...)"
    )
    if not kept:
        raise ReviewError(
            [
                Problem(
                    parsed.file,
                    parsed.records[0].line,
                    None,
                    None,
                    None,
                    advice,
                    f"none of the table's {len(parsed.records)} rows gives a title, authors, "
                    f"a year or an identifier: its columns ({shown}) are not ones searchtrail "
                    "understands, or the file is not a table of records",
                )
            ]
        )
    for record in unusable:
        filled = sorted({tag for tag, value in record.fields if value.strip()})
        parsed.failures.append(
            Problem(
                parsed.file,
                record.line,
                f"row at line {record.line}",
                None,
                None,
                "a row with a title, authors, a year or an identifier",
                "the row gives no title, authors, year or identifier (its filled columns: "
                f"{', '.join(repr(tag[:40]) for tag in filled[:8]) or 'none'}); it cannot be "
                "counted, screened or deduplicated",
            )
        )
    parsed.records[:] = kept
    if untitled * 2 > len(kept) + len(unusable):
        parsed.notes.append(
            f"{untitled} of the table's {len(kept) + len(unusable)} rows give no title: the "
            f"columns of its header ({shown}) may not be understood; name the title's column "
            "with 'columns:' in the export entry of the search log (title: ...)"
        )
    return parsed
