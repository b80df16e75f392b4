"""Vendors' plain-text displays that are not tag-per-line formats: ProQuest's "Report
Information from ProQuest" text, Ovid's fielded display text and its tagged "Direct Export",
the Cochrane Library's text export (CENTRAL, CDSR), and RefWorks' tagged format.

Each reader keeps every field and value in file order (a value over several lines keeps its
line breaks) and counts the records of a file (``in_file``) by the rule stated in its
docstring, so that a record the rule finds is read or reported, never merged into its
neighbour or dropped. Where the file numbers its records itself ("Document 3 of 12",
"Record #3 of 12") a number the file skips is a record that the export lost: it is counted
and reported as a record that cannot be read, with the lines it should stand between.

:func:`detect_plaintext` tells these formats from a file's first lines.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from typing import Final

from searchtrail.decoding import split_lines
from searchtrail.errors import Problem
from searchtrail.records.model import ParsedFile, RawRecord, line_numbers

# --- ProQuest --------------------------------------------------------------------------

_PROQUEST_HEADER: Final = "Report Information from ProQuest"
_PROQUEST_DOCUMENT: Final = re.compile(r"^\s*Document (\d{1,9}) of (\d{1,9})\s*$")
_RULE: Final = re.compile(r"^\s*_{20,}\s*$")
_TOC_ENTRY: Final = re.compile(r"^\s*\d+\.\s+\S")
PROQUEST_LABELS: Final = frozenset(
    {
        "Author", "Editor", "Contributor", "Publication info", "Abstract", "Translated abstract",
        "Links", "Full text", "Subject", "MeSH subject", "Identifier / keyword",
        "Classification", "Location", "People", "Company / organization", "Title",
        "Alternate title", "Publication title", "Volume", "Issue", "Pages", "First page",
        "Number of pages", "Publication year", "Publication date", "Year", "Section",
        "Publisher", "Place of publication", "Country of publication", "Publication subject",
        "ISSN", "e-ISSN", "ISBN", "e-ISBN", "CODEN", "Source type", "Language of publication",
        "Language of summary", "Document type", "Document feature", "DOI", "PubMed ID",
        "Accession number", "ProQuest document ID", "Document URL", "Copyright",
        "Last updated", "First available", "Database", "Source attribution", "Update",
        "Conference title", "Conference date", "Conference location", "Series title",
        "Degree", "Degree date", "Advisor", "University/institution", "Department", "School code", "Source",
        "Dissertation/thesis number", "Committee member", "Number of references",
        "Age group", "Population", "Methodology", "Tests and measures", "Grant", "Sponsor",
        "Peer reviewed", "Correction date", "Publication note", "Notes", "Credit",
        "Supplemental data", "Illustration", "Dateline", "Language", "University location",
    }
)  # fmt: skip
_PROQUEST_LABEL: Final = re.compile(r"^([A-Za-z][A-Za-z /&()-]{0,40}):(?:\s+(.*))?$")
# Any other "Label: value" line after a blank line, in a field that is not prose, starts a
# field too: ProQuest's labels differ by database (``University location``, ``Degree``, ...).
_PROQUEST_ANY_LABEL: Final = re.compile(r"^([A-Z][A-Za-z /&()-]{1,40}): (\S.*)$")
# Fields of running text, in which a "Results: ..." paragraph is text, not a field; only a
# known label ends them. A record's heading (its title) is one of them.
_PROQUEST_PROSE: Final = frozenset(
    {"Heading", "Abstract", "Translated abstract", "Full text", "Notes", "Publication note"}
)
_BARE_URL: Final = re.compile(r"^https?://\S+$")
_PROQUEST_BIBLIOGRAPHY: Final = "Bibliography"
_PROQUEST_CITATION_STYLE: Final = re.compile(r"^Citation style:\s*(.*)$")


def read_proquest_text(text: str, *, file: str, encoding: str) -> ParsedFile:
    """ProQuest's plain-text export ("Report Information from ProQuest").

    The file opens with a header and a table of contents (numbered titles), which are not
    records; each record starts at its ``Document N of M`` line and ends at the rule of
    underscores after it (or at the next ``Document`` line). A record's first unlabelled
    lines are its heading (the title as ProQuest displays it, kept as ``Heading``); then
    come ``Label: value`` fields (``Title:``, ``Author:``, ``Publication title:``, ...), a
    value running on over the lines, blank ones included, until the next label. A label is
    one of ProQuest's known labels, or any ``Label: value`` line (a capitalised label of
    words, up to 40 characters) after a blank line when the field before it is not running
    text: in a heading, an abstract or a full text only a known label starts a field, so
    that an abstract's "Results: ..." paragraph stays in it. A line holding only an address
    (``http://...``) after a blank line, in a field that is not running text or links, is
    the record's ``URL`` (ProQuest writes the document's link under ``Author:``).

    After the last document ProQuest may write a bibliography of the documents (a
    ``Bibliography`` line, then ``Citation style: ...`` and the citations) and its contact
    and copyright lines: neither is a record, and both are listed in the notes.

    Counting rule: the ``Document N of M`` lines, and every number from 1 to M that none of
    them carries: such a document is missing from the file and is reported as unreadable."""
    lines = split_lines(text)
    records: list[RawRecord] = []
    numbers: list[tuple[int, int, int]] = []  # (number, total, line)
    current: RawRecord | None = None
    toc = 0
    outside: list[int] = []
    bibliography: list[int] = []
    styles: list[str] = []
    in_bibliography = False
    blank_before = False
    for number, line in enumerate(lines, start=1):
        after_blank, blank_before = blank_before, not line.strip()
        document = _PROQUEST_DOCUMENT.match(line)
        if document:
            current = RawRecord(number, [])
            records.append(current)
            numbers.append((int(document.group(1)), int(document.group(2)), number))
            in_bibliography = False
            continue
        if _RULE.match(line):
            current = None
            in_bibliography = False
            continue
        stripped = line.strip()
        if records and stripped == _PROQUEST_BIBLIOGRAPHY and _citation_style(lines, number):
            current = None  # the bibliography of the documents, after the last one
            in_bibliography = True
        if current is None:
            if not records and _TOC_ENTRY.match(line):
                toc += 1
            elif records and stripped:
                (bibliography if in_bibliography else outside).append(number)
                style = _PROQUEST_CITATION_STYLE.match(stripped)
                if in_bibliography and style and style.group(1):
                    styles.append(style.group(1).strip())
            continue
        label = _PROQUEST_LABEL.match(stripped)
        last = current.fields[-1] if current.fields else None
        prose = last is None or last[0] in _PROQUEST_PROSE
        if label and label.group(1) in PROQUEST_LABELS:
            current.fields.append((label.group(1), (label.group(2) or "").strip()))
        elif after_blank and not prose and (other := _PROQUEST_ANY_LABEL.match(stripped)):
            current.fields.append((other.group(1), other.group(2).strip()))
        elif (
            after_blank
            and _BARE_URL.match(stripped)
            and (last is None or last[0] == "Heading" or not _holds_text_or_links(*last))
        ):
            current.fields.append(("URL", stripped))
        elif not current.fields or current.fields[-1][0] == "Heading":
            if stripped:
                current.fields.append(("Heading", stripped))
        else:
            tag, value = current.fields[-1]
            current.fields[-1] = (tag, f"{value}\n{stripped}" if value else stripped)
    for record in records:  # blank lines within a value were kept as breaks; trim its end
        record.fields[:] = [(tag, value.strip()) for tag, value in record.fields]
    failures, notes = _numbering(file, numbers, "Document", "document")
    if toc and numbers and toc != max(total for _, total, _ in numbers):
        notes.append(
            f"the table of contents lists {toc} document(s), the file says it holds "
            f"{max(total for _, total, _ in numbers)}"
        )
    if bibliography:
        named = f" in the citation style {', '.join(dict.fromkeys(styles))}" if styles else ""
        notes.append(
            f"{len(bibliography)} line(s) after the documents skipped (ProQuest's bibliography "
            f"of the documents{named}, not read as records; lines {bibliography[0]}-"
            f"{bibliography[-1]})"
        )
    if outside:
        notes.append(
            f"{len(outside)} line(s) after the documents skipped (ProQuest's contact and "
            f"copyright lines; {line_numbers(outside)})"
        )
    return ParsedFile(
        file, "proquest-text", encoding, records, len(records) + len(failures), failures, notes
    )


def _citation_style(lines: Sequence[str], number: int) -> bool:
    """Whether the first non-blank line after line ``number`` (1-based) names a citation
    style, as the line after ProQuest's ``Bibliography`` heading does."""
    following = (line.strip() for line in lines[number : number + 5])
    return bool(_PROQUEST_CITATION_STYLE.match(next((x for x in following if x), "")))


