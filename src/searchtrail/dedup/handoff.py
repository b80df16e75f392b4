"""The unique records in the forms the next tools of a review take in.

``unique.ris`` (:func:`~searchtrail.dedup.output.write_unique_ris`) is for screening tools
(Rayyan, Covidence, EPPI-Reviewer). This module adds:

- ``unique.json``: CSL-JSON, the format reference managers (Zotero, Mendeley) and citation
  processors read: one item per unique record, typed, authors split into family and given
  names (an organisation kept whole, as ``literal``), the year as ``issued`` date parts;
- ``asreview.csv``: the columns ASReview LAB reads (title, abstract, keywords, authors,
  year, doi, url) and ``included``, the screening decisions already made (1 included, 0
  excluded at title/abstract screening or at eligibility, empty not yet decided), so an
  updated search starts its active learning from what the team decided in earlier rounds.

Both are deterministic (same records and decisions, same bytes) and written atomically.
docs/handoff.md says which tag or column each tool reads and why.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Final, TypeVar

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from searchtrail.arrowtext import Text, mapped
from searchtrail.csvtext import csv_text
from searchtrail.dedup.output import (
    NEEDS_ESCAPE,
    NOT_ONE_LINE,
    TEXT_CHUNK,
    Merged,
    PartText,
    concatenated,
    each_line,
    joined,
    json_text,
    line_lists,
    merged_part,
    merged_parts,
    no_rows,
    optional,
    present,
    ris_records,
    ris_type,
    unique_csv_columns,
    unique_csv_part,
    view_of,
    where,
)
from searchtrail.fileio import chunk_writer, write_chunks, write_text
from searchtrail.records.fields import type_parts
from searchtrail.threads import in_order

T = TypeVar("T")

# --- CSL-JSON ---------------------------------------------------------------------------------

CSL_TYPES: Final[dict[str, str]] = {
    "JOUR": "article-journal",
    "CONF": "paper-conference",
    "CHAP": "chapter",
    "BOOK": "book",
    "THES": "thesis",
    "RPRT": "report",
    "GEN": "document",
}
"""CSL item type for each RIS type :func:`~searchtrail.dedup.output.ris_type` gives."""

_WEB_TYPES: Final = frozenset({"elec", "web", "webpage", "web page", "online", "blog", "icomm"})
_ORGANISATION: Final = re.compile(
    r"\b(institut\w*|department|ministry|council|organi[sz]ation|group|association|society|"
    r"agency|university|universitet\w*|cent(?:re|er)|committee|collaboration|network|"
    r"foundation|board|office|commission|service|trust|consortium|authority|"
    r"\w*direktorat\w*|\w*departement\w*|\w*styrelsen|\w*myndighet\w*|\w*verket)\b",
    re.IGNORECASE,
)
_SHORT_NAME: Final = re.compile(r"^(?P<family>\S+)\s+(?P<given>(?:[A-Z]\.?[ -]?){1,3})$")
"""A name written ``Family GI`` (PubMed) or ``Family G.`` / ``Family G.-H.`` (Scopus)."""
_YEAR: Final = re.compile(r"^\d{4}$")


def csl_type(value: str) -> str:
    """The CSL item type for a record's type as its export wrote it: a web page where no
    part names a kind of publication and one names the web (RIS ``ELEC``, or ``ELEC`` with
    its type of work ``Web``)."""
    code = ris_type(value)
    if code == "GEN" and any(part in _WEB_TYPES for part in type_parts(value)):
        return "webpage"
    return CSL_TYPES.get(code, "document")


def csl_name(author: str) -> dict[str, str]:
    """One author as a CSL name: ``Family, Given`` and ``Family GI`` (PubMed's short form)
    are split; an organisation, or a name whose parts cannot be told, stays whole as
    ``literal`` (splitting "World Health Organization" would invent a person)."""
    text = " ".join(author.split())
    family, comma, given = text.partition(",")
    family, given = family.strip(), given.strip()
    organisation = _ORGANISATION.search(family) and (" " in family or not given)
    if organisation or (comma and not family):
        return {"literal": text.rstrip(",").strip()}
    if comma and given:
        return {"family": family, "given": given}
    short = _SHORT_NAME.match(text)
    if short:
        return {"family": short.group("family"), "given": short.group("given").strip()}
    return {"literal": family or text}


def csl_item(record: Mapping[str, str]) -> dict[str, Any]:
    """One unique record (a row of the merged table, as text) as a CSL-JSON item."""
    item: dict[str, Any] = {"id": record["record_id"], "type": csl_type(record["type"])}

    def put(key: str, value: str) -> None:
        value = " ".join(value.split())
        if value:
            item[key] = value

    put("title", record["title"])
    authors = [csl_name(a) for a in record["authors"].split("\n") if a.strip()]
    if authors:
        item["author"] = authors
    year = record["year"].strip()  # int() takes fewer characters for white space than strip()
    if _YEAR.match(year):
        item["issued"] = {"date-parts": [[int(year)]]}
    put("container-title", record["journal"])
    put("volume", record["volume"])
    put("issue", record["issue"])
    put("page", record["pages"])
    put("DOI", record["doi"])
    put("PMID", record["pmid"])
    put("ISSN", ", ".join(_lines(record["issn"])))
    put("ISBN", ", ".join(_lines(record["isbn"])))
    put("URL", record["url"])
    put("abstract", record["abstract"])
    put("keyword", ", ".join(_lines(record["keywords"])))
    put("language", record["language"])
    put("publisher", record["publisher"])
    note = f"searchtrail duplicate group {record['duplicate_group']}"
    if str(record["size"]) != "1":
        note += f": merged from {record['records']}"
    item["note"] = note
    return item


def _lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.split("\n") if line.strip()]


CSL_FIELDS: Final = (
    "duplicate_group", "record_id", "size", "records", "type", "title", "authors", "year",
    "journal", "volume", "issue", "pages", "doi", "pmid", "issn", "isbn", "url", "abstract",
    "keywords", "language", "publisher",
)  # fmt: skip
"""The columns of the merged table that CSL-JSON carries."""


def csl_json_chunks(merged: Merged, *, chunk: int = TEXT_CHUNK) -> Iterator[bytes | memoryview]:
    """The unique records as a CSL-JSON array, one item a line, in pieces: ``[``, each
    :func:`csl_item` as ``json.dumps`` writes it on a line of its own (all but the last
    followed by a comma), and ``]``."""
    yield b"["
    for index, part in enumerate(merged_parts(merged, CSL_FIELDS, chunk)):
        rows = len(part["size"])
        leads = ["\n" if index == 0 else ",\n", *[",\n"] * (rows - 1)]
        yield view_of(csl_json_items(PartText(part), pa.array(leads, pa.large_string())))
    yield b"\n]\n"


def csl_json_items(column: PartText, leads: Text | str = "") -> Text:
    """Each unique record of a part of the merged table as one CSL-JSON item, exactly as
    ``json.dumps(csl_item(record), ensure_ascii=False)`` writes it, after its ``leads``."""
    authors = column.lines("authors")
    names = each_line(authors, csl_names_json, ", ")
    note = column.note()
    return concatenated(
        leads,
        '{"id": ',
        json_strings(column["record_id"]),
        ', "type": ',
        json_strings(mapped(column["type"], csl_type)),
        *_member("title", column.json_line("title")),
        where(pc.greater(pc.list_value_length(authors), 0), joined(', "author": [', names, "]")),
        mapped(column["year"], _issued_member),
        *_member("container-title", column.json_line("journal")),
        *_member("volume", column.json_line("volume")),
        *_member("issue", column.json_line("issue")),
        *_member("page", column.json_line("pages")),
        *_member("DOI", column.json_line("doi")),
        *_member("PMID", column.json_line("pmid")),
        *_member("ISSN", json_escaped(_comma_separated(line_lists(column["issn"])), one_line=True)),
        *_member("ISBN", json_escaped(_comma_separated(line_lists(column["isbn"])), one_line=True)),
        *_member("URL", column.json_line("url")),
        *_member("abstract", column.json_line("abstract")),
        *_member(
            "keyword", json_escaped(_comma_separated(column.lines("keywords")), one_line=True)
        ),
        *_member("language", column.json_line("language")),
        *_member("publisher", column.json_line("publisher")),
        ', "note": ',
        json_strings(note),
        "}",
    )


def json_strings(values: Text) -> Text:
    """Each value as a JSON string, as ``json.dumps(value, ensure_ascii=False)`` writes it."""
    return joined('"', json_escaped(values), '"')


def json_escaped(values: Text, *, one_line: bool = False) -> Text:
    """Each value as it goes between the quotes of a JSON string (escaped as ``json.dumps(
    value, ensure_ascii=False)`` escapes it); with ``one_line``, the value made one line
    (``" ".join(value.split())``) first."""
    pattern = f"{NOT_ONE_LINE}|{NEEDS_ESCAPE}" if one_line else NEEDS_ESCAPE
    return json_text(values, pc.match_substring_regex(values, pattern), one_line=one_line)


def _member(key: str, escaped: Text) -> tuple[Text, Text, Text]:
    """``, "<key>": "<value>"`` where the value (made one line and escaped) is not empty,
    as pieces of the item's :func:`concatenated`."""
    return optional(present(escaped), f', "{key}": "', escaped, '"')


def _comma_separated(lines: pa.ListArray) -> Text:
    """Each row's lines joined by ``", "``."""
    return each_line(lines, _same, ", ")


def _same(values: Text) -> Text:
    return values


_NAME_PARTS: Final = r"(?s)^(?P<family>[^,]*)(?:,(?P<given>.*))?$"
"""A name split at its first comma (an RE2 pattern)."""
_ORGANISATION_WORDS: Final = _ORGANISATION.pattern.replace(r"\b", "").replace(r"\w*", "")
""":data:`_ORGANISATION` without its word boundaries and the letters it allows around its
words (an RE2 pattern matched regardless of case): an ASCII name it does not match holds
no organisation's word."""


def csl_names_json(authors: Text) -> Text:
    """Each author (one line, not blank) as a CSL name in JSON, as ``json.dumps(
    csl_name(author), ensure_ascii=False)`` writes it. Names in ASCII that hold no
    organisation's word and nothing JSON escapes, and have no comma or a comma with text
    on both sides, are split column by column (as :func:`csl_name` splits them); the others
    by :func:`csl_name`."""
    empty = pa.scalar("", pa.large_string())
    parts = pc.extract_regex(authors, _NAME_PARTS)
    family = pc.utf8_trim(pc.struct_field(parts, "family"), " ")
    given = pc.utf8_trim(pc.fill_null(pc.struct_field(parts, "given"), empty), " ")
    short = pc.extract_regex(authors, _SHORT_NAME.pattern)
    short_family = pc.fill_null(pc.struct_field(short, "family"), empty)
    short_given = pc.utf8_trim(pc.fill_null(pc.struct_field(short, "given"), empty), " ")
    has_comma = pc.match_substring(authors, ",")
    split_at_comma = pc.and_(has_comma, pc.and_(present(family), present(given)))
    plain = pc.and_(
        pc.and_(
            pc.string_is_ascii(authors), pc.invert(pc.match_substring_regex(authors, NEEDS_ESCAPE))
        ),
        pc.invert(pc.match_substring_regex(family, _ORGANISATION_WORDS, ignore_case=True)),
    )
    by_rule = pc.and_(plain, pc.or_(split_at_comma, pc.invert(has_comma)))
    names = pc.if_else(
        pc.or_(split_at_comma, pc.is_valid(short)),
        joined(
            '{"family": "',
            pc.if_else(split_at_comma, family, short_family),
            '", "given": "',
            pc.if_else(split_at_comma, given, short_given),
            '"}',
        ),
        joined('{"literal": "', authors, '"}'),
    )
    others = pc.invert(by_rule)
    if not pc.any(others).as_py():
        return names
    return pc.replace_with_mask(names, others, mapped(authors.filter(others), _csl_name_json))


def _csl_name_json(author: str) -> str:
    return json.dumps(csl_name(author), ensure_ascii=False)


def _issued_member(year: str) -> str:
    year = year.strip()
    if not _YEAR.match(year):
        return ""
    return ', "issued": ' + json.dumps({"date-parts": [[int(year)]]})


def write_unique_json(merged: Merged, path: Path) -> None:
    """``unique.json``: the unique records as CSL-JSON, written atomically."""
    write_chunks(path, csl_json_chunks(merged))


def write_unique_files(merged: Merged, folder: Path, *, workers: int = 2) -> None:
    """``unique.csv``, ``unique.ris`` and ``unique.json`` in ``folder``, as
    :func:`~searchtrail.dedup.output.write_unique_csv`,
    :func:`~searchtrail.dedup.output.write_unique_ris` and :func:`write_unique_json` write
    them, in one pass: each part of the merged table is taken from the records once and
    made into all three, ``workers`` parts at a time (Arrow lets threads run side by side).
    Each file is written atomically; if making any part fails, none of the three is
    replaced."""
    columns = unique_csv_columns()
    starts = range(0, len(merged), TEXT_CHUNK)

    def render(start: int) -> tuple[memoryview, memoryview, memoryview]:
        part = merged_part(merged, start, start + TEXT_CHUNK, columns)
        text = PartText(part)
        rows = len(part["size"])
        leads = ["\n" if start == 0 else ",\n", *[",\n"] * (rows - 1)]
        return (
            unique_csv_part(part, columns, header=start == 0),
            view_of(ris_records(text)),
            view_of(csl_json_items(text, pa.array(leads, pa.large_string()))),
        )

    with (
        chunk_writer(folder / "unique.csv") as csv_file,
        chunk_writer(folder / "unique.ris") as ris_file,
        chunk_writer(folder / "unique.json") as json_file,
        ThreadPoolExecutor(max_workers=workers) as pool,
    ):
        json_file(b"[")
        if not starts:
            csv_file(unique_csv_part(no_rows(columns), columns, header=True))
        for csv_rows, ris_rows, json_rows in in_order(pool, render, starts, ahead=2 * workers):
            csv_file(csv_rows)
            ris_file(ris_rows)
            json_file(json_rows)
        json_file(b"\n]\n")


# --- ASReview ----------------------------------------------------------------------------------

ASREVIEW_COLUMNS: Final = (
    "searchtrail_id", "duplicate_group", "title", "abstract", "keywords", "authors", "year",
    "doi", "url", "included",
)  # fmt: skip
"""The columns of ``asreview.csv``. Our record id is ``searchtrail_id``, not ``record_id``:
ASReview LAB 1.x stops on a ``record_id`` column that is not whole numbers, and 2.x
ignores that column and numbers the records itself, so our id would be lost either way.
``searchtrail screening import --tool asreview`` matches the exported rows by it."""

INCLUDED_LABEL: Final = "1"
EXCLUDED_LABEL: Final = "0"
LABELS: Final[dict[str, str]] = {
    "included": INCLUDED_LABEL,
    "excluded at screening": EXCLUDED_LABEL,
    "excluded at eligibility": EXCLUDED_LABEL,
}
"""ASReview's label for each status of the screening stage's flow; any other status
(awaiting a decision, not retrieved, removed, not taken forward) is unlabelled."""


def asreview_table(merged: pd.DataFrame, statuses: Mapping[str, str]) -> pd.DataFrame:
    """One row per unique record, in the order of the merged table, labelled from
    ``statuses`` (duplicate group -> status in the flow). Authors and keywords are joined
    by ``"; "``; a year that is not four digits is left empty (ASReview reads the column
    as whole numbers)."""
    groups = [str(g) for g in merged["duplicate_group"].tolist()]
    years = [y if _YEAR.match(y) else "" for y in _one_line(merged["year"])]
    return pd.DataFrame(
        {
            "searchtrail_id": _one_line(merged["record_id"]),
            "duplicate_group": groups,
            "title": _one_line(merged["title"]),
            "abstract": _one_line(merged["abstract"]),
            "keywords": _joined(merged["keywords"]),
            "authors": _joined(merged["authors"]),
            "year": years,
            "doi": _one_line(merged["doi"]),
            "url": _one_line(merged["url"]),
            "included": [LABELS.get(statuses.get(g, ""), "") for g in groups],
        },
        columns=list(ASREVIEW_COLUMNS),
    )


def _one_line(values: pd.Series) -> list[str]:
    return [" ".join(str(v).split()) for v in values.fillna("").tolist()]


def _joined(values: pd.Series) -> list[str]:
    return ["; ".join(_lines(str(v))) for v in values.fillna("").tolist()]


def asreview_csv(table: pd.DataFrame) -> str:
    """The ASReview table as CSV, as every CSV of the project is written (a cell that a
    spreadsheet would run as a formula gets a leading ``'``)."""
    return csv_text(list(table.columns), _rows(table))


def _rows(table: pd.DataFrame) -> Iterable[list[str]]:
    return ([str(v) for v in row] for row in table.itertuples(index=False, name=None))


def write_asreview_csv(
    merged: pd.DataFrame, statuses: Mapping[str, str], path: Path
) -> pd.DataFrame:
    """``asreview.csv``, written atomically; returns the table written."""
    table = asreview_table(merged, statuses)
    write_text(path, asreview_csv(table))
    return table
