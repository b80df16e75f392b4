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
from pathlib import Path
from typing import Any, Final

import pandas as pd

from searchtrail.csvtext import csv_text
from searchtrail.dedup.output import ris_type
from searchtrail.fileio import write_chunks, write_text

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
    """The CSL item type for a record's type as its export wrote it."""
    if value.strip().lower() in _WEB_TYPES:
        return "webpage"
    return CSL_TYPES.get(ris_type(value), "document")


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
    if _YEAR.match(record["year"].strip()):
        item["issued"] = {"date-parts": [[int(record["year"])]]}
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


def csl_json_chunks(merged: pd.DataFrame, *, chunk: int = 50_000) -> Iterator[str]:
    """The unique records as a CSL-JSON array, one item a line, in pieces."""
    yield "["
    first = True
    for start in range(0, len(merged), chunk):
        part = merged[list(CSL_FIELDS)].iloc[start : start + chunk].astype(str)
        lines = []
        for values in part.itertuples(index=False, name=None):
            record = dict(zip(CSL_FIELDS, values, strict=True))
            text = json.dumps(csl_item(record), ensure_ascii=False)
            lines.append(("\n" if first else ",\n") + text)
            first = False
        yield "".join(lines)
    yield "\n]\n"


def write_unique_json(merged: pd.DataFrame, path: Path) -> None:
    """``unique.json``: the unique records as CSL-JSON, written atomically."""
    write_chunks(path, csl_json_chunks(merged))


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