def _holds_text_or_links(label: str, value: str) -> bool:
    """Whether a ProQuest field runs on over lines that may each be an address: running
    text, a list of links, or a value that is itself an address."""
    return (
        label in _PROQUEST_PROSE
        or label in ("Links", "Document URL", "URL")
        or value.startswith(("http://", "https://"))
    )


_MOST_MISSING: Final = 1000
"""More missing numbers than this are a numbering gone wrong, not lost records."""


def _numbering(
    file: str, numbers: Sequence[tuple[int, int, int]], word: str, what: str
) -> tuple[list[Problem], list[str]]:
    """Records a file numbers ``N of M`` that are missing from it (reported, one problem
    each), and notes on numbers that repeat, run out of order or disagree on M."""
    failures: list[Problem] = []
    notes: list[str] = []
    if not numbers:
        return failures, notes
    totals = sorted({total for _, total, _ in numbers})
    total = totals[-1]
    if len(totals) > 1:
        notes.append(
            f"the {what} numbers disagree on how many there are ({', '.join(map(str, totals))}); "
            f"checked against {total}"
        )
    seen = [n for n, _, _ in numbers]
    repeated = sorted({n for n in seen if seen.count(n) > 1})
    if repeated:
        notes.append(f"{word} number(s) repeated: {', '.join(map(str, repeated[:10]))}")
    if seen != sorted(seen):
        notes.append(f"{word} numbers out of order")
    beyond = sorted({n for n in seen if n > total or n < 1})
    if beyond:
        notes.append(f"{word} number(s) outside 1-{total}: {', '.join(map(str, beyond[:10]))}")
    present = set(seen)
    lines = {n: line for n, _, line in numbers}
    if total - len(present) > _MOST_MISSING:
        notes.append(
            f"the {what} numbers say the file holds {total}, but it holds {len(numbers)}: "
            "too many to be records the export lost, so none is counted as missing"
        )
        return failures, notes
    for missing in range(1, total + 1):
        if missing in present:
            continue
        before = max((n for n in present if n < missing), default=None)
        after = min((n for n in present if n > missing), default=None)
        where = (
            f"between line {lines[before]} ({word.lower()} {before}) and line {lines[after]} "
            f"({word.lower()} {after})"
            if before is not None and after is not None
            else f"after line {lines[before]}"
            if before is not None
            else f"before line {lines[after]}"
            if after is not None
            else "anywhere"
        )
        line = lines[after] if after is not None else lines[before] if before else None
        failures.append(
            Problem(
                file,
                line,
                f"{what} {missing} of {total}",
                None,
                None,
                f"every {what} from 1 to {total}, as the file numbers them: export the records "
                "again",
                f"{what} {missing} of {total} is missing from the file ({where}); it is "
                "counted and cannot be read",
            )
        )
    return failures, notes


# --- Cochrane Library ------------------------------------------------------------------

_COCHRANE_RECORD: Final = re.compile(r"^\s*Record #(\d{1,9}) of (\d{1,9})\s*$")
COCHRANE_TAGS: Final = frozenset(
    {
        "ID", "AU", "TI", "SO", "YR", "VL", "NO", "PG", "XR", "PT", "KY", "DOI", "AB", "US",
        "CC", "EM", "PM", "ED", "PB", "LA", "CT", "SN", "IS", "CR",
    }
)  # fmt: skip
_COCHRANE_TAG: Final = re.compile(r"^([A-Z]{2,3}):(?:\s(.*))?$")


def read_cochrane_text(text: str, *, file: str, encoding: str) -> ParsedFile:
    """The Cochrane Library's plain-text export (CENTRAL trials, including trial-register
    records, and Cochrane Reviews).

    Each record starts at its ``Record #N of M`` line; its fields are ``TAG: value`` lines
    (``ID``, ``AU``, ``TI``, ``SO``, ``YR``, ``VL``, ``NO``, ``PG``, ``XR``, ``PT``, ``KY``,
    ``DOI``, ``AB``, ``US``, ...); a line that is not one of them continues the field
    before it. Lines before the first record are the export's header, skipped.

    Counting rule: the ``Record #N of M`` lines, and every number from 1 to M that none of
    them carries (a record missing from the file, reported as unreadable)."""
    lines = split_lines(text)
    records: list[RawRecord] = []
    numbers: list[tuple[int, int, int]] = []
    current: RawRecord | None = None
    untagged: list[int] = []
    for number, line in enumerate(lines, start=1):
        start = _COCHRANE_RECORD.match(line)
        if start:
            current = RawRecord(number, [])
            records.append(current)
            numbers.append((int(start.group(1)), int(start.group(2)), number))
            continue
        if current is None or not line.strip():
            continue
        tag = _COCHRANE_TAG.match(line.rstrip())
        if tag and tag.group(1) in COCHRANE_TAGS:
            current.fields.append((tag.group(1), (tag.group(2) or "").strip()))
        elif current.fields:
            name, value = current.fields[-1]
            current.fields[-1] = (name, f"{value}\n{line.strip()}")
            if not line.startswith((" ", "\t")):
                untagged.append(number)
        else:
            untagged.append(number)
            current.fields.append(("TI", line.strip()))
    failures, notes = _numbering(file, numbers, "Record", "record")
    if untagged:
        notes.append(f"line(s) without a tag read as continued text ({line_numbers(untagged)})")
    return ParsedFile(
        file, "cochrane-text", encoding, records, len(records) + len(failures), failures, notes
    )


# --- Ovid ------------------------------------------------------------------------------

_OVID_NUMBER: Final = re.compile(r"^(?:<(\d{1,9})>|(\d{1,9})\.)\s*$")
OVID_LABELS: Final = frozenset(
    {
        "Unique Identifier", "Accession Number", "Record Owner", "Status", "Authors",
        "Authors Full Name", "Author", "Institution", "Title", "Source", "Abbreviated Source",
        "Journal Name", "Volume", "Issue", "Page", "Pagination", "Year of Publication",
        "Date of Publication", "Publication Date", "Publication Type", "Language", "Abstract",
        "Keyword Heading", "Keywords", "MeSH Subject Headings", "Subject Headings",
        "Emtree Heading", "Digital Object Identifier", "ISSN", "ISSN Print",
        "ISSN Electronic", "ISSN Linking", "ISBN", "Publisher", "Country of Publication",
        "NLM Journal Code", "Journal Subset", "Entry Date", "Update Date", "Revision Date",
        "Comments", "Database", "Embase Accession Number", "PubMed Identifier",
        "PMCID", "URL", "Digital Object Identifier (DOI)", "Publication History Status",
        "DOI Number", "Author Keywords", "Document Type", "References", "Score",
        "Link to the Ovid Full Text or citation",
    }
)  # fmt: skip


def read_ovid_text(text: str, *, file: str, encoding: str) -> ParsedFile:
    """Ovid's fielded display text (the "Ovid MEDLINE(R)" display saved as text, other
    Ovid databases alike).

    A record starts at its number line (``<1>`` or ``1.``); in it, a line at the left
    margin is a field's label (``Unique Identifier``, ``Title``, ``Authors``, ``Source``,
    ...) and the indented lines below it are its value, one item per line (one author per
    line). The search strategy and the database line before the first record are skipped
    and listed in the notes.

    Counting rule: the record number lines after the search strategy."""
    lines = split_lines(text)
    records: list[RawRecord] = []
    current: RawRecord | None = None
    seen: list[int] = []
    before: list[int] = []
    stray: list[int] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        start = _OVID_NUMBER.match(line)
        if start:
            current = RawRecord(number, [])
            records.append(current)
            seen.append(int(start.group(1) or start.group(2)))
            continue
        if current is None:
            before.append(number)
            continue
        if not line[:1].isspace():
            current.fields.append((line.strip().rstrip(":"), ""))
        elif current.fields:
            label, value = current.fields[-1]
            current.fields[-1] = (label, f"{value}\n{line.strip()}" if value else line.strip())
        else:
            stray.append(number)
    notes = []
    if before:
        notes.append(
            f"{len(before)} line(s) before the first record skipped (the database line and "
            f"search strategy; {line_numbers(before)})"
        )
    if seen and seen != list(range(seen[0], seen[0] + len(seen))):
        notes.append("record numbers do not run one after another")
    if stray:
        notes.append(
            f"indented line(s) before a record's first label skipped ({line_numbers(stray)})"
        )
    return ParsedFile(file, "ovid-text", encoding, records, len(records), [], notes)


# Ovid's tagged export ("Direct Export" to Citavi, EndNote, ...): "<1. >", then tag lines.
_OVID_DIRECT_NUMBER: Final = re.compile(r"^<(\d{1,9})\.\s*>\s*$")
_OVID_DIRECT_TAG: Final = re.compile(r"^([A-Z][A-Z0-9]) {1,2}- ?(.*)$")
_OVID_DIRECT_VERSION: Final = re.compile(r"^VN {1,2}- ?Ovid\b")


def read_ovid_direct(text: str, *, file: str, encoding: str) -> ParsedFile:
    """Ovid's tagged export, written by its "Direct Export" for Citavi or EndNote (``.ovd``,
    ``.cgi``, ``.txt``).

    A record starts at its number line (``<1. >``); its fields are two-letter tag lines,
    ``TAG  - value``, as in RIS but with Ovid's own field labels (``VN`` the version line
    ``Ovid Technologies``, ``DB`` the database, ``UI`` its accession, ``TI``, ``AU``, ``SO``,
    ``YR``, ``AB``, ``DO``, ...) and no ``TY`` or ``ER`` line. Any other non-blank line
    continues the field before it (an institution's indented second line, an abstract's
    next paragraph). Lines before the first record (a search history) are skipped and noted.

    Counting rule: the record number lines. A number line with no tag line after it is a
    record that cannot be read, reported with its line."""
    lines = split_lines(text)
    records: list[RawRecord] = []
    failures: list[Problem] = []
    current: RawRecord | None = None
    seen: list[int] = []
    before: list[int] = []
    untagged: list[int] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        start = _OVID_DIRECT_NUMBER.match(line)
        if start:
            current = RawRecord(number, [])
            records.append(current)
            seen.append(int(start.group(1)))
            continue
        if current is None:
            before.append(number)
            continue
        tag = _OVID_DIRECT_TAG.match(line.rstrip())
        if tag:
            current.fields.append((tag.group(1), tag.group(2).strip()))
        elif current.fields:
            name, value = current.fields[-1]
            current.fields[-1] = (name, f"{value}\n{line.strip()}")
        else:
            untagged.append(number)
    empty = [r for r in records if not r.fields]
    records[:] = [r for r in records if r.fields]
    for record in empty:
        failures.append(
            Problem(
                file,
                record.line,
                f"record at line {record.line}",
                None,
                None,
                "Ovid's tag lines (VN, DB, UI, TI, AU, SO, ...) after the record's number",
                "the record's number line has no tag line after it",
            )
        )
    notes = []
    if before:
        notes.append(
            f"{len(before)} line(s) before the first record skipped (the search history; "
            f"{line_numbers(before)})"
        )
    if seen and seen != list(range(seen[0], seen[0] + len(seen))):
        notes.append("record numbers do not run one after another")
    if untagged:
        notes.append(f"line(s) before a record's first tag skipped ({line_numbers(untagged)})")
    return ParsedFile(
        file, "ovid-direct", encoding, records, len(records) + len(failures), failures, notes
    )


# --- RefWorks --------------------------------------------------------------------------

REFWORKS_TAGS: Final = frozenset(
    {
        "RT", "SR", "ID", "A1", "A2", "A3", "A4", "A5", "A6", "T1", "T2", "T3", "JF", "JO",
        "YR", "FD", "VO", "IS", "SP", "OP", "K1", "AB", "NO", "ED", "PB", "PP", "SN", "AV",
        "AD", "AN", "LA", "CL", "SF", "OT", "LK", "DO", "CN", "DB", "DS", "IP", "RD", "ST",
        "U1", "U2", "U3", "U4", "U5", "U6", "U7", "U8", "U9", "U10", "U11", "U12", "U13",
        "U14", "U15", "UL", "WP", "WT", "WV", "OL", "SL", "LL", "CR", "PMID", "PMCID",
    }
)  # fmt: skip
_REFWORKS_TAG: Final = re.compile(r"^([A-Z][A-Z0-9]{1,4})(?: (.*))?$")
# RefWorks may write a header before the records: "Refworks Export Tagged Format", the
# character set, a legend of the tags ("RT=Reference Type", ...), then this line.
_REFWORKS_HEADER: Final = "Refworks Export Tagged Format"
_REFWORKS_BEGIN: Final = "BEGIN EXPORTED REFERENCES"


def read_refworks(text: str, *, file: str, encoding: str) -> ParsedFile:
    """RefWorks' tagged format (``RT Journal Article``, ``A1``, ``T1``, ``JF``, ``YR``, ...).

    A header RefWorks writes before the records (``Refworks Export Tagged Format``, the
    character set, the legend of tags, up to ``BEGIN EXPORTED REFERENCES``) is skipped and
    noted.

    Counting rule: every block of lines between blank lines is a record, and an ``RT``
    (reference type) line within a block starts another (records written without a blank
    line between them). A block whose first line is not a RefWorks tag cannot be read and
    is reported with its lines; a line inside a record that is not a tag line continues the
    field before it."""
    lines = split_lines(text)
    header = next(
        (index for index, line in enumerate(lines) if line.strip() == _REFWORKS_BEGIN), None
    )
    records: list[RawRecord] = []
    failures: list[Problem] = []
    current: RawRecord | None = None
    stray: list[int] = []
    joined: list[int] = []
    untagged: list[int] = []
    no_type: list[int] = []

    def close_stray() -> None:
        if stray:
            failures.append(
                Problem(
                    file,
                    stray[0],
                    f"lines {stray[0]}-{stray[-1]}",
                    None,
                    None,
                    "a record whose lines begin with RefWorks tags (RT, A1, T1, ...)",
                    "the lines between blank lines do not begin with a RefWorks tag",
                )
            )
            stray.clear()

    for number, line in enumerate(lines, start=1):
        if header is not None and number <= header + 1:
            continue
        if not line.strip():
            close_stray()
            current = None
            continue
        match = _REFWORKS_TAG.match(line.rstrip())
        tag = match.group(1) if match and match.group(1) in REFWORKS_TAGS else None
        if stray:
            stray.append(number)
            continue
        if current is None:
            if tag is None:
                stray.append(number)
                continue
            current = RawRecord(number, [])
            records.append(current)
        elif tag == "RT" and current.fields:
            joined.append(number)
            current = RawRecord(number, [])
            records.append(current)
        if tag is not None and match is not None:
            current.fields.append((tag, (match.group(2) or "").strip()))
        else:
            name, value = current.fields[-1]
            current.fields[-1] = (name, f"{value}\n{line.strip()}")
            untagged.append(number)
    close_stray()
    no_type.extend(r.line for r in records if not any(tag == "RT" for tag, _ in r.fields))
    notes = []
    if header is not None:
        notes.append(f"RefWorks' header and tag legend skipped (lines 1-{header + 1})")
    if joined:
        notes.append(
            f"record(s) with no blank line before them, told by RT ({line_numbers(joined)})"
        )
    if untagged:
        notes.append(f"line(s) without a tag read as continued text ({line_numbers(untagged)})")
    if no_type:
        notes.append(f"record(s) without an RT line ({line_numbers(no_type)})")
    return ParsedFile(
        file, "refworks", encoding, records, len(records) + len(failures), failures, notes
    )


# --- telling them apart ----------------------------------------------------------------

_REFWORKS_FIRST: Final = re.compile(r"^RT \S")
_REFWORKS_OTHER: Final = re.compile(r"^(?:A1|T1|JF|JO|YR|SR|VO|SP|K1) ")
_DOCUMENT_FIELDS: Final = ("ProQuest document ID:", "Document URL:", "Publication title:")


def detect_plaintext(lines: Sequence[str]) -> str | None:
    """Which of these formats the non-blank ``lines`` at a file's start show, or None.

    ProQuest: the header line ``Report Information from ProQuest`` among the first five
    lines, or a ``Document N of M`` line followed by ProQuest's labels. Cochrane: a
    ``Record #N of M`` line followed by a ``TAG: value`` line of the Cochrane export (not a
    RIS record, which a provider may number the same way). Ovid: at least three of Ovid's
    field labels, each alone at the left margin with an indented value line under it. Ovid's
    tagged export: a ``<N. >`` record line whose tag lines include Ovid's version line
    ``VN  - Ovid Technologies``, and no RIS ``TY`` line.
    RefWorks: the first line is ``RT <type>`` and another line is one of RefWorks' tags, or
    the first line is RefWorks' header ``Refworks Export Tagged Format``."""
    if any(line.strip() == _PROQUEST_HEADER for line in lines[:5]):
        return "proquest-text"
    if _proquest_documents(lines):
        return "proquest-text"
    if _cochrane_records(lines):
        return "cochrane-text"
    if _ovid_direct_records(lines):
        return "ovid-direct"
    if len(_ovid_labels(lines)) >= 3:
        return "ovid-text"
    if lines and lines[0].strip() == _REFWORKS_HEADER:
        return "refworks"
    if lines and _REFWORKS_FIRST.match(lines[0]) and any(_REFWORKS_OTHER.match(x) for x in lines):
        return "refworks"
    return None


def _proquest_documents(lines: Sequence[str]) -> bool:
    for index, line in enumerate(lines):
        if _PROQUEST_DOCUMENT.match(line):
            following = lines[index + 1 : index + 80]
            return any(x.strip().startswith(_DOCUMENT_FIELDS) for x in following)
    return False


def _cochrane_records(lines: Sequence[str]) -> bool:
    for index, line in enumerate(lines):
        if _COCHRANE_RECORD.match(line):
            following = lines[index + 1 : index + 4]
            tags = [_COCHRANE_TAG.match(x.rstrip()) for x in following]
            return any(t is not None and t.group(1) in COCHRANE_TAGS for t in tags)
    return False


def _ovid_direct_records(lines: Sequence[str]) -> bool:
    if any(line.startswith("TY  -") for line in lines):
        return False
    for index, line in enumerate(lines):
        if _OVID_DIRECT_NUMBER.match(line):
            tags = [x for x in lines[index + 1 : index + 6] if _OVID_DIRECT_TAG.match(x)]
            return any(_OVID_DIRECT_VERSION.match(x) for x in tags)
    return False


def _ovid_labels(lines: Sequence[str]) -> set[str]:
    found = set()
    for line, following in itertools.pairwise(lines):
        label = line.strip().rstrip(":")
        if (
            label in OVID_LABELS
            and not line[:1].isspace()
            and following[:1].isspace()
            and following.strip()
        ):
            found.add(label)
    return found
